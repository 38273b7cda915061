import { EnvironmentInput } from '../../environments';
import { RenderedEnvironment } from '../../constructs/render';
import { STORES, inputOf, keyPaths, podSpec, render, runtimeConfig, storeConfig, workloads } from './helpers';
import { UPSTREAM_KEYS } from './upstream-keys';

const production = inputOf('production');
/** The committed environments plus the other object-storage backends and S3 options, so every branch renders. */
const variants: Record<string, EnvironmentInput> = {
  dev: inputOf('dev'),
  staging: inputOf('staging'),
  production,
  'production-gcs': { ...production, storage: { backend: 'gcs', buckets: production.storage.buckets, credentialsSecret: 'mop-object-storage' } },
  'production-azure': {
    ...production,
    storage: { backend: 'azure', azure: { accountName: 'mopstorage' }, buckets: production.storage.buckets, credentialsSecret: 'mop-object-storage' },
  },
  'production-minio-workload-identity': {
    ...production,
    storage: { backend: 's3', s3: { endpoint: 'minio.storage.svc:9000', region: 'us-east-1', insecure: true, forcePathStyle: true }, buckets: production.storage.buckets },
  },
  // Mimir with mutual TLS, a server name and an explicit SASL mechanism (Tempo keeps the SASL/PLAIN listener).
  'production-kafka-mtls': {
    ...production,
    kafka: {
      ...production.kafka!,
      saslMechanism: 'PLAIN',
      mimirTls: { address: 'kafka-bootstrap.kafka.svc:9094', caSecret: 'mop-kafka-ca', clientCertSecret: 'mop-kafka-client', serverName: 'kafka.example.com' },
    },
  },
};

const renders = new Map<string, RenderedEnvironment>();
const renderOf = (name: string) => {
  if (!renders.has(name)) renders.set(name, render(variants[name]));
  return renders.get(name)!;
};

describe.each(Object.keys(variants))('%s: store configs use only upstream keys of the pinned versions', (name) => {
  test.each(STORES)('%s config keys', (store) => {
    const { keys, opaque } = UPSTREAM_KEYS[store];
    const used = keyPaths(storeConfig(renderOf(name), store).value, opaque);
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((k) => !keys.includes(k))).toEqual([]);
  });

  test.each(STORES)('%s command-line flags', (store) => {
    const flags = Object.keys(UPSTREAM_KEYS[store].flags);
    const used = new Set<string>();
    for (const w of workloads(renderOf(name), store)) for (const c of podSpec(w).containers) for (const a of c.args ?? []) used.add(a.split('=')[0]);
    expect(used.size).toBeGreaterThan(0);
    expect([...used].filter((f) => !flags.includes(f))).toEqual([]);
  });
});

describe.each(Object.keys(variants))('%s: runtime-config files use only upstream keys', (name) => {
  test.each(STORES)('%s runtime keys', (store) => {
    const r = renderOf(name);
    const tenant = r.env.tenant;
    const used = keyPaths(runtimeConfig(r, store)).map((k) => k.replace(new RegExp(`^overrides\\.${tenant.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=\\.|$)`), 'overrides.<tenant>'));
    expect(used).toContain('overrides.<tenant>');
    expect(used.filter((k) => !UPSTREAM_KEYS[store].runtimeKeys.includes(k))).toEqual([]);
  });
});

test('every listed key names its upstream source', () => {
  for (const store of STORES) {
    expect(UPSTREAM_KEYS[store].source.length).toBeGreaterThan(0);
    expect(UPSTREAM_KEYS[store].runtimeSource.length).toBeGreaterThan(0);
    expect(new Set(UPSTREAM_KEYS[store].keys).size).toBe(UPSTREAM_KEYS[store].keys.length);
  }
});
