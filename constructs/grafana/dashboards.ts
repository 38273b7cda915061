import { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { Environment } from '../../environments';
import { BURN_RATE_ALERTS, OBI_HTTP_SERVER, SLO_RECORDS } from '../slo';
import { LOG_LABELS } from '../alloy/collection';
import { VariableLabels, dashboard, dashboardOnce, logs, lokiTimeseries, row, stat, table, timeseries, traceSearch } from './panels';

/** Fixed dashboard UIDs (links and bookmarks survive re-provisioning). */
export const DASHBOARD_UIDS = {
  obi: 'mop-obi-overview',
  alloy: 'mop-alloy-pipeline',
  tempo: 'mop-tempo',
  mimir: 'mop-mimir',
  loki: 'mop-loki',
  slo: 'mop-slo',
} as const;

export type DashboardKey = keyof typeof DASHBOARD_UIDS;

const RATE = '[$__rate_interval]';

/** Application dashboards: OBI's labels (Prometheus exporter names) plus `cluster` from the pipeline. */
const OBI_VARS: VariableLabels = { metric: OBI_HTTP_SERVER.count, namespaceLabel: OBI_HTTP_SERVER.namespaceLabel, serviceLabel: OBI_HTTP_SERVER.serviceLabel };
const APP = `cluster=~"$cluster", k8s_namespace_name=~"$namespace", service_name=~"$service"`;

/**
 * Platform dashboards: the self-monitoring series of Alloy, Tempo, Mimir and Loki carry `cluster`, the pod's
 * `namespace` and a `job` (the scrape job that names the component); "service" selects the job.
 */
function platformVars(metric: string): VariableLabels {
  return { metric, namespaceLabel: 'namespace', serviceLabel: 'job' };
}
const PLATFORM = `cluster=~"$cluster", namespace=~"$namespace", job=~"$service"`;

function obiOverview(): Dashboard {
  const http = OBI_HTTP_SERVER.count;
  const bucket = OBI_HTTP_SERVER.bucket;
  return dashboard(DASHBOARD_UIDS.obi, 'OBI Overview', 'RED metrics per service from OBI (eBPF) and the health of the instrumentation itself.', OBI_VARS)
    .withRow(row('HTTP: rate, errors, duration'))
    .withPanel(timeseries('HTTP request rate', 'Requests per second served, per service.', 'reqps', [{ expr: `sum by (service_name) (rate(${http}{${APP}}${RATE}))`, legend: '{{service_name}}' }], 8))
    .withPanel(
      timeseries('HTTP error ratio (5xx)', 'Share of requests answered with a 5xx status, per service.', 'percentunit', [
        {
          expr: `sum by (service_name) (rate(${http}{${APP}, http_response_status_code=~"5.."}${RATE}))\n/\nsum by (service_name) (rate(${http}{${APP}}${RATE}))`,
          legend: '{{service_name}}',
        },
      ], 8),
    )
    .withPanel(
      timeseries('HTTP duration p95 / p50', 'Server-side request duration quantiles, per service.', 's', [
        { expr: `histogram_quantile(0.95, sum by (service_name, le) (rate(${bucket}{${APP}}${RATE})))`, legend: 'p95 {{service_name}}' },
        { expr: `histogram_quantile(0.50, sum by (service_name, le) (rate(${bucket}{${APP}}${RATE})))`, legend: 'p50 {{service_name}}' },
      ], 8),
    )
    .withPanel(
      timeseries('HTTP requests by status code', 'Request rate per HTTP status code.', 'reqps', [
        { expr: `sum by (http_response_status_code) (rate(${http}{${APP}}${RATE}))`, legend: '{{http_response_status_code}}' },
      ], 24),
    )
    .withRow(row('gRPC: rate, errors, duration'))
    .withPanel(timeseries('gRPC call rate', 'RPC calls per second served, per service.', 'reqps', [{ expr: `sum by (service_name) (rate(rpc_server_call_duration_seconds_count{${APP}}${RATE}))`, legend: '{{service_name}}' }], 8))
    .withPanel(
      timeseries('gRPC error ratio', 'Share of calls with a gRPC status other than OK (0), per service.', 'percentunit', [
        {
          expr: `sum by (service_name) (rate(rpc_server_call_duration_seconds_count{${APP}, rpc_grpc_status_code!="0"}${RATE}))\n/\nsum by (service_name) (rate(rpc_server_call_duration_seconds_count{${APP}}${RATE}))`,
          legend: '{{service_name}}',
        },
      ], 8),
    )
    .withPanel(
      timeseries('gRPC duration p95', 'Server-side call duration p95, per service.', 's', [
        { expr: `histogram_quantile(0.95, sum by (service_name, le) (rate(rpc_server_call_duration_seconds_bucket{${APP}}${RATE})))`, legend: '{{service_name}}' },
      ], 8),
    )
    .withRow(row('Instrumentation health'))
    .withPanel(stat('Instrumented services', 'Services OBI currently reports HTTP metrics for.', 'short', { expr: `count(count by (k8s_namespace_name, service_name) (${http}{${APP}}))` }))
    .withPanel(stat('Instrumented processes', 'Processes OBI has attached its probes to (OBI internal metrics).', 'short', { expr: 'sum(obi_instrumented_processes{cluster=~"$cluster"})' }))
    .withPanel(
      stat('Instrumentation errors', 'Failed probe attachments per second (OBI internal metrics).', 'short', { expr: `sum(rate(obi_instrumentation_errors_total{cluster=~"$cluster"}${RATE}))` }, [
        { color: 'green', value: null },
        { color: 'red', value: 0.001 },
      ]),
    )
    .withPanel(
      timeseries('OBI export errors', 'Failed OTLP trace and metric exports from OBI to the node Alloy, by error type.', 'short', [
        { expr: `sum by (error_type) (rate(obi_otel_trace_export_errors_total{cluster=~"$cluster"}${RATE}))`, legend: 'traces {{error_type}}' },
        { expr: `sum by (error_type) (rate(obi_otel_metric_export_errors_total{cluster=~"$cluster"}${RATE}))`, legend: 'metrics {{error_type}}' },
      ], 6),
    )
    .withRow(row('Traces and logs'))
    .withPanel(
      traceSearch(
        'Slow server spans (> 500ms)',
        'TraceQL search in Tempo; click a trace ID to open it, then jump to its logs and metrics.',
        '{ resource.service.name =~ "$service" && resource.k8s.namespace.name =~ "$namespace" && kind = server && duration > 500ms }',
        12,
      ),
    )
    .withPanel(
      logs('Error logs', 'Log lines containing "error" from the selected services; the TraceID field links to Tempo.', `{${LOG_LABELS.namespace}=~"$namespace", ${LOG_LABELS.service}=~"$service"} |~ "(?i)error"`, 12),
    )
    .build();
}

function alloyPipeline(): Dashboard {
  const sel = PLATFORM;
  return dashboard(DASHBOARD_UIDS.alloy, 'Alloy Pipeline', 'Spans through the Alloy receivers, tail sampling and exporters; metrics remote-write lag and WAL; logs written to Loki.', platformVars('alloy_build_info'))
    .withRow(row('Spans in and out'))
    .withPanel(timeseries('Spans received', 'Spans accepted by otelcol.receiver.* components.', 'short', [{ expr: `sum by (job) (rate(otelcol_receiver_accepted_spans_total{${sel}}${RATE}))`, legend: '{{job}}' }], 8))
    .withPanel(timeseries('Spans refused', 'Spans the receivers could not push into the pipeline (back-pressure, memory limiter).', 'short', [{ expr: `sum by (job) (rate(otelcol_receiver_refused_spans_total{${sel}}${RATE}))`, legend: '{{job}}' }], 8))
    .withPanel(
      timeseries('Spans exported / failed', 'Spans sent by otelcol.exporter.* components and spans that failed to send.', 'short', [
        { expr: `sum by (job) (rate(otelcol_exporter_sent_spans_total{${sel}}${RATE}))`, legend: 'sent {{job}}' },
        { expr: `sum by (job) (rate(otelcol_exporter_send_failed_spans_total{${sel}}${RATE}))`, legend: 'failed {{job}}' },
      ], 8),
    )
    .withRow(row('Load balancing to the sampling gateways'))
    .withPanel(
      timeseries('Gateway backends', 'Sampling gateways each node agent routes to (DNS of the ready-only headless Service); a dip is a rollout.', 'short', [
        { expr: `min by (job) (otelcol_loadbalancer_num_backends{${sel}})`, legend: 'min {{job}}' },
        { expr: `max by (job) (otelcol_loadbalancer_num_backends{${sel}})`, legend: 'max {{job}}' },
      ], 12),
    )
    .withPanel(
      timeseries('Exporter queue fill', 'Sending-queue use of the trace exporters (load balancing, Tempo): near 1 means spans are about to be dropped.', 'percentunit', [
        { expr: `max by (job) (otelcol_exporter_queue_size{${sel}, data_type="traces"} / clamp_min(otelcol_exporter_queue_capacity{${sel}, data_type="traces"}, 1))`, legend: '{{job}}' },
      ], 12),
    )
    .withRow(row('Tail sampling'))
    .withPanel(
      timeseries('Traces sampled in / out', 'Tail-sampling decisions: traces kept (sampled="true") and dropped (sampled="false").', 'short', [
        { expr: `sum by (sampled) (rate(otelcol_processor_tail_sampling_global_count_traces_sampled_total{${sel}}${RATE}))`, legend: 'sampled={{sampled}}' },
      ], 8),
    )
    .withPanel(
      timeseries('Spans sampled per policy', 'Spans kept or dropped, per tail-sampling policy.', 'short', [
        { expr: `sum by (policy, sampled) (rate(otelcol_processor_tail_sampling_count_spans_sampled_total{${sel}}${RATE}))`, legend: '{{policy}} sampled={{sampled}}' },
      ], 8),
    )
    .withPanel(
      timeseries('Traces held in memory', 'Traces waiting for a sampling decision; early drops mean decision_wait or num_traces is too small.', 'short', [
        { expr: `sum by (job) (otelcol_processor_tail_sampling_sampling_traces_on_memory{${sel}})`, legend: 'in memory {{job}}' },
        { expr: `sum by (job) (rate(otelcol_processor_tail_sampling_sampling_trace_dropped_too_early_total{${sel}}${RATE}))`, legend: 'dropped too early/s {{job}}' },
      ], 8),
    )
    .withRow(row('Metrics remote-write and WAL'))
    .withPanel(
      timeseries('Remote-write lag', 'Newest sample in the WAL minus newest sample sent, per job: how far prometheus.remote_write is behind.', 's', [
        {
          expr: `max by (job) (\n  prometheus_remote_storage_highest_timestamp_in_seconds{${sel}}\n  - ignoring (url, remote_name) group_right\n  prometheus_remote_storage_queue_highest_sent_timestamp_seconds{${sel}}\n)`,
          legend: '{{job}}',
        },
      ], 8),
    )
    .withPanel(
      timeseries('Samples sent / failed', 'Samples sent to Mimir and samples dropped after non-recoverable errors.', 'short', [
        { expr: `sum by (job) (rate(prometheus_remote_storage_samples_total{${sel}}${RATE}))`, legend: 'sent {{job}}' },
        { expr: `sum by (job) (rate(prometheus_remote_storage_samples_failed_total{${sel}}${RATE}))`, legend: 'failed {{job}}' },
      ], 8),
    )
    .withPanel(
      timeseries('WAL', 'Active series tracked by the remote-write WAL and samples appended to it.', 'short', [
        { expr: `sum by (job) (prometheus_remote_write_wal_storage_active_series{${sel}})`, legend: 'active series {{job}}' },
        { expr: `sum by (job) (rate(prometheus_remote_write_wal_samples_appended_total{${sel}}${RATE}))`, legend: 'samples appended/s {{job}}' },
      ], 8),
    )
    .withRow(row('Logs to Loki'))
    .withPanel(
      timeseries('Log entries sent / dropped', 'Entries loki.write sent to Loki and entries it dropped after retries (pod, node and OTLP logs, events).', 'short', [
        { expr: `sum by (job) (rate(loki_write_sent_entries_total{${sel}}${RATE}))`, legend: 'sent {{job}}' },
        { expr: `sum by (job) (rate(loki_write_dropped_entries_total{${sel}}${RATE}))`, legend: 'dropped {{job}}' },
      ], 12),
    )
    .withPanel(
      timeseries('Pod-log files tailed', 'Files each node agent tails under /var/log/pods; their read positions survive a restart (ADR 0004).', 'short', [
        { expr: `sum by (pod) (loki_source_file_files_active_total{${sel}})`, legend: '{{pod}}' },
      ], 12),
    )
    .build();
}

function tempoDashboard(): Dashboard {
  const sel = PLATFORM;
  const reads = `${sel}, route=~"api_.*"`;
  return dashboard(DASHBOARD_UIDS.tempo, 'Tempo', 'Tempo ingestion and query latency.', platformVars('tempo_distributor_spans_received_total'))
    .withRow(row('Ingestion'))
    .withPanel(stat('Spans received/s', 'Spans accepted by the distributors.', 'short', { expr: `sum(rate(tempo_distributor_spans_received_total{${sel}}${RATE}))` }))
    .withPanel(stat('Bytes received/s', 'Trace bytes accepted by the distributors.', 'Bps', { expr: `sum(rate(tempo_distributor_bytes_received_total{${sel}}${RATE}))` }))
    .withPanel(timeseries('Spans received per tenant', 'Spans per second by tenant.', 'short', [{ expr: `sum by (tenant) (rate(tempo_distributor_spans_received_total{${sel}}${RATE}))`, legend: '{{tenant}}' }], 12))
    .withRow(row('Queries'))
    .withPanel(
      timeseries('Query latency p99 / p50', 'Latency of the query API routes (search, trace by ID, metrics).', 's', [
        { expr: `histogram_quantile(0.99, sum by (le, route) (rate(tempo_request_duration_seconds_bucket{${reads}}${RATE})))`, legend: 'p99 {{route}}' },
        { expr: `histogram_quantile(0.50, sum by (le, route) (rate(tempo_request_duration_seconds_bucket{${reads}}${RATE})))`, legend: 'p50 {{route}}' },
      ], 12),
    )
    .withPanel(timeseries('Query rate by status', 'Query API requests per second by status code.', 'reqps', [{ expr: `sum by (status_code) (rate(tempo_request_duration_seconds_count{${reads}}${RATE}))`, legend: '{{status_code}}' }], 12))
    .build();
}

/** `rf`: the environment's replication factor (ingesters hold every series that many times). */
function mimirDashboard(rf: number): Dashboard {
  const sel = PLATFORM;
  const reads = `${sel}, route=~"prometheus_api_v1_.*"`;
  return dashboard(DASHBOARD_UIDS.mimir, 'Mimir', 'Mimir ingestion rate, active series and cardinality, query latency.', platformVars('cortex_distributor_received_samples_total'))
    .withRow(row('Ingestion'))
    .withPanel(stat('Samples/s', 'Samples accepted by the distributors.', 'short', { expr: `sum(rate(cortex_distributor_received_samples_total{${sel}}${RATE}))` }))
    .withPanel(stat('Active series', `Active series across ingesters, divided by the replication factor (${rf}).`, 'short', { expr: `sum(cortex_ingester_active_series{${sel}}) / ${rf}` }))
    .withPanel(stat('In-memory series', `Series in ingester memory, divided by the replication factor (${rf}).`, 'short', { expr: `sum(cortex_ingester_memory_series{${sel}}) / ${rf}` }))
    .withPanel(timeseries('Samples/s per tenant', 'Ingestion rate by tenant.', 'short', [{ expr: `sum by (user) (rate(cortex_distributor_received_samples_total{${sel}}${RATE}))`, legend: '{{user}}' }], 6))
    .withRow(row('Series and cardinality'))
    .withPanel(timeseries('Active series per tenant', 'Active series by tenant (replication removed).', 'short', [{ expr: `sum by (user) (cortex_ingester_active_series{${sel}}) / ${rf}`, legend: '{{user}}' }], 12))
    .withPanel(timeseries('In-memory series per ingester', 'Series per ingester pod: uneven values mean unbalanced sharding.', 'short', [{ expr: `sum by (pod) (cortex_ingester_memory_series{${sel}})`, legend: '{{pod}}' }], 12))
    .withRow(row('Queries'))
    .withPanel(
      timeseries('Query latency p99 / p50', 'Latency of the Prometheus query API.', 's', [
        { expr: `histogram_quantile(0.99, sum by (le) (rate(cortex_request_duration_seconds_bucket{${reads}}${RATE})))`, legend: 'p99' },
        { expr: `histogram_quantile(0.50, sum by (le) (rate(cortex_request_duration_seconds_bucket{${reads}}${RATE})))`, legend: 'p50' },
      ], 12),
    )
    .withPanel(timeseries('Query rate by status', 'Query API requests per second by status code.', 'reqps', [{ expr: `sum by (status_code) (rate(cortex_request_duration_seconds_count{${reads}}${RATE}))`, legend: '{{status_code}}' }], 12))
    .build();
}

function lokiDashboard(): Dashboard {
  const sel = PLATFORM;
  const reads = `${sel}, route=~"loki_api_v1_.*"`;
  return dashboard(DASHBOARD_UIDS.loki, 'Loki', 'Loki log volume and query latency.', platformVars('loki_distributor_bytes_received_total'))
    .withRow(row('Volume'))
    .withPanel(timeseries('Bytes received per tenant', 'Log bytes accepted by the distributors.', 'Bps', [{ expr: `sum by (tenant) (rate(loki_distributor_bytes_received_total{${sel}}${RATE}))`, legend: '{{tenant}}' }], 8))
    .withPanel(timeseries('Lines received per tenant', 'Log lines accepted by the distributors.', 'short', [{ expr: `sum by (tenant) (rate(loki_distributor_lines_received_total{${sel}}${RATE}))`, legend: '{{tenant}}' }], 8))
    .withPanel(lokiTimeseries('Log volume per service', 'Bytes per second of stored logs, per service_name stream label (LogQL).', 'Bps', 'sum by (service_name) (bytes_rate({service_name=~".+"} [$__auto]))', '{{service_name}}', 8))
    .withRow(row('Queries'))
    .withPanel(
      timeseries('Query latency p99 / p50', 'Latency of the query API routes.', 's', [
        { expr: `histogram_quantile(0.99, sum by (le, route) (rate(loki_request_duration_seconds_bucket{${reads}}${RATE})))`, legend: 'p99 {{route}}' },
        { expr: `histogram_quantile(0.50, sum by (le, route) (rate(loki_request_duration_seconds_bucket{${reads}}${RATE})))`, legend: 'p50 {{route}}' },
      ], 12),
    )
    .withPanel(timeseries('Query rate by status', 'Query API requests per second by status code.', 'reqps', [{ expr: `sum by (status_code) (rate(loki_request_duration_seconds_count{${reads}}${RATE}))`, legend: '{{status_code}}' }], 12))
    .build();
}

function sloDashboard(): Dashboard {
  const S = APP;
  const O = `k8s_namespace_name=~"$namespace", service_name=~"$service"`;
  const budget = (record: string, slo: string) =>
    `1 - (\n  avg_over_time(${record}{${S}}[30d])\n  / on (k8s_namespace_name, service_name) group_left ()\n  (1 - ${SLO_RECORDS.objective}{${O}, slo="${slo}"})\n)`;
  const burn = (record: string, slo: string) => `${record}{${S}}\n/ on (k8s_namespace_name, service_name) group_left ()\n(1 - ${SLO_RECORDS.objective}{${O}, slo="${slo}"})`;
  const burnPanels = (kind: 'availability' | 'latency') => {
    const rec = kind === 'availability' ? SLO_RECORDS.errorRatio : SLO_RECORDS.latencyMissRatio;
    return timeseries(
      `${kind === 'availability' ? 'Availability' : 'Latency'} burn rate`,
      `Error-budget burn rate over the alerts' long windows; the alerts fire at ${BURN_RATE_ALERTS.map((a) => `${a.burnRate}x (${a.longWindow})`).join(', ')} when the short window agrees.`,
      'x',
      BURN_RATE_ALERTS.map((a) => ({ expr: burn(rec(a.longWindow), kind), legend: `${a.longWindow} {{service_name}}` })),
      12,
    );
  };
  return dashboard(DASHBOARD_UIDS.slo, 'SLO', 'Availability and latency objectives, error budget left and burn rates, from the MOP SLO recording rules.', {
    metric: SLO_RECORDS.errorRatio('5m'),
    namespaceLabel: OBI_HTTP_SERVER.namespaceLabel,
    serviceLabel: OBI_HTTP_SERVER.serviceLabel,
  })
    .withRow(row('Objectives'))
    .withPanel(
      table('Objectives', 'Configured objectives (ratio) and the latency threshold evaluated (an OBI bucket boundary, seconds).', 'none', [
        { expr: `${SLO_RECORDS.objective}{${O}}` },
        { expr: `${SLO_RECORDS.latencyThreshold}{${O}}` },
      ], 24),
    )
    .withRow(row('Service level over the selected range'))
    .withPanel(stat('Availability', 'Share of requests without a 5xx status over the dashboard range.', 'percentunit', { expr: `1 - avg_over_time(${SLO_RECORDS.errorRatio('5m')}{${S}}[$__range])`, legend: '{{service_name}}' }, undefined, 6))
    .withPanel(stat('Fast enough', 'Share of requests under the latency threshold over the dashboard range.', 'percentunit', { expr: `1 - avg_over_time(${SLO_RECORDS.latencyMissRatio('5m')}{${S}}[$__range])`, legend: '{{service_name}}' }, undefined, 6))
    .withPanel(
      stat('Availability budget left (30d)', 'Error budget remaining over the last 30 days (mean of hourly error ratios).', 'percentunit', { expr: budget(SLO_RECORDS.errorRatio('1h'), 'availability'), legend: '{{service_name}}' }, [
        { color: 'red', value: null },
        { color: 'orange', value: 0.25 },
        { color: 'green', value: 0.5 },
      ], 6),
    )
    .withPanel(
      stat('Latency budget left (30d)', 'Latency error budget remaining over the last 30 days (mean of hourly miss ratios).', 'percentunit', { expr: budget(SLO_RECORDS.latencyMissRatio('1h'), 'latency'), legend: '{{service_name}}' }, [
        { color: 'red', value: null },
        { color: 'orange', value: 0.25 },
        { color: 'green', value: 0.5 },
      ], 6),
    )
    .withRow(row('Burn rate'))
    .withPanel(burnPanels('availability'))
    .withPanel(burnPanels('latency'))
    .withRow(row('SLIs'))
    .withPanel(timeseries('Error ratio (5m)', 'Share of requests answered with a 5xx status.', 'percentunit', [{ expr: `${SLO_RECORDS.errorRatio('5m')}{${S}}`, legend: '{{service_name}}' }], 8))
    .withPanel(timeseries('Latency miss ratio (5m)', 'Share of requests slower than the threshold.', 'percentunit', [{ expr: `${SLO_RECORDS.latencyMissRatio('5m')}{${S}}`, legend: '{{service_name}}' }], 8))
    .withPanel(
      table('Firing SLO alerts', 'Burn-rate alerts the Mimir ruler currently fires.', 'none', [{ expr: `ALERTS{alertname=~"SLO.*", alertstate="firing", ${O}}` }], 8),
    )
    .build();
}

/** The six provisioned dashboards, by key. */
export function buildDashboards(env: Environment): Record<DashboardKey, Dashboard> {
  return {
    obi: dashboardOnce('obi', obiOverview),
    alloy: dashboardOnce('alloy', alloyPipeline),
    tempo: dashboardOnce('tempo', tempoDashboard),
    mimir: dashboardOnce(`mimir rf=${env.replicationFactor}`, () => mimirDashboard(env.replicationFactor)),
    loki: dashboardOnce('loki', lokiDashboard),
    slo: dashboardOnce('slo', sloDashboard),
  };
}
