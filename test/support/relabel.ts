/**
 * Prometheus relabelling on concrete label sets, for the `rule` blocks of Alloy's discovery.relabel and
 * prometheus.relabel (both use prometheus/prometheus model/relabel: grafana/alloy v1.18.1
 * internal/component/common/relabel). Semantics from prometheus/prometheus v3 model/relabel/relabel.go `relabel`:
 * defaults `separator = ";"`, `regex = "(.*)"`, `replacement = "$1"`, `action = "replace"`; the regex is anchored at
 * both ends; `replace` writes the expanded replacement to the (expanded) target label and deletes the label when the
 * result is empty; a missing source label reads as "".
 */
import { AstExpr } from '../alloy/parser';
import { Block, attrValue, childBlocks, chain, literal } from './alloy-graph';

export type Labels = Record<string, string>;

/** Values of `sys.env(...)` in the Alloy process that evaluates a config (Alloy returns "" for an unset variable). */
export type SysEnv = Readonly<Record<string, string>>;

/** A string-valued Alloy expression: literals, `+` concatenation, `sys.env("X")`. */
export function stringOf(e: AstExpr, sysEnv: SysEnv): string {
  if (e.type === 'literal') {
    const v = literal(e);
    if (v === undefined) throw new Error(`not a string literal: ${e.text}`);
    return String(v);
  }
  if (e.type === 'paren') return stringOf(e.inner, sysEnv);
  if (e.type === 'binary' && e.op === '+') return stringOf(e.left, sysEnv) + stringOf(e.right, sysEnv);
  if (e.type === 'call' && chain(e.callee)?.join('.') === 'sys.env' && e.args.length === 1) return sysEnv[stringOf(e.args[0], sysEnv)] ?? '';
  throw new Error(`cannot evaluate Alloy expression of type ${e.type}`);
}

export interface RelabelRule {
  readonly action: string;
  readonly sourceLabels: readonly string[];
  readonly separator: string;
  readonly regex: string;
  readonly targetLabel?: string;
  readonly replacement: string;
}

export function readRules(blocks: readonly Block[], sysEnv: SysEnv): RelabelRule[] {
  return blocks.map((b) => {
    const str = (name: string) => {
      const v = attrValue(b.body, name);
      return v === undefined ? undefined : stringOf(v, sysEnv);
    };
    const src = attrValue(b.body, 'source_labels');
    return {
      action: str('action') ?? 'replace',
      sourceLabels: src?.type === 'array' ? src.elements.map((x) => stringOf(x, sysEnv)) : [],
      separator: str('separator') ?? ';',
      regex: str('regex') ?? '(.*)',
      targetLabel: str('target_label'),
      replacement: str('replacement') ?? '$1',
    };
  });
}

/** The `rule` blocks of a component body. */
export function rulesOf(body: Parameters<typeof childBlocks>[0], sysEnv: SysEnv): RelabelRule[] {
  return readRules(childBlocks(body, 'rule'), sysEnv);
}

/** A Go RE2 pattern as an anchored JavaScript RegExp (the subset MOP's configs and rules use: `(?i)`, `(?P<n>…)`). */
export function anchored(pattern: string): RegExp {
  let p = pattern;
  let flags = '';
  if (p.startsWith('(?i)')) {
    p = p.slice(4);
    flags = 'i';
  }
  return new RegExp(`^(?:${p.replace(/\(\?P</g, '(?<')})$`, flags);
}

/** Go's Regexp.Expand template: `$1`, `${1}`, `$name`, `${name}`, `$$`; an unknown group expands to "". */
function expand(template: string, m: RegExpExecArray): string {
  return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (_all, dollar: string, braced?: string, bare?: string) => {
    if (dollar === '$') return '$';
    const name = (braced ?? bare) as string;
    const v = /^[0-9]+$/.test(name) ? m[Number(name)] : m.groups?.[name];
    return v ?? '';
  });
}

/** The label set after the rules, or undefined when a rule drops it. */
export function relabel(input: Readonly<Labels>, rules: readonly RelabelRule[]): Labels | undefined {
  const labels: Labels = { ...input };
  for (const r of rules) {
    const re = anchored(r.regex);
    const value = r.sourceLabels.map((l) => labels[l] ?? '').join(r.separator);
    switch (r.action) {
      case 'replace': {
        const m = re.exec(value);
        if (!m) break;
        const target = expand(r.targetLabel ?? '', m);
        const result = expand(r.replacement, m);
        if (result === '') delete labels[target];
        else labels[target] = result;
        break;
      }
      case 'keep':
        if (!re.test(value)) return undefined;
        break;
      case 'drop':
        if (re.test(value)) return undefined;
        break;
      case 'keepequal':
        if (value !== (labels[r.targetLabel ?? ''] ?? '')) return undefined;
        break;
      case 'dropequal':
        if (value === (labels[r.targetLabel ?? ''] ?? '')) return undefined;
        break;
      case 'lowercase':
        labels[r.targetLabel ?? ''] = value.toLowerCase();
        break;
      case 'uppercase':
        labels[r.targetLabel ?? ''] = value.toUpperCase();
        break;
      case 'labelmap':
        for (const [k, v] of Object.entries({ ...labels })) {
          const m = re.exec(k);
          if (m) labels[expand(r.replacement, m)] = v;
        }
        break;
      case 'labeldrop':
        for (const k of Object.keys(labels)) if (re.test(k)) delete labels[k];
        break;
      case 'labelkeep':
        for (const k of Object.keys(labels)) if (!re.test(k)) delete labels[k];
        break;
      default:
        throw new Error(`relabel action ${r.action} is not modelled (test/support/relabel.ts)`);
    }
  }
  return labels;
}

/** Label names a rule reads. */
export function readLabels(rules: readonly RelabelRule[]): string[] {
  return rules.flatMap((r) => [...r.sourceLabels, ...(r.action === 'keepequal' || r.action === 'dropequal' ? [r.targetLabel ?? ''] : [])]);
}
