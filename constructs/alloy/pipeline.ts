/**
 * The Alloy configurations MOP renders (docs/alloy.md has the data flow, ADR 0011 the collection design).
 *
 * - `nodeAgentConfig`: the DaemonSet on every node. Receives OTLP (OBI, SDK-instrumented applications), Zipkin and
 *   Jaeger; collects its node (kubelet, node-exporter, OBI, the platform's pods, pod logs, the journal); writes
 *   metrics to Mimir and logs to Loki. In a `tiered` environment it forwards traces by trace ID to the sampling
 *   gateway; in a `combined` one (a single node) it also samples, and runs the cluster-wide sources itself.
 * - `gatewayConfig`: the clustered sampling StatefulSet of a `tiered` environment: span metrics and service graphs
 *   on every span, then tail sampling, traces to Tempo.
 * - `clusterConfig`: the clustered cluster collector of a `tiered` environment: kube-state-metrics, API server,
 *   CoreDNS, annotated pods, ServiceMonitors/PodMonitors, events, sharded across its replicas.
 *
 * Every component, argument and block name is from the grafana/alloy v1.18.1 reference
 * (docs/sources/reference/components/<namespace>/<component>.md); test/alloy-pipeline checks it. Store addresses
 * come from `ctx.endpoints` only.
 */
import { compareStrings } from '../base/order';
import { Environment } from '../../environments';
import { Endpoint, Endpoints, PORTS, hostPort, url } from '../endpoints';
import { regionLabels } from '../multi-region';
import {
  ALLOY_WORKLOADS,
  NODE_NAME_ENV,
  OTLP_LOGS_INPUT,
  POD_NAME_ENV,
  REMOTE_WRITE,
  ScrapeContext,
  clusterSources,
  alloySelfJob,
  exp,
  hasClusterSources,
  kubeletScrapes,
  nodeExporterScrape,
  nodeLogs,
  obiScrapes,
  otlpLogs,
  platformScrape,
  podLogs,
  selfMetrics,
} from './collection';
import { AlloyFile, Block, Statement, Value, attr, block, call, obj } from './syntax';

export { ALLOY_WORKLOADS, JOBS, NODE_NAME_ENV, PATHS, POD_NAME_ENV, TRACE_ID_REGEX, alloySelfJob, platformScrapeTargets } from './collection';

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

/** Whether the environment has a trace pipeline at all (a multi-region global cluster has no Tempo). */
export function hasTraces(env: Environment): boolean {
  return env.components.includes('tempo');
}

/** Whether the node agent receives OTLP: from OBI, or from applications. */
export function receivesOtlp(env: Environment): boolean {
  return env.components.includes('obi') || env.collection.applicationObservability;
}

/** The sampling gateway runs in tiered environments that keep traces. */
export function runsGateway(env: Environment): boolean {
  return env.pipeline === 'tiered' && hasTraces(env);
}

/** The cluster collector runs in tiered environments with a cluster-wide source switched on. */
export function runsClusterCollector(env: Environment): boolean {
  return env.pipeline === 'tiered' && hasClusterSources(env);
}

/**
 * The `job` of each Alloy workload this environment runs (their own metrics), and whether the workload is a cluster
 * (`--cluster.enabled`): the sampling gateway and the cluster collector are, the node agent is not.
 */
export function alloyWorkloadJobs(env: Environment): { job: string; clustered: boolean }[] {
  return [
    { job: alloySelfJob(env.namespaces.alloyNode, ALLOY_WORKLOADS.nodeAgent), clustered: false },
    ...(runsGateway(env) ? [{ job: alloySelfJob(env.namespaces.alloy, ALLOY_WORKLOADS.gateway), clustered: true }] : []),
    ...(runsClusterCollector(env) ? [{ job: alloySelfJob(env.namespaces.alloy, ALLOY_WORKLOADS.clusterCollector), clustered: true }] : []),
  ];
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
 * Entries of each decision cache: trace IDs whose "keep" or "drop" decision is remembered after the trace left
 * memory, so that late spans follow their trace's decision. Upstream (otelcol.processor.tail_sampling.md,
 * `decision_cache`): configure it "with a much higher value than `num_traces`"; MOP uses 5× (about 100 bytes each).
 */
export function decisionCacheSize(env: Environment): number {
  return numTraces(env) * 5;
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

function batch(label: string, next: Record<string, Value>, extra: Statement[] = []): Block {
  return block('otelcol.processor.batch', label, [...extra, output(next)]);
}

/** The remote write every metric of a config goes through: WAL, tenant header, `cluster` (and `region`) labels. */
function remoteWrite(env: Environment, endpoints: Endpoints): Statement {
  return block('prometheus.remote_write', 'mimir', [
    attr('external_labels', { cluster: env.cluster.name, ...regionLabels(env) }),
    block('endpoint', [
      attr('url', url(endpoints.mimirPush)),
      attr('headers', tenantHeaders(env)),
      attr('send_exemplars', true),
    ]),
    block('wal', [attr('truncate_frequency', '2h'), attr('min_keepalive_time', '5m'), attr('max_keepalive_time', '8h')]),
  ]);
}

/** The Loki writer every log stream of a config goes through: tenant and `cluster` label. */
function lokiWrite(env: Environment, endpoints: Endpoints): Statement {
  return block('loki.write', 'loki', [
    attr('external_labels', { cluster: env.cluster.name }),
    block('endpoint', [attr('url', url(endpoints.lokiPush)), attr('tenant_id', env.tenant)]),
  ]);
}

/** Whether the environment's node agent has a Loki to write OTLP logs to (its own Loki, or a region's). */
function hasLoki(env: Environment, endpoints: Endpoints): boolean {
  return env.components.includes('loki') || endpoints.lokiPush.externalUrl !== undefined;
}

/** Whether the node agent writes logs (loki.write is only rendered where a component feeds it). */
export function nodeAgentWritesLogs(env: Environment, endpoints: Endpoints): boolean {
  const c = env.collection;
  return c.podLogs || c.nodeLogs || (env.pipeline === 'combined' && c.clusterEvents) || (receivesOtlp(env) && hasLoki(env, endpoints));
}

/** Span metrics namespace: `traces_spanmetrics_calls_total`, `traces_spanmetrics_duration_seconds_*`. */
export const SPAN_METRICS_NAMESPACE = 'traces.spanmetrics';
/** Span-metric and service-graph series not updated for this long stop being exported (otherwise they never expire). */
export const SPAN_METRICS_EXPIRATION = '5m';

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

/**
 * Seconds the servicegraph connector keeps an unpaired client or server span waiting for its other half. Both halves
 * of an OBI edge come from different nodes and reach the sampler through two node agents' batches, so MOP waits
 * longer than upstream's `2s` default, as long as Tempo's service-graph processor does (10s `wait`).
 */
const SERVICE_GRAPH_STORE_TTL = '10s';

/**
 * The sampling tier: every span feeds the span-metrics and service-graph connectors (accurate RED and edges, since
 * sampled-out spans never reach Tempo), and the tail sampler; kept traces are batched and written to Tempo.
 */
function samplingSection(env: Environment, endpoints: Endpoints, gatewayReplicaLabel: boolean): Statement[] {
  const perSampler = Math.ceil(env.workload.spansPerSecond / samplerInstances(env));
  const tempo = endpoints.tempoOtlpGrpcPods;
  return [
    block('otelcol.connector.spanmetrics', 'default', [
      attr('namespace', SPAN_METRICS_NAMESPACE),
      attr('metrics_flush_interval', '15s'),
      attr('metrics_expiration', SPAN_METRICS_EXPIRATION),
      attr('series_expiration', SPAN_METRICS_EXPIRATION),
      block('histogram', [attr('unit', 's'), block('explicit', [attr('buckets', latencyBuckets(env))])]),
      block('exemplars', [attr('enabled', true)]),
      output({ metrics: [exp('otelcol.exporter.prometheus', 'connectors', 'input')] }),
    ]),
    block('otelcol.connector.servicegraph', 'default', [
      attr('metrics_flush_interval', '15s'),
      // Series of an edge that saw no request for a minute are deleted (connector default `cache_loop`, explicit).
      attr('cache_loop', '1m'),
      block('store', [attr('ttl', SERVICE_GRAPH_STORE_TTL), attr('max_items', Math.max(1_000, perSampler * durationSeconds(SERVICE_GRAPH_STORE_TTL)))]),
      output({ metrics: [exp('otelcol.exporter.prometheus', 'connectors', 'input')] }),
    ]),
    block('otelcol.exporter.prometheus', 'connectors', [
      attr('forward_to', [gatewayReplicaLabel ? exp('prometheus.relabel', 'connectors', 'receiver') : REMOTE_WRITE]),
    ]),
    // Several gateways derive series with the same labels (similar spans of different traces land on different
    // replicas); a stable per-replica label keeps every series single-writer (upstream: otelcol.exporter.loadbalancing,
    // "Choose a load balancing strategy"). The pod name is bounded by the replica count and survives restarts, unlike
    // the connectors' random `collector.instance.id`. Queries aggregate it away.
    ...(gatewayReplicaLabel
      ? [
          block('prometheus.relabel', 'connectors', [
            attr('forward_to', [REMOTE_WRITE]),
            block('rule', [attr('action', 'replace'), attr('target_label', 'alloy_gateway'), attr('replacement', call('sys.env', POD_NAME_ENV))]),
          ]),
        ]
      : []),
    block('otelcol.processor.tail_sampling', 'default', [
      attr('decision_wait', env.tailSampling.decisionWait),
      attr('num_traces', numTraces(env)),
      attr('expected_new_traces_per_sec', perSampler),
      attr('decision_cache', { sampled_cache_size: decisionCacheSize(env), non_sampled_cache_size: decisionCacheSize(env) }),
      ...samplingPolicies(env),
      output({ traces: [exp('otelcol.processor.batch', 'sampled', 'input')] }),
    ]),
    batch('sampled', { traces: [exp('otelcol.exporter.otlp', 'tempo', 'input')] }),
    block('otelcol.exporter.otlp', 'tempo', [
      block('client', [
        // `dns:///` + a headless Service: gRPC resolves every distributor and `round_robin` spreads the requests
        // (otelcol-grpc-balancer-name.md); a ClusterIP would pin each gateway's one connection to one distributor.
        attr('endpoint', `dns:///${hostPort(tempo)}`),
        attr('balancer_name', 'round_robin'),
        attr('headers', tenantHeaders(env)),
        block('tls', [attr('insecure', true)]),
      ]),
    ]),
  ];
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

/**
 * Span batches the node agent sends to a gateway stay below the gRPC receiver's default 4 MiB message limit
 * (otelcol.receiver.otlp `max_recv_msg_size`): 3 MiB of spans at the environment's `bytesPerSpan`.
 */
export function maxSpansPerBatch(env: Environment): number {
  return Math.max(100, Math.floor((3 * 1024 * 1024) / env.workload.bytesPerSpan));
}

/**
 * Spans the load-balancing exporter's top-level queue holds while a gateway is replaced or the ring changes:
 * 32 MiB of spans. At 1,000 spans/s on a node that is about 45 s of gateway outage at 700 bytes per span.
 */
export function lbQueueSpans(env: Environment): number {
  return Math.floor((32 * 1024 * 1024) / env.workload.bytesPerSpan);
}

/**
 * Traces by trace ID to the sampling gateway. Upstream (otelcol.exporter.loadbalancing.md, v1.18.1): the top-level
 * `sending_queue` and `retry` "re-route data into a new set of healthy backends … useful for highly elastic
 * environments like Kubernetes", and `timeout` "helps to re-route data"; so MOP queues and retries there and turns the
 * per-backend queue and retry off, which would otherwise hold spans for a backend that has left. The DNS resolver
 * reads the gateway's headless Service, which publishes ready pods only.
 */
function traceForwarding(env: Environment, endpoints: Endpoints): Statement[] {
  const gw = endpoints.alloyGatewayOtlp;
  return [
    batch('traces', { traces: [exp('otelcol.exporter.loadbalancing', 'gateway', 'input')] }, [
      attr('send_batch_size', Math.min(8192, Math.floor(maxSpansPerBatch(env) / 2))),
      attr('send_batch_max_size', maxSpansPerBatch(env)),
    ]),
    block('otelcol.exporter.loadbalancing', 'gateway', [
      attr('routing_key', 'traceID'),
      attr('timeout', '10s'),
      block('resolver', [block('dns', [attr('hostname', dnsName(gw)), attr('port', String(gw.port))])]),
      block('protocol', [
        block('otlp', [
          block('client', [block('tls', [attr('insecure', true)])]),
          block('queue', [attr('enabled', false)]),
          block('retry', [attr('enabled', false)]),
        ]),
      ]),
      block('sending_queue', [attr('enabled', true), attr('sizer', 'items'), attr('queue_size', lbQueueSpans(env))]),
      block('retry', [attr('enabled', true), attr('initial_interval', '1s'), attr('max_interval', '10s'), attr('max_elapsed_time', '2m')]),
    ]),
  ];
}

/**
 * Pod association of `k8sattributes`: the pod UID or IP an SDK or OBI already sent, then the connection's source IP
 * (SDKs that send nothing). The processor never overwrites an attribute that is already set (opentelemetry-collector
 * -contrib processor/k8sattributesprocessor processor.go, setResourceAttribute), so OBI's own Kubernetes attributes
 * stay as they are. Same order as k8s-monitoring-helm feature-application-observability values (`podAssociation`).
 */
const POD_ASSOCIATION: readonly Statement[] = [
  block('pod_association', [block('source', [attr('from', 'resource_attribute'), attr('name', 'k8s.pod.uid')])]),
  block('pod_association', [block('source', [attr('from', 'resource_attribute'), attr('name', 'k8s.pod.ip')])]),
  block('pod_association', [block('source', [attr('from', 'connection')])]),
];

/** Kubernetes attributes `k8sattributes` adds to SDK telemetry (the ones OBI sets on its own). */
export const K8S_METADATA = ['k8s.namespace.name', 'k8s.pod.name', 'k8s.pod.uid', 'k8s.container.name', 'k8s.node.name', 'k8s.deployment.name', 'k8s.statefulset.name', 'k8s.daemonset.name', 'k8s.job.name'];

/** OTLP, Zipkin and Jaeger in; metrics to Mimir, logs to Loki, traces to the sampler (here or at the gateway). */
function applicationInput(env: Environment, endpoints: Endpoints): Statement[] {
  const appObs = env.collection.applicationObservability;
  const traces = hasTraces(env);
  const logs = hasLoki(env, endpoints);
  const combined = env.pipeline === 'combined';
  const traceTargets = combined ? SAMPLING_INPUTS : [exp('otelcol.processor.batch', 'traces', 'input')];
  const limiter = exp('otelcol.processor.memory_limiter', 'default', 'input');
  const enriched = appObs ? [exp('otelcol.processor.k8sattributes', 'default', 'input')] : undefined;
  const signals: Record<string, Value> = {
    metrics: [exp('otelcol.processor.batch', 'metrics', 'input')],
    ...(logs ? { logs: [OTLP_LOGS_INPUT] } : {}),
    ...(traces ? { traces: traceTargets } : {}),
  };
  const into = (s: readonly string[]) => Object.fromEntries(s.filter((x) => x in signals).map((x) => [x, [limiter]]));
  const out: Statement[] = [
    block('otelcol.receiver.otlp', 'default', [
      block('grpc', [attr('endpoint', `0.0.0.0:${PORTS.otlpGrpc}`)]),
      block('http', [attr('endpoint', `0.0.0.0:${PORTS.otlpHttp}`)]),
      output(into(['metrics', 'logs', 'traces'])),
    ]),
  ];
  if (appObs && traces) {
    out.push(
      block('otelcol.receiver.zipkin', 'default', [attr('endpoint', `0.0.0.0:${PORTS.zipkin}`), output({ traces: [limiter] })]),
      block('otelcol.receiver.jaeger', 'default', [
        block('protocols', [
          block('grpc', [attr('endpoint', `0.0.0.0:${PORTS.jaegerGrpc}`)]),
          block('thrift_http', [attr('endpoint', `0.0.0.0:${PORTS.jaegerThriftHttp}`)]),
        ]),
        output({ traces: [limiter] }),
      ]),
    );
  }
  out.push(memoryLimiter('default', enriched ? Object.fromEntries(Object.keys(signals).map((k) => [k, enriched])) : signals));
  if (appObs) {
    out.push(
      block('otelcol.processor.k8sattributes', 'default', [
        // Only the pods of this node (field selector through the processor's node filter).
        block('filter', [attr('node', call('sys.env', NODE_NAME_ENV))]),
        block('extract', [attr('metadata', K8S_METADATA)]),
        ...POD_ASSOCIATION,
        output(signals),
      ]),
    );
  }
  out.push(batch('metrics', { metrics: [exp('otelcol.exporter.prometheus', 'otlp', 'input')] }));
  out.push(block('otelcol.exporter.prometheus', 'otlp', [attr('forward_to', [REMOTE_WRITE])]));
  if (logs) out.push(...otlpLogs());
  if (traces) out.push(...(combined ? samplingSection(env, endpoints, false) : traceForwarding(env, endpoints)));
  return out;
}

/** The node agent's config: per-node collection, plus sampling and the cluster-wide sources when combined. */
export function nodeAgentConfig(env: Environment, endpoints: Endpoints): AlloyFile {
  const combined = env.pipeline === 'combined';
  const stmts: Statement[] = [
    ...(receivesOtlp(env) ? applicationInput(env, endpoints) : []),
    ...selfMetrics(env.namespaces.alloyNode, ALLOY_WORKLOADS.nodeAgent),
    ...kubeletScrapes(env),
    ...nodeExporterScrape(env),
    ...obiScrapes(env),
    ...platformScrape(env),
    ...(combined ? clusterSources({ env, endpoints, clustered: false }) : []),
    ...podLogs(env),
    ...nodeLogs(env),
  ];
  return [...stmts, remoteWrite(env, endpoints), ...(nodeAgentWritesLogs(env, endpoints) ? [lokiWrite(env, endpoints)] : [])];
}

/** The sampling gateway's config (tiered environments with traces). */
export function gatewayConfig(env: Environment, endpoints: Endpoints): AlloyFile {
  return [
    block('otelcol.receiver.otlp', 'default', [
      block('grpc', [attr('endpoint', `0.0.0.0:${PORTS.otlpGrpc}`)]),
      output({ traces: [exp('otelcol.processor.memory_limiter', 'default', 'input')] }),
    ]),
    memoryLimiter('default', { traces: SAMPLING_INPUTS }),
    ...samplingSection(env, endpoints, true),
    ...selfMetrics(env.namespaces.alloy, ALLOY_WORKLOADS.gateway),
    remoteWrite(env, endpoints),
  ];
}

/** The cluster collector's config (tiered environments): the cluster-wide sources, sharded across its replicas. */
export function clusterConfig(env: Environment, endpoints: Endpoints): AlloyFile {
  const c: ScrapeContext = { env, endpoints, clustered: true };
  return [...clusterSources(c), ...selfMetrics(env.namespaces.alloy, ALLOY_WORKLOADS.clusterCollector), remoteWrite(env, endpoints), ...(env.collection.clusterEvents ? [lokiWrite(env, endpoints)] : [])];
}

