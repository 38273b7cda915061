/**
 * Meta-monitoring rules in every environment that runs Mimir: structure (severity, summary, description, a runbook
 * page that exists), PromQL grammar, metric names with an upstream source, `promtool check rules`, and a
 * `promtool test rules` case per alert that fires on a synthetic failure (with the labels routing needs) and stays
 * silent on healthy series. promtool comes from Debian's `prometheus` package (`.ci/run` installs it).
 */
import { spawn, spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { parse, stringify } from 'yaml';
import { ENVIRONMENTS, Environment, loadEnvironment } from '../../environments';
import {
  MetaAlert,
  SEVERITIES,
  WATCHDOG_ALERT,
  metaMonitoringAlerts,
  metaMonitoringRuleFiles,
  metaRuleFileName,
  monitoredComponents,
  repositoryWebUrl,
  runbookUrl,
} from '../../constructs/monitoring';
import { REGION_LABEL } from '../../constructs/multi-region';
import { mimirRuleFiles } from '../../constructs/slo';
import { metricNames, parseErrors } from '../grafana/expressions';
import { knownMetricNames } from '../grafana/known-metrics';
import { SCENARIOS, ScenarioContext } from './scenarios';

const ROOT = resolve(__dirname, '../..');
jest.setTimeout(600_000);

function run(cmd: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(cmd, args);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (status) => done({ status, stdout, stderr }));
  });
}

async function runLimited<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
const envs: Environment[] = ENVIRONMENTS.map((e) => loadEnvironment(e)).filter((env) => env.components.includes('mimir'));

function promtool(): string {
  const r = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error('promtool not found: install Debian package "prometheus" (CI: .ci/run installs it)');
  return 'promtool';
}

/** Go-template expansion of the only constructs the annotations use: `{{ $labels.x }}` and `{{ with $labels.region }}…{{ . }}…{{ end }}`. */
export function expand(template: string, labels: Record<string, string>): string {
  return template
    .replace(/\{\{ with \$labels\.([a-z_]+) \}\}(.*?)\{\{ end \}\}/g, (_m, name: string, body: string) => (labels[name] ? body.replace(/\{\{ \. \}\}/g, labels[name]) : ''))
    .replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_m, name: string) => labels[name] ?? '');
}

function context(env: Environment): ScenarioContext {
  // In multi-region the series carry the region their cluster writes (constructs/alloy/pipeline.ts metricsOut).
  const region = env.multiRegion?.role === 'global' ? env.multiRegion.regions[0].name : undefined;
  return { env, where: { cluster: `${env.name}-test-cluster`, ...(region ? { [REGION_LABEL]: region } : {}) } };
}

describe('runbook URLs', () => {
  test('Argo CD repository URLs of every form map to the repository web page', () => {
    expect(repositoryWebUrl('https://github.com/example-org/mop.git')).toBe('https://github.com/example-org/mop');
    expect(repositoryWebUrl('git@github.com:example-org/mop.git')).toBe('https://github.com/example-org/mop');
    expect(repositoryWebUrl('ssh://git@gitlab.example.com:2222/platform/mop.git')).toBe('https://gitlab.example.com/platform/mop');
  });
});

describe.each(envs)('meta-monitoring rules of $name', (env) => {
  const alerts = metaMonitoringAlerts(env);
  const files = metaMonitoringRuleFiles(env);

  test('cover every component whose metrics reach this Mimir, plus the Kubernetes basics and the Watchdog', () => {
    const components = new Set(alerts.map((a) => a.component));
    for (const c of monitoredComponents(env)) expect(components).toContain(c);
    expect(components).toContain('kubernetes');
    expect(alerts.filter((a) => a.alert === WATCHDOG_ALERT)).toHaveLength(1);
    if (env.zoneAware) expect(alerts.some((a) => a.alert === 'MOPZoneDown')).toBe(true);
  });

  test('every alert has a severity, a summary, a description and a runbook page that says what it means and what to do', () => {
    for (const a of alerts) {
      expect(SEVERITIES).toContain(a.severity);
      expect(a.summary.length).toBeGreaterThan(10);
      expect(a.description.length).toBeGreaterThan(20);
      const url = runbookUrl(env, a.alert);
      const path = url.slice(url.indexOf('/docs/runbooks/') + 1);
      expect(url.startsWith(`${repositoryWebUrl(env.argocd.repoURL)}/blob/${env.argocd.targetRevision}/`)).toBe(true);
      const page = join(ROOT, path);
      expect(existsSync(page)).toBe(true);
      const text = readFileSync(page, 'utf8');
      expect(text.startsWith(`# ${a.alert}\n`)).toBe(true);
      expect(text).toMatch(/^## What it means$/m);
      expect(text).toMatch(/^## What to do$/m);
    }
    // The rendered rules carry the same annotations and labels.
    for (const file of Object.values(files)) {
      for (const r of parse(file).groups.flatMap((g: any) => g.rules)) {
        expect(r.labels.severity).toBeDefined();
        expect(Object.keys(r.annotations).sort()).toEqual(['description', 'runbook_url', 'summary']);
      }
    }
  });

  test('every expression parses and reads only metrics with an upstream source', () => {
    const known = knownMetricNames();
    for (const a of alerts) {
      expect(parseErrors({ language: 'promql', expr: a.expr, where: a.alert })).toEqual([]);
      for (const m of metricNames(a.expr)) {
        if (!known.has(m)) throw new Error(`${env.name} ${a.alert}: metric ${m} has no source in test/grafana/known-metrics.ts`);
      }
    }
  });

  test('every aggregation keeps cluster and region (multi-region: the global Mimir evaluates all regions)', () => {
    for (const a of alerts) {
      for (const m of a.expr.matchAll(/\b(sum|max|min|count|stddev) by \(([^)]*)\)/g)) {
        expect(m[2].split(',').map((x) => x.trim()).slice(0, 2)).toEqual(['cluster', 'region']);
      }
    }
  });

  test('promtool check rules passes', () => {
    const tool = promtool();
    const dir = mkdtempSync(join(tmpdir(), 'mop-meta-check-'));
    const paths = Object.entries(files).map(([name, text]) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    });
    const r = spawnSync(tool, ['check', 'rules', ...paths], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`promtool check rules failed:\n${r.stdout}\n${r.stderr}`);
    expect(r.stdout).toMatch(/SUCCESS/);
  });

  test('promtool test rules: every alert fires on its synthetic failure and stays silent on healthy series', async () => {
    const tool = promtool();
    const dir = mkdtempSync(join(tmpdir(), 'mop-meta-test-'));
    const ctx = context(env);
    // One test file per component's rule file, so each case evaluates only that group; run two at a time.
    const jobs = Object.entries(files).map(([fileName, text]) => {
      const ruleFile = join(dir, fileName);
      writeFileSync(ruleFile, text);
      const byName = new Map<string, MetaAlert[]>();
      for (const a of alerts.filter((x) => metaRuleFileName(x.component) === fileName)) byName.set(a.alert, [...(byName.get(a.alert) ?? []), a]);
      const tests: unknown[] = [];
      for (const [name, defs] of byName) {
        const build = SCENARIOS[name];
        if (!build) throw new Error(`alert ${name} has no scenario in test/monitoring/scenarios.ts`);
        const sc = build(ctx);
        const expected = sc.fires.map((labels) => {
          const def = defs.find((d) => d.severity === labels.severity && Object.entries(d.labels ?? {}).every(([k, v]) => labels[k] === v));
          if (!def) throw new Error(`${name}: the scenario expects ${JSON.stringify(labels)}, which no rule of that name produces`);
          return {
            exp_labels: labels,
            exp_annotations: { summary: def.summary, description: expand(def.description, labels), runbook_url: runbookUrl(env, name) },
          };
        });
        tests.push({ name: `${name} fires`, interval: '1m', input_series: sc.failing, alert_rule_test: [{ eval_time: sc.evalTime, alertname: name, exp_alerts: expected }] });
        // The Watchdog fires whatever the series; every other alert stays silent on healthy ones.
        if (name !== WATCHDOG_ALERT) {
          tests.push({ name: `${name} stays silent`, interval: '1m', input_series: sc.healthy, alert_rule_test: [{ eval_time: sc.evalTime, alertname: name, exp_alerts: [] }] });
        }
      }
      const testFile = join(dir, `test-${fileName}`);
      writeFileSync(testFile, stringify({ rule_files: [ruleFile], evaluation_interval: '1m', tests }, { lineWidth: 0, aliasDuplicateObjects: false }));
      return { testFile, cases: tests.length, alerts: byName.size };
    });
    const results = await runLimited(jobs.map((j) => () => run(tool, ['test', 'rules', j.testFile])), 2);
    results.forEach((r, i) => {
      if (r.status !== 0) throw new Error(`promtool test rules ${jobs[i].testFile} failed:\n${r.stdout.slice(-20000)}\n${r.stderr.slice(-5000)}`);
      expect(r.stdout).toMatch(/SUCCESS/);
    });
    const alertCount = jobs.reduce((n, j) => n + j.alerts, 0);
    expect(jobs.reduce((n, j) => n + j.cases, 0)).toBe(2 * alertCount - 1);
    expect(alertCount).toBe(new Set(alerts.map((a) => a.alert)).size);
  });
});

/** Every alert rule the Mimir construct loads into the ruler (SLO, experiment and meta-monitoring files). */
function loadedAlertRules(env: Environment): any[] {
  return Object.values({ ...mimirRuleFiles(env), ...metaMonitoringRuleFiles(env) }).flatMap((f) => parse(f).groups.flatMap((g: any) => g.rules)).filter((r: any) => r.alert);
}

test.each(envs)('every alert $name loads into the ruler has a severity, a summary, a description and an existing runbook page', (env) => {
  for (const r of loadedAlertRules(env)) {
    expect(SEVERITIES).toContain(r.labels.severity);
    expect(r.annotations.summary).toBeTruthy();
    expect(r.annotations.description).toBeTruthy();
    expect(r.annotations.runbook_url).toBe(runbookUrl(env, r.alert));
    expect(existsSync(join(ROOT, 'docs/runbooks', `${r.alert}.md`))).toBe(true);
  }
});

test('every scenario belongs to an alert some environment renders (no stale scenarios)', () => {
  const names = new Set(envs.flatMap((env) => metaMonitoringAlerts(env).map((a) => a.alert)));
  for (const name of Object.keys(SCENARIOS)) expect(names).toContain(name);
  for (const env of envs) for (const r of loadedAlertRules(env)) names.add(r.alert);
  // And every runbook page belongs to an alert.
  const pages = readdirSync(join(ROOT, 'docs/runbooks')).filter((f) => f !== 'README.md').map((f) => f.replace(/\.md$/, ''));
  for (const page of pages) expect(names).toContain(page);
});
