import { Environment } from '../../environments';
import { Endpoints, url } from '../endpoints';
import { VERSIONS } from '../versions';

/** Fixed datasource UIDs: dashboards and correlation links refer to these. */
export const DATASOURCE_UIDS = {
  mimir: 'mop-mimir',
  mimirAlertmanager: 'mop-mimir-alertmanager',
  tempo: 'mop-tempo',
  loki: 'mop-loki',
} as const;

export const DATASOURCE_TYPES = {
  mimir: 'prometheus',
  mimirAlertmanager: 'alertmanager',
  tempo: 'tempo',
  loki: 'loki',
} as const;

export type DatasourceKey = keyof typeof DATASOURCE_UIDS;

export function datasourceRef(key: DatasourceKey): { type: string; uid: string } {
  return { type: DATASOURCE_TYPES[key], uid: DATASOURCE_UIDS[key] };
}

/**
 * Grafana expands `$VAR` / `${VAR}` from its environment in provisioning files; `$$` is a literal `$`
 * (docs/sources/administration/provisioning/index.md). Template variables in links must be escaped.
 */
export function escapeProvisioning(s: string): string {
  return s.replace(/\$/g, '$$$$');
}

/** PromQL queries of the Tempo "traces to metrics" links (unescaped; `$__tags` is filled in by Grafana). */
export const TRACES_TO_METRICS_QUERIES: readonly { name: string; query: string }[] = [
  { name: 'Request rate', query: 'sum by (http_response_status_code) (rate(http_server_request_duration_seconds_count{$__tags}[5m]))' },
  { name: 'p95 latency', query: 'histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket{$__tags}[5m])))' },
];

/** Span attribute → metric / log label mapping of the correlations (OBI resource attributes, Prometheus names). */
const SPAN_TAGS = [
  { key: 'service.name', value: 'service_name' },
  { key: 'k8s.namespace.name', value: 'k8s_namespace_name' },
];

/** Major.minor.patch of Mimir's Prometheus-compatible API, as Grafana's `prometheusVersion` expects. */
function mimirVersion(): string {
  return VERSIONS.mimir.tag.replace(/^v/, '');
}

/**
 * The provisioned datasources file. Field names: grafana/grafana public/app/plugins/datasource/{prometheus (PromOptions
 * in packages/grafana-prometheus/src/types.ts), tempo/types.ts (TraceToLogsOptionsV2, TraceToMetricsOptions),
 * loki/types.ts (DerivedFieldConfig)} and docs/sources/datasources/*.
 */
export function datasourcesFile(env: Environment, ep: Endpoints): Record<string, unknown> {
  const tenantHeader = { httpHeaderName1: 'X-Scope-OrgID' };
  const tenantValue = { httpHeaderValue1: env.tenant };
  return {
    apiVersion: 1,
    datasources: [
      {
        name: 'Mimir',
        type: DATASOURCE_TYPES.mimir,
        uid: DATASOURCE_UIDS.mimir,
        access: 'proxy',
        url: url(ep.mimirQuery),
        isDefault: true,
        editable: false,
        jsonData: {
          ...tenantHeader,
          prometheusType: 'Mimir',
          prometheusVersion: mimirVersion(),
          httpMethod: 'POST',
          timeInterval: '30s',
          exemplarTraceIdDestinations: [{ name: 'trace_id', datasourceUid: DATASOURCE_UIDS.tempo, urlDisplayLabel: 'View trace' }],
        },
        secureJsonData: tenantValue,
      },
      {
        name: 'Mimir Alertmanager',
        type: DATASOURCE_TYPES.mimirAlertmanager,
        uid: DATASOURCE_UIDS.mimirAlertmanager,
        access: 'proxy',
        // Mimir serves the Alertmanager under its `/alertmanager` HTTP prefix (-http.alertmanager-http-prefix).
        url: `${url(ep.mimirAlertmanager)}/alertmanager`,
        editable: false,
        jsonData: { ...tenantHeader, implementation: 'mimir', handleGrafanaManagedAlerts: false },
        secureJsonData: tenantValue,
      },
      {
        name: 'Tempo',
        type: DATASOURCE_TYPES.tempo,
        uid: DATASOURCE_UIDS.tempo,
        access: 'proxy',
        url: url(ep.tempoQuery),
        editable: false,
        jsonData: {
          ...tenantHeader,
          tracesToLogsV2: {
            datasourceUid: DATASOURCE_UIDS.loki,
            spanStartTimeShift: '-2s',
            spanEndTimeShift: '2s',
            tags: SPAN_TAGS,
            filterByTraceID: true,
            filterBySpanID: false,
            customQuery: false,
          },
          tracesToMetrics: {
            datasourceUid: DATASOURCE_UIDS.mimir,
            spanStartTimeShift: '-2m',
            spanEndTimeShift: '2m',
            tags: SPAN_TAGS,
            queries: TRACES_TO_METRICS_QUERIES.map((q) => ({ name: q.name, query: escapeProvisioning(q.query) })),
          },
          serviceMap: { datasourceUid: DATASOURCE_UIDS.mimir },
          nodeGraph: { enabled: true },
          lokiSearch: { datasourceUid: DATASOURCE_UIDS.loki },
          search: { hide: false },
          traceQuery: { timeShiftEnabled: true, spanStartTimeShift: '-30m', spanEndTimeShift: '30m' },
        },
        secureJsonData: tenantValue,
      },
      {
        name: 'Loki',
        type: DATASOURCE_TYPES.loki,
        uid: DATASOURCE_UIDS.loki,
        access: 'proxy',
        url: url(ep.lokiQuery),
        editable: false,
        jsonData: {
          ...tenantHeader,
          maxLines: '1000',
          derivedFields: [
            {
              name: 'TraceID',
              // OBI/OTLP logs carry the trace ID as structured metadata `trace_id`.
              matcherType: 'label',
              matcherRegex: 'trace_id',
              datasourceUid: DATASOURCE_UIDS.tempo,
              url: escapeProvisioning('${__value.raw}'),
              urlDisplayLabel: 'View trace',
            },
          ],
        },
        secureJsonData: tenantValue,
      },
    ],
  };
}
