/**
 * Dashboards of the OBI experiments (docs/experiments/), provisioned only when the environment switches them on.
 *
 * - `serviceDependencyGraph` → "Service Dependencies": the node graph from the Tempo datasource's service map (which
 *   reads `traces_service_graph_*` from Mimir, written by Alloy's servicegraph connector), OBI network flows by
 *   Kubernetes owner, and the `tcp_lifecycle` probe (ebpf_exporter, ebpf/tcp_lifecycle.yaml).
 * - `databaseProfiling` → "Slowest queries": OBI's `db_client_operation_duration_seconds` by database system,
 *   operation and service, the week-over-week p99 ratio the alert uses, and a TraceQL table of slow database spans.
 */
import { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as NodeGraphPanel } from '@grafana/grafana-foundation-sdk/nodegraph';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { DataqueryBuilder as TempoQuery, SearchTableType, TempoQueryType } from '@grafana/grafana-foundation-sdk/tempo';
import { Environment } from '../../environments';
import { DB_REGRESSION, OBI_DB_CLIENT } from '../experiments/database-profiling';
import { OBI_HTTP_SERVER } from '../slo';
import { datasourceRef } from './datasources';
import { VariableLabels, dashboard, dashboardOnce, row, stat, table, timeseries } from './panels';

export const EXPERIMENT_DASHBOARD_UIDS = {
  dependencies: 'mop-service-dependencies',
  'slowest-queries': 'mop-slowest-queries',
} as const;

export type ExperimentDashboardKey = keyof typeof EXPERIMENT_DASHBOARD_UIDS;

const RATE = '[$__rate_interval]';
const OBI_VARS: VariableLabels = { metric: OBI_HTTP_SERVER.count, namespaceLabel: OBI_HTTP_SERVER.namespaceLabel, serviceLabel: OBI_HTTP_SERVER.serviceLabel };

/** ebpf_exporter prefixes every metric of ebpf/tcp_lifecycle.yaml with `ebpf_exporter_`. */
export const TCP_LIFECYCLE = {
  established: 'ebpf_exporter_tcp_connections_established_total',
  failures: 'ebpf_exporter_tcp_connect_failures_total',
  latencyBucket: 'ebpf_exporter_tcp_connect_latency_seconds_bucket',
} as const;

/** OBI network flow bytes (pkg/export/attributes/metric.go NetworkFlow.Prom) and its default Kubernetes attributes. */
export const OBI_NETWORK_FLOW = 'obi_network_flow_bytes_total';
const FLOW_BY = 'k8s_src_namespace, k8s_src_owner_name, k8s_dst_namespace, k8s_dst_owner_name';

/** Service map filter: Grafana applies this label selector to its `traces_service_graph_*` queries. */
export const SERVICE_MAP_QUERY = '{cluster=~"$cluster"}';

function serviceMap(): NodeGraphPanel {
  return new NodeGraphPanel()
    .title('Service map (traces)')
    .description(
      'Services as nodes and calls as edges, from the service-graph metrics Alloy derives from every span before sampling ' +
        '(traces_service_graph_request_total, _failed_total, _request_server_seconds). Click a node for its RED metrics and traces.',
    )
    .datasource(datasourceRef('tempo'))
    .height(16)
    .span(24)
    .withTarget(new TempoQuery().refId('A').datasource(datasourceRef('tempo')).queryType(TempoQueryType.ServiceMap).serviceMapQuery(SERVICE_MAP_QUERY));
}

function dependencies(): Dashboard {
  const flows = `cluster=~"$cluster", k8s_src_namespace=~"$namespace"`;
  return dashboard(
    EXPERIMENT_DASHBOARD_UIDS.dependencies,
    'Service Dependencies',
    'Who talks to whom: the trace service graph, OBI network flows (also edges without spans: databases, caches, external hosts) and TCP connects seen by the tcp_lifecycle probe.',
    OBI_VARS,
  )
    .withRow(row('Service graph (from spans)'))
    .withPanel(serviceMap())
    .withPanel(
      table('Calls per edge', 'Requests per second and failed share of each client → server edge over the range (service-graph metrics).', 'short', [
        { expr: `sum by (client, server) (rate(traces_service_graph_request_total{cluster=~"$cluster"}[$__range]))` },
        {
          expr:
            `sum by (client, server) (rate(traces_service_graph_request_failed_total{cluster=~"$cluster"}[$__range]))\n` +
            `/\nsum by (client, server) (rate(traces_service_graph_request_total{cluster=~"$cluster"}[$__range]))`,
        },
      ], 24),
    )
    .withRow(row('Network flows (OBI, by Kubernetes owner)'))
    .withPanel(
      timeseries('Bytes per flow (top 15)', 'Bytes per second between workloads (source owner → destination owner), OBI network metrics.', 'Bps', [
        { expr: `topk(15, sum by (${FLOW_BY}) (rate(${OBI_NETWORK_FLOW}{${flows}}${RATE})))`, legend: '{{k8s_src_owner_name}} → {{k8s_dst_owner_name}} ({{k8s_dst_namespace}})' },
      ], 12),
    )
    .withPanel(
      table('Flows over the range', 'Every observed workload-to-workload flow with its byte rate: edges the traces miss show up here.', 'Bps', [
        { expr: `sum by (${FLOW_BY}) (rate(${OBI_NETWORK_FLOW}{${flows}}[$__range]))` },
      ], 12),
    )
    .withRow(row('TCP connects (tcp_lifecycle probe)'))
    .withPanel(
      timeseries('Connections established', 'Outbound TCP connections reaching ESTABLISHED per second, by remote port.', 'short', [
        { expr: `sum by (port) (rate(${TCP_LIFECYCLE.established}{cluster=~"$cluster"}${RATE}))`, legend: 'port {{port}}' },
      ], 8),
    )
    .withPanel(
      timeseries('Connect failures', 'Outbound connects that went SYN_SENT → CLOSE (refused, timed out, unreachable) per second, by remote port.', 'short', [
        { expr: `sum by (port) (rate(${TCP_LIFECYCLE.failures}{cluster=~"$cluster"}${RATE}))`, legend: 'port {{port}}' },
      ], 8),
    )
    .withPanel(
      timeseries('Connect latency p99', 'SYN_SENT → ESTABLISHED, p99 by remote port (exp2 buckets from 1µs).', 's', [
        { expr: `histogram_quantile(0.99, sum by (port, le) (rate(${TCP_LIFECYCLE.latencyBucket}{cluster=~"$cluster"}${RATE})))`, legend: 'port {{port}}' },
      ], 8),
    )
    .build();
}

/** Slow database client spans in Tempo (OBI sets `db.system.name` on SQL and Redis client spans). */
export const SLOW_DB_SPANS_TRACEQL =
  '{ resource.service.name =~ "$service" && resource.k8s.namespace.name =~ "$namespace" && kind = client && span.db.system.name != nil && duration > 100ms }';

function slowDbSpans(): TablePanel {
  return new TablePanel()
    .title('Slow database spans (> 100ms)')
    .description(
      'TraceQL search: client spans with a database system, slower than 100ms. db.operation.name and db.collection.name show what ran; ' +
        'the query text itself is not recorded (OBI hides db.query.text by default). Open a trace to see the request that issued it.',
    )
    .datasource(datasourceRef('tempo'))
    .height(10)
    .span(24)
    .withTarget(new TempoQuery().refId('A').datasource(datasourceRef('tempo')).queryType(TempoQueryType.Traceql).query(SLOW_DB_SPANS_TRACEQL).tableType(SearchTableType.Spans).limit(20));
}

function slowestQueries(): Dashboard {
  const db = `cluster=~"$cluster", k8s_namespace_name=~"$namespace", service_name=~"$service"`;
  const by = `${OBI_DB_CLIENT.serviceLabel}, ${OBI_DB_CLIENT.systemLabel}, ${OBI_DB_CLIENT.operationLabel}`;
  const p99 = (range: string, offset = '') =>
    `histogram_quantile(0.99, sum by (${by}, le) (rate(${OBI_DB_CLIENT.bucket}{${db}}${range}${offset})))`;
  return dashboard(
    EXPERIMENT_DASHBOARD_UIDS['slowest-queries'],
    'Slowest queries',
    'Database operations seen by OBI (SQL and Redis client calls) by system, operation and calling service: slowest p99, busiest, failing, and slower than last week.',
    { metric: OBI_DB_CLIENT.count, namespaceLabel: OBI_DB_CLIENT.namespaceLabel, serviceLabel: OBI_DB_CLIENT.serviceLabel },
  )
    .withRow(row('Slowest operations'))
    .withPanel(
      table('Top 10 by p99 over the range', 'The ten slowest (service, database system, operation) by p99 over the dashboard range.', 's', [
        { expr: `topk(10, ${p99('[$__range]')})` },
      ], 12),
    )
    .withPanel(
      table(
        'p99 vs the same range a week ago',
        `p99 over the range divided by the p99 a week earlier; the alert ${DB_REGRESSION.alert} fires above ${DB_REGRESSION.factor} (1h windows, ≥ ${DB_REGRESSION.minOpsPerSecond} ops/s both weeks).`,
        'x',
        [{ expr: `topk(10, ${p99('[$__range]')}\n/\n${p99('[$__range]', ' offset 1w')})` }],
        12,
      ),
    )
    .withPanel(
      timeseries('p99 by system and operation', 'Client-side duration p99 per database system and operation.', 's', [
        { expr: `histogram_quantile(0.99, sum by (${OBI_DB_CLIENT.systemLabel}, ${OBI_DB_CLIENT.operationLabel}, le) (rate(${OBI_DB_CLIENT.bucket}{${db}}${RATE})))`, legend: '{{db_system_name}} {{db_operation_name}}' },
      ], 12),
    )
    .withPanel(
      timeseries('Time spent in the database (top 10)', 'Seconds of database time per second, per service and operation: where the latency budget goes.', 's', [
        { expr: `topk(10, sum by (${by}) (rate(${OBI_DB_CLIENT.sum}{${db}}${RATE})))`, legend: '{{service_name}} {{db_system_name}} {{db_operation_name}}' },
      ], 12),
    )
    .withRow(row('Load and errors'))
    .withPanel(
      timeseries('Operations per second', 'Database calls per second per system and operation.', 'ops', [
        { expr: `sum by (${OBI_DB_CLIENT.systemLabel}, ${OBI_DB_CLIENT.operationLabel}) (rate(${OBI_DB_CLIENT.count}{${db}}${RATE}))`, legend: '{{db_system_name}} {{db_operation_name}}' },
      ], 12),
    )
    .withPanel(
      timeseries('Error ratio', 'Share of database calls with an error.type, per system and operation.', 'percentunit', [
        {
          expr:
            `sum by (${OBI_DB_CLIENT.systemLabel}, ${OBI_DB_CLIENT.operationLabel}) (rate(${OBI_DB_CLIENT.count}{${db}, ${OBI_DB_CLIENT.errorLabel}!=""}${RATE}))\n` +
            `/\nsum by (${OBI_DB_CLIENT.systemLabel}, ${OBI_DB_CLIENT.operationLabel}) (rate(${OBI_DB_CLIENT.count}{${db}}${RATE}))`,
          legend: '{{db_system_name}} {{db_operation_name}}',
        },
      ], 8),
    )
    .withPanel(
      stat('Profiling series', 'Series of the database histogram (count only): the cardinality guardrail, see docs/experiments/database-profiling.md.', 'short', {
        expr: `count(${OBI_DB_CLIENT.count}{cluster=~"$cluster"})`,
      }, [
        { color: 'green', value: null },
        { color: 'orange', value: 2000 },
        { color: 'red', value: 10000 },
      ], 4),
    )
    .withRow(row('Traces'))
    .withPanel(slowDbSpans())
    .build();
}

/** The experiment dashboards the environment switches on, by key. */
export function experimentDashboards(env: Environment): Partial<Record<ExperimentDashboardKey, Dashboard>> {
  const out: Partial<Record<ExperimentDashboardKey, Dashboard>> = {};
  if (env.experiments.serviceDependencyGraph) out.dependencies = dashboardOnce('dependencies', dependencies);
  if (env.experiments.databaseProfiling) out['slowest-queries'] = dashboardOnce('slowest-queries', slowestQueries);
  return out;
}
