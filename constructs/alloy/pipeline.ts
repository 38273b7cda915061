/**
 * The Alloy configurations MOP renders (see docs/alloy.md for the data flow and the decisions).
 *
 * - `nodeAgentConfig`: the DaemonSet on every node. Receives OBI's OTLP, scrapes its node (kubelet, cAdvisor, host,
 *   OBI, ebpf_exporter, itself), tails pod logs from /var/log/pods, writes metrics to Mimir and logs to Loki. In a
 *   `tiered` environment it forwards traces by trace ID to the sampling gateway; in a `combined` environment it
 *   samples and writes traces itself.
 * - `gatewayConfig`: the clustered StatefulSet of a `tiered` environment: span metrics and service graphs on every
 *   span, then tail sampling, traces to Tempo, derived metrics to Mimir.
 *
 * Every component, argument and block name is from the grafana/alloy v1.18.1 reference
 * (docs/sources/reference/components/<namespace>/<component>.md). Store addresses come from `ctx.endpoints` only.
 */
import { compareStrings } from '../base/order';
import { Environment, PlatformComponent } from '../../environments';
import { Endpoint, Endpoints, PORTS, hostPort, url } from '../endpoints';
import { regionLabels } from '../multi-region';
import { OBI_INTERNAL_METRICS_PATH } from '../obi/config';
import { AlloyFile, Block, Statement, Value, attr, binary, block, call, obj, ref } from './syntax';

/** Where each workload mounts things; index.ts mounts exactly these paths. */
export const PATHS = {
  configDir: '/etc/alloy',
  configFile: 'config.alloy',
  storage: '/var/lib/alloy',
  podLogs: '/var/log/pods',
  hostProc: '/host/proc',
  hostSys: '/host/sys',
  hostRoot: '/host/root',
  serviceAccountToken: '/var/run/secrets/kubernetes.io/serviceaccount/token',
  serviceAccountCa: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
} as const;

/** Environment variable set from `spec.nodeName` (downward API) on the node agent. */
export const NODE_NAME_ENV = 'K8S_NODE_NAME';
/** Set from `metadata.name` (downward API) on the gateway; stable in a StatefulSet (`alloy-gateway-0`). */
export const POD_NAME_ENV = 'POD_NAME';

export const TENANT_HEADER = 'X-Scope-OrgID';

/**
 * Spans per second one gateway replica is planned for. Basis: the Splunk OpenTelemetry Collector sizing guide
 * gives 15,000 spans/s per CPU core for plain trace forwarding and halves the budget when a collector does two jobs;
 * the gateway does tail sampling plus two connectors on every span, so MOP plans 7,500 spans/s per replica of one
 * core. Replace with a measurement of the real workload when there is one.
 */
export const SPANS_PER_GATEWAY_REPLICA = 7_500;

/** Gateway replicas: enough for `workload.spansPerSecond`, at least 2 (a rolling update keeps one sampler up). */
export function gatewayReplicas(env: Environment): number {
  return Math.max(2, Math.ceil(env.workload.spansPerSecond / SPANS_PER_GATEWAY_REPLICA));
}

/** How many instances run the tail sampler: the gateway replicas (tiered) or the single node agent (combined). */
export function samplerInstances(env: Environment): number {
  return env.pipeline === 'tiered' ? gatewayReplicas(env) : 1;
}

/** Seconds in a Go duration such as `10s`, `1m30s`, `500ms`. */
export function durationSeconds(d: string): number {
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  let rest = d;
  const re = /^([0-9]+(?:\.[0-9]+)?)(ns|us|ms|s|m|h)/;
  while (rest.length > 0) {
    const m = re.exec(rest);
    if (!m) throw new Error(`invalid Go duration "${d}"`);
    total += Number(m[1]) * (units[m[2] as string] as number);
    rest = rest.slice(m[0].length);
  }
  return total;
}

/**
 * `num_traces` of one sampler: the traces that arrive during `decision_wait`, counting every span as a new trace
 * (an upper bound: a trace has at least one span), times 2 for bursts and uneven trace-ID hashing; at least 1,000.
 */
export function numTraces(env: Environment): number {
  const perInstance = env.workload.spansPerSecond / samplerInstances(env);
  return Math.max(1_000, Math.ceil(perInstance * durationSeconds(env.tailSampling.decisionWait) * 2));
}

/**
 * The rate limit of one sampler: `tailSampling.spansPerSecondLimit` is for the environment, and every sampler
 * instance applies its own limit to the traces routed to it.
 */
export function spansPerSecondPerSampler(env: Environment): number {
  return Math.max(1, Math.floor(env.tailSampling.spansPerSecondLimit / samplerInstances(env)));
}

/** A policy name or label derived from a service name (`payments-api` → `payments_api`). */
function ident(s: string): string {
  const cleaned = s.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

function attrs(values: Record<string, Value>): Statement[] {
  return Object.entries(values).map(([k, v]) => attr(k, v));
}

/** `<component>.<label>.<export>` */
function exp(component: string, label: string, field: string) {
  return ref(component, label, field);
}

const output = (signals: Record<string, Value>): Block => block('output', attrs(signals));

/** The tenant header as an object key (not an identifier: it holds dashes). */
function tenantHeaders(env: Environment) {
  return obj([[TENANT_HEADER, env.tenant]]);
}

/** The tail-sampling policies, in order, from `env.tailSampling` and `env.slos` (also used by the tests). */
export function samplingPolicies(env: Environment): Block[] {
  const policies: Block[] = [
    block('policy', [
      attr('name', 'keep_errors'),
      attr('type', 'status_code'),
      block('status_code', [attr('status_codes', ['ERROR'])]),
    ]),
  ];
  // SLO-driven tail sampling (docs/experiments/slo-tail-sampling.md): keep every trace slower than its service's SLO.
  const sloServices = env.experiments.sloTailSampling ? [...env.slos].sort((a, b) => compareStrings(a.service, b.service)) : [];
  for (const slo of sloServices) {
    policies.push(
      block('policy', [
        attr('name', `slow_${ident(slo.service)}`),
        attr('type', 'and'),
        block('and', [
          block('and_sub_policy', [
            attr('name', 'service'),
            attr('type', 'string_attribute'),
            block('string_attribute', [attr('key', 'service.name'), attr('values', [slo.service])]),
          ]),
          block('and_sub_policy', [
            attr('name', 'slower_than_slo'),
            attr('type', 'latency'),
            block('latency', [attr('threshold_ms', slo.latencyThresholdMs)]),
          ]),
        ]),
      ]),
    );
  }
  // The baseline is capped: a trace passes only when the probabilistic draw keeps it AND the rate limiter still has
  // budget. Errors and slow traces above are never capped.
  policies.push(
    block('policy', [
      attr('name', 'baseline'),
      attr('type', 'and'),
      block('and', [
        block('and_sub_policy', [
          attr('name', 'probabilistic'),
          attr('type', 'probabilistic'),
          block('probabilistic', [attr('sampling_percentage', env.tailSampling.baselinePercent)]),
        ]),
        block('and_sub_policy', [
          attr('name', 'rate_limit'),
          attr('type', 'rate_limiting'),
          block('rate_limiting', [attr('spans_per_second', spansPerSecondPerSampler(env))]),
        ]),
      ]),
    ]),
  );
  return policies;
}

function memoryLimiter(label: string, next: Record<string, Value>): Block {
  return block('otelcol.processor.memory_limiter', label, [
    attr('check_interval', '1s'),
    attr('limit_percentage', 80),
    attr('spike_limit_percentage', 20),
    output(next),
  ]);
}

function batch(label: string, next: Record<string, Value>): Block {
  return block('otelcol.processor.batch', label, [output(next)]);
}

/** Metrics out: OTLP → Prometheus conversion and the remote write with WAL, tenant header and cluster label. */
function metricsOut(env: Environment, endpoints: Endpoints): Statement[] {
  return [
    block('otelcol.exporter.prometheus', 'mimir', [attr('forward_to', [exp('prometheus.remote_write', 'mimir', 'receiver')])]),
    block('prometheus.remote_write', 'mimir', [
      attr('external_labels', { cluster: env.cluster.name, ...regionLabels(env) }),
      block('endpoint', [
        attr('url', url(endpoints.mimirPush)),
        attr('headers', tenantHeaders(env)),
        attr('send_exemplars', true),
      ]),
      block('wal', [attr('truncate_frequency', '2h'), attr('min_keepalive_time', '5m'), attr('max_keepalive_time', '8h')]),
    ]),
  ];
}

/** Alloy's own metrics. */
function selfMetrics(): Statement[] {
  return [
    block('prometheus.exporter.self', 'alloy', []),
    block('prometheus.scrape', 'alloy', [
      attr('targets', exp('prometheus.exporter.self', 'alloy', 'targets')),
      attr('job_name', 'integrations/alloy'),
      attr('forward_to', [exp('prometheus.remote_write', 'mimir', 'receiver')]),
    ]),
  ];
}

/**
 * The sampling tier: every span feeds the span-metrics and service-graph connectors (accurate RED and edges, since
 * sampled-out spans never reach Tempo), and the tail sampler; kept traces are batched and written to Tempo.
 * `input` is where the memory limiter sends traces.
 */
function samplingSection(env: Environment, endpoints: Endpoints, gatewayReplicaLabel: boolean): Statement[] {
  const out: Statement[] = [
    block('otelcol.connector.spanmetrics', 'default', [
      attr('namespace', 'traces.span.metrics'),
      attr('metrics_flush_interval', '15s'),
      block('histogram', [block('explicit', [attr('buckets', latencyBuckets(env))])]),
      block('exemplars', [attr('enabled', true)]),
      output({ metrics: [exp('otelcol.exporter.prometheus', 'connectors', 'input')] }),
    ]),
    block('otelcol.connector.servicegraph', 'default', [
      attr('metrics_flush_interval', '15s'),
      output({ metrics: [exp('otelcol.exporter.prometheus', 'connectors', 'input')] }),
    ]),
    block('otelcol.exporter.prometheus', 'connectors', [attr('forward_to', [exp('prometheus.relabel', 'connectors', 'receiver')])]),
    block('prometheus.relabel', 'connectors', [
      attr('forward_to', [exp('prometheus.remote_write', 'mimir', 'receiver')]),
      // Tempo's metrics-generator writes `traces_service_graph_*` from the traces it stores (so exemplars always
      // resolve); these edges count every span before sampling, under their own name, so no series has two writers.
      block('rule', [
        attr('source_labels', ['__name__']),
        attr('regex', `${SERVICE_GRAPH_PREFIX}(.+)`),
        attr('target_label', '__name__'),
        attr('replacement', `${UNSAMPLED_SERVICE_GRAPH_PREFIX}$1`),
      ]),
      // Several gateways derive series with the same labels (similar spans of different traces land on different
      // replicas); a stable per-replica label keeps every series single-writer (upstream: otelcol.exporter.loadbalancing,
      // "Choose a load balancing strategy"). The pod name is bounded by the replica count and survives restarts.
      ...(gatewayReplicaLabel
        ? [block('rule', [attr('action', 'replace'), attr('target_label', 'alloy_gateway'), attr('replacement', call('sys.env', POD_NAME_ENV))])]
        : []),
    ]),
  ];
  out.push(
    block('otelcol.processor.tail_sampling', 'default', [
      attr('decision_wait', env.tailSampling.decisionWait),
      attr('num_traces', numTraces(env)),
      attr('expected_new_traces_per_sec', Math.ceil(env.workload.spansPerSecond / samplerInstances(env))),
      ...samplingPolicies(env),
      output({ traces: [exp('otelcol.processor.batch', 'sampled', 'input')] }),
    ]),
    batch('sampled', { traces: [exp('otelcol.exporter.otlp', 'tempo', 'input')] }),
    block('otelcol.exporter.otlp', 'tempo', [
      block('client', [
        attr('endpoint', hostPort(endpoints.tempoOtlpGrpc)),
        attr('headers', tenantHeaders(env)),
        block('tls', [attr('insecure', true)]),
      ]),
    ]),
  );
  return out;
}

/** Service-graph series: Tempo's names, and the renamed pre-sampling copy Alloy writes. */
export const SERVICE_GRAPH_PREFIX = 'traces_service_graph_';
export const UNSAMPLED_SERVICE_GRAPH_PREFIX = 'traces_service_graph_unsampled_';

/** Upstream's default span-metrics buckets (spanmetrics.md, `explicit` block). */
const DEFAULT_BUCKETS_MS = [2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10000, 15000];

/**
 * The duration histogram buckets: upstream's defaults plus every SLO latency threshold, so that "requests faster
 * than the threshold" is an exact bucket boundary for the SLO queries.
 */
export function latencyBuckets(env: Environment): string[] {
  const ms = [...new Set([...DEFAULT_BUCKETS_MS, ...env.slos.map((s) => s.latencyThresholdMs)])].sort((a, b) => a - b);
  return ms.map((v) => `${v}ms`);
}

/** What the sampling tier's memory limiter feeds. */
const SAMPLING_INPUTS = [
  exp('otelcol.connector.spanmetrics', 'default', 'input'),
  exp('otelcol.connector.servicegraph', 'default', 'input'),
  exp('otelcol.processor.tail_sampling', 'default', 'input'),
];

/** `hostname` of a headless Service endpoint for the DNS resolver (the address without the port). */
export function dnsName(e: Endpoint): string {
  const hp = hostPort(e);
  return hp.slice(0, hp.lastIndexOf(':'));
}

/** Discovery of one kind of object on this node only (`spec.nodeName` / `metadata.name` = $K8S_NODE_NAME). */
function onThisNode(role: 'pod' | 'node', extra: Statement[] = [], labelSelector?: string): Statement[] {
  const field = role === 'pod' ? 'spec.nodeName=' : 'metadata.name=';
  const sel: Statement[] = [attr('role', role), attr('field', binary(field, '+', call('sys.env', NODE_NAME_ENV)))];
  if (labelSelector) sel.push(attr('label', labelSelector));
  return [attr('role', role), ...extra, block('selectors', sel)];
}

function relabelRule(values: Record<string, Value>): Block {
  return block('rule', attrs(values));
}

/** Kubelet and cAdvisor on this node, over HTTPS with the ServiceAccount token (RBAC: nodes/metrics). */
function kubeletScrapes(env: Environment): Statement[] {
  // kind's kubelet serves a self-signed certificate; elsewhere the kubelet serving certificate is verified against
  // the cluster CA (it must be issued by it: serverTLSBootstrap, or EKS/GKE/AKS defaults).
  const tls = env.tier === 'dev'
    ? block('tls_config', [attr('insecure_skip_verify', true)])
    : block('tls_config', [attr('ca_file', PATHS.serviceAccountCa)]);
  const scrape = (label: string, path: string, job: string) =>
    block('prometheus.scrape', label, [
      attr('targets', exp('discovery.kubernetes', 'node', 'targets')),
      attr('job_name', job),
      attr('scheme', 'https'),
      attr('metrics_path', path),
      attr('bearer_token_file', PATHS.serviceAccountToken),
      attr('forward_to', [exp('prometheus.remote_write', 'mimir', 'receiver')]),
      tls,
    ]);
  return [
    block('discovery.kubernetes', 'node', onThisNode('node')),
    scrape('kubelet', '/metrics', 'integrations/kubernetes/kubelet'),
    scrape('cadvisor', '/metrics/cadvisor', 'integrations/kubernetes/cadvisor'),
  ];
}

/** OBI and ebpf_exporter run in one pod per node; keep each container port and scrape it. */
function obiScrapes(env: Environment): Statement[] {
  const port = (label: string, p: number, path: string, job: string): Statement[] => [
    block('discovery.relabel', label, [
      attr('targets', exp('discovery.kubernetes', 'obi', 'targets')),
      relabelRule({ source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: String(p), action: 'keep' }),
      relabelRule({ source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node' }),
      relabelRule({ source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' }),
    ]),
    block('prometheus.scrape', label, [
      attr('targets', exp('discovery.relabel', label, 'output')),
      attr('job_name', job),
      attr('metrics_path', path),
      attr('forward_to', [exp('prometheus.remote_write', 'mimir', 'receiver')]),
    ]),
  ];
  return [
    block('discovery.kubernetes', 'obi', onThisNode('pod', [block('namespaces', [attr('names', [env.namespaces.obi])])], 'app.kubernetes.io/name=obi')),
    ...port('obi', PORTS.obiMetrics, OBI_INTERNAL_METRICS_PATH, 'integrations/obi'),
    ...port('ebpf_exporter', PORTS.ebpfExporter, '/metrics', 'integrations/ebpf_exporter'),
  ];
}

/**
 * The platform's own metrics (Mimir, Tempo, Loki, Grafana, the Alloy gateway): every MOP pod on this node whose
 * container port is the component's HTTP port from `PORTS`, at `/metrics`.
 */
export function platformScrapeTargets(env: Environment): { namespace: string; port: number }[] {
  const ns = env.namespaces;
  const all: { component: PlatformComponent; namespace: string; port: number }[] = [
    { component: 'mimir', namespace: ns.mimir, port: PORTS.mimirHttp },
    { component: 'tempo', namespace: ns.tempo, port: PORTS.tempoHttp },
    { component: 'loki', namespace: ns.loki, port: PORTS.lokiHttp },
    { component: 'grafana', namespace: ns.grafana, port: PORTS.grafanaHttp },
    { component: 'alloy', namespace: ns.alloy, port: PORTS.alloyHttp },
  ];
  // Only what runs in this cluster (a multi-region environment runs a subset).
  return all.filter((t) => env.components.includes(t.component)).map(({ namespace, port }) => ({ namespace, port }));
}

function platformScrape(env: Environment): Statement[] {
  const targets = platformScrapeTargets(env);
  return [
    block('discovery.kubernetes', 'platform', onThisNode('pod', [block('namespaces', [attr('names', targets.map((t) => t.namespace))])])),
    block('discovery.relabel', 'platform', [
      attr('targets', exp('discovery.kubernetes', 'platform', 'targets')),
      relabelRule({
        source_labels: ['__meta_kubernetes_namespace', '__meta_kubernetes_pod_container_port_number'],
        separator: ';',
        regex: targets.map((t) => `${t.namespace};${t.port}`).join('|'),
        action: 'keep',
      }),
      relabelRule({ source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' }),
      relabelRule({ source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' }),
      relabelRule({ source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' }),
      relabelRule({
        source_labels: ['__meta_kubernetes_namespace', '__meta_kubernetes_pod_container_name'],
        separator: '/',
        target_label: 'job',
      }),
    ]),
    block('prometheus.scrape', 'platform', [
      attr('targets', exp('discovery.relabel', 'platform', 'output')),
      attr('forward_to', [exp('prometheus.remote_write', 'mimir', 'receiver')]),
    ]),
  ];
}

/** Host metrics from the host's /proc, /sys and / (mounted read-only). */
function hostScrape(): Statement[] {
  return [
    block('prometheus.exporter.unix', 'node', [
      attr('procfs_path', PATHS.hostProc),
      attr('sysfs_path', PATHS.hostSys),
      attr('rootfs_path', PATHS.hostRoot),
    ]),
    block('discovery.relabel', 'node_exporter', [
      attr('targets', exp('prometheus.exporter.unix', 'node', 'targets')),
      relabelRule({ target_label: 'instance', replacement: call('sys.env', NODE_NAME_ENV) }),
    ]),
    block('prometheus.scrape', 'node_exporter', [
      attr('targets', exp('discovery.relabel', 'node_exporter', 'output')),
      attr('job_name', 'integrations/node_exporter'),
      attr('forward_to', [exp('prometheus.remote_write', 'mimir', 'receiver')]),
    ]),
  ];
}

/**
 * A trace ID in the common log shapes: `trace_id=…`, `traceID=…`, `"trace_id":"…"`, `trace-id: …` (32 hex
 * characters, W3C/OTel). Lifted into structured metadata so Grafana can jump from a log line to its trace.
 */
export const TRACE_ID_REGEX = '(?i)trace[_-]?id"?\\s*[:=]\\s*"?(?P<trace_id>[0-9a-f]{32})';

/** Pod logs of this node from /var/log/pods (see docs/architecture/0004-pod-logs-from-host.md). */
function podLogs(env: Environment, endpoints: Endpoints): Statement[] {
  return [
    block('discovery.kubernetes', 'pods', onThisNode('pod')),
    block('discovery.relabel', 'pod_logs', [
      attr('targets', exp('discovery.kubernetes', 'pods', 'targets')),
      relabelRule({ source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' }),
      relabelRule({ source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' }),
      relabelRule({ source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' }),
      relabelRule({ source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], target_label: 'app' }),
      relabelRule({ source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node' }),
      relabelRule({
        source_labels: ['__meta_kubernetes_namespace', '__meta_kubernetes_pod_container_name'],
        separator: '/',
        target_label: 'job',
      }),
      relabelRule({
        source_labels: ['__meta_kubernetes_pod_uid', '__meta_kubernetes_pod_container_name'],
        separator: '/',
        target_label: '__path__',
        replacement: `${PATHS.podLogs}/*$1/*.log`,
      }),
    ]),
    block('local.file_match', 'pod_logs', [attr('path_targets', exp('discovery.relabel', 'pod_logs', 'output'))]),
    block('loki.source.file', 'pod_logs', [
      attr('targets', exp('local.file_match', 'pod_logs', 'targets')),
      attr('forward_to', [exp('loki.process', 'pod_logs', 'receiver')]),
    ]),
    block('loki.process', 'pod_logs', [
      attr('forward_to', [exp('loki.write', 'loki', 'receiver')]),
      block('stage.cri', []),
      block('stage.regex', [attr('expression', TRACE_ID_REGEX)]),
      block('stage.structured_metadata', [attr('values', { trace_id: '' })]),
    ]),
    block('loki.write', 'loki', [
      attr('external_labels', { cluster: env.cluster.name }),
      block('endpoint', [attr('url', url(endpoints.lokiPush)), attr('tenant_id', env.tenant)]),
    ]),
  ];
}

/** The node agent's config: per-node collection, plus sampling (combined) or forwarding by trace ID (tiered). */
export function nodeAgentConfig(env: Environment, endpoints: Endpoints): AlloyFile {
  const combined = env.pipeline === 'combined';
  const traceTargets = combined ? SAMPLING_INPUTS : [exp('otelcol.processor.batch', 'traces', 'input')];
  const stmts: Statement[] = [
    block('otelcol.receiver.otlp', 'default', [
      block('grpc', [attr('endpoint', `0.0.0.0:${PORTS.otlpGrpc}`)]),
      block('http', [attr('endpoint', `0.0.0.0:${PORTS.otlpHttp}`)]),
      output({
        metrics: [exp('otelcol.processor.memory_limiter', 'default', 'input')],
        traces: [exp('otelcol.processor.memory_limiter', 'default', 'input')],
      }),
    ]),
    memoryLimiter('default', {
      metrics: [exp('otelcol.processor.batch', 'metrics', 'input')],
      traces: traceTargets,
    }),
    batch('metrics', { metrics: [exp('otelcol.exporter.prometheus', 'mimir', 'input')] }),
  ];
  if (combined) {
    stmts.push(...samplingSection(env, endpoints, false));
  } else {
    stmts.push(
      batch('traces', { traces: [exp('otelcol.exporter.loadbalancing', 'gateway', 'input')] }),
      block('otelcol.exporter.loadbalancing', 'gateway', [
        attr('routing_key', 'traceID'),
        block('resolver', [
          block('dns', [attr('hostname', dnsName(endpoints.alloyGatewayOtlp)), attr('port', String(endpoints.alloyGatewayOtlp.port))]),
        ]),
        block('protocol', [block('otlp', [block('client', [block('tls', [attr('insecure', true)])])])]),
      ]),
    );
  }
  stmts.push(
    ...metricsOut(env, endpoints),
    ...selfMetrics(),
    ...kubeletScrapes(env),
    ...hostScrape(),
    ...obiScrapes(env),
    ...platformScrape(env),
    ...podLogs(env, endpoints),
  );
  return stmts;
}

/** The sampling gateway's config (tiered environments only). */
export function gatewayConfig(env: Environment, endpoints: Endpoints): AlloyFile {
  return [
    block('otelcol.receiver.otlp', 'default', [
      block('grpc', [attr('endpoint', `0.0.0.0:${PORTS.otlpGrpc}`)]),
      output({ traces: [exp('otelcol.processor.memory_limiter', 'default', 'input')] }),
    ]),
    memoryLimiter('default', { traces: SAMPLING_INPUTS }),
    ...samplingSection(env, endpoints, true),
    ...metricsOut(env, endpoints),
    ...selfMetrics(),
  ];
}
