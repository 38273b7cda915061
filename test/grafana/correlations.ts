/**
 * The correlation contract (issue #18): every label or attribute a Grafana correlation or dashboard relies on is
 * produced, under the same name, by the pipeline that feeds the datasource it queries. Both sides are read from the
 * rendered objects: the provisioned datasources and dashboards (Grafana's ConfigMaps) on one side; the Alloy
 * configs, the OBI config and the Tempo config of the feeding environments on the other.
 *
 * Facts about what the sources themselves emit (used where the pipeline only passes attributes through):
 * - OBI span resource attributes: opentelemetry.io content/en/docs/zero-code/obi/setup/kubernetes.md ("OBI can
 *   decorate your traces with the following Kubernetes labels"), plus `service.name` and `service.namespace`.
 * - OBI metric data-point attributes with Kubernetes decoration on: opentelemetry-ebpf-instrumentation
 *   pkg/export/attributes/attr_defs.go (appAttributes, appKubeAttributes, defaults true).
 * - otelcol.exporter.prometheus: data-point attributes become labels (non-alphanumerics → `_`), `job`/`instance`
 *   from the resource, exemplar trace IDs under `trace_id` (grafana/alloy v1.18.1
 *   internal/component/otelcol/exporter/prometheus/internal/convert/convert.go).
 * - otelcol.connector.servicegraph series carry `client`, `server`, `connection_type` (its reference page, "metrics
 *   emitted"); Grafana's service map reads `traces_service_graph_request_total`, `_failed_total`,
 *   `_request_server_seconds_sum` and `_bucket` (grafana/grafana public/app/plugins/datasource/tempo/graphTransform.ts).
 * - kube-state-metrics series describe their object with `namespace`, `pod`, `node` (docs/metrics/workload/pod-metrics.md).
 */
import { parse } from 'yaml';
import { Environment } from '../../environments';
import { KubeObject, RenderedEnvironment } from '../../constructs/render';
import { PATHS } from '../../constructs/alloy/collection';
import { Config, LogStream, MetricSource, attrValue, blocksNamed, childBlocks, literal, logStreams, metricSources, outputs, promLabel, readConfig } from '../support/alloy-graph';
import { labelValuesSelector, metricNames } from './expressions';

type Obj = Record<string, any>;

export const OBI_SPAN_RESOURCE_ATTRIBUTES = [
  'service.name', 'service.namespace', 'k8s.namespace.name', 'k8s.deployment.name', 'k8s.statefulset.name', 'k8s.replicaset.name',
  'k8s.daemonset.name', 'k8s.node.name', 'k8s.pod.name', 'k8s.container.name', 'k8s.pod.uid', 'k8s.pod.start_time', 'k8s.cluster.name',
];
export const OBI_METRIC_ATTRIBUTES = [
  'service.name', 'service.namespace', 'k8s.namespace.name', 'k8s.pod.name', 'k8s.container.name', 'k8s.deployment.name', 'k8s.replicaset.name',
  'k8s.job.name', 'k8s.cronjob.name', 'k8s.daemonset.name', 'k8s.statefulset.name', 'k8s.node.name', 'k8s.pod.uid', 'k8s.pod.start_time', 'k8s.cluster.name',
];
/** OBI's application metrics (the OTLP metrics the correlations and application dashboards query). */
export const OBI_METRIC = /^(http_server_request_duration_seconds|http_client_request_duration_seconds|rpc_server_call_duration_seconds|rpc_client_call_duration_seconds|db_client_operation_duration_seconds)_(bucket|count|sum)$/;
const SERVICE_GRAPH_LABELS = ['client', 'server', 'connection_type'];
const KSM_OBJECT_LABELS = ['namespace', 'pod', 'node'];

export interface Datasource {
  name: string;
  type: string;
  uid: string;
  url: string;
  jsonData: Record<string, any>;
}

/** What one environment's pipeline produces, read from its rendered objects. */
export interface Pipeline {
  readonly env: Environment;
  readonly configs: readonly Config[];
  readonly logs: readonly LogStream[];
  readonly metrics: readonly MetricSource[];
  /** Resource attributes spans of this environment carry (OBI, and SDK spans enriched by k8sattributes). */
  readonly spanAttributes: ReadonlySet<string>;
  /** Labels OBI's OTLP metrics carry at the remote write (empty when OBI does not run). */
  readonly obiMetricLabels: ReadonlySet<string>;
}

const objectsOf = (r: RenderedEnvironment): KubeObject[] => [...r.objects.values()].flat();
const configMap = (objects: readonly KubeObject[], name: string): Obj | undefined => objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name) as Obj | undefined;

export function pipelineOf(r: RenderedEnvironment, override?: { configs?: readonly string[] }): Pipeline {
  const objects = objectsOf(r);
  const texts = override?.configs ?? (r.objects.get('alloy') ?? []).filter((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-config')).map((o) => (o as Obj).data[PATHS.configFile] as string);
  const configs = texts.map(readConfig);
  const obi = configMap(objects, 'obi-config');
  const obiConfig = obi ? parse(obi.data['ebpf-instrument-config.yml']) : undefined;
  const kube = obiConfig?.attributes?.kubernetes?.enable === true;
  const spanAttributes = new Set<string>(obiConfig ? (kube ? OBI_SPAN_RESOURCE_ATTRIBUTES : ['service.name', 'service.namespace']) : []);
  for (const c of configs) {
    for (const k of c.components.filter((x) => x.name === 'otelcol.processor.k8sattributes')) {
      for (const m of childBlocks(k.body, 'extract')) {
        const list = attrValue(m.body, 'metadata');
        if (list?.type === 'array') list.elements.forEach((x) => spanAttributes.add(String(literal(x))));
      }
    }
  }
  const metrics = configs.flatMap(metricSources);
  const otlp = metrics.filter((m) => m.source === 'otelcol.exporter.prometheus.otlp');
  const obiMetricLabels = new Set<string>(
    obiConfig && otlp.length ? [...otlp.flatMap((m) => [...m.labels]), ...(kube ? OBI_METRIC_ATTRIBUTES : ['service.name', 'service.namespace']).map(promLabel)] : [],
  );
  return { env: r.env, configs, logs: configs.flatMap(logStreams), metrics, spanAttributes, obiMetricLabels };
}

export interface GrafanaSide {
  readonly datasources: readonly Datasource[];
  readonly dashboards: readonly { name: string; json: Obj }[];
  /** The Mimir ruler's recording rules (`record`, `expr`), for dashboard variables over recorded series. */
  readonly recordingRules: readonly { record: string; expr: string }[];
}

export function grafanaOf(r: RenderedEnvironment, override?: { datasources?: readonly Datasource[] }): GrafanaSide {
  const objects = objectsOf(r);
  const ds = override?.datasources ?? (parse((configMap(objects, 'grafana-datasources') as Obj).data['datasources.yaml']).datasources as Datasource[]);
  const dashboards = objects
    .filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('grafana-dashboards-') && o.metadata.name !== 'grafana-dashboard-providers')
    .flatMap((o) => Object.entries((o as Obj).data as Record<string, string>).map(([name, json]) => ({ name, json: JSON.parse(json) })));
  const rules = configMap(objects, 'mimir-rules');
  const recordingRules = Object.values((rules?.data ?? {}) as Record<string, string>)
    .flatMap((f) => (parse(f).groups as { rules: { record?: string; expr: string }[] }[]).flatMap((g) => g.rules))
    .filter((x): x is { record: string; expr: string } => typeof x.record === 'string');
  return { datasources: ds, dashboards, recordingRules };
}

const unescape = (s: string) => s.replace(/\$\$/g, '$');

/** Label matchers `{a="x", b=~"y"}` of every stream selector in a LogQL expression. */
function streamSelectors(expr: string): { label: string; value: string }[][] {
  const out: { label: string; value: string }[][] = [];
  for (const m of expr.matchAll(/\{([^{}]*)\}/g)) {
    const matchers = [...m[1].matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map((x) => ({ label: x[1], value: x[3] }));
    if (matchers.length) out.push(matchers);
  }
  return out;
}

/**
 * Labels of a recorded series: those of the rule's `by (…)` aggregation, each of which the series it aggregates must
 * carry (a `by` label missing at the source records an empty value).
 */
function recordedLabels(metric: string, rules: GrafanaSide['recordingRules'], feeders: readonly Pipeline[], v: string[]): Set<string> | undefined {
  const rule = rules.find((x) => x.record === metric);
  if (!rule) return undefined;
  const by = /\bby\s*\(([^)]*)\)/.exec(rule.expr)?.[1].split(',').map((x) => x.trim()).filter(Boolean) ?? [];
  for (const source of metricNames(rule.expr)) {
    const labels = metricLabels(source, feeders, rules, v);
    if (!labels) continue;
    // `region` exists only on a region's series (external label); the global cluster's own series lack it by design.
    for (const l of by) if (l !== 'region' && !labels.has(l)) v.push(`recording rule ${metric}: ${source} carries no label ${l}`);
  }
  return new Set(by);
}

/** Where each labelled metric of a dashboard variable comes from, and the labels it has there. */
function metricLabels(metric: string, feeders: readonly Pipeline[], rules: GrafanaSide['recordingRules'] = [], v: string[] = []): Set<string> | undefined {
  if (rules.some((x) => x.record === metric)) return recordedLabels(metric, rules, feeders, v);
  const union = (sources: MetricSource[]) => new Set(sources.flatMap((s) => [...s.labels]));
  const fromScrape = (pred: (s: MetricSource) => boolean, extra: string[] = []) => {
    const sources = feeders.flatMap((p) => p.metrics.filter(pred));
    return sources.length ? new Set([...union(sources), ...extra]) : new Set<string>();
  };
  if (OBI_METRIC.test(metric)) return new Set(feeders.flatMap((p) => [...p.obiMetricLabels]));
  if (metric.startsWith('alloy_')) return fromScrape((s) => s.source === 'prometheus.scrape.alloy');
  if (/^(cortex|tempo|loki)_/.test(metric)) return fromScrape((s) => s.source === 'prometheus.scrape.platform');
  if (metric.startsWith('kube_')) return fromScrape((s) => s.source === 'prometheus.scrape.kube_state_metrics', KSM_OBJECT_LABELS);
  if (metric === 'up') return fromScrape((s) => s.source.startsWith('prometheus.scrape.'));
  return undefined;
}

/** Every violation of the contract between a Grafana and the pipelines that feed its datasources. */
export function contractViolations(grafana: GrafanaSide, feedersOf: (datasourceUid: string) => readonly Pipeline[]): string[] {
  const v: string[] = [];
  const byUid = new Map(grafana.datasources.map((d) => [d.uid, d]));
  const mimir = grafana.datasources.find((d) => d.type === 'prometheus') as Datasource;
  const mimirFeeders = feedersOf(mimir.uid);

  for (const tempo of grafana.datasources.filter((d) => d.type === 'tempo' && feedersOf(d.uid).length > 0)) {
    const traceFeeders = feedersOf(tempo.uid);
    const j = tempo.jsonData;
    const loki = byUid.get(j.tracesToLogsV2.datasourceUid) as Datasource;
    const appLogs = feedersOf(loki.uid).flatMap((p) => p.logs.filter((s) => s.application));
    if (appLogs.length === 0 && feedersOf(loki.uid).length > 0) v.push(`${tempo.uid}: traces-to-logs links to ${loki.uid}, which no application log stream feeds`);
    for (const tag of j.tracesToLogsV2.tags as { key: string; value?: string }[]) {
      for (const p of traceFeeders) if (!p.spanAttributes.has(tag.key)) v.push(`${tempo.uid} traces-to-logs: spans of ${p.env.name} carry no ${tag.key}`);
      for (const s of appLogs) if (!s.labels.has(tag.value ?? tag.key)) v.push(`${tempo.uid} traces-to-logs: ${tag.key} → ${tag.value}, but ${s.source} streams carry no label ${tag.value ?? tag.key}`);
    }
    if (j.tracesToLogsV2.filterByTraceID) {
      // Grafana adds `|= "<trace id>"`; the lines carry the ID where the pipeline found it (and lifted it, below).
      for (const s of appLogs) if (!s.structuredMetadata.has('trace_id')) v.push(`${tempo.uid} traces-to-logs: ${s.source} lifts no trace_id`);
    }
    for (const tag of j.tracesToMetrics.tags as { key: string; value?: string }[]) {
      for (const p of traceFeeders) if (!p.spanAttributes.has(tag.key)) v.push(`${tempo.uid} traces-to-metrics: spans of ${p.env.name} carry no ${tag.key}`);
      for (const q of j.tracesToMetrics.queries as { name: string; query: string }[]) {
        for (const metric of metricNames(unescape(q.query))) {
          const labels = metricLabels(metric, mimirFeeders.filter((p) => p.obiMetricLabels.size > 0));
          if (!labels) v.push(`${tempo.uid} traces-to-metrics "${q.name}": no known source for ${metric}`);
          else if (!labels.has(tag.value ?? tag.key)) v.push(`${tempo.uid} traces-to-metrics "${q.name}": ${metric} carries no label ${tag.value ?? tag.key}`);
        }
      }
    }
    // The service map reads the servicegraph connector's series from Mimir, filtered by the panels' serviceMapQuery.
    if (j.serviceMap.datasourceUid !== mimir.uid) v.push(`${tempo.uid}: service map reads ${j.serviceMap.datasourceUid}, not Mimir`);
    const graph = traceFeeders.flatMap((p) => p.metrics.filter((m) => m.source === 'otelcol.exporter.prometheus.connectors'));
    const producers = traceFeeders.flatMap((p) => p.configs.flatMap((c) => c.components.filter((x) => x.name === 'otelcol.connector.servicegraph' && [...(outputs(c, x).get('metrics') ?? [])].some((t) => t.name === 'otelcol.exporter.prometheus'))));
    if (producers.length !== traceFeeders.length) v.push(`${tempo.uid}: expected one servicegraph connector per feeding environment, found ${producers.length}`);
    const graphLabels = new Set([...graph.flatMap((m) => [...m.labels]), ...SERVICE_GRAPH_LABELS]);
    for (const d of grafana.dashboards) {
      for (const panel of allPanels(d.json)) {
        for (const t of panel.targets ?? []) {
          if (t.queryType !== 'serviceMap' || t.datasource?.uid !== tempo.uid || graph.length === 0) continue;
          for (const sel of streamSelectors(t.serviceMapQuery ?? '')) for (const m of sel) if (!graphLabels.has(m.label)) v.push(`${d.name} "${panel.title}": service map filters on ${m.label}, which traces_service_graph_* lack`);
        }
      }
    }
  }

  for (const loki of grafana.datasources.filter((d) => d.type === 'loki')) {
    const appLogs = feedersOf(loki.uid).flatMap((p) => p.logs.filter((s) => s.application));
    for (const f of loki.jsonData.derivedFields as { name: string; matcherType: string; matcherRegex: string }[]) {
      if (f.matcherType !== 'label') continue;
      for (const s of appLogs) if (!s.structuredMetadata.has(f.matcherRegex) && !s.labels.has(f.matcherRegex)) v.push(`${loki.uid} derived field ${f.name}: ${s.source} has no ${f.matcherRegex}`);
    }
  }

  for (const dest of mimir.jsonData.exemplarTraceIdDestinations as { name: string }[]) {
    if (dest.name !== 'trace_id') v.push(`${mimir.uid}: exemplar link reads ${dest.name}; otelcol.exporter.prometheus names the exemplar label trace_id`);
  }
  const traceFeeders = [...new Set(grafana.datasources.filter((d) => d.type === 'tempo').flatMap((d) => feedersOf(d.uid)))];
  for (const p of traceFeeders) {
    const sm = p.configs.flatMap((c) => c.components.filter((x) => x.name === 'otelcol.connector.spanmetrics'));
    const withExemplars = sm.some((x) => blocksNamed(x.body, 'exemplars').some((b) => literal(attrValue(b.body, 'enabled')) === true));
    const sends = p.configs.some((c) => blocksNamed(c.ast.body as never, 'prometheus.remote_write').some((rw) => blocksNamed(rw.body, 'endpoint').every((e) => literal(attrValue(e.body, 'send_exemplars')) === true)));
    if (!withExemplars || !sends) v.push(`${mimir.uid}: exemplar links, but ${p.env.name} writes no exemplars (spanmetrics exemplars ${withExemplars}, send_exemplars ${sends})`);
  }

  for (const d of grafana.dashboards) {
    for (const variable of (d.json.templating?.list ?? []) as { name: string; query: string }[]) {
      const m = /^label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\)$/s.exec(variable.query.trim());
      if (!m) continue;
      const label = m[2];
      for (const metric of metricNames(labelValuesSelector(variable.query))) {
        const labels = metricLabels(metric, mimirFeeders, grafana.recordingRules, v);
        if (!labels) v.push(`${d.name} variable ${variable.name}: no known source for ${metric}`);
        else if (!labels.has(label)) v.push(`${d.name} variable ${variable.name}: ${metric} carries no label ${label}`);
      }
    }
    for (const panel of allPanels(d.json)) {
      for (const t of panel.targets ?? []) {
        if (t.datasource?.type !== 'loki' || feedersOf(t.datasource.uid).length === 0) continue;
        const streams = feedersOf(t.datasource.uid).flatMap((p) => p.logs);
        for (const sel of streamSelectors(t.expr ?? '')) {
          const job = sel.find((x) => x.label === 'job')?.value;
          const candidates = job ? streams.filter((s) => s.job === job) : streams.filter((s) => s.application);
          if (candidates.length === 0) v.push(`${d.name} "${panel.title}": no log stream ${job ? `with job ${job}` : 'of applications'}`);
          for (const s of candidates) for (const x of sel) if (!s.labels.has(x.label)) v.push(`${d.name} "${panel.title}": ${s.source} streams carry no label ${x.label}`);
        }
      }
    }
  }
  return [...new Set(v)];
}

function allPanels(dashboard: Obj): Obj[] {
  const out: Obj[] = [];
  const walk = (ps: Obj[]) => ps.forEach((p) => (out.push(p), walk(p.panels ?? [])));
  walk(dashboard.panels ?? []);
  return out;
}

/** Which environments feed a datasource of the Grafana in `consumer` (a region feeds its own Tempo and Loki). */
export function feedingEnvironments(consumer: Environment, datasource: Datasource, all: readonly Environment[]): Environment[] {
  if (consumer.multiRegion?.role !== 'global') return [consumer];
  const regions = consumer.multiRegion.regions;
  const regional = all.filter((e) => e.multiRegion?.role === 'regional');
  if (datasource.type === 'prometheus') return [consumer, ...regional];
  const inRegion = (name: string) => regional.filter((e) => e.cluster.region === name);
  const region = regions.find((r) => datasource.url === r.tempoQueryUrl || datasource.url === r.lokiQueryUrl);
  if (!region) return [];
  // The global cluster writes its own logs to the first region's Loki.
  const own = datasource.type === 'loki' && region.lokiPushUrl ? [consumer] : [];
  return [...inRegion(region.name), ...own];
}

