/**
 * Reading a rendered Alloy config as the graph Alloy builds from it: components, the references between them,
 * which signals flow where, and which labels a log stream or a metric series carries when it reaches the writer.
 * Used by test/alloy-pipeline (component, argument and dead-component checks) and test/grafana (the correlation
 * contract). Facts about component behaviour are cited where they are used (grafana/alloy v1.18.1 docs).
 */
import { AstExpr, AstFile, AstStmt, parseAlloy, stringValue } from '../alloy/parser';
import { ALLOY_COMPONENTS, BlockSchema } from '../alloy-pipeline/alloy-reference-v1.18.1';

export type Block = Extract<AstStmt, { type: 'block' }>;
export interface Component {
  readonly name: string;
  readonly label: string;
  /** `name.label`, how references name it. */
  readonly id: string;
  readonly body: readonly AstStmt[];
}

export interface Config {
  readonly text: string;
  readonly ast: AstFile;
  readonly components: readonly Component[];
  readonly byId: ReadonlyMap<string, Component>;
}

export function readConfig(text: string): Config {
  const ast = parseAlloy(text);
  const components = ast.body
    .filter((s): s is Block => s.type === 'block')
    .map((b) => ({ name: b.name.join('.'), label: b.label ?? '', id: `${b.name.join('.')}.${b.label ?? ''}`, body: b.body }));
  return { text, ast, components, byId: new Map(components.map((c) => [c.id, c])) };
}

// ---------------------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------------------

/** `a.b.c` of an identifier/access chain, or undefined for any other expression. */
export function chain(e: AstExpr): string[] | undefined {
  if (e.type === 'ident') return [e.name];
  if (e.type === 'access') {
    const t = chain(e.target);
    return t ? [...t, e.name] : undefined;
  }
  return undefined;
}

/** Every reference (identifier chain that is not a function callee) in an expression. */
export function exprRefs(e: AstExpr): string[][] {
  const p = chain(e);
  if (p) return [p];
  switch (e.type) {
    case 'call': return e.args.flatMap(exprRefs); // the callee is a function name (sys.env), not a reference
    case 'index': return [...exprRefs(e.target), ...exprRefs(e.index)];
    case 'unary': return exprRefs(e.operand);
    case 'binary': return [...exprRefs(e.left), ...exprRefs(e.right)];
    case 'paren': return exprRefs(e.inner);
    case 'array': return e.elements.flatMap(exprRefs);
    case 'object': return e.fields.flatMap((f) => exprRefs(f.value));
    default: return [];
  }
}

/** Every reference in a statement list, at any depth. */
export function references(stmts: readonly AstStmt[]): string[][] {
  return stmts.flatMap((s) => (s.type === 'attribute' ? exprRefs(s.value) : references(s.body)));
}

export function attrValue(stmts: readonly AstStmt[], name: string): AstExpr | undefined {
  const a = stmts.find((s) => s.type === 'attribute' && s.name === name);
  return a && a.type === 'attribute' ? a.value : undefined;
}

export function literal(e: AstExpr | undefined): string | number | boolean | undefined {
  if (!e || e.type !== 'literal') return undefined;
  if (e.tok === 'STRING') return stringValue(e.text);
  if (e.tok === 'NUMBER' || e.tok === 'FLOAT') return Number(e.text);
  if (e.tok === 'BOOL') return e.text === 'true';
  return undefined;
}

export function strings(e: AstExpr | undefined): string[] {
  if (!e) return [];
  if (e.type === 'array') return e.elements.map((x) => literal(x)).filter((x): x is string => typeof x === 'string');
  const v = literal(e);
  return typeof v === 'string' ? [v] : [];
}

export function objectKeys(e: AstExpr | undefined): string[] {
  return e && e.type === 'object' ? e.fields.map((f) => f.key) : [];
}

export function blocksNamed(stmts: readonly AstStmt[], name: string): Block[] {
  const out: Block[] = [];
  for (const s of stmts) {
    if (s.type !== 'block') continue;
    if (s.name.join('.') === name) out.push(s);
    out.push(...blocksNamed(s.body, name));
  }
  return out;
}

/** Direct child blocks of a statement list. */
export function childBlocks(stmts: readonly AstStmt[], name?: string): Block[] {
  return stmts.filter((s): s is Block => s.type === 'block' && (name === undefined || s.name.join('.') === name));
}

/** The component a reference points at (`[..name, label, export]`), if defined in the config. */
export function target(config: Config, ref: readonly string[]): { component: Component; export: string } | undefined {
  for (let i = ref.length - 1; i >= 2; i--) {
    const c = config.byId.get(ref.slice(0, i).join('.'));
    if (c) return { component: c, export: ref.slice(i).join('.') };
  }
  return undefined;
}

/** Components referenced (through any export) from a statement list. */
function referencedComponents(config: Config, stmts: readonly AstStmt[]): Component[] {
  return references(stmts).map((r) => target(config, r)?.component).filter((c): c is Component => c !== undefined);
}

// ---------------------------------------------------------------------------------------------------------
// Components and arguments against the v1.18.1 reference
// ---------------------------------------------------------------------------------------------------------

/** Every argument or block a config uses that its component's reference page does not list, and every experimental one. */
export function referenceViolations(config: Config): { unknown: string[]; experimental: string[] } {
  const unknown: string[] = [];
  const experimental: string[] = [];
  const walk = (stmts: readonly AstStmt[], schema: BlockSchema, where: string) => {
    for (const s of stmts) {
      if (s.type === 'attribute') {
        if (!schema.attrs.includes(s.name)) unknown.push(`${where} > ${s.name}`);
        if (schema.experimental?.includes(s.name)) experimental.push(`${where} > ${s.name}`);
      } else {
        const name = s.name.join('.');
        const child = schema.blocks?.[name];
        if (!child) unknown.push(`${where} > ${name} { }`);
        else walk(s.body, child, `${where} > ${name}`);
      }
    }
  };
  for (const c of config.components) {
    const schema = ALLOY_COMPONENTS[c.name];
    if (!schema) unknown.push(`${c.id}: component not in the reference`);
    else walk(c.body, schema, c.id);
  }
  return { unknown, experimental };
}

// ---------------------------------------------------------------------------------------------------------
// Dead components and signal flow
// ---------------------------------------------------------------------------------------------------------

export type Signal = 'metrics' | 'logs' | 'traces';
const ALL: Signal[] = ['metrics', 'logs', 'traces'];

/**
 * What an otelcol component's `input` accepts and what it emits, from the "Exported fields" and component pages of
 * the v1.18.1 reference ("`input` accepts `otelcol.Consumer` data for …"). Processors pass their input through.
 */
const OTEL_ACCEPTS: Record<string, Signal[]> = {
  'otelcol.exporter.loadbalancing': ['logs', 'traces'],
  'otelcol.exporter.otlp': ALL,
  'otelcol.exporter.prometheus': ['metrics'],
  'otelcol.exporter.loki': ['logs'],
  'otelcol.connector.spanmetrics': ['traces'],
  'otelcol.connector.servicegraph': ['traces'],
};
const CONNECTOR_EMITS: Record<string, Signal[]> = {
  'otelcol.connector.spanmetrics': ['metrics'],
  'otelcol.connector.servicegraph': ['metrics'],
};
/** Signals a receiver accepts from clients (otlp: all three; Zipkin and Jaeger: spans). */
export const RECEIVER_ACCEPTS: Record<string, Signal[]> = {
  'otelcol.receiver.otlp': ALL,
  'otelcol.receiver.zipkin': ['traces'],
  'otelcol.receiver.jaeger': ['traces'],
};

/** `signal → targets` of an otelcol component's `output` block. */
export function outputs(config: Config, c: Component): Map<Signal, Component[]> {
  const out = new Map<Signal, Component[]>();
  for (const o of childBlocks(c.body, 'output')) {
    for (const s of o.body) {
      if (s.type !== 'attribute') continue;
      out.set(s.name as Signal, exprRefs(s.value).map((r) => target(config, r)?.component).filter((x): x is Component => x !== undefined));
    }
  }
  return out;
}

/** The signals that reach each otelcol component's `input`, from the receivers downstream. */
export function incomingSignals(config: Config): Map<string, Set<Signal>> {
  const incoming = new Map<string, Set<Signal>>();
  const queue: Component[] = config.components.filter((c) => c.name.startsWith('otelcol.receiver.'));
  const seen = new Set<string>();
  while (queue.length) {
    const c = queue.shift() as Component;
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    for (const [signal, targets] of outputs(config, c)) {
      for (const t of targets) {
        const set = incoming.get(t.id) ?? new Set<Signal>();
        set.add(signal);
        incoming.set(t.id, set);
        queue.push(t);
      }
    }
  }
  return incoming;
}

/**
 * Problems that make a component dead or drop data: an export nothing reads (its input is never fed, or what it
 * exports is never consumed), a `forward_to` that is empty, an otelcol signal that arrives but is not passed on, an
 * output for a signal that never arrives, a signal sent to a component that does not accept it, and a receiver that
 * drops a signal the environment has a store for (`receiverSignals`).
 */
export function deadComponents(config: Config, receiverSignals: (receiver: string) => readonly Signal[]): string[] {
  const problems: string[] = [];
  const readers = new Map<string, Set<string>>();
  for (const c of config.components) {
    for (const r of references(c.body)) {
      const t = target(config, r);
      if (t && t.component.id !== c.id) {
        const set = readers.get(t.component.id) ?? new Set<string>();
        set.add(t.export);
        readers.set(t.component.id, set);
      }
    }
  }
  const incoming = incomingSignals(config);
  for (const c of config.components) {
    const exports = ALLOY_COMPONENTS[c.name]?.exports ?? [];
    const read = readers.get(c.id) ?? new Set<string>();
    if (exports.length > 0 && read.size === 0) problems.push(`${c.id}: nothing reads its ${exports.join('/')}`);
    const forwardTo = attrValue(c.body, 'forward_to');
    if (forwardTo && forwardTo.type === 'array' && forwardTo.elements.length === 0 && !read.has('rules')) {
      problems.push(`${c.id}: forward_to is empty`);
    }
    if (!c.name.startsWith('otelcol.')) continue;
    const outs = outputs(config, c);
    const arriving = c.name.startsWith('otelcol.receiver.') ? new Set(receiverSignals(c.name)) : incoming.get(c.id) ?? new Set<Signal>();
    const emits = CONNECTOR_EMITS[c.name];
    const expected = emits ? (arriving.size ? new Set(emits) : new Set<Signal>()) : arriving;
    const accepts = OTEL_ACCEPTS[c.name];
    if (accepts) for (const s of arriving) if (!accepts.includes(s)) problems.push(`${c.id}: receives ${s}, which its input does not accept`);
    if (c.name.startsWith('otelcol.exporter.') || (ALLOY_COMPONENTS[c.name]?.blocks?.output === undefined && !emits)) continue;
    for (const s of expected) if (!(outs.get(s)?.length)) problems.push(`${c.id}: ${s} arrive but are not passed on`);
    for (const [s, targets] of outs) {
      if (!expected.has(s)) problems.push(`${c.id}: output ${s} never arrive`);
      if (targets.length === 0) problems.push(`${c.id}: output ${s} is empty`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// Labels at the writers
// ---------------------------------------------------------------------------------------------------------

/** Prometheus label names from relabel rules: what each `rule` adds (target_label) and removes (labeldrop). */
function applyRules(labels: Set<string>, rules: readonly Block[]): Set<string> {
  const out = new Set(labels);
  for (const r of rules) {
    const action = String(literal(attrValue(r.body, 'action')) ?? 'replace');
    const targetLabel = literal(attrValue(r.body, 'target_label'));
    const regex = String(literal(attrValue(r.body, 'regex')) ?? '(.*)');
    if ((action === 'replace' || action === 'lowercase' || action === 'uppercase') && typeof targetLabel === 'string') out.add(targetLabel);
    if (action === 'labeldrop') for (const l of [...out]) if (new RegExp(`^(?:${regex})$`).test(l)) out.delete(l);
    if (action === 'labelkeep') for (const l of [...out]) if (!new RegExp(`^(?:${regex})$`).test(l)) out.delete(l);
  }
  return new Set([...out].filter((l) => !l.startsWith('__')));
}

/** Labels a discovery chain gives its targets (discovery.relabel rules along `targets`). */
function targetLabels(config: Config, e: AstExpr | undefined): Set<string> {
  let labels = new Set<string>();
  for (const r of e ? exprRefs(e) : []) {
    const t = target(config, r)?.component;
    if (!t) continue;
    if (t.name === 'discovery.relabel') labels = new Set([...labels, ...applyRules(targetLabels(config, attrValue(t.body, 'targets')), childBlocks(t.body, 'rule'))]);
    else if (t.name === 'local.file_match') labels = new Set([...labels, ...targetLabels(config, attrValue(t.body, 'path_targets'))]);
    else labels = new Set([...labels, ...targetLabels(config, attrValue(t.body, 'targets'))]);
  }
  return labels;
}

export interface LogStream {
  /** The component the stream starts at. */
  readonly source: string;
  readonly labels: ReadonlySet<string>;
  readonly structuredMetadata: ReadonlySet<string>;
  /** Application logs (pod logs, OTLP logs), the streams "Logs for this span" queries. */
  readonly application: boolean;
  /** The `job` value the source sets, when it is a constant (events, journal). */
  readonly job?: string;
}

/** Prometheus label names as otelcol.exporter.loki and otelcol.exporter.prometheus write OTel attribute names. */
export const promLabel = (attribute: string) => attribute.replace(/[^A-Za-z0-9_]/g, '_');

/** Labels a log source gives each entry (reference pages of the sources, "Component behavior"/labels sections). */
function sourceLabels(config: Config, c: Component): Set<string> | undefined {
  switch (c.name) {
    case 'loki.source.file':
      // "The `__path__` value is available as the `filename` label to each log entry the component reads."
      return new Set([...targetLabels(config, attrValue(c.body, 'targets')), 'filename']);
    case 'loki.source.journal': {
      const rules = exprRefs(attrValue(c.body, 'relabel_rules') as AstExpr).map((r) => target(config, r)?.component).filter((x): x is Component => !!x);
      // `job` is added with the component's name unless `labels` sets it.
      return applyRules(new Set(['job', ...objectKeys(attrValue(c.body, 'labels'))]), rules.flatMap((r) => childBlocks(r.body, 'rule')));
    }
    case 'loki.source.kubernetes_events':
      // "Log lines generated by loki.source.kubernetes_events have the following labels: namespace, job, instance."
      return new Set(['namespace', 'job', 'instance']);
    case 'otelcol.exporter.loki': {
      // pkg/translator/loki convertAttributesAndMerge: `exporter`, `job` and `instance`, plus the attributes named in
      // the `loki.resource.labels` hint, which an otelcol.processor.attributes upstream inserts.
      const hinted = config.components
        .filter((x) => x.name === 'otelcol.processor.attributes' && [...(outputs(config, x).get('logs') ?? [])].some((t) => t.id === c.id))
        .flatMap((x) => childBlocks(x.body, 'action').filter((a) => literal(attrValue(a.body, 'key')) === 'loki.resource.labels'))
        .flatMap((a) => String(literal(attrValue(a.body, 'value')) ?? '').split(',').map((s) => promLabel(s.trim())).filter(Boolean));
      return new Set(['exporter', 'job', 'instance', ...hinted]);
    }
    default:
      return undefined;
  }
}

/** Every log stream of a config, with the labels and structured metadata it has when loki.write sends it. */
export function logStreams(config: Config): LogStream[] {
  const streams: LogStream[] = [];
  const follow = (source: string, job: string | undefined, c: Component, labels: Set<string>, metadata: Set<string>, application: boolean, depth = 0): void => {
    if (depth > 20) throw new Error(`log path from ${source} loops`);
    let l = labels;
    const m = new Set(metadata);
    if (c.name === 'loki.relabel') l = applyRules(l, childBlocks(c.body, 'rule'));
    if (c.name === 'loki.process') {
      for (const stage of childBlocks(c.body)) {
        const name = stage.name.join('.');
        const keys = objectKeys(attrValue(stage.body, 'values'));
        if (name === 'stage.labels' || name === 'stage.static_labels') l = new Set([...l, ...keys]);
        if (name === 'stage.label_drop') for (const k of strings(attrValue(stage.body, 'values'))) l.delete(k);
        if (name === 'stage.label_keep') l = new Set([...l].filter((k) => strings(attrValue(stage.body, 'values')).includes(k)));
        if (name === 'stage.structured_metadata') keys.forEach((k) => m.add(k));
      }
    }
    if (c.name === 'loki.write') {
      streams.push({ source, job, labels: new Set([...l, ...objectKeys(attrValue(c.body, 'external_labels'))]), structuredMetadata: m, application });
      return;
    }
    for (const next of referencedComponents(config, [...c.body.filter((s) => s.type === 'attribute' && s.name === 'forward_to')])) follow(source, job, next, new Set(l), m, application, depth + 1);
  };
  for (const c of config.components) {
    const labels = sourceLabels(config, c);
    if (!labels) continue;
    const application = c.name === 'loki.source.file' || c.name === 'otelcol.exporter.loki';
    const labelsAttr = attrValue(c.body, 'labels');
    const jobField = labelsAttr?.type === 'object' ? labelsAttr.fields.find((f) => f.key === 'job') : undefined;
    const job = literal(attrValue(c.body, 'job_name')) ?? (jobField ? literal(jobField.value) : undefined);
    follow(c.id, typeof job === 'string' ? job : undefined, c, labels, new Set(), application);
  }
  return streams;
}

export interface MetricSource {
  /** The scrape or the exporter the series come from. */
  readonly source: string;
  /** `job` the series carry, when the pipeline names it (a scrape's `job_name` or relabelled `job`). */
  readonly job?: string;
  /** Labels the pipeline adds (targets, relabelling, external labels); the exporter's own labels come on top. */
  readonly labels: ReadonlySet<string>;
  /** Keep-regexes on `__name__` along the way (allow-lists). */
  readonly allowLists: readonly RegExp[];
}

/** Every scrape and OTLP metrics exporter of a config, with the labels its series have at the remote write. */
export function metricSources(config: Config): MetricSource[] {
  const out: MetricSource[] = [];
  const follow = (source: string, job: string | undefined, c: Component, labels: Set<string>, allow: RegExp[]): void => {
    let l = labels;
    const a = [...allow];
    if (c.name === 'prometheus.relabel') {
      const rules = childBlocks(c.body, 'rule');
      l = applyRules(l, rules);
      for (const r of rules) {
        if (literal(attrValue(r.body, 'action')) === 'keep' && strings(attrValue(r.body, 'source_labels')).join() === '__name__') {
          a.push(new RegExp(`^(?:${String(literal(attrValue(r.body, 'regex')))})$`));
        }
      }
    }
    if (c.name === 'prometheus.remote_write') {
      out.push({ source, job, labels: new Set([...l, ...objectKeys(attrValue(c.body, 'external_labels'))]), allowLists: a });
      return;
    }
    for (const next of referencedComponents(config, c.body.filter((s) => s.type === 'attribute' && s.name === 'forward_to'))) follow(source, job, next, new Set(l), a);
  };
  for (const c of config.components) {
    if (c.name === 'prometheus.scrape') {
      const labels = targetLabels(config, attrValue(c.body, 'targets'));
      const relabelledJob = labels.has('job');
      const jobName = literal(attrValue(c.body, 'job_name'));
      follow(c.id, relabelledJob ? undefined : typeof jobName === 'string' ? jobName : c.id, c, new Set([...labels, 'job', 'instance']), []);
    }
    if (c.name === 'otelcol.exporter.prometheus') {
      // service.name (+ namespace) → `job`, service.instance.id → `instance`; data-point attributes become labels.
      follow(c.id, undefined, c, new Set(['job', 'instance']), []);
    }
  }
  return out;
}
