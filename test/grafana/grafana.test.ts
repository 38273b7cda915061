/**
 * Grafana: Deployment invariants, provisioned datasources and correlations, the six dashboards.
 *
 * Datasource field names were checked against grafana/grafana sources:
 * - Prometheus/Mimir jsonData (prometheusType, prometheusVersion, httpMethod, timeInterval, exemplarTraceIdDestinations
 *   {name, datasourceUid, urlDisplayLabel}): packages/grafana-prometheus/src/types.ts (PromOptions, ExemplarTraceIdDestination);
 * - Tempo jsonData (tracesToLogsV2, tracesToMetrics.queries, serviceMap, nodeGraph, lokiSearch, search, traceQuery):
 *   public/app/plugins/datasource/tempo/types.ts and docs/sources/datasources/tempo/configure-tempo-data-source/provision.md;
 * - Loki derivedFields {name, matcherType: 'label'|'regex', matcherRegex, datasourceUid, url, urlDisplayLabel}:
 *   public/app/plugins/datasource/loki/types.ts (DerivedFieldConfig);
 * - Alertmanager jsonData.implementation 'mimir', handleGrafanaManagedAlerts: docs/sources/datasources/alertmanager/_index.md;
 * - custom headers jsonData.httpHeaderName1 + secureJsonData.httpHeaderValue1, `$$` escaping:
 *   docs/sources/administration/provisioning/index.md.
 */
import { parse } from 'yaml';
import { ENVIRONMENTS, Environment, loadEnvironment } from '../../environments';
import { KubeObject, renderEnvironment } from '../../constructs/render';
import { DASHBOARD_UIDS, buildDashboards } from '../../constructs/grafana/dashboards';
import { collectionDashboards } from '../../constructs/grafana/kubernetes';
import { DATASOURCE_UIDS, TRACES_TO_METRICS_QUERIES } from '../../constructs/grafana/datasources';
import { DASHBOARDS_PATH, GRAFANA_UID, dashboardFiles } from '../../constructs/grafana';
import { endpoints, url } from '../../constructs/endpoints';
import { imageOf } from '../../constructs/versions';
import { mimirRuleFiles } from '../../constructs/slo';
import { Expression, dashboardDatasourceUids, dashboardExpressions, metricNames, parseErrors } from './expressions';
import { KNOWN_METRICS, knownMetricNames } from './known-metrics';

const envs: Environment[] = ENVIRONMENTS.map((e) => loadEnvironment(e));
// Multi-region regional environments run no Grafana (the global one reads them); test/multi-region covers the split.
const rendered = envs.filter((env) => env.components.includes('grafana')).map((env) => ({ env, objects: renderEnvironment(env).objects.get('grafana') ?? [] }));

function find(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${kind}/${name} not rendered`);
  return o;
}

interface Datasource {
  name: string;
  type: string;
  uid: string;
  url: string;
  jsonData: Record<string, any>;
  secureJsonData?: Record<string, string>;
}
function datasourcesOf(objects: readonly KubeObject[]): Datasource[] {
  const cm = find(objects, 'ConfigMap', 'grafana-datasources') as KubeObject & { data: Record<string, string> };
  return parse(cm.data['datasources.yaml']).datasources;
}
const unescape = (s: string) => s.replace(/\$\$/g, '$');

/** Recording rules MOP defines (the SLO dashboard reads them). */
function recordedNames(env: Environment): Set<string> {
  const names = new Set<string>();
  for (const file of Object.values(mimirRuleFiles(env))) {
    for (const g of parse(file).groups) for (const r of g.rules) if (r.record) names.add(r.record);
  }
  return names;
}

describe.each(rendered)('grafana in $env.name', ({ env, objects }) => {
  const ep = endpoints(env);
  const deployment = find(objects, 'Deployment', 'grafana') as any;
  const pod = deployment.spec.template.spec;
  const c = pod.containers[0];
  const envVar = (name: string) => c.env.find((e: { name: string }) => e.name === name)?.value;

  test('runs the pinned image, stateless and restricted', () => {
    expect(c.image).toBe(imageOf('grafana'));
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: GRAFANA_UID, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    const volumes = pod.volumes as { name: string; emptyDir?: unknown; persistentVolumeClaim?: unknown }[];
    expect(volumes.some((v) => v.persistentVolumeClaim)).toBe(false);
    const mount = (path: string) => c.volumeMounts.find((m: { mountPath: string }) => m.mountPath === path);
    for (const path of ['/var/lib/grafana', '/tmp']) expect(volumes.find((v) => v.name === mount(path)?.name)?.emptyDir).toBeDefined();
    expect(c.resources.requests.cpu).toBeDefined();
    expect(c.resources.limits.memory).toBeDefined();
  });

  test('anonymous access with the environment role, no login form, nothing calling home', () => {
    expect(envVar('GF_AUTH_ANONYMOUS_ENABLED')).toBe('true');
    expect(envVar('GF_AUTH_ANONYMOUS_ORG_ROLE')).toBe(env.grafana.anonymousRole);
    expect(envVar('GF_AUTH_DISABLE_LOGIN_FORM')).toBe('true');
    expect(envVar('GF_AUTH_BASIC_ENABLED')).toBe('false');
    expect(envVar('GF_ANALYTICS_REPORTING_ENABLED')).toBe('false');
    expect(envVar('GF_ANALYTICS_CHECK_FOR_UPDATES')).toBe('false');
    expect(envVar('GF_PLUGINS_PREINSTALL_DISABLED')).toBe('true');
  });

  test('probes /api/health and serves the endpoint from endpoints.ts', () => {
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/api/health', port: ep.grafana.portName });
    expect(c.livenessProbe.httpGet).toMatchObject({ path: '/api/health', port: ep.grafana.portName });
    expect(c.ports).toEqual([{ name: ep.grafana.portName, containerPort: ep.grafana.port, protocol: 'TCP' }]);
    const svc = find(objects, 'Service', ep.grafana.service) as any;
    expect(svc.metadata.namespace).toBe(ep.grafana.namespace);
    expect(svc.spec.ports).toEqual([expect.objectContaining({ name: ep.grafana.portName, port: ep.grafana.port, targetPort: ep.grafana.portName })]);
  });

  test('every ConfigMap is mounted, carries a checksum on the pod and stays far below 1 MiB', () => {
    const configMaps = objects.filter((o) => o.kind === 'ConfigMap') as (KubeObject & { data: Record<string, string> })[];
    expect(configMaps.length).toBe(2 + Object.keys(dashboardFiles(env)).length); // six + switched-on experiment dashboards
    const annotations = deployment.spec.template.metadata.annotations as Record<string, string>;
    for (const cm of configMaps) {
      expect(pod.volumes.some((v: any) => v.configMap?.name === cm.metadata.name)).toBe(true);
      const size = Buffer.byteLength(JSON.stringify(cm), 'utf8');
      expect(size).toBeLessThan(256 * 1024);
    }
    expect(Object.keys(annotations).filter((k) => k.startsWith('checksum/')).length).toBe(configMaps.length);
  });

  test('the dashboard provider loads the mounted dashboards', () => {
    const cm = find(objects, 'ConfigMap', 'grafana-dashboard-providers') as any;
    const provider = parse(cm.data['providers.yaml']).providers[0];
    expect(provider).toMatchObject({ type: 'file', options: { path: DASHBOARDS_PATH } });
    const dashboardMounts = c.volumeMounts.filter((m: { mountPath: string }) => m.mountPath.startsWith(`${DASHBOARDS_PATH}/`));
    expect(dashboardMounts).toHaveLength(Object.keys(dashboardFiles(env)).length);
  });

  test('datasources use fixed UIDs, endpoints.ts URLs and the tenant header', () => {
    const ds = datasourcesOf(objects);
    const byUid = Object.fromEntries(ds.map((d) => [d.uid, d]));
    // The global Grafana of a multi-region deployment adds a Tempo and a Loki per region; the defaults read the first.
    const regions = env.multiRegion?.role === 'global' ? env.multiRegion.regions : [];
    expect(Object.keys(byUid).sort()).toEqual([...Object.values(DATASOURCE_UIDS), ...regions.flatMap((r) => [`mop-tempo-${r.name}`, `mop-loki-${r.name}`])].sort());
    expect(byUid[DATASOURCE_UIDS.mimir].url).toBe(url(ep.mimirQuery));
    expect(byUid[DATASOURCE_UIDS.mimirAlertmanager].url).toBe(`${url(ep.mimirAlertmanager)}/alertmanager`);
    expect(byUid[DATASOURCE_UIDS.tempo].url).toBe(regions.length ? regions[0].tempoQueryUrl : url(ep.tempoQuery));
    expect(byUid[DATASOURCE_UIDS.loki].url).toBe(regions.length ? regions[0].lokiQueryUrl : url(ep.lokiQuery));
    for (const d of ds) {
      expect(d.jsonData.httpHeaderName1).toBe('X-Scope-OrgID');
      expect(d.secureJsonData?.httpHeaderValue1).toBe(env.tenant);
    }
  });

  test('correlations point at provisioned datasources', () => {
    const ds = datasourcesOf(objects);
    const uids = new Set(ds.map((d) => d.uid));
    const mimir = ds.find((d) => d.uid === DATASOURCE_UIDS.mimir)!;
    const tempo = ds.find((d) => d.uid === DATASOURCE_UIDS.tempo)!;
    const loki = ds.find((d) => d.uid === DATASOURCE_UIDS.loki)!;
    const am = ds.find((d) => d.uid === DATASOURCE_UIDS.mimirAlertmanager)!;
    expect(mimir.jsonData).toMatchObject({ prometheusType: 'Mimir', httpMethod: 'POST' });
    expect(am.jsonData.implementation).toBe('mimir');
    const linked = [
      ...mimir.jsonData.exemplarTraceIdDestinations.map((d: { datasourceUid: string }) => d.datasourceUid),
      tempo.jsonData.tracesToLogsV2.datasourceUid,
      tempo.jsonData.tracesToMetrics.datasourceUid,
      tempo.jsonData.serviceMap.datasourceUid,
      tempo.jsonData.lokiSearch.datasourceUid,
      ...loki.jsonData.derivedFields.map((f: { datasourceUid: string }) => f.datasourceUid),
    ];
    for (const uid of linked) expect(uids.has(uid)).toBe(true);
    expect(tempo.jsonData.nodeGraph.enabled).toBe(true);
    expect(loki.jsonData.derivedFields[0]).toMatchObject({ matcherType: 'label', matcherRegex: 'trace_id', datasourceUid: DATASOURCE_UIDS.tempo });
    // `$` is escaped for provisioning interpolation; unescaped the link queries are the PromQL we parse below.
    expect(loki.jsonData.derivedFields[0].url).toBe('$${__value.raw}');
    expect(tempo.jsonData.tracesToMetrics.queries.map((q: { query: string }) => unescape(q.query))).toEqual(TRACES_TO_METRICS_QUERIES.map((q) => q.query));
  });

  // For the hand-written environments only: a new region changes production-global's datasources, a new environment has none.
  if (['dev', 'staging', 'production'].includes(env.name)) {
    test('datasources file snapshot', () => {
      const cm = find(objects, 'ConfigMap', 'grafana-datasources') as any;
      expect(cm.data['datasources.yaml']).toMatchSnapshot();
    });
  }
});

describe('dashboards', () => {
  const env = envs.find((e) => e.tier === 'production')!;
  const dashboards = buildDashboards(env);
  const recorded = recordedNames(env);
  const known = knownMetricNames();
  const expressions: Expression[] = [
    ...Object.entries({ ...dashboards, ...collectionDashboards(env) }).flatMap(([key, d]) => dashboardExpressions(JSON.parse(JSON.stringify(d)), key)),
    ...TRACES_TO_METRICS_QUERIES.map((q) => ({ language: 'promql' as const, expr: q.query, where: `Tempo tracesToMetrics ${q.name}`, datasourceUid: DATASOURCE_UIDS.mimir })),
  ];

  test('six dashboards with fixed UIDs and the cluster / namespace / service variables', () => {
    expect(Object.keys(dashboards)).toHaveLength(6);
    for (const [key, d] of Object.entries(dashboards)) {
      expect(d.uid).toBe(DASHBOARD_UIDS[key as keyof typeof DASHBOARD_UIDS]);
      expect(d.templating?.list?.map((v) => v.name)).toEqual(['cluster', 'namespace', 'service']);
      expect((d.panels ?? []).length).toBeGreaterThan(4);
    }
  });

  test('every language is exercised', () => {
    for (const language of ['promql', 'logql', 'traceql'] as const) expect(expressions.some((e) => e.language === language)).toBe(true);
  });

  test.each(expressions.map((e) => [e.where, e.language, e] as const))('%s (%s) parses without error nodes', (_where, _lang, e) => {
    expect(parseErrors(e)).toEqual([]);
  });

  test('every metric name is emitted by OBI, Alloy, Tempo, Mimir or Loki, or recorded by the SLO rules', () => {
    const unknown = expressions
      .filter((e) => e.language === 'promql')
      .flatMap((e) => metricNames(e.expr).map((m) => ({ m, where: e.where })))
      .filter(({ m }) => !known.has(m) && !recorded.has(m));
    expect(unknown).toEqual([]);
    for (const list of KNOWN_METRICS) expect(list.source.length).toBeGreaterThan(10);
  });

  test('every datasource UID a dashboard uses is provisioned, with the matching type', () => {
    const provisioned = new Set<string>(Object.values(DATASOURCE_UIDS));
    for (const d of Object.values(dashboards)) for (const uid of dashboardDatasourceUids(d)) expect(provisioned.has(uid)).toBe(true);
    for (const e of expressions) {
      const expected = { promql: DATASOURCE_UIDS.mimir, logql: DATASOURCE_UIDS.loki, traceql: DATASOURCE_UIDS.tempo }[e.language];
      expect(e.datasourceUid).toBe(expected);
    }
  });

  test('parse checks catch a broken expression (the harness is not vacuous)', () => {
    expect(parseErrors({ language: 'promql', expr: 'sum(rate(foo[5m])', where: 'x' })).not.toEqual([]);
    expect(parseErrors({ language: 'logql', expr: '{a="b"} |~ ', where: 'x' })).not.toEqual([]);
    expect(parseErrors({ language: 'traceql', expr: '{ duration > }', where: 'x' })).not.toEqual([]);
    expect(metricNames('sum(rate(foo_total{a="$x"}[$__rate_interval])) / bar')).toEqual(['foo_total', 'bar']);
  });
});
