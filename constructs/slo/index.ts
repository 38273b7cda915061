import { toYaml } from '../base/yaml';
import { Environment, SloConfig } from '../../environments';
import { databaseProfilingRuleFiles } from '../experiments/database-profiling';
import { withRunbooks } from '../monitoring';
import { REGION_LABEL } from '../multi-region';
import { OBI_DURATION_BUCKETS_SECONDS } from './buckets';

/**
 * SLO recording rules and multi-window, multi-burn-rate alerts (Google SRE workbook, "Alerting on SLOs") computed
 * from OBI's HTTP server histogram. The Mimir construct loads `mimirRuleFiles(env)` into the ruler.
 *
 * OBI facts (open-telemetry/opentelemetry-ebpf-instrumentation):
 * - metric `http_server_request_duration_seconds` (pkg/export/attributes/metric.go, HTTPServerDuration.Prom);
 * - labels as the Prometheus exporter writes them: `service_name`, `k8s_namespace_name`, `http_response_status_code`
 *   (pkg/export/attributes/names/attrs.go: Name.Prom() replaces "." by "_"; pkg/export/prom/prom.go);
 * - default duration buckets (pkg/export/otel/common.go DefaultBuckets.DurationHistogram).
 */


export { OBI_DURATION_BUCKETS_SECONDS };

export const OBI_HTTP_SERVER = {
  count: 'http_server_request_duration_seconds_count',
  bucket: 'http_server_request_duration_seconds_bucket',
  serviceLabel: 'service_name',
  namespaceLabel: 'k8s_namespace_name',
  statusLabel: 'http_response_status_code',
} as const;

/**
 * Labels the SLI recording rules keep: `cluster` is added by the Alloy pipeline to every series, `region` too in a
 * multi-region deployment (absent elsewhere, where `by` simply yields no such label), so the global Mimir evaluates
 * every SLO per region and its alerts say which region burns.
 */
export const SLI_LABELS = ['cluster', REGION_LABEL, OBI_HTTP_SERVER.namespaceLabel, OBI_HTTP_SERVER.serviceLabel] as const;

/** Windows every SLI is recorded over: the short and long windows of the four burn-rate alerts. */
export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type SloWindow = (typeof SLO_WINDOWS)[number];

/** Recording rule names (the SLO dashboard reads these). */
export const SLO_RECORDS = {
  errorRatio: (w: SloWindow) => `slo:http_error:ratio_rate${w}`,
  latencyMissRatio: (w: SloWindow) => `slo:http_latency_miss:ratio_rate${w}`,
  /** The objective as a ratio (0.999), labelled `slo="availability"` or `slo="latency"`. */
  objective: 'slo:objective:ratio',
  /** The latency threshold actually evaluated (the OBI bucket boundary), in seconds. */
  latencyThreshold: 'slo:latency_threshold:seconds',
} as const;

export interface BurnRateAlert {
  /** Alert name suffix. */
  readonly tier: 'Fast' | 'Medium' | 'Slow' | 'VerySlow';
  readonly burnRate: number;
  readonly longWindow: SloWindow;
  readonly shortWindow: SloWindow;
  readonly severity: 'page' | 'ticket';
  /** Share of a 30-day budget spent when the long window fires (workbook table 5-8). */
  readonly budgetSpent: string;
}

/** The SRE workbook's recommended multi-window, multi-burn-rate parameters for a 30-day SLO window. */
export const BURN_RATE_ALERTS: readonly BurnRateAlert[] = [
  { tier: 'Fast', burnRate: 14.4, longWindow: '1h', shortWindow: '5m', severity: 'page', budgetSpent: '2%' },
  { tier: 'Medium', burnRate: 6, longWindow: '6h', shortWindow: '30m', severity: 'page', budgetSpent: '5%' },
  { tier: 'Slow', burnRate: 3, longWindow: '1d', shortWindow: '2h', severity: 'ticket', budgetSpent: '10%' },
  { tier: 'VerySlow', burnRate: 1, longWindow: '3d', shortWindow: '6h', severity: 'ticket', budgetSpent: '10%' },
];

export type SloKind = 'availability' | 'latency';

export function alertName(kind: SloKind, tier: BurnRateAlert['tier']): string {
  return `SLO${kind === 'availability' ? 'Availability' : 'Latency'}BudgetBurn${tier}`;
}

/**
 * The `le` bucket the latency SLI counts as "fast enough": the largest OBI bucket boundary not above the configured
 * threshold (rounding down keeps the objective at least as strict as configured). `rounded` says whether it moved.
 */
export function latencyBucket(thresholdMs: number): { le: number; rounded: boolean } {
  const seconds = thresholdMs / 1000;
  const candidates = OBI_DURATION_BUCKETS_SECONDS.filter((b) => b > 0 && b <= seconds + 1e-12);
  if (candidates.length === 0) {
    throw new Error(`latency threshold ${thresholdMs}ms is below OBI's smallest duration bucket (${OBI_DURATION_BUCKETS_SECONDS[1] * 1000}ms)`);
  }
  const le = candidates[candidates.length - 1];
  return { le, rounded: Math.abs(le - seconds) > 1e-12 };
}

/**
 * Matcher for a bucket boundary. Prometheus 3 (and so Alloy's scraper) normalises `le` of classic histograms to a
 * float ("1" becomes "1.0"), so integer boundaries match both spellings.
 */
export function leMatcher(le: number): string {
  return Number.isInteger(le) ? `le=~"${le}(\\\\.0)?"` : `le="${le}"`;
}

/** Rounds away binary floating-point noise (14.4 * 0.001 = 0.014400000000000001). */
export function tidy(n: number): number {
  return Number(n.toPrecision(12));
}

function selector(slo: SloConfig, extra: string[] = []): string {
  return [`${OBI_HTTP_SERVER.namespaceLabel}="${slo.namespace}"`, `${OBI_HTTP_SERVER.serviceLabel}="${slo.service}"`, ...extra].join(', ');
}

const BY = `sum by (${SLI_LABELS.join(', ')})`;

export function errorRatioExpr(slo: SloConfig, w: SloWindow): string {
  const all = `${BY} (rate(${OBI_HTTP_SERVER.count}{${selector(slo)}}[${w}]))`;
  const errors = `${BY} (rate(${OBI_HTTP_SERVER.count}{${selector(slo, [`${OBI_HTTP_SERVER.statusLabel}=~"5.."`])}}[${w}]))`;
  // "or 0 * all" keeps the ratio at 0 (not absent) while requests succeed.
  return `(${errors} or 0 * ${all})\n/\n${all}`;
}

export function latencyMissRatioExpr(slo: SloConfig, w: SloWindow): string {
  const { le } = latencyBucket(slo.latencyThresholdMs);
  const fast = `${BY} (rate(${OBI_HTTP_SERVER.bucket}{${selector(slo, [leMatcher(le)])}}[${w}]))`;
  const all = `${BY} (rate(${OBI_HTTP_SERVER.count}{${selector(slo)}}[${w}]))`;
  return `1 - (\n${fast}\n/\n${all}\n)`;
}

function days(burnRate: number): string {
  const hours = (30 * 24) / burnRate;
  return hours % 24 === 0 ? `${hours / 24}d` : `${Math.floor(hours / 24)}d ${Math.round(hours % 24)}h`;
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Record<string, unknown>[];
}

/** Name of a rule file / group prefix for one SLO. */
export function sloId(slo: SloConfig): string {
  return `slo-${slo.namespace}-${slo.service}`;
}

export function sloRuleGroups(slo: SloConfig): RuleGroup[] {
  const id = sloId(slo);
  const sliLabels = { [OBI_HTTP_SERVER.namespaceLabel]: slo.namespace, [OBI_HTTP_SERVER.serviceLabel]: slo.service };
  const recording: Record<string, unknown>[] = [];
  for (const w of SLO_WINDOWS) recording.push({ record: SLO_RECORDS.errorRatio(w), expr: errorRatioExpr(slo, w) });
  for (const w of SLO_WINDOWS) recording.push({ record: SLO_RECORDS.latencyMissRatio(w), expr: latencyMissRatioExpr(slo, w) });
  recording.push({ record: SLO_RECORDS.objective, expr: `vector(${tidy(slo.objectivePercent / 100)})`, labels: { ...sliLabels, slo: 'availability' } });
  recording.push({ record: SLO_RECORDS.objective, expr: `vector(${tidy(slo.latencyObjectivePercent / 100)})`, labels: { ...sliLabels, slo: 'latency' } });
  const { le } = latencyBucket(slo.latencyThresholdMs);
  recording.push({ record: SLO_RECORDS.latencyThreshold, expr: `vector(${le})`, labels: { ...sliLabels } });

  const alerts: Record<string, unknown>[] = [];
  const sel = `{${selector(slo)}}`;
  for (const kind of ['availability', 'latency'] as const) {
    const objective = kind === 'availability' ? slo.objectivePercent : slo.latencyObjectivePercent;
    const budget = tidy(1 - objective / 100);
    const record = kind === 'availability' ? SLO_RECORDS.errorRatio : SLO_RECORDS.latencyMissRatio;
    const what = kind === 'availability' ? 'requests answered with a 5xx status' : `requests slower than ${le * 1000}ms`;
    for (const a of BURN_RATE_ALERTS) {
      const threshold = tidy(a.burnRate * budget);
      alerts.push({
        alert: alertName(kind, a.tier),
        expr: `${record(a.longWindow)}${sel} > ${threshold}\nand\n${record(a.shortWindow)}${sel} > ${threshold}`,
        labels: {
          severity: a.severity,
          slo: kind,
          burn_rate: String(a.burnRate),
          long_window: a.longWindow,
          short_window: a.shortWindow,
        },
        annotations: {
          summary: `${slo.service} (${slo.namespace}) burns its ${kind} error budget ${a.burnRate}x too fast`,
          description:
            `{{ $labels.service_name }} in {{ $labels.k8s_namespace_name }}: the share of ${what} over ${a.longWindow} ` +
            `and over ${a.shortWindow} is above ${threshold} (objective ${objective}%, budget ${tidy(budget * 100)}%). ` +
            `At ${a.burnRate}x the 30-day error budget lasts ${days(a.burnRate)}; ${a.budgetSpent} of it is spent when this fires.`,
        },
      });
    }
  }
  return [
    { name: `${id}-sli`, rules: recording },
    { name: `${id}-alerts`, rules: alerts },
  ];
}

/** The rule file name of one SLO (`slo-<namespace>-<service>.yaml`). */
export function ruleFileName(slo: SloConfig): string {
  return `${sloId(slo)}.yaml`;
}

/**
 * Prometheus rule files (file name → YAML with `groups`) for the Mimir ruler, one per SLO of the environment, plus
 * the rule files of the experiments the environment switches on (`experiment-*.yaml`, constructs/experiments/).
 */
export function mimirRuleFiles(env: Environment): Record<string, string> {
  const files: Record<string, string> = {};
  for (const slo of env.slos) {
    files[ruleFileName(slo)] = toYaml({ groups: withRunbooks(env, sloRuleGroups(slo)) });
  }
  return { ...files, ...databaseProfilingRuleFiles(env) };
}
