import { parser as logqlParser } from '@grafana/lezer-logql';
import { parser as traceqlParser } from '@grafana/lezer-traceql';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import type { Tree } from '@lezer/common';

export type Language = 'promql' | 'logql' | 'traceql';

export interface Expression {
  readonly language: Language;
  readonly expr: string;
  /** Where it comes from, for failure messages. */
  readonly where: string;
  readonly datasourceUid?: string;
}

/**
 * Grafana fills these in before a query runs; the grammars do not know them. Substitution is deterministic:
 * intervals become durations, `$__tags` a label matcher, any other `$variable` a plain word.
 */
export function substituteVariables(expr: string): string {
  return expr
    .replace(/\$__(rate_interval|interval|range|auto)\b/g, '5m')
    .replace(/\$__tags\b/g, 'service_name="checkout"')
    .replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, 'placeholder');
}

function treeOf(language: Language, text: string): Tree {
  if (language === 'promql') return promqlParser.parse(text);
  if (language === 'logql') return logqlParser.parse(text);
  return traceqlParser.parse(text);
}

/** Error nodes (⚠) of an expression after substitution; empty when it parses. */
export function parseErrors(e: Expression): string[] {
  const text = substituteVariables(e.expr);
  const errors: string[] = [];
  treeOf(e.language, text).iterate({
    enter(node) {
      if (node.type.isError) errors.push(`error at ${node.from}: "${text.slice(Math.max(0, node.from - 15), node.to + 15)}"`);
    },
  });
  return errors;
}

/** Metric names (identifiers of vector selectors) used by a PromQL expression. */
export function metricNames(expr: string): string[] {
  const text = substituteVariables(expr);
  const names: string[] = [];
  promqlParser.parse(text).iterate({
    enter(node) {
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') names.push(text.slice(node.from, node.to));
    },
  });
  return names;
}

export type MatchOp = '=' | '!=' | '=~' | '!~';
export interface LabelMatcher {
  readonly label: string;
  readonly op: MatchOp;
  /** The matched value; undefined where a Grafana variable stands for it (any value may be chosen). */
  readonly value?: string;
}
export interface VectorSelector {
  /** The metric name (identifier or `__name__="…"`). */
  readonly metric: string;
  readonly matchers: readonly LabelMatcher[];
  /** The selector as written, for messages. */
  readonly text: string;
}

const GRAFANA_VARIABLE = '__grafana_variable__';

/** A PromQL string literal's value (Go-style escapes; the grammar accepts "…", '…' and `…`). */
function promString(lit: string): string {
  if (lit.startsWith('`')) return lit.slice(1, -1);
  return lit.slice(1, -1).replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
}

/**
 * Every vector selector of a PromQL expression with its label matchers (lezer grammar nodes VectorSelector,
 * LabelMatchers, UnquotedLabelMatcher / QuotedLabelMatcher). Grafana variables in a matcher's value leave the value
 * open (`value: undefined`); interval variables become durations. Throws on an expression that does not parse.
 */
export function vectorSelectors(expr: string): VectorSelector[] {
  const text = expr
    .replace(/\$__(rate_interval|interval|range|auto)\b/g, '5m')
    .replace(/\$__tags\b/g, `${GRAFANA_VARIABLE}="${GRAFANA_VARIABLE}"`)
    .replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::[A-Za-z]+)?\}?/g, GRAFANA_VARIABLE);
  const tree = promqlParser.parse(text);
  const out: VectorSelector[] = [];
  const errors: string[] = [];
  tree.iterate({
    enter(ref) {
      if (ref.type.isError) errors.push(text.slice(Math.max(0, ref.from - 15), ref.to + 15));
      if (ref.name !== 'VectorSelector') return;
      const node = ref.node;
      let metric: string | undefined;
      const matchers: LabelMatcher[] = [];
      const name = node.getChild('Identifier');
      if (name) metric = text.slice(name.from, name.to);
      for (const m of node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) matchers.push(matcherOf(m));
      for (const m of node.getChild('LabelMatchers')?.getChildren('QuotedLabelMatcher') ?? []) matchers.push(matcherOf(m));
      const byName = matchers.find((m) => m.label === '__name__' && m.op === '=');
      if (!metric && byName?.value) metric = byName.value;
      if (!metric) throw new Error(`selector without a fixed metric name: ${text.slice(node.from, node.to)}`);
      // `$__tags` stands for the matchers of a traces-to-metrics link: open, like any variable.
      const fixed = matchers.filter((m) => m.label !== '__name__' && m.label !== GRAFANA_VARIABLE);
      out.push({ metric, matchers: fixed, text: text.slice(node.from, node.to).split(GRAFANA_VARIABLE).join('$var') });
    },
  });
  if (errors.length) throw new Error(`PromQL does not parse near "${errors[0]}": ${expr}`);
  function matcherOf(m: NonNullable<ReturnType<typeof tree.topNode.getChild>>): LabelMatcher {
    const labelNode = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
    const label = labelNode ? (labelNode.name === 'QuotedLabelName' ? promString(text.slice(labelNode.from, labelNode.to)) : text.slice(labelNode.from, labelNode.to)) : '';
    const op = text.slice(m.getChild('MatchOp')!.from, m.getChild('MatchOp')!.to) as MatchOp;
    const values = m.getChildren('StringLiteral');
    const value = promString(text.slice(values[values.length - 1].from, values[values.length - 1].to));
    return { label, op, value: value.includes(GRAFANA_VARIABLE) ? undefined : value };
  }
  return out;
}

/** `label_values(<selector>, <label>)` → the selector, which must be PromQL. */
export function labelValuesSelector(query: string): string {
  const m = /^label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\)$/s.exec(query.trim());
  if (!m) throw new Error(`not a label_values() query: ${query}`);
  return m[1];
}

type Json = unknown;

/** Every query of a dashboard JSON (panel targets and template variables), with its language and datasource. */
export function dashboardExpressions(dashboard: Json, name: string): Expression[] {
  const out: Expression[] = [];
  const d = dashboard as { panels?: Json[]; templating?: { list?: Json[] } };
  const visitPanel = (panel: Json) => {
    const p = panel as { title?: string; panels?: Json[]; targets?: Json[] };
    for (const child of p.panels ?? []) visitPanel(child);
    for (const target of p.targets ?? []) {
      const t = target as { datasource?: { type?: string; uid?: string }; expr?: string; query?: string };
      const where = `${name} / ${p.title}`;
      const type = t.datasource?.type;
      if (type === 'prometheus' && t.expr !== undefined) out.push({ language: 'promql', expr: t.expr, where, datasourceUid: t.datasource?.uid });
      else if (type === 'loki' && t.expr !== undefined) out.push({ language: 'logql', expr: t.expr, where, datasourceUid: t.datasource?.uid });
      else if (type === 'tempo' && t.query !== undefined) out.push({ language: 'traceql', expr: t.query, where, datasourceUid: t.datasource?.uid });
      // A service-map target has no expression: Grafana reads the servicegraph series itself (test/grafana/correlations.ts).
      else if (type === 'tempo' && (t as { queryType?: string }).queryType === 'serviceMap') continue;
      else throw new Error(`${where}: target without a known datasource type / expression: ${JSON.stringify(t)}`);
    }
  };
  for (const panel of d.panels ?? []) visitPanel(panel);
  for (const v of d.templating?.list ?? []) {
    const variable = v as { name: string; query: string; datasource?: { uid?: string } };
    out.push({ language: 'promql', expr: labelValuesSelector(variable.query), where: `${name} / variable ${variable.name}`, datasourceUid: variable.datasource?.uid });
  }
  return out;
}

/** Every datasource UID a dashboard JSON refers to (panels, targets, variables). */
export function dashboardDatasourceUids(dashboard: Json): Set<string> {
  const uids = new Set<string>();
  const walk = (x: Json) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      for (const [k, v] of Object.entries(x)) {
        if (k === 'datasource' && v && typeof v === 'object' && typeof (v as { uid?: unknown }).uid === 'string') uids.add((v as { uid: string }).uid);
        walk(v);
      }
    }
  };
  walk(dashboard);
  return uids;
}
