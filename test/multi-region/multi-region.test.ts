/**
 * Experiment multi-region (docs/experiments/multi-region.md): production environments generated from a list of
 * regions. Traces and logs stay in their region, metrics go to one global Mimir with a `region` label, one global
 * Grafana has a Tempo and a Loki datasource per region. These tests fail if any of that silently stops working.
 */
import { flowPolicy } from '../support/network';
import { parse } from 'yaml';
import { ENVIRONMENTS, EnvironmentConfigError, EnvironmentInput, loadEnvironment } from '../../environments';
import { production } from '../../environments/production';
import {
  PRODUCTION_MULTI_REGION,
  PRODUCTION_REGIONS,
  crossClusterUrl,
  multiRegionEnvironments,
} from '../../environments/multi-region';
import { KubeObject, RenderedEnvironment, renderEnvironment } from '../../constructs/render';
import { endpoints, hostPort, url } from '../../constructs/endpoints';
import { DATASOURCE_UIDS, regionDatasourceUids } from '../../constructs/grafana/datasources';
import { CROSS_REGION_ACCESS_LABEL } from '../../constructs/multi-region';
import { mimirRuleFiles } from '../../constructs/slo';
import { GATEWAY_NAME, NODE_AGENT_NAME } from '../../constructs/alloy';
import { PATHS } from '../../constructs/alloy/pipeline';

type Obj = Record<string, any>;

const spec = PRODUCTION_MULTI_REGION;
const generated = multiRegionEnvironments(production, spec);
const regionalInputs = generated.filter((e) => e.multiRegion?.role === 'regional');
const globalInput = generated.find((e) => e.multiRegion?.role === 'global') as EnvironmentInput;
const render = (input: EnvironmentInput) => renderEnvironment(loadEnvironment(input));
const regional = regionalInputs.map(render);
const global = render(globalInput);

const all = (r: RenderedEnvironment): KubeObject[] => [...r.objects.values()].flat();
const find = (r: RenderedEnvironment, kind: string, name: string): Obj | undefined =>
  all(r).find((o) => o.kind === kind && o.metadata.name === name) as Obj | undefined;
const configMapFile = (r: RenderedEnvironment, name: string, file: string): string => {
  const cm = find(r, 'ConfigMap', name);
  if (!cm) throw new Error(`${r.env.name}: ConfigMap ${name} not rendered`);
  return cm.data[file];
};
interface Datasource { name: string; type: string; uid: string; url: string; jsonData: Obj }
const datasources = (r: RenderedEnvironment): Datasource[] => parse(configMapFile(r, 'grafana-datasources', 'datasources.yaml')).datasources;
const pushUrl = crossClusterUrl(spec, 'mimir', 'global', '/api/v1/push');
const queryUrl = crossClusterUrl(spec, 'mimir', 'global', '/prometheus');

describe('generated from the list of regions', () => {
  test('one regional environment per region plus one global environment, all in ENVIRONMENTS', () => {
    expect(regionalInputs.map((e) => e.name)).toEqual(PRODUCTION_REGIONS.map((r) => `production-${r.region}`));
    expect(globalInput.name).toBe('production-global');
    expect(generated).toHaveLength(PRODUCTION_REGIONS.length + 1);
    const names = ENVIRONMENTS.map((e) => e.name);
    for (const e of generated) expect(names).toContain(e.name);
    // dev, staging and production stay as they are.
    for (const name of ['dev', 'staging', 'production']) expect(names).toContain(name);
    expect(ENVIRONMENTS.find((e) => e.name === 'production')?.multiRegion).toBeUndefined();
  });

  test('every region gets its own cluster, buckets, Kafka topics and S3 endpoint, and the global one lists every region', () => {
    const clusters = generated.map((e) => e.cluster.name);
    const buckets = generated.flatMap((e) => Object.values(e.storage.buckets ?? {}));
    const topics = generated.flatMap((e) => [e.kafka?.mimirTopic, e.kafka?.tempoTopic]);
    const projects = generated.map((e) => e.argocd.project);
    for (const list of [clusters, buckets, topics, projects]) expect(new Set(list).size).toBe(list.length);
    for (const [i, r] of PRODUCTION_REGIONS.entries()) {
      const e = regionalInputs[i];
      expect(e.cluster).toEqual({ name: `mop-production-${r.region}`, region: r.region, zones: r.zones });
      expect(e.storage.s3).toEqual({ endpoint: `s3.${r.region}.amazonaws.com`, region: r.region });
      expect(Object.values(e.storage.buckets ?? {}).every((b) => b.includes(`production-${r.region}-`))).toBe(true);
    }
    expect(globalInput.multiRegion).toEqual({
      role: 'global',
      regions: PRODUCTION_REGIONS.map((r, i) => ({
        name: r.region,
        tempoQueryUrl: `https://tempo.${r.region}.${spec.domain}`,
        lokiQueryUrl: `https://loki.${r.region}.${spec.domain}`,
        // The global cluster's own logs go to the first region's Loki.
        ...(i === 0 ? { lokiPushUrl: `https://loki.${r.region}.${spec.domain}/loki/api/v1/push` } : {}),
      })),
    });
  });

  test('adding a region is one line: one more environment and one more Tempo + Loki datasource pair in the global Grafana', () => {
    const more = { ...spec, regions: [...spec.regions, { region: 'ap-southeast-2', zones: ['ap-southeast-2a', 'ap-southeast-2b', 'ap-southeast-2c'] }] };
    const envs = multiRegionEnvironments(production, more);
    expect(envs.map((e) => e.name)).toEqual([...generated.map((e) => e.name).slice(0, -1), 'production-ap-southeast-2', 'production-global']);
    const newRegion = render(envs.find((e) => e.name === 'production-ap-southeast-2') as EnvironmentInput);
    expect([...newRegion.objects.keys()].sort()).toEqual([...regional[0].objects.keys()].sort());
    const before = datasources(global);
    const after = datasources(render(envs[envs.length - 1]));
    const added = after.filter((d) => !before.some((b) => b.uid === d.uid));
    expect(added.map((d) => [d.type, d.uid, d.url])).toEqual([
      ['tempo', 'mop-tempo-ap-southeast-2', 'https://tempo.ap-southeast-2.mop.example.com'],
      ['loki', 'mop-loki-ap-southeast-2', 'https://loki.ap-southeast-2.mop.example.com'],
    ]);
    expect(after.length).toBe(before.length + 2);
  });
});

describe('which components run where', () => {
  test.each(regional.map((r) => [r.env.name, r] as const))('%s runs OBI, Alloy, Tempo and Loki and no Mimir or Grafana', (_, r) => {
    // The rollout-operator folder holds the operators of the Tempo and Loki namespaces (zone-aware stores).
    expect([...r.objects.keys()].sort()).toEqual(['alloy', 'argocd', 'loki', 'obi', 'platform', 'rollout-operator', 'rollouts', 'tempo']);
    const ns = r.env.namespaces;
    expect(all(r).filter((o) => o.metadata.namespace === ns.mimir || o.metadata.namespace === ns.grafana)).toEqual([]);
    const canary = r.env.experiments.canaryAnalysis ? [ns.canary] : [];
    expect(all(r).filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name).sort()).toEqual([ns.alloy, ns.alloyNode, ns.loki, ns.obi, ns.tempo, ...canary].sort());
    expect(all(r).some((o) => /mimir|grafana/.test(o.metadata.name) && o.kind !== 'NetworkPolicy')).toBe(false);
  });

  test('the global environment runs Mimir, Grafana and Alloy (which observes the global cluster itself)', () => {
    expect([...global.objects.keys()].sort()).toEqual(['alloy', 'argocd', 'grafana', 'mimir', 'platform', 'rollout-operator']);
    const ns = global.env.namespaces;
    expect(all(global).filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name).sort()).toEqual([ns.alloy, ns.alloyNode, ns.grafana, ns.mimir].sort());
    const elsewhere = [ns.tempo, ns.loki, ns.obi];
    expect(all(global).filter((o) => elsewhere.includes(o.metadata.namespace ?? ''))).toEqual([]);
    // The node agent and node-exporter on every node; no trace pipeline (no Tempo here).
    expect(all(global).filter((o) => o.kind === 'DaemonSet').map((o) => o.metadata.name).sort()).toEqual([NODE_AGENT_NAME, 'node-exporter']);
    expect(all(global).some((o) => o.metadata.name === GATEWAY_NAME)).toBe(false);
    // Argo CD may only deploy into the namespaces that exist here.
    const project = find(global, 'AppProject', globalInput.argocd.project) as Obj;
    expect(project.spec.destinations.map((d: Obj) => d.namespace).sort()).toEqual([ns.alloy, ns.alloyNode, ns.grafana, ns.mimir].sort());
  });

  test("the global cluster's Alloy writes metrics to its own Mimir and logs to the first region's Loki, which admits them", () => {
    const first = PRODUCTION_REGIONS[0].region;
    const pushUrl = `https://loki.${first}.${spec.domain}/loki/api/v1/push`;
    const node = configMapFile(global, `${NODE_AGENT_NAME}-config`, PATHS.configFile);
    expect(node).toMatch(new RegExp(`url\\s+= "${url(endpoints(global.env).mimirPush)}"`));
    expect(node).toMatch(new RegExp(`url\\s+= "${pushUrl}"`));
    expect(node).not.toContain('otelcol.receiver.otlp');
    const egress = flowPolicy(all(global), global.env.namespaces.alloyNode, 'egress', 'node-logs-to-loki');
    expect(egress?.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] }]);
    const region = regional.find((r) => r.env.cluster.region === first)!;
    const ingress = flowPolicy(all(region), region.env.namespaces.loki, 'ingress', 'global-alloy-logs-to-loki');
    expect(ingress?.spec.ingress?.[0].from).toEqual([{ namespaceSelector: { matchLabels: { [CROSS_REGION_ACCESS_LABEL]: 'true' } } }]);
  });
});

describe.each(regional.map((r) => [r.env.name, r] as const))('%s: metrics to the global Mimir, traces and logs local', (_, r) => {
  const region = r.env.cluster.region;
  const local = (service: string, namespace: string) => all(r).some((o) => o.kind === 'Service' && o.metadata.name === service && o.metadata.namespace === namespace);

  test('Alloy remote-writes to the global push URL with the region label; traces and logs go to this region', () => {
    const configs = [configMapFile(r, `${NODE_AGENT_NAME}-config`, PATHS.configFile), configMapFile(r, `${GATEWAY_NAME}-config`, PATHS.configFile)];
    for (const text of configs) {
      const rw = /prometheus\.remote_write "mimir" \{([\s\S]*?)\n\}/.exec(text)?.[1] ?? '';
      expect(rw).toMatch(new RegExp(`region\\s+= "${region}"`));
      expect(rw).toMatch(new RegExp(`cluster\\s+= "${r.env.cluster.name}"`));
      expect(rw).toMatch(new RegExp(`url\\s+= "${pushUrl}"`));
      expect(text).not.toContain('svc.cluster.local:8080');
    }
    const e = endpoints(r.env);
    const gateway = configs[1];
    expect(gateway).toContain(`endpoint      = "dns:///${hostPort(e.tempoOtlpGrpcPods)}"`);
    expect(local(e.tempoOtlpGrpcPods.service, e.tempoOtlpGrpcPods.namespace)).toBe(true);
    expect(configs[0]).toMatch(new RegExp(`url\\s+= "${url(e.lokiPush)}"`));
    expect(url(e.lokiPush)).toMatch(/\.svc\.cluster\.local:/);
    expect(local(e.lokiPush.service, e.lokiPush.namespace)).toBe(true);
  });

  test('canary analysis queries the global Mimir for this region only', () => {
    const templates = all(r).filter((o) => o.kind === 'ClusterAnalysisTemplate') as Obj[];
    expect(templates).toHaveLength(r.env.slos.length);
    for (const t of templates) {
      for (const m of t.spec.metrics) {
        expect(m.provider.prometheus.address).toBe(queryUrl);
        // Every series selector of the query carries the region matcher.
        const query: string = m.provider.prometheus.query;
        const selectors = query.match(/http_server_request_duration_seconds_(count|bucket)\{/g) ?? [];
        expect(selectors.length).toBeGreaterThan(0);
        expect(query.match(new RegExp(`region="${region}"`, 'g'))).toHaveLength(selectors.length);
      }
    }
  });

  test('network: egress to the global Mimir by port 443, ingress at the query-frontends from the cross-region ingress', () => {
    const n = r.env.namespaces;
    for (const [namespace, id] of [[n.alloyNode, 'node-metrics-to-mimir'], [n.alloy, 'gateway-metrics-to-mimir']]) {
      const p = flowPolicy(all(r), namespace, 'egress', id);
      expect(p?.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] }]);
    }
    for (const [namespace, id, component] of [[n.tempo, 'global-grafana-to-tempo', 'query-frontend'], [n.loki, 'global-grafana-to-loki', 'query-frontend']]) {
      const p = flowPolicy(all(r), namespace, 'ingress', id);
      expect(p?.spec.ingress?.[0].from).toEqual([{ namespaceSelector: { matchLabels: { [CROSS_REGION_ACCESS_LABEL]: 'true' } } }]);
      expect(p?.spec.podSelector.matchLabels['mop.dev/rollout-group']).toBe(`${namespace.replace(/^mop-/, '')}-${component}`);
    }
    expect(r.network.unresolved).toEqual([]);
  });
});

describe('the global environment', () => {
  const ds = datasources(global);
  const byUid = new Map(ds.map((d) => [d.uid, d]));
  const regions = PRODUCTION_REGIONS.map((r) => r.region);

  test('one Mimir, and a Tempo and a Loki datasource per region, each at that region’s URL', () => {
    expect(ds.filter((d) => d.type === 'prometheus').map((d) => d.url)).toEqual([url(endpoints(global.env).mimirQuery)]);
    expect(url(endpoints(global.env).mimirQuery)).toMatch(/\.svc\.cluster\.local:/);
    for (const region of regions) {
      const uids = regionDatasourceUids(region);
      expect(byUid.get(uids.tempo)).toMatchObject({ type: 'tempo', url: `https://tempo.${region}.${spec.domain}` });
      expect(byUid.get(uids.loki)).toMatchObject({ type: 'loki', url: `https://loki.${region}.${spec.domain}` });
    }
    expect(ds.filter((d) => d.type === 'tempo')).toHaveLength(regions.length + 1);
    expect(ds.filter((d) => d.type === 'loki')).toHaveLength(regions.length + 1);
    // The default UIDs the dashboards use point at the first region.
    expect(byUid.get(DATASOURCE_UIDS.tempo)?.url).toBe(byUid.get(regionDatasourceUids(regions[0]).tempo)?.url);
    expect(byUid.get(DATASOURCE_UIDS.loki)?.url).toBe(byUid.get(regionDatasourceUids(regions[0]).loki)?.url);
    expect(new Set(ds.map((d) => d.uid)).size).toBe(ds.length);
  });

  test('correlations stay within a region: traces to logs, logs to traces; exemplars link to every region', () => {
    for (const region of [...regions.map((r) => regionDatasourceUids(r)), { tempo: DATASOURCE_UIDS.tempo, loki: DATASOURCE_UIDS.loki }]) {
      const tempo = byUid.get(region.tempo) as Datasource;
      const loki = byUid.get(region.loki) as Datasource;
      expect(tempo.jsonData.tracesToLogsV2.datasourceUid).toBe(region.loki);
      expect(tempo.jsonData.lokiSearch.datasourceUid).toBe(region.loki);
      expect(tempo.jsonData.tracesToMetrics.datasourceUid).toBe(DATASOURCE_UIDS.mimir);
      expect(tempo.jsonData.serviceMap.datasourceUid).toBe(DATASOURCE_UIDS.mimir);
      expect(loki.jsonData.derivedFields.map((f: Obj) => f.datasourceUid)).toEqual([region.tempo]);
    }
    const mimir = byUid.get(DATASOURCE_UIDS.mimir) as Datasource;
    expect(mimir.jsonData.exemplarTraceIdDestinations).toEqual(
      regions.map((r) => ({ name: 'trace_id', datasourceUid: regionDatasourceUids(r).tempo, urlDisplayLabel: `View trace in ${r}` })),
    );
  });

  test('the SLO rules evaluate every SLO per region', () => {
    const files = mimirRuleFiles(global.env);
    expect(Object.keys(files).filter((f) => f.startsWith('slo-'))).toHaveLength(globalInput.slos.length);
    for (const [file, text] of Object.entries(files).filter(([f]) => f.startsWith('slo-'))) {
      const records = parse(text).groups.flatMap((g: Obj) => g.rules).filter((x: Obj) => x.record?.startsWith('slo:http_'));
      expect({ file, records: records.length }).toEqual({ file, records: expect.any(Number) });
      for (const rule of records) expect(rule.expr).toContain('sum by (cluster, region, ');
    }
  });

  test('network: the regions reach the Mimir distributor and query-frontend through the cross-region ingress; Grafana reaches each region on 443', () => {
    const n = global.env.namespaces;
    const push = flowPolicy(all(global), n.mimir, 'ingress', 'regions-metrics-to-mimir');
    expect(push?.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { [CROSS_REGION_ACCESS_LABEL]: 'true' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
    expect(push?.spec.podSelector.matchLabels['mop.dev/rollout-group']).toBe('mimir-distributor');
    const query = flowPolicy(all(global), n.mimir, 'ingress', 'regions-queries-to-mimir');
    expect(query?.spec.podSelector.matchLabels['mop.dev/rollout-group']).toBe('mimir-query-frontend');
    for (const region of regions) {
      for (const store of ['tempo', 'loki']) {
        const p = flowPolicy(all(global), n.grafana, 'egress', `grafana-to-${store}-${region}`);
        expect(p?.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] }]);
      }
    }
    expect(global.network.unresolved).toEqual([]);
  });
});

describe('validation', () => {
  const reject = (input: EnvironmentInput, message: RegExp) => {
    expect(() => loadEnvironment(input)).toThrow(EnvironmentConfigError);
    expect(() => loadEnvironment(input)).toThrow(message);
  };
  const base = regionalInputs[0];

  test('a regional environment refuses experiments that render in the global one, and non-https URLs', () => {
    reject({ ...base, experiments: { ...base.experiments, serviceDependencyGraph: true } }, /experiments\.serviceDependencyGraph: got true; must be false in a multi-region regional environment/);
    reject({ ...base, multiRegion: { role: 'regional', globalMimir: { pushUrl: 'http://mimir.example.com/api/v1/push', queryUrl } } }, /multiRegion\.globalMimir\.pushUrl: got "http:\/\/mimir.example.com\/api\/v1\/push"; must be an https:\/\/ URL/);
    reject({ ...base, multiRegion: { role: 'regional', globalMimir: { pushUrl } } } as unknown as EnvironmentInput, /multiRegion\.globalMimir\.queryUrl: missing; must be a string/);
  });

  test('a global environment refuses repeated regions and regional experiments', () => {
    const g = globalInput.multiRegion as Extract<EnvironmentInput['multiRegion'], { role: 'global' }>;
    reject({ ...globalInput, multiRegion: { role: 'global', regions: [g.regions[0], g.regions[0]] } }, /multiRegion\.regions\.1\.name: got "eu-west-1"; must not repeat a region/);
    reject({ ...globalInput, multiRegion: { role: 'global', regions: [] } }, /multiRegion\.regions: got \[\]; must be a list of regions/);
    reject({ ...globalInput, experiments: { ...globalInput.experiments, canaryAnalysis: true } }, /experiments\.canaryAnalysis: got true; must be false in a multi-region global environment/);
    reject({ ...globalInput, multiRegion: { role: 'both' } } as unknown as EnvironmentInput, /multiRegion\.role: got "both"; must be \{ role: "regional", globalMimir \} or \{ role: "global", regions \}/);
  });
});
