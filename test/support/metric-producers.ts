/**
 * What an environment's Alloy writes into Mimir, read from its rendered objects: every scrape target and every OTLP
 * metrics exporter of every Alloy config, with the labels its series carry at the remote write and the allow-lists
 * they pass. The scrape side is evaluated, not pattern-matched: discovery.kubernetes runs against the pods of the
 * rendered workloads (plus the few objects every cluster has, `CLUSTER_FIXTURE`), discovery.relabel and
 * prometheus.relabel rules run through the Prometheus relabelling semantics (test/support/relabel.ts), and the
 * program behind each target is recognised by its image, port and path (`SERVED`). Used by the rules ↔ collection
 * contract (test/support/collection-contract.ts).
 *
 * Upstream behaviour modelled here:
 * - Kubernetes pod discovery: one target per declared container port (`<pod IP>:<port>`), one per container without
 *   ports; `__meta_kubernetes_*` labels as prometheus/prometheus v3 discovery/kubernetes/pod.go, node.go and
 *   endpointslice.go build them (label and annotation names sanitised to `[a-zA-Z0-9_]`).
 * - Target labels at scrape time (prometheus/prometheus scrape/target.go PopulateLabels; grafana/alloy v1.18.1
 *   prometheus.scrape `job_name`: "the value to use for the job label if not already set", default the component
 *   name): `job` and `__metrics_path__` only where the target has none, `instance` defaults to `__address__`, labels
 *   starting with `__` are dropped. With `honor_labels = false` (the default) a target label wins over the label of
 *   the same name a program exposes (that one becomes `exported_<name>`).
 * - Every target also writes the scrape loop's own series (`up`, `scrape_samples_scraped`, …), with the target
 *   labels only, and through the same prometheus.relabel chain (prometheus/prometheus scrape/scrape.go report).
 * - prometheus.exporter.self targets: `job = "integrations/self"`, `instance` = `$HOSTNAME`
 *   (grafana/alloy v1.18.1 internal/component/prometheus/exporter/exporter.go newExporter, defaultInstance).
 * - prometheus.remote_write `external_labels` are added to series that do not already carry the label.
 */
import { parse } from 'yaml';
import { Environment } from '../../environments';
import { RenderedEnvironment } from '../../constructs/render';
import { PATHS } from '../../constructs/alloy/collection';
import { PORTS } from '../../constructs/endpoints';
import { VERSIONS } from '../../constructs/versions';
import { Producer } from '../grafana/known-metrics';
import { AstExpr, AstStmt } from '../alloy/parser';
import { Component, Config, attrValue, childBlocks, exprRefs, literal, outputs, readConfig, target } from './alloy-graph';
import { Labels, RelabelRule, SysEnv, readLabels, relabel, rulesOf, stringOf } from './relabel';

type Obj = Record<string, any>;

// ---------------------------------------------------------------------------------------------------------
// The cluster
// ---------------------------------------------------------------------------------------------------------

export interface ContainerPort {
  readonly name?: string;
  readonly number: number;
  readonly protocol: string;
}
export interface Container {
  readonly name: string;
  /** Image without its tag. */
  readonly image: string;
  readonly init: boolean;
  readonly ports: readonly ContainerPort[];
  readonly env: readonly Obj[];
  readonly args: readonly string[];
}
export interface Pod {
  readonly namespace: string;
  readonly name: string;
  readonly ip: string;
  readonly node: string;
  readonly hostNetwork: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly controller?: { readonly kind: string; readonly name: string };
  readonly containers: readonly Container[];
  readonly volumes: readonly Obj[];
  /** The rendered workload, for messages. */
  readonly workload: string;
  /** From a workload MOP renders (not the cluster fixture). */
  readonly rendered: boolean;
}

/** Every pod of the cluster runs on this node in the model: node-local discovery on each node adds up to the same union. */
export const NODE = 'node-a';
const NODE_IP = '10.0.0.10';

const imageName = (image: string) => image.replace(/[:@][^/]*$/, '');

/**
 * What every cluster has that MOP does not render: a node (its kubelet on the kubelet port), the API server behind
 * the `default/kubernetes` EndpointSlice (port `https`), and CoreDNS pods labelled `k8s-app=kube-dns` with the
 * `metrics` port 9153 (kubernetes/kubernetes cluster/addons/dns/coredns/coredns.yaml.base; kubeadm, EKS, GKE and kind
 * deploy it so).
 */
export const CLUSTER_FIXTURE = {
  node: { name: NODE, address: `${NODE_IP}:${PORTS.kubelet}` },
  apiserver: { namespace: 'default', name: 'kubernetes', labels: { 'kubernetes.io/service-name': 'kubernetes' }, portName: 'https', port: 6443, address: '10.0.0.1:6443' },
  pods: [
    {
      namespace: 'kube-system',
      name: 'coredns-5d78c9869d-q8w2m',
      ip: '10.244.0.2',
      node: NODE,
      hostNetwork: false,
      labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '5d78c9869d' },
      annotations: {},
      controller: { kind: 'ReplicaSet', name: 'coredns-5d78c9869d' },
      containers: [
        {
          name: 'coredns',
          image: 'registry.k8s.io/coredns/coredns',
          init: false,
          ports: [
            { name: 'dns', number: 53, protocol: 'UDP' },
            { name: 'dns-tcp', number: 53, protocol: 'TCP' },
            { name: 'metrics', number: 9153, protocol: 'TCP' },
          ],
          env: [],
          args: [],
        },
      ],
      volumes: [],
      workload: 'Deployment kube-system/coredns (cluster fixture)',
      rendered: false,
    },
  ] as Pod[],
};

/** One pod per rendered workload (names as the controllers generate them; the ordinal 0 of a StatefulSet). */
export function podsOf(r: RenderedEnvironment): Pod[] {
  const workloads = [...r.objects.values()].flat().filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Rollout'].includes(o.kind)) as Obj[];
  return workloads.map((w, i) => {
    const name: string = w.metadata.name;
    const hash = '5d9f8c7b6d';
    const [podName, controller] =
      w.kind === 'StatefulSet' ? [`${name}-0`, { kind: 'StatefulSet', name }]
        : w.kind === 'DaemonSet' ? [`${name}-x7k2p`, { kind: 'DaemonSet', name }]
          : [`${name}-${hash}-x7k2p`, { kind: 'ReplicaSet', name: `${name}-${hash}` }];
    const t = w.spec.template ?? {};
    const spec = t.spec ?? {};
    const container = (c: Obj, init: boolean): Container => ({
      name: c.name,
      image: imageName(c.image ?? ''),
      init,
      ports: (c.ports ?? []).map((p: Obj) => ({ name: p.name, number: p.containerPort, protocol: p.protocol ?? 'TCP' })),
      env: c.env ?? [],
      args: c.args ?? [],
    });
    return {
      namespace: w.metadata.namespace,
      name: podName,
      ip: spec.hostNetwork ? NODE_IP : `10.244.1.${i + 1}`,
      node: NODE,
      hostNetwork: spec.hostNetwork === true,
      labels: t.metadata?.labels ?? {},
      annotations: t.metadata?.annotations ?? {},
      controller,
      containers: [...(spec.initContainers ?? []).map((c: Obj) => container(c, true)), ...(spec.containers ?? []).map((c: Obj) => container(c, false))],
      volumes: spec.volumes ?? [],
      workload: `${w.kind} ${w.metadata.namespace}/${name}`,
      rendered: true,
    };
  });
}

const sanitize = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, '_');

function podMeta(pod: Pod): Labels {
  const l: Labels = {
    __meta_kubernetes_namespace: pod.namespace,
    __meta_kubernetes_pod_name: pod.name,
    __meta_kubernetes_pod_ip: pod.ip,
    __meta_kubernetes_pod_node_name: pod.node,
    __meta_kubernetes_pod_host_ip: NODE_IP,
    __meta_kubernetes_pod_uid: `uid-${pod.name}`,
    __meta_kubernetes_pod_phase: 'Running',
    __meta_kubernetes_pod_ready: 'true',
  };
  if (pod.controller) {
    l.__meta_kubernetes_pod_controller_kind = pod.controller.kind;
    l.__meta_kubernetes_pod_controller_name = pod.controller.name;
  }
  for (const [k, v] of Object.entries(pod.labels)) {
    l[`__meta_kubernetes_pod_label_${sanitize(k)}`] = v;
    l[`__meta_kubernetes_pod_labelpresent_${sanitize(k)}`] = 'true';
  }
  for (const [k, v] of Object.entries(pod.annotations)) {
    l[`__meta_kubernetes_pod_annotation_${sanitize(k)}`] = v;
    l[`__meta_kubernetes_pod_annotationpresent_${sanitize(k)}`] = 'true';
  }
  return l;
}

// ---------------------------------------------------------------------------------------------------------
// Which program answers a scrape
// ---------------------------------------------------------------------------------------------------------

/** The programs MOP scrapes and where they serve the metrics of test/grafana/known-metrics.ts. */
export const SERVED: readonly { readonly image: string; readonly port: number; readonly path: string; readonly producer: Producer }[] = [
  { image: VERSIONS.mimir.image, port: PORTS.mimirHttp, path: '/metrics', producer: 'mimir' },
  { image: VERSIONS.tempo.image, port: PORTS.tempoHttp, path: '/metrics', producer: 'tempo' },
  { image: VERSIONS.loki.image, port: PORTS.lokiHttp, path: '/metrics', producer: 'loki' },
  { image: VERSIONS.grafana.image, port: PORTS.grafanaHttp, path: '/metrics', producer: 'grafana' },
  { image: VERSIONS.obi.image, port: PORTS.obiMetrics, path: '/internal/metrics', producer: 'obi' },
  { image: VERSIONS.ebpfExporter.image, port: PORTS.ebpfExporter, path: '/metrics', producer: 'ebpf-exporter' },
  // The main port serves the object metrics; the telemetry port only kube-state-metrics' own.
  { image: VERSIONS.kubeStateMetrics.image, port: PORTS.kubeStateMetrics, path: '/metrics', producer: 'kube-state-metrics' },
  { image: VERSIONS.nodeExporter.image, port: PORTS.nodeExporter, path: '/metrics', producer: 'node-exporter' },
  { image: 'registry.k8s.io/coredns/coredns', port: 9153, path: '/metrics', producer: 'coredns' },
];
/** The kubelet's metrics paths (kubernetes/kubernetes pkg/kubelet/server/server.go: /metrics, /metrics/cadvisor). */
const KUBELET_PATHS: Readonly<Record<string, Producer>> = { '/metrics': 'kubelet', '/metrics/cadvisor': 'cadvisor' };

/**
 * Labels that say where a series comes from. The pipeline sets them (target labels, relabelling, external labels); a
 * program writes one itself only where `EXPOSED_IDENTITY` lists it, so a series whose pipeline stopped setting, say,
 * `namespace` is known not to carry it. Every other label a program writes (`route`, `reason`) may have any value.
 */
export const IDENTITY_LABELS: readonly string[] = ['job', 'instance', 'namespace', 'pod', 'container', 'node', 'cluster', 'region'];
export const EXPOSED_IDENTITY: Partial<Record<Producer, readonly string[]>> = {
  // kube-state-metrics v2.20.0 docs/metrics/workload/pod-metrics.md: the object's namespace, pod, container, node.
  'kube-state-metrics': ['namespace', 'pod', 'container', 'node'],
  // kubernetes/kubernetes pkg/kubelet/metrics/collectors/volume_stats.go: kubelet_volume_stats_* {namespace, persistentvolumeclaim}.
  kubelet: ['namespace'],
  // google/cadvisor metrics/prometheus.go with the kubelet's container labels (pkg/kubelet/server/server.go containerPrometheusLabelsFunc).
  cadvisor: ['namespace', 'pod', 'container'],
  // otelcol.exporter.prometheus: `job` from service.namespace/service.name, `instance` from service.instance.id (grafana/alloy
  // v1.18.1 internal/component/otelcol/exporter/prometheus/internal/convert/convert.go).
  'obi-otlp-application': ['job', 'instance'],
  'obi-otlp-network': ['job', 'instance'],
  'alloy-servicegraph': ['job', 'instance'],
};

type Origin = { kind: 'pod'; pod: Pod } | { kind: 'node' } | { kind: 'apiserver' } | { kind: 'self' } | { kind: 'unknown' };

interface DiscoveredTarget {
  readonly labels: Labels;
  readonly origin: Origin;
}

function producerOf(origin: Origin, address: string, path: string): Producer | undefined {
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  if (origin.kind === 'self') return 'alloy';
  if (origin.kind === 'node') return port === PORTS.kubelet ? KUBELET_PATHS[path] : undefined;
  if (origin.kind === 'apiserver') return path === '/metrics' ? 'kube-apiserver' : undefined;
  if (origin.kind !== 'pod') return undefined;
  const container = origin.pod.containers.find((c) => c.ports.some((p) => p.number === port));
  return SERVED.find((s) => container && s.image === container.image && s.port === port && s.path === path)?.producer;
}

// ---------------------------------------------------------------------------------------------------------
// Alloy processes
// ---------------------------------------------------------------------------------------------------------

/** One Alloy config and the pod that runs it. */
export interface AlloyProcess {
  readonly configMap: string;
  readonly config: Config;
  readonly pod: Pod;
  readonly sysEnv: SysEnv;
}

/** `sys.env` of a container: literal values and downward-API fields; `HOSTNAME` as the kubelet sets it. */
function containerEnv(pod: Pod, c: Container): SysEnv {
  const env: Record<string, string> = { HOSTNAME: pod.hostNetwork ? pod.node : pod.name };
  const fields: Record<string, string> = { 'metadata.name': pod.name, 'metadata.namespace': pod.namespace, 'spec.nodeName': pod.node, 'status.podIP': pod.ip, 'status.hostIP': NODE_IP };
  for (const e of c.env) {
    if (typeof e.value === 'string') env[e.name] = e.value;
    const path = e.valueFrom?.fieldRef?.fieldPath;
    if (path && path in fields) env[e.name] = fields[path];
  }
  return env;
}

export function alloyProcesses(r: RenderedEnvironment, pods: readonly Pod[] = podsOf(r), configTexts?: readonly { name: string; text: string }[]): AlloyProcess[] {
  const texts = configTexts ?? (r.objects.get('alloy') ?? [])
    .filter((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-config'))
    .map((o) => ({ name: o.metadata.name, text: (o as Obj).data[PATHS.configFile] as string }));
  return texts.map(({ name, text }) => {
    const runners = pods.filter((p) => p.volumes.some((v) => v.configMap?.name === name));
    if (runners.length !== 1) throw new Error(`${r.env.name}: ConfigMap ${name} is mounted by ${runners.length} workloads, expected 1`);
    const pod = runners[0];
    const alloy = pod.containers.find((c) => c.image === VERSIONS.alloy.image && !c.init);
    if (!alloy) throw new Error(`${r.env.name}: ${pod.workload} mounts ${name} but runs no Alloy container`);
    return { configMap: name, config: readConfig(text), pod, sysEnv: containerEnv(pod, alloy) };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Discovery
// ---------------------------------------------------------------------------------------------------------

interface Selector {
  readonly role: string;
  readonly label?: string;
  readonly field?: string;
}

/** A Kubernetes label or field selector (`a=b,c!=d,e,!f`) against a set of values. */
function selects(selector: string | undefined, values: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  return selector.split(',').map((t) => t.trim()).filter(Boolean).every((term) => {
    let m: RegExpExecArray | null;
    if ((m = /^([^!=]+)!=(.*)$/.exec(term))) return values[m[1].trim()] !== m[2].trim();
    if ((m = /^([^!=]+)==?(.*)$/.exec(term))) return values[m[1].trim()] === m[2].trim();
    if ((m = /^!(.+)$/.exec(term))) return !(m[1].trim() in values);
    if (/ (in|notin) /.test(term)) throw new Error(`set-based selector "${term}" is not modelled`);
    return term in values;
  });
}

function discoverKubernetes(p: AlloyProcess, c: Component, cluster: readonly Pod[]): DiscoveredTarget[] {
  const role = stringOf(attrValue(c.body, 'role') as AstExpr, p.sysEnv);
  const nsBlock = childBlocks(c.body, 'namespaces')[0];
  const namesExpr = nsBlock ? attrValue(nsBlock.body, 'names') : undefined;
  const namespaces = namesExpr?.type === 'array' ? namesExpr.elements.map((e) => stringOf(e, p.sysEnv)) : undefined;
  if (nsBlock && attrValue(nsBlock.body, 'own_namespace')) throw new Error(`${c.id}: own_namespace is not modelled`);
  const selectors: Selector[] = childBlocks(c.body, 'selectors').map((b) => {
    const s = (n: string) => (attrValue(b.body, n) ? stringOf(attrValue(b.body, n) as AstExpr, p.sysEnv) : undefined);
    return { role: s('role') as string, label: s('label'), field: s('field') };
  });
  const mine = selectors.filter((s) => s.role === role);
  const inNamespace = (ns: string) => !namespaces || namespaces.includes(ns);
  if (role === 'pod') {
    const out: DiscoveredTarget[] = [];
    for (const pod of cluster.filter((x) => inNamespace(x.namespace))) {
      const fields = { 'spec.nodeName': pod.node, 'metadata.name': pod.name, 'metadata.namespace': pod.namespace, 'status.phase': 'Running' };
      if (!mine.every((s) => selects(s.label, pod.labels) && selects(s.field, fields))) continue;
      const meta = podMeta(pod);
      for (const ctr of pod.containers) {
        const base = { ...meta, __meta_kubernetes_pod_container_name: ctr.name, __meta_kubernetes_pod_container_image: ctr.image, __meta_kubernetes_pod_container_init: String(ctr.init) };
        if (ctr.ports.length === 0) out.push({ labels: { ...base, __address__: pod.ip }, origin: { kind: 'pod', pod } });
        for (const port of ctr.ports) {
          out.push({
            labels: {
              ...base,
              __address__: `${pod.ip}:${port.number}`,
              __meta_kubernetes_pod_container_port_number: String(port.number),
              __meta_kubernetes_pod_container_port_protocol: port.protocol,
              ...(port.name ? { __meta_kubernetes_pod_container_port_name: port.name } : {}),
            },
            origin: { kind: 'pod', pod },
          });
        }
      }
    }
    return out;
  }
  if (role === 'node') {
    const n = CLUSTER_FIXTURE.node;
    if (!mine.every((s) => selects(s.field, { 'metadata.name': n.name }) && selects(s.label, {}))) return [];
    return [{ labels: { __address__: n.address, __meta_kubernetes_node_name: n.name, instance: n.name }, origin: { kind: 'node' } }];
  }
  if (role === 'endpointslice') {
    // Only the API server's EndpointSlice is modelled; a discovery of other EndpointSlices must be added here first.
    if (!namespaces || namespaces.some((ns) => ns !== 'default')) throw new Error(`${c.id}: EndpointSlices outside "default" are not modelled`);
    const a = CLUSTER_FIXTURE.apiserver;
    if (!mine.every((s) => selects(s.label, a.labels))) return [];
    return [{
      labels: {
        __address__: a.address,
        __meta_kubernetes_namespace: a.namespace,
        __meta_kubernetes_endpointslice_name: a.name,
        __meta_kubernetes_service_name: a.name,
        __meta_kubernetes_endpointslice_port_name: a.portName,
        __meta_kubernetes_endpointslice_port: String(a.port),
        __meta_kubernetes_endpointslice_port_protocol: 'TCP',
        ...Object.fromEntries(Object.entries(a.labels).map(([k, v]) => [`__meta_kubernetes_endpointslice_label_${sanitize(k)}`, v])),
      },
      origin: { kind: 'apiserver' },
    }];
  }
  throw new Error(`${c.id}: discovery role ${role} is not modelled`);
}

/** The targets an expression evaluates to (`<component>.targets` / `.output` of discovery components). */
function targetsOf(p: AlloyProcess, e: AstExpr | undefined, cluster: readonly Pod[], depth = 0): DiscoveredTarget[] {
  if (!e) return [];
  if (depth > 20) throw new Error('discovery chain loops');
  if (e.type === 'array') return e.elements.flatMap((x) => targetsOf(p, x, cluster, depth + 1));
  const refs = exprRefs(e);
  if (refs.length !== 1) throw new Error(`targets expression of type ${e.type} is not modelled`);
  const t = target(p.config, refs[0]);
  if (!t) throw new Error(`targets reference ${refs[0].join('.')} names no component`);
  const c = t.component;
  switch (c.name) {
    case 'discovery.kubernetes':
      return discoverKubernetes(p, c, cluster);
    case 'discovery.relabel': {
      const rules = rulesOf(c.body, p.sysEnv);
      return targetsOf(p, attrValue(c.body, 'targets'), cluster, depth + 1).flatMap((x) => {
        const l = relabel(x.labels, rules);
        return l ? [{ labels: l, origin: x.origin }] : [];
      });
    }
    case 'prometheus.exporter.self':
      return [{
        labels: {
          __address__: `127.0.0.1:${PORTS.alloyHttp}`,
          __scheme__: 'http',
          __metrics_path__: `/api/v0/component/${c.id}/metrics`,
          __meta_component_name: c.name,
          __meta_component_id: c.id,
          instance: p.sysEnv.HOSTNAME ?? '',
          job: 'integrations/self',
        },
        origin: { kind: 'self' },
      }];
    default:
      throw new Error(`${c.id}: a targets source of this kind is not modelled`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// From a scrape or an OTLP exporter to the remote write
// ---------------------------------------------------------------------------------------------------------

export interface Writer {
  readonly component: string;
  readonly url: string;
  readonly tenant?: string;
  readonly externalLabels: Readonly<Labels>;
}

/** One way from a source to a remote write: the prometheus.relabel components on the way, in order. */
export interface Route {
  readonly relabels: readonly { readonly id: string; readonly rules: readonly RelabelRule[] }[];
  readonly writer: Writer;
}

/** A scrape target or an OTLP metrics exporter: series of one origin with the same pipeline-set labels. */
export interface MetricSource {
  readonly env: Environment;
  readonly process: string;
  /** `prometheus.scrape.platform`, `otelcol.exporter.prometheus.otlp`. */
  readonly component: string;
  /** What the program behind it writes (empty: only the scrape loop's own series). */
  readonly producers: readonly Producer[];
  /** Scrape targets also write `up` and the other report series. */
  readonly scraped: boolean;
  /** Labels the pipeline gives every series of the source before metric relabelling (`job`, `instance`, target labels). */
  readonly labels: Readonly<Labels>;
  readonly routes: readonly Route[];
  /** Where the target is, for messages (`Deployment mop-mimir/mimir-ingester`). */
  readonly origin: string;
  /** The pod behind a scrape target, when it is one MOP renders (an Alloy pod for its own metrics). */
  readonly pod?: Pod;
}

function writerOf(p: AlloyProcess, c: Component): Writer {
  const ep = childBlocks(c.body, 'endpoint');
  if (ep.length !== 1) throw new Error(`${c.id}: ${ep.length} endpoint blocks; the model expects one`);
  const headers = attrValue(ep[0].body, 'headers');
  const tenantField = headers?.type === 'object' ? headers.fields.find((f) => f.key === 'X-Scope-OrgID') : undefined;
  const ext = attrValue(c.body, 'external_labels');
  return {
    component: c.id,
    url: stringOf(attrValue(ep[0].body, 'url') as AstExpr, p.sysEnv),
    tenant: tenantField ? stringOf(tenantField.value, p.sysEnv) : undefined,
    externalLabels: ext?.type === 'object' ? Object.fromEntries(ext.fields.map((f) => [f.key, stringOf(f.value, p.sysEnv)])) : {},
  };
}

function routesFrom(p: AlloyProcess, body: readonly AstStmt[], via: Route['relabels'] = [], depth = 0): Route[] {
  if (depth > 20) throw new Error('forward_to chain loops');
  const forward = attrValue(body, 'forward_to');
  const out: Route[] = [];
  for (const ref of forward ? exprRefs(forward) : []) {
    const t = target(p.config, ref);
    if (!t) throw new Error(`forward_to ${ref.join('.')} names no component`);
    const c = t.component;
    if (c.name === 'prometheus.remote_write') out.push({ relabels: via, writer: writerOf(p, c) });
    else if (c.name === 'prometheus.relabel') out.push(...routesFrom(p, c.body, [...via, { id: c.id, rules: rulesOf(c.body, p.sysEnv) }], depth + 1));
    else throw new Error(`${c.id}: a metrics receiver of this kind is not modelled`);
  }
  return out;
}

/** The label values a series has at the writer, or the component that dropped it. */
export function throughRoute(labels: Readonly<Labels>, metric: string, route: Route): { labels: Labels } | { droppedBy: string } {
  let l: Labels | undefined = { ...labels, __name__: metric };
  for (const r of route.relabels) {
    const unknown = readLabels(r.rules).filter((x) => x !== '__name__' && !(x in labels));
    if (unknown.length) throw new Error(`${r.id} reads ${unknown.join(', ')}, which the model cannot know for every series`);
    l = relabel(l, r.rules);
    if (!l) return { droppedBy: r.id };
  }
  const out: Labels = { ...route.writer.externalLabels, ...l };
  delete out.__name__;
  return { labels: out };
}

/** The otelcol components whose `output.metrics` feed a component. */
function metricFeeders(config: Config, c: Component): Component[] {
  return config.components.filter((x) => (outputs(config, x).get('metrics') ?? []).some((t) => t.id === c.id));
}

/** Producers of what reaches an otelcol.exporter.prometheus: connectors, or the OTLP clients of a receiver upstream. */
function otlpProducers(p: AlloyProcess, c: Component, obi: ObiExport | undefined, seen = new Set<string>()): Producer[] {
  if (seen.has(c.id)) return [];
  seen.add(c.id);
  if (c.name === 'otelcol.connector.servicegraph') return ['alloy-servicegraph'];
  if (c.name === 'otelcol.connector.spanmetrics') return [];
  if (c.name === 'otelcol.receiver.otlp') return obi && obiSendsTo(obi, p, c) ? obi.producers : [];
  return metricFeeders(p.config, c).flatMap((x) => otlpProducers(p, x, obi, seen));
}

// ---------------------------------------------------------------------------------------------------------
// OBI's OTLP metrics
// ---------------------------------------------------------------------------------------------------------

interface ObiExport {
  readonly host: string;
  readonly port: number;
  readonly protocol: string;
  readonly producers: Producer[];
  readonly services: readonly Obj[];
}

/**
 * Where OBI sends its OTLP metrics and which groups (opentelemetry.io content/en/docs/zero-code/obi/configure/
 * export-data.md, `metrics.features`: `application` → the Application family of docs/zero-code/obi/metrics.md,
 * `network` → `obi_network_flow_bytes_total`; `all`/`*` → every group). Undefined when no OBI pod runs.
 */
function obiExport(r: RenderedEnvironment, pods: readonly Pod[]): ObiExport | undefined {
  const objects = [...r.objects.values()].flat() as Obj[];
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'obi-config');
  if (!cm || !pods.some((p) => p.containers.some((c) => c.image === VERSIONS.obi.image))) return undefined;
  const config = parse(cm.data['ebpf-instrument-config.yml']);
  const endpoint = config.otel_metrics_export?.endpoint as string | undefined;
  if (!endpoint) return undefined;
  const u = new URL(endpoint);
  const features: string[] = config.metrics?.features ?? ['application'];
  const all = features.includes('all') || features.includes('*');
  const producers: Producer[] = [
    ...(all || features.includes('application') ? (['obi-otlp-application'] as const) : []),
    ...(all || features.includes('network') ? (['obi-otlp-network'] as const) : []),
  ];
  return { host: u.hostname, port: Number(u.port), protocol: config.otel_metrics_export.protocol ?? 'grpc', producers, services: objects.filter((o) => o.kind === 'Service') };
}

/** Whether OBI's endpoint is a Service that selects this Alloy pod and reaches this receiver's listener. */
function obiSendsTo(obi: ObiExport, p: AlloyProcess, receiver: Component): boolean {
  const [svcName, ns] = obi.host.split('.');
  const svc = obi.services.find((s) => s.metadata.name === svcName && s.metadata.namespace === ns);
  if (!svc || ns !== p.pod.namespace) return false;
  if (!Object.entries(svc.spec.selector ?? {}).every(([k, v]) => p.pod.labels[k] === v)) return false;
  const sp = (svc.spec.ports as Obj[]).find((x) => x.port === obi.port);
  if (!sp) return false;
  const alloy = p.pod.containers.find((c) => c.image === VERSIONS.alloy.image && !c.init) as Container;
  const containerPort = typeof sp.targetPort === 'string' ? alloy.ports.find((x) => x.name === sp.targetPort)?.number : (sp.targetPort ?? sp.port);
  const listener = childBlocks(receiver.body, obi.protocol.startsWith('http') ? 'http' : 'grpc')[0];
  const listen = listener ? literal(attrValue(listener.body, 'endpoint')) : undefined;
  return typeof listen === 'string' && Number(listen.slice(listen.lastIndexOf(':') + 1)) === containerPort;
}

// ---------------------------------------------------------------------------------------------------------
// Every source of an environment
// ---------------------------------------------------------------------------------------------------------

export function metricSourcesOf(r: RenderedEnvironment, override?: { configs?: readonly { name: string; text: string }[] }): MetricSource[] {
  const pods = podsOf(r);
  const cluster = [...pods, ...CLUSTER_FIXTURE.pods];
  const obi = obiExport(r, pods);
  const out: MetricSource[] = [];
  for (const p of alloyProcesses(r, pods, override?.configs)) {
    for (const c of p.config.components) {
      if (c.name === 'prometheus.scrape') {
        if (literal(attrValue(c.body, 'honor_labels')) === true) throw new Error(`${c.id}: honor_labels = true is not modelled`);
        const jobName = attrValue(c.body, 'job_name') ? stringOf(attrValue(c.body, 'job_name') as AstExpr, p.sysEnv) : c.id;
        const metricsPath = attrValue(c.body, 'metrics_path') ? stringOf(attrValue(c.body, 'metrics_path') as AstExpr, p.sysEnv) : '/metrics';
        const routes = routesFrom(p, c.body);
        for (const t of targetsOf(p, attrValue(c.body, 'targets'), cluster)) {
          const l: Labels = { job: jobName, __metrics_path__: metricsPath, ...t.labels };
          l.instance ??= l.__address__;
          const producer = producerOf(t.origin, l.__address__, l.__metrics_path__);
          const labels = Object.fromEntries(Object.entries(l).filter(([k]) => !k.startsWith('__')));
          const origin = t.origin.kind === 'pod' ? t.origin.pod.workload : t.origin.kind === 'self' ? `${p.pod.workload} (itself)` : t.origin.kind === 'node' ? 'the kubelet' : 'the API server';
          const pod = t.origin.kind === 'pod' && t.origin.pod.rendered ? t.origin.pod : t.origin.kind === 'self' ? p.pod : undefined;
          out.push({ env: r.env, process: p.configMap, component: c.id, producers: producer ? [producer] : [], scraped: true, labels, routes, origin, pod });
        }
      }
      if (c.name === 'prometheus.operator.servicemonitors' || c.name === 'prometheus.operator.podmonitors') {
        // Targets of users' monitors: MOP renders no ServiceMonitor or PodMonitor, so none of its metrics come this way.
        continue;
      }
      if (c.name === 'otelcol.exporter.prometheus') {
        const producers = otlpProducers(p, c, obi);
        out.push({ env: r.env, process: p.configMap, component: c.id, producers: [...new Set(producers)], scraped: false, labels: {}, routes: routesFrom(p, c.body), origin: 'OTLP' });
      }
    }
  }
  return out;
}
