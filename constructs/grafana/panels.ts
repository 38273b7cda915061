import * as common from '@grafana/grafana-foundation-sdk/common';
import { Dashboard, DashboardBuilder, QueryVariableBuilder, RowBuilder, ThresholdsConfigBuilder, ThresholdsMode, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as LogsPanel } from '@grafana/grafana-foundation-sdk/logs';
import { DataqueryBuilder as LokiQuery } from '@grafana/grafana-foundation-sdk/loki';
import { DataqueryBuilder as PromQuery, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { DataqueryBuilder as TempoQuery } from '@grafana/grafana-foundation-sdk/tempo';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { datasourceRef } from './datasources';

/** Small helpers over the foundation SDK so the dashboards read as lists of panels. */

export interface Query {
  readonly expr: string;
  readonly legend?: string;
}

/** How a dashboard's cluster / namespace / service variables map onto the labels of its metrics. */
export interface VariableLabels {
  /** Metric whose label values feed the variables. */
  readonly metric: string;
  readonly namespaceLabel: string;
  readonly serviceLabel: string;
}

const REF_IDS = 'ABCDEFGHIJ';

function promTargets(queries: readonly Query[]): PromQuery[] {
  return queries.map((q, i) =>
    new PromQuery()
      .refId(REF_IDS[i])
      .datasource(datasourceRef('mimir'))
      .expr(q.expr)
      .legendFormat(q.legend ?? '__auto')
      .range(),
  );
}

function legend(): common.VizLegendOptionsBuilder {
  return new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom);
}

export function timeseries(title: string, description: string, unit: string, queries: readonly Query[], width = 12): TimeseriesPanel {
  let p = new TimeseriesPanel()
    .title(title)
    .description(description)
    .datasource(datasourceRef('mimir'))
    .unit(unit)
    .height(8)
    .span(width)
    .fillOpacity(10)
    .legend(legend());
  for (const t of promTargets(queries)) p = p.withTarget(t);
  return p;
}

/** A single-value panel; `steps` are threshold colours from low to high (first step has no value). */
export function stat(
  title: string,
  description: string,
  unit: string,
  query: Query,
  steps: readonly { color: string; value: number | null }[] = [{ color: 'green', value: null }],
  width = 6,
): StatPanel {
  return new StatPanel()
    .title(title)
    .description(description)
    .datasource(datasourceRef('mimir'))
    .unit(unit)
    .height(5)
    .span(width)
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps.map((s) => ({ color: s.color, value: s.value }))))
    .withTarget(promTargets([query])[0].instant());
}

/** A table of instant PromQL values (one row per series). */
export function table(title: string, description: string, unit: string, queries: readonly Query[], width = 24): TablePanel {
  let p = new TablePanel().title(title).description(description).datasource(datasourceRef('mimir')).unit(unit).height(8).span(width);
  for (const t of promTargets(queries)) p = p.withTarget(t.instant().format(PromQueryFormat.Table));
  return p;
}

export function logs(title: string, description: string, expr: string, width = 24): LogsPanel {
  return new LogsPanel()
    .title(title)
    .description(description)
    .datasource(datasourceRef('loki'))
    .height(10)
    .span(width)
    .withTarget(new LokiQuery().refId('A').datasource(datasourceRef('loki')).expr(expr).maxLines(200));
}

export function lokiTimeseries(title: string, description: string, unit: string, expr: string, legendFormat: string, width = 12): TimeseriesPanel {
  return new TimeseriesPanel()
    .title(title)
    .description(description)
    .datasource(datasourceRef('loki'))
    .unit(unit)
    .height(8)
    .span(width)
    .fillOpacity(10)
    .legend(legend())
    .withTarget(new LokiQuery().refId('A').datasource(datasourceRef('loki')).expr(expr).legendFormat(legendFormat).range(true));
}

export function traceSearch(title: string, description: string, traceql: string, width = 24): TablePanel {
  return new TablePanel()
    .title(title)
    .description(description)
    .datasource(datasourceRef('tempo'))
    .height(10)
    .span(width)
    .withTarget(new TempoQuery().refId('A').datasource(datasourceRef('tempo')).queryType('traceql').query(traceql).limit(20));
}

export function row(title: string): RowBuilder {
  return new RowBuilder(title);
}

/** A dashboard with the cluster, namespace and service template variables every MOP dashboard has. */
export function dashboard(uid: string, title: string, description: string, vars: VariableLabels): DashboardBuilder {
  const ds = datasourceRef('mimir');
  const variable = (name: string, label: string, query: string) =>
    new QueryVariableBuilder(name)
      .label(label)
      .datasource(ds)
      .query(query)
      .definition(query)
      .refresh(VariableRefresh.OnTimeRangeChanged)
      .sort(VariableSort.AlphabeticalAsc)
      .multi(true)
      .includeAll(true)
      .allValue('.+');
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['mop'])
    .editable()
    .timezone('browser')
    .refresh('1m')
    .time({ from: 'now-6h', to: 'now' })
    .withVariable(variable('cluster', 'Cluster', `label_values(${vars.metric}, cluster)`))
    .withVariable(variable('namespace', 'Namespace', `label_values(${vars.metric}{cluster=~"$cluster"}, ${vars.namespaceLabel})`))
    .withVariable(
      variable('service', 'Service', `label_values(${vars.metric}{cluster=~"$cluster", ${vars.namespaceLabel}=~"$namespace"}, ${vars.serviceLabel})`),
    );
}

const built = new Map<string, Dashboard>();

/**
 * Builds each distinct dashboard once per process: every environment gets the same dashboards but for the inputs
 * named in `key` (and the builders take nothing else). Callers must not modify the result.
 */
export function dashboardOnce(key: string, build: () => Dashboard): Dashboard {
  let d = built.get(key);
  if (!d) {
    d = build();
    built.set(key, d);
  }
  return d;
}
