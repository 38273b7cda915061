/**
 * The collection features of the pipeline (`env.collection`, docs/alloy.md "Collection features"): what each one adds
 * to which Alloy config. Modelled on grafana/k8s-monitoring-helm 3.8.12 (`charts/k8s-monitoring/charts/feature-*`):
 * the same sources, job names and allow-lists, rendered as plain components.
 *
 * Node-local sources (kubelet, node-exporter, OBI, the platform's pods, pod logs, the journal) run in the node agent
 * and discover their own node only. Cluster-wide sources (kube-state-metrics, API server, CoreDNS, annotated pods,
 * ServiceMonitors and PodMonitors, events) run once per cluster: in the clustered collector (`alloy-cluster`) of a
 * tiered environment, with `clustering { enabled = true }` so the replicas share the targets, or in the single node
 * agent of a combined one.
 */
import { Environment, PlatformComponent } from '../../environments';
import { Endpoints, PORTS } from '../endpoints';
import { KSM_NAME } from '../kube-state-metrics';
import { NODE_EXPORTER_NAME } from '../node-exporter';
import { OBI_INTERNAL_METRICS_PATH } from '../obi/config';
import {
  API_SERVER_METRICS,
  CADVISOR_METRICS,
  KUBELET_METRICS,
  KUBELET_RESOURCE_METRICS,
  KUBE_STATE_METRICS,
  NODE_EXPORTER_METRICS,
  allowListRegex,
} from './allow-lists';
import { Statement, Value, attr, binary, block, call, ref } from './syntax';

/** Where each workload mounts things; index.ts mounts exactly these paths. */
export const PATHS = {
  configDir: '/etc/alloy',
  configFile: 'config.alloy',
  /** `--storage.path`: WALs, positions files, component state. */
  storage: '/var/lib/alloy',
  varLog: '/var/log',
  podLogs: '/var/log/pods',
  journal: '/var/log/journal',
  serviceAccountToken: '/var/run/secrets/kubernetes.io/serviceaccount/token',
  serviceAccountCa: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
} as const;

/** Environment variable set from `spec.nodeName` (downward API) on the node agent. */
export const NODE_NAME_ENV = 'K8S_NODE_NAME';
/** Set from `metadata.name` (downward API) on every Alloy pod. */
export const POD_NAME_ENV = 'POD_NAME';

/** The Alloy workloads (constructs/alloy/index.ts renders them under these names). */
export const ALLOY_WORKLOADS = { nodeAgent: 'alloy-node', gateway: 'alloy-gateway', clusterCollector: 'alloy-cluster' } as const;
export type AlloyWorkload = (typeof ALLOY_WORKLOADS)[keyof typeof ALLOY_WORKLOADS];

/**
 * `job` of an Alloy workload's own metrics: `<namespace>/<workload>`. Each workload has its own, because the gateway
 * and the cluster collector are separate clusters in one namespace and the clustering alert compares the peers that
 * the replicas of one job see.
 */
export function alloySelfJob(namespace: string, workload: AlloyWorkload): string {
  return `${namespace}/${workload}`;
}

/** Scrape job names, as grafana/k8s-monitoring-helm names them (feature-cluster-metrics/values.yaml, `jobLabel`). */
export const JOBS = {
  kubelet: 'integrations/kubernetes/kubelet',
  cadvisor: 'integrations/kubernetes/cadvisor',
  kubeletResource: 'integrations/kubernetes/resources',
  kubeStateMetrics: 'integrations/kubernetes/kube-state-metrics',
  nodeExporter: 'integrations/node_exporter',
  apiServer: 'integrations/kubernetes/kube-apiserver',
  kubeDns: 'integrations/kubernetes/kube-dns',
  /** OBI's internal metrics and MOP's eBPF probes (one pod per node, constructs/obi). */
  obi: 'integrations/obi',
  ebpfExporter: 'integrations/ebpf_exporter',
  /** Log streams (feature-cluster-events and feature-node-logs `jobLabel`). */
  events: 'integrations/kubernetes/eventhandler',
  journal: 'integrations/kubernetes/journal',
} as const;

/**
 * Stream labels of application logs (pod logs and OTLP logs): the names the Grafana correlations use (Tempo's
 * traces-to-logs tags, the Loki panels of the dashboards). Grafana's own default tag mapping uses the same names.
 */
export const LOG_LABELS = {
  namespace: 'namespace',
  pod: 'pod',
  container: 'container',
  node: 'node',
  service: 'service_name',
} as const;

/** Structured metadata key the trace ID of a log line is stored under (Loki derived field `trace_id`). */
export const TRACE_ID_METADATA = 'trace_id';


/** `<component>.<label>.<export>` */
export const exp = (component: string, label: string, field: string) => ref(component, label, field);
export const REMOTE_WRITE = exp('prometheus.remote_write', 'mimir', 'receiver');
export const LOKI_WRITE = exp('loki.write', 'loki', 'receiver');

function rule(values: Record<string, Value>): Statement {
  return block('rule', Object.entries(values).map(([k, v]) => attr(k, v)));
}

const keep = (sourceLabels: string[], regex: string, separator?: string) =>
  rule({ source_labels: sourceLabels, ...(separator ? { separator } : {}), regex, action: 'keep' });

const copy = (source: string, target: string) => rule({ source_labels: [source], target_label: target });

/** Discovery of one kind of object on this node only (`spec.nodeName` / `metadata.name` = $K8S_NODE_NAME). */
function onThisNode(role: 'pod' | 'node', extra: Statement[] = [], labelSelector?: string): Statement[] {
  const field = role === 'pod' ? 'spec.nodeName=' : 'metadata.name=';
  const sel: Statement[] = [attr('role', role), attr('field', binary(field, '+', call('sys.env', NODE_NAME_ENV)))];
  if (labelSelector) sel.push(attr('label', labelSelector));
  return [attr('role', role), ...extra, block('selectors', sel)];
}

/** Cluster-wide discovery of pods (or EndpointSlices) in the given namespaces, optionally by label. */
function inNamespaces(role: 'pod' | 'endpointslice', namespaces: string[], labelSelector?: string): Statement[] {
  return [
    attr('role', role),
    block('namespaces', [attr('names', namespaces)]),
    ...(labelSelector ? [block('selectors', [attr('role', role), attr('label', labelSelector)])] : []),
  ];
}

/** Where a scraper is: in the node agent (node-local) or in the cluster-wide collector, clustered when tiered. */
export interface ScrapeContext {
  readonly env: Environment;
  readonly endpoints: Endpoints;
  /** Cluster-wide components share their work across clustered replicas. */
  readonly clustered: boolean;
}

const clustering = (c: ScrapeContext): Statement[] => (c.clustered ? [block('clustering', [attr('enabled', true)])] : []);

/** Arguments before blocks, as the upstream docs and `alloy fmt` examples lay a component out. */
function attrsFirst(stmts: Statement[]): Statement[] {
  return [...stmts.filter((s) => s.kind === 'attribute'), ...stmts.filter((s) => s.kind === 'block')];
}

/** A scrape whose samples pass an allow-list before the remote write. */
function allowListed(label: string, scrape: Statement[], names: readonly string[]): Statement[] {
  return [
    block('prometheus.scrape', label, attrsFirst([...scrape, attr('forward_to', [exp('prometheus.relabel', label, 'receiver')])])),
    block('prometheus.relabel', label, [keep(['__name__'], allowListRegex(names)), attr('forward_to', [REMOTE_WRITE])]),
  ];
}

/** HTTPS with the ServiceAccount token, verified against the cluster CA (kind's kubelet: self-signed, dev only). */
function serviceAccountAuth(tls: Statement): Statement[] {
  return [attr('scheme', 'https'), attr('bearer_token_file', PATHS.serviceAccountToken), tls];
}

// ---------------------------------------------------------------------------------------------------------
// Node agent: node-local metrics
// ---------------------------------------------------------------------------------------------------------

/**
 * Kubelet `/metrics`, `/metrics/cadvisor` and `/metrics/resource` of this node over HTTPS (RBAC: nodes/metrics, which
 * the kubelet checks for these paths; never nodes/proxy). k8s-monitoring-helm: `_kubelet.alloy.tpl`,
 * `_cadvisor.alloy.tpl`, `_kubelet_resource.alloy.tpl`.
 */
export function kubeletScrapes(env: Environment): Statement[] {
  if (!env.collection.kubelet) return [];
  // kind's kubelet serves a self-signed certificate; elsewhere the kubelet serving certificate is verified against
  // the cluster CA (it must be issued by it: serverTLSBootstrap, or EKS/GKE/AKS defaults).
  const tls = env.tier === 'dev'
    ? block('tls_config', [attr('insecure_skip_verify', true)])
    : block('tls_config', [attr('ca_file', PATHS.serviceAccountCa)]);
  const scrape = (label: string, path: string, job: string, names: readonly string[]) =>
    allowListed(label, [
      attr('targets', exp('discovery.relabel', 'kubelet', 'output')),
      attr('job_name', job),
      attr('metrics_path', path),
      ...serviceAccountAuth(tls),
    ], names);
  return [
    block('discovery.kubernetes', 'node', onThisNode('node')),
    block('discovery.relabel', 'kubelet', [
      attr('targets', exp('discovery.kubernetes', 'node', 'targets')),
      copy('__meta_kubernetes_node_name', 'node'),
      copy('__meta_kubernetes_node_name', 'instance'),
    ]),
    ...scrape('kubelet', '/metrics', JOBS.kubelet, KUBELET_METRICS),
    ...scrape('cadvisor', '/metrics/cadvisor', JOBS.cadvisor, CADVISOR_METRICS),
    ...scrape('kubelet_resource', '/metrics/resource', JOBS.kubeletResource, KUBELET_RESOURCE_METRICS),
  ];
}

/**
 * node-exporter of this node. It runs in the host network namespace (constructs/node-exporter), so `node_network_*`
 * describe the node's interfaces, not a pod's; its pod IP is the node IP.
 */
export function nodeExporterScrape(env: Environment): Statement[] {
  if (!env.collection.nodeExporter) return [];
  return [
    block('discovery.kubernetes', 'node_exporter', onThisNode('pod', [block('namespaces', [attr('names', [env.namespaces.alloyNode])])], `app.kubernetes.io/name=${NODE_EXPORTER_NAME}`)),
    block('discovery.relabel', 'node_exporter', [
      attr('targets', exp('discovery.kubernetes', 'node_exporter', 'targets')),
      keep(['__meta_kubernetes_pod_container_port_number'], String(PORTS.nodeExporter)),
      copy('__meta_kubernetes_pod_node_name', 'node'),
      copy('__meta_kubernetes_pod_node_name', 'instance'),
    ]),
    ...allowListed('node_exporter', [attr('targets', exp('discovery.relabel', 'node_exporter', 'output')), attr('job_name', JOBS.nodeExporter)], NODE_EXPORTER_METRICS),
  ];
}

/** OBI and ebpf_exporter run in one pod per node; keep each container port and scrape it. */
export function obiScrapes(env: Environment): Statement[] {
  if (!env.components.includes('obi')) return [];
  const port = (label: string, p: number, path: string, job: string): Statement[] => [
    block('discovery.relabel', label, [
      attr('targets', exp('discovery.kubernetes', 'obi', 'targets')),
      keep(['__meta_kubernetes_pod_container_port_number'], String(p)),
      copy('__meta_kubernetes_pod_node_name', 'node'),
      copy('__meta_kubernetes_pod_name', 'pod'),
    ]),
    block('prometheus.scrape', label, [
      attr('targets', exp('discovery.relabel', label, 'output')),
      attr('job_name', job),
      attr('metrics_path', path),
      attr('forward_to', [REMOTE_WRITE]),
    ]),
  ];
  return [
    block('discovery.kubernetes', 'obi', onThisNode('pod', [block('namespaces', [attr('names', [env.namespaces.obi])])], 'app.kubernetes.io/name=obi')),
    ...port('obi', PORTS.obiMetrics, OBI_INTERNAL_METRICS_PATH, JOBS.obi),
    ...port('ebpf_exporter', PORTS.ebpfExporter, '/metrics', JOBS.ebpfExporter),
  ];
}

/**
 * The stores' and Grafana's own metrics: every MOP pod on this node whose container port is the component's HTTP
 * port from `PORTS`, at `/metrics`. Alloy's own pods are not in the list: each Alloy reports itself
 * (`selfMetrics`), so no Alloy series has two writers.
 */
export function platformScrapeTargets(env: Environment): { namespace: string; port: number }[] {
  const ns = env.namespaces;
  const all: { component: PlatformComponent; namespace: string; port: number }[] = [
    { component: 'mimir', namespace: ns.mimir, port: PORTS.mimirHttp },
    { component: 'tempo', namespace: ns.tempo, port: PORTS.tempoHttp },
    { component: 'loki', namespace: ns.loki, port: PORTS.lokiHttp },
    { component: 'grafana', namespace: ns.grafana, port: PORTS.grafanaHttp },
  ];
  // Only what runs in this cluster (a multi-region environment runs a subset).
  return all.filter((t) => env.components.includes(t.component)).map(({ namespace, port }) => ({ namespace, port }));
}

export function platformScrape(env: Environment): Statement[] {
  const targets = platformScrapeTargets(env);
  if (targets.length === 0) return [];
  return [
    block('discovery.kubernetes', 'platform', onThisNode('pod', [block('namespaces', [attr('names', targets.map((t) => t.namespace))])])),
    block('discovery.relabel', 'platform', [
      attr('targets', exp('discovery.kubernetes', 'platform', 'targets')),
      keep(['__meta_kubernetes_namespace', '__meta_kubernetes_pod_container_port_number'], targets.map((t) => `${t.namespace};${t.port}`).join('|'), ';'),
      copy('__meta_kubernetes_namespace', 'namespace'),
      copy('__meta_kubernetes_pod_name', 'pod'),
      copy('__meta_kubernetes_pod_container_name', 'container'),
      rule({ source_labels: ['__meta_kubernetes_namespace', '__meta_kubernetes_pod_container_name'], separator: '/', target_label: 'job' }),
    ]),
    block('prometheus.scrape', 'platform', [attr('targets', exp('discovery.relabel', 'platform', 'output')), attr('forward_to', [REMOTE_WRITE])]),
  ];
}

/**
 * Alloy's own metrics, labelled like the platform scrape labels the other components (`namespace`, `pod`,
 * `job = <namespace>/<workload>`, `alloySelfJob`), so the Alloy dashboard and the alerts select every Alloy workload
 * the same way.
 */
export function selfMetrics(namespace: string, workload: AlloyWorkload): Statement[] {
  return [
    block('prometheus.exporter.self', 'alloy', []),
    block('discovery.relabel', 'alloy', [
      attr('targets', exp('prometheus.exporter.self', 'alloy', 'targets')),
      rule({ target_label: 'namespace', replacement: namespace }),
      rule({ target_label: 'pod', replacement: call('sys.env', POD_NAME_ENV) }),
      rule({ target_label: 'instance', replacement: call('sys.env', POD_NAME_ENV) }),
      rule({ target_label: 'job', replacement: alloySelfJob(namespace, workload) }),
    ]),
    block('prometheus.scrape', 'alloy', [attr('targets', exp('discovery.relabel', 'alloy', 'output')), attr('forward_to', [REMOTE_WRITE])]),
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Node agent: logs of this node
// ---------------------------------------------------------------------------------------------------------

/**
 * A trace ID in the common log shapes, lifted into structured metadata so that Grafana can jump from a log line to
 * its trace: `trace_id=…`, `traceID=…`, `"trace_id":"…"`, `trace-id: …`, ECS `trace.id` (`"trace.id":"…"`), the
 * `traceid` field of OTLP logs converted by otelcol.exporter.loki, and the trace-id field of a W3C `traceparent`
 * (`00-<trace-id>-<parent-id>-<flags>`). 32 hex characters (W3C / OTel).
 */
export const TRACE_ID_REGEX =
  '(?i)(?:trace[._-]?id"?\\s*[:=]\\s*"?|traceparent"?\\s*[:=]\\s*"?[0-9a-f]{2}-)(?P<trace_id>[0-9a-f]{32})';

/** The trace-ID stages every application log stream passes through. */
function traceIdStages(): Statement[] {
  return [
    block('stage.regex', [attr('expression', TRACE_ID_REGEX)]),
    block('stage.structured_metadata', [attr('values', { [TRACE_ID_METADATA]: '' })]),
  ];
}

/**
 * `service_name` of a pod's logs, chosen as OBI chooses `service.name` for the pod's spans and metrics
 * (open-telemetry/opentelemetry-ebpf-instrumentation pkg/internal/kube/store.go, serviceNameNamespaceOwnerID): the
 * `resource.opentelemetry.io/service.name` annotation, else the `app.kubernetes.io/name` label, else the name of the
 * top-level owner (a ReplicaSet's Deployment, with the pod-template hash removed), else the pod name. OBI ranks a
 * container's `OTEL_SERVICE_NAME` first; the pod spec's environment is not in discovery, so set the annotation where
 * an application names itself that way.
 */
function serviceNameRules(): Statement[] {
  return [
    copy('__meta_kubernetes_pod_controller_name', '__tmp_owner'),
    rule({
      source_labels: ['__meta_kubernetes_pod_controller_kind', '__meta_kubernetes_pod_controller_name'],
      separator: ';',
      regex: 'ReplicaSet;(.+)-[a-z0-9]+',
      target_label: '__tmp_owner',
    }),
    rule({ source_labels: ['__tmp_owner', '__meta_kubernetes_pod_name'], separator: ';', regex: ';(.+)', target_label: '__tmp_owner' }),
    rule({
      source_labels: [
        '__meta_kubernetes_pod_annotation_resource_opentelemetry_io_service_name',
        '__meta_kubernetes_pod_label_app_kubernetes_io_name',
        '__tmp_owner',
      ],
      separator: ';',
      regex: ';*([^;]+).*',
      target_label: LOG_LABELS.service,
    }),
  ];
}

/** Pod logs of this node from /var/log/pods (docs/architecture/0004-pod-logs-from-host.md). */
export function podLogs(env: Environment): Statement[] {
  if (!env.collection.podLogs) return [];
  return [
    block('discovery.kubernetes', 'pods', onThisNode('pod')),
    block('discovery.relabel', 'pod_logs', [
      attr('targets', exp('discovery.kubernetes', 'pods', 'targets')),
      copy('__meta_kubernetes_namespace', LOG_LABELS.namespace),
      copy('__meta_kubernetes_pod_name', LOG_LABELS.pod),
      copy('__meta_kubernetes_pod_container_name', LOG_LABELS.container),
      copy('__meta_kubernetes_pod_node_name', LOG_LABELS.node),
      rule({ source_labels: ['__meta_kubernetes_namespace', '__meta_kubernetes_pod_container_name'], separator: '/', target_label: 'job' }),
      ...serviceNameRules(),
      rule({
        source_labels: ['__meta_kubernetes_pod_uid', '__meta_kubernetes_pod_container_name'],
        separator: '/',
        target_label: '__path__',
        replacement: `${PATHS.podLogs}/*$1/*.log`,
      }),
    ]),
    block('local.file_match', 'pod_logs', [attr('path_targets', exp('discovery.relabel', 'pod_logs', 'output'))]),
    // Positions are kept in the storage path (a hostPath, index.ts), so a restarted agent resumes where it stopped.
    block('loki.source.file', 'pod_logs', [
      attr('targets', exp('local.file_match', 'pod_logs', 'targets')),
      attr('forward_to', [exp('loki.process', 'pod_logs', 'receiver')]),
    ]),
    block('loki.process', 'pod_logs', [
      attr('forward_to', [LOKI_WRITE]),
      block('stage.cri', []),
      ...traceIdStages(),
      // loki.source.file adds `filename` (one stream per rotated file); the pod and container labels identify it.
      block('stage.label_drop', [attr('values', ['filename'])]),
    ]),
  ];
}

/** Systemd units whose journal entries are node logs (feature-node-logs `journal.units`, MOP's selection). */
export const JOURNAL_UNITS = ['kubelet.service', 'containerd.service', 'crio.service', 'docker.service'];

/** Kubelet and container-runtime logs of this node from its journal (k8s-monitoring-helm feature-node-logs). */
export function nodeLogs(env: Environment): Statement[] {
  if (!env.collection.nodeLogs) return [];
  return [
    block('loki.relabel', 'journal', [
      attr('forward_to', []),
      keep(['__journal__systemd_unit'], JOURNAL_UNITS.map((u) => u.replace('.', '\\.')).join('|')),
      copy('__journal__systemd_unit', 'unit'),
      rule({ source_labels: ['__journal__systemd_unit'], regex: '(.+)\\.service', target_label: LOG_LABELS.service }),
      copy('__journal_priority_keyword', 'level'),
    ]),
    // The journal cursor is kept in the storage path, like the pod-log positions.
    block('loki.source.journal', 'node', [
      attr('path', PATHS.journal),
      attr('max_age', '12h'),
      attr('relabel_rules', exp('loki.relabel', 'journal', 'rules')),
      attr('labels', { job: JOBS.journal, node: call('sys.env', NODE_NAME_ENV) }),
      attr('forward_to', [LOKI_WRITE]),
    ]),
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Application observability: OTLP logs into Loki
// ---------------------------------------------------------------------------------------------------------

/**
 * OTLP logs (SDKs, OBI) into Loki with the same stream labels as pod logs. otelcol.exporter.loki turns the resource
 * attributes named in the `loki.resource.labels` hint into labels (dots become underscores) and writes the record as
 * JSON with a `traceid` field (opentelemetry-collector-contrib pkg/translator/loki); `loki.relabel` renames the
 * OTel names to the pod-log names and drops the translator's `exporter` and `instance` labels.
 */
export const OTLP_LOG_LABELS: Readonly<Record<string, string>> = {
  'k8s.namespace.name': LOG_LABELS.namespace,
  'k8s.pod.name': LOG_LABELS.pod,
  'k8s.container.name': LOG_LABELS.container,
  'k8s.node.name': LOG_LABELS.node,
};
export const OTLP_LOGS_INPUT = exp('otelcol.processor.attributes', 'loki_labels', 'input');

export function otlpLogs(): Statement[] {
  const promName = (a: string) => a.replace(/\./g, '_');
  return [
    block('otelcol.processor.attributes', 'loki_labels', [
      block('action', [
        attr('key', 'loki.resource.labels'),
        attr('action', 'insert'),
        attr('value', ['service.name', ...Object.keys(OTLP_LOG_LABELS)].join(', ')),
      ]),
      block('output', [attr('logs', [exp('otelcol.exporter.loki', 'otlp', 'input')])]),
    ]),
    block('otelcol.exporter.loki', 'otlp', [attr('forward_to', [exp('loki.relabel', 'otlp_logs', 'receiver')])]),
    block('loki.relabel', 'otlp_logs', [
      attr('forward_to', [exp('loki.process', 'otlp_logs', 'receiver')]),
      ...Object.entries(OTLP_LOG_LABELS).map(([otel, label]) => copy(promName(otel), label)),
      rule({ action: 'labeldrop', regex: ['exporter', 'instance', ...Object.keys(OTLP_LOG_LABELS).map(promName)].join('|') }),
    ]),
    block('loki.process', 'otlp_logs', [attr('forward_to', [LOKI_WRITE]), ...traceIdStages()]),
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Cluster-wide sources (alloy-cluster when tiered, the node agent when combined)
// ---------------------------------------------------------------------------------------------------------

/** kube-state-metrics (constructs/kube-state-metrics), by its pods in the Alloy namespace. */
function kubeStateMetrics(c: ScrapeContext): Statement[] {
  if (!c.env.collection.kubeStateMetrics) return [];
  return [
    block('discovery.kubernetes', 'kube_state_metrics', inNamespaces('pod', [c.env.namespaces.alloy], `app.kubernetes.io/name=${KSM_NAME}`)),
    block('discovery.relabel', 'kube_state_metrics', [
      attr('targets', exp('discovery.kubernetes', 'kube_state_metrics', 'targets')),
      keep(['__meta_kubernetes_pod_container_port_name'], c.endpoints.kubeStateMetrics.portName),
    ]),
    ...allowListed('kube_state_metrics', [
      attr('targets', exp('discovery.relabel', 'kube_state_metrics', 'output')),
      attr('job_name', JOBS.kubeStateMetrics),
      ...clustering(c),
    ], KUBE_STATE_METRICS),
  ];
}

/** The API server (one target per endpoint of `default/kubernetes`) and CoreDNS (`k8s-app=kube-dns` pods). */
function controlPlane(c: ScrapeContext): Statement[] {
  if (!c.env.collection.controlPlane) return [];
  // The API server certificate names the `kubernetes` Service (SAN); k8s-monitoring-helm `_api_server.alloy.tpl`.
  const tls = block('tls_config', [attr('ca_file', PATHS.serviceAccountCa), attr('server_name', 'kubernetes')]);
  return [
    block('discovery.kubernetes', 'apiserver', inNamespaces('endpointslice', ['default'], 'kubernetes.io/service-name=kubernetes')),
    block('discovery.relabel', 'apiserver', [
      attr('targets', exp('discovery.kubernetes', 'apiserver', 'targets')),
      keep(['__meta_kubernetes_endpointslice_port_name'], 'https'),
    ]),
    ...allowListed('apiserver', [
      attr('targets', exp('discovery.relabel', 'apiserver', 'output')),
      attr('job_name', JOBS.apiServer),
      ...serviceAccountAuth(tls),
      ...clustering(c),
    ], API_SERVER_METRICS),
    block('discovery.kubernetes', 'kube_dns', inNamespaces('pod', ['kube-system'], 'k8s-app=kube-dns')),
    block('discovery.relabel', 'kube_dns', [
      attr('targets', exp('discovery.kubernetes', 'kube_dns', 'targets')),
      keep(['__meta_kubernetes_pod_container_port_number'], String(KUBE_DNS_METRICS_PORT)),
      copy('__meta_kubernetes_namespace', 'namespace'),
      copy('__meta_kubernetes_pod_name', 'pod'),
    ]),
    block('prometheus.scrape', 'kube_dns', attrsFirst([
      attr('targets', exp('discovery.relabel', 'kube_dns', 'output')),
      attr('job_name', JOBS.kubeDns),
      ...clustering(c),
      attr('forward_to', [REMOTE_WRITE]),
    ])),
  ];
}

/** CoreDNS serves Prometheus metrics on 9153 (its `prometheus` plugin default; the kube-dns Deployment's `metrics` port). */
export const KUBE_DNS_METRICS_PORT = 9153;

/** Annotations that opt a pod in, in both styles (k8s-monitoring-helm feature-annotation-autodiscovery values). */
export const SCRAPE_ANNOTATIONS = {
  scrape: ['k8s.grafana.com/scrape', 'prometheus.io/scrape'],
  portNumber: ['k8s.grafana.com/metrics.portNumber', 'prometheus.io/port'],
  portName: ['k8s.grafana.com/metrics.portName'],
  path: ['k8s.grafana.com/metrics.path', 'prometheus.io/path'],
  scheme: ['k8s.grafana.com/metrics.scheme', 'prometheus.io/scheme'],
  job: ['k8s.grafana.com/job'],
} as const;

const annotation = (a: string) => `__meta_kubernetes_pod_annotation_${a.replace(/[^A-Za-z0-9_]/g, '_')}`;

/** First non-empty annotation of a list → `target`. */
function fromAnnotations(names: readonly string[], target: string, regex = ';*([^;]+).*'): Statement {
  return rule({ source_labels: names.map(annotation), separator: ';', regex, target_label: target });
}

/**
 * Pods annotated `k8s.grafana.com/scrape: "true"` or `prometheus.io/scrape: "true"`, running and ready, scraped at the
 * annotated port, path and scheme (k8s-monitoring-helm `feature-annotation-autodiscovery/templates/_pods.alloy.tpl`).
 * Without a port annotation every declared container port is a target, as upstream does. MOP's own namespaces are
 * left out (the platform scrape covers them).
 */
function annotationAutodiscovery(c: ScrapeContext): Statement[] {
  if (!c.env.collection.annotationAutodiscovery) return [];
  const a = SCRAPE_ANNOTATIONS;
  return [
    block('discovery.kubernetes', 'annotated_pods', [attr('role', 'pod')]),
    block('discovery.relabel', 'annotated_pods', [
      attr('targets', exp('discovery.kubernetes', 'annotated_pods', 'targets')),
      rule({ source_labels: ['__meta_kubernetes_namespace'], regex: c.env.platformNamespaces.join('|'), action: 'drop' }),
      keep(a.scrape.map(annotation), '(true;.*|.*;true)', ';'),
      keep(['__meta_kubernetes_pod_phase', '__meta_kubernetes_pod_ready', '__meta_kubernetes_pod_container_init'], 'Running;true;false', ';'),
      // A named port: keep only the target of that container port (upstream's `keepequal` pattern).
      copy('__meta_kubernetes_pod_container_port_name', '__tmp_port'),
      rule({ source_labels: [annotation(a.portName[0])], regex: '(.+)', target_label: '__tmp_port' }),
      rule({ source_labels: ['__meta_kubernetes_pod_container_port_name'], action: 'keepequal', target_label: '__tmp_port' }),
      rule({ action: 'labeldrop', regex: '__tmp_port' }),
      // A port number: scrape that port on the pod's IPv4 address.
      rule({ source_labels: [...a.portNumber.map(annotation), '__meta_kubernetes_pod_ip'], separator: ';', regex: ';*([0-9]+);.*?([0-9.]+)', target_label: '__address__', replacement: '$2:$1' }),
      fromAnnotations(a.path, '__metrics_path__'),
      fromAnnotations(a.scheme, '__scheme__', ';*(https?).*'),
      copy('__meta_kubernetes_namespace', 'namespace'),
      copy('__meta_kubernetes_pod_name', 'pod'),
      copy('__meta_kubernetes_pod_container_name', 'container'),
      rule({ source_labels: [...a.job.map(annotation), '__meta_kubernetes_pod_label_app_kubernetes_io_name', '__meta_kubernetes_pod_container_name'], separator: ';', regex: ';*([^;]+).*', target_label: 'job' }),
    ]),
    block('prometheus.scrape', 'annotated_pods', attrsFirst([
      attr('targets', exp('discovery.relabel', 'annotated_pods', 'output')),
      ...clustering(c),
      attr('forward_to', [REMOTE_WRITE]),
    ])),
  ];
}

/**
 * ServiceMonitor and PodMonitor objects (monitoring.coreos.com/v1 CRDs; the components fail without them). Targets
 * of a ServiceMonitor come from EndpointSlices. MOP grants no Secret reads, so monitors that take credentials from a
 * Secret cannot authenticate.
 */
function operatorObjects(c: ScrapeContext): Statement[] {
  if (!c.env.collection.prometheusOperatorObjects) return [];
  return [
    block('prometheus.operator.servicemonitors', 'default', attrsFirst([attr('kubernetes_role', 'endpointslice'), ...clustering(c), attr('forward_to', [REMOTE_WRITE])])),
    block('prometheus.operator.podmonitors', 'default', attrsFirst([...clustering(c), attr('forward_to', [REMOTE_WRITE])])),
  ];
}

/**
 * Kubernetes events as logs (k8s-monitoring-helm feature-cluster-events). With clustering, one replica watches all
 * namespaces (the component's own rule for an empty `namespaces` list); its read position is in the storage path.
 */
function clusterEvents(c: ScrapeContext): Statement[] {
  if (!c.env.collection.clusterEvents) return [];
  return [
    block('loki.source.kubernetes_events', 'cluster', attrsFirst([
      attr('job_name', JOBS.events),
      attr('log_format', 'logfmt'),
      ...clustering(c),
      attr('forward_to', [exp('loki.process', 'events', 'receiver')]),
    ])),
    block('loki.process', 'events', [
      attr('forward_to', [LOKI_WRITE]),
      block('stage.logfmt', [attr('mapping', { kind: '', reason: '', level: 'type', name: '', sourcehost: '' })]),
      block('stage.labels', [attr('values', { kind: '', reason: '', level: '' })]),
      block('stage.structured_metadata', [attr('values', { name: '', node: 'sourcehost' })]),
      block('stage.static_labels', [attr('values', { [LOG_LABELS.service]: 'kubernetes-events' })]),
      block('stage.label_drop', [attr('values', ['instance'])]),
    ]),
  ];
}

/** Every cluster-wide source the environment switches on. */
export function clusterSources(c: ScrapeContext): Statement[] {
  return [...kubeStateMetrics(c), ...controlPlane(c), ...annotationAutodiscovery(c), ...operatorObjects(c), ...clusterEvents(c)];
}

/** Whether the environment has any cluster-wide source (and so, when tiered, a cluster collector). */
export function hasClusterSources(env: Environment): boolean {
  const c = env.collection;
  return c.kubeStateMetrics || c.controlPlane || c.annotationAutodiscovery || c.prometheusOperatorObjects || c.clusterEvents;
}
