/**
 * The Alloy topology (issue #4): the rendered configs parse, use only components of the pinned version at the
 * stability level the process runs with, reference only components they define, point only at Services rendered
 * in the same environment, and follow the environment's sampling config.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EnvironmentInput, loadEnvironment } from '../../environments';
import { dev } from '../../environments/dev';
import { production } from '../../environments/production';
import { staging } from '../../environments/staging';
import { PRODUCTION_MULTI_REGION_ENVIRONMENTS } from '../../environments/multi-region';
import { KubeObject, renderEnvironment } from '../../constructs/render';
import { PORTS, endpoints } from '../../constructs/endpoints';
import { GATEWAY_NAME, NODE_AGENT_NAME, STABILITY_LEVEL } from '../../constructs/alloy';
import { PATHS, gatewayReplicas, latencyBuckets, numTraces, platformScrapeTargets, spansPerSecondPerSampler } from '../../constructs/alloy/pipeline';
import { AstExpr, AstFile, AstStmt, parseAlloy, stringValue } from '../alloy/parser';
import { SHARED } from '../support/paths';

type Obj = Record<string, any>;

const ENVS: Record<string, EnvironmentInput> = {
  dev,
  staging,
  production,
  // A multi-region region: metrics to the global Mimir, traces and logs to its own Tempo and Loki.
  ...Object.fromEntries(PRODUCTION_MULTI_REGION_ENVIRONMENTS.filter((e) => e.multiRegion?.role === 'regional').map((e) => [e.name, e])),
};

function render(input: EnvironmentInput) {
  const env = loadEnvironment(input);
  const rendered = renderEnvironment(env);
  const all = [...rendered.objects.values()].flat() as KubeObject[];
  const alloy = rendered.objects.get('alloy') as readonly KubeObject[];
  const platform = rendered.objects.get('platform') as readonly KubeObject[];
  const find = (list: readonly KubeObject[], kind: string, name: string): Obj | undefined =>
    list.find((o) => o.kind === kind && o.metadata.name === name) as Obj | undefined;
  const configs: Record<string, string> = {};
  for (const name of [NODE_AGENT_NAME, GATEWAY_NAME]) {
    const cm = find(alloy, 'ConfigMap', `${name}-config`);
    if (cm) configs[name] = cm.data[PATHS.configFile];
  }
  return { env, all, alloy, platform, find, configs };
}

// ---------------------------------------------------------------------------------------------------------
// Walking the parsed config
// ---------------------------------------------------------------------------------------------------------

interface ComponentDef { name: string; label: string; body: readonly AstStmt[] }

function components(file: AstFile): ComponentDef[] {
  return file.body
    .filter((s): s is Extract<AstStmt, { type: 'block' }> => s.type === 'block')
    .map((b) => ({ name: b.name.join('.'), label: b.label ?? '', body: b.body }));
}

/** `a.b.c` of an identifier/access chain, or undefined for any other expression. */
function chain(e: AstExpr): string[] | undefined {
  if (e.type === 'ident') return [e.name];
  if (e.type === 'access') {
    const t = chain(e.target);
    return t ? [...t, e.name] : undefined;
  }
  return undefined;
}

/** Every reference (identifier chain that is not a function callee) in a statement list. */
function references(stmts: readonly AstStmt[]): string[][] {
  const out: string[][] = [];
  const expr = (e: AstExpr): void => {
    const p = chain(e);
    if (p) {
      out.push(p);
      return;
    }
    switch (e.type) {
      case 'call': e.args.forEach(expr); return; // the callee is a function name (sys.env), not a reference
      case 'index': expr(e.target); expr(e.index); return;
      case 'unary': expr(e.operand); return;
      case 'binary': expr(e.left); expr(e.right); return;
      case 'paren': expr(e.inner); return;
      case 'array': e.elements.forEach(expr); return;
      case 'object': e.fields.forEach((f) => expr(f.value)); return;
      default: return;
    }
  };
  const walk = (ss: readonly AstStmt[]): void => {
    for (const s of ss) {
      if (s.type === 'attribute') expr(s.value);
      else walk(s.body);
    }
  };
  walk(stmts);
  return out;
}

/** Every string attribute value named `name`, at any depth, with the block path it sits in. */
function stringAttrs(stmts: readonly AstStmt[], name: string, where: string[] = []): { where: string[]; value: string }[] {
  const out: { where: string[]; value: string }[] = [];
  for (const s of stmts) {
    if (s.type === 'attribute' && s.name === name && s.value.type === 'literal' && s.value.tok === 'STRING') {
      out.push({ where, value: stringValue(s.value.text) });
    } else if (s.type === 'block') {
      out.push(...stringAttrs(s.body, name, [...where, s.name.join('.')]));
    }
  }
  return out;
}

function blocksNamed(stmts: readonly AstStmt[], name: string): Extract<AstStmt, { type: 'block' }>[] {
  const out: Extract<AstStmt, { type: 'block' }>[] = [];
  for (const s of stmts) {
    if (s.type !== 'block') continue;
    if (s.name.join('.') === name) out.push(s);
    out.push(...blocksNamed(s.body, name));
  }
  return out;
}

function attrValue(stmts: readonly AstStmt[], name: string): AstExpr | undefined {
  const a = stmts.find((s) => s.type === 'attribute' && s.name === name);
  return a && a.type === 'attribute' ? a.value : undefined;
}

function literal(e: AstExpr | undefined): string | number | undefined {
  if (!e || e.type !== 'literal') return undefined;
  if (e.tok === 'STRING') return stringValue(e.text);
  if (e.tok === 'NUMBER' || e.tok === 'FLOAT') return Number(e.text);
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Component stability in the pinned version
// ---------------------------------------------------------------------------------------------------------

const STABILITY = new Map(
  fs.readFileSync(path.join(SHARED, 'reference', 'alloy-components-v1.18.1.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => l.split('\t') as [string, string]),
);

/** Levels a component may have to start with `--stability.level=generally-available`. */
const ALLOWED: Record<string, string[]> = {
  'generally-available': ['generally-available', 'experimental_feature'],
  'public-preview': ['generally-available', 'experimental_feature', 'public_preview'],
  experimental: ['generally-available', 'experimental_feature', 'public_preview', 'experimental'],
};

/** The experimental options of the GA components marked `experimental_feature` that MOP uses (their docs). */
const EXPERIMENTAL_BLOCKS: Record<string, string[]> = {
  'loki.write': ['queue_config', 'wal'],
};

const SNAPSHOTTED = ['dev', 'staging', 'production', 'production-eu-west-1', 'production-us-east-1'];

describe.each(Object.keys(ENVS))('Alloy pipeline in %s', (envName) => {
  const r = render(ENVS[envName] as EnvironmentInput);
  const e = endpoints(r.env);
  const parsed = Object.entries(r.configs).map(([name, text]) => ({ name, text, ast: parseAlloy(text) }));

  test('renders the node agent everywhere and the gateway exactly in tiered environments', () => {
    expect(Object.keys(r.configs).sort()).toEqual(
      r.env.pipeline === 'tiered' ? [GATEWAY_NAME, NODE_AGENT_NAME].sort() : [NODE_AGENT_NAME],
    );
    expect(r.find(r.alloy, 'DaemonSet', NODE_AGENT_NAME)).toBeDefined();
    expect(r.find(r.alloy, 'StatefulSet', GATEWAY_NAME) !== undefined).toBe(r.env.pipeline === 'tiered');
  });

  test('every rendered config parses', () => {
    for (const p of parsed) expect(p.ast.body.length).toBeGreaterThan(0);
  });

  test('every component exists in Alloy v1.18.1 at a stability level the process starts with', () => {
    const args: string[] = r.alloy
      .filter((o) => o.kind === 'DaemonSet' || o.kind === 'StatefulSet')
      .flatMap((o) => (o as Obj).spec.template.spec.containers[0].args);
    expect(args.filter((a) => a.startsWith('--stability.level='))).toEqual(
      args.filter((a) => a.startsWith('--stability.level=')).map(() => `--stability.level=${STABILITY_LEVEL}`),
    );
    for (const p of parsed) {
      for (const c of components(p.ast)) {
        const level = STABILITY.get(c.name);
        expect({ component: c.name, level }).toEqual({ component: c.name, level: expect.any(String) });
        expect(ALLOWED[STABILITY_LEVEL]).toContain(level);
        for (const b of EXPERIMENTAL_BLOCKS[c.name] ?? []) expect(blocksNamed(c.body, b)).toHaveLength(0);
      }
    }
  });

  test('every component has a label and no two components share name and label', () => {
    for (const p of parsed) {
      const keys = components(p.ast).map((c) => `${c.name}.${c.label}`);
      expect(components(p.ast).every((c) => c.label !== '')).toBe(true);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  test('every reference points at a component defined in the same config', () => {
    for (const p of parsed) {
      const defined = components(p.ast).map((c) => [...c.name.split('.'), c.label]);
      const refs = references(p.ast.body);
      expect(refs.length).toBeGreaterThan(10);
      for (const ref of refs) {
        const target = defined.find((d) => d.every((part, i) => ref[i] === part));
        expect({ config: p.name, ref: ref.join('.'), defined: target !== undefined }).toEqual({
          config: p.name,
          ref: ref.join('.'),
          defined: true,
        });
        // Exactly one export name after the component: `<name>.<label>.<export>`.
        expect(ref.length).toBe((target as string[]).length + 1);
        expect(['input', 'receiver', 'targets', 'output']).toContain(ref[ref.length - 1]);
      }
    }
  });

  test('every endpoint names a Service and port rendered in the same environment', () => {
    const services = r.all.filter((o) => o.kind === 'Service') as Obj[];
    const checkHostPort = (host: string, port: number, what: string) => {
      const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(host);
      expect({ what, host, clusterLocal: m !== null }).toEqual({ what, host, clusterLocal: true });
      const [, name, ns] = m as RegExpExecArray;
      const svc = services.find((s) => s.metadata.name === name && s.metadata.namespace === ns);
      expect({ what, service: `${ns}/${name}`, rendered: svc !== undefined }).toEqual({ what, service: `${ns}/${name}`, rendered: true });
      expect({ what, ports: (svc as Obj).spec.ports.map((x: Obj) => x.port) }).toEqual({ what, ports: expect.arrayContaining([port]) });
    };
    // The only addresses outside the cluster: the global Mimir a multi-region region writes to (its env declares it).
    const external = r.env.multiRegion?.role === 'regional' ? [r.env.multiRegion.globalMimir.pushUrl] : [];
    let checked = 0;
    for (const p of parsed) {
      for (const { value } of stringAttrs(p.ast.body, 'url')) {
        if (external.includes(value)) {
          checked++;
          continue;
        }
        const u = new URL(value);
        checkHostPort(u.hostname, Number(u.port), `${p.name} url ${value}`);
        checked++;
      }
      for (const { where, value } of stringAttrs(p.ast.body, 'endpoint')) {
        if (value.startsWith('0.0.0.0:')) {
          expect(where[0]).toBe('otelcol.receiver.otlp');
          continue;
        }
        const i = value.lastIndexOf(':');
        checkHostPort(value.slice(0, i), Number(value.slice(i + 1)), `${p.name} endpoint ${value}`);
        checked++;
      }
      for (const dns of blocksNamed(p.ast.body, 'dns')) {
        checkHostPort(String(literal(attrValue(dns.body, 'hostname'))), Number(literal(attrValue(dns.body, 'port'))), `${p.name} dns resolver`);
        checked++;
      }
    }
    // Mimir push, Loki push, Tempo OTLP (in the sampler), and the gateway resolver in tiered environments.
    expect(checked).toBeGreaterThanOrEqual(r.env.pipeline === 'tiered' ? 4 : 3);
  });

  test('every write to a store carries the tenant header and the cluster label', () => {
    for (const p of parsed) {
      for (const rw of blocksNamed(p.ast.body, 'prometheus.remote_write')) {
        for (const ep of blocksNamed(rw.body, 'endpoint')) {
          const headers = attrValue(ep.body, 'headers') as Extract<AstExpr, { type: 'object' }>;
          expect(headers.fields.map((f) => [f.key, literal(f.value)])).toEqual([['X-Scope-OrgID', r.env.tenant]]);
        }
        const labels = attrValue(rw.body, 'external_labels') as Extract<AstExpr, { type: 'object' }>;
        const region = r.env.multiRegion?.role === 'regional' ? [['region', r.env.cluster.region]] : [];
        expect(labels.fields.map((f) => [f.key, literal(f.value)])).toEqual([['cluster', r.env.cluster.name], ...region]);
      }
      for (const lw of blocksNamed(p.ast.body, 'loki.write')) {
        expect(literal(attrValue(blocksNamed(lw.body, 'endpoint')[0]?.body ?? [], 'tenant_id'))).toBe(r.env.tenant);
      }
      for (const ex of blocksNamed(p.ast.body, 'otelcol.exporter.otlp')) {
        const client = blocksNamed(ex.body, 'client')[0] as Extract<AstStmt, { type: 'block' }>;
        const headers = attrValue(client.body, 'headers') as Extract<AstExpr, { type: 'object' }>;
        expect(headers.fields.map((f) => [f.key, literal(f.value)])).toEqual([['X-Scope-OrgID', r.env.tenant]]);
      }
    }
  });

  test('traces reach Tempo only through memory limiter, tail sampling and batch; traces never bypass the sampler', () => {
    const sampler = parsed.find((p) => p.name === (r.env.pipeline === 'tiered' ? GATEWAY_NAME : NODE_AGENT_NAME));
    expect(sampler).toBeDefined();
    const text = (sampler as { text: string }).text;
    expect(text).toContain('otelcol.processor.memory_limiter "default"');
    expect(text).toMatch(/otelcol\.processor\.tail_sampling "default" \{[\s\S]*traces = \[otelcol\.processor\.batch\.sampled\.input\]/);
    expect(text).toMatch(/otelcol\.processor\.batch "sampled" \{[\s\S]*traces = \[otelcol\.exporter\.otlp\.tempo\.input\]/);
    // The only references to the Tempo exporter come from the post-sampling batch.
    const tempoRefs = (text.match(/otelcol\.exporter\.otlp\.tempo\.input/g) ?? []).length;
    expect(tempoRefs).toBe(1);
    if (r.env.pipeline === 'tiered') {
      const agent = r.configs[NODE_AGENT_NAME] as string;
      expect(agent).not.toContain('otelcol.processor.tail_sampling');
      expect(agent).not.toContain('otelcol.exporter.otlp "');
      expect(agent).toMatch(/otelcol\.exporter\.loadbalancing "gateway" \{\n\trouting_key = "traceID"/);
    }
  });

  test('every otelcol pipeline starts with the memory limiter and batches before exporting', () => {
    for (const p of parsed) {
      const receiverOut = blocksNamed(components(p.ast).find((c) => c.name === 'otelcol.receiver.otlp')?.body ?? [], 'output')[0];
      const targets = references((receiverOut as Extract<AstStmt, { type: 'block' }>).body).map((x) => x.slice(0, 3).join('.'));
      expect(new Set(targets)).toEqual(new Set(['otelcol.processor.memory_limiter']));
      // Every otelcol exporter that sends over the network is fed by a batch processor.
      for (const c of components(p.ast).filter((x) => x.name === 'otelcol.exporter.otlp' || x.name === 'otelcol.exporter.loadbalancing')) {
        const feeders = components(p.ast).filter((x) => references(x.body).some((ref) => ref.join('.') === `${c.name}.${c.label}.input`));
        expect(feeders.map((f) => f.name)).toEqual(['otelcol.processor.batch']);
      }
    }
  });

  test('the node agent scrapes its own node only, with the ports from endpoints.ts', () => {
    const agent = r.configs[NODE_AGENT_NAME] as string;
    expect(agent).toContain(`regex         = "${PORTS.obiMetrics}"`);
    expect(agent).toContain(`regex         = "${PORTS.ebpfExporter}"`);
    const ast = parseAlloy(agent);
    const discoveries = components(ast).filter((c) => c.name === 'discovery.kubernetes');
    expect(discoveries.length).toBeGreaterThanOrEqual(3);
    for (const d of discoveries) {
      const sel = blocksNamed(d.body, 'selectors')[0] as Extract<AstStmt, { type: 'block' }>;
      const field = attrValue(sel.body, 'field') as AstExpr;
      expect(field.type).toBe('binary');
      expect(JSON.stringify(field)).toContain('K8S_NODE_NAME');
    }
    expect(agent).toContain('/metrics/cadvisor');
    expect(agent).toContain('prometheus.exporter.unix "node"');
    expect(agent).toContain('prometheus.exporter.self "alloy"');
  });

  test('the platform scrape keeps a container port that a rendered workload of each namespace has', () => {
    const agent = r.configs[NODE_AGENT_NAME] as string;
    for (const t of platformScrapeTargets(r.env)) {
      expect(agent).toContain(`${t.namespace};${t.port}`);
      if (t.namespace === r.env.namespaces.alloy && r.env.pipeline === 'combined') continue; // no gateway in combined
      const workloads = r.all.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind) && o.metadata.namespace === t.namespace) as Obj[];
      const ports = workloads.flatMap((w) => w.spec.template.spec.containers.flatMap((c: Obj) => (c.ports ?? []).map((p: Obj) => p.containerPort)));
      expect({ namespace: t.namespace, ports }).toEqual({ namespace: t.namespace, ports: expect.arrayContaining([t.port]) });
    }
  });

  test('pod logs lift trace_id into structured metadata', () => {
    const agent = parseAlloy(r.configs[NODE_AGENT_NAME] as string);
    const proc = components(agent).find((c) => c.name === 'loki.process') as ComponentDef;
    const stages = proc.body.filter((s) => s.type === 'block').map((s) => (s as Extract<AstStmt, { type: 'block' }>).name.join('.'));
    expect(stages).toEqual(['stage.cri', 'stage.regex', 'stage.structured_metadata']);
    const expression = String(literal(attrValue((blocksNamed(proc.body, 'stage.regex')[0] as Extract<AstStmt, { type: 'block' }>).body, 'expression')));
    const re = new RegExp(expression.replace('(?i)', '').replace('(?P<', '(?<'), 'i');
    const id = '4bf92f3577b34da6a3ce929d0e0e4736';
    for (const line of [`level=info trace_id=${id} msg=ok`, `{"traceID":"${id}","msg":"ok"}`, `{"trace_id": "${id}"}`, `trace-id: ${id}`]) {
      expect(re.exec(line)?.groups?.trace_id).toBe(id);
    }
    expect(re.exec('no trace here span_id=00f067aa0ba902b7')).toBeNull();
  });

  test('the Services match endpoints.ts', () => {
    const node = r.find(r.alloy, 'Service', e.alloyNodeOtlpGrpc.service) as Obj;
    expect(node.metadata.namespace).toBe(e.alloyNodeOtlpGrpc.namespace);
    expect(node.spec.internalTrafficPolicy).toBe('Local');
    const ports = node.spec.ports.map((p: Obj) => [p.name, p.port]);
    expect(ports).toEqual(expect.arrayContaining([
      [e.alloyNodeOtlpGrpc.portName, e.alloyNodeOtlpGrpc.port],
      [e.alloyNodeOtlpHttp.portName, e.alloyNodeOtlpHttp.port],
    ]));
    const gw = r.find(r.alloy, 'Service', e.alloyGatewayOtlp.service);
    if (r.env.pipeline === 'tiered') {
      expect(gw?.metadata.namespace).toBe(e.alloyGatewayOtlp.namespace);
      expect(gw?.spec.clusterIP).toBe('None');
      expect(gw?.spec.publishNotReadyAddresses).toBe(true);
      expect(gw?.spec.ports.map((p: Obj) => [p.name, p.port])).toContainEqual([e.alloyGatewayOtlp.portName, e.alloyGatewayOtlp.port]);
      const sts = r.find(r.alloy, 'StatefulSet', GATEWAY_NAME) as Obj;
      expect(sts.spec.serviceName).toBe(e.alloyGatewayOtlp.service);
      expect(sts.spec.replicas).toBe(gatewayReplicas(r.env));
      const args: string[] = sts.spec.template.spec.containers[0].args;
      expect(args).toContain('--cluster.enabled=true');
      expect(args).toContain(`--cluster.join-addresses=${e.alloyGatewayOtlp.service}.${e.alloyGatewayOtlp.namespace}.svc.cluster.local:${PORTS.alloyHttp}`);
      expect(r.find(r.alloy, 'PodDisruptionBudget', GATEWAY_NAME)).toBeDefined();
    } else {
      expect(gw).toBeUndefined();
    }
  });

  test('the node agent is not privileged and mounts the host read-only', () => {
    const ds = r.find(r.alloy, 'DaemonSet', NODE_AGENT_NAME) as Obj;
    const pod = ds.spec.template.spec;
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.hostPID).toBeUndefined();
    const c = pod.containers[0];
    expect(c.securityContext).toMatchObject({ privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.securityContext.capabilities.add).toBeUndefined();
    const hostVolumes = new Set(pod.volumes.filter((v: Obj) => v.hostPath).map((v: Obj) => v.name));
    expect(hostVolumes.size).toBeGreaterThan(0);
    for (const m of c.volumeMounts.filter((x: Obj) => hostVolumes.has(x.name))) expect(m.readOnly).toBe(true);
    expect(c.env).toContainEqual({ name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
    expect(c.readinessProbe.httpGet.path).toBe('/-/ready');
  });

  test('the ClusterRole grants only reads of pods, nodes and nodes/metrics; no secrets, no wildcards', () => {
    const roles = r.platform.filter((o) => o.kind === 'ClusterRole' && o.metadata.labels?.['app.kubernetes.io/name'] === 'alloy') as Obj[];
    expect(roles).toHaveLength(1);
    for (const role of roles) {
      for (const rule of role.rules) {
        for (const field of ['apiGroups', 'resources', 'verbs']) expect(rule[field]).not.toContain('*');
        expect(rule.resources).not.toContain('secrets');
        expect(rule.resources).not.toContain('nodes/proxy');
        for (const v of rule.verbs) expect(['get', 'list', 'watch']).toContain(v);
      }
      expect(role.rules.flatMap((x: Obj) => x.resources).sort()).toEqual(['nodes', 'nodes/metrics', 'pods']);
    }
  });

  // Snapshots for the shipped environments only, so that adding an environment or a region needs no new snapshot.
  if (SNAPSHOTTED.includes(envName)) {
    test('config snapshot', () => {
      for (const p of parsed) expect(p.text).toMatchSnapshot(p.name);
    });
  }
});

// ---------------------------------------------------------------------------------------------------------
// Sampling policies follow the environment
// ---------------------------------------------------------------------------------------------------------

function samplerConfig(input: EnvironmentInput): AstFile {
  const r = render(input);
  return parseAlloy(r.configs[r.env.pipeline === 'tiered' ? GATEWAY_NAME : NODE_AGENT_NAME] as string);
}

function policies(file: AstFile) {
  const ts = components(file).find((c) => c.name === 'otelcol.processor.tail_sampling') as ComponentDef;
  return {
    decisionWait: literal(attrValue(ts.body, 'decision_wait')),
    numTraces: literal(attrValue(ts.body, 'num_traces')),
    list: ts.body
      .filter((s): s is Extract<AstStmt, { type: 'block' }> => s.type === 'block' && s.name.join('.') === 'policy')
      .map((p) => ({
        name: literal(attrValue(p.body, 'name')),
        type: literal(attrValue(p.body, 'type')),
        services: blocksNamed(p.body, 'string_attribute').map((b) => {
          const v = attrValue(b.body, 'values') as Extract<AstExpr, { type: 'array' }>;
          return v.elements.map(literal);
        }).flat(),
        thresholdMs: blocksNamed(p.body, 'latency').map((b) => literal(attrValue(b.body, 'threshold_ms')))[0],
        percent: blocksNamed(p.body, 'probabilistic').map((b) => literal(attrValue(b.body, 'sampling_percentage')))[0],
        spansPerSecond: blocksNamed(p.body, 'rate_limiting').map((b) => literal(attrValue(b.body, 'spans_per_second')))[0],
        statusCodes: blocksNamed(p.body, 'status_code').map((b) => (attrValue(b.body, 'status_codes') as Extract<AstExpr, { type: 'array' }>).elements.map(literal)).flat(),
      })),
  };
}

describe('tail sampling follows the environment', () => {
  test.each(Object.keys(ENVS))('%s: errors, one latency policy per SLO, a capped baseline', (envName) => {
    const input = ENVS[envName] as EnvironmentInput;
    const env = loadEnvironment(input);
    const p = policies(samplerConfig(input));
    expect(p.decisionWait).toBe(env.tailSampling.decisionWait);
    expect(p.numTraces).toBe(numTraces(env));
    expect(p.list[0]).toMatchObject({ type: 'status_code', statusCodes: ['ERROR'] });
    for (const slo of env.slos) {
      expect(p.list).toContainEqual(expect.objectContaining({ type: 'and', services: [slo.service], thresholdMs: slo.latencyThresholdMs }));
    }
    expect(p.list.filter((x) => x.thresholdMs !== undefined)).toHaveLength(env.slos.length);
    const baseline = p.list.find((x) => x.name === 'baseline');
    expect(baseline).toMatchObject({ type: 'and', percent: env.tailSampling.baselinePercent, spansPerSecond: spansPerSecondPerSampler(env) });
  });

  test('changing baselinePercent, spansPerSecondLimit or decisionWait changes the rendered policy', () => {
    const changed: EnvironmentInput = {
      ...staging,
      tailSampling: { baselinePercent: 42, spansPerSecondLimit: 9_000, decisionWait: '20s' },
    };
    const before = policies(samplerConfig(staging));
    const after = policies(samplerConfig(changed));
    const replicas = gatewayReplicas(loadEnvironment(changed));
    expect(before.list.find((x) => x.name === 'baseline')?.percent).toBe(10);
    expect(after.list.find((x) => x.name === 'baseline')).toMatchObject({ percent: 42, spansPerSecond: Math.floor(9_000 / replicas) });
    expect(after.decisionWait).toBe('20s');
    expect(after.numTraces).toBeGreaterThan(before.numTraces as number);
  });

  test('adding an SLO adds a latency policy and a histogram bucket at its threshold', () => {
    const changed: EnvironmentInput = {
      ...dev,
      slos: [...dev.slos, { service: 'cart.v2', namespace: 'demo', objectivePercent: 99, latencyThresholdMs: 2500, latencyObjectivePercent: 90 }],
    };
    const p = policies(samplerConfig(changed));
    expect(p.list).toContainEqual(expect.objectContaining({ name: 'slow_cart_v2', type: 'and', services: ['cart.v2'], thresholdMs: 2500 }));
    expect(policies(samplerConfig(dev)).list.some((x) => x.thresholdMs === 2500)).toBe(false);
    expect(latencyBuckets(loadEnvironment(changed))).toContain('2500ms');
    expect(render(changed).configs[NODE_AGENT_NAME]).toContain('"2500ms"');
  });

  test('gateway replicas follow workload.spansPerSecond', () => {
    expect(gatewayReplicas(loadEnvironment(staging))).toBe(2);
    expect(gatewayReplicas(loadEnvironment(production))).toBe(6);
    const bigger = { ...production, workload: { ...production.workload, spansPerSecond: 100_000 } };
    expect(render(bigger).find(render(bigger).alloy, 'StatefulSet', GATEWAY_NAME)?.spec.replicas).toBe(14);
  });
});
