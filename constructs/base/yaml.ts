import { DEFAULT_SCHEMA, DumpOptions, Type, dump } from 'js-yaml';

/**
 * The one YAML writer: rendered objects and the config files inside ConfigMaps. Keys keep the order given (cdk8s
 * sorts object keys), no line folding, multi-line strings as literal blocks, no anchors, and strings YAML 1.1 would
 * misread (`on`, `yes`, `y`) quoted.
 *
 * The output is js-yaml's `dump` with `JS_YAML_OPTIONS`, byte for byte, with one deliberate difference: multi-line
 * text containing tabs (the Alloy configuration language indents with them) is a literal block, where js-yaml would
 * escape it into one unreadable double-quoted line. `fastYaml` writes it, several times faster than js-yaml (ADR
 * 0005): it decides plain-or-quoted with js-yaml's own implicit-type resolvers, and hands anything outside the
 * JSON-shaped values cdk8s renders back to js-yaml. `test/foundation/yaml.test.ts` compares the two on every
 * rendered object, every rendered config file and a generated corpus, and reads tabbed literal blocks back with
 * both js-yaml and `yaml`.
 */
export function toYaml(value: unknown): string {
  return fastYaml(value, { literalTabs: true }) ?? dump(value, JS_YAML_OPTIONS);
}

export const JS_YAML_OPTIONS: DumpOptions = { lineWidth: -1, noRefs: true, sortKeys: false, quotingType: '"' };

export interface FastYamlOptions {
  /** Multi-line text with tabs as a literal block instead of js-yaml's escaped one-line string. */
  readonly literalTabs?: boolean;
}

/**
 * `dump(value, JS_YAML_OPTIONS)` (but see `literalTabs`) for plain objects, arrays, strings, booleans, null and
 * numbers without exponent; `undefined` when the value holds anything else (undefined, -0, NaN, exponents, keys with
 * line breaks or longer than 1024 characters, class instances other than plain objects), which js-yaml then writes.
 */
export function fastYaml(value: unknown, options: FastYamlOptions = {}): string | undefined {
  literalTabs = options.literalTabs === true;
  try {
    return `${node(value, 0, true)}\n`;
  } catch (err) {
    if (err === UNSUPPORTED) return undefined;
    throw err;
  }
}

// The mode of the fastYaml call under way (it is synchronous, so one module variable suffices).
let literalTabs = false;

const UNSUPPORTED = new Error('value outside the fast YAML subset');

/** The text js-yaml's writeNode leaves in `state.dump` for a block-context node at `level`. */
function node(value: unknown, level: number, compact: boolean): string {
  switch (typeof value) {
    case 'string':
      return value.includes('\n') ? multiLineScalar(value, level) : singleLineScalar(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return number(value);
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return sequence(value, level, compact);
      if (Object.prototype.toString.call(value) === '[object Object]') return mapping(value as Record<string, unknown>, level, compact);
  }
  throw UNSUPPORTED;
}

function sequence(items: readonly unknown[], level: number, compact: boolean): string {
  if (items.length === 0) return '[]';
  let out = '';
  for (const item of items) {
    const text = node(item, level + 1, true);
    if (!compact || out !== '') out += nextLine(level);
    out += text.charCodeAt(0) === 10 ? '-' : '- ';
    out += text;
  }
  return out;
}

function mapping(object: Record<string, unknown>, level: number, compact: boolean): string {
  const keys = Object.keys(object);
  if (keys.length === 0) return '{}';
  let out = '';
  for (const key of keys) {
    if (key.includes('\n') || key.length > 1024) throw UNSUPPORTED;
    const value = object[key];
    if (value === undefined) throw UNSUPPORTED;
    if (!compact || out !== '') out += nextLine(level);
    out += singleLineScalar(key);
    const text = node(value, level + 1, false);
    out += text.charCodeAt(0) === 10 ? ':' : ': ';
    out += text;
  }
  return out;
}

const INDENTS: string[] = [];
function nextLine(level: number): string {
  return (INDENTS[level] ??= `\n${' '.repeat(2 * level)}`);
}

function number(n: number): string {
  if (Number.isInteger(n) && !Object.is(n, -0) && Number.isSafeInteger(n)) return String(n);
  const text = String(n);
  if (Number.isFinite(n) && !Number.isInteger(n) && !text.includes('e')) return text;
  throw UNSUPPORTED;
}

// Characters js-yaml prints unescaped (its isPrintable): no tab, no C0/C1 controls, no U+2028/2029, BOM or lone
// surrogates.
const ASCII_PRINTABLE = /^[\x20-\x7E]*$/;
const PRINTABLE = /^(?:[\x20-\x7E\xA1-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;
const ASCII_PRINTABLE_LINES = /^[\n\x20-\x7E]*$/;
const PRINTABLE_LINES = /^(?:[\n\x20-\x7E\xA1-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;

// js-yaml's compat-mode quoting (YAML 1.1 booleans and base-60 numbers), then its plain-scalar character rules in
// block context: no indicator first, no blank or ':' last, no ': ' and no ' #' inside.
const YAML11_BOOLEANS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);
const YAML11_BASE60 = /^[-+]?[0-9_]+(?::[0-9_]+)+(?:\.[0-9_]*)?$/;
const NOT_PLAIN = /^[-?:,[\]{}#&*!|=>'"%@` ]|[ :]$|: | #/;

const IMPLICIT_TYPES: readonly Type[] = (() => {
  const compiled = (DEFAULT_SCHEMA as unknown as { compiledImplicit?: Type[] }).compiledImplicit;
  if (!Array.isArray(compiled)) throw new Error('js-yaml: DEFAULT_SCHEMA.compiledImplicit is missing; fastYaml needs the resolvers dump uses');
  return compiled;
})();

const singleLineCache = new Map<string, string>();

/** A scalar on one line: plain when js-yaml would write it plain, else double-quoted. */
function singleLineScalar(s: string): string {
  let text = singleLineCache.get(s);
  if (text === undefined) {
    text = chooseSingleLine(s);
    singleLineCache.set(s, text);
  }
  return text;
}

function chooseSingleLine(s: string): string {
  if (s === '') return '""';
  if (YAML11_BOOLEANS.has(s) || YAML11_BASE60.test(s)) return `"${s}"`;
  // Escapes beyond `"` and `\` (control characters, tabs, U+2028 …): js-yaml's own escaping, which does not
  // depend on where the scalar sits.
  if (!ASCII_PRINTABLE.test(s) && !PRINTABLE.test(s)) return dump(s, JS_YAML_OPTIONS).slice(0, -1);
  if (!NOT_PLAIN.test(s) && !IMPLICIT_TYPES.some((t) => t.resolve(s))) return s;
  return `"${s.replace(/["\\]/g, '\\$&')}"`;
}

// Config files and dashboards recur across environments, mostly at the same depth. Per mode, then per depth.
const multiLineCache: Map<string, string>[][] = [[], []];

/** Multi-line text as a literal block indented for `level`, as js-yaml writes it (escaped if not printable). */
function multiLineScalar(s: string, level: number): string {
  const cache = ((multiLineCache[literalTabs ? 1 : 0] as Map<string, string>[])[level] ??= new Map());
  let text = cache.get(s);
  if (text === undefined) {
    text = literalBlock(s, level);
    cache.set(s, text);
  }
  return text;
}

function literalBlock(s: string, level: number): string {
  const printable = ASCII_PRINTABLE_LINES.test(s) || PRINTABLE_LINES.test(s) || (literalTabs && PRINTABLE_LINES.test(s.replace(/\t/g, ' ')));
  if (!printable) return dump(s, JS_YAML_OPTIONS).slice(0, -1);
  const indentIndicator = /^\n* /.test(s) ? '2' : '';
  const clip = s.endsWith('\n');
  const keep = clip && (s[s.length - 2] === '\n' || s === '\n');
  const chomp = keep ? '+' : clip ? '' : '-';
  const indent = ' '.repeat(2 * Math.max(1, level));
  const body = s.replace(/^(?=.)/gm, indent);
  return `|${indentIndicator}${chomp}\n${clip ? body.slice(0, -1) : body}`;
}
