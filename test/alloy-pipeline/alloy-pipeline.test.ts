/**
 * The Alloy pipeline (issues #4, #18) in every environment of `environments/index.ts`: the rendered configs parse;
 * every component exists in Alloy v1.18.1 at the stability level the process starts with, and every argument and
 * block it uses is on the component's reference page (alloy-reference-v1.18.1.ts); no component is dead; every
 * address is a Service rendered in the same environment; traces, logs and metrics take the documented paths; the
 * node agent keeps its state on the node; the workloads, Services and RBAC follow the collection features.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ENVIRONMENTS, Environment, EnvironmentInput, loadEnvironment } from '../../environments';
import { dev } from '../../environments/dev';
import { production } from '../../environments/production';
import { staging } from '../../environments/staging';
import { KubeObject, RenderedEnvironment, renderEnvironment } from '../../constructs/render';
import { PORTS, endpoints, hostPort } from '../../constructs/endpoints';
import { CLUSTER_COLLECTOR_NAME, GATEWAY_NAME, NODE_AGENT_NAME, STABILITY_LEVEL, nodeStateHostPath } from '../../constructs/alloy';
import { JOBS, PATHS, TRACE_ID_REGEX, platformScrapeTargets } from '../../constructs/alloy/collection';
import { gatewayReplicas, hasTraces, latencyBuckets, lbQueueSpans, maxSpansPerBatch, numTraces, runsClusterCollector, runsGateway, spansPerSecondPerSampler } from '../../constructs/alloy/pipeline';
import { KSM_NAME, KSM_RESOURCES } from '../../constructs/kube-state-metrics';
import { NODE_EXPORTER_NAME } from '../../constructs/node-exporter';
import { VERSIONS } from '../../constructs/versions';
import { Config, Signal, attrValue, blocksNamed, childBlocks, deadComponents, literal, logStreams, readConfig, references, referenceViolations, strings, target } from '../support/alloy-graph';
import { restrictedViolations } from '../support/pod-security';
import { allObjects, renderedEnvironments } from '../support/render';
import { SHARED } from '../support/paths';
import { ALLOY_COMPONENTS } from './alloy-reference-v1.18.1';

type Obj = Record<string, any>;

/** The Alloy configs of an environment, by workload name. */
function alloyConfigsOf(r: RenderedEnvironment): Record<string, Config> {
  const out: Record<string, Config> = {};
  for (const o of r.objects.get('alloy') ?? []) {
    const m = /^(.*)-config$/.exec(o.metadata.name);
    if (o.kind === 'ConfigMap' && m) out[m[1]] = readConfig((o as Obj).data[PATHS.configFile]);
  }
  return out;
}

const find = (objects: readonly KubeObject[], kind: string, name: string): Obj | undefined =>
  objects.find((o) => o.kind === kind && o.metadata.name === name) as Obj | undefined;

/** The signals the environment has a store for (a receiver must pass each of them on). */
function storedSignals(env: Environment): Signal[] {
  const loki = env.components.includes('loki') || (env.multiRegion?.role === 'global' && !!env.multiRegion.regions[0]?.lokiPushUrl);
  return ['metrics', ...(loki ? ['logs' as const] : []), ...(hasTraces(env) ? ['traces' as const] : [])];
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

/** The experimental blocks of the GA components marked `experimental_feature` (their reference pages). */
const EXPERIMENTAL_BLOCKS: Record<string, string[]> = {
  'loki.write': ['queue_config', 'wal'],
};

const rendered = renderedEnvironments().filter((r) => r.env.components.includes('alloy'));

describe.each(rendered.map((r) => [r.env.name, r] as const))('Alloy pipeline in %s', (_name, r) => {
  const env = r.env;
  const e = endpoints(env);
  const all = allObjects(r);
  const alloy = r.objects.get('alloy') as readonly KubeObject[];
  const platform = r.objects.get('platform') as readonly KubeObject[];
  const configs = alloyConfigsOf(r);
  const parsed = Object.entries(configs);
  const node = configs[NODE_AGENT_NAME] as Config;

  test('the node agent everywhere, the gateway where traces are tiered, the cluster collector where sources are tiered', () => {
    const expected = [NODE_AGENT_NAME, ...(runsGateway(env) ? [GATEWAY_NAME] : []), ...(runsClusterCollector(env) ? [CLUSTER_COLLECTOR_NAME] : [])];
    expect(Object.keys(configs).sort()).toEqual(expected.sort());
    expect(find(alloy, 'DaemonSet', NODE_AGENT_NAME)).toBeDefined();
    expect(find(alloy, 'StatefulSet', GATEWAY_NAME) !== undefined).toBe(runsGateway(env));
    expect(find(alloy, 'StatefulSet', CLUSTER_COLLECTOR_NAME) !== undefined).toBe(runsClusterCollector(env));
  });

  test('every component exists in Alloy v1.18.1 at a stability level the process starts with', () => {
    const args: string[] = alloy
      .filter((o) => (o.kind === 'DaemonSet' || o.kind === 'StatefulSet') && (o as Obj).spec.template.spec.containers[0].name === 'alloy')
      .flatMap((o) => (o as Obj).spec.template.spec.containers[0].args);
    expect(args.filter((a) => a.startsWith('--stability.level='))).toEqual(Object.keys(configs).map(() => `--stability.level=${STABILITY_LEVEL}`));
    for (const [, c] of parsed) {
      for (const comp of c.components) {
        expect({ component: comp.name, level: STABILITY.get(comp.name) }).toEqual({ component: comp.name, level: expect.any(String) });
        expect(ALLOWED[STABILITY_LEVEL]).toContain(STABILITY.get(comp.name));
        for (const b of EXPERIMENTAL_BLOCKS[comp.name] ?? []) expect(blocksNamed(comp.body, b)).toHaveLength(0);
      }
    }
  });

  test('every argument and block is on its component’s v1.18.1 reference page, and none is experimental', () => {
    for (const [name, c] of parsed) expect({ name, ...referenceViolations(c) }).toEqual({ name, unknown: [], experimental: [] });
  });

  test('every component has a label, and no two share name and label', () => {
    for (const [, c] of parsed) {
      expect(c.components.every((x) => x.label !== '')).toBe(true);
      expect(new Set(c.components.map((x) => x.id)).size).toBe(c.components.length);
    }
  });

  test('every reference names a component of the same config and one of its exports', () => {
    for (const [name, c] of parsed) {
      const refs = references(c.ast.body);
      expect(refs.length).toBeGreaterThan(5);
      for (const ref of refs) {
        const t = target(c, ref);
        expect({ config: name, ref: ref.join('.'), defined: t !== undefined }).toEqual({ config: name, ref: ref.join('.'), defined: true });
        expect({ ref: ref.join('.'), exports: ALLOY_COMPONENTS[t!.component.name]?.exports }).toEqual({ ref: ref.join('.'), exports: expect.arrayContaining([t!.export]) });
      }
    }
  });

  test('no component is dead: every input is fed, every output consumed, no signal dropped on the way', () => {
    // The gateway's receiver gets what the node agents' load-balancing exporter sends: spans.
    const signals = (config: string): Signal[] => (config === GATEWAY_NAME ? ['traces'] : storedSignals(env));
    for (const [name, c] of parsed) expect({ name, problems: deadComponents(c, (receiver) => (receiver === 'otelcol.receiver.otlp' ? signals(name) : ['traces'])) }).toEqual({ name, problems: [] });
  });

  test('every address names a Service and port rendered in the same environment (or the other cluster this one writes to)', () => {
    const services = all.filter((o) => o.kind === 'Service') as Obj[];
    const external = [...(env.multiRegion?.role === 'regional' ? [env.multiRegion.globalMimir.pushUrl] : []), ...(e.lokiPush.externalUrl ? [e.lokiPush.externalUrl] : [])];
    const checkHostPort = (host: string, port: number, what: string) => {
      const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(host);
      expect({ what, host, clusterLocal: m !== null }).toEqual({ what, host, clusterLocal: true });
      const [, svcName, ns] = m as RegExpExecArray;
      const svc = services.find((s) => s.metadata.name === svcName && s.metadata.namespace === ns);
      expect({ what, service: `${ns}/${svcName}`, rendered: svc !== undefined }).toEqual({ what, service: `${ns}/${svcName}`, rendered: true });
      expect({ what, ports: (svc as Obj).spec.ports.map((x: Obj) => x.port) }).toEqual({ what, ports: expect.arrayContaining([port]) });
    };
    let checked = 0;
    for (const [name, c] of parsed) {
      for (const comp of c.components) {
        for (const b of [comp, ...blocksNamed(comp.body, 'endpoint'), ...blocksNamed(comp.body, 'client')]) {
          const body = 'body' in b ? b.body : [];
          const u = literal(attrValue(body, 'url'));
          if (typeof u === 'string') {
            if (!external.includes(u)) checkHostPort(new URL(u).hostname, Number(new URL(u).port), `${name} ${comp.id} url`);
            checked++;
          }
          const ep = literal(attrValue(body, 'endpoint'));
          if (typeof ep === 'string' && !ep.startsWith('0.0.0.0:')) {
            const hp = ep.replace(/^dns:\/\/\//, '');
            checkHostPort(hp.slice(0, hp.lastIndexOf(':')), Number(hp.slice(hp.lastIndexOf(':') + 1)), `${name} ${comp.id} endpoint`);
            checked++;
          }
        }
        for (const dns of blocksNamed(comp.body, 'dns')) {
          checkHostPort(String(literal(attrValue(dns.body, 'hostname'))), Number(literal(attrValue(dns.body, 'port'))), `${name} dns resolver`);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(2);
  });

  test('every write to a store carries the tenant header and the cluster label', () => {
    for (const [, c] of parsed) {
      for (const rw of blocksNamed(c.ast.body as never, 'prometheus.remote_write')) {
        for (const ep of blocksNamed(rw.body, 'endpoint')) {
          const headers = attrValue(ep.body, 'headers') as Extract<typeof ep.body[number], { type: 'attribute' }>['value'] & { fields: { key: string; value: never }[] };
          expect(headers.fields.map((f) => [f.key, literal(f.value)])).toEqual([['X-Scope-OrgID', env.tenant]]);
        }
        const labels = attrValue(rw.body, 'external_labels') as never as { fields: { key: string; value: never }[] };
        const region = env.multiRegion?.role === 'regional' ? [['region', env.cluster.region]] : [];
        expect(labels.fields.map((f) => [f.key, literal(f.value)])).toEqual([['cluster', env.cluster.name], ...region]);
      }
      for (const lw of blocksNamed(c.ast.body as never, 'loki.write')) {
        expect(literal(attrValue(blocksNamed(lw.body, 'endpoint')[0]?.body ?? [], 'tenant_id'))).toBe(env.tenant);
      }
      for (const ex of blocksNamed(c.ast.body as never, 'otelcol.exporter.otlp')) {
        const headers = attrValue(childBlocks(ex.body, 'client')[0].body, 'headers') as never as { fields: { key: string; value: never }[] };
        expect(headers.fields.map((f) => [f.key, literal(f.value)])).toEqual([['X-Scope-OrgID', env.tenant]]);
      }
    }
  });

  if (hasTraces(env)) {
    test('traces reach Tempo only through the memory limiter, the tail sampler and a batch', () => {
      const sampler = configs[runsGateway(env) ? GATEWAY_NAME : NODE_AGENT_NAME] as Config;
      const text = sampler.text;
      expect(text).toMatch(/otelcol\.processor\.tail_sampling "default" \{[\s\S]*traces = \[otelcol\.processor\.batch\.sampled\.input\]/);
      expect(text).toMatch(/otelcol\.processor\.batch "sampled" \{[\s\S]*traces = \[otelcol\.exporter\.otlp\.tempo\.input\]/);
      expect((text.match(/otelcol\.exporter\.otlp\.tempo\.input/g) ?? []).length).toBe(1);
      for (const [, c] of parsed) {
        for (const rcv of c.components.filter((x) => x.name.startsWith('otelcol.receiver.'))) {
          const targets = references(childBlocks(rcv.body, 'output')[0].body).map((x) => x.slice(0, 3).join('.'));
          expect(new Set(targets)).toEqual(new Set(['otelcol.processor.memory_limiter']));
        }
        // Every otelcol exporter that sends over the network is fed by a batch processor.
        for (const x of c.components.filter((y) => y.name === 'otelcol.exporter.otlp' || y.name === 'otelcol.exporter.loadbalancing')) {
          const feeders = c.components.filter((y) => references(y.body).some((ref) => ref.join('.') === `${x.id}.input`));
          expect(feeders.map((f) => f.name)).toEqual(['otelcol.processor.batch']);
        }
      }
      if (runsGateway(env)) {
        expect(node.text).not.toContain('otelcol.processor.tail_sampling');
        expect(node.text).not.toContain('otelcol.exporter.otlp "');
      }
    });

    test('gRPC to Tempo is balanced over every distributor: dns:/// on a headless Service, round_robin', () => {
      const sampler = configs[runsGateway(env) ? GATEWAY_NAME : NODE_AGENT_NAME] as Config;
      const client = childBlocks(sampler.byId.get('otelcol.exporter.otlp.tempo')!.body, 'client')[0];
      expect(literal(attrValue(client.body, 'endpoint'))).toBe(`dns:///${hostPort(e.tempoOtlpGrpcPods)}`);
      expect(literal(attrValue(client.body, 'balancer_name'))).toBe('round_robin');
      const svc = find(all, 'Service', e.tempoOtlpGrpcPods.service) as Obj;
      expect(svc.spec.clusterIP).toBe('None');
      // Only ready distributors are resolved.
      expect(svc.spec.publishNotReadyAddresses).toBeUndefined();
      const clusterIp = find(all, 'Service', e.tempoOtlpGrpc.service) as Obj;
      expect(svc.spec.selector).toEqual(clusterIp.spec.selector);
    });

    test('span metrics and service graphs expire series that stop being updated', () => {
      const sampler = configs[runsGateway(env) ? GATEWAY_NAME : NODE_AGENT_NAME] as Config;
      const sm = sampler.byId.get('otelcol.connector.spanmetrics.default')!;
      for (const a of ['metrics_expiration', 'series_expiration']) expect(literal(attrValue(sm.body, a))).toMatch(/^[1-9][0-9]*m$/);
      expect(literal(attrValue(sampler.byId.get('otelcol.connector.servicegraph.default')!.body, 'cache_loop'))).toMatch(/^[1-9][0-9]*m$/);
    });

    test('one producer of traces_service_graph_*: Alloy’s servicegraph connector, not OBI, not Tempo, not renamed', () => {
      const producers = parsed.flatMap(([, c]) => c.components.filter((x) => x.name === 'otelcol.connector.servicegraph'));
      expect(producers).toHaveLength(1);
      for (const [, c] of parsed) {
        for (const rule of blocksNamed(c.ast.body as never, 'rule')) {
          expect({ renames: strings(attrValue(rule.body, 'source_labels')).includes('__name__') && literal(attrValue(rule.body, 'target_label')) === '__name__' }).toEqual({ renames: false });
        }
      }
      const obiConfig = parse((find(all, 'ConfigMap', 'obi-config') as Obj | undefined)?.data['ebpf-instrument-config.yml'] ?? 'metrics: {features: []}');
      expect(obiConfig.metrics.features).not.toContain('application_service_graph');
      const tempo = parse((find(all, 'ConfigMap', 'tempo-config') as Obj).data['tempo.yaml']);
      expect(tempo.overrides?.defaults?.metrics_generator?.processors ?? []).toEqual([]);
    });
  }

  if (runsGateway(env)) {
    test('load balancing to the gateways: top-level queue and retry, no per-backend queue, ready-only headless DNS', () => {
      const lb = node.byId.get('otelcol.exporter.loadbalancing.gateway')!;
      expect(literal(attrValue(lb.body, 'routing_key'))).toBe('traceID');
      expect(literal(attrValue(lb.body, 'timeout'))).toMatch(/s$/);
      const top = (name: string) => childBlocks(lb.body, name)[0].body;
      expect(literal(attrValue(top('sending_queue'), 'enabled'))).toBe(true);
      expect(literal(attrValue(top('sending_queue'), 'queue_size'))).toBe(lbQueueSpans(env));
      expect(literal(attrValue(top('retry'), 'enabled'))).toBe(true);
      const otlp = blocksNamed(lb.body, 'otlp')[0].body;
      expect(literal(attrValue(childBlocks(otlp, 'queue')[0].body, 'enabled'))).toBe(false);
      expect(literal(attrValue(childBlocks(otlp, 'retry')[0].body, 'enabled'))).toBe(false);
      const dns = blocksNamed(lb.body, 'dns')[0].body;
      expect(literal(attrValue(dns, 'hostname'))).toBe(`${e.alloyGatewayOtlp.service}.${e.alloyGatewayOtlp.namespace}.svc.cluster.local`);
      const otlpService = find(alloy, 'Service', e.alloyGatewayOtlp.service) as Obj;
      expect(otlpService.spec.clusterIP).toBe('None');
      expect(otlpService.spec.publishNotReadyAddresses).toBeUndefined();
      const batch = node.byId.get('otelcol.processor.batch.traces')!;
      // Batches stay under the gRPC receiver's 4 MiB message default at this environment's span size.
      expect((literal(attrValue(batch.body, 'send_batch_max_size')) as number) * env.workload.bytesPerSpan).toBeLessThan(4 * 1024 * 1024);
      expect(literal(attrValue(batch.body, 'send_batch_max_size'))).toBe(maxSpansPerBatch(env));
    });

    test('gateway peers join through a Service that publishes starting pods; the OTLP Service does not', () => {
      const peers = find(alloy, 'Service', e.alloyGatewayCluster.service) as Obj;
      expect(peers.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
      const sts = find(alloy, 'StatefulSet', GATEWAY_NAME) as Obj;
      expect(sts.spec.serviceName).toBe(e.alloyGatewayCluster.service);
      expect(sts.spec.template.spec.containers[0].args).toContain(`--cluster.join-addresses=${hostPort(e.alloyGatewayCluster)}`);
      expect(find(alloy, 'PodDisruptionBudget', GATEWAY_NAME)).toBeDefined();
    });
  }

  test('every Alloy reports its own metrics exactly once; the platform scrape leaves the Alloy namespaces out', () => {
    for (const [, c] of parsed) {
      expect(c.components.filter((x) => x.name === 'prometheus.exporter.self')).toHaveLength(1);
      const scrapesOfSelf = c.components.filter((x) => x.name === 'prometheus.scrape' && references(x.body).some((ref) => ref.join('.') === 'discovery.relabel.alloy.output'));
      expect(scrapesOfSelf).toHaveLength(1);
      expect(c.text).not.toContain(`;${PORTS.alloyHttp}`);
    }
    const scraped = platformScrapeTargets(env).map((t) => t.namespace);
    expect(scraped).not.toContain(env.namespaces.alloy);
    expect(scraped).not.toContain(env.namespaces.alloyNode);
  });

  test('the node agent discovers its own node only', () => {
    // The cluster-wide sources of a combined (single-node) environment run in the node agent too.
    const clusterWide = ['kube_state_metrics', 'apiserver', 'kube_dns', 'annotated_pods'];
    for (const d of node.components.filter((x) => x.name === 'discovery.kubernetes' && !clusterWide.includes(x.label))) {
      const sel = childBlocks(d.body, 'selectors')[0];
      expect(JSON.stringify(attrValue(sel.body, 'field'))).toContain('K8S_NODE_NAME');
    }
    if (env.collection.kubelet) for (const path of ['/metrics', '/metrics/cadvisor', '/metrics/resource']) expect(node.text).toContain(`"${path}"`);
    // Host metrics come from node-exporter in the host network, not from an exporter inside the agent's pod.
    expect(node.text).not.toContain('prometheus.exporter.unix');
  });

  if (env.collection.podLogs) {
    test('pod logs keep namespace, pod, container, node, service_name; lift trace_id; drop filename', () => {
      const pod = logStreams(node).find((s) => s.source === 'loki.source.file.pod_logs')!;
      expect([...pod.labels].sort()).toEqual(['cluster', 'container', 'job', 'namespace', 'node', 'pod', 'service_name']);
      expect([...pod.structuredMetadata]).toEqual(['trace_id']);
    });
  }

  test('the node agent is not privileged; its host mounts are read-only except its own state directory', () => {
    const ds = find(alloy, 'DaemonSet', NODE_AGENT_NAME) as Obj;
    const pod = ds.spec.template.spec;
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.hostPID).toBeUndefined();
    const c = pod.containers[0];
    expect(c.securityContext).toMatchObject({ privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.securityContext.capabilities.add).toBeUndefined();
    const hostVolumes = pod.volumes.filter((v: Obj) => v.hostPath);
    for (const v of hostVolumes) {
      const mount = c.volumeMounts.find((m: Obj) => m.name === v.name);
      expect({ volume: v.name, readOnly: mount.readOnly === true }).toEqual({ volume: v.name, readOnly: v.name !== 'storage' });
      expect(['/', '/proc', '/sys']).not.toContain(v.hostPath.path);
    }
    expect(c.env).toContainEqual({ name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
    expect(c.readinessProbe.httpGet.path).toBe('/-/ready');
  });

  test('a restarted or replaced node agent resumes: positions, journal cursor and WAL live on the node', () => {
    const ds = find(alloy, 'DaemonSet', NODE_AGENT_NAME) as Obj;
    const pod = ds.spec.template.spec;
    const c = pod.containers[0];
    const storageMount = c.volumeMounts.find((m: Obj) => m.mountPath === PATHS.storage);
    expect(storageMount.readOnly).toBeUndefined();
    expect(c.args).toContain(`--storage.path=${storageMount.mountPath}`);
    const volume = pod.volumes.find((v: Obj) => v.name === storageMount.name);
    // loki.source.file / loki.source.journal / loki.source.kubernetes_events keep their positions in the data path
    // under --storage.path, and prometheus.remote_write its WAL (v1.18.1 reference, "Component behavior").
    expect(volume).toEqual({ name: storageMount.name, hostPath: { path: nodeStateHostPath(env), type: 'DirectoryOrCreate' } });
    expect(volume.emptyDir).toBeUndefined();
    // No surge: the DaemonSet controller deletes a node's old pod before it creates the new one
    // (kubernetes pkg/controller/daemon/update.go, rollingUpdate), so the state directory has one writer at a time.
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } });
    if (env.collection.podLogs) expect(node.byId.get('loki.source.file.pod_logs')).toBeDefined();
    if (env.collection.nodeLogs) expect(node.byId.get('loki.source.journal.node')).toBeDefined();
    // No component is told to start at the end or to ignore its positions.
    for (const comp of node.components) expect(attrValue(comp.body, 'tail_from_end')).toBeUndefined();
  });

  test('RBAC: read-only, no wildcards, no Secrets, no nodes/proxy; each ClusterRole as its workload needs', () => {
    const roles = platform.filter((o) => o.kind === 'ClusterRole' && ['alloy', 'kube-state-metrics'].includes(o.metadata.labels?.['app.kubernetes.io/name'] ?? '')) as Obj[];
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) {
      for (const rule of role.rules) {
        for (const field of ['apiGroups', 'resources', 'verbs', 'nonResourceURLs']) expect(rule[field] ?? []).not.toContain('*');
        expect(rule.resources ?? []).not.toContain('secrets');
        expect(rule.resources ?? []).not.toContain('nodes/proxy');
        expect(rule.resources ?? []).not.toContain('pods/log');
        for (const v of rule.verbs) expect(['get', 'list', 'watch']).toContain(v);
      }
    }
    const nodeRole = roles.find((x) => x.metadata.name === env.namespaces.alloyNode) as Obj;
    const nodeResources = nodeRole.rules.flatMap((x: Obj) => x.resources ?? []);
    expect(nodeResources.includes('nodes/metrics')).toBe(env.collection.kubelet);
    expect(nodeResources.includes('events')).toBe(env.pipeline === 'combined' && env.collection.clusterEvents);
    if (runsClusterCollector(env)) {
      const cluster = roles.find((x) => x.metadata.name === `${env.namespaces.alloy}-cluster`) as Obj;
      expect(cluster.rules.flatMap((x: Obj) => x.resources ?? []).includes('servicemonitors')).toBe(env.collection.prometheusOperatorObjects);
    }
  });

  if (env.collection.kubeStateMetrics) {
    test('kube-state-metrics: pinned upstream image, restricted, probed, its RBAC exactly its --resources, scraped under its job', () => {
      const d = find(alloy, 'Deployment', KSM_NAME) as Obj;
      const pod = d.spec.template.spec;
      const c = pod.containers[0];
      expect(c.image).toBe('registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0');
      expect(`${VERSIONS.kubeStateMetrics.image}:${VERSIONS.kubeStateMetrics.tag}`).toBe(c.image);
      expect(restrictedViolations(pod)).toEqual([]);
      expect(c.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 'telemetry' });
      expect(c.livenessProbe.httpGet).toMatchObject({ path: '/livez', port: 'http-metrics' });
      expect(c.resources.requests).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
      const resourcesArg = (c.args as string[]).find((a) => a.startsWith('--resources='))!.slice('--resources='.length).split(',');
      const role = platform.find((o) => o.kind === 'ClusterRole' && o.metadata.name === `${env.namespacePrefix}-${KSM_NAME}`) as Obj;
      expect(role.rules.flatMap((x: Obj) => x.resources).sort()).toEqual([...resourcesArg].sort());
      expect(resourcesArg.sort()).toEqual(Object.values(KSM_RESOURCES).flat().sort());
      const scraper = configs[runsClusterCollector(env) ? CLUSTER_COLLECTOR_NAME : NODE_AGENT_NAME] as Config;
      const scrape = scraper.byId.get('prometheus.scrape.kube_state_metrics')!;
      expect(literal(attrValue(scrape.body, 'job_name'))).toBe('integrations/kubernetes/kube-state-metrics');
      expect(JOBS.kubeStateMetrics).toBe('integrations/kubernetes/kube-state-metrics');
      // The discovery finds the pod: label selector and port name match the Deployment.
      const disc = scraper.byId.get('discovery.kubernetes.kube_state_metrics')!;
      const selector = String(literal(attrValue(childBlocks(disc.body, 'selectors')[0].body, 'label')));
      const [k, v] = selector.split('=');
      expect(d.spec.template.metadata.labels[k]).toBe(v);
      expect(c.ports.map((p: Obj) => p.name)).toContain(e.kubeStateMetrics.portName);
    });
  }

  if (env.collection.nodeExporter) {
    test('node-exporter: host network and PID (node_network_* of the node), non-root, read-only, on the node IP', () => {
      const ds = find(alloy, 'DaemonSet', NODE_EXPORTER_NAME) as Obj;
      const pod = ds.spec.template.spec;
      expect(pod.hostNetwork).toBe(true);
      expect(pod.hostPID).toBe(true);
      expect(restrictedViolations(pod).filter((v) => !/^(hostNetwork|hostPID|volume host-root of type hostPath)$/.test(v))).toEqual([]);
      const c = pod.containers[0];
      expect(c.volumeMounts).toEqual([{ name: 'host-root', mountPath: '/host/root', readOnly: true, mountPropagation: 'HostToContainer' }]);
      expect(c.args).toContain('--path.rootfs=/host/root');
      expect(c.args).toContain(`--web.listen-address=[$(HOST_IP)]:${PORTS.nodeExporter}`);
      expect(c.env).toContainEqual({ name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } });
      expect(node.byId.get('prometheus.scrape.node_exporter')).toBeDefined();
    });
  }
});

// ---------------------------------------------------------------------------------------------------------
// Behaviour of the rules themselves
// ---------------------------------------------------------------------------------------------------------

describe('the trace-ID pattern of the log pipeline', () => {
  // RE2 in Alloy; the pattern uses only syntax JavaScript shares once `(?P<` is written `(?<` and `(?i)` is a flag.
  const re = new RegExp(TRACE_ID_REGEX.replace('(?i)', '').replace('(?P<', '(?<'), 'i');
  const id = '4bf92f3577b34da6a3ce929d0e0e4736';
  test.each([
    ['logfmt', `level=info trace_id=${id} msg=ok`],
    ['JSON traceID', `{"traceID":"${id}","msg":"ok"}`],
    ['JSON trace_id with a space', `{"trace_id": "${id}"}`],
    ['header style', `trace-id: ${id}`],
    ['W3C traceparent (JSON)', `{"traceparent":"00-${id}-00f067aa0ba902b7-01"}`],
    ['W3C traceparent (header)', `traceparent: 00-${id}-00f067aa0ba902b7-01`],
    ['ECS trace.id', `{"@timestamp":"2026-01-01T00:00:00Z","trace.id":"${id}","message":"ok"}`],
    ['ECS logfmt', `trace.id=${id} message=ok`],
    ['OTLP record from otelcol.exporter.loki', `{"body":"ok","traceid":"${id}","spanid":"00f067aa0ba902b7"}`],
  ])('%s', (_what, line) => {
    expect(re.exec(line)?.groups?.trace_id).toBe(id);
  });
  test('no match without a trace ID', () => {
    expect(re.exec('no trace here span_id=00f067aa0ba902b7')).toBeNull();
    expect(re.exec(`parentspan=${id}`)).toBeNull();
  });
});

/** Prometheus relabelling (replace, keep, drop) over one target's labels, enough to run MOP's own rules. */
function relabel(labels: Record<string, string>, rules: readonly { body: readonly any[] }[]): Record<string, string> | undefined {
  let l = { ...labels };
  for (const r of rules) {
    const get = (n: string) => literal(attrValue(r.body, n));
    const action = String(get('action') ?? 'replace');
    const value = strings(attrValue(r.body, 'source_labels')).map((s) => l[s] ?? '').join(String(get('separator') ?? ';'));
    const re = new RegExp(`^(?:${String(get('regex') ?? '(.*)')})$`);
    const m = re.exec(value);
    if (action === 'keep' && !m) return undefined;
    if (action === 'drop' && m) return undefined;
    if (action === 'replace' && m) {
      const out = String(get('replacement') ?? '$1').replace(/\$([0-9])/g, (_x, i) => m[Number(i)] ?? '');
      const t = String(get('target_label'));
      l = { ...l, [t]: out };
      if (out === '') delete l[t];
    }
  }
  return l;
}

describe('service_name of pod logs follows OBI’s service.name of the same pod', () => {
  const node = alloyConfigsOf(renderEnvironment(loadEnvironment(staging)))[NODE_AGENT_NAME] as Config;
  const rules = childBlocks(node.byId.get('discovery.relabel.pod_logs')!.body, 'rule');
  const base = { __meta_kubernetes_namespace: 'shop', __meta_kubernetes_pod_name: 'checkout-5d8f7c9b4-x2kqp', __meta_kubernetes_pod_container_name: 'app' };
  const name = (meta: Record<string, string>) => relabel({ ...base, ...meta }, rules)?.service_name;
  test.each([
    ['the resource.opentelemetry.io/service.name annotation first', { __meta_kubernetes_pod_annotation_resource_opentelemetry_io_service_name: 'shop-checkout', __meta_kubernetes_pod_label_app_kubernetes_io_name: 'checkout-app', __meta_kubernetes_pod_controller_kind: 'ReplicaSet', __meta_kubernetes_pod_controller_name: 'checkout-5d8f7c9b4' }, 'shop-checkout'],
    ['then the app.kubernetes.io/name label', { __meta_kubernetes_pod_label_app_kubernetes_io_name: 'checkout-app', __meta_kubernetes_pod_controller_kind: 'ReplicaSet', __meta_kubernetes_pod_controller_name: 'checkout-5d8f7c9b4' }, 'checkout-app'],
    ['then the Deployment (the ReplicaSet without its hash)', { __meta_kubernetes_pod_controller_kind: 'ReplicaSet', __meta_kubernetes_pod_controller_name: 'payments-api-7c9f8d6b5' }, 'payments-api'],
    ['a StatefulSet by its name', { __meta_kubernetes_pod_controller_kind: 'StatefulSet', __meta_kubernetes_pod_controller_name: 'orders-db' }, 'orders-db'],
    ['a bare pod by its own name', {}, 'checkout-5d8f7c9b4-x2kqp'],
  ])('%s', (_what, meta, expected) => {
    expect(name(meta)).toBe(expected);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The dead-component check is not vacuous
// ---------------------------------------------------------------------------------------------------------

describe('the dead-component check catches broken wiring', () => {
  const node = alloyConfigsOf(renderEnvironment(loadEnvironment(staging)))[NODE_AGENT_NAME] as Config;
  const signals: Signal[] = ['metrics', 'logs', 'traces'];
  const check = (text: string) => deadComponents(readConfig(text), (receiver) => (receiver === 'otelcol.receiver.otlp' ? signals : ['traces']));

  test('the rendered config is clean', () => expect(check(node.text)).toEqual([]));

  test('an OTLP receiver without a logs output drops logs (the bug of issue #18)', () => {
    const broken = node.text.replace(/\t\tlogs    = \[otelcol\.processor\.memory_limiter\.default\.input\]\n/, '');
    expect(broken).not.toBe(node.text);
    expect(check(broken)).toContain('otelcol.receiver.otlp.default: logs arrive but are not passed on');
  });

  test('an exporter nothing sends to is dead', () => {
    const broken = `${node.text}\notelcol.exporter.prometheus "mimir" {\n\tforward_to = [prometheus.remote_write.mimir.receiver]\n}\n`;
    expect(check(broken)).toContain('otelcol.exporter.prometheus.mimir: nothing reads its input');
  });

  test('the reference check catches a misspelled argument, an unknown block and an experimental argument', () => {
    const broken = node.text
      .replace('routing_key = "traceID"', 'routingkey = "traceID"')
      .replace('\tsending_queue {', '\tsend_queue {')
      .replace('targets    = discovery.relabel.platform.output', 'targets        = discovery.relabel.platform.output\n\thonor_metadata = true');
    const v = referenceViolations(readConfig(broken));
    expect(v.unknown).toEqual(expect.arrayContaining(['otelcol.exporter.loadbalancing.gateway > routingkey', 'otelcol.exporter.loadbalancing.gateway > send_queue { }']));
    expect(v.experimental).toEqual(['prometheus.scrape.platform > honor_metadata']);
  });

  test('a processor whose output goes nowhere', () => {
    const broken = node.text.replace('forward_to = [loki.write.loki.receiver]\n\n\tstage.cri', 'forward_to = []\n\n\tstage.cri');
    expect(broken).not.toBe(node.text);
    expect(check(broken)).toContain('loki.process.pod_logs: forward_to is empty');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Collection features switch their components, workloads and state on and off
// ---------------------------------------------------------------------------------------------------------

/** What each feature adds, as component ids in the config that runs it. */
const FEATURE_COMPONENTS: Record<string, string[]> = {
  kubelet: ['prometheus.scrape.kubelet', 'prometheus.scrape.cadvisor', 'prometheus.scrape.kubelet_resource'],
  nodeExporter: ['prometheus.scrape.node_exporter'],
  podLogs: ['loki.source.file.pod_logs'],
  nodeLogs: ['loki.source.journal.node'],
  kubeStateMetrics: ['prometheus.scrape.kube_state_metrics'],
  controlPlane: ['prometheus.scrape.apiserver', 'prometheus.scrape.kube_dns'],
  annotationAutodiscovery: ['prometheus.scrape.annotated_pods'],
  prometheusOperatorObjects: ['prometheus.operator.servicemonitors.default', 'prometheus.operator.podmonitors.default'],
  clusterEvents: ['loki.source.kubernetes_events.cluster'],
  applicationObservability: ['otelcol.processor.k8sattributes.default', 'otelcol.receiver.zipkin.default', 'otelcol.receiver.jaeger.default'],
};

describe.each(Object.keys(FEATURE_COMPONENTS))('collection feature %s', (feature) => {
  const variant = (on: boolean): EnvironmentInput => ({ ...staging, collection: { ...staging.collection, [feature]: on } });
  const ids = (input: EnvironmentInput) => Object.values(alloyConfigsOf(renderEnvironment(loadEnvironment(input)))).flatMap((c) => c.components.map((x) => x.id));
  test('on renders its components, off removes them', () => {
    expect(ids(variant(true))).toEqual(expect.arrayContaining(FEATURE_COMPONENTS[feature]));
    const off = ids(variant(false));
    for (const id of FEATURE_COMPONENTS[feature]) expect(off).not.toContain(id);
  });
});

describe('collection defaults per tier', () => {
  test('everything on in staging and production; dev leaves out the journal, control plane and operator objects', () => {
    for (const input of ENVIRONMENTS.filter((x) => x.tier !== 'dev' && !x.collection)) expect(Object.values(loadEnvironment(input).collection).every(Boolean)).toBe(true);
    const d = loadEnvironment(dev).collection;
    expect(d).toMatchObject({ nodeLogs: false, controlPlane: false, prometheusOperatorObjects: false, podLogs: true, kubeStateMetrics: true, clusterEvents: true });
  });

  test('switching node logs off removes the journal mount; kube-state-metrics off removes its Deployment and ClusterRole', () => {
    const r = renderEnvironment(loadEnvironment({ ...staging, collection: { nodeLogs: false, kubeStateMetrics: false } }));
    const ds = find(r.objects.get('alloy')!, 'DaemonSet', NODE_AGENT_NAME) as Obj;
    // Pod logs only: /var/log/pods, not the whole of /var/log.
    expect(ds.spec.template.spec.volumes.filter((v: Obj) => v.hostPath).map((v: Obj) => v.hostPath.path).sort()).toEqual(['/var/log/pods', nodeStateHostPath(loadEnvironment(staging))].sort());
    expect(find(r.objects.get('alloy')!, 'Deployment', KSM_NAME)).toBeUndefined();
    expect(find(r.objects.get('platform')!, 'ClusterRole', `mop-${KSM_NAME}`)).toBeUndefined();
    expect(r.network.flows.map((f) => f.id)).not.toContain('scrape-kube-state-metrics');
  });

  test('the node agent’s state directory does not move when its config changes (a rollout finds the old positions)', () => {
    const a = renderEnvironment(loadEnvironment(staging));
    const b = renderEnvironment(loadEnvironment({ ...staging, tailSampling: { ...staging.tailSampling, baselinePercent: 42 }, collection: { nodeLogs: false } }));
    const vol = (r: RenderedEnvironment) => (find(r.objects.get('alloy')!, 'DaemonSet', NODE_AGENT_NAME) as Obj).spec.template.spec.volumes.find((v: Obj) => v.name === 'storage');
    const checksum = (r: RenderedEnvironment) => (find(r.objects.get('alloy')!, 'DaemonSet', NODE_AGENT_NAME) as Obj).spec.template.metadata.annotations['checksum/config'];
    expect(checksum(a)).not.toBe(checksum(b));
    expect(vol(b)).toEqual(vol(a));
  });
});

// ---------------------------------------------------------------------------------------------------------
// Sampling policies follow the environment
// ---------------------------------------------------------------------------------------------------------

function samplerConfig(input: EnvironmentInput): Config {
  const env = loadEnvironment(input);
  const configs = alloyConfigsOf(renderEnvironment(env));
  return configs[runsGateway(env) ? GATEWAY_NAME : NODE_AGENT_NAME] as Config;
}

function policies(c: Config) {
  const ts = c.byId.get('otelcol.processor.tail_sampling.default')!;
  const one = (b: readonly any[], block: string, arg: string) => blocksNamed(b, block).map((x) => literal(attrValue(x.body, arg)))[0];
  return {
    decisionWait: literal(attrValue(ts.body, 'decision_wait')),
    numTraces: literal(attrValue(ts.body, 'num_traces')),
    decisionCache: attrValue(ts.body, 'decision_cache'),
    list: childBlocks(ts.body, 'policy').map((p) => ({
      name: literal(attrValue(p.body, 'name')),
      type: literal(attrValue(p.body, 'type')),
      services: blocksNamed(p.body, 'string_attribute').flatMap((b) => strings(attrValue(b.body, 'values'))),
      thresholdMs: one(p.body, 'latency', 'threshold_ms'),
      percent: one(p.body, 'probabilistic', 'sampling_percentage'),
      spansPerSecond: one(p.body, 'rate_limiting', 'spans_per_second'),
      statusCodes: blocksNamed(p.body, 'status_code').flatMap((b) => strings(attrValue(b.body, 'status_codes'))),
    })),
  };
}

describe('tail sampling follows the environment', () => {
  test.each(ENVIRONMENTS.filter((x) => hasTraces(loadEnvironment(x))).map((x) => [x.name, x] as const))('%s: errors, one latency policy per SLO, a capped baseline, a decision cache', (_name, input) => {
    const env = loadEnvironment(input);
    const p = policies(samplerConfig(input));
    expect(p.decisionWait).toBe(env.tailSampling.decisionWait);
    expect(p.numTraces).toBe(numTraces(env));
    // Upstream: decision caches "much higher" than num_traces.
    const cache = (p.decisionCache as never as { fields: { key: string; value: never }[] }).fields.map((f) => [f.key, literal(f.value)]);
    expect(cache).toEqual([['sampled_cache_size', numTraces(env) * 5], ['non_sampled_cache_size', numTraces(env) * 5]]);
    expect(p.list[0]).toMatchObject({ type: 'status_code', statusCodes: ['ERROR'] });
    const slos = env.experiments.sloTailSampling ? env.slos : [];
    for (const slo of slos) expect(p.list).toContainEqual(expect.objectContaining({ type: 'and', services: [slo.service], thresholdMs: slo.latencyThresholdMs }));
    expect(p.list.filter((x) => x.thresholdMs !== undefined)).toHaveLength(slos.length);
    expect(p.list.find((x) => x.name === 'baseline')).toMatchObject({ type: 'and', percent: env.tailSampling.baselinePercent, spansPerSecond: spansPerSecondPerSampler(env) });
  });

  test('changing baselinePercent, spansPerSecondLimit or decisionWait changes the rendered policy', () => {
    const changed: EnvironmentInput = { ...staging, tailSampling: { baselinePercent: 42, spansPerSecondLimit: 9_000, decisionWait: '20s' } };
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
    expect(samplerConfig(changed).text).toContain('"2500ms"');
  });

  test('gateway replicas follow workload.spansPerSecond', () => {
    expect(gatewayReplicas(loadEnvironment(staging))).toBe(2);
    expect(gatewayReplicas(loadEnvironment(production))).toBe(6);
    const bigger = loadEnvironment({ ...production, workload: { ...production.workload, spansPerSecond: 100_000 } });
    expect(find(renderEnvironment(bigger).objects.get('alloy')!, 'StatefulSet', GATEWAY_NAME)?.spec.replicas).toBe(14);
  });
});
