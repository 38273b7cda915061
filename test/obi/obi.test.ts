import { createHash } from 'crypto';
import { parse } from 'yaml';
import { Environment, EnvironmentInput, loadEnvironment } from '../../environments';
import { dev } from '../../environments/dev';
import { production } from '../../environments/production';
import { staging } from '../../environments/staging';
import { KubeObject, renderEnvironment } from '../../constructs/render';
import { endpoints, url } from '../../constructs/endpoints';
import { OBI_CONFIG_KEYS, obiConfig } from '../../constructs/obi/config';
import { SELECT_SCRIPT, ebpfObjects, probeSpec } from '../../constructs/obi/ebpf-probes';
import { EXPORTER_CAPABILITIES, OBI_CAPABILITIES, OBI_CONFIG_FILE } from '../../constructs/obi';

type Obj = Record<string, any>;

function render(input: EnvironmentInput) {
  const env = loadEnvironment(input);
  const rendered = renderEnvironment(env);
  const objects = rendered.objects.get('obi') as readonly KubeObject[];
  const platform = rendered.objects.get('platform') as readonly KubeObject[];
  const find = (list: readonly KubeObject[], kind: string, name: string): Obj => {
    const o = list.find((x) => x.kind === kind && x.metadata.name === name);
    if (!o) throw new Error(`${kind} ${name} not rendered`);
    return o as Obj;
  };
  const ds = find(objects, 'DaemonSet', 'obi');
  const pod = ds.spec.template.spec;
  const configMap = find(objects, 'ConfigMap', 'obi-config');
  return {
    env,
    rendered,
    objects,
    platform,
    find,
    ds,
    pod,
    obiContainer: pod.containers.find((c: Obj) => c.name === 'obi') as Obj,
    exporter: pod.containers.find((c: Obj) => c.name === 'ebpf-exporter') as Obj,
    probes: find(objects, 'ConfigMap', 'obi-ebpf-probes'),
    configText: configMap.data[OBI_CONFIG_FILE] as string,
    config: parse(configMap.data[OBI_CONFIG_FILE]) as Obj,
  };
}

/** Dotted key paths of a config object; list items become `[]`; `k8s_pod_labels` holds label names, not OBI keys. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) {
    // A list of scalars is one key (e.g. `metrics.features`); a list of objects has keys of its own.
    return value.some((v) => v !== null && typeof v === 'object') ? value.flatMap((v) => keyPaths(v, `${prefix}[]`)) : [prefix];
  }
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value as Obj).flatMap(([k, v]) => {
    const p = prefix ? `${prefix}.${k}` : k;
    return k === 'k8s_pod_labels' ? [p] : keyPaths(v, p);
  });
}

/** The instrumentation changed; without network metrics the dependency-graph experiment (which reads them) is off. */
const withInstrumentation = (base: EnvironmentInput, inst: Partial<EnvironmentInput['instrumentation']>): EnvironmentInput => {
  const instrumentation = { ...base.instrumentation, ...inst };
  const experiments = instrumentation.networkMetrics ? base.experiments : { ...base.experiments, serviceDependencyGraph: false };
  return { ...base, instrumentation, experiments };
};

const ENVS: Record<string, EnvironmentInput> = { dev, staging, production };

describe('OBI config keys', () => {
  it('records the upstream source of every key it may use', () => {
    expect(Object.keys(OBI_CONFIG_KEYS).sort()).toMatchSnapshot();
    for (const source of Object.values(OBI_CONFIG_KEYS)) expect(source).toMatch(/open-telemetry\/opentelemetry-ebpf-instrumentation:/);
  });

  const variants: Record<string, EnvironmentInput> = {
    ...ENVS,
    'dev with pod labels and a ratio sampler, no network': withInstrumentation(dev, {
      podLabels: { 'app.kubernetes.io/part-of': 'shop*' },
      sampler: { name: 'parentbased_traceidratio', arg: '0.25' },
      networkMetrics: false,
    }),
  };
  it.each(Object.keys(variants))('%s: the rendered config uses only recorded keys', (name) => {
    const { config } = render(variants[name]);
    for (const key of keyPaths(config)) expect(Object.keys(OBI_CONFIG_KEYS)).toContain(key);
  });

  it('covers pod label selectors and writes the sampler argument as a quoted string', () => {
    const { config, configText } = render(variants['dev with pod labels and a ratio sampler, no network']);
    expect(config.discovery.instrument).toEqual([
      { k8s_namespace: 'default', k8s_pod_labels: { 'app.kubernetes.io/part-of': 'shop*' } },
      { k8s_namespace: 'demo', k8s_pod_labels: { 'app.kubernetes.io/part-of': 'shop*' } },
    ]);
    expect(config.otel_traces_export.sampler).toEqual({ name: 'parentbased_traceidratio', arg: '0.25' });
    expect(configText).toMatch(/arg: "0\.25"/);
  });
});

describe.each(Object.keys(ENVS))('OBI in %s', (name) => {
  const r = render(ENVS[name]);

  it('config file snapshot', () => {
    expect(r.configText).toMatchSnapshot();
  });

  it('sends traces and metrics to the shared node-local Alloy OTLP endpoint', () => {
    const expected = url(endpoints(r.env).alloyNodeOtlpGrpc);
    expect(r.config.otel_traces_export.endpoint).toBe(expected);
    expect(r.config.otel_metrics_export.endpoint).toBe(expected);
    expect(r.config.otel_traces_export.protocol).toBe('grpc');
    expect(r.config.otel_metrics_export.protocol).toBe('grpc');
  });

  it('instruments the environment namespaces (and the canary demo) and excludes every other platform namespace and Argo CD', () => {
    const demo = r.env.experiments.canaryAnalysis ? [r.env.namespaces.canary] : [];
    expect(r.config.discovery.instrument.map((i: Obj) => i.k8s_namespace)).toEqual([...r.env.instrumentation.namespaces, ...demo]);
    const excluded = r.config.discovery.exclude_instrument.map((i: Obj) => i.k8s_namespace);
    for (const ns of Object.values(r.env.namespaces)) expect(excluded.includes(ns)).toBe(!demo.includes(ns));
    expect(excluded).toContain(r.env.argocd.namespace);
    for (const ns of r.env.instrumentation.namespaces) expect(excluded).not.toContain(ns);
  });

  it('decorates with Kubernetes metadata and the cluster name, traces the five protocols, uses the sampler', () => {
    expect(r.config.attributes.kubernetes).toEqual({ enable: true, cluster_name: r.env.cluster.name });
    expect(r.config.otel_traces_export.instrumentations).toEqual(['http', 'grpc', 'sql', 'redis', 'kafka']);
    expect(r.config.otel_traces_export.sampler.name).toBe(r.env.instrumentation.sampler.name);
    expect(['headers', 'disabled']).toContain(r.config.ebpf.context_propagation);
  });

  it('the probes ConfigMap holds every object and config, stays under 1 MiB, and its sha256 is a pod annotation', () => {
    const binary: Obj = r.probes.binaryData;
    const data: Obj = r.probes.data;
    expect(Object.keys(binary).sort()).toEqual(ebpfObjects().map((o) => `${o}.bpf.o`));
    expect(Object.keys(data).sort()).toEqual([...ebpfObjects().map((o) => `${o}.yaml`), SELECT_SCRIPT].sort());
    const size = Buffer.byteLength(JSON.stringify({ data, binaryData: binary }));
    expect(size).toBeLessThan(1024 * 1024);
    // The sha256 of the rendered content, in the ConfigFiles scheme (text files, then binary files, by name).
    const hash = createHash('sha256');
    for (const key of Object.keys(data).sort()) hash.update(`${key}\0${data[key]}\0`);
    for (const key of Object.keys(binary).sort()) hash.update(`${key}\0`).update(Buffer.from(binary[key], 'base64')).update('\0');
    expect(r.ds.spec.template.metadata.annotations['checksum/ebpf-probes']).toBe(hash.digest('hex'));
  });

  it('the ebpf_exporter container starts through select-probes.sh, serves on 9435 with BPF and PERFMON only', () => {
    expect(r.exporter.image).toBe('ghcr.io/cloudflare/ebpf_exporter:v2.5.1');
    // The image is distroless with the binary at /ebpf_exporter (cloudflare/ebpf_exporter v2.5.1 Dockerfile), so the
    // selection runs under the static busybox the init container copies in (test/ebpf/kernels.test.ts runs it).
    expect(r.exporter.command).toEqual(['/mop-tools/busybox', 'sh', `/etc/ebpf_exporter/${SELECT_SCRIPT}`]);
    expect(r.exporter.args).toBeUndefined();
    const env = Object.fromEntries(r.exporter.env.map((e: Obj) => [e.name, e.value]));
    expect(env).toMatchObject({
      MOP_EBPF_PROBES: probeSpec(),
      MOP_EBPF_CONFIG_DIR: '/etc/ebpf_exporter',
      MOP_EBPF_EXPORTER: '/ebpf_exporter',
      MOP_EBPF_PORT: '9435',
      MOP_EBPF_STATUS_DIR: '/run/mop-ebpf-status',
      MOP_BUSYBOX: '/mop-tools/busybox',
    });
    const mounts = Object.fromEntries(r.exporter.volumeMounts.map((m: Obj) => [m.name, m]));
    expect(mounts.probes).toEqual({ name: 'probes', mountPath: '/etc/ebpf_exporter', readOnly: true });
    expect(mounts['ebpf-tools']).toEqual({ name: 'ebpf-tools', mountPath: '/mop-tools', readOnly: true });
    // Only the status page directory is writable.
    expect(r.exporter.volumeMounts.filter((m: Obj) => m.readOnly !== true).map((m: Obj) => m.mountPath)).toEqual(['/run/mop-ebpf-status']);
    expect(r.exporter.securityContext.privileged).toBe(false);
    expect(r.exporter.securityContext.capabilities).toEqual({ drop: ['ALL'], add: [...EXPORTER_CAPABILITIES] });
    // `/` answers only once the exporter listens (after every handed object attached, --config.strict), or when the
    // status page stands in for it because no probe can run on the node.
    expect(r.exporter.readinessProbe.httpGet).toEqual({ path: '/', port: 'ebpf-metrics' });
    expect(r.exporter.livenessProbe.httpGet).toEqual({ path: '/', port: 'ebpf-metrics' });
    expect(r.exporter.ports).toEqual([{ name: 'ebpf-metrics', containerPort: 9435, protocol: 'TCP' }]);
  });

  it('the init container copies the static busybox of a pinned image, as a restricted non-root container', () => {
    expect(r.pod.initContainers).toHaveLength(1);
    const tools = r.pod.initContainers[0];
    expect(tools.image).toBe('busybox:1.37.0-musl');
    expect(tools.command).toEqual(['/bin/cp', '/bin/busybox', '/mop-tools/busybox']);
    expect(tools.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(tools.resources.requests.memory).toBeDefined();
    expect(tools.resources.limits.memory).toBeDefined();
    expect(tools.volumeMounts).toEqual([{ name: 'ebpf-tools', mountPath: '/mop-tools' }]);
    const volumes = Object.fromEntries(r.pod.volumes.map((v: Obj) => [v.name, v]));
    expect(volumes['ebpf-tools'].emptyDir.sizeLimit).toBe('16Mi');
    expect(volumes['ebpf-status'].emptyDir.sizeLimit).toBe('1Mi');
  });

  it('every container has requests, a memory limit, GOMEMLIMIT and probes; the pod runs on every node', () => {
    for (const c of r.pod.containers) {
      expect(c.resources.requests.cpu).toBeDefined();
      expect(c.resources.requests.memory).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
      expect(c.env.map((e: Obj) => e.name)).toContain('GOMEMLIMIT');
      expect(c.readinessProbe).toBeDefined();
      expect(c.livenessProbe).toBeDefined();
    }
    expect(r.pod.hostPID).toBe(true);
    expect(r.pod.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(r.ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } });
    const pc = r.find(r.platform, 'PriorityClass', r.pod.priorityClassName);
    expect(pc.value).toBeGreaterThan(0);
    expect(pc.value).toBeLessThanOrEqual(1_000_000_000);
  });

  it('read-only RBAC for decoration, bound to the DaemonSet ServiceAccount', () => {
    const role = r.find(r.platform, 'ClusterRole', r.env.namespaces.obi);
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'services', 'nodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['list', 'watch'] },
    ]);
    const binding = r.find(r.platform, 'ClusterRoleBinding', r.env.namespaces.obi);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: r.pod.serviceAccountName, namespace: r.env.namespaces.obi }]);
    r.find(r.objects, 'ServiceAccount', r.pod.serviceAccountName);
  });
});

describe('OBI privileges', () => {
  const mode = (securityMode: 'privileged' | 'capabilities', networkMetrics = true) =>
    render(withInstrumentation(dev, { securityMode, networkMetrics }));

  it('is privileged by default, as root with a read-only root file system', () => {
    const { obiContainer } = mode('privileged');
    expect(obiContainer.securityContext).toMatchObject({ privileged: true, runAsUser: 0, readOnlyRootFilesystem: true });
    expect(obiContainer.securityContext.capabilities).toBeUndefined();
  });

  it('uses the documented capability set instead in capabilities mode, with NET_ADMIN only for network features', () => {
    const withNet = mode('capabilities', true).obiContainer.securityContext;
    expect(withNet.privileged).toBe(false);
    expect(withNet).toMatchObject({ runAsUser: 0, readOnlyRootFilesystem: true });
    expect(withNet.capabilities.drop).toEqual(['ALL']);
    expect(withNet.capabilities.add).toEqual([...OBI_CAPABILITIES, 'NET_ADMIN']);
    const noNet = mode('capabilities', false).obiContainer.securityContext;
    expect(noNet.capabilities.add).toEqual([...OBI_CAPABILITIES]);
    expect(noNet.capabilities.add).not.toContain('SYS_ADMIN');
  });

  it('uses the host network (with ClusterFirstWithHostNet DNS) only with network metrics', () => {
    const on = mode('privileged', true);
    expect(on.pod.hostNetwork).toBe(true);
    expect(on.pod.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(on.config.network.enable).toBe(true);
    expect(on.config.metrics.features).toEqual(expect.arrayContaining(['application', 'network']));
    // Service graphs come from Alloy's servicegraph connector only (one producer of traces_service_graph_*).
    expect(on.config.metrics.features).not.toContain('application_service_graph');
    const off = mode('privileged', false);
    expect(off.pod.hostNetwork).toBeUndefined();
    expect(off.pod.dnsPolicy).toBeUndefined();
    expect(off.config.network.enable).toBe(false);
    expect(off.config.metrics.features).not.toContain('network');
    expect(off.config.ebpf.context_propagation).toBe('disabled');
    expect(off.obiContainer.volumeMounts.map((m: Obj) => m.name)).not.toContain('tracefs');
  });

  it('mounts host paths read-only, except the tracefs OBI uses for context propagation', () => {
    const { pod, obiContainer } = mode('capabilities', true);
    const hostPaths = Object.fromEntries(pod.volumes.filter((v: Obj) => v.hostPath).map((v: Obj) => [v.name, v.hostPath.path]));
    expect(hostPaths).toEqual({ cgroup: '/sys/fs/cgroup', security: '/sys/kernel/security', tracefs: '/sys/kernel/tracing' });
    for (const m of obiContainer.volumeMounts) {
      if (m.name in hostPaths && m.name !== 'tracefs') expect(m.readOnly).toBe(true);
    }
    expect(obiContainer.volumeMounts.find((m: Obj) => m.name === 'config').readOnly).toBe(true);
  });
});

describe('obiConfig', () => {
  it('is a pure function of the environment', () => {
    const env: Environment = loadEnvironment(staging);
    expect(obiConfig(env, endpoints(env))).toEqual(obiConfig(env, endpoints(env)));
  });
});
