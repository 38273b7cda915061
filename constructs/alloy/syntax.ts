/**
 * A typed model of the Grafana Alloy configuration language and a renderer that prints it exactly as
 * `alloy fmt` (grafana/alloy `syntax/printer`, v1.18.1) would print the same syntax tree, plus one
 * trailing newline.
 *
 * Model: a file is a list of statements. A statement is an attribute (`name = value`) or a block
 * (`dotted.name "label" { body }`). Values are expressions: strings, numbers, booleans, null, lists,
 * objects, references (`otelcol.processor.batch.default.input`), function calls, index/access
 * postfixes, unary and binary operators, parentheses and, as an escape hatch, raw expression text.
 *
 * Layout: lists, objects and call argument lists print on one line or on several; the printer keeps
 * the line breaks of its input, so the model keeps them too, as optional `breaks` (see {@link withBreaks}).
 * Without `breaks` the canonical layout applies (see {@link canonicalBreaks}). Blank lines between
 * statements are kept by the printer too: set `blankLineBefore` on an attribute. Blocks are always
 * preceded by a blank line (except the first statement of a body), as the printer does.
 *
 * How the printer lays text out (facts from syntax/printer): tabs indent; an attribute or object field is
 * `name<VTAB>= value` and the output runs through Go's text/tabwriter (padding 1, tab width 8,
 * DiscardEmptyColumns|TabIndent), so `=` signs of consecutive lines align; a formfeed (after a multi-line
 * statement, before a block, for a blank line, around multi-line list/object/call elements) ends an
 * alignment run; trailing whitespace is trimmed. This module reproduces that pipeline.
 */

// ---------------------------------------------------------------------------------------------------------
// Errors and identifiers
// ---------------------------------------------------------------------------------------------------------

/** Thrown when a model node would not be valid Alloy syntax. */
export class AlloyModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlloyModelError';
  }
}

const KEYWORDS = new Set(['true', 'false', 'null']);
const IDENT_RE = /^[\p{L}_][\p{L}_\p{Nd}0-9]*$/u;

/**
 * True when `s` scans as a single Alloy identifier: a letter (any Unicode letter) or `_`, followed by
 * letters, `_` or digits; `true`, `false` and `null` are keywords, not identifiers.
 */
export function isValidIdentifier(s: string): boolean {
  return IDENT_RE.test(s) && !KEYWORDS.has(s);
}

function checkIdent(s: string, what: string): string {
  if (typeof s !== 'string' || !isValidIdentifier(s)) {
    throw new AlloyModelError(
      `invalid ${what} ${JSON.stringify(s)}: must be an identifier (a letter or "_", then letters, digits or "_"; not true/false/null)`,
    );
  }
  return s;
}

function checkDotted(name: string, what: string): string[] {
  if (typeof name !== 'string' || name === '') throw new AlloyModelError(`invalid ${what} ${JSON.stringify(name)}: empty`);
  const parts = name.split('.');
  for (const p of parts) {
    if (!isValidIdentifier(p)) {
      throw new AlloyModelError(
        `invalid ${what} ${JSON.stringify(name)}: every dot-separated part must be an identifier (bad part ${JSON.stringify(p)})`,
      );
    }
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------------------

export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | '^';
export type UnaryOp = '!' | '-';

export interface StringExpr { readonly kind: 'string'; readonly value: string; readonly raw?: true }
export interface NumberExpr { readonly kind: 'number'; readonly value: number; readonly float?: true }
export interface BoolExpr { readonly kind: 'bool'; readonly value: boolean }
export interface NullExpr { readonly kind: 'null' }
export interface ListExpr { readonly kind: 'list'; readonly items: readonly Expr[]; readonly breaks?: readonly boolean[] }
export interface ObjectField { readonly key: string; readonly value: Expr; readonly quoted?: true }
export interface ObjectExpr { readonly kind: 'object'; readonly fields: readonly ObjectField[]; readonly breaks?: readonly boolean[] }
/** A dotted identifier path: a component export (`loki.write.default.receiver`) or any identifier. */
export interface RefExpr { readonly kind: 'ref'; readonly path: readonly string[] }
export interface AccessExpr { readonly kind: 'access'; readonly target: Expr; readonly name: string }
export interface IndexExpr { readonly kind: 'index'; readonly target: Expr; readonly index: Expr }
export interface CallExpr { readonly kind: 'call'; readonly callee: Expr; readonly args: readonly Expr[]; readonly breaks?: readonly boolean[] }
export interface UnaryExpr { readonly kind: 'unary'; readonly op: UnaryOp; readonly operand: Expr }
export interface BinaryExpr { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
export interface ParenExpr { readonly kind: 'paren'; readonly inner: Expr }
/** Escape hatch: text printed verbatim as a single token. It must already be what `alloy fmt` prints. */
export interface RawExpr { readonly kind: 'raw'; readonly text: string }

export type Expr =
  | StringExpr | NumberExpr | BoolExpr | NullExpr | ListExpr | ObjectExpr | RefExpr | AccessExpr | IndexExpr
  | CallExpr | UnaryExpr | BinaryExpr | ParenExpr | RawExpr;

/** What the builders accept as a value: model expressions or plain JS data (converted by {@link toExpr}). */
export type Value = Expr | string | number | boolean | null | readonly Value[] | { readonly [key: string]: Value };

export interface Attribute { readonly kind: 'attribute'; readonly name: string; readonly value: Expr; readonly blankLineBefore?: true }
export interface Block { readonly kind: 'block'; readonly name: string; readonly label?: string; readonly body: readonly Statement[] }
export type Statement = Attribute | Block;
/** A config file: its statements in order. */
export type AlloyFile = readonly Statement[];

const nodes = new WeakSet<object>();
function mk<T extends Expr>(node: T): T {
  Object.freeze(node);
  nodes.add(node);
  return node;
}

/** True for expression nodes made by this module's builders. */
export function isExpr(v: unknown): v is Expr {
  return typeof v === 'object' && v !== null && nodes.has(v);
}

/** Converts plain data to an expression: string, finite number, boolean, null, array → list, plain object → object. */
export function toExpr(v: Value): Expr {
  if (isExpr(v)) return v;
  if (v === null) return NULL;
  switch (typeof v) {
    case 'string': return str(v);
    case 'number': return num(v);
    case 'boolean': return bool(v);
    case 'object':
      if (Array.isArray(v)) return list(v as readonly Value[]);
      if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
        return obj(v as { readonly [key: string]: Value });
      }
      break;
    default:
      break;
  }
  throw new AlloyModelError(`cannot convert ${String(v)} (${typeof v}) to an Alloy value`);
}

/** A double-quoted string literal (rendered with escapes). */
export function str(value: string): StringExpr {
  if (typeof value !== 'string') throw new AlloyModelError(`str() needs a string, got ${typeof value}`);
  quoteString(value); // validates (unpaired surrogates)
  return mk({ kind: 'string', value });
}

/**
 * A raw (backtick) string literal. Must not contain a backtick, and no control character other than
 * newline (a tab would be re-aligned by the formatter's tabwriter; carriage returns are ambiguous).
 */
export function rawStr(value: string): StringExpr {
  if (typeof value !== 'string') throw new AlloyModelError(`rawStr() needs a string, got ${typeof value}`);
  if (!canBeRaw(value)) {
    throw new AlloyModelError(
      `raw string ${JSON.stringify(value)} cannot be printed in backticks (no backtick, BOM, control character other than newline, or space before a newline allowed); use str()`,
    );
  }
  quoteString(value);
  return mk({ kind: 'string', value, raw: true });
}

/**
 * True when `s` can be printed verbatim between backticks and survive `alloy fmt`: no backtick, no BOM,
 * no control character other than newline, and no space before a newline (the formatter trims trailing
 * blanks of every output line, inside raw strings too).
 */
export function canBeRaw(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[`\u0000-\u0009\u000b-\u001f\u007f\ufeff]| \n/.test(s);
}

/** A number. Integers print as integers, other values in JavaScript's shortest round-trip form. */
export function num(value: number): NumberExpr {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new AlloyModelError(`invalid number ${String(value)}: Alloy numbers must be finite`);
  }
  return mk({ kind: 'number', value });
}

/** A number that prints as a float literal even when integral (`15` → `15.0`). */
export function float(value: number): NumberExpr {
  const n = num(value);
  if (Number.isInteger(value) && !String(Math.abs(value)).includes('e')) return mk({ kind: 'number', value, float: true });
  return n;
}

export function bool(value: boolean): BoolExpr {
  return mk({ kind: 'bool', value: value === true });
}

export const NULL: NullExpr = mk({ kind: 'null' });

export function list(items: readonly Value[]): ListExpr {
  if (!Array.isArray(items)) throw new AlloyModelError('list() needs an array');
  return mk({ kind: 'list', items: Object.freeze(items.map(toExpr)) });
}

/** An object entry with an explicit choice to quote an identifier key (`"name" = ...`). */
export interface FieldSpec { readonly key: string; readonly value: Value; readonly quoted?: boolean }

/**
 * An object. Accepts a plain record (JavaScript orders integer-like keys first!) or an ordered list of
 * `[key, value]` pairs / {@link FieldSpec}s. Identifier keys print bare, other keys quoted.
 */
export function obj(fields: { readonly [key: string]: Value } | Iterable<readonly [string, Value] | FieldSpec>): ObjectExpr {
  const entries: FieldSpec[] = [];
  if (typeof (fields as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const e of fields as Iterable<readonly [string, Value] | FieldSpec>) {
      entries.push(Array.isArray(e) ? { key: e[0] as string, value: e[1] as Value } : (e as FieldSpec));
    }
  } else {
    if (isExpr(fields)) throw new AlloyModelError('obj() needs fields, got an expression');
    const rec = fields as { readonly [key: string]: Value };
    for (const key of Object.keys(rec)) entries.push({ key, value: rec[key] as Value });
  }
  const seen = new Set<string>();
  const out: ObjectField[] = entries.map(({ key, value, quoted }) => {
    if (typeof key !== 'string') throw new AlloyModelError(`object keys must be strings, got ${typeof key}`);
    if (seen.has(key)) throw new AlloyModelError(`duplicate object key ${JSON.stringify(key)}`);
    seen.add(key);
    quoteString(key);
    const f: { key: string; value: Expr; quoted?: true } = { key, value: toExpr(value) };
    if (quoted && isValidIdentifier(key)) f.quoted = true;
    return Object.freeze(f);
  });
  return mk({ kind: 'object', fields: Object.freeze(out) });
}

/**
 * A reference: the parts are joined with dots, each part may itself be dotted.
 * `ref('otelcol.processor.batch', 'default', 'input')` prints `otelcol.processor.batch.default.input`.
 */
export function ref(...parts: string[]): RefExpr {
  if (parts.length === 0) throw new AlloyModelError('ref() needs at least one name');
  const path = parts.flatMap((p) => checkDotted(p, 'reference'));
  return mk({ kind: 'ref', path: Object.freeze(path) });
}

/** `target.name`; on a reference this extends the reference path. */
export function access(target: Value, name: string): RefExpr | AccessExpr {
  checkIdent(name, 'field name');
  const t = toExpr(target);
  if (t.kind === 'ref') return mk({ kind: 'ref', path: Object.freeze([...t.path, name]) });
  return mk({ kind: 'access', target: t, name });
}

/** `target[index]`. */
export function index(target: Value, idx: Value): IndexExpr {
  return mk({ kind: 'index', target: toExpr(target), index: toExpr(idx) });
}

/** A function call; a string callee is a dotted function name (`call('sys.env', 'HOME')`). */
export function call(fn: string | Expr, ...args: Value[]): CallExpr {
  const callee = typeof fn === 'string' ? ref(fn) : toExpr(fn);
  return mk({ kind: 'call', callee, args: Object.freeze(args.map(toExpr)) });
}

export function unary(op: UnaryOp, operand: Value): UnaryExpr {
  if (op !== '!' && op !== '-') throw new AlloyModelError(`invalid unary operator ${JSON.stringify(op)}`);
  return mk({ kind: 'unary', op, operand: toExpr(operand) });
}

const BINARY_PREC: Record<BinaryOp, number> = {
  '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 3, '<=': 3, '>': 3, '>=': 3, '+': 4, '-': 4, '*': 5, '/': 5, '%': 5, '^': 6,
};

/** `left op right`. Operands that need parentheses for this precedence get them when rendered. */
export function binary(left: Value, op: BinaryOp, right: Value): BinaryExpr {
  if (!(op in BINARY_PREC)) throw new AlloyModelError(`invalid binary operator ${JSON.stringify(op)}`);
  return mk({ kind: 'binary', op, left: toExpr(left), right: toExpr(right) });
}

export function paren(inner: Value): ParenExpr {
  return mk({ kind: 'paren', inner: toExpr(inner) });
}

/** Escape hatch: `text` is printed verbatim. Prefer the typed builders; nothing checks this text. */
export function raw(text: string): RawExpr {
  if (typeof text !== 'string' || text.trim() === '') throw new AlloyModelError('raw() needs non-empty expression text');
  return mk({ kind: 'raw', text });
}

/** `name = value`. `blankLineBefore` keeps a blank line before it (ignored for the first statement of a body). */
export function attr(name: string, value: Value, opts: { blankLineBefore?: boolean } = {}): Attribute {
  checkIdent(name, 'attribute name');
  const a: { kind: 'attribute'; name: string; value: Expr; blankLineBefore?: true } = { kind: 'attribute', name, value: toExpr(value) };
  if (opts.blankLineBefore) a.blankLineBefore = true;
  return Object.freeze(a);
}

/**
 * A block: `block('otelcol.receiver.otlp', 'default', [...])`, `block('grpc', [...])`, `block('x')`.
 * The name is dotted identifiers; the label, when given, must be an identifier.
 */
export function block(name: string, body?: readonly Statement[]): Block;
export function block(name: string, label: string | undefined, body?: readonly Statement[]): Block;
export function block(name: string, a?: string | readonly Statement[], b?: readonly Statement[]): Block {
  checkDotted(name, 'block name');
  let label: string | undefined;
  let body: readonly Statement[];
  if (typeof a === 'string' || a === undefined) {
    label = a;
    body = b ?? [];
  } else {
    body = a;
  }
  if (label !== undefined) checkIdent(label, 'block label');
  if (!Array.isArray(body)) throw new AlloyModelError(`block ${name}: body must be an array of statements`);
  for (const s of body) {
    if (typeof s !== 'object' || s === null || (s.kind !== 'attribute' && s.kind !== 'block')) {
      throw new AlloyModelError(`block ${name}: body entries must be attr(...) or block(...)`);
    }
  }
  const blk: { kind: 'block'; name: string; label?: string; body: readonly Statement[] } = { kind: 'block', name, body: Object.freeze([...body]) };
  if (label !== undefined) blk.label = label;
  return Object.freeze(blk);
}

// ---------------------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------------------

/** Lists and call argument lists print on one line when their one-line form is at most this long. */
export const INLINE_WIDTH = 80;

type Breakable = ListExpr | ObjectExpr | CallExpr;

function elementsOf(node: Breakable): readonly Expr[] {
  switch (node.kind) {
    case 'list': return node.items;
    case 'object': return node.fields.map((f) => f.value);
    case 'call': return node.args;
  }
}

/**
 * The layout used when a node has no `breaks`: `breaks[i]` says element i starts on a new line and
 * `breaks[n]` that the closing bracket does (which adds a trailing comma).
 * - Objects with fields: one field per line.
 * - Lists and call arguments: on one line when no element spans lines and the one-line form is at most
 *   {@link INLINE_WIDTH} characters; otherwise a single element hugs the brackets (`[{`…`}]`,
 *   `f({`…`})`) and several elements go one per line.
 * - Empty: `[]`, `{}`, `f()`.
 */
export function canonicalBreaks(node: Breakable): boolean[] {
  const els = elementsOf(node);
  const n = els.length;
  if (n === 0) return [];
  if (node.kind === 'object') return new Array<boolean>(n + 1).fill(true);
  const texts = els.map((e) => renderExpr(e));
  const oneLine = texts.every((t) => !t.includes('\n'));
  if (oneLine) {
    const head = node.kind === 'call' ? renderExpr(node.callee).length : 0;
    const width = head + 2 + texts.reduce((s, t) => s + t.length, 0) + 2 * (n - 1);
    if (width <= INLINE_WIDTH) return new Array<boolean>(n + 1).fill(false);
  }
  if (n === 1) return [false, false];
  return new Array<boolean>(n + 1).fill(true);
}

/**
 * Returns a copy of a list, object or call with explicit line breaks: `'inline'`, `'multiline'` (every
 * element and the closing bracket on its own line) or `breaks` as described in {@link canonicalBreaks}.
 * A layout equal to the canonical one is dropped, so models compare equal whatever way they were built.
 */
export function withBreaks<T extends Breakable>(node: T, layout: readonly boolean[] | 'inline' | 'multiline'): T {
  const n = elementsOf(node).length;
  const breaks = layout === 'inline' ? new Array<boolean>(n + 1).fill(false)
    : layout === 'multiline' ? new Array<boolean>(n + 1).fill(true)
      : [...layout];
  if (breaks.length !== n + 1 || breaks.some((b) => typeof b !== 'boolean')) {
    throw new AlloyModelError(`breaks must hold ${n + 1} booleans (one per element, one for the closing bracket)`);
  }
  const { breaks: _old, ...rest } = node as T & { breaks?: readonly boolean[] };
  void _old;
  const canon = canonicalBreaks(node);
  const same = n === 0 || canon.every((b, i) => b === breaks[i]);
  return mk((same ? { ...rest } : { ...rest, breaks: Object.freeze(breaks) }) as T);
}

// ---------------------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------------------

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/**
 * Quotes a string the way Go's `%q` does (the printer quotes labels and object keys with it): `\"`,
 * `\\`, `\a \b \f \n \r \t \v`, `\xHH` for other ASCII controls, `\uHHHH`/`\UHHHHHHHH` for other
 * non-printable code points, printable Unicode verbatim. Throws on unpaired surrogates (not UTF-8).
 */
// Printable ASCII other than `"` and `\`: needs no escaping (the common case, checked at once).
const PLAIN_ASCII = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

export function quoteString(s: string): string {
  if (PLAIN_ASCII.test(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      throw new AlloyModelError(`string ${JSON.stringify(s)} contains an unpaired surrogate (U+${cp.toString(16).toUpperCase()})`);
    }
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (PRINTABLE.test(ch)) out += ch;
    else {
      switch (ch) {
        case '\x07': out += '\\a'; break;
        case '\b': out += '\\b'; break;
        case '\f': out += '\\f'; break;
        case '\n': out += '\\n'; break;
        case '\r': out += '\\r'; break;
        case '\t': out += '\\t'; break;
        case '\v': out += '\\v'; break;
        default:
          if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
          else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
          else out += '\\U' + cp.toString(16).padStart(8, '0');
      }
    }
  }
  return out + '"';
}

function formatNumber(n: NumberExpr): { sign: boolean; text: string; isInt: boolean } {
  const v = n.value;
  const neg = v < 0 || Object.is(v, -0);
  const a = Math.abs(v);
  let text = String(a);
  if (n.float && Number.isInteger(a) && !text.includes('e')) text += '.0';
  return { sign: neg, text, isInt: /^[0-9]+$/.test(text) };
}

/** Binding strength used to decide parentheses: binary 1..6, unary 7, primary/postfix 8. */
function precOf(e: Expr): number {
  switch (e.kind) {
    case 'binary': return BINARY_PREC[e.op];
    case 'unary': return 7;
    case 'number': return e.value < 0 || Object.is(e.value, -0) ? 7 : 8;
    default: return 8;
  }
}

type Ws = ' ' | '\v' | '\n' | '\f' | '>' | '<';

/** Emulates the upstream printer's token/whitespace stream (before tabwriter and trimming). */
class Printer {
  out = '';
  private indent = 0;
  private col1 = true;
  private ws: Ws[] = [];
  line = 1;
  private lastNumber = false;

  space(...w: Ws[]): void {
    this.ws.push(...w);
  }

  token(text: string, isNumber = false): void {
    if (text === '.' && this.lastNumber && this.ws.length === 0) this.ws.push(' ');
    for (const w of this.ws) {
      if (w === '>') this.indent++;
      else if (w === '<') this.indent--;
      else this.byte(w);
    }
    this.ws = [];
    if (this.col1) this.writeIndent();
    this.out += text;
    if (text.includes('\n') || text.includes('\f')) for (const c of text) if (c === '\n' || c === '\f') this.line++;
    this.col1 = false;
    this.lastNumber = isNumber;
  }

  private byte(c: string): void {
    if (this.col1) this.writeIndent();
    this.out += c;
    if (c === '\n' || c === '\f') {
      this.line++;
      this.col1 = true;
    } else this.col1 = false;
  }

  private writeIndent(): void {
    if (this.indent > 0) {
      this.out += '\t'.repeat(this.indent);
      this.col1 = false;
    }
  }

  stmts(ss: readonly Statement[]): void {
    ss.forEach((s, i) => {
      let added = false;
      if (i > 0 && s.kind === 'block') {
        this.space('\f');
        added = true;
      }
      if (i > 0 && !added && s.kind === 'attribute' && s.blankLineBefore) this.space('\f');
      this.token(s.name);
      const start = this.line; // the line the statement starts on (pending newlines are now written)
      if (s.kind === 'attribute') {
        this.space('\v');
        this.token('=');
        this.space(' ');
        this.expr(s.value);
      } else {
        if (s.label !== undefined) {
          this.space(' ');
          this.token(quoteString(s.label));
        }
        this.space(' ');
        this.token('{');
        this.space('>');
        if (s.body.length > 0) {
          this.space('\f');
          this.stmts(s.body);
        } else this.space(' ');
        this.space('<');
        this.token('}');
      }
      this.space(this.line > start ? '\f' : '\n');
    });
  }

  private sub(e: Expr, minPrec: number): void {
    if (precOf(e) < minPrec) {
      this.token('(');
      this.expr(e);
      this.token(')');
    } else this.expr(e);
  }

  expr(e: Expr): void {
    switch (e.kind) {
      case 'string':
        this.token(e.raw ? '`' + e.value + '`' : quoteString(e.value));
        return;
      case 'number': {
        const f = formatNumber(e);
        if (f.sign) this.token('-');
        this.token(f.text, f.isInt);
        return;
      }
      case 'bool':
        this.token(e.value ? 'true' : 'false');
        return;
      case 'null':
        this.token('null');
        return;
      case 'raw':
        this.token(e.text);
        return;
      case 'ref':
        e.path.forEach((p, i) => {
          if (i > 0) this.token('.');
          this.token(p);
        });
        return;
      case 'access':
        this.sub(e.target, 8);
        this.token('.');
        this.token(e.name);
        return;
      case 'index':
        this.sub(e.target, 8);
        this.token('[');
        this.expr(e.index);
        this.token(']');
        return;
      case 'unary':
        this.token(e.op);
        this.sub(e.operand, 7);
        return;
      case 'binary': {
        const p = BINARY_PREC[e.op];
        if (e.op === '^') {
          this.sub(e.left, 7);
          this.space(' ');
          this.token(e.op);
          this.space(' ');
          this.sub(e.right, 6);
        } else {
          this.sub(e.left, p);
          this.space(' ');
          this.token(e.op);
          this.space(' ');
          this.sub(e.right, p + 1);
        }
        return;
      }
      case 'paren':
        this.token('(');
        this.expr(e.inner);
        this.token(')');
        return;
      case 'list':
        this.list(e);
        return;
      case 'object':
        this.object(e);
        return;
      case 'call':
        this.call(e);
        return;
    }
  }

  private list(e: ListExpr): void {
    const breaks = e.breaks ?? canonicalBreaks(e);
    const n = e.items.length;
    this.token('[');
    e.items.forEach((item, i) => {
      const nl = breaks[i] === true;
      if (nl) this.space('>', '\f');
      else if (i > 0) this.space(' ');
      this.expr(item);
      if (i + 1 < n) this.token(',');
      if (nl) this.space('<');
    });
    if (n > 0 && breaks[n]) {
      this.token(',');
      this.space('>', '\f', '<');
    }
    this.token(']');
  }

  private object(e: ObjectExpr): void {
    const breaks = e.breaks ?? canonicalBreaks(e);
    const n = e.fields.length;
    this.token('{');
    this.space('>');
    let prevMulti = false;
    e.fields.forEach((f, i) => {
      if (breaks[i] || prevMulti) {
        this.space(i > 0 && !prevMulti ? '\n' : '\f');
      } else if (i > 0) this.space(' ');
      this.token(f.quoted || !isValidIdentifier(f.key) ? quoteString(f.key) : f.key);
      this.space('\v');
      this.token('=');
      this.space(' ');
      const start = this.line;
      this.expr(f.value);
      prevMulti = this.line > start;
      if (i + 1 < n) this.token(',');
    });
    if (n > 0 && (breaks[n] || prevMulti)) {
      this.token(',');
      this.space('\f');
    }
    this.space('<');
    this.token('}');
  }

  private call(e: CallExpr): void {
    const breaks = e.breaks ?? canonicalBreaks(e);
    const n = e.args.length;
    this.sub(e.callee, 8);
    this.token('(');
    e.args.forEach((a, i) => {
      const nl = breaks[i] === true;
      if (nl) this.space('\f', '>');
      this.expr(a);
      if (i + 1 < n) {
        this.token(',');
        this.space(' ');
      }
      if (nl) this.space('<');
    });
    if (n > 0 && breaks[n]) {
      this.token(',');
      this.space('\f');
    }
    this.token(')');
  }
}

interface Cell { text: string; width: number; htab: boolean }

/**
 * Go text/tabwriter with minwidth 0, tabwidth 8, padding 1, padchar ' ', DiscardEmptyColumns|TabIndent
 * (elastic tabstops: a column block is a run of consecutive lines that have a cell in that column;
 * '\f' ends every block), followed by trimming of trailing blanks on every line.
 */
function tabwrite(src: string): string {
  const lines: Cell[][] = [];
  const flushAfter: boolean[] = [];
  let cells: Cell[] = [];
  let from = 0;
  const separator = /[\t\v\n\f]/g;
  for (let m = separator.exec(src); ; m = separator.exec(src)) {
    const at = m ? m.index : src.length;
    const text = src.slice(from, at);
    cells.push({ text, width: runeCount(text), htab: m?.[0] === '\t' });
    from = at + 1;
    if (!m || m[0] === '\n' || m[0] === '\f') {
      lines.push(cells);
      flushAfter.push(!m || m[0] === '\f');
      cells = [];
    }
    if (!m) break;
  }

  const out: string[] = [];
  const writePadding = (textw: number, cellw: number, useTabs: boolean): void => {
    if (useTabs) {
      const w = Math.ceil(cellw / 8) * 8;
      out.push('\t'.repeat(Math.ceil((w - textw) / 8)));
    } else out.push(' '.repeat(cellw - textw));
  };
  const writeLines = (l0: number, l1: number, widths: number[]): void => {
    for (let i = l0; i < l1; i++) {
      const line = lines[i] as Cell[];
      let useTabs = true;
      for (let j = 0; j < line.length; j++) {
        const c = line[j] as Cell;
        if (c.text.length === 0) {
          if (j < widths.length) writePadding(c.width, widths[j] as number, useTabs);
        } else {
          useTabs = false;
          out.push(c.text);
          if (j < widths.length) writePadding(c.width, widths[j] as number, false);
        }
      }
      if (i + 1 < lines.length) out.push('\n');
    }
  };
  const format = (l0: number, l1: number, widths: number[]): void => {
    const column = widths.length;
    let line0 = l0;
    for (let t = l0; t < l1; t++) {
      if (column >= (lines[t] as Cell[]).length - 1) continue;
      writeLines(line0, t, widths);
      line0 = t;
      let width = 0;
      let discardable = true;
      for (; t < l1; t++) {
        const line = lines[t] as Cell[];
        if (column >= line.length - 1) break;
        const c = line[column] as Cell;
        if (c.width + 1 > width) width = c.width + 1;
        if (c.width > 0 || c.htab) discardable = false;
      }
      if (discardable) width = 0;
      format(line0, t, [...widths, width]);
      line0 = t;
      t--; // the for loop's t++ must not skip line t
    }
    writeLines(line0, l1, widths);
  };
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    if (flushAfter[i]) {
      format(start, i + 1, []);
      start = i + 1;
    }
  }
  // Trim blanks before every '\n' and at the end (not before U+2028/U+2029, which a /m regexp would treat as
  // line ends).
  return out.join('').replace(/[ \t]+(?=\n)|[ \t]+$/g, '');
}

/** Go's utf8.RuneCountInString: code points, not UTF-16 units. */
function runeCount(text: string): number {
  return /[\uD800-\uDFFF]/.test(text) ? [...text].length : text.length;
}

function finish(p: Printer): string {
  return tabwrite(p.out);
}

/** Renders a file as `alloy fmt` prints it, with one trailing newline (an empty file renders as ""). */
export function renderAlloy(file: AlloyFile): string {
  const p = new Printer();
  p.stmts(file);
  const text = finish(p);
  return text === '' ? '' : text + '\n';
}

const exprCache = new WeakMap<Expr, string>();

/** Renders one expression as the printer prints it at indentation level 0 (no trailing newline). */
export function renderExpr(value: Value): string {
  const e = toExpr(value);
  const hit = exprCache.get(e);
  if (hit !== undefined) return hit;
  const p = new Printer();
  p.expr(e);
  const text = finish(p);
  exprCache.set(e, text);
  return text;
}
