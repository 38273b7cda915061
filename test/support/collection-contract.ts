/**
 * The rules ↔ collection contract: every series a Mimir rule, a Grafana panel, a traces-to-metrics link or a canary
 * analysis reads is written into that Mimir, for that tenant, by the pipelines of the environments that write there,
 * with labels that can satisfy the selector. Both sides come from the rendered objects: the queries from the Mimir
 * ruler's ConfigMap, Grafana's dashboards and datasources and the ClusterAnalysisTemplates; the series from the Alloy
 * configs (test/support/metric-producers.ts) and, for recorded series and `ALERTS`, from the ruler's own rule files.
 *
 * A selector fails when no series can match it: its metric has no known source (test/grafana/known-metrics.ts), no
 * writer runs that source, every writer's allow-list drops it, or no writer's labels satisfy the matchers (a job or a
 * namespace that nothing scraped carries, a label the pipeline does not set on a series that only has the pipeline's
 * labels). Each alternative of a `job` regex must select something too: a stale job name in an alternation is how
 * an alert keeps "working" in tests after its series were renamed.
 *
 * Labels the pipeline sets are known exactly and win over a program's own (honor_labels is false). Of the identity
 * labels (`job`, `namespace`, `pod`, …) a program writes only those it is known to (kube-state-metrics' `namespace`,
 * test/support/metric-producers.ts EXPOSED_IDENTITY); any other label it writes (Mimir's `route`) may take any value.
 */
import { parse } from 'yaml';
import { Environment } from '../../environments';
import { RenderedEnvironment } from '../../constructs/render';
import { LabelMatcher, VectorSelector, dashboardExpressions, vectorSelectors } from '../grafana/expressions';
import { Datasource, feedingEnvironments } from '../grafana/correlations';
import { KNOWN_METRICS, META_MONITORING_METRICS, Producer, producersOf, seriesNames } from '../grafana/known-metrics';
import { EXPOSED_IDENTITY, IDENTITY_LABELS, MetricSource, metricSourcesOf, throughRoute } from './metric-producers';
import { anchored } from './relabel';

type Obj = Record<string, any>;
const objectsOf = (r: RenderedEnvironment): Obj[] => [...r.objects.values()].flat() as Obj[];

// ---------------------------------------------------------------------------------------------------------
// The reading side
// ---------------------------------------------------------------------------------------------------------

/** A PromQL expression and the Mimir (environment and tenant) it is evaluated against. */
export interface Query {
  /** `rule meta-kubernetes.yaml group mop-meta-kubernetes alert KubePodCrashLooping`, `dashboard … panel …`. */
  readonly where: string;
  readonly expr: string;
  /** The environment whose Mimir answers it. */
  readonly mimir: string;
  readonly tenant: string;
}

export interface RuleFile {
  readonly file: string;
  readonly groups: readonly { name: string; rules: readonly Obj[] }[];
}

/** The ruler's rule files and the tenant they are loaded for (the first path segment of the mounted items). */
export function rulerRules(r: RenderedEnvironment): { tenant: string; files: RuleFile[] } | undefined {
  const objects = objectsOf(r);
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'mimir-rules');
  if (!cm) return undefined;
  const items = objects
    .filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind))
    .flatMap((o) => (o.spec.template.spec.volumes ?? []) as Obj[])
    .filter((v) => v.configMap?.name === 'mimir-rules')
    .flatMap((v) => (v.configMap.items ?? []) as { key: string; path: string }[]);
  const tenants = [...new Set(items.map((i) => i.path.split('/')[0]))];
  if (tenants.length !== 1) throw new Error(`${r.env.name}: mimir-rules is mounted for tenants ${JSON.stringify(tenants)}, expected one`);
  const files = Object.entries(cm.data as Record<string, string>).map(([file, text]) => ({ file, groups: parse(text).groups }));
  return { tenant: tenants[0], files };
}

const inCluster = (url: string) => /^https?:\/\/[^/]+\.svc\.cluster\.local[:/]/.test(url);

/** The environment whose Mimir a URL reaches from `r`: its own in the cluster, the global one across regions. */
function mimirAt(r: RenderedEnvironment, url: string, all: readonly Environment[]): string | undefined {
  if (inCluster(url)) return r.env.components.includes('mimir') ? r.env.name : undefined;
  const g = r.env.multiRegion?.role === 'regional' ? r.env.multiRegion.globalMimir : undefined;
  if (!g || !url.startsWith(g.queryUrl)) return undefined;
  return all.find((e) => e.multiRegion?.role === 'global' && e.multiRegion.regions.some((x) => x.name === r.env.cluster.region))?.name;
}

/** Every PromQL query an environment's objects evaluate against a Mimir. */
export function queriesOf(r: RenderedEnvironment, all: readonly Environment[]): Query[] {
  const out: Query[] = [];
  const ruler = rulerRules(r);
  for (const f of ruler?.files ?? []) {
    for (const g of f.groups) {
      for (const rule of g.rules) {
        const what = rule.alert ? `alert ${rule.alert}` : `record ${rule.record}`;
        out.push({ where: `rule ${f.file} group ${g.name} ${what}`, expr: rule.expr, mimir: r.env.name, tenant: ruler!.tenant });
      }
    }
  }
  const objects = objectsOf(r);
  const dsFile = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'grafana-datasources');
  if (dsFile) {
    const datasources = parse(dsFile.data['datasources.yaml']).datasources as (Datasource & { secureJsonData?: Record<string, string> })[];
    const prom = new Map(datasources.filter((d) => d.type === 'prometheus').map((d) => [d.uid, d]));
    const tenantOf = (d: (typeof datasources)[number]) => (d.jsonData.httpHeaderName1 === 'X-Scope-OrgID' ? d.secureJsonData?.httpHeaderValue1 : undefined) ?? '';
    for (const cm of objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('grafana-dashboards-'))) {
      for (const [name, json] of Object.entries(cm.data as Record<string, string>)) {
        for (const e of dashboardExpressions(JSON.parse(json), name)) {
          const ds = e.language === 'promql' && e.datasourceUid ? prom.get(e.datasourceUid) : undefined;
          const mimir = ds && mimirAt(r, ds.url, all);
          if (ds && mimir) out.push({ where: `dashboard ${e.where}`, expr: e.expr, mimir, tenant: tenantOf(ds) });
        }
      }
    }
    for (const tempo of datasources.filter((d) => d.type === 'tempo')) {
      const ds = prom.get(tempo.jsonData.tracesToMetrics?.datasourceUid);
      const mimir = ds && mimirAt(r, ds.url, all);
      for (const q of (tempo.jsonData.tracesToMetrics?.queries ?? []) as { name: string; query: string }[]) {
        if (ds && mimir) out.push({ where: `datasource ${tempo.uid} traces-to-metrics "${q.name}"`, expr: q.query.replace(/\$\$/g, '$'), mimir, tenant: tenantOf(ds) });
      }
    }
  }
  for (const t of objects.filter((o) => o.kind === 'ClusterAnalysisTemplate' || o.kind === 'AnalysisTemplate')) {
    for (const m of (t.spec.metrics ?? []) as Obj[]) {
      const p = m.provider?.prometheus;
      if (!p) continue;
      const mimir = mimirAt(r, p.address, all);
      const tenant = ((p.headers ?? []) as { key: string; value: string }[]).find((h) => h.key === 'X-Scope-OrgID')?.value ?? '';
      // Argo Rollouts substitutes `{{args.<name>}}` before the query runs: a Grafana-style variable here.
      if (mimir) out.push({ where: `${t.kind} ${t.metadata.name} metric ${m.name}`, expr: p.query.replace(/\{\{\s*args\.([A-Za-z0-9_-]+)\s*\}\}/g, (_x: string, a: string) => `$${a.replace(/-/g, '_')}`), mimir, tenant });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The writing side
// ---------------------------------------------------------------------------------------------------------

/** The sources that write into one Mimir tenant: the environments feeding it, routes to its push URL and tenant. */
export interface MimirInput {
  readonly env: Environment;
  readonly tenant: string;
  readonly sources: readonly MetricSource[];
  /** The ruler's rule files: recorded series and ALERTS are written here too. */
  readonly rules: readonly RuleFile[];
}

/** The push URL of the Mimir of `consumer` as a writer in `writer`'s cluster sees it. */
function pushUrlFor(writer: Environment, consumer: Environment, sources: readonly MetricSource[]): string | undefined {
  if (writer.name === consumer.name) return sources.flatMap((s) => s.routes.map((x) => x.writer.url)).find(inCluster);
  return writer.multiRegion?.role === 'regional' ? writer.multiRegion.globalMimir.pushUrl : undefined;
}

export function mimirInput(consumer: RenderedEnvironment, all: readonly RenderedEnvironment[], tenant: string, sourcesOf: (r: RenderedEnvironment) => readonly MetricSource[] = metricSourcesOf): MimirInput {
  const feeders = feedingEnvironments(consumer.env, { type: 'prometheus' } as Datasource, all.map((x) => x.env));
  const sources: MetricSource[] = [];
  for (const f of feeders) {
    const r = all.find((x) => x.env.name === f.name) as RenderedEnvironment;
    const own = sourcesOf(r);
    const url = pushUrlFor(f, consumer.env, own);
    // Only the routes that reach this Mimir with this tenant: series sent with another tenant are invisible here.
    for (const s of own) {
      const routes = s.routes.filter((x) => x.writer.url === url && x.writer.tenant === tenant);
      if (routes.length) sources.push({ ...s, routes });
    }
  }
  return { env: consumer.env, tenant, sources, rules: rulerRules(consumer)?.files ?? [] };
}

// ---------------------------------------------------------------------------------------------------------
// Selectors against series
// ---------------------------------------------------------------------------------------------------------

/** A kind of series at Mimir: label values the pipeline fixes, and whether other labels may exist. */
interface Candidate {
  readonly what: string;
  readonly job?: string;
  readonly values: Readonly<Record<string, readonly string[]>>;
  /** The program adds labels of its own (any value); false for the scrape loop's series. */
  readonly open: boolean;
  /** Identity labels (IDENTITY_LABELS) the program writes itself when the pipeline does not; `all` for the ruler's series. */
  readonly exposed: readonly string[] | 'all';
}

const REPORT_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added']);

/**
 * A matcher against one value. A variable stands for a non-empty value: the dashboards' variables offer label values
 * that exist and "All" as `.+` (constructs/grafana, allValue), Argo Rollouts fills `{{args.…}}` with the template's
 * arguments; so `=` and `=~` need the label to be there, and a negative matcher may match anything.
 */
function matches(m: LabelMatcher, value: string): boolean {
  if (m.value === undefined) return m.op === '=' || m.op === '=~' ? value !== '' : true;
  switch (m.op) {
    case '=': return value === m.value;
    case '!=': return value !== m.value;
    case '=~': return anchored(m.value).test(value);
    case '!~': return !anchored(m.value).test(value);
  }
}

function satisfies(c: Candidate, m: LabelMatcher): boolean {
  const values = c.values[m.label];
  if (values) return values.some((v) => matches(m, v));
  // A label the pipeline does not set: the program's own (any value) or absent ("").
  const own = c.open && (c.exposed === 'all' || !IDENTITY_LABELS.includes(m.label) || c.exposed.includes(m.label));
  return own || matches(m, '');
}

/** Top-level alternatives of a regex (`a|b(c|d)` → `a`, `b(c|d)`). */
export function alternatives(regex: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < regex.length; i++) {
    const ch = regex[i];
    if (ch === '\\') {
      cur += ch + (regex[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '(' || ch === '[') depth++;
    if (ch === ')' || ch === ']') depth--;
    if (ch === '|' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export interface Violation {
  readonly query: Query;
  readonly selector: string;
  readonly why: string;
}

/** Static labels of the recording rules (or alerts, for ALERTS) that write a recorded series. */
function rulerCandidates(metric: string, rules: readonly RuleFile[]): Candidate[] | undefined {
  const all = rules.flatMap((f) => f.groups.flatMap((g) => g.rules));
  const recorded = all.filter((x) => x.record === metric);
  if (recorded.length) return recorded.map((x) => ({ what: `recording rule ${metric}`, values: Object.fromEntries(Object.entries((x.labels ?? {}) as Record<string, string>).map(([k, v]) => [k, [v]])), open: true, exposed: 'all' as const }));
  if (metric === 'ALERTS' || metric === 'ALERTS_FOR_STATE') {
    const alerts = all.filter((x) => typeof x.alert === 'string');
    // prometheus/prometheus rules/alerting.go: alertname, alertstate (ALERTS only) and the alert's labels.
    return [{ what: `the ruler's ${metric}`, values: { alertname: [...new Set(alerts.map((a) => a.alert as string))], ...(metric === 'ALERTS' ? { alertstate: ['pending', 'firing'] } : {}) }, open: true, exposed: 'all' }];
  }
  return undefined;
}

const describeSource = (s: MetricSource) => `${s.env.name} ${s.process} ${s.component}${s.origin === 'OTLP' ? '' : ` (${s.origin})`}`;

/**
 * Labels whose regex alternatives must each select something. `job` names what a pipeline collects: a stale name in
 * an alternation hides a renamed job. Namespaces are left out: rules scope to "every namespace MOP creates" on purpose.
 */
const ALTERNATIVES_CHECKED = ['job'];

const show = (m: LabelMatcher) => `${m.label}${m.op}"${m.value ?? '$var'}"`;

/** Why a selector selects nothing in this Mimir, or undefined when it can select something. */
export function whyNothing(sel: VectorSelector, input: MimirInput): string | undefined {
  const fromRuler = rulerCandidates(sel.metric, input.rules);
  let candidates: Candidate[];
  if (fromRuler) candidates = fromRuler;
  else {
    const producers = producersOf(sel.metric);
    if (producers.length === 0) return `${sel.metric} has no known source (test/grafana/known-metrics.ts) and no recording rule writes it`;
    const report = producers.includes('scrape') && REPORT_SERIES.has(sel.metric);
    const writing = input.sources.filter((s) => (report && s.scraped) || s.producers.some((p) => producers.includes(p)));
    if (writing.length === 0) return `nothing writes ${sel.metric} into ${input.env.name}'s Mimir (tenant ${input.tenant}): no source of ${producers.join('/')} is collected by ${[...new Set(input.sources.map((s) => s.env.name))].join(', ') || 'any environment'}`;
    candidates = [];
    const dropped = new Map<string, string>();
    for (const s of writing) {
      for (const route of s.routes) {
        const r = throughRoute(s.labels, sel.metric, route);
        if ('droppedBy' in r) {
          dropped.set(`${s.env.name} ${s.process} ${r.droppedBy}`, s.labels.job ?? '');
          continue;
        }
        const exposed = [...new Set(s.producers.filter((p) => producers.includes(p)).flatMap((p) => EXPOSED_IDENTITY[p] ?? []))];
        candidates.push({ what: describeSource(s), job: r.labels.job, values: Object.fromEntries(Object.entries(r.labels).map(([k, v]) => [k, [v]])), open: !report, exposed });
      }
    }
    if (candidates.length === 0) {
      return `${sel.metric} is dropped by the allow-list of ${[...dropped].map(([where, job]) => `${where} (job ${job})`).join(', ')}`;
    }
  }
  const fitting = candidates.filter((c) => sel.matchers.every((m) => satisfies(c, m)));
  if (fitting.length === 0) {
    // Narrow down matcher by matcher (job first): the first one that leaves nothing is the reason.
    const ordered = [...sel.matchers].sort((a, b) => Number(b.label === 'job') - Number(a.label === 'job'));
    let narrowed = candidates;
    const passed: LabelMatcher[] = [];
    for (const m of ordered) {
      const next = narrowed.filter((c) => satisfies(c, m));
      if (next.length === 0) {
        const seen = [...new Set(narrowed.flatMap((c) => c.values[m.label] ?? (satisfies(c, { label: m.label, op: '!=', value: '' }) ? ['<any>'] : ['<absent>'])))].sort();
        const of = passed.length ? `the series with ${passed.map(show).join(', ')} are written with` : `${sel.metric} is written with`;
        return `${show(m)} matches nothing: ${of} ${m.label} ${seen.join(', ')}`;
      }
      narrowed = next;
      passed.push(m);
    }
  }
  for (const m of sel.matchers) {
    if (m.op !== '=~' || m.value === undefined || !ALTERNATIVES_CHECKED.includes(m.label)) continue;
    const alts = alternatives(m.value);
    if (alts.length < 2) continue;
    const others = sel.matchers.filter((x) => x !== m);
    const dead = alts.filter((alt) => !candidates.some((c) => satisfies(c, { ...m, value: alt }) && others.every((o) => satisfies(c, o))));
    if (dead.length) {
      const seen = [...new Set(fitting.flatMap((c) => c.values[m.label] ?? []))].sort();
      return `${dead.map((a) => `"${a}"`).join(', ')} in ${m.label}=~"…" select${dead.length === 1 ? 's' : ''} nothing: ${sel.metric} is written with ${m.label} ${seen.join(', ') || '<absent>'}`;
    }
  }
  return undefined;
}

export function contractViolations(queries: readonly Query[], inputOf: (q: Query) => MimirInput): Violation[] {
  const out: Violation[] = [];
  for (const q of queries) {
    const input = inputOf(q);
    for (const sel of vectorSelectors(q.expr)) {
      const why = whyNothing(sel, input);
      if (why) out.push({ query: q, selector: sel.text, why });
    }
  }
  // One line per (place, selector, reason): a selector repeated in an expression is reported once.
  const seen = new Set<string>();
  return out.filter((v) => {
    const key = `${v.query.mimir} ${v.query.where} ${v.selector} ${v.why}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

export function formatViolations(v: readonly Violation[]): string {
  return v.map((x) => `${x.query.mimir}: ${x.query.where}\n    ${x.selector}\n    → ${x.why}`).join('\n');
}

/** Every producer some metric list names, for the test that each one is recognised in some environment. */
export function knownProducers(): Producer[] {
  return [...new Set([...KNOWN_METRICS, ...META_MONITORING_METRICS].filter((l) => seriesNames(l).length).map((l) => l.producer))];
}

/** The labels each series of a metric from one source has in Mimir (one per route that keeps it). */
export function seriesLabels(s: MetricSource, metric: string): Record<string, string>[] {
  return s.routes.map((r) => throughRoute(s.labels, metric, r)).flatMap((x) => ('labels' in x ? [x.labels] : []));
}

/** Whether an expression has a selector for `metric` that a series with exactly these labels matches. */
export function selects(expr: string, metric: string, labels: Readonly<Record<string, string>>): boolean {
  return vectorSelectors(expr).some((sel) => sel.metric === metric && sel.matchers.every((m) => matches(m, labels[m.label] ?? '')));
}
