import { formatCpu, formatMemory } from '../../constructs/base';
import { requestTotals } from '../../constructs/summary';
import { STORES, envOf, objectsOf, podSpec, rendered, replicasOf, storeConfig, workloads } from './helpers';

type Obj = Record<string, any>;
const r = rendered('dev');
const env = envOf('dev');
const cfg = (s: (typeof STORES)[number]) => storeConfig(r, s).value as Obj;

describe('dev: single-process stores on local disk', () => {
  test.each([
    ['mimir', '-target=all,alertmanager'],
    ['tempo', '-target=all'],
    ['loki', '-target=all'],
  ] as const)('%s: one StatefulSet with a PVC, %s, /ready readiness', (store, target) => {
    const ws = workloads(r, store);
    expect(ws.map((w) => `${w.kind}/${w.metadata.name}`)).toEqual([`StatefulSet/${store}`]);
    expect(replicasOf(ws[0])).toBe(1);
    expect((ws[0].spec as any).volumeClaimTemplates.map((v: Obj) => v.metadata.name)).toEqual(['data']);
    const c = podSpec(ws[0]).containers[0] as any;
    expect(c.args[0]).toBe(target);
    expect(c.readinessProbe.httpGet.path).toBe('/ready');
    expect(c.envFrom).toBeUndefined();
    // The Service other components use (storeServices(env): mimir, tempo, loki).
    expect(objectsOf(r, store).some((o) => o.kind === 'Service' && o.metadata.name === store)).toBe(true);
  });

  test('replication factor 1 on local storage; Loki on tsdb schema v13', () => {
    expect(cfg('mimir').ingester.ring.replication_factor).toBe(1);
    expect(cfg('mimir').blocks_storage.backend).toBe('filesystem');
    expect(cfg('mimir').ingest_storage).toBeUndefined();
    expect(cfg('tempo').storage.trace.backend).toBe('local');
    expect(cfg('tempo').ingest).toBeUndefined();
    const l = cfg('loki');
    expect(l.common.replication_factor).toBe(1);
    expect(l.schema_config.configs).toEqual([expect.objectContaining({ store: 'tsdb', object_store: 'filesystem', schema: 'v13' })]);
  });

  test('multitenancy on in all three stores', () => {
    expect(cfg('mimir').multitenancy_enabled).toBe(true);
    expect(cfg('tempo').multitenancy_enabled).toBe(true);
    expect(cfg('loki').auth_enabled).toBe(true);
  });

  test('Mimir ruler loads the SLO rule files from the mimir-rules ConfigMap under the tenant directory', () => {
    const rules = objectsOf(r, 'mimir').find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'mimir-rules')!;
    const vol = (podSpec(workloads(r, 'mimir')[0]) as any).volumes.find((v: Obj) => v.configMap?.name === 'mimir-rules');
    const files = Object.keys((rules.data as Obj) ?? {}).sort();
    expect((vol.configMap.items ?? []).map((i: Obj) => i.path)).toEqual(files.map((f) => `${env.tenant}/${f}`));
    expect(cfg('mimir').ruler_storage.local.directory).toBe('/etc/mimir-rules');
  });
});

describe('dev fits a laptop kind cluster', () => {
  test('the three stores request at most 1 CPU and 2 GiB', () => {
    const t = requestTotals(STORES.flatMap((s) => objectsOf(r, s)));
    expect({ cpu: formatCpu(t.cpu), memory: formatMemory(t.memory), fits: t.cpu <= 1 && t.memory <= 2 * 1024 ** 3 }).toEqual(
      expect.objectContaining({ fits: true }),
    );
  });

  test('the whole dev platform (OBI, Alloy, Grafana included) requests at most 2 CPU and 4 GiB', () => {
    const t = requestTotals([...r.objects.values()].flat());
    expect({ cpu: formatCpu(t.cpu), memory: formatMemory(t.memory), fits: t.cpu <= 2 && t.memory <= 4 * 1024 ** 3 }).toEqual(
      expect.objectContaining({ fits: true }),
    );
  });
});
