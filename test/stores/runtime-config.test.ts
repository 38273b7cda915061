import { ENVIRONMENTS, EnvironmentInput } from '../../environments';
import { KubeObject, RenderedEnvironment } from '../../constructs/render';
import { STORES, StoreName, render, runtimeConfig, storeConfig } from './helpers';

type Obj = Record<string, any>;

function byId(r: RenderedEnvironment): Map<string, KubeObject> {
  const out = new Map<string, KubeObject>();
  for (const [folder, list] of r.objects) for (const o of list) out.set(`${folder}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o);
  return out;
}

/** Where each store's main config names its runtime file. */
const runtimePathOf: Record<StoreName, (cfg: Obj) => string> = {
  mimir: (c) => c.runtime_config.file,
  loki: (c) => c.runtime_config.file,
  tempo: (c) => c.overrides.per_tenant_override_config,
};

describe.each(ENVIRONMENTS.map((e) => [e.name, e] as const))('%s: runtime-config files', (_name, input: EnvironmentInput) => {
  const before = render(input);
  // Retention and per-tenant limits are what the runtime files hold; retention is an edit that touches nothing else.
  const edited: EnvironmentInput = { ...input, retention: { metrics: '91d', traces: '11d', logs: '13d' } };
  const after = render(edited);
  const stores = STORES.filter((s) => before.objects.has(s));

  test('an edit of the tenant limits changes only the <store>-runtime ConfigMaps, and no pod template', () => {
    const a = byId(before);
    const b = byId(after);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    const changed = [...a.keys()].filter((k) => JSON.stringify(a.get(k)) !== JSON.stringify(b.get(k))).sort();
    expect(changed).toEqual(stores.map((s) => `${s}/ConfigMap/${before.env.namespaces[s]}/${s}-runtime`).sort());
    for (const store of stores) {
      expect(JSON.stringify(runtimeConfig(after, store))).not.toEqual(JSON.stringify(runtimeConfig(before, store)));
    }
  });

  test.each(stores)('%s: every pod mounts the runtime file where the config names it; the config checksum leaves it out', (store) => {
    const cfg = storeConfig(before, store).value as Obj;
    const path = runtimePathOf[store](cfg);
    const runtime = (before.objects.get(store) ?? []).find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${store}-runtime`)!;
    const [file] = Object.keys(runtime.data as Obj);
    for (const w of (before.objects.get(store) ?? []).filter((o) => o.kind === 'StatefulSet' || o.kind === 'Deployment') as Obj[]) {
      const pod = w.spec.template;
      const volume = pod.spec.volumes.find((v: Obj) => v.configMap?.name === `${store}-runtime`);
      const mount = pod.spec.containers[0].volumeMounts.find((m: Obj) => m.name === volume.name);
      expect(`${mount.mountPath}/${file}`).toBe(path);
      expect(mount.readOnly).toBe(true);
      expect(Object.keys(pod.metadata.annotations ?? {}).filter((k) => k.includes('runtime'))).toEqual([]);
    }
  });

  test.each(stores)('%s: the tenant gets its limits from the workload profile', (store) => {
    const o = (runtimeConfig(before, store) as Obj).overrides[before.env.tenant];
    const w = before.env.workload;
    if (store === 'mimir') expect(o.max_global_series_per_user).toBe(Math.ceil(w.activeSeries * 1.5));
    if (store === 'loki') expect(o.ingestion_rate_mb).toBeGreaterThanOrEqual(4);
    if (store === 'tempo') {
      // No metrics-generator limits: MOP runs no metrics-generator (test/stores/tempo-components.test.ts).
      expect(o.metrics_generator).toBeUndefined();
      expect(o.ingestion.rate_limit_bytes).toBeGreaterThanOrEqual(30_000_000);
    }
  });
});
