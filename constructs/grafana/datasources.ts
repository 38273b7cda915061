import { Environment } from '../../environments';
import { LOG_LABELS, TRACE_ID_METADATA } from '../alloy/collection';
import { Endpoints, url } from '../endpoints';
import { globalRegions } from '../multi-region';
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

/**
 * Span attribute → metric label of the traces-to-metrics links: OBI reports `service.name` and `k8s.namespace.name`
 * as data-point attributes too (pkg/export/attributes/attr_defs.go), which otelcol.exporter.prometheus turns into
 * `service_name` and `k8s_namespace_name`.
 */
export const TRACES_TO_METRICS_TAGS = [
  { key: 'service.name', value: 'service_name' },
  { key: 'k8s.namespace.name', value: 'k8s_namespace_name' },
];

/**
 * Span attribute → Loki stream label of "Logs for this span": the labels the Alloy log pipeline sets on application
 * logs (pod logs and OTLP logs, constructs/alloy/collection.ts LOG_LABELS). test/grafana/correlation-contract checks
 * both sides from the rendered objects.
 */
export const TRACES_TO_LOGS_TAGS = [
  { key: 'service.name', value: LOG_LABELS.service },
  { key: 'k8s.namespace.name', value: LOG_LABELS.namespace },
];

/** Major.minor.patch of Mimir's Prometheus-compatible API, as Grafana's `prometheusVersion` expects. */
function mimirVersion(): string {
  return VERSIONS.mimir.tag.replace(/^v/, '');
}

/** One Tempo datasource and the Loki datasource of the same store pair (they link to each other). */
interface TraceLogPair {
  /** Suffix of the datasource names, e.g. ` (eu-west-1)`; empty for the default pair. */
  readonly label: string;
  readonly tempoUid: string;
  readonly lokiUid: string;
  readonly tempoUrl: string;
  readonly lokiUrl: string;
}

/** UIDs of a region's Tempo and Loki datasources in the global Grafana (multi-region). */
export function regionDatasourceUids(region: string): { tempo: string; loki: string } {
  return { tempo: `${DATASOURCE_UIDS.tempo}-${region}`, loki: `${DATASOURCE_UIDS.loki}-${region}` };
}

/**
 * The Tempo/Loki pairs Grafana reads. A single cluster: its own Tempo and Loki under the default UIDs. The global
 * environment of a multi-region deployment: one pair per region (`mop-tempo-<region>`, `mop-loki-<region>`) at the
 * URLs the region exposes, plus the default UIDs pointing at the first region so that the dashboards, which refer to
 * `mop-tempo` and `mop-loki`, keep working.
 */
export function traceLogPairs(env: Environment, ep: Endpoints): TraceLogPair[] {
  const regions = globalRegions(env);
  if (regions.length === 0) {
    return [{ label: '', tempoUid: DATASOURCE_UIDS.tempo, lokiUid: DATASOURCE_UIDS.loki, tempoUrl: url(ep.tempoQuery), lokiUrl: url(ep.lokiQuery) }];
  }
  const first = regions[0];
  return [
    { label: ` (default: ${first.name})`, tempoUid: DATASOURCE_UIDS.tempo, lokiUid: DATASOURCE_UIDS.loki, tempoUrl: first.tempoQueryUrl, lokiUrl: first.lokiQueryUrl },
    ...regions.map((r) => {
      const uids = regionDatasourceUids(r.name);
      return { label: ` ${r.name}`, tempoUid: uids.tempo, lokiUid: uids.loki, tempoUrl: r.tempoQueryUrl, lokiUrl: r.lokiQueryUrl };
    }),
  ];
}

/**
 * The provisioned datasources file. Field names: grafana/grafana public/app/plugins/datasource/{prometheus (PromOptions
 * in packages/grafana-prometheus/src/types.ts), tempo/types.ts (TraceToLogsOptionsV2, TraceToMetricsOptions),
 * loki/types.ts (DerivedFieldConfig)} and docs/sources/datasources/*.
 */
export function datasourcesFile(env: Environment, ep: Endpoints): Record<string, unknown> {
  const tenantHeader = { httpHeaderName1: 'X-Scope-OrgID' };
  const tenantValue = { httpHeaderValue1: env.tenant };
  const pairs = traceLogPairs(env, ep);
  const regions = globalRegions(env);
  // Exemplars carry only the trace ID: one "View trace" link per region (Grafana adds a link per destination).
  const exemplarDestinations = regions.length
    ? regions.map((r) => ({ name: 'trace_id', datasourceUid: regionDatasourceUids(r.name).tempo, urlDisplayLabel: `View trace in ${r.name}` }))
    : [{ name: 'trace_id', datasourceUid: DATASOURCE_UIDS.tempo, urlDisplayLabel: 'View trace' }];
  const tempo = (p: TraceLogPair) => ({
    name: `Tempo${p.label}`,
    type: DATASOURCE_TYPES.tempo,
    uid: p.tempoUid,
    access: 'proxy',
    url: p.tempoUrl,
    editable: false,
    jsonData: {
      ...tenantHeader,
      tracesToLogsV2: {
        datasourceUid: p.lokiUid,
        spanStartTimeShift: '-2s',
        spanEndTimeShift: '2s',
        tags: TRACES_TO_LOGS_TAGS,
        filterByTraceID: true,
        filterBySpanID: false,
        customQuery: false,
      },
      tracesToMetrics: {
        datasourceUid: DATASOURCE_UIDS.mimir,
        spanStartTimeShift: '-2m',
        spanEndTimeShift: '2m',
        tags: TRACES_TO_METRICS_TAGS,
        queries: TRACES_TO_METRICS_QUERIES.map((q) => ({ name: q.name, query: escapeProvisioning(q.query) })),
      },
      serviceMap: { datasourceUid: DATASOURCE_UIDS.mimir },
      nodeGraph: { enabled: true },
      lokiSearch: { datasourceUid: p.lokiUid },
      search: { hide: false },
      traceQuery: { timeShiftEnabled: true, spanStartTimeShift: '-30m', spanEndTimeShift: '30m' },
    },
    secureJsonData: tenantValue,
  });
  const loki = (p: TraceLogPair) => ({
    name: `Loki${p.label}`,
    type: DATASOURCE_TYPES.loki,
    uid: p.lokiUid,
    access: 'proxy',
    url: p.lokiUrl,
    editable: false,
    jsonData: {
      ...tenantHeader,
      maxLines: '1000',
      derivedFields: [
        {
          name: 'TraceID',
          // The log pipeline lifts the trace ID of a line into structured metadata (TRACE_ID_METADATA).
          matcherType: 'label',
          matcherRegex: TRACE_ID_METADATA,
          datasourceUid: p.tempoUid,
          url: escapeProvisioning('${__value.raw}'),
          urlDisplayLabel: 'View trace',
        },
      ],
    },
    secureJsonData: tenantValue,
  });
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
          exemplarTraceIdDestinations: exemplarDestinations,
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
      ...pairs.flatMap((p) => [tempo(p), loki(p)]),
    ],
  };
}
