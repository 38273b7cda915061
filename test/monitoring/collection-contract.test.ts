/**
 * The rules ↔ collection contract (test/support/collection-contract.ts) for every environment of
 * `environments/index.ts`: every selector that a Mimir evaluates (its ruler's rule files, the Grafana panels,
 * traces-to-metrics links and canary analyses that query it) selects series that the pipelines writing into that
 * Mimir and tenant produce. In multi-region the global Mimir is fed by every region and by the global cluster itself,
 * so its rules are checked against the union. The second half breaks one side at a time in a copy and shows the
 * check fails with the reason.
 */
import { RenderedEnvironment } from '../../constructs/render';
import { PATHS } from '../../constructs/alloy/collection';
import { metaMonitoringAlerts } from '../../constructs/monitoring';
import { renderedEnvironments } from '../support/render';
import {
  MimirInput,
  Query,
  alternatives,
  contractViolations,
  formatViolations,
  knownProducers,
  mimirInput,
  queriesOf,
  seriesLabels,
  selects,
  whyNothing,
} from '../support/collection-contract';
import { MetricSource, metricSourcesOf } from '../support/metric-producers';
import { anchored, relabel } from '../support/relabel';
import { SCENARIOS } from './scenarios';

const rendered = renderedEnvironments();
const envs = rendered.map((r) => r.env);
const byName = (name: string) => rendered.find((r) => r.env.name === name) as RenderedEnvironment;

const sourceCache = new Map<string, MetricSource[]>();
const sourcesOf = (r: RenderedEnvironment) => {
  if (!sourceCache.has(r.env.name)) sourceCache.set(r.env.name, metricSourcesOf(r));
  return sourceCache.get(r.env.name) as MetricSource[];
};
const queries = rendered.flatMap((r) => queriesOf(r, envs));

/** One MimirInput per Mimir and tenant (every query of a rule file shares it). */
function memoized(build: (q: Query) => MimirInput): (q: Query) => MimirInput {
  const cache = new Map<string, MimirInput>();
  return (q) => {
    const key = `${q.mimir}/${q.tenant}`;
    if (!cache.has(key)) cache.set(key, build(q));
    return cache.get(key) as MimirInput;
  };
}

const inputOf = memoized((q) => mimirInput(byName(q.mimir), rendered, q.tenant, sourcesOf));

const withMimir = rendered.filter((r) => r.env.components.includes('mimir'));

describe.each(withMimir.map((r) => [r.env.name, r] as const))('rules ↔ collection contract of the %s Mimir', (name, r) => {
  const mine = queries.filter((q) => q.mimir === name);

  test('rules, panels, traces-to-metrics links and canary analyses query it, and something writes into it', () => {
    expect(mine.some((q) => q.where.startsWith('rule '))).toBe(true);
    if (r.env.components.includes('grafana')) expect(mine.some((q) => q.where.startsWith('dashboard '))).toBe(true);
    for (const tenant of new Set(mine.map((q) => q.tenant))) expect(inputOf(mine.find((q) => q.tenant === tenant) as Query).sources.length).toBeGreaterThan(10);
  });

  test('every selector selects series that the pipelines writing into this Mimir keep, with labels that can match', () => {
    // One line per problem: where (rule file, group, alert / dashboard, panel), the selector, and why nothing matches.
    expect(formatViolations(contractViolations(mine, inputOf))).toBe('');
  });

  test('MOPTargetDown watches every scrape target of a workload MOP renders, in every environment that writes here', () => {
    const targetDown = metaMonitoringAlerts(r.env).find((a) => a.alert === 'MOPTargetDown')?.expr as string;
    const tenant = mine.find((q) => q.where.startsWith('rule '))?.tenant as string;
    const unwatched = mimirInput(r, rendered, tenant, sourcesOf)
      .sources.filter((s) => s.scraped && s.pod)
      .flatMap((s) => seriesLabels(s, 'up').filter((l) => !selects(targetDown, 'up', l)).map((l) => `${s.env.name} ${s.component} (${s.origin}): up{job="${l.job}"}`));
    expect([...new Set(unwatched)]).toEqual([]);
  });
});

describe.each(withMimir.map((r) => [r.env.name, r] as const))('promtool scenarios of the %s meta-monitoring rules', (name, r) => {
  test('their synthetic series carry the job, namespace and container the pipelines write (a promtool case on made-up labels proves nothing)', () => {
    const tenant = queries.find((q) => q.mimir === name && q.where.startsWith('rule '))?.tenant as string;
    const input = mimirInput(r, rendered, tenant, sourcesOf);
    const region = r.env.multiRegion?.role === 'global' ? r.env.multiRegion.regions[0].name : undefined;
    const ctx = { env: r.env, where: { cluster: `${name}-test-cluster`, ...(region ? { region } : {}) } };
    const problems: string[] = [];
    for (const alert of new Set(metaMonitoringAlerts(r.env).map((a) => a.alert))) {
      const sc = SCENARIOS[alert](ctx);
      for (const series of [...sc.failing, ...sc.healthy]) {
        const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\}$/.exec(series.series) as RegExpExecArray;
        const labels = Object.fromEntries([...m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
        const matchers = ['job', 'namespace', 'container'].filter((l) => l in labels).map((label) => ({ label, op: '=' as const, value: labels[label] }));
        const why = whyNothing({ metric: m[1], matchers, text: series.series }, input);
        if (why) problems.push(`${alert}: ${series.series}\n    → ${why}`);
      }
    }
    expect([...new Set(problems)].join('\n')).toBe('');
  });
});

describe.each(rendered.map((r) => [r.env.name, r] as const))('Alloy workloads of %s', (_name, r) => {
  test('a clustered Alloy workload writes its own metrics under a job no other workload shares (ClusterNotConverging compares peers within a job)', () => {
    const self = sourcesOf(r).filter((s) => s.producers.includes('alloy'));
    expect(self.length).toBeGreaterThan(0);
    for (const s of self.filter((x) => x.pod?.containers.some((c) => c.args.includes('--cluster.enabled=true')))) {
      const sharing = self.filter((x) => x.process !== s.process && x.labels.job === s.labels.job).map((x) => x.origin);
      expect({ job: s.labels.job, sharedWith: sharing }).toEqual({ job: s.labels.job, sharedWith: [] });
    }
  });
});

test('every environment is covered, and every known producer is recognised in some rendered pipeline', () => {
  expect(new Set(queries.map((q) => q.mimir))).toEqual(new Set(withMimir.map((r) => r.env.name)));
  const seen = new Set(rendered.flatMap((r) => sourcesOf(r).flatMap((s) => [...s.producers, ...(s.scraped ? ['scrape'] : [])])));
  expect(knownProducers().filter((p) => p !== 'ruler' && !seen.has(p))).toEqual([]);
});

// ---------------------------------------------------------------------------------------------------------
// The check is not vacuous: break one side in a copy and it fails, saying why
// ---------------------------------------------------------------------------------------------------------

describe('the contract fails when one side changes', () => {
  const staging = byName('staging');
  const stagingQueries = queries.filter((q) => q.mimir === 'staging');
  const configTexts = (r: RenderedEnvironment) =>
    (r.objects.get('alloy') ?? []).filter((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-config')).map((o) => ({ name: o.metadata.name, text: (o as Record<string, any>).data[PATHS.configFile] as string }));
  /** The staging violations with the Alloy configs changed by `edit` (which must change something). */
  const broken = (edit: (text: string, configMap: string) => string, target: RenderedEnvironment = staging, qs: readonly Query[] = stagingQueries) => {
    const configs = configTexts(target).map((c) => ({ name: c.name, text: edit(c.text, c.name) }));
    expect(configs.map((c) => c.text)).not.toEqual(configTexts(target).map((c) => c.text));
    const changed = metricSourcesOf(target, { configs });
    const sources = (r: RenderedEnvironment) => (r === target ? changed : sourcesOf(r));
    return formatViolations(contractViolations(qs, memoized((q) => mimirInput(byName(q.mimir), rendered, q.tenant, sources))));
  };
  /** The keep-regex of one prometheus.relabel allow-list without one name. */
  const dropFromAllowList = (component: string, metric: string) => (text: string) =>
    text.replace(new RegExp(`(prometheus\\.relabel "${component}" \\{[\\s\\S]*?regex\\s*=\\s*"[^"]*?)\\|${metric}(?=[|"])`), '$1');

  test('as rendered, staging holds', () => expect(formatViolations(contractViolations(stagingQueries, inputOf))).toBe(''));

  test('collection side: kube_pod_status_ready dropped from the kube-state-metrics allow-list', () => {
    const v = broken(dropFromAllowList('kube_state_metrics', 'kube_pod_status_ready'));
    expect(v).toContain('rule meta-kubernetes.yaml group mop-meta-kubernetes alert KubePodNotReady');
    expect(v).toContain('kube_pod_status_ready is dropped by the allow-list of staging alloy-cluster-config prometheus.relabel.kube_state_metrics (job integrations/kubernetes/kube-state-metrics)');
  });

  test('collection side: kubelet_volume_stats_available_bytes dropped from the kubelet allow-list', () => {
    const v = broken(dropFromAllowList('kubelet', 'kubelet_volume_stats_available_bytes'));
    expect(v).toContain('alert KubePersistentVolumeFillingUp');
    expect(v).toContain('kubelet_volume_stats_available_bytes is dropped by the allow-list of staging alloy-node-config prometheus.relabel.kubelet');
  });

  test('collection side: the OBI scrape job renamed', () => {
    const v = broken((t) => t.replace('job_name     = "integrations/obi"', 'job_name     = "integrations/beyla"'));
    expect(v).toContain('alert OBINotExportingTraces');
    expect(v).toMatch(/job="integrations\/obi" matches nothing: obi_otel_trace_exports_total is written with job integrations\/beyla\n/);
    // MOPTargetDown's alternation names the old job: the alternative check catches it although another branch matches.
    expect(v).toMatch(/alert MOPTargetDown\n.*\n.*"integrations\/obi" in job=~/);
  });

  test('collection side: Grafana pods no longer scraped', () => {
    const v = broken((t) => t.replace(/\|mop-grafana;3000/, ''));
    expect(v).toMatch(/alert GrafanaRequestErrors\n.*\n.*nothing writes grafana_http_request_duration_seconds_count into staging's Mimir/);
  });

  test('collection side: the platform scrape no longer writes `namespace` (every store alert selects on it)', () => {
    const v = broken((t) => t.replace(/(discovery\.relabel "platform" \{[\s\S]*?source_labels = \["__meta_kubernetes_namespace"\]\n\t\ttarget_label  = )"namespace"/, '$1"k8s_namespace"'));
    expect(v).toMatch(/alert MimirIngesterUnhealthy\n.*\n.*namespace="mop-mimir" matches nothing: cortex_ring_members is written with namespace <absent>\n/);
    expect(v).toMatch(/alert LokiRequestErrors\n/);
  });

  test('collection side: kube-state-metrics not collected at all', () => {
    const v = broken((t, cm) => (cm === 'alloy-cluster-config' ? t.replace(/prometheus\.scrape "kube_state_metrics" \{[\s\S]*?\n\}\n/, '').replace(/prometheus\.relabel "kube_state_metrics" \{[\s\S]*?\n\}\n/, '') : t));
    expect(v).toContain("nothing writes kube_pod_container_status_waiting_reason into staging's Mimir (tenant staging)");
  });

  test('collection side: a writer with another tenant is invisible to this Mimir', () => {
    const v = broken((t) => t.replace(/"X-Scope-OrgID" = "staging"/g, '"X-Scope-OrgID" = "other"'));
    expect(v).toContain("nothing writes up into staging's Mimir (tenant staging)");
  });

  test('rules side: a selector with a stale job, a label the pipeline does not set, an unknown metric', () => {
    const input = inputOf(stagingQueries[0]);
    const check = (expr: string) => formatViolations(contractViolations([{ where: 'rule test', expr, mimir: 'staging', tenant: 'staging' }], () => input));
    expect(check('up{job="integrations/kubernetes/kube-state-metrics"} == 0')).toBe('');
    expect(check('up{job="integrations/kube-state-metrics"} == 0')).toContain('job="integrations/kube-state-metrics" matches nothing: up is written with job ');
    // The job Alloy's own metrics had before issue #18 renamed it (the rules' alternation and the promtool series kept it).
    expect(check('alloy_component_controller_running_components{job="integrations/alloy"}')).toMatch(/job="integrations\/alloy" matches nothing: .* is written with job mop-alloy-node\/alloy-node, mop-alloy\/alloy-cluster, mop-alloy\/alloy-gateway$/);
    expect(check('up{job="integrations/kubernetes/kube-state-metrics", namespace="mop-alloy"}')).toContain('namespace="mop-alloy" matches nothing: the series with job="integrations/kubernetes/kube-state-metrics" are written with namespace <absent>');
    expect(check('rate(cortex_request_duration_seconds_count{job=~"mop-mimir/ingester|mop-mimir/ingestor"}[5m])')).toContain('"mop-mimir/ingestor" in job=~');
    expect(check('mimir_made_up_total')).toContain('mimir_made_up_total has no known source');
    // A dashboard variable is some non-empty value ("All" is `.+`): the label must be there.
    expect(check('up{job="integrations/kubernetes/kube-state-metrics", namespace=~"$namespace"}')).toContain('namespace=~"$var" matches nothing');
    expect(check('kube_pod_info{namespace=~"$namespace", job="integrations/kubernetes/kube-state-metrics"}')).toBe('');
  });

  test('multi-region: the global rules are met by the regions’ series, and fail without them', () => {
    const global = byName('production-global');
    const globalQueries = queries.filter((q) => q.mimir === global.env.name && q.where.includes('record slo:http_error:ratio_rate5m'));
    expect(globalQueries.length).toBeGreaterThan(0);
    expect(formatViolations(contractViolations(globalQueries, inputOf))).toBe('');
    const withoutRegions = (r: RenderedEnvironment) => (r.env.multiRegion?.role === 'regional' ? [] : sourcesOf(r));
    const v = formatViolations(contractViolations(globalQueries, memoized((q) => mimirInput(global, rendered, q.tenant, withoutRegions))));
    expect(v).toContain("nothing writes http_server_request_duration_seconds_count into production-global's Mimir");
  });
});

describe('relabelling and regex helpers follow Prometheus', () => {
  const rule = (r: Partial<Parameters<typeof relabel>[1][number]>) => ({ action: 'replace', sourceLabels: [], separator: ';', regex: '(.*)', replacement: '$1', ...r });

  test('replace joins the source labels, expands groups, and deletes the target on an empty result', () => {
    expect(relabel({ a: 'x', b: 'y' }, [rule({ sourceLabels: ['a', 'b'], separator: '/', targetLabel: 'job' })])).toEqual({ a: 'x', b: 'y', job: 'x/y' });
    expect(relabel({ a: 'x', job: 'old' }, [rule({ sourceLabels: ['missing'], targetLabel: 'job' })])).toEqual({ a: 'x' });
    expect(relabel({ a: 'p;9' }, [rule({ sourceLabels: ['a'], regex: '(.*);([0-9]+)', replacement: '$2:$1', targetLabel: 'x' })])).toEqual({ a: 'p;9', x: '9:p' });
  });

  test('keep, drop, keepequal and labeldrop; regexes are anchored', () => {
    expect(relabel({ __name__: 'up_total' }, [rule({ action: 'keep', sourceLabels: ['__name__'], regex: 'up' })])).toBeUndefined();
    expect(relabel({ a: 'x', b: 'x' }, [rule({ action: 'keepequal', sourceLabels: ['a'], targetLabel: 'b' })])).toEqual({ a: 'x', b: 'x' });
    expect(relabel({ a: 'x', b: 'y' }, [rule({ action: 'keepequal', sourceLabels: ['a'], targetLabel: 'b' })])).toBeUndefined();
    expect(relabel({ ns: 'mop-x' }, [rule({ action: 'drop', sourceLabels: ['ns'], regex: 'mop-x|mop-y' })])).toBeUndefined();
    expect(relabel({ keep: '1', __tmp: '2' }, [rule({ action: 'labeldrop', regex: '__tmp' })])).toEqual({ keep: '1' });
    expect(anchored('(?i)abc').test('ABC')).toBe(true);
  });

  test('top-level alternatives of a regex', () => {
    expect(alternatives('a|b(c|d)|[x|y]|e\\|f')).toEqual(['a', 'b(c|d)', '[x|y]', 'e\\|f']);
  });
});
