/**
 * Synthetic failures for every meta-monitoring alert: series that must make it fire and healthy series that must
 * keep it silent, in promtool's expanding notation (`a+bxn`), at a 1-minute interval. Each scenario names the
 * labels the firing alert carries, so the promtool test also proves that `cluster`, `region` and the grouping labels
 * reach the Alertmanager (routing and inhibition use them).
 */
import { Environment } from '../../environments';
import { ALLOY_WORKLOADS, alloySelfJob } from '../../constructs/alloy/pipeline';

export interface Series {
  readonly series: string;
  readonly values: string;
}

export interface Scenario {
  /** Series of the broken component; the alert fires at `evalTime`. */
  readonly failing: Series[];
  /** Series of the same component working; the alert stays silent at `evalTime`. */
  readonly healthy: Series[];
  readonly evalTime: string;
  /** Output labels of each expected alert (without alertname; severity and static labels included). */
  readonly fires: Record<string, string>[];
}

export interface ScenarioContext {
  readonly env: Environment;
  /** `cluster` (and `region` in multi-region) as the Alloy pipeline writes them. */
  readonly where: Record<string, string>;
}

/** `metric{labels}` in promtool's series notation. */
export function sel(metric: string, labels: Record<string, string>): string {
  return `${metric}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(', ')}}`;
}

const s = (metric: string, labels: Record<string, string>, values: string): Series => ({ series: sel(metric, labels), values });
/** A counter growing by `perMinute` for `minutes` minutes. */
const counter = (perMinute: number, minutes = 120) => `0+${perMinute}x${minutes}`;
const constant = (v: number, minutes = 120) => `${v}x${minutes}`;

type Build = (c: ScenarioContext) => Scenario;

/**
 * A platform pod's series as the platform scrape labels them: `job = <namespace>/<container>`. A single-process store
 * runs every component in its container `monolithic`, so there the job and container are that one (the pod names of
 * the scenarios stay as written: the rules group by pod but never select on its name).
 */
function platform(c: ScenarioContext, ns: string, component: string, pod: string) {
  const store = (['mimir', 'tempo', 'loki'] as const).find((x) => c.env.namespaces[x] === ns);
  const container = store && c.env.stores[store] === 'monolithic' ? 'monolithic' : component;
  return { ...c.where, namespace: ns, job: `${ns}/${container}`, pod, container };
}

export const SCENARIOS: Record<string, Build> = {
  Watchdog: () => ({ failing: [], healthy: [], evalTime: '1m', fires: [{ severity: 'info' }] }),

  MOPTargetDown: (c) => {
    const t = { ...platform(c, c.env.namespaces.loki, 'ingester', 'loki-ingester-zone-a-0'), instance: '10.244.1.7:3100' };
    // kube-state-metrics' own target carries no namespace or pod (its series describe other objects).
    const k = { ...ksm(c), instance: '10.244.1.3:8080' };
    return {
      failing: [s('up', t, constant(0, 30)), s('up', k, constant(0, 30))],
      healthy: [s('up', t, constant(1, 30)), s('up', k, constant(1, 30))],
      evalTime: '20m',
      fires: [
        { ...c.where, namespace: t.namespace, job: t.job, pod: t.pod, zone: 'zone-a', severity: 'ticket' },
        { ...c.where, job: k.job, severity: 'ticket' },
      ],
    };
  },

  MOPZoneDown: (c) => {
    const ns = c.env.namespaces.mimir;
    const pods = (upA: number) =>
      ['a', 'b', 'c'].map((z) => s('up', platform(c, ns, 'ingester', `mimir-ingester-zone-${z}-0`), constant(z === 'a' ? upA : 1, 30)));
    return { failing: pods(0), healthy: pods(1), evalTime: '15m', fires: [{ ...c.where, zone: 'zone-a', severity: 'page' }] };
  },

  MimirIngesterUnhealthy: (c) => {
    const l = { ...platform(c, c.env.namespaces.mimir, 'distributor', 'mimir-distributor-0'), name: 'ingester', state: 'Unhealthy' };
    return {
      failing: [s('cortex_ring_members', l, constant(1, 30))],
      healthy: [s('cortex_ring_members', l, constant(0, 30))],
      evalTime: '20m',
      fires: [{ ...c.where, namespace: c.env.namespaces.mimir, severity: 'page', zone_aware: 'true' }],
    };
  },

  MimirRequestErrors: (c) => {
    const l = { ...platform(c, c.env.namespaces.mimir, 'distributor', 'mimir-distributor-0'), route: 'api_v1_push' };
    return {
      failing: [s('cortex_request_duration_seconds_count', { ...l, status_code: '500' }, counter(100, 40)), s('cortex_request_duration_seconds_count', { ...l, status_code: '200' }, counter(900, 40))],
      healthy: [s('cortex_request_duration_seconds_count', { ...l, status_code: '529' }, counter(100, 40)), s('cortex_request_duration_seconds_count', { ...l, status_code: '200' }, counter(900, 40))],
      evalTime: '30m',
      fires: [{ ...c.where, namespace: l.namespace, job: l.job, route: l.route, severity: 'page' }],
    };
  },

  MimirRequestLatency: (c) => {
    const l = { ...platform(c, c.env.namespaces.mimir, 'query-frontend', 'mimir-query-frontend-0'), route: 'prometheus_api_v1_query_range' };
    // All requests slower than 5s (failing) or faster than 0.5s (healthy).
    const buckets = (slow: boolean) =>
      [
        ['0.5', slow ? 0 : 60],
        ['5', slow ? 0 : 60],
        ['+Inf', 60],
      ].map(([le, perMin]) => s('cortex_request_duration_seconds_bucket', { ...l, le: String(le) }, counter(Number(perMin), 40)));
    return { failing: buckets(true), healthy: buckets(false), evalTime: '30m', fires: [{ ...c.where, namespace: l.namespace, job: l.job, route: l.route, severity: 'ticket' }] };
  },

  MimirCompactorNotRunningCompaction: (c) => {
    const l = platform(c, c.env.namespaces.mimir, 'compactor', 'mimir-compactor-0');
    return {
      failing: [s('cortex_compactor_last_successful_run_timestamp_seconds', l, constant(3600, 500))],
      healthy: [s('cortex_compactor_last_successful_run_timestamp_seconds', l, '60+60x500')],
      evalTime: '8h',
      fires: [{ ...c.where, namespace: l.namespace, pod: l.pod, severity: 'ticket' }],
    };
  },

  MimirCompactorFailing: (c) => {
    const l = { ...platform(c, c.env.namespaces.mimir, 'compactor', 'mimir-compactor-0'), reason: 'error' };
    return {
      failing: [s('cortex_compactor_runs_failed_total', l, '0x30 1x30 2x30 3x30')],
      healthy: [s('cortex_compactor_runs_failed_total', l, constant(0)), s('cortex_compactor_runs_failed_total', { ...l, reason: 'shutdown' }, '0x30 1x30 2x30 3x30')],
      evalTime: '100m',
      fires: [{ ...c.where, namespace: l.namespace, pod: l.pod, severity: 'ticket' }],
    };
  },

  MimirStoreGatewayHasNotSyncedTheBucket: (c) => {
    const l = { ...platform(c, c.env.namespaces.mimir, 'store-gateway', 'mimir-store-gateway-zone-a-0'), component: 'store-gateway' };
    return {
      failing: [s('cortex_bucket_stores_blocks_last_successful_sync_timestamp_seconds', l, constant(60, 60))],
      healthy: [s('cortex_bucket_stores_blocks_last_successful_sync_timestamp_seconds', l, '60+60x60')],
      evalTime: '50m',
      fires: [{ ...c.where, namespace: l.namespace, pod: l.pod, severity: 'page' }],
    };
  },

  MimirStoreGatewayTooManyFailedOperations: (c) => {
    const l = { ...platform(c, c.env.namespaces.mimir, 'store-gateway', 'mimir-store-gateway-zone-a-0'), component: 'store-gateway', operation: 'get_range' };
    return {
      failing: [s('thanos_objstore_bucket_operation_failures_total', l, counter(10, 30)), s('thanos_objstore_bucket_operations_total', l, counter(100, 30))],
      healthy: [s('thanos_objstore_bucket_operation_failures_total', l, counter(0, 30)), s('thanos_objstore_bucket_operations_total', l, counter(100, 30))],
      evalTime: '20m',
      fires: [{ ...c.where, namespace: l.namespace, operation: l.operation, severity: 'ticket' }],
    };
  },

  MimirRulerTooManyFailedQueries: (c) => rulerRatio(c, 'cortex_ruler_queries_failed_total', 'cortex_ruler_queries_total', 'page'),
  MimirRulerTooManyFailedPushes: (c) => rulerRatio(c, 'cortex_ruler_write_requests_failed_total', 'cortex_ruler_write_requests_total', 'page'),
  MimirRulerMissedEvaluations: (c) => rulerRatio(c, 'cortex_prometheus_rule_group_iterations_missed_total', 'cortex_prometheus_rule_group_iterations_total', 'ticket'),

  MimirAlertmanagerNotificationsFailing: (c) => {
    const l = { ...platform(c, c.env.namespaces.mimir, 'alertmanager', 'mimir-alertmanager-0'), user: c.env.tenant, integration: 'slack' };
    return {
      failing: [s('cortex_alertmanager_notifications_failed_total', l, counter(5, 40)), s('cortex_alertmanager_notifications_total', l, counter(10, 40))],
      healthy: [s('cortex_alertmanager_notifications_failed_total', l, counter(0, 40)), s('cortex_alertmanager_notifications_total', l, counter(10, 40))],
      evalTime: '30m',
      fires: [{ ...c.where, namespace: l.namespace, integration: 'slack', severity: 'page' }],
    };
  },

  MimirAlertmanagerSyncConfigsFailing: (c) => {
    const l = { ...platform(c, c.env.namespaces.mimir, 'alertmanager', 'mimir-alertmanager-0'), reason: 'periodic' };
    return {
      failing: [s('cortex_alertmanager_sync_configs_failed_total', l, counter(1, 60))],
      healthy: [s('cortex_alertmanager_sync_configs_failed_total', l, counter(0, 60))],
      evalTime: '45m',
      fires: [{ ...c.where, namespace: l.namespace, pod: l.pod, severity: 'ticket' }],
    };
  },

  MimirIngesterNotShippingBlocks: (c) => {
    const l = platform(c, c.env.namespaces.mimir, 'ingester', 'mimir-ingester-zone-a-0');
    return {
      failing: [s('cortex_ingester_shipper_last_successful_upload_timestamp_seconds', l, constant(600, 400))],
      healthy: [s('cortex_ingester_shipper_last_successful_upload_timestamp_seconds', l, '60+60x400')],
      evalTime: '6h',
      fires: [{ ...c.where, namespace: l.namespace, pod: l.pod, severity: 'ticket' }],
    };
  },

  MimirFewerIngestersConsumingThanActivePartitions: (c) => {
    const ns = c.env.namespaces.mimir;
    const ring = s('cortex_partition_ring_partitions', { ...platform(c, ns, 'distributor', 'mimir-distributor-0'), name: 'ingester-partitions', state: 'Active' }, constant(2, 30));
    const consumer = (p: number) => s('cortex_ingest_storage_reader_last_consumed_offset', { ...platform(c, ns, 'ingester', `mimir-ingester-zone-a-${p}`), partition: String(p) }, counter(10, 30));
    return { failing: [ring, consumer(0)], healthy: [ring, consumer(0), consumer(1)], evalTime: '20m', fires: [{ ...c.where, namespace: ns, severity: 'page', zone_aware: 'true' }] };
  },

  MimirIngesterKafkaLagTooHigh: (c) => {
    const l = { ...platform(c, c.env.namespaces.mimir, 'ingester', 'mimir-ingester-zone-a-0'), phase: 'running' };
    // sum/count of the receive-delay histogram: 300s (failing) or 1s (healthy) per record.
    const delay = (seconds: number) => [s('cortex_ingest_storage_reader_receive_delay_seconds_sum', l, counter(100 * seconds, 30)), s('cortex_ingest_storage_reader_receive_delay_seconds_count', l, counter(100, 30))];
    return { failing: delay(300), healthy: delay(1), evalTime: '20m', fires: [{ ...c.where, namespace: l.namespace, pod: l.pod, severity: 'page' }] };
  },

  MimirIngesterKafkaReadFailed: (c) => {
    const l = platform(c, c.env.namespaces.mimir, 'ingester', 'mimir-ingester-zone-a-0');
    return {
      failing: [s('cortex_ingest_storage_reader_read_errors_total', l, counter(1, 40))],
      healthy: [s('cortex_ingest_storage_reader_read_errors_total', l, counter(0, 40))],
      evalTime: '30m',
      fires: [{ ...c.where, namespace: l.namespace, pod: l.pod, severity: 'ticket' }],
    };
  },

  LokiRequestErrors: (c) => {
    const l = { ...platform(c, c.env.namespaces.loki, 'distributor', 'loki-distributor-0'), route: 'loki_api_v1_push' };
    return {
      failing: [s('loki_request_duration_seconds_count', { ...l, status_code: '500' }, counter(100, 40)), s('loki_request_duration_seconds_count', { ...l, status_code: '204' }, counter(900, 40))],
      healthy: [s('loki_request_duration_seconds_count', { ...l, status_code: '429' }, counter(100, 40)), s('loki_request_duration_seconds_count', { ...l, status_code: '204' }, counter(900, 40))],
      evalTime: '30m',
      fires: [{ ...c.where, namespace: l.namespace, job: l.job, route: l.route, severity: 'page' }],
    };
  },

  LokiDiscardingLogs: (c) => {
    const l = { ...platform(c, c.env.namespaces.loki, 'distributor', 'loki-distributor-0'), reason: 'rate_limited', tenant: c.env.tenant };
    return {
      failing: [s('loki_discarded_samples_total', l, counter(10, 40))],
      healthy: [s('loki_discarded_samples_total', l, counter(0, 40))],
      evalTime: '30m',
      fires: [{ ...c.where, namespace: l.namespace, reason: 'rate_limited', severity: 'ticket' }],
    };
  },

  LokiRequestLatency: (c) => {
    const l = { ...platform(c, c.env.namespaces.loki, 'query-frontend', 'loki-query-frontend-0'), route: 'loki_api_v1_query_range' };
    const buckets = (slow: boolean) =>
      [
        ['0.5', slow ? 0 : 60],
        ['5', slow ? 0 : 60],
        ['+Inf', 60],
      ].map(([le, perMin]) => s('loki_request_duration_seconds_bucket', { ...l, le: String(le) }, counter(Number(perMin), 40)));
    return { failing: buckets(true), healthy: buckets(false), evalTime: '30m', fires: [{ ...c.where, namespace: l.namespace, job: l.job, route: l.route, severity: 'ticket' }] };
  },

  LokiRequestPanics: (c) => {
    const l = platform(c, c.env.namespaces.loki, 'querier', 'loki-querier-0');
    return {
      failing: [s('loki_panic_total', l, '0x10 1x20')],
      healthy: [s('loki_panic_total', l, constant(0, 30))],
      evalTime: '15m',
      fires: [{ ...c.where, namespace: l.namespace, job: l.job, severity: 'ticket' }],
    };
  },

  LokiCompactorHasNotSuccessfullyRunCompaction: (c) => {
    const l = platform(c, c.env.namespaces.loki, 'compactor', 'loki-compactor-0');
    return {
      failing: [s('loki_boltdb_shipper_compact_tables_operation_last_successful_run_timestamp_seconds', l, constant(600, 400))],
      healthy: [s('loki_boltdb_shipper_compact_tables_operation_last_successful_run_timestamp_seconds', l, '60+60x400')],
      evalTime: '6h',
      fires: [{ ...c.where, namespace: l.namespace, severity: 'ticket' }],
    };
  },

  LokiTooManyCompactorsRunning: (c) => {
    const ns = c.env.namespaces.loki;
    const comp = (pod: string, v: number) => s('loki_boltdb_shipper_compactor_running', platform(c, ns, 'compactor', pod), constant(v, 30));
    return {
      failing: [comp('loki-compactor-0', 1), comp('loki-compactor-1', 1)],
      healthy: [comp('loki-compactor-0', 1), comp('loki-compactor-1', 0)],
      evalTime: '15m',
      fires: [{ ...c.where, namespace: ns, severity: 'ticket' }],
    };
  },

  TempoDistributorRefusingSpans: (c) => {
    const l = { ...platform(c, c.env.namespaces.tempo, 'distributor', 'tempo-distributor-0'), receiver: 'otlp/otlp_receiver', transport: 'grpc' };
    return {
      failing: [s('tempo_receiver_refused_spans', l, counter(100, 40)), s('tempo_receiver_accepted_spans', l, counter(900, 40))],
      healthy: [s('tempo_receiver_refused_spans', l, counter(0, 40)), s('tempo_receiver_accepted_spans', l, counter(1000, 40))],
      evalTime: '30m',
      fires: [{ ...c.where, namespace: l.namespace, severity: 'page' }],
    };
  },

  TempoDiscardingSpans: (c) => {
    const l = { ...platform(c, c.env.namespaces.tempo, 'distributor', 'tempo-distributor-0'), reason: 'rate_limited', tenant: c.env.tenant };
    return {
      failing: [s('tempo_discarded_spans_total', l, counter(10, 40))],
      healthy: [s('tempo_discarded_spans_total', l, counter(0, 40))],
      evalTime: '30m',
      fires: [{ ...c.where, namespace: l.namespace, reason: 'rate_limited', severity: 'ticket' }],
    };
  },

  TempoPollsFailing: (c) => {
    const l = platform(c, c.env.namespaces.tempo, 'querier', 'tempo-querier-0');
    return {
      failing: [s('tempodb_blocklist_poll_errors_total', l, counter(1, 40))],
      healthy: [s('tempodb_blocklist_poll_errors_total', l, constant(0, 40))],
      evalTime: '30m',
      fires: [{ ...c.where, namespace: l.namespace, severity: 'ticket' }],
    };
  },

  TempoLiveStoreUnhealthy: (c) => {
    const l = { ...platform(c, c.env.namespaces.tempo, 'distributor', 'tempo-distributor-0'), name: 'live-store', state: 'Unhealthy' };
    return {
      failing: [s('tempo_ring_members', l, constant(1, 30))],
      healthy: [s('tempo_ring_members', l, constant(0, 30))],
      evalTime: '20m',
      fires: [{ ...c.where, namespace: l.namespace, severity: 'page', zone_aware: 'true' }],
    };
  },

  TempoLiveStorePartitionLag: (c) => tempoLag(c, 'live-store', 'tempo-live-store-zone-a-0', 'ticket'),
  TempoBlockBuilderPartitionLag: (c) => tempoLag(c, 'block-builder', 'tempo-block-builder-0', 'page'),

  TempoBackendSchedulerJobsFailing: (c) => {
    const l = platform(c, c.env.namespaces.tempo, 'backend-scheduler', 'tempo-backend-scheduler-0');
    return {
      failing: [s('tempo_backend_scheduler_jobs_failed_total', l, counter(2, 40)), s('tempo_backend_scheduler_jobs_created_total', l, counter(10, 40))],
      healthy: [s('tempo_backend_scheduler_jobs_failed_total', l, counter(0, 40)), s('tempo_backend_scheduler_jobs_created_total', l, counter(10, 40))],
      evalTime: '30m',
      fires: [{ ...c.where, namespace: l.namespace, severity: 'ticket' }],
    };
  },

  TempoBackendWorkerBadJobs: (c) => {
    const l = platform(c, c.env.namespaces.tempo, 'backend-worker', 'tempo-backend-worker-0');
    return {
      failing: [s('tempo_backend_worker_bad_jobs_received_total', l, counter(1, 40))],
      healthy: [s('tempo_backend_worker_bad_jobs_received_total', l, constant(0, 40))],
      evalTime: '30m',
      fires: [{ ...c.where, namespace: l.namespace, severity: 'ticket' }],
    };
  },

  AlloyUnhealthyComponents: (c) => {
    const l = alloyLabels(c);
    return {
      failing: [s('alloy_component_controller_running_components', { ...l, health_type: 'unhealthy' }, constant(1, 30)), s('alloy_component_controller_running_components', { ...l, health_type: 'healthy' }, constant(40, 30))],
      healthy: [s('alloy_component_controller_running_components', { ...l, health_type: 'unhealthy' }, constant(0, 30)), s('alloy_component_controller_running_components', { ...l, health_type: 'healthy' }, constant(40, 30))],
      evalTime: '20m',
      fires: [{ ...c.where, job: l.job, instance: l.instance, severity: 'ticket' }],
    };
  },

  AlloyExporterFailedSpans: (c) => alloyRatio(c, 'otelcol_exporter_send_failed_spans_total', 'otelcol_exporter_sent_spans_total', 'page'),
  AlloyReceiverRefusedSpans: (c) => alloyRatio(c, 'otelcol_receiver_refused_spans_total', 'otelcol_receiver_accepted_spans_total', 'ticket'),

  AlloyRemoteWriteBehind: (c) => {
    const l = alloyLabels(c);
    const q = { ...l, remote_name: 'mimir', url: 'http://mimir/api/v1/push' };
    // The WAL keeps advancing; sending stopped at minute 1 (failing) or keeps up (healthy).
    return {
      failing: [s('prometheus_remote_storage_highest_timestamp_in_seconds', l, '60+60x40'), s('prometheus_remote_storage_queue_highest_sent_timestamp_seconds', q, constant(60, 40))],
      healthy: [s('prometheus_remote_storage_highest_timestamp_in_seconds', l, '60+60x40'), s('prometheus_remote_storage_queue_highest_sent_timestamp_seconds', q, '55+60x40')],
      evalTime: '30m',
      fires: [{ ...c.where, job: l.job, instance: l.instance, severity: 'page' }],
    };
  },

  AlloyRemoteWriteFailing: (c) => alloyRatio(c, 'prometheus_remote_storage_samples_failed_total', 'prometheus_remote_storage_samples_total', 'ticket', false),

  AlloyClusterNotConverging: (c) => {
    const job = alloySelfJob(c.env.namespaces.alloy, ALLOY_WORKLOADS.gateway);
    const peers = (pod: string, n: number, j = job) => s('cluster_node_peers', { ...c.where, namespace: c.env.namespaces.alloy, job: j, pod, instance: pod, state: 'participant' }, constant(n, 30));
    // The cluster collector is a cluster of its own with another size: it must not count as a disagreement.
    const collector = alloySelfJob(c.env.namespaces.alloy, ALLOY_WORKLOADS.clusterCollector);
    const other = [peers('alloy-cluster-0', 2, collector), peers('alloy-cluster-1', 2, collector)];
    return {
      failing: [peers('alloy-gateway-0', 3), peers('alloy-gateway-1', 3), peers('alloy-gateway-2', 1), ...other],
      healthy: [peers('alloy-gateway-0', 3), peers('alloy-gateway-1', 3), peers('alloy-gateway-2', 3), ...other],
      evalTime: '20m',
      fires: [{ ...c.where, job, severity: 'ticket' }],
    };
  },

  OBINotExportingTraces: (c) => {
    const l = obiLabels(c);
    return {
      failing: [s('obi_otel_trace_exports_total', l, constant(50, 60)), s('obi_instrumented_processes', { ...l, process_name: 'checkout' }, constant(3, 60))],
      healthy: [s('obi_otel_trace_exports_total', l, counter(10, 60)), s('obi_instrumented_processes', { ...l, process_name: 'checkout' }, constant(3, 60))],
      evalTime: '50m',
      fires: [{ ...c.where, node: l.node, severity: 'ticket' }],
    };
  },

  OBITraceExportErrors: (c) => {
    const l = obiLabels(c);
    return {
      failing: [s('obi_otel_trace_export_errors_total', { ...l, error: 'unavailable' }, counter(1, 40))],
      healthy: [s('obi_otel_trace_export_errors_total', { ...l, error: 'unavailable' }, constant(0, 40))],
      evalTime: '30m',
      fires: [{ ...c.where, node: l.node, severity: 'ticket' }],
    };
  },

  OBIInstrumentationErrors: (c) => {
    const l = obiLabels(c);
    return {
      failing: [s('obi_instrumentation_errors_total', { ...l, process_name: 'checkout', error_type: 'attach' }, counter(1, 40))],
      healthy: [s('obi_instrumentation_errors_total', { ...l, process_name: 'checkout', error_type: 'attach' }, constant(0, 40))],
      evalTime: '30m',
      fires: [{ ...c.where, node: l.node, severity: 'ticket' }],
    };
  },

  OBINotInstrumenting: (c) => {
    const l = { ...obiLabels(c), process_name: 'checkout' };
    return {
      failing: [s('obi_instrumented_processes', l, constant(0, 60))],
      healthy: [s('obi_instrumented_processes', l, constant(2, 60))],
      evalTime: '45m',
      fires: [{ ...c.where, severity: 'ticket' }],
    };
  },

  EbpfExporterProbeNotAttached: (c) => {
    const l = { ...c.where, job: 'integrations/ebpf_exporter', node: 'node-1', pod: 'obi-abcde', id: '42' };
    return {
      failing: [s('ebpf_exporter_ebpf_program_attached', l, constant(0, 30))],
      healthy: [s('ebpf_exporter_ebpf_program_attached', l, constant(1, 30))],
      evalTime: '20m',
      fires: [{ ...c.where, node: 'node-1', id: '42', severity: 'ticket' }],
    };
  },

  GrafanaRequestErrors: (c) => {
    const l = { ...platform(c, c.env.namespaces.grafana, 'grafana', 'grafana-0'), handler: '/api/ds/query', method: 'POST' };
    return {
      failing: [s('grafana_http_request_duration_seconds_count', { ...l, status_code: '500' }, counter(10, 40)), s('grafana_http_request_duration_seconds_count', { ...l, status_code: '200' }, counter(90, 40))],
      healthy: [s('grafana_http_request_duration_seconds_count', { ...l, status_code: '500' }, counter(1, 40)), s('grafana_http_request_duration_seconds_count', { ...l, status_code: '200' }, counter(99, 40))],
      evalTime: '30m',
      fires: [{ ...c.where, namespace: l.namespace, severity: 'ticket' }],
    };
  },

  KubePodCrashLooping: (c) => {
    const l = { ...ksm(c), namespace: c.env.namespaces.mimir, pod: 'mimir-ingester-zone-b-1', container: 'ingester', uid: 'u1' };
    return {
      failing: [s('kube_pod_container_status_waiting_reason', { ...l, reason: 'CrashLoopBackOff' }, constant(1, 40))],
      healthy: [s('kube_pod_container_status_waiting_reason', { ...l, reason: 'CrashLoopBackOff' }, constant(0, 40))],
      evalTime: '30m',
      fires: [{ ...c.where, namespace: l.namespace, pod: l.pod, container: 'ingester', zone: 'zone-b', severity: 'ticket' }],
    };
  },

  KubePodNotReady: (c) => {
    const l = { ...ksm(c), namespace: c.env.namespaces.grafana, pod: 'grafana-5d9f7-abcde', uid: 'u2' };
    const phases = (running: number, pending: number) => [s('kube_pod_status_phase', { ...l, phase: 'Running' }, constant(running, 40)), s('kube_pod_status_phase', { ...l, phase: 'Pending' }, constant(pending, 40))];
    return {
      failing: [...phases(1, 0), s('kube_pod_status_ready', { ...l, condition: 'true' }, constant(0, 40))],
      healthy: [...phases(1, 0), s('kube_pod_status_ready', { ...l, condition: 'true' }, constant(1, 40))],
      evalTime: '30m',
      fires: [{ ...c.where, namespace: l.namespace, pod: l.pod, severity: 'ticket' }],
    };
  },

  KubeDaemonSetPodsMissing: (c) => {
    const l = { ...ksm(c), namespace: c.env.namespaces.alloyNode, daemonset: 'alloy-node' };
    return {
      failing: [s('kube_daemonset_status_desired_number_scheduled', l, constant(5, 40)), s('kube_daemonset_status_number_available', l, constant(4, 40))],
      healthy: [s('kube_daemonset_status_desired_number_scheduled', l, constant(5, 40)), s('kube_daemonset_status_number_available', l, constant(5, 40))],
      evalTime: '30m',
      fires: [{ ...c.where, namespace: l.namespace, daemonset: 'alloy-node', severity: 'ticket' }],
    };
  },

  KubeStatefulSetRolloutStuck: (c) => {
    const l = { ...ksm(c), namespace: c.env.namespaces.loki, statefulset: 'loki-compactor' };
    const sts = (updated: number, current: string) => [
      s('kube_statefulset_status_current_revision', { ...l, revision: current }, constant(1, 50)),
      s('kube_statefulset_status_update_revision', { ...l, revision: 'loki-compactor-new' }, constant(1, 50)),
      s('kube_statefulset_replicas', l, constant(3, 50)),
      s('kube_statefulset_status_replicas_updated', l, constant(updated, 50)),
    ];
    return { failing: sts(1, 'loki-compactor-old'), healthy: sts(3, 'loki-compactor-new'), evalTime: '40m', fires: [{ ...c.where, namespace: l.namespace, statefulset: 'loki-compactor', severity: 'ticket' }] };
  },

  KubeDeploymentReplicasMismatch: (c) => {
    const l = { ...ksm(c), namespace: c.env.namespaces.grafana, deployment: 'grafana' };
    const dep = (available: number) => [s('kube_deployment_spec_replicas', l, constant(2, 50)), s('kube_deployment_status_replicas_available', l, constant(available, 50)), s('kube_deployment_status_replicas_updated', l, constant(2, 50))];
    return { failing: dep(1), healthy: dep(2), evalTime: '40m', fires: [{ ...c.where, namespace: l.namespace, deployment: 'grafana', severity: 'ticket' }] };
  },

  KubePersistentVolumeFillingUp: (c) => {
    const l = { ...c.where, job: 'integrations/kubernetes/kubelet', namespace: c.env.namespaces.mimir, persistentvolumeclaim: 'data-mimir-compactor-0', node: 'node-1' };
    const vol = (available: number) => [s('kubelet_volume_stats_available_bytes', l, constant(available, 100)), s('kubelet_volume_stats_capacity_bytes', l, constant(100, 100))];
    const fired = (severity: string) => ({ ...c.where, namespace: l.namespace, persistentvolumeclaim: l.persistentvolumeclaim, severity });
    // 3 % free: above 80 % (ticket, after 1h) and above 95 % (page, after 5m).
    return { failing: vol(3), healthy: vol(50), evalTime: '80m', fires: [fired('ticket'), fired('page')] };
  },
};

function rulerRatio(c: ScenarioContext, failed: string, total: string, severity: string): Scenario {
  const l = platform(c, c.env.namespaces.mimir, 'ruler', 'mimir-ruler-0');
  return {
    failing: [s(failed, l, counter(10, 40)), s(total, l, counter(100, 40))],
    healthy: [s(failed, l, counter(0, 40)), s(total, l, counter(100, 40))],
    evalTime: '30m',
    fires: [{ ...c.where, namespace: l.namespace, pod: l.pod, severity }],
  };
}

function tempoLag(c: ScenarioContext, container: string, pod: string, severity: string): Scenario {
  const l = { ...platform(c, c.env.namespaces.tempo, container, pod), partition: '3', group: container };
  return {
    failing: [s('tempo_ingest_group_partition_lag_seconds', l, constant(600, 40))],
    healthy: [s('tempo_ingest_group_partition_lag_seconds', l, constant(5, 40))],
    evalTime: '30m',
    fires: [{ ...c.where, namespace: l.namespace, partition: '3', severity }],
  };
}

/** A node agent's own metrics, as selfMetrics labels them. */
function alloyLabels(c: ScenarioContext) {
  const pod = 'alloy-node-x7k2p';
  return { ...c.where, namespace: c.env.namespaces.alloyNode, job: alloySelfJob(c.env.namespaces.alloyNode, ALLOY_WORKLOADS.nodeAgent), pod, instance: pod };
}

function alloyRatio(c: ScenarioContext, bad: string, good: string, severity: string, goodExcludesBad = true): Scenario {
  const l = alloyLabels(c);
  // Failing: 10 % of the items fail; healthy: none.
  const pair = (badPerMin: number) => [s(bad, l, counter(badPerMin, 40)), s(good, l, counter(goodExcludesBad ? 100 - badPerMin : 100, 40))];
  return { failing: pair(10), healthy: pair(0), evalTime: '30m', fires: [{ ...c.where, job: l.job, instance: l.instance, severity }] };
}

function obiLabels(c: ScenarioContext) {
  return { ...c.where, job: 'integrations/obi', node: 'node-1', pod: 'obi-abcde' };
}

function ksm(c: ScenarioContext) {
  return { ...c.where, job: 'integrations/kubernetes/kube-state-metrics' };
}
