import * as fs from 'fs';
import * as path from 'path';
import {
  AlloyFile, AlloyModelError, canBeRaw, Expr, Statement, Value, access, attr, binary, block, bool, call, float, index, list,
  NULL, num, obj, paren, raw, rawStr, ref, renderAlloy, renderExpr, str, unary, withBreaks, BinaryOp,
} from '../../constructs/alloy/syntax';
import { AlloyParseError, parseAlloy, parseAlloyModel } from './parser';

const CORPUS = path.resolve(__dirname, '../../../shared/reference/alloy-syntax-corpus');
const files = (dir: string, ext: string): string[] =>
  fs.readdirSync(path.join(CORPUS, dir)).filter((f) => f.endsWith(ext)).sort();
const read = (dir: string, f: string): string => fs.readFileSync(path.join(CORPUS, dir, f), 'utf8');

const roundTrip = (src: string): string => renderAlloy(parseAlloyModel(src));

/**
 * What upstream's printer prints for `src` (a printer .expect file, i.e. already formatted) when the
 * syntax tree's comment list is emptied, derived from the printer's rules and applied to the text:
 *  1. every comment is cut out (comment-only lines stay as empty lines: positions don't move, and the
 *     printer keeps one blank line wherever two statements are more than one line apart);
 *  2. trailing blanks are trimmed from every line and from the end of the file;
 *  3. blank lines at the start of the file are dropped and runs of blank lines become one;
 *  4. blank lines right after a line ending in `{`, `[`, `(` or `,`, or right before a line starting
 *     with `}`, `]` or `)`, are dropped (the printer keeps blank lines only between statements);
 *  5. a block header `name "label" {` directly followed by its `}` becomes `name "label" { }` (a block
 *     whose body only held comments is empty; the printer prints empty bodies as `{ }`);
 *  6. one trailing newline is added (renderAlloy's convention; upstream's test trims the expect file).
 * Alignment is not recomputed: removing a comment line can join two runs of attributes, which the
 * printer would then align together. The test asserts this does not happen in the corpus (no comment-only
 * line sits between two attribute lines at the same indentation).
 */
function withoutComments(src: string): string {
  const comments = parseAlloy(src).comments;
  let text = '';
  let at = 0;
  for (const c of comments) {
    text += src.slice(at, c.pos.offset) + c.text.replace(/[^\n]/g, '');
    at = c.pos.offset + c.text.length;
  }
  text += src.slice(at);
  let lines = text.split('\n').map((l) => l.replace(/[ \t]+$/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (l !== '') {
      out.push(l);
      return;
    }
    const prev = out[out.length - 1];
    const next = lines.slice(i + 1).find((x) => x !== '');
    if (prev === undefined || prev === '') return;
    if (/[{[(,]$/.test(prev)) return;
    if (next !== undefined && /^\s*[}\])]/.test(next)) return;
    out.push('');
  });
  lines = [];
  for (const l of out) {
    const prev = lines[lines.length - 1];
    if (/^\s*[}]$/.test(l) && prev !== undefined && /^\s*[A-Za-z_][\w.]*( "[^"]*")? \{$/.test(prev)) {
      lines[lines.length - 1] = prev + ' }';
    } else lines.push(l);
  }
  return lines.join('\n') + '\n';
}

function hasJoinedAttributeRuns(src: string): boolean {
  const comments = parseAlloy(src).comments;
  const lines = src.split('\n');
  for (const c of comments) {
    const l = c.pos.line;
    const own = (lines[l - 1] as string).trim() === c.text.trim();
    if (!own) continue;
    const isAttr = (s: string | undefined): boolean => s !== undefined && /^\s*[\w"]+\s*=/.test(s);
    let a = l - 2;
    while (a >= 0 && /^\s*\/\//.test(lines[a] as string)) a--;
    let b = l;
    while (b < lines.length && /^\s*\/\//.test(lines[b] as string)) b++;
    if (isAttr(lines[a]) && isAttr(lines[b])) return true;
  }
  return false;
}

describe('upstream corpus (grafana/alloy v1.18.1 syntax/parser and syntax/printer testdata)', () => {
  test('the corpus is where CI expects it', () => {
    expect(fs.existsSync(CORPUS)).toBe(true);
    expect(files('parser-valid', '.alloy').length).toBeGreaterThanOrEqual(5);
    expect(files('parser-invalid', '.alloy').length).toBeGreaterThanOrEqual(6);
    expect(files('printer', '.expect').length).toBeGreaterThanOrEqual(9);
  });

  test.each(files('parser-valid', '.alloy'))('parser accepts parser-valid/%s', (f) => {
    expect(() => parseAlloy(read('parser-valid', f))).not.toThrow();
  });

  test.each(files('parser-valid', '.alloy'))('parser-valid/%s converts to a model that renders and re-parses stably', (f) => {
    const src = read('parser-valid', f);
    const once = roundTrip(src);
    expect(roundTrip(once)).toBe(once);
    expect(parseAlloyModel(once)).toEqual(parseAlloyModel(src));
  });

  test.each(files('parser-invalid', '.alloy'))('parser rejects parser-invalid/%s with the first marked error', (f) => {
    const src = read('parser-invalid', f);
    // Markers look like /* ERROR "regexp" */ or /* ERROR HERE "regexp" */; the first one is the first error.
    const m = /\/\* ERROR (?:HERE )?"((?:[^"\\]|\\.)*)" \*\//.exec(src);
    expect(m).not.toBeNull();
    let err: unknown;
    try {
      parseAlloy(src);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AlloyParseError);
    expect((err as AlloyParseError).reason).toMatch(new RegExp((m as RegExpExecArray)[1] as string));
  });

  test.each(files('printer', '.expect'))('parser accepts printer/%s', (f) => {
    expect(() => parseAlloy(read('printer', f))).not.toThrow();
  });

  test.each(files('printer', '.in').filter((f) => f !== 'raw_string_label_error.in'))('parser accepts printer/%s', (f) => {
    expect(() => parseAlloy(read('printer', f))).not.toThrow();
  });

  test('parser rejects printer/raw_string_label_error.in (labels must be double-quoted)', () => {
    expect(() => parseAlloy(read('printer', 'raw_string_label_error.in'))).toThrow(/block label to be a double quoted string/);
  });

  test.each(files('printer', '.expect'))('printer/%s without comments: parse → model → render gives the same bytes', (f) => {
    const src = read('printer', f);
    const comments = parseAlloy(src).comments;
    const expected = withoutComments(src);
    if (comments.length === 0) expect(expected).toBe(src.replace(/\s+$/, '') + '\n');
    expect(hasJoinedAttributeRuns(src)).toBe(false);
    expect(roundTrip(src)).toBe(expected);
  });

  test.each(files('printer', '.in').filter((f) => f !== 'raw_string_label_error.in'))(
    'printer/%s: formatting the input gives the .expect file (comments removed as above)',
    (f) => {
      const expectFile = read('printer', f.replace(/\.in$/, '.expect'));
      expect(roundTrip(read('printer', f))).toBe(withoutComments(expectFile));
    },
  );
});

describe('parser details', () => {
  test('string escapes: octal and hex bytes, \\u and \\U code points, \\\' ; raw strings', () => {
    expect(parseAlloyModel('a = "\\101\\x42\\u00e9\\U0001F680\\\'\\a\\v"\nb = `x\\n\n"y"`\n')).toEqual([
      attr('a', "ABé🚀'\u0007\u000b"), attr('b', rawStr('x\\n\n"y"')),
    ]);
    expect(parseAlloyModel('a = "\\303\\251"\n')).toEqual([attr('a', 'é')]); // bytes are UTF-8 decoded
  });

  test('numbers: floats and exponents', () => {
    expect(parseAlloyModel('a = .5\nb = 1e3\nc = 2.5E-3\nd = 1.\ne = -4\n')).toEqual([
      attr('a', 0.5), attr('b', float(1000)), attr('c', 0.0025), attr('d', float(1)), attr('e', -4),
    ]);
  });

  test('newline termination, commas and comments', () => {
    expect(() => parseAlloy('a = 1 +\n 2\n')).not.toThrow();
    expect(() => parseAlloy('a = 1\n+ 2\n')).toThrow(AlloyParseError);
    expect(() => parseAlloy('a = [1,\n2,\n]\n')).not.toThrow();
    expect(() => parseAlloy('a = f(1,\n2\n)\n')).toThrow(/missing ','/);
    expect(() => parseAlloy('a = 1 /* c */ + 2 // d\nb = 2')).not.toThrow();
    expect(() => parseAlloy('a = 1 b = 2')).toThrow(/expected TERMINATOR/);
    expect(parseAlloy('a = 1 // x\n/* y */').comments.map((c) => c.text)).toEqual(['// x', '/* y */']);
  });

  test('precedence and associativity', () => {
    const m = parseAlloyModel('a = 1 + 2 * 3 ^ 2 ^ 2 - -x.y[0](1) || !b && c == d\n');
    expect(m).toEqual([attr('a', binary(
      binary(binary(1, '+', binary(2, '*', binary(3, '^', binary(2, '^', 2)))), '-', unary('-', call(index(ref('x.y'), 0), 1))),
      '||',
      binary(unary('!', ref('b')), '&&', binary(ref('c'), '==', ref('d'))),
    ))]);
  });

  test.each([
    ['a = "unterminated\n', /string literal not terminated/],
    ['a = "\\q"', /unknown escape sequence/],
    ['a = "\\ud800"', /invalid Unicode code point/],
    ["a = 'x'", /single-quoted/],
    ['a = 1e', /exponent has no digits/],
    ['a = 1 | 2', /missing second \|/],
    ['a = #', /illegal character/],
    ['a = /* open', /block comment not terminated/],
    ['a = [1, 2', /missing ','/],
    ['block {\n', /expected }/],
    ['a = { b = 1, b }', /expected =/],
  ])('rejects %j', (src, re) => {
    expect(() => parseAlloy(src)).toThrow(re);
  });
});

describe('renderer', () => {
  const strings = [
    'say "hi"', 'back\\slash', 'a\nb', 'tab\there', 'cr\rlf', 'é à ü', '🚀 emoji 👩‍💻', '中文 日本語 한국어',
    '\u0000\u0001\u001b\u007f', '\u0085\u00a0\u2028\u2029\ufeff', '\u0007\b\f\v', '${not.interpolated}', '',
    "it's", '\\n literally', '\u{10ffff}',
  ];
  test.each(strings)('string %j round-trips through the parser', (s) => {
    const text = renderAlloy([attr('v', s)]);
    const back = parseAlloyModel(text);
    expect(back).toEqual([attr('v', s)]);
    expect(text.split('\n').length).toBe(2); // escaped: always one line
  });

  test('string escapes are those of Go %q', () => {
    expect(renderExpr('a"b\\c\nd\te\r')).toBe('"a\\"b\\\\c\\nd\\te\\r"');
    expect(renderExpr('\u0000\u001b\u007f')).toBe('"\\x00\\x1b\\x7f"');
    expect(renderExpr('\u00a0\u2028\ufeff')).toBe('"\\u00a0\\u2028\\ufeff"');
    expect(renderExpr('é🚀中')).toBe('"é🚀中"');
    expect(() => str('\ud800')).toThrow(/unpaired surrogate/);
  });

  test('raw strings', () => {
    expect(renderExpr(rawStr('C:\\path "x"'))).toBe('`C:\\path "x"`');
    expect(() => rawStr('a`b')).toThrow(AlloyModelError);
    expect(() => rawStr('a\tb')).toThrow(AlloyModelError);
    expect(() => rawStr('trailing \nspace')).toThrow(AlloyModelError);
    const m = [attr('json', rawStr('{\n  "a": 1\n}')), attr('b', 2)];
    const text = renderAlloy(m);
    expect(text).toBe('json = `{\n  "a": 1\n}`\nb = 2\n');
    expect(parseAlloyModel(text)).toEqual(m);
  });

  test('numbers', () => {
    expect(renderAlloy([
      attr('a', 0), attr('b', 42), attr('c', -7), attr('d', 1.5), attr('e', -0.25), attr('f', 1e-7),
      attr('g', 1e21), attr('h', float(15)), attr('i', 9007199254740991),
    ])).toBe([
      'a = 0', 'b = 42', 'c = -7', 'd = 1.5', 'e = -0.25', 'f = 1e-7', 'g = 1e+21', 'h = 15.0', 'i = 9007199254740991', '',
    ].join('\n'));
    for (const n of [0, 42, -7, 1.5, -0.25, 1e-7, 123456.789, -1e-300, 5e300]) {
      expect(parseAlloyModel(renderAlloy([attr('n', n)]))).toEqual([attr('n', n)]);
    }
    expect(parseAlloyModel('n = 15.0\n')).toEqual([attr('n', float(15))]);
    expect(() => num(Infinity)).toThrow(AlloyModelError);
    expect(() => num(NaN)).toThrow(AlloyModelError);
  });

  test('booleans, null, references, calls', () => {
    expect(renderAlloy([
      attr('t', true), attr('f', false), attr('n', null),
      attr('forward_to', [ref('otelcol.processor.batch', 'default', 'input')]),
      attr('password', call('sys.env', 'PASSWORD')),
      attr('cfg', call('encoding.from_json', access(ref('local.file.cfg'), 'content'))),
      attr('first', index(ref('discovery.kubernetes.pods.targets'), 0)),
    ])).toBe([
      't          = true',
      'f          = false',
      'n          = null',
      'forward_to = [otelcol.processor.batch.default.input]',
      'password   = sys.env("PASSWORD")',
      'cfg        = encoding.from_json(local.file.cfg.content)',
      'first      = discovery.kubernetes.pods.targets[0]',
      '',
    ].join('\n'));
  });

  test('empty blocks, lists and objects', () => {
    expect(renderAlloy([block('empty.block'), block('empty.block', 'labeled', []), attr('l', []), attr('o', {})])).toBe(
      'empty.block { }\n\nempty.block "labeled" { }\nl = []\no = {}\n',
    );
    expect(renderAlloy([])).toBe('');
  });

  test('nested objects, alignment and object keys', () => {
    const m = [block('block', [attr('some_object', obj([
      ['key_1', 5], ['long_key', 10], ['longer_key', { inner_key: true, inner_key_2: false }], ['other_key', [0, 1, 2]],
      ['app.kubernetes.io/name', 'x'], ['true', 1], { key: 'quoted', value: 2, quoted: true },
    ]))])];
    const text = renderAlloy(m);
    expect(text).toBe([
      'block {',
      '\tsome_object = {',
      '\t\tkey_1      = 5,',
      '\t\tlong_key   = 10,',
      '\t\tlonger_key = {',
      '\t\t\tinner_key   = true,',
      '\t\t\tinner_key_2 = false,',
      '\t\t},',
      '\t\tother_key                = [0, 1, 2],',
      '\t\t"app.kubernetes.io/name" = "x",',
      '\t\t"true"                   = 1,',
      '\t\t"quoted"                 = 2,',
      '\t}',
      '}',
      '',
    ].join('\n'));
    expect(parseAlloyModel(text)).toEqual(m);
  });

  test('attribute and field order is kept exactly as given', () => {
    const m = [attr('zeta', 1), attr('alpha', 2), attr('mid', obj([['z', 1], ['a', 2], ['10', 3], ['2', 4]]))];
    const text = renderAlloy(m);
    expect(text.indexOf('zeta')).toBeLessThan(text.indexOf('alpha'));
    const keys = [...text.matchAll(/^\t(\S+)\s+=/gm)].map((x) => x[1]);
    expect(keys).toEqual(['z', 'a', '"10"', '"2"']);
    expect(parseAlloyModel(text)).toEqual(m);
  });

  test('blank lines and blocks', () => {
    const m = [
      attr('a', 1), attr('bb', 2), attr('ccc', 3, { blankLineBefore: true }),
      block('x', [attr('y', 1), block('inner', [attr('z', 'q')]), attr('after', true)]),
      block('w'),
    ];
    const text = renderAlloy(m);
    expect(text).toBe('a  = 1\nbb = 2\n\nccc = 3\n\nx {\n\ty = 1\n\n\tinner {\n\t\tz = "q"\n\t}\n\tafter = true\n}\n\nw { }\n');
    expect(parseAlloyModel(text)).toEqual(m);
  });

  test('lists: inline when short, one element per line otherwise, single object hugs', () => {
    const long = Array.from({ length: 12 }, (_, i) => `element-number-${i}`);
    expect(renderAlloy([attr('l', long)])).toBe(`l = [\n${long.map((s) => `\t"${s}",\n`).join('')}]\n`);
    expect(renderAlloy([attr('t', [{ __address__: 'localhost:9090' }])])).toBe('t = [{\n\t__address__ = "localhost:9090",\n}]\n');
    expect(renderAlloy([attr('t', [{ a: 1 }, { b: 2 }])])).toBe('t = [\n\t{\n\t\ta = 1,\n\t},\n\t{\n\t\tb = 2,\n\t},\n]\n');
    expect(renderAlloy([attr('x', call('f', { k: 'v' }))])).toBe('x = f({\n\tk = "v",\n})\n');
    expect(renderAlloy([attr('x', withBreaks(list([1, 2, 3]), 'multiline'))])).toBe('x = [\n\t1,\n\t2,\n\t3,\n]\n');
    expect(renderAlloy([attr('x', withBreaks(obj({ a: 1, b: 2 }), 'inline'))])).toBe('x = {a = 1, b = 2}\n');
  });

  test('operators and parentheses', () => {
    const m = [
      attr('a', binary(binary(30, '*', 2), '+', 5)),
      attr('b', binary(paren(binary(1, '+', 2)), '*', 3)),
      attr('c', unary('!', ref('x'))),
      attr('d', binary(1, '^', binary(2, '^', 3))),
    ];
    const text = renderAlloy(m);
    expect(text).toBe('a = 30 * 2 + 5\nb = (1 + 2) * 3\nc = !x\nd = 1 ^ 2 ^ 3\n');
    expect(parseAlloyModel(text)).toEqual(m);
    // Missing parentheses are added when rendering.
    expect(renderExpr(binary(binary(1, '+', 2), '*', 3))).toBe('(1 + 2) * 3');
    expect(renderExpr(binary(1, '-', binary(2, '-', 3)))).toBe('1 - (2 - 3)');
    expect(renderExpr(raw('1 + 1'))).toBe('1 + 1');
  });

  test('invalid identifiers and labels are rejected', () => {
    expect(() => attr('1abc', 1)).toThrow(/invalid attribute name "1abc"/);
    expect(() => attr('a.b', 1)).toThrow(AlloyModelError);
    expect(() => attr('true', 1)).toThrow(AlloyModelError);
    expect(() => attr('', 1)).toThrow(AlloyModelError);
    expect(() => block('a..b')).toThrow(/invalid block name/);
    expect(() => block('otelcol.receiver.otlp', 'with space', [])).toThrow(/invalid block label "with space"/);
    expect(() => block('x', 'kebab-case', [])).toThrow(AlloyModelError);
    expect(() => block('x', '', [])).toThrow(AlloyModelError);
    expect(() => ref('otelcol.processor.batch', 'default-1', 'input')).toThrow(/invalid reference/);
    expect(() => access(ref('a'), 'null')).toThrow(AlloyModelError);
    expect(() => obj([['a', 1], ['a', 2]])).toThrow(/duplicate object key/);
    expect(() => withBreaks(list([1]), [true])).toThrow(/breaks must hold 2 booleans/);
    expect(block('é_unicode', 'ünïcode_label', [])).toBeDefined();
  });

  test('a realistic pipeline renders to the expected text and parses back to an equal model', () => {
    const file: AlloyFile = [
      block('otelcol.receiver.otlp', 'default', [
        block('grpc', [attr('endpoint', '0.0.0.0:4317')]),
        block('http', [attr('endpoint', '0.0.0.0:4318')]),
        block('output', [
          attr('metrics', [ref('otelcol.processor.memory_limiter.default.input')]),
          attr('logs', [ref('otelcol.processor.memory_limiter.default.input')]),
          attr('traces', [ref('otelcol.processor.memory_limiter.default.input')]),
        ]),
      ]),
      block('otelcol.processor.memory_limiter', 'default', [
        attr('check_interval', '1s'),
        attr('limit_percentage', 80),
        attr('spike_limit_percentage', 20),
        block('output', [
          attr('metrics', [ref('otelcol.processor.batch', 'default', 'input')]),
          attr('logs', [ref('otelcol.processor.batch', 'default', 'input')]),
          attr('traces', [ref('otelcol.processor.batch', 'default', 'input')]),
        ]),
      ]),
      block('otelcol.processor.batch', 'default', [
        attr('timeout', '5s'),
        block('output', [
          attr('metrics', [ref('otelcol.exporter.prometheus.default.input')]),
          attr('logs', [ref('otelcol.exporter.loki.default.input')]),
          attr('traces', [ref('otelcol.exporter.otlp.tempo.input')]),
        ]),
      ]),
      block('otelcol.exporter.otlp', 'tempo', [
        block('client', [
          attr('endpoint', 'tempo-distributor.observability.svc:4317'),
          block('tls', [attr('insecure', true)]),
        ]),
      ]),
      block('otelcol.exporter.prometheus', 'default', [attr('forward_to', [ref('prometheus.remote_write.mimir.receiver')])]),
      block('otelcol.exporter.loki', 'default', [attr('forward_to', [ref('loki.write.default.receiver')])]),
      block('prometheus.remote_write', 'mimir', [
        attr('external_labels', { cluster: 'prod-eu-1', 'k8s.cluster.name': 'prod-eu-1' }),
        block('endpoint', [
          attr('url', 'http://mimir-distributor.observability.svc:8080/api/v1/push'),
          attr('headers', { 'X-Scope-OrgID': call('sys.env', 'TENANT') }),
        ]),
      ]),
      block('loki.write', 'default', [
        block('endpoint', [attr('url', 'http://loki-gateway.observability.svc/loki/api/v1/push')]),
      ]),
      block('discovery.relabel', 'pods', [
        attr('targets', ref('discovery.kubernetes.pods.targets')),
        block('rule', [
          attr('source_labels', ['__meta_kubernetes_namespace', '__meta_kubernetes_pod_name']),
          attr('separator', '/'),
          attr('target_label', 'job'),
        ]),
      ]),
    ];
    const text = renderAlloy(file);
    expect(text).toMatchInlineSnapshot(`
"otelcol.receiver.otlp "default" {
	grpc {
		endpoint = "0.0.0.0:4317"
	}

	http {
		endpoint = "0.0.0.0:4318"
	}

	output {
		metrics = [otelcol.processor.memory_limiter.default.input]
		logs    = [otelcol.processor.memory_limiter.default.input]
		traces  = [otelcol.processor.memory_limiter.default.input]
	}
}

otelcol.processor.memory_limiter "default" {
	check_interval         = "1s"
	limit_percentage       = 80
	spike_limit_percentage = 20

	output {
		metrics = [otelcol.processor.batch.default.input]
		logs    = [otelcol.processor.batch.default.input]
		traces  = [otelcol.processor.batch.default.input]
	}
}

otelcol.processor.batch "default" {
	timeout = "5s"

	output {
		metrics = [otelcol.exporter.prometheus.default.input]
		logs    = [otelcol.exporter.loki.default.input]
		traces  = [otelcol.exporter.otlp.tempo.input]
	}
}

otelcol.exporter.otlp "tempo" {
	client {
		endpoint = "tempo-distributor.observability.svc:4317"

		tls {
			insecure = true
		}
	}
}

otelcol.exporter.prometheus "default" {
	forward_to = [prometheus.remote_write.mimir.receiver]
}

otelcol.exporter.loki "default" {
	forward_to = [loki.write.default.receiver]
}

prometheus.remote_write "mimir" {
	external_labels = {
		cluster            = "prod-eu-1",
		"k8s.cluster.name" = "prod-eu-1",
	}

	endpoint {
		url     = "http://mimir-distributor.observability.svc:8080/api/v1/push"
		headers = {
			"X-Scope-OrgID" = sys.env("TENANT"),
		}
	}
}

loki.write "default" {
	endpoint {
		url = "http://loki-gateway.observability.svc/loki/api/v1/push"
	}
}

discovery.relabel "pods" {
	targets = discovery.kubernetes.pods.targets

	rule {
		source_labels = ["__meta_kubernetes_namespace", "__meta_kubernetes_pod_name"]
		separator     = "/"
		target_label  = "job"
	}
}
"
`);
    expect(parseAlloyModel(text)).toEqual(file);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Property test: random models → render → parse → equal model; rendering is a fixed point.
// ---------------------------------------------------------------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  constructor(private readonly r: () => number) {}
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  ident(): string {
    const first = 'abcdefghijklmnopqrstuvwxyz_ABCXYZéß';
    const rest = first + '0123456789';
    let s = this.pick([...first]);
    const n = this.int(10);
    for (let i = 0; i < n; i++) s += this.pick([...rest]);
    return ['true', 'false', 'null'].includes(s) ? s + '_' : s;
  }
  text(): string {
    const pool = [...'abc XYZ 019 -_./:=', '"', '\\', '\n', '\t', '\r', '\u0000', '\u001b', '\u007f', 'é', '中', '🚀', '\u2028', '\ufeff', '`', '{', '}', '$', "'"];
    let s = '';
    const n = this.int(12);
    for (let i = 0; i < n; i++) s += this.pick(pool);
    return s;
  }
  number(): number {
    switch (this.int(5)) {
      case 0: return this.int(1000);
      case 1: return -this.int(100000);
      case 2: return Math.round((this.r() - 0.5) * 1e6) / 1000;
      case 3: return (this.r() - 0.5) * Math.pow(10, this.int(40) - 20);
      default: return this.int(2 ** 31);
    }
  }
  breaks<T extends Parameters<typeof withBreaks>[0]>(node: T, n: number): T {
    if (!this.chance(0.3)) return node;
    if (node.kind === 'object' && node.fields.some((f) => renderExpr(f.value).includes('\n'))) return node;
    return withBreaks(node, Array.from({ length: n + 1 }, () => this.chance(0.5)));
  }
  expr(depth: number): Expr {
    const leaf = depth <= 0;
    switch (leaf ? this.int(6) : this.int(14)) {
      case 0: return str(this.text());
      case 1: return num(this.number());
      case 2: return this.chance(0.5) ? bool(this.chance(0.5)) : NULL;
      case 3: return ref(...Array.from({ length: 1 + this.int(4) }, () => this.ident()));
      case 4: {
        if (this.chance(0.5)) return float(this.int(100));
        const t = this.text().replace(/[`\u0000-\u0009\u000b-\u001f\u007f\ufeff]/g, '');
        return canBeRaw(t) ? rawStr(t) : str(t);
      }
      case 5: return str(this.pick(['', 'x', 'a b']));
      case 6: case 7: {
        const items = Array.from({ length: this.int(5) }, () => this.expr(depth - 1));
        return this.breaks(list(items), items.length);
      }
      case 8: case 9: {
        const keys = new Set<string>();
        const n = this.int(5);
        while (keys.size < n) keys.add(this.chance(0.7) ? this.ident() : this.text());
        const o = obj([...keys].map((k) => ({ key: k, value: this.expr(depth - 1), quoted: this.chance(0.1) })));
        return this.breaks(o, n);
      }
      case 10: {
        const args = Array.from({ length: this.int(4) }, () => this.expr(depth - 1));
        return this.breaks(call(this.pick(['sys.env', 'encoding.from_json', 'concat', 'string.format']), ...args), args.length);
      }
      case 11: return index(ref(this.ident()), this.expr(depth - 1));
      case 12: {
        const op = this.pick<BinaryOp>(['||', '&&', '==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '^']);
        const wrap = (e: Expr): Expr => (e.kind === 'binary' || e.kind === 'unary' || (e.kind === 'number' && (e.value < 0 || Object.is(e.value, -0))) ? paren(e) : e);
        return binary(wrap(this.expr(depth - 1)), op, wrap(this.expr(depth - 1)));
      }
      default: {
        const operand = this.expr(depth - 1);
        const wrapped = operand.kind === 'binary' || operand.kind === 'number' ? paren(operand) : operand;
        const op = this.pick<'!' | '-'>(['!', '-']);
        return unary(op, wrapped);
      }
    }
  }
  statements(depth: number): Statement[] {
    const n = this.int(depth > 0 ? 6 : 4) + (depth === 3 ? 1 : 0);
    const out: Statement[] = [];
    for (let i = 0; i < n; i++) {
      if (depth > 0 && this.chance(0.3)) {
        const name = Array.from({ length: 1 + this.int(3) }, () => this.ident()).join('.');
        out.push(this.chance(0.5) ? block(name, this.ident(), this.statements(depth - 1)) : block(name, this.statements(depth - 1)));
      } else {
        out.push(attr(this.ident(), this.expr(3), { blankLineBefore: i > 0 && this.chance(0.2) }));
      }
    }
    return out;
  }
}

describe('property: random models round-trip', () => {
  test('render → parse gives an equal model, and rendering is a fixed point (500 seeded models)', () => {
    const gen = new Gen(mulberry32(0xa110e));
    for (let i = 0; i < 500; i++) {
      const model = gen.statements(3);
      const text = renderAlloy(model);
      let back: AlloyFile;
      try {
        back = parseAlloyModel(text);
      } catch (e) {
        throw new Error(`model #${i} rendered to text that does not parse: ${String(e)}\n${text}`);
      }
      expect(back).toEqual(model);
      expect(renderAlloy(back)).toBe(text);
    }
  });

  test('values accepted by the builders', () => {
    const v: Value = { a: [1, 'x', null, true, { b: ref('c.d') }] };
    expect(renderExpr(v)).toBe('{\n\ta = [\n\t\t1,\n\t\t"x",\n\t\tnull,\n\t\ttrue,\n\t\t{\n\t\t\tb = c.d,\n\t\t},\n\t],\n}');
    expect(renderExpr(withBreaks(list([1, { b: ref('c.d') }]), 'inline'))).toBe('[1, {\n\tb = c.d,\n}]');
  });
});
