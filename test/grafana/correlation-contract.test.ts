/**
 * The correlation contract (test/grafana/correlations.ts) in every environment of `environments/index.ts`: an
 * environment with Grafana is checked against every environment that feeds its datasources, and an environment
 * without one (a region) against the Grafana that reads it (the global one). The second half shows that the check
 * fails when a label is renamed on either side.
 */
import { ENVIRONMENTS, loadEnvironment } from '../../environments';
import { staging } from '../../environments/staging';
import { RenderedEnvironment, renderEnvironment } from '../../constructs/render';
import { PATHS } from '../../constructs/alloy/collection';
import { renderedEnvironments } from '../support/render';
import { Datasource, Pipeline, contractViolations, feedingEnvironments, grafanaOf, pipelineOf } from './correlations';

const rendered = renderedEnvironments();
const envs = rendered.map((r) => r.env);
const pipelines = new Map(rendered.filter((r) => r.env.components.includes('alloy')).map((r) => [r.env.name, pipelineOf(r)]));

/** The Grafana that reads an environment's data: its own, or the global one of its multi-region deployment. */
function consumerOf(r: RenderedEnvironment): RenderedEnvironment | undefined {
  if (r.env.components.includes('grafana')) return r;
  return rendered.find((g) => g.env.multiRegion?.role === 'global' && g.env.multiRegion.regions.some((x) => x.name === r.env.cluster.region));
}

describe.each(rendered.map((r) => [r.env.name, r] as const))('correlation contract in %s', (_name, r) => {
  const consumer = consumerOf(r);

  test('every label a correlation or dashboard of the Grafana that reads this environment uses is produced by this environment’s pipeline', () => {
    expect(consumer).toBeDefined();
    const grafana = grafanaOf(consumer as RenderedEnvironment);
    const byUid = new Map(grafana.datasources.map((d) => [d.uid, d]));
    // As the consumer: every feeder; as a feeder: only the datasources this environment feeds, with its own pipeline.
    const feedersOf = (uid: string): Pipeline[] =>
      feedingEnvironments(consumer!.env, byUid.get(uid) as Datasource, envs)
        .filter((e) => consumer === r || e.name === r.env.name)
        .map((e) => pipelines.get(e.name))
        .filter((p): p is Pipeline => p !== undefined);
    const violations = contractViolations(grafana, feedersOf);
    expect(violations).toEqual([]);
  });
});

describe('the contract fails when a label is renamed on one side', () => {
  const r = renderEnvironment(loadEnvironment(staging));
  const grafana = grafanaOf(r);
  const pipeline = pipelineOf(r);
  const check = (g = grafana, p = pipeline) => contractViolations(g, () => [p]);

  test('the staging contract holds as rendered', () => expect(check()).toEqual([]));

  test('Grafana side: the traces-to-logs tag maps k8s.namespace.name to k8s_namespace_name (the old bug)', () => {
    const datasources = grafana.datasources.map((d) =>
      d.type === 'tempo'
        ? { ...d, jsonData: { ...d.jsonData, tracesToLogsV2: { ...d.jsonData.tracesToLogsV2, tags: [{ key: 'k8s.namespace.name', value: 'k8s_namespace_name' }] } } }
        : d,
    );
    expect(check(grafanaOf(r, { datasources }))).toContain('mop-tempo traces-to-logs: k8s.namespace.name → k8s_namespace_name, but loki.source.file.pod_logs streams carry no label k8s_namespace_name');
  });

  test('pipeline side: the pod-log relabelling writes `ns` instead of `namespace`', () => {
    const configs = (r.objects.get('alloy') ?? [])
      .filter((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-config'))
      .map((o) => ((o as Record<string, any>).data[PATHS.configFile] as string));
    const renamed = configs.map((t) => t.replace(/(discovery\.relabel "pod_logs" \{[\s\S]*?target_label\s*=\s*)"namespace"/, '$1"ns"'));
    expect(renamed).not.toEqual(configs);
    const violations = check(grafana, pipelineOf(r, { configs: renamed }));
    expect(violations).toContain('mop-tempo traces-to-logs: k8s.namespace.name → namespace, but loki.source.file.pod_logs streams carry no label namespace');
    // The dashboards' log panels select on it too.
    expect(violations.some((x) => x.includes('"Error logs": loki.source.file.pod_logs streams carry no label namespace'))).toBe(true);
  });

  test('pipeline side: the trace ID is no longer lifted into structured metadata', () => {
    const configs = (r.objects.get('alloy') ?? [])
      .filter((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-config'))
      .map((o) => ((o as Record<string, any>).data[PATHS.configFile] as string).replace(/trace_id = "",/g, 'traceid = "",'));
    expect(check(grafana, pipelineOf(r, { configs }))).toContain('mop-loki derived field TraceID: loki.source.file.pod_logs has no trace_id');
  });

  test('Grafana side: a traces-to-metrics tag names a label OBI metrics do not have', () => {
    const datasources = grafana.datasources.map((d) =>
      d.type === 'tempo' ? { ...d, jsonData: { ...d.jsonData, tracesToMetrics: { ...d.jsonData.tracesToMetrics, tags: [{ key: 'service.name', value: 'service' }] } } } : d,
    );
    expect(check(grafanaOf(r, { datasources })).some((x) => /traces-to-metrics "Request rate": http_server_request_duration_seconds_count carries no label service$/.test(x))).toBe(true);
  });

  test('every environment is covered', () => {
    expect(new Set(rendered.map((x) => x.env.name))).toEqual(new Set(ENVIRONMENTS.map((e) => e.name)));
  });
});
