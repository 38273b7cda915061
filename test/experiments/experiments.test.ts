/**
 * The experiments canaryAnalysis, serviceDependencyGraph and databaseProfiling: each renders when switched on and
 * disappears when switched off; AnalysisTemplates follow the SLOs; every PromQL/TraceQL expression parses; the
 * database p99 regression alert fires, resolves and ignores idle operations (promtool test rules).
 */
import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse, stringify } from 'yaml';
import { EnvironmentInput, ExperimentsConfig, loadEnvironment } from '../../environments';
import { staging } from '../../environments/staging';
import { KubeObject, renderEnvironment } from '../../constructs/render';
import { dashboardFiles } from '../../constructs/grafana';
import { DATASOURCE_UIDS } from '../../constructs/grafana/datasources';
import { EXPERIMENT_DASHBOARD_UIDS, SERVICE_MAP_QUERY, experimentDashboards } from '../../constructs/grafana/experiments';
import { ANALYSIS_ARGS, DEMO, ROLLOUTS_COMPONENT, analysisTemplateName, canaryThresholds } from '../../constructs/experiments/canary';
import { DB_REGRESSION, DB_RULE_FILE, OBI_DB_CLIENT, databaseProfilingRuleFiles } from '../../constructs/experiments/database-profiling';
import { endpoints, url } from '../../constructs/endpoints';
import { imageOf } from '../../constructs/versions';
import { mimirRuleFiles } from '../../constructs/slo';
import { Expression, dashboardDatasourceUids, metricNames, parseErrors } from '../grafana/expressions';
import { knownMetricNames } from '../grafana/known-metrics';

const ALL_ON: ExperimentsConfig = { ...staging.experiments, serviceDependencyGraph: true, databaseProfiling: true, canaryAnalysis: true };

function withExperiments(experiments: Partial<ExperimentsConfig>, extra: Partial<EnvironmentInput> = {}) {
  return loadEnvironment({ ...staging, ...extra, experiments: { ...ALL_ON, ...experiments } });
}

const on = withExperiments({});
const rendered = renderEnvironment(on);
const rolloutsObjects = rendered.objects.get(ROLLOUTS_COMPONENT) ?? [];

/** Argo Rollouts fills `{{args.x}}` in when it creates the AnalysisRun; the grammar sees a plain value. */
function substituteArgs(q: string): string {
  return q.replace(/\{\{\s*args\.[a-z-]+\s*\}\}/g, 'placeholder');
}

function analysisTemplates(objects: readonly KubeObject[]): any[] {
  return objects.filter((o) => o.kind === 'ClusterAnalysisTemplate');
}

describe('canaryAnalysis', () => {
  test('renders one cluster-scoped ClusterAnalysisTemplate per SLO, plus the demo Rollout and Service in MOP\'s canary namespace', () => {
    const templates = analysisTemplates(rolloutsObjects);
    expect(templates.map((t) => t.metadata.name).sort()).toEqual(on.slos.map((s) => analysisTemplateName(on, s)).sort());
    for (const t of templates) expect(t.metadata.namespace).toBeUndefined();
    const rollout = rolloutsObjects.find((o) => o.kind === 'Rollout') as any;
    expect(rollout.metadata).toMatchObject({ name: DEMO.name, namespace: on.namespaces.canary });
    const svc = rolloutsObjects.find((o) => o.kind === 'Service') as any;
    expect(svc.metadata.namespace).toBe(rollout.metadata.namespace);
    expect(rollout.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
    expect(rendered.files.has(`argocd/application-mop-${on.name}-${ROLLOUTS_COMPONENT}.yaml`)).toBe(true);
    // The platform folder creates the demo namespace, restricted; nothing lands in the SLOs' application namespaces.
    const ns = rendered.objects.get('platform')!.find((o) => o.kind === 'Namespace' && o.metadata.name === on.namespaces.canary);
    expect(ns?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const appNamespaces = new Set(on.slos.map((s) => s.namespace));
    expect([...rendered.objects.values()].flat().filter((o) => appNamespaces.has(o.metadata.namespace ?? ''))).toEqual([]);
    expect(on.platformNamespaces).toContain(on.namespaces.canary);
  });

  test('switched off: nothing renders, and no canary namespace', () => {
    const off = renderEnvironment(withExperiments({ canaryAnalysis: false }));
    expect(off.objects.get(ROLLOUTS_COMPONENT) ?? []).toEqual([]);
    expect([...off.files.keys()].filter((f) => f.startsWith(`${ROLLOUTS_COMPONENT}/`) || f.includes(off.env.namespaces.canary))).toEqual([]);
    expect(off.env.platformNamespaces).not.toContain(off.env.namespaces.canary);
  });

  test('removing an SLO removes its ClusterAnalysisTemplate', () => {
    const fewer = renderEnvironment(withExperiments({}, { slos: [staging.slos[0]] }));
    const names = analysisTemplates(fewer.objects.get(ROLLOUTS_COMPONENT) ?? []).map((t) => t.metadata.name);
    expect(names).toEqual([analysisTemplateName(fewer.env, staging.slos[0])]);
    expect(names).not.toContain(analysisTemplateName(fewer.env, staging.slos[1]));
  });

  test('template names are unique per namespace and service, even where a dash would make them ambiguous', () => {
    const a = { ...staging.slos[0], namespace: 'a-b', service: 'c' };
    const b = { ...staging.slos[0], namespace: 'a', service: 'b-c' };
    expect(analysisTemplateName(on, a)).not.toBe(analysisTemplateName(on, b));
    const both = renderEnvironment(withExperiments({}, { slos: [a, b], instrumentation: { ...staging.instrumentation, namespaces: ['a', 'a-b'] } }));
    expect(analysisTemplates(both.objects.get(ROLLOUTS_COMPONENT)!)).toHaveLength(2);
  });

  test('conditions follow the SLO numbers: error ratio <= 1 - objective, p99 <= latency threshold', () => {
    const changed = { ...staging.slos[0], objectivePercent: 99.95, latencyThresholdMs: 1000 };
    const env = withExperiments({}, { slos: [changed, staging.slos[1]] });
    for (const slo of env.slos) {
      const t = analysisTemplates(renderEnvironment(env).objects.get(ROLLOUTS_COMPONENT) ?? []).find((x) => x.metadata.name === analysisTemplateName(env, slo));
      const metric = (name: string) => t.spec.metrics.find((m: { name: string }) => m.name === name);
      const { maxErrorRatio, maxP99Seconds } = canaryThresholds(slo);
      expect(maxErrorRatio).toBeCloseTo(1 - slo.objectivePercent / 100, 12);
      expect(maxP99Seconds).toBe(slo.latencyThresholdMs / 1000);
      expect(metric('error-ratio')).toMatchObject({ successCondition: `result <= ${maxErrorRatio}`, failureCondition: `result > ${maxErrorRatio}` });
      expect(metric('p99-latency')).toMatchObject({ successCondition: `result <= ${maxP99Seconds}`, failureCondition: `result > ${maxP99Seconds}` });
    }
    const first = canaryThresholds(changed);
    expect(first).toEqual({ maxErrorRatio: 0.0005, maxP99Seconds: 1 });
  });

  test('queries Mimir with the tenant header and select only the canary ReplicaSet of the workload in its namespace', () => {
    for (const t of analysisTemplates(rolloutsObjects)) {
      expect(t.spec.args).toEqual([
        { name: ANALYSIS_ARGS.serviceName, value: t.metadata.labels['mop.dev/slo-service'] },
        { name: ANALYSIS_ARGS.namespace, value: t.metadata.labels['mop.dev/slo-namespace'] },
        { name: ANALYSIS_ARGS.canaryHash },
      ]);
      for (const m of t.spec.metrics) {
        expect(m).toMatchObject({ interval: expect.any(String), count: expect.any(Number), failureLimit: expect.any(Number) });
        const p = m.provider.prometheus;
        expect(p.address).toBe(url(endpoints(on).mimirQuery));
        expect(p.headers).toEqual([{ key: 'X-Scope-OrgID', value: on.tenant }]);
        expect(p.query).toContain(`k8s_namespace_name="{{args.${ANALYSIS_ARGS.namespace}}}"`);
        expect(p.query).toContain(`service_name="{{args.${ANALYSIS_ARGS.serviceName}}}"`);
        expect(p.query).toContain(`k8s_replicaset_name=~".+-{{args.${ANALYSIS_ARGS.canaryHash}}}"`);
        expect(parseErrors({ language: 'promql', expr: substituteArgs(p.query), where: `${t.metadata.name}/${m.name}` })).toEqual([]);
        for (const name of metricNames(substituteArgs(p.query))) expect(knownMetricNames().has(name)).toBe(true);
      }
    }
  });

  test('the demo Rollout: canary steps 10/25/50 with pause and SLO analysis (clusterScope), pinned image, restricted pod', () => {
    const rollout = rolloutsObjects.find((o) => o.kind === 'Rollout') as any;
    const steps = rollout.spec.strategy.canary.steps;
    expect(steps.filter((s: any) => s.setWeight !== undefined).map((s: any) => s.setWeight)).toEqual([10, 25, 50]);
    expect(steps.filter((s: any) => s.pause)).toHaveLength(3);
    for (const s of steps.filter((x: any) => x.analysis)) {
      expect(s.analysis.templates).toEqual([{ templateName: analysisTemplateName(on, on.slos[0]), clusterScope: true }]);
      expect(s.analysis.args).toEqual([
        { name: ANALYSIS_ARGS.serviceName, value: DEMO.name },
        { name: ANALYSIS_ARGS.namespace, value: on.namespaces.canary },
        { name: ANALYSIS_ARGS.canaryHash, valueFrom: { podTemplateHashValue: 'Latest' } },
      ]);
    }
    const pod = rollout.spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toBe(imageOf('podinfo'));
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(c.resources.limits.memory).toBeDefined();
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
  });

  test('the analysis step the docs tell a team to add references a rendered template and passes only its args', () => {
    const doc = readFileSync(join(__dirname, '../../docs/experiments/canary-analysis.md'), 'utf8');
    const block = /```yaml\n(# team Rollout[^\n]*\n[\s\S]*?)```/.exec(doc);
    expect(block).not.toBeNull();
    const step = parse(block![1]) as { analysis: { templates: { templateName: string; clusterScope: boolean }[]; args: { name: string }[] } };
    const [ref] = step.analysis.templates;
    expect(ref.clusterScope).toBe(true);
    const template = analysisTemplates(rolloutsObjects).find((t) => t.metadata.name === ref.templateName);
    expect(template).toBeDefined();
    const declared = template.spec.args.map((a: { name: string }) => a.name);
    for (const a of step.analysis.args) expect(declared).toContain(a.name);
    expect(step.analysis.args.map((a) => a.name)).toContain(ANALYSIS_ARGS.canaryHash);
  });

  test('analysis template snapshot (staging checkout)', () => {
    const t = rendered.files.get(`${ROLLOUTS_COMPONENT}/clusteranalysistemplate-${analysisTemplateName(on, on.slos[0])}.yaml`);
    expect(t).toMatchSnapshot();
  });
});

/* ---------------------------------------------------------------- dashboards ------------------------------------- */

/** Panel targets of an experiment dashboard, including the Tempo service-map selector (PromQL label matchers). */
function targets(dashboard: unknown, name: string): Expression[] {
  const out: Expression[] = [];
  const visit = (panel: any) => {
    for (const child of panel.panels ?? []) visit(child);
    for (const t of panel.targets ?? []) {
      const where = `${name} / ${panel.title}`;
      if (t.datasource.type === 'prometheus') out.push({ language: 'promql', expr: t.expr, where, datasourceUid: t.datasource.uid });
      else if (t.datasource.type === 'tempo' && t.queryType === 'serviceMap') out.push({ language: 'promql', expr: `traces_service_graph_request_total${t.serviceMapQuery}`, where, datasourceUid: DATASOURCE_UIDS.mimir });
      else if (t.datasource.type === 'tempo') out.push({ language: 'traceql', expr: t.query, where, datasourceUid: t.datasource.uid });
      else throw new Error(`${where}: unexpected target ${JSON.stringify(t)}`);
    }
  };
  for (const p of (dashboard as any).panels ?? []) visit(p);
  return out;
}

describe.each([
  ['serviceDependencyGraph', 'dependencies'],
  ['databaseProfiling', 'slowest-queries'],
] as const)('%s dashboard', (flag, key) => {
  test('is provisioned in Grafana when on and gone when off', () => {
    const uid = EXPERIMENT_DASHBOARD_UIDS[key];
    expect(dashboardFiles(on)[key]?.file).toBe(`${uid}.json`);
    const grafana = rendered.objects.get('grafana') ?? [];
    expect(grafana.some((o) => o.kind === 'ConfigMap' && o.metadata.name === `grafana-dashboards-${key}`)).toBe(true);

    const offEnv = withExperiments({ [flag]: false });
    expect(dashboardFiles(offEnv)[key]).toBeUndefined();
    const offGrafana = renderEnvironment(offEnv).objects.get('grafana') ?? [];
    expect(offGrafana.some((o) => o.kind === 'ConfigMap' && o.metadata.name === `grafana-dashboards-${key}`)).toBe(false);
  });

  const dashboard = JSON.parse(JSON.stringify(experimentDashboards(on)[key]));
  const expressions = targets(dashboard, key);

  test('has panels, every expression parses and every metric name is known', () => {
    expect(expressions.length).toBeGreaterThan(4);
    const known = knownMetricNames();
    for (const e of expressions) {
      expect({ where: e.where, errors: parseErrors(e) }).toEqual({ where: e.where, errors: [] });
      if (e.language === 'promql') for (const m of metricNames(e.expr)) expect({ where: e.where, m, known: known.has(m) }).toEqual({ where: e.where, m, known: true });
    }
    const provisioned = new Set<string>(Object.values(DATASOURCE_UIDS));
    for (const uid of dashboardDatasourceUids(dashboard)) expect(provisioned.has(uid)).toBe(true);
  });
});

test('the dependency graph is a node graph fed by the Tempo service map', () => {
  const d = JSON.parse(JSON.stringify(experimentDashboards(on).dependencies));
  const node = d.panels.find((p: any) => p.type === 'nodeGraph');
  expect(node.targets).toEqual([expect.objectContaining({ queryType: 'serviceMap', serviceMapQuery: SERVICE_MAP_QUERY, datasource: { type: 'tempo', uid: DATASOURCE_UIDS.tempo } })]);
  const all = targets(d, 'dependencies').map((e) => e.expr).join('\n');
  for (const m of ['obi_network_flow_bytes_total', 'ebpf_exporter_tcp_connections_established_total', 'ebpf_exporter_tcp_connect_latency_seconds_bucket']) expect(all).toContain(m);
});

test('the slowest-queries dashboard reads only bounded labels and has a TraceQL table of slow DB spans', () => {
  const d = JSON.parse(JSON.stringify(experimentDashboards(on)['slowest-queries']));
  const exprs = targets(d, 'slowest-queries');
  expect(exprs.some((e) => e.language === 'traceql' && e.expr.includes('span.db.system.name'))).toBe(true);
  for (const e of exprs.filter((x) => x.language === 'promql')) {
    const by = [...e.expr.matchAll(/by \(([^)]*)\)/g)].flatMap((m) => m[1].split(',').map((s) => s.trim()));
    for (const label of by) expect(['le', 'cluster', OBI_DB_CLIENT.namespaceLabel, OBI_DB_CLIENT.serviceLabel, OBI_DB_CLIENT.systemLabel, OBI_DB_CLIENT.operationLabel]).toContain(label);
    expect(e.expr).not.toMatch(/db_query_text|db_collection_name/);
  }
});

/* ---------------------------------------------------------------- regression alert ------------------------------- */

function promtool(): string {
  const r = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('promtool not found: install Debian package "prometheus" (apt-get install -y prometheus)');
  return 'promtool';
}

describe('databaseProfiling rules', () => {
  test('merged into the Mimir rule files when on, absent when off', () => {
    expect(Object.keys(mimirRuleFiles(on))).toContain(DB_RULE_FILE);
    const off = withExperiments({ databaseProfiling: false });
    expect(Object.keys(mimirRuleFiles(off))).not.toContain(DB_RULE_FILE);
    expect(databaseProfilingRuleFiles(off)).toEqual({});
  });

  const file = databaseProfilingRuleFiles(on)[DB_RULE_FILE];

  test('parse, read only OBI metrics and pass promtool check rules', () => {
    const rules = parse(file).groups.flatMap((g: any) => g.rules);
    expect(rules.map((r: any) => r.alert)).toEqual([DB_REGRESSION.alert]);
    for (const r of rules) {
      expect(parseErrors({ language: 'promql', expr: r.expr, where: r.alert })).toEqual([]);
      for (const m of metricNames(r.expr)) expect(knownMetricNames().has(m)).toBe(true);
      expect(r.expr).toContain('offset 1w');
    }
    const dir = mkdtempSync(join(tmpdir(), 'mop-exp-check-'));
    writeFileSync(join(dir, DB_RULE_FILE), file);
    expect(execFileSync(promtool(), ['check', 'rules', join(dir, DB_RULE_FILE)], { encoding: 'utf8' })).toMatch(/SUCCESS/);
  });

  test('promtool test rules: a slower operation fires, resolves when fast again; an idle one never fires', () => {
    const STEP_MIN = 5;
    const WEEK = (7 * 24 * 60) / STEP_MIN; // steps in a week
    const HOUR = 60 / STEP_MIN;
    // Phases: fast for a week + 2h, slow for 2h, fast for 2h.
    const phases = [WEEK + 2 * HOUR, 2 * HOUR, 2 * HOUR];
    /** Cumulative counter values: `perStep[i]` added at every step of phase i (promtool "a+bxn" segments). */
    const counter = (perStep: number[]) => {
      let value = 0;
      const parts: string[] = [];
      phases.forEach((steps, i) => {
        const start = i === 0 ? 0 : value + perStep[i];
        parts.push(`${start}+${perStep[i]}x${i === 0 ? steps : steps - 1}`);
        value = start + perStep[i] * (i === 0 ? steps : steps - 1);
      });
      return parts.join(' ');
    };
    const labels = (op: string, extra: Record<string, string>) =>
      `{${Object.entries({ cluster: 'test', k8s_namespace_name: 'shop', service_name: 'checkout', db_system_name: 'postgresql', db_operation_name: op, ...extra })
        .map(([k, v]) => `${k}="${v}"`)
        .join(', ')}}`;
    const histogram = (op: string, n: number) => {
      // fast: every call under 50ms; slow: every call between 100ms and 250ms.
      const fast = (le: string) => (le === '0.05' || le === '0.1' || le === '0.25' || le === '+Inf' ? n : 0);
      const slow = (le: string) => (le === '0.25' || le === '+Inf' ? n : 0);
      return [
        ...['0.05', '0.1', '0.25', '+Inf'].map((le) => ({
          series: `${OBI_DB_CLIENT.bucket}${labels(op, { le })}`,
          values: counter([fast(le), slow(le), fast(le)]),
        })),
        { series: `${OBI_DB_CLIENT.count}${labels(op, {})}`, values: counter([n, n, n]) },
      ];
    };
    const busy = 300; // 1 operation/s
    const idle = 6; // 0.02 operations/s, below DB_REGRESSION.minOpsPerSecond
    expect(idle / (STEP_MIN * 60)).toBeLessThan(DB_REGRESSION.minOpsPerSecond);
    expect(busy / (STEP_MIN * 60)).toBeGreaterThan(DB_REGRESSION.minOpsPerSecond);

    const minutes = (steps: number) => `${steps * STEP_MIN}m`;
    // p99 while slow: every call in (0.1, 0.25], so 0.1 + 0.15 * 0.99 = 0.2485s ($value | humanizeDuration).
    const rule = parse(file).groups[0].rules[0];
    const expand = (t: string, value: string) =>
      t
        .replace(/\{\{ \$labels\.db_system_name \}\}/g, 'postgresql')
        .replace(/\{\{ \$labels\.db_operation_name \}\}/g, 'SELECT')
        .replace(/\{\{ \$labels\.service_name \}\}/g, 'checkout')
        .replace(/\{\{ \$labels\.k8s_namespace_name \}\}/g, 'shop')
        .replace(/\{\{ \$value \| humanizeDuration \}\}/g, value);
    const annotations = (value: string) => ({ summary: expand(rule.annotations.summary, value), description: expand(rule.annotations.description, value), runbook_url: rule.annotations.runbook_url });
    const slowEnd = phases[0] + phases[1];
    const test = {
      interval: `${STEP_MIN}m`,
      input_series: [...histogram('SELECT', busy), ...histogram('UPDATE', idle)],
      alert_rule_test: [
        // Before the slowdown: silent.
        { eval_time: minutes(phases[0] - 1), alertname: DB_REGRESSION.alert, exp_alerts: [] },
        // One hour into the slowdown (the 1h window is all slow, a week ago all fast): SELECT fires, idle UPDATE does not.
        {
          eval_time: minutes(phases[0] + HOUR + 1),
          alertname: DB_REGRESSION.alert,
          exp_alerts: [
            {
              exp_labels: {
                severity: DB_REGRESSION.severity,
                experiment: 'database-profiling',
                cluster: 'test',
                k8s_namespace_name: 'shop',
                service_name: 'checkout',
                db_system_name: 'postgresql',
                db_operation_name: 'SELECT',
              },
              exp_annotations: annotations('248.5ms'),
            },
          ],
        },
        // An hour after it is fast again: resolved.
        { eval_time: minutes(slowEnd + HOUR + 1), alertname: DB_REGRESSION.alert, exp_alerts: [] },
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), 'mop-exp-test-'));
    const rules = join(dir, DB_RULE_FILE);
    writeFileSync(rules, file);
    const testFile = join(dir, 'tests.yaml');
    writeFileSync(testFile, stringify({ rule_files: [rules], evaluation_interval: '1m', tests: [test] }, { lineWidth: 0 }));
    const r = spawnSync(promtool(), ['test', 'rules', testFile], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`promtool test rules failed:\n${r.stdout}\n${r.stderr}`);
    expect(r.stdout).toMatch(/SUCCESS/);
  });
});
