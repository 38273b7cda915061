/**
 * A parser for the Grafana Alloy configuration language, for tests: a scanner and a recursive-descent
 * parser written from the documented grammar of grafana/alloy v1.18.1 (syntax/scanner, syntax/parser,
 * docs/sources/get-started/syntax.md and expressions/types_and_values.md), and a conversion of its syntax
 * tree into the renderer's model (constructs/alloy/syntax.ts) so that tests can round-trip
 * model → text → model.
 *
 * Grammar (EBNF):
 *   File       = Body
 *   Body       = [ Statement { TERMINATOR Statement } ]
 *   Statement  = Attribute | Block
 *   Attribute  = identifier "=" Expression
 *   Block      = identifier { "." identifier } [ string ] "{" Body "}"    (label: double-quoted identifier)
 *   Expression = OrExpr;  OrExpr = AndExpr { "||" AndExpr };  AndExpr = CmpExpr { "&&" CmpExpr }
 *   CmpExpr = AddExpr { ("=="|"!="|"<"|"<="|">"|">=") AddExpr };  AddExpr = MulExpr { ("+"|"-") MulExpr }
 *   MulExpr = PowExpr { ("*"|"/"|"%") PowExpr };  PowExpr = UnaryExpr [ "^" PowExpr ]   (right-assoc)
 *   UnaryExpr = ("!"|"-") UnaryExpr | Primary { "." identifier | "[" Expression "]" | "(" [ ExprList ] ")" }
 *   Primary = identifier | string | number | float | bool | null | "(" Expression ")"
 *           | "[" [ ExprList ] "]" | "{" [ FieldList ] "}"
 *   ExprList = Expression { "," Expression } [ "," ];  FieldList = Field { "," Field } [ "," ]
 *   Field = ( string | identifier ) "=" Expression
 * Lexical: a TERMINATOR is inserted at a newline (or a comment running to the end of the line, or EOF)
 * that follows an identifier, keyword, number, string, `)`, `]` or `}`; every other newline is
 * whitespace. Comments are `//` to end of line and `/* … *\/`.
 * The parser stops at the first error (upstream collects several); messages follow upstream's wording.
 */
import {
  AlloyFile, BinaryOp, Expr, ListExpr, ObjectExpr, CallExpr, Statement, access, attr, binary, block, bool, call,
  canBeRaw, float, index, isValidIdentifier, list, num, NULL, obj, paren, rawStr, ref, str, unary, withBreaks,
} from '../../constructs/alloy/syntax';

export class AlloyParseError extends Error {
  constructor(readonly reason: string, readonly line: number, readonly col: number) {
    super(`${line}:${col}: ${reason}`);
    this.name = 'AlloyParseError';
  }
}

export interface Pos { readonly offset: number; readonly line: number; readonly col: number }

export type TokKind =
  | 'EOF' | 'COMMENT' | 'IDENT' | 'NUMBER' | 'FLOAT' | 'STRING' | 'BOOL' | 'NULL' | 'TERMINATOR'
  | '||' | '&&' | '!' | '=' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | '^'
  | '{' | '}' | '(' | ')' | '[' | ']' | ',' | '.';

export interface Token { readonly kind: TokKind; readonly lit: string; readonly pos: Pos; readonly endLine: number }

const EOF = -1;

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (c >= 0x80 && /\p{L}/u.test(String.fromCodePoint(c)));
}
function isDecimal(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isDigit(c: number): boolean {
  return isDecimal(c) || (c >= 0x80 && /\p{Nd}/u.test(String.fromCodePoint(c)));
}
function digitVal(c: number): number {
  if (isDecimal(c)) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return 16;
}

/** The scanner: yields tokens including COMMENT tokens and inserted TERMINATORs. */
export class Scanner {
  private i = 0; // offset of ch (UTF-16 index)
  private chv = EOF;
  private cur(): number {
    return this.chv;
  }
  private insertTerm = false;
  private readonly lineStarts: number[] = [0];

  constructor(private readonly src: string) {
    for (let k = 0; k < src.length; k++) if (src.charCodeAt(k) === 10) this.lineStarts.push(k + 1);
    this.load(0);
    if (this.cur() === 0xfeff) this.next();
  }

  pos(offset: number): Pos {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset, line: lo + 1, col: offset - (this.lineStarts[lo] as number) + 1 };
  }

  private fail(offset: number, msg: string): never {
    const p = this.pos(offset);
    throw new AlloyParseError(msg, p.line, p.col);
  }

  private load(i: number): void {
    this.i = i;
    if (i >= this.src.length) {
      this.i = this.src.length;
      this.chv = EOF;
      return;
    }
    const c = this.src.codePointAt(i) as number;
    if (c === 0) this.fail(i, 'illegal character NUL');
    if (c >= 0xd800 && c <= 0xdfff) this.fail(i, 'illegal UTF-8 encoding');
    if (c === 0xfeff && i > 0) this.fail(i, 'illegal byte order mark');
    this.chv = c;
  }

  private next(): void {
    if (this.cur() === EOF) return;
    this.load(this.i + (this.cur() > 0xffff ? 2 : 1));
  }

  private peek(): number {
    const j = this.i + (this.cur() > 0xffff ? 2 : 1);
    return j < this.src.length ? this.src.charCodeAt(j) : 0;
  }

  private skipWhitespace(): void {
    while (this.cur() === 0x20 || this.cur() === 0x09 || this.cur() === 0x0d || (this.cur() === 0x0a && !this.insertTerm)) this.next();
  }

  private tok(kind: TokKind, lit: string, off: number): Token {
    const pos = this.pos(off);
    let endLine = pos.line;
    for (const c of lit) if (c === '\n') endLine++;
    return { kind, lit, pos, endLine };
  }

  scan(): Token {
    for (;;) {
      this.skipWhitespace();
      const off = this.i;
      const ch = this.cur();
      let insertTerm = false;
      let kind: TokKind;
      let lit = '';
      if (ch !== EOF && isLetter(ch)) {
        while (this.cur() !== EOF && (isLetter(this.cur()) || isDigit(this.cur()))) this.next();
        lit = this.src.slice(off, this.i);
        kind = lit === 'true' || lit === 'false' ? 'BOOL' : lit === 'null' ? 'NULL' : 'IDENT';
        insertTerm = true;
      } else if (isDecimal(ch) || (ch === 0x2e && isDecimal(this.peek()))) {
        insertTerm = true;
        kind = 'NUMBER';
        if (this.cur() !== 0x2e) this.digits();
        if (this.cur() === 0x2e) {
          kind = 'FLOAT';
          this.next();
          this.digits();
        }
        if ((this.cur() | 0x20) === 0x65) {
          kind = 'FLOAT';
          this.next();
          if (this.cur() === 0x2b || this.cur() === 0x2d) this.next();
          if (this.digits() === 0) this.fail(off, 'exponent has no digits');
        }
        lit = this.src.slice(off, this.i);
      } else {
        this.next();
        switch (ch) {
          case EOF:
            if (this.insertTerm) {
              this.insertTerm = false;
              return this.tok('TERMINATOR', '\n', off);
            }
            return this.tok('EOF', '', off);
          case 0x0a:
            this.insertTerm = false;
            return this.tok('TERMINATOR', '\n', off);
          case 0x27:
            this.fail(off, 'illegal single-quoted string; use double quotes');
          // falls through (fail never returns)
          case 0x22:
            insertTerm = true;
            kind = 'STRING';
            this.scanString(off, 0x22, true, false);
            lit = this.src.slice(off, this.i);
            break;
          case 0x60:
            insertTerm = true;
            kind = 'STRING';
            this.scanString(off, 0x60, false, true);
            lit = this.src.slice(off, this.i);
            break;
          case 0x7c:
            if (this.cur() !== 0x7c) this.fail(this.i, 'missing second | in ||');
            this.next();
            kind = '||';
            break;
          case 0x26:
            if (this.cur() !== 0x26) this.fail(this.i, 'missing second & in &&');
            this.next();
            kind = '&&';
            break;
          case 0x21: kind = this.switch2('!', '!='); break;
          case 0x3d: kind = this.switch2('=', '=='); break;
          case 0x3c: kind = this.switch2('<', '<='); break;
          case 0x3e: kind = this.switch2('>', '>='); break;
          case 0x2b: kind = '+'; break;
          case 0x2d: kind = '-'; break;
          case 0x2a: kind = '*'; break;
          case 0x2f:
            if (this.cur() === 0x2f || this.cur() === 0x2a) {
              if (this.insertTerm && this.findLineEnd()) {
                this.load(off); // rescan the comment after the terminator
                this.insertTerm = false;
                return this.tok('TERMINATOR', '\n', off);
              }
              this.scanComment(off);
              this.insertTerm = false;
              return this.tok('COMMENT', this.src.slice(off, this.i), off);
            }
            kind = '/';
            break;
          case 0x25: kind = '%'; break;
          case 0x5e: kind = '^'; break;
          case 0x7b: kind = '{'; break;
          case 0x7d: kind = '}'; insertTerm = true; break;
          case 0x28: kind = '('; break;
          case 0x29: kind = ')'; insertTerm = true; break;
          case 0x5b: kind = '['; break;
          case 0x5d: kind = ']'; insertTerm = true; break;
          case 0x2c: kind = ','; break;
          case 0x2e: kind = '.'; break;
          default:
            this.fail(off, `illegal character U+${ch.toString(16).toUpperCase().padStart(4, '0')}`);
        }
      }
      this.insertTerm = insertTerm;
      return this.tok(kind, lit, off);
    }
  }

  private switch2(a: TokKind, b: TokKind): TokKind {
    if (this.cur() === 0x3d) {
      this.next();
      return b;
    }
    return a;
  }

  private digits(): number {
    let n = 0;
    while (isDecimal(this.cur())) {
      this.next();
      n++;
    }
    return n;
  }

  private scanString(off: number, until: number, escape: boolean, multiline: boolean): void {
    for (;;) {
      const c = this.cur();
      if ((!multiline && c === 0x0a) || c === EOF) this.fail(off, 'string literal not terminated');
      this.next();
      if (c === until) return;
      if (escape && c === 0x5c) this.scanEscape();
    }
  }

  private scanEscape(): void {
    const off = this.i;
    let n: number;
    let base: number;
    let max: number;
    switch (this.cur()) {
      case 0x61: case 0x62: case 0x66: case 0x6e: case 0x72: case 0x74: case 0x76: case 0x5c: case 0x22: case 0x27:
        this.next();
        return;
      case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: case 0x36: case 0x37:
        [n, base, max] = [3, 8, 255];
        break;
      case 0x78: this.next(); [n, base, max] = [2, 16, 255]; break;
      case 0x75: this.next(); [n, base, max] = [4, 16, 0x10ffff]; break;
      case 0x55: this.next(); [n, base, max] = [8, 16, 0x10ffff]; break;
      default:
        this.fail(off, this.cur() === EOF ? 'escape sequence not terminated' : 'unknown escape sequence');
    }
    let x = 0;
    for (; n > 0; n--) {
      const d = digitVal(this.cur());
      if (d >= base) this.fail(off, this.cur() === EOF ? 'escape sequence not terminated' : 'illegal character in escape sequence');
      x = x * base + d;
      this.next();
    }
    if (x > max || (x >= 0xd800 && x < 0xe000)) this.fail(off, 'escape sequence is invalid Unicode code point');
  }

  /** With the first '/' consumed: does this run of comments reach the end of the line (or file)? */
  private findLineEnd(): boolean {
    const save = this.i;
    const result = ((): boolean => {
      while (this.cur() === 0x2f || this.cur() === 0x2a) {
        if (this.cur() === 0x2f) return true;
        this.next();
        while (this.cur() !== EOF) {
          const c = this.cur();
          if (c === 0x0a) return true;
          this.next();
          if (c === 0x2a && this.cur() === 0x2f) {
            this.next();
            break;
          }
        }
        while (this.cur() === 0x20 || this.cur() === 0x09 || this.cur() === 0x0d) this.next();
        if (this.cur() === EOF || this.cur() === 0x0a) return true;
        if (this.cur() !== 0x2f) return false;
        this.next();
      }
      return false;
    })();
    this.load(save);
    return result;
  }

  private scanComment(off: number): void {
    if (this.cur() === 0x2f) {
      while (this.cur() !== 0x0a && this.cur() !== EOF) this.next();
      return;
    }
    this.next();
    while (this.cur() !== EOF) {
      const c = this.cur();
      this.next();
      if (c === 0x2a && this.cur() === 0x2f) {
        this.next();
        return;
      }
    }
    this.fail(off, 'block comment not terminated');
  }
}

/** Tokenizes a whole source (comments included). */
export function scanAlloy(src: string): Token[] {
  const s = new Scanner(src);
  const out: Token[] = [];
  for (;;) {
    const t = s.scan();
    out.push(t);
    if (t.kind === 'EOF') return out;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Syntax tree
// ---------------------------------------------------------------------------------------------------------

export type LiteralKind = 'STRING' | 'NUMBER' | 'FLOAT' | 'BOOL' | 'NULL';
export interface AstField { readonly key: string; readonly quoted: boolean; readonly namePos: Pos; readonly nameEndLine: number; readonly value: AstExpr }
export type AstExpr =
  | { readonly type: 'literal'; readonly tok: LiteralKind; readonly text: string; readonly pos: Pos; readonly endLine: number }
  | { readonly type: 'ident'; readonly name: string; readonly pos: Pos }
  | { readonly type: 'access'; readonly target: AstExpr; readonly name: string; readonly namePos: Pos }
  | { readonly type: 'index'; readonly target: AstExpr; readonly index: AstExpr; readonly rbrack: Pos }
  | { readonly type: 'call'; readonly callee: AstExpr; readonly args: readonly AstExpr[]; readonly lparen: Pos; readonly rparen: Pos }
  | { readonly type: 'unary'; readonly op: '!' | '-'; readonly opPos: Pos; readonly operand: AstExpr }
  | { readonly type: 'binary'; readonly op: BinaryOp; readonly opPos: Pos; readonly left: AstExpr; readonly right: AstExpr }
  | { readonly type: 'paren'; readonly inner: AstExpr; readonly lparen: Pos; readonly rparen: Pos }
  | { readonly type: 'array'; readonly elements: readonly AstExpr[]; readonly lbrack: Pos; readonly rbrack: Pos }
  | { readonly type: 'object'; readonly fields: readonly AstField[]; readonly lcurly: Pos; readonly rcurly: Pos };
export type AstStmt =
  | { readonly type: 'attribute'; readonly name: string; readonly namePos: Pos; readonly value: AstExpr }
  | { readonly type: 'block'; readonly name: readonly string[]; readonly label?: string; readonly namePos: Pos; readonly lcurly: Pos; readonly rcurly: Pos; readonly body: readonly AstStmt[] };
export interface AstComment { readonly text: string; readonly pos: Pos; readonly endLine: number }
export interface AstFile { readonly body: readonly AstStmt[]; readonly comments: readonly AstComment[] }

export function startLine(e: AstExpr): number {
  switch (e.type) {
    case 'literal': case 'ident': return e.pos.line;
    case 'access': case 'index': return startLine(e.target);
    case 'call': return startLine(e.callee);
    case 'unary': return e.opPos.line;
    case 'binary': return startLine(e.left);
    case 'paren': return e.lparen.line;
    case 'array': return e.lbrack.line;
    case 'object': return e.lcurly.line;
  }
}

export function endLine(e: AstExpr): number {
  switch (e.type) {
    case 'literal': return e.endLine;
    case 'ident': return e.pos.line;
    case 'access': return e.namePos.line;
    case 'index': return e.rbrack.line;
    case 'call': return e.rparen.line;
    case 'unary': return endLine(e.operand);
    case 'binary': return endLine(e.right);
    case 'paren': return e.rparen.line;
    case 'array': return e.rbrack.line;
    case 'object': return e.rcurly.line;
  }
}

function stmtLines(s: AstStmt): [number, number] {
  return s.type === 'attribute' ? [s.namePos.line, endLine(s.value)] : [s.namePos.line, s.rcurly.line];
}

const BIN_PREC: Partial<Record<TokKind, number>> = {
  '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 3, '<=': 3, '>': 3, '>=': 3, '+': 4, '-': 4, '*': 5, '/': 5, '%': 5, '^': 6,
};

class Parser {
  private readonly scanner: Scanner;
  private t!: Token;
  readonly comments: AstComment[] = [];

  constructor(src: string) {
    this.scanner = new Scanner(src);
    this.next();
  }

  private kind(): TokKind {
    return this.t.kind;
  }

  private next(): void {
    for (;;) {
      this.t = this.scanner.scan();
      if (this.kind() !== 'COMMENT') return;
      this.comments.push({ text: this.t.lit, pos: this.t.pos, endLine: this.t.endLine });
    }
  }

  private fail(msg: string, pos: Pos = this.t.pos): never {
    throw new AlloyParseError(msg, pos.line, pos.col);
  }

  private expect(kind: TokKind): Token {
    const t = this.t;
    if (t.kind !== kind) this.fail(`expected ${kind}, got ${t.kind}`);
    this.next();
    return t;
  }

  parseFile(): AstFile {
    const body = this.parseBody('EOF');
    return { body, comments: this.comments };
  }

  private parseBody(until: TokKind): AstStmt[] {
    const body: AstStmt[] = [];
    while (this.kind() !== until && this.kind() !== 'EOF') {
      body.push(this.parseStatement());
      if (this.kind() === until) break;
      if (this.kind() !== 'TERMINATOR') this.fail(`expected TERMINATOR, got ${this.kind()}`);
      this.next();
    }
    return body;
  }

  private parseStatement(): AstStmt {
    if (this.kind() !== 'IDENT') this.fail(`expected identifier, got ${this.kind()}`);
    const namePos = this.t.pos;
    const name = [this.t.lit];
    this.next();
    while (this.kind() === '.') {
      this.next();
      name.push(this.expect('IDENT').lit);
    }
    let label: string | undefined;
    let labelPos: Pos | undefined;
    if (this.kind() !== '=' && this.kind() !== '{') {
      if (this.kind() !== 'STRING') this.fail(`expected block label, got ${this.kind()}`);
      const lit = this.t.lit;
      if (lit[0] !== '"') this.fail(`expected block label to be a double quoted string, but got ${JSON.stringify(lit)}`);
      labelPos = this.t.pos;
      if (lit.length > 2) {
        label = lit.slice(1, -1);
        if (!isValidIdentifier(label)) this.fail(`expected block label to be a valid identifier, but got ${JSON.stringify(label)}`);
      }
      this.next();
    }
    if (this.kind() === '=') {
      if (name.length !== 1) this.fail('attribute names may only consist of a single identifier with no "."', namePos);
      if (labelPos !== undefined) this.fail('attribute names may not have labels', labelPos);
      this.next();
      return { type: 'attribute', name: name[0] as string, namePos, value: this.parseExpression() };
    }
    if (this.kind() === '{') {
      const lcurly = this.expect('{').pos;
      const body = this.parseBody('}');
      const rcurly = this.expect('}').pos;
      return label === undefined
        ? { type: 'block', name, namePos, lcurly, rcurly, body }
        : { type: 'block', name, label, namePos, lcurly, rcurly, body };
    }
    if (name.length === 1 && labelPos === undefined) this.fail(`expected attribute assignment or block body, got ${this.kind()}`);
    return this.fail(`expected block body, got ${this.kind()}`);
  }

  parseExpression(): AstExpr {
    return this.parseBinOp(1);
  }

  private parseBinOp(inPrec: number): AstExpr {
    let lhs = this.parsePowExpr();
    for (;;) {
      const op = this.kind();
      const prec = BIN_PREC[op] ?? 0;
      if (prec < inPrec) return lhs;
      const opPos = this.t.pos;
      this.next();
      const rhs = this.parseBinOp(prec + 1);
      lhs = { type: 'binary', op: op as BinaryOp, opPos, left: lhs, right: rhs };
    }
  }

  private parsePowExpr(): AstExpr {
    const lhs = this.parseUnaryExpr();
    if (this.kind() === '^') {
      const opPos = this.t.pos;
      this.next();
      return { type: 'binary', op: '^', opPos, left: lhs, right: this.parsePowExpr() };
    }
    return lhs;
  }

  private parseUnaryExpr(): AstExpr {
    const op = this.kind();
    if (op === '!' || op === '-') {
      const opPos = this.t.pos;
      this.next();
      return { type: 'unary', op, opPos, operand: this.parseUnaryExpr() };
    }
    const startPos = this.t.pos;
    let primary = this.parsePrimaryExpr();
    for (;;) {
      switch (this.kind()) {
        case '.': {
          this.next();
          const nameTok = this.expect('IDENT');
          primary = { type: 'access', target: primary, name: nameTok.lit, namePos: nameTok.pos };
          break;
        }
        case '[': {
          this.next();
          const idx = this.parseExpression();
          const rbrack = this.expect(']').pos;
          primary = { type: 'index', target: primary, index: idx, rbrack };
          break;
        }
        case '(': {
          const lparen = this.expect('(').pos;
          const args = this.kind() !== ')' ? this.parseExpressionList(')') : [];
          const rparen = this.expect(')').pos;
          primary = { type: 'call', callee: primary, args, lparen, rparen };
          break;
        }
        case 'STRING':
        case '{':
          return this.fail('cannot use a block as an expression', startPos);
        default:
          return primary;
      }
    }
  }

  private parsePrimaryExpr(): AstExpr {
    const t = this.t;
    switch (t.kind) {
      case 'IDENT':
        this.next();
        return { type: 'ident', name: t.lit, pos: t.pos };
      case 'STRING': case 'NUMBER': case 'FLOAT': case 'BOOL': case 'NULL':
        this.next();
        return { type: 'literal', tok: t.kind, text: t.lit, pos: t.pos, endLine: t.endLine };
      case '(': {
        this.next();
        const inner = this.parseExpression();
        const rparen = this.expect(')').pos;
        return { type: 'paren', inner, lparen: t.pos, rparen };
      }
      case '[': {
        this.next();
        const elements = this.kind() !== ']' ? this.parseExpressionList(']') : [];
        const rbrack = this.expect(']').pos;
        return { type: 'array', elements, lbrack: t.pos, rbrack };
      }
      case '{': {
        this.next();
        const fields = this.kind() !== '}' ? this.parseFieldList() : [];
        const rcurly = this.expect('}').pos;
        return { type: 'object', fields, lcurly: t.pos, rcurly };
      }
      default:
        return this.fail(`expected expression, got ${t.kind}`);
    }
  }

  private parseExpressionList(until: TokKind): AstExpr[] {
    const out: AstExpr[] = [];
    while (this.kind() !== until && this.kind() !== 'EOF') {
      out.push(this.parseExpression());
      if (this.kind() === until) break;
      if (this.kind() !== ',') this.fail("missing ',' in expression list");
      this.next();
    }
    return out;
  }

  private parseFieldList(): AstField[] {
    const out: AstField[] = [];
    while (this.kind() !== '}' && this.kind() !== 'EOF') {
      const t = this.t;
      if (t.kind !== 'STRING' && t.kind !== 'IDENT') this.fail(`expected field name (string or identifier), got ${t.kind}`);
      this.next();
      this.expect('=');
      const value = this.parseExpression();
      const quoted = t.kind === 'STRING';
      out.push({ key: quoted ? stringValue(t.lit) : t.lit, quoted, namePos: t.pos, nameEndLine: t.endLine, value });
      if (this.kind() === '}') break;
      if (this.kind() !== ',') this.fail("missing ',' in field list");
      this.next();
    }
    return out;
  }
}

/** Parses a whole file; throws {@link AlloyParseError} at the first error. */
export function parseAlloy(src: string): AstFile {
  return new Parser(src).parseFile();
}

/**
 * The value of a string literal (with its quotes): raw strings verbatim; double-quoted strings with
 * escapes decoded (`\NNN` octal and `\xNN` are bytes, `\u`/`\U` code points; the bytes are UTF-8 decoded).
 */
export function stringValue(lit: string): string {
  if (lit[0] === '`') return lit.slice(1, -1);
  const bytes: number[] = [];
  const enc = new TextEncoder();
  const body = lit.slice(1, -1);
  let k = 0;
  while (k < body.length) {
    const c = body[k] as string;
    if (c !== '\\') {
      const cp = body.codePointAt(k) as number;
      const s = String.fromCodePoint(cp);
      bytes.push(...enc.encode(s));
      k += s.length;
      continue;
    }
    const e = body[k + 1] as string;
    const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34, "'": 39 };
    if (e in simple) {
      bytes.push(simple[e] as number);
      k += 2;
    } else if (e >= '0' && e <= '7') {
      bytes.push(parseInt(body.slice(k + 1, k + 4), 8));
      k += 4;
    } else if (e === 'x') {
      bytes.push(parseInt(body.slice(k + 2, k + 4), 16));
      k += 4;
    } else {
      const n = e === 'u' ? 4 : 8;
      bytes.push(...enc.encode(String.fromCodePoint(parseInt(body.slice(k + 2, k + 2 + n), 16))));
      k += 2 + n;
    }
  }
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array(bytes));
}

// ---------------------------------------------------------------------------------------------------------
// Syntax tree → model
// ---------------------------------------------------------------------------------------------------------

export interface ToModelOptions {
  /**
   * 'preserve' (default): keep what the printer keeps — line breaks inside lists, objects and calls
   * (as `breaks`, only where they differ from the canonical layout) and blank lines between statements.
   * 'canonical': drop them.
   */
  readonly layout?: 'preserve' | 'canonical';
}

/** Converts a syntax tree to the renderer's model. Comments are dropped. */
export function astToModel(file: AstFile, opts: ToModelOptions = {}): Statement[] {
  const preserve = (opts.layout ?? 'preserve') === 'preserve';

  const layout = <T extends ListExpr | ObjectExpr | CallExpr>(node: T, breaks: boolean[]): T =>
    preserve && breaks.length > 1 ? withBreaks(node, breaks) : node;

  const expr = (e: AstExpr): Expr => {
    switch (e.type) {
      case 'literal':
        switch (e.tok) {
          case 'STRING': {
            const v = stringValue(e.text);
            return e.text[0] === '`' && canBeRaw(v) ? rawStr(v) : str(v);
          }
          case 'NUMBER': return num(Number(e.text));
          case 'FLOAT': return float(Number(e.text));
          case 'BOOL': return bool(e.text === 'true');
          case 'NULL': return NULL;
        }
        break;
      case 'ident': return ref(e.name);
      case 'access': return access(expr(e.target), e.name);
      case 'index': return index(expr(e.target), expr(e.index));
      case 'unary': {
        const operand = expr(e.operand);
        if (e.op === '-' && e.operand.type === 'literal' && operand.kind === 'number') {
          return operand.float ? float(-operand.value) : num(-operand.value);
        }
        return unary(e.op, operand);
      }
      case 'binary': return binary(expr(e.left), e.op, expr(e.right));
      case 'paren': return paren(expr(e.inner));
      case 'call': {
        const breaks: boolean[] = [];
        let prev = e.lparen.line;
        for (const a of e.args) {
          breaks.push(startLine(a) !== prev);
          prev = endLine(a);
        }
        breaks.push(prev !== e.rparen.line);
        return layout(call(expr(e.callee), ...e.args.map(expr)), breaks);
      }
      case 'array': {
        const breaks: boolean[] = [];
        let prev = e.lbrack.line;
        for (const a of e.elements) {
          breaks.push(startLine(a) !== prev);
          prev = endLine(a);
        }
        breaks.push(prev !== e.rbrack.line);
        return layout(list(e.elements.map(expr)), breaks);
      }
      case 'object': {
        const breaks: boolean[] = [];
        let prev = e.lcurly.line;
        for (const f of e.fields) {
          breaks.push(f.namePos.line !== prev);
          prev = f.nameEndLine;
        }
        breaks.push(prev !== e.rcurly.line);
        const fields = e.fields.map((f) => ({ key: f.key, value: expr(f.value), quoted: f.quoted }));
        return layout(obj(fields), breaks);
      }
    }
    throw new Error('unreachable');
  };

  const stmts = (ss: readonly AstStmt[]): Statement[] =>
    ss.map((s, i) => {
      if (s.type === 'block') return block(s.name.join('.'), s.label, stmts(s.body));
      const prev = ss[i - 1];
      const blank = preserve && prev !== undefined && stmtLines(s)[0] - stmtLines(prev)[1] > 1;
      return attr(s.name, expr(s.value), { blankLineBefore: blank });
    });

  return stmts(file.body);
}

/** parseAlloy + astToModel. */
export function parseAlloyModel(src: string, opts: ToModelOptions = {}): AlloyFile {
  return astToModel(parseAlloy(src), opts);
}
