/**
 * SLO rules: structure, PromQL grammar, `promtool check rules`, and `promtool test rules` scenarios showing every
 * burn-rate alert firing on synthetic OBI series, staying silent below its threshold, and resolving.
 * promtool comes from Debian's `prometheus` package (CI: `.ci/run` installs it).
 */
import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse, stringify } from 'yaml';
import { ENVIRONMENTS, Environment, SloConfig, loadEnvironment } from '../../environments';
import {
  BURN_RATE_ALERTS,
  BurnRateAlert,
  OBI_DURATION_BUCKETS_SECONDS,
  OBI_HTTP_SERVER,
  SLO_WINDOWS,
  SloKind,
  alertName,
  latencyBucket,
  leMatcher,
  mimirRuleFiles,
  ruleFileName,
  tidy,
} from '../../constructs/slo';
import { metricNames, parseErrors } from '../grafana/expressions';
import { knownMetricNames } from '../grafana/known-metrics';

// The rules load into Mimir: environments without one (multi-region regions, whose metrics go to the global Mimir) have none.
const envs: Environment[] = ENVIRONMENTS.map((e) => loadEnvironment(e)).filter((env) => env.components.includes('mimir'));

function promtool(): string {
  const r = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error('promtool not found: install Debian package "prometheus" (apt-get update && apt-get install -y prometheus); CI installs it');
  }
  return 'promtool';
}

describe('latency threshold → OBI bucket', () => {
  test('uses the largest OBI bucket not above the threshold', () => {
    expect(latencyBucket(500)).toEqual({ le: 0.5, rounded: false });
    expect(latencyBucket(400)).toEqual({ le: 0.25, rounded: true });
    expect(latencyBucket(800)).toEqual({ le: 0.75, rounded: true });
    expect(latencyBucket(1000)).toEqual({ le: 1, rounded: false });
    expect(() => latencyBucket(3)).toThrow(/below OBI's smallest/);
    for (const env of envs) for (const slo of env.slos) expect(OBI_DURATION_BUCKETS_SECONDS).toContain(latencyBucket(slo.latencyThresholdMs).le);
  });
  test('integer boundaries match both le spellings', () => {
    expect(leMatcher(1)).toBe('le=~"1(\\\\.0)?"');
    expect(leMatcher(0.25)).toBe('le="0.25"');
  });
});

describe.each(envs)('rules of $name', (env) => {
  const files = mimirRuleFiles(env);

  test('one rule file per SLO with recording rules for every window and eight alerts', () => {
    // Experiment rule files (experiment-*.yaml) are tested in test/experiments.
    expect(Object.keys(files).filter((f) => !f.startsWith('experiment-')).sort()).toEqual(env.slos.map(ruleFileName).sort());
    for (const slo of env.slos) {
      const groups = parse(files[ruleFileName(slo)]).groups;
      const records = groups.flatMap((g: any) => g.rules).filter((r: any) => r.record).map((r: any) => r.record);
      for (const w of SLO_WINDOWS) {
        expect(records).toContain(`slo:http_error:ratio_rate${w}`);
        expect(records).toContain(`slo:http_latency_miss:ratio_rate${w}`);
      }
      const alerts = groups.flatMap((g: any) => g.rules).filter((r: any) => r.alert);
      expect(alerts).toHaveLength(8);
    }
  });

  test('every expression parses and reads only OBI metrics or MOP recordings', () => {
    const known = knownMetricNames();
    for (const file of Object.values(files)) {
      const rules = parse(file).groups.flatMap((g: any) => g.rules);
      const recorded = new Set(rules.filter((r: any) => r.record).map((r: any) => r.record));
      for (const r of rules) {
        expect(parseErrors({ language: 'promql', expr: r.expr, where: r.record ?? r.alert })).toEqual([]);
        for (const m of metricNames(r.expr)) expect(known.has(m) || recorded.has(m)).toBe(true);
      }
    }
  });

  test('promtool check rules passes', () => {
    const tool = promtool();
    const dir = mkdtempSync(join(tmpdir(), 'mop-slo-check-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    if (Object.keys(files).length === 0) return;
    const out = execFileSync(tool, ['check', 'rules', ...Object.keys(files).map((f) => join(dir, f))], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS/);
  });
});

test('rule file snapshot (production checkout)', () => {
  const prod = envs.find((e) => e.tier === 'production')!;
  expect(mimirRuleFiles(prod)[ruleFileName(prod.slos[0])]).toMatchSnapshot();
});

/* ---------------------------------------------------------------- promtool unit tests ---------------------------- */

const STEPS_BAD = 60; // the service misbehaves for the first hour
const REQUESTS_PER_MIN = 1000;

/** `a+bxn` segments: `rate1` per step for `steps1`, then `rate2` per step for `steps2`. */
function series(rate1: number, steps1: number, rate2: number, steps2: number): string {
  const next = tidy(rate1 * steps1 + rate2);
  return `0+${tidy(rate1)}x${steps1} ${next}+${tidy(rate2)}x${steps2}`;
}

/** A bad ratio between this tier's threshold and the next faster tier's (or twice the fastest). */
function badRatio(tierIndex: number, budget: number): number {
  const b = BURN_RATE_ALERTS[tierIndex].burnRate;
  const factor = tierIndex === 0 ? 2 * b : Math.sqrt(b * BURN_RATE_ALERTS[tierIndex - 1].burnRate);
  return Math.min(factor * budget, 0.9);
}

function windowMinutes(w: string): number {
  const n = parseInt(w, 10);
  return w.endsWith('m') ? n : w.endsWith('h') ? n * 60 : n * 1440;
}

function expectedAlert(env: Environment, slo: SloConfig, kind: SloKind, a: BurnRateAlert, labels: Record<string, string>) {
  const rendered = parse(mimirRuleFiles(env)[ruleFileName(slo)]).groups[1];
  const rule = rendered.rules.find((r: any) => r.alert === alertName(kind, a.tier)) as any;
  const expand = (s: string) => s.replace('{{ $labels.service_name }}', slo.service).replace('{{ $labels.k8s_namespace_name }}', slo.namespace);
  return {
    exp_labels: { ...labels, ...rule.labels },
    exp_annotations: { summary: expand(rule.annotations.summary), description: expand(rule.annotations.description), runbook_url: rule.annotations.runbook_url },
  };
}

function scenario(env: Environment, slo: SloConfig, kind: SloKind, tierIndex: number) {
  const a = BURN_RATE_ALERTS[tierIndex];
  const objective = kind === 'availability' ? slo.objectivePercent : slo.latencyObjectivePercent;
  const r = badRatio(tierIndex, tidy(1 - objective / 100));
  const resolveAt = STEPS_BAD + windowMinutes(a.shortWindow) + 10;
  const total = resolveAt + 5;
  const base = { cluster: 'test', [OBI_HTTP_SERVER.namespaceLabel]: slo.namespace, [OBI_HTTP_SERVER.serviceLabel]: slo.service };
  const sel = (extra: Record<string, string>) =>
    `{${Object.entries({ ...base, ...extra }).map(([k, v]) => `${k}="${v}"`).join(', ')}}`;
  const input_series =
    kind === 'availability'
      ? [
          // r = errors / (ok + errors) while bad; no errors afterwards.
          { series: `${OBI_HTTP_SERVER.count}${sel({ [OBI_HTTP_SERVER.statusLabel]: '200' })}`, values: series(REQUESTS_PER_MIN, STEPS_BAD, REQUESTS_PER_MIN, total - STEPS_BAD) },
          { series: `${OBI_HTTP_SERVER.count}${sel({ [OBI_HTTP_SERVER.statusLabel]: '500' })}`, values: series((REQUESTS_PER_MIN * r) / (1 - r), STEPS_BAD, 0, total - STEPS_BAD) },
        ]
      : [
          // r of the requests are slower than the threshold while bad; all are fast afterwards.
          { series: `${OBI_HTTP_SERVER.count}${sel({ [OBI_HTTP_SERVER.statusLabel]: '200' })}`, values: series(REQUESTS_PER_MIN, STEPS_BAD, REQUESTS_PER_MIN, total - STEPS_BAD) },
          {
            series: `${OBI_HTTP_SERVER.bucket}${sel({ [OBI_HTTP_SERVER.statusLabel]: '200', le: String(latencyBucket(slo.latencyThresholdMs).le) })}`,
            values: series(REQUESTS_PER_MIN * (1 - r), STEPS_BAD, REQUESTS_PER_MIN, total - STEPS_BAD),
          },
        ];
  const name = alertName(kind, a.tier);
  const alert_rule_test: unknown[] = [
    { eval_time: '30m', alertname: name, exp_alerts: [expectedAlert(env, slo, kind, a, base)] },
    { eval_time: `${resolveAt}m`, alertname: name, exp_alerts: [] },
  ];
  // The next faster tier stays silent: the ratio is below its threshold.
  if (tierIndex > 0) alert_rule_test.push({ eval_time: '30m', alertname: alertName(kind, BURN_RATE_ALERTS[tierIndex - 1].tier), exp_alerts: [] });
  return { name: `${slo.namespace}/${slo.service} ${name}: fires at ratio ${tidy(r)}, resolves at ${resolveAt}m`, interval: '1m', input_series, alert_rule_test };
}

describe.each(envs)('promtool test rules for $name', (env) => {
  test.each(env.slos.map((s) => [`${s.namespace}/${s.service}`, s] as const))('%s: every burn-rate alert fires and resolves', (_n, slo) => {
    const tool = promtool();
    const dir = mkdtempSync(join(tmpdir(), 'mop-slo-test-'));
    const rules = join(dir, ruleFileName(slo));
    writeFileSync(rules, mimirRuleFiles(env)[ruleFileName(slo)]);
    const tests = (['availability', 'latency'] as const).flatMap((kind) => BURN_RATE_ALERTS.map((_a, i) => scenario(env, slo, kind, i)));
    const testFile = join(dir, 'tests.yaml');
    writeFileSync(testFile, stringify({ rule_files: [rules], evaluation_interval: '1m', tests }, { lineWidth: 0, aliasDuplicateObjects: false }));
    const r = spawnSync(tool, ['test', 'rules', testFile], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`promtool test rules failed:\n${r.stdout}\n${r.stderr}`);
    expect(r.stdout).toMatch(/SUCCESS/);
    expect(tests).toHaveLength(8);
  });
});
