import { dump, load } from 'js-yaml';
import { parse } from 'yaml';
import { JS_YAML_OPTIONS, fastYaml, toYaml } from '../../constructs/base/yaml';
import { allObjects, renderedEnvironments } from '../support/render';

// fastYaml must write exactly what js-yaml's dump writes (the reference), or decline with undefined.
const reference = (value: unknown): string => dump(value, JS_YAML_OPTIONS);

describe('fastYaml writes what js-yaml writes', () => {
  test('for every rendered object, none declined', () => {
    let count = 0;
    for (const r of renderedEnvironments()) {
      for (const obj of allObjects(r)) {
        expect(fastYaml(obj)).toBe(reference(obj));
        count++;
      }
    }
    expect(count).toBeGreaterThan(500);
  });

  test('for every YAML config file MOP writes into a ConfigMap, which also reads back to itself', () => {
    let count = 0;
    for (const r of renderedEnvironments()) {
      for (const obj of allObjects(r)) {
        // The ebpf_exporter configurations are committed files from ebpf/ (with comments), not rendered by toYaml.
        if (obj.kind !== 'ConfigMap' || obj.metadata.name === 'obi-ebpf-probes') continue;
        for (const [key, text] of Object.entries((obj.data ?? {}) as Record<string, string>)) {
          if (!/\.ya?ml$/.test(key) || /\t.*\n|\n.*\t/s.test(text)) continue;
          const parsed = load(text);
          expect(fastYaml(parsed)).toBe(text);
          expect(reference(parsed)).toBe(text);
          count++;
        }
      }
    }
    expect(count).toBeGreaterThan(20);
  });

  // Scalars chosen to hit every branch of js-yaml's style choice: indicators first and last, ': ' and ' #', YAML 1.1
  // booleans and base-60 numbers, everything the implicit resolvers read as non-strings, escapes, non-ASCII,
  // surrogates, block headers (indentation indicator, clip/keep/strip chomping).
  const SCALARS: unknown[] = [
    '', ' ', 'a', 'plain text', 'a:b', 'a: b', 'a:', ':a', 'a #b', 'a#b', '#a', '-', '-a', '- a', '?a', ',a', 'a,b',
    '[a]', '{a}', 'a]', '&a', '*a', '!a', '|a', '=a', '>a', "'a", '"a', 'a"b', 'a\\b', '%a', '@a', '`a', 'a ', ' a',
    'y', 'Y', 'yes', 'No', 'ON', 'off', 'true', 'False', 'NULL', 'null', '~', 'Null', '<<', '0', '-1', '+1', '1_000',
    '0x1F', '0o17', '0b101', '017', '1.5', '.5', '1e3', '1.0e+3', '.inf', '-.Inf', '.NaN', '1:30', '190:20:30',
    '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '12:30', 'v1.2.3', '1.2.3', '08',
    'a\tb', '\t', 'a\rb', 'a\u0085b', 'a\u00a0b', 'a\u2028b', '\ufeffa', 'é', 'naïve: x', 'a\u00e9 #', '日本語',
    '\ud83d\ude00', 'a\ud83d\ude00b', '\ud83d', 'a\udc00', '\u0000', '\u001b[0m', '\u007f',
    'a\nb', 'a\nb\n', 'a\nb\n\n', '\n', '\n\n', '\na', ' a\nb', '\n a', 'a\n b\n', 'line one\n\n  indented\n',
    'a\n\tb', 'a\r\nb', 'a\n\u2028', 'x: y\n# c\n', '- a\n- b\n', 'é\n日本\n',
    0, 1, -1, 42, 1.5, -0.25, 0.1, 1e21, 1e-7, -0, NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 53) + 1,
    true, false, null, undefined,
  ];

  test('for each scalar as a value, a key, a sequence item, at several depths', () => {
    for (const s of SCALARS) {
      const shapes: unknown[] = [s, { k: s }, [s], { a: { b: [{ c: s }] } }, [[s]], { l: [s, s] }];
      if (typeof s === 'string') shapes.push({ [s]: 1 }, { a: { [s]: [s] } }, [{ [s]: { x: s } }]);
      for (const value of shapes) {
        const fast = fastYaml(value);
        if (fast !== undefined) expect({ value, yaml: fast }).toEqual({ value, yaml: reference(value) });
      }
    }
  });

  test('declines exactly the values outside its subset', () => {
    for (const value of [undefined, -0, NaN, Infinity, 1e21, 1e-7, 2 ** 53, { a: undefined }, [undefined], new Date(0), { 'a\nb': 1 }, { ['k'.repeat(1025)]: 1 }, new Map()]) {
      expect(fastYaml({ v: value })).toBeUndefined();
    }
    for (const value of [0, 1.5, 'x', null, true, [], {}, { ['k'.repeat(1024)]: 1 }, Object.create(null)]) {
      expect(fastYaml({ v: value })).toBe(reference({ v: value }));
    }
  });

  test('for 3000 generated documents (seeded), most of them written by the fast path', () => {
    let seed = 20261125;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const PIECES = ['a', 'b', ' ', ':', '#', '-', '\n', '"', "'", '\\', '{', '}', '[', ']', ',', '*', '&', '!', '|', '>', '%', '@', '`', '?', '=', 'yes', 'on', '1', '0', '.', 'e', '_', 'true', 'null', '~', '<<', '\t', 'é', '日', '\ud83d\ude00', '\u2028', '\r', 'x'];
    const string = (): string => Array.from({ length: Math.floor(random() * 6) }, () => pick(PIECES)).join('');
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.45) return r < 0.3 ? string() : pick<unknown>([0, 7, -3, 2.5, true, false, null, '', '8080', string()]);
      if (r < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [string(), value(depth + 1)]));
    };
    let fast = 0;
    for (let i = 0; i < 3000; i++) {
      const doc = value(0);
      const text = fastYaml(doc);
      if (text === undefined) continue;
      fast++;
      expect({ doc, yaml: text }).toEqual({ doc, yaml: reference(doc) });
    }
    expect(fast).toBeGreaterThan(2500);
  });
});

describe('toYaml', () => {
  test('writes js-yaml output, and keeps tab-indented multi-line text as a literal block', () => {
    expect(toYaml({ a: 'x: y', b: [1, 'on'] })).toBe(reference({ a: 'x: y', b: [1, 'on'] }));
    expect(toYaml({ a: -0 })).toBe(reference({ a: -0 }));
    expect(toYaml({ apiVersion: 'v1', kind: 'ConfigMap', data: { 'config.alloy': 'a {\n\tb = 1\n}\n' } })).toBe(
      'apiVersion: v1\nkind: ConfigMap\ndata:\n  config.alloy: |\n    a {\n    \tb = 1\n    }\n',
    );
    // Single-line text with a tab stays an escaped string, as in js-yaml.
    expect(toYaml({ a: 'x\ty' })).toBe('a: "x\\ty"\n');
  });

  test('tabbed literal blocks read back to the same text with js-yaml and with yaml (YAML 1.1 and 1.2)', () => {
    const texts = ['a {\n\tb = 1\n}\n', '\tleading tab\n', 'x\n\t\n\ty\n\n', '\n\tafter a blank line', ' space then\n\ttab\n', 'tab at end\t\nz', 'é\t日\n\t\ud83d\ude00\n'];
    for (const text of texts) {
      for (const doc of [{ data: { 'config.alloy': text } }, [text], { a: [{ b: text }] }]) {
        const yaml = toYaml(doc);
        expect(yaml).toMatch(/\|/);
        expect(load(yaml)).toEqual(doc);
        expect(parse(yaml, { version: '1.1' })).toEqual(doc);
        expect(parse(yaml)).toEqual(doc);
      }
    }
  });

  test('every rendered Alloy configuration is a readable literal block', () => {
    let count = 0;
    for (const r of renderedEnvironments()) {
      for (const obj of allObjects(r)) {
        for (const [key, text] of Object.entries((obj.kind === 'ConfigMap' ? obj.data : {}) as Record<string, string>)) {
          if (!key.endsWith('.alloy')) continue;
          const yaml = toYaml(obj);
          expect(yaml).toContain(`  ${key}: |\n`);
          expect((parse(yaml) as { data: Record<string, string> }).data[key]).toBe(text);
          count++;
        }
      }
    }
    expect(count).toBeGreaterThan(6);
  });
});
