import { endpoints } from '../../constructs/endpoints';
import { KubeObject } from '../../constructs/render';
import { STORES, StoreName, envOf, objectsOf, podSpec, rendered, replicasOf, runtimeConfig, storeConfig, workloads } from './helpers';

type Obj = Record<string, any>;

for (const name of ['staging', 'production']) {
  describe(`${name}: distributed stores`, () => {
    const r = rendered(name);
    const env = envOf(name);
    const cfg = (s: StoreName) => storeConfig(r, s).value as Obj;
    const runtime = (s: StoreName) => runtimeConfig(r, s) as Obj;
    const byName = (s: StoreName, kind: string, n: string) => objectsOf(r, s).find((o) => o.kind === kind && o.metadata.name === n);

    test('replication factor 3 and zone awareness in every ring that replicates', () => {
      expect(env.replicationFactor).toBe(3);
      const m = cfg('mimir');
      expect(m.ingester.ring).toEqual({ replication_factor: 3, zone_awareness_enabled: true });
      expect(m.store_gateway.sharding_ring).toMatchObject({ replication_factor: 3, zone_awareness_enabled: true });
      expect(m.alertmanager.sharding_ring.replication_factor).toBe(3);
      const l = cfg('loki');
      expect(l.common.replication_factor).toBe(3);
      expect(l.common.ring.zone_awareness_enabled).toBe(true);
    });

    test.each([
      ['mimir', 'ingester', '-ingester.ring.instance-availability-zone', 3],
      ['mimir', 'store-gateway', '-store-gateway.sharding-ring.instance-availability-zone', 3],
      ['loki', 'ingester', '-ingester.availability-zone', 3],
      ['tempo', 'live-store', '-live-store.instance-availability-zone', 2],
    ] as const)('%s %s: one StatefulSet per zone, pinned to a distinct cluster zone', (store, component, flag, count) => {
      const sets = workloads(r, store).filter((o) => o.metadata.name.startsWith(`${store}-${component}-zone-`));
      expect(sets.map((o) => o.metadata.name).sort()).toEqual(['a', 'b', 'c'].slice(0, count).map((z) => `${store}-${component}-zone-${z}`));
      const pinned = sets.map((o) => {
        const spec = podSpec(o) as any;
        const zone = o.metadata.name.slice(-6);
        expect(spec.containers[0].args).toContain(`${flag}=${zone}`);
        expect(replicasOf(o)).toBeGreaterThanOrEqual(1);
        return spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0];
      });
      expect(pinned.every((e) => e.key === 'topology.kubernetes.io/zone')).toBe(true);
      expect(new Set(pinned.map((e) => e.values[0])).size).toBe(count);
      expect(pinned.every((e) => env.cluster.zones.includes(e.values[0]))).toBe(true);
    });

    test('at least three ingesters over three zones for Mimir and Loki', () => {
      for (const store of ['mimir', 'loki'] as const) {
        const total = workloads(r, store).filter((o) => o.metadata.name.startsWith(`${store}-ingester-zone-`)).reduce((n, o) => n + replicasOf(o), 0);
        expect(total).toBeGreaterThanOrEqual(3);
      }
    });

    test('every stateful or multi-replica component is covered by a PodDisruptionBudget with maxUnavailable 1', () => {
      for (const store of STORES) {
        const pdbs = objectsOf(r, store).filter((o) => o.kind === 'PodDisruptionBudget');
        const groups = new Map<string, KubeObject[]>();
        for (const w of workloads(r, store)) {
          const group = (w.spec as any).template.metadata.labels['mop.dev/rollout-group'];
          groups.set(group, [...(groups.get(group) ?? []), w]);
        }
        for (const [group, members] of groups) {
          const total = members.reduce((n, w) => n + replicasOf(w), 0);
          if (total <= 1) continue; // singletons (compactor, backend-scheduler) cannot keep a replica through a disruption
          const covering = pdbs.filter((p) => {
            const sel = (p.spec as any).selector.matchLabels as Record<string, string>;
            return members.every((w) => Object.entries(sel).every(([k, v]) => (w.spec as any).template.metadata.labels[k] === v));
          });
          expect({ group, pdbs: covering.length }).toEqual({ group, pdbs: 1 });
          expect((covering[0].spec as any).maxUnavailable).toBe(1);
        }
      }
    });

    test('upstream termination grace periods and /ready readiness on every container', () => {
      const grace = (s: StoreName, n: string) => podSpec(byName(s, 'StatefulSet', n)!).terminationGracePeriodSeconds;
      expect(grace('mimir', 'mimir-ingester-zone-a')).toBe(1200);
      expect(grace('tempo', 'tempo-live-store-zone-a')).toBe(1200);
      expect(grace('mimir', 'mimir-alertmanager')).toBe(900);
      expect(podSpec(byName('mimir', 'Deployment', 'mimir-ruler')!).terminationGracePeriodSeconds).toBe(600);
      expect(podSpec(byName('mimir', 'Deployment', 'mimir-distributor')!).terminationGracePeriodSeconds).toBe(100);
      for (const store of STORES) {
        for (const w of workloads(r, store)) {
          for (const c of podSpec(w).containers as any[]) {
            expect({ w: w.metadata.name, path: c.readinessProbe.httpGet.path, port: c.readinessProbe.httpGet.port }).toEqual({ w: w.metadata.name, path: '/ready', port: 'http-metrics' });
          }
        }
      }
    });

    test('object storage only: no filesystem or local trace/chunk/block storage', () => {
      const m = cfg('mimir');
      expect(m.blocks_storage.backend).toBe('s3');
      expect(m.alertmanager_storage.backend).toBe('s3');
      expect(m.blocks_storage.s3.bucket_name).toBe(env.storage.buckets!.mimirBlocks);
      expect(m.alertmanager_storage.s3.bucket_name).toBe(env.storage.buckets!.mimirAlertmanager);
      expect(m.blocks_storage.s3.bucket_name).not.toBe(m.alertmanager_storage.s3.bucket_name);
      expect(cfg('tempo').storage.trace.backend).toBe('s3');
      expect(cfg('tempo').storage.trace.s3.bucket).toBe(env.storage.buckets!.tempoTraces);
      const l = cfg('loki');
      expect(l.schema_config.configs.map((c: Obj) => c.object_store)).toEqual(['s3']);
      expect(l.common.storage.s3.bucketnames).toBe(env.storage.buckets!.lokiChunks);
      // The only `local` backend is Mimir's read-only ruler storage: GitOps rule files from a ConfigMap.
      expect(m.ruler_storage).toEqual({ backend: 'local', local: { directory: '/etc/mimir-rules' } });
      for (const store of STORES) expect(storeConfig(r, store).text).not.toMatch(/filesystem/);
    });

    test('credentials come only from Secrets: envFrom for object storage, secretKeyRef for Kafka SASL', () => {
      for (const store of STORES) {
        for (const w of workloads(r, store)) {
          const c = podSpec(w).containers[0] as any;
          expect(c.envFrom).toEqual([{ secretRef: { name: env.storage.credentialsSecret } }]);
          for (const e of c.env ?? []) if (/KEY|SECRET|PASSWORD|USERNAME|TOKEN/.test(e.name)) expect(e.valueFrom?.secretKeyRef?.name).toBeDefined();
          expect(c.args).toContain('-config.expand-env=true');
        }
      }
      expect(cfg('mimir').common.storage.s3.secret_access_key).toBe('${AWS_SECRET_ACCESS_KEY}');
      expect(cfg('tempo').storage.trace.s3.secret_key).toBe('${AWS_SECRET_ACCESS_KEY}');
      expect(cfg('loki').common.storage.s3.secret_access_key).toBe('${AWS_SECRET_ACCESS_KEY}');
    });

    test('memberlist: one headless gossip Service per store on 7946 and a distinct cluster_label', () => {
      const labels = new Set<string>();
      for (const store of STORES) {
        const svc = byName(store, 'Service', `${store}-gossip-ring`)!;
        expect((svc.spec as any).clusterIP).toBe('None');
        expect((svc.spec as any).publishNotReadyAddresses).toBe(true);
        expect((svc.spec as any).ports.map((p: Obj) => p.port)).toEqual([7946]);
        const ml = cfg(store).memberlist;
        expect(ml.join_members).toEqual([`dns+${store}-gossip-ring.${env.namespaces[store]}.svc.cluster.local:7946`]);
        labels.add(ml.cluster_label);
      }
      expect(labels.size).toBe(3);
    });

    test('Kafka from the environment: address, topics and partitions; Mimir ingest storage and ruler remote evaluation', () => {
      const m = cfg('mimir');
      expect(m.ingest_storage.enabled).toBe(true);
      expect(m.ingest_storage.kafka).toMatchObject({ address: env.kafka!.mimirTls?.address ?? env.kafka!.address, topic: env.kafka!.mimirTopic });
      expect(m.ruler.query_frontend.address).toMatch(/^dns:\/\/\/mimir-ruler-query-frontend-headless\./);
      const args = (n: string) => (podSpec(byName('mimir', 'Deployment', n)!).containers[0].args ?? []).join(' ');
      expect(args('mimir-ruler-query-frontend')).toMatch(/-query-frontend.scheduler-address=mimir-ruler-query-scheduler-headless\./);
      expect(args('mimir-ruler-querier')).toMatch(/-querier.scheduler-address=mimir-ruler-query-scheduler-headless\./);
      expect(cfg('tempo').ingest.kafka).toMatchObject({ address: env.kafka!.address, topic: env.kafka!.tempoTopic });
      const perZone = replicasOf(byName('mimir', 'StatefulSet', 'mimir-ingester-zone-a')!);
      expect(perZone).toBeLessThanOrEqual(env.kafka!.partitions);
      expect(replicasOf(byName('tempo', 'StatefulSet', 'tempo-block-builder')!)).toBe(replicasOf(byName('tempo', 'StatefulSet', 'tempo-live-store-zone-a')!));
    });

    test('Services the rest of the platform uses exist with the names and ports of endpoints.ts', () => {
      const e = endpoints(env);
      for (const [store, ep] of [
        ['mimir', e.mimirPush], ['mimir', e.mimirQuery], ['mimir', e.mimirAlertmanager], ['tempo', e.tempoOtlpGrpc],
        ['tempo', e.tempoQuery], ['loki', e.lokiPush], ['loki', e.lokiQuery],
      ] as const) {
        const svc = byName(store, 'Service', ep.service);
        expect(svc?.metadata.namespace).toBe(ep.namespace);
        expect((svc!.spec as any).ports).toContainEqual(expect.objectContaining({ name: ep.portName, port: ep.port }));
      }
    });

    test('tenancy on; Mimir accepts the exemplars of the span metrics', () => {
      expect(cfg('mimir').multitenancy_enabled).toBe(true);
      expect(cfg('loki').auth_enabled).toBe(true);
      expect(cfg('tempo').multitenancy_enabled).toBe(true);
      expect(runtime('mimir').overrides[env.tenant].max_global_exemplars_per_user).toBeGreaterThan(0);
    });

    test('retention from the environment, per tenant in the runtime-config files', () => {
      expect(runtime('mimir').overrides[env.tenant].compactor_blocks_retention_period).toBe(env.retention.metrics);
      expect(runtime('loki').overrides[env.tenant].retention_period).toBe(env.retention.logs);
      expect(cfg('loki').compactor.retention_enabled).toBe(true);
      expect(runtime('tempo').overrides[env.tenant].compaction.block_retention).toMatch(/^[0-9]+h$/);
    });
  });
}

describe('no plaintext credential anywhere in the rendered output', () => {
  const SENSITIVE_KEY = /(secret|password|passwd|access_key|account_key|session_token|api_key|token)[a-z_]*$/i;
  for (const name of ['dev', 'staging', 'production']) {
    test(name, () => {
      const r = rendered(name);
      const offenders: string[] = [];
      for (const [file, text] of r.files) {
        if (/AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) offenders.push(`${file}: key material`);
        // The value on the key's own line (a key whose value is a map, such as a `secret:` volume source, has none).
        for (const m of text.matchAll(/^[ \t]*([A-Za-z0-9_]+):[ \t]*(\S.*)$/gm)) {
          const [, key, value] = m;
          if (!SENSITIVE_KEY.test(key)) continue;
          // References, not values: the name of an operator-provided Secret, and Alertmanager `*_file` paths into its mount.
          if (key === 'secretName' || (key.endsWith('_file') && /^\/etc\/mimir-alerting\//.test(value))) continue;
          if (/^["']?\$\{[A-Z0-9_]+\}["']?$/.test(value) || /^(true|false|[0-9]+|\||""|\[\]|\{\})$/.test(value)) continue;
          // A Secret referenced by name (a volume), or a file location (the ring tokens file): not credentials.
          if (key === 'secretName') continue;
          if (/_path$/.test(key) && /^\/[A-Za-z0-9._\/-]+$/.test(value)) continue;
          offenders.push(`${file}: ${key}`);
        }
      }
      expect(offenders).toEqual([]);
    });
  }
});
