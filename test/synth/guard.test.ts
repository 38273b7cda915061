import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EnvironmentInput, loadEnvironment } from '../../environments';
import { production } from '../../environments/production';
import { staging } from '../../environments/staging';
import { outputFiles, renderEnvironment } from '../../constructs/render';
import { synth } from '../../main';
import { DestructiveChangeError, destructiveChanges } from '../../scripts/synth/guard';
import { snapshotTree } from '../support/tree';

/**
 * Changes that lose data or availability are refused before dist/ is replaced (issue #14, point 5), with the
 * procedure to follow; `allowDestructive` accepts them.
 */

const edit = (base: EnvironmentInput, change: (e: any) => void): EnvironmentInput => {
  const copy = structuredClone(base);
  change(copy);
  return copy;
};

describe('synth refuses destructive changes and leaves dist/ as it was', () => {
  let outdir: string;
  let before: Record<string, string>;
  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mop-guard-'));
    synth({ outdir, environments: [production, staging] });
    before = snapshotTree(outdir);
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  const refused = (environments: EnvironmentInput[]): DestructiveChangeError => {
    let error: unknown;
    try {
      synth({ outdir, environments });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DestructiveChangeError);
    expect(snapshotTree(outdir)).toEqual(before);
    return error as DestructiveChangeError;
  };

  test('fewer Mimir ingesters per zone: refused, naming the partition downscale procedure', () => {
    const smaller = edit(production, (e) => (e.workload.activeSeries = 1_000_000));
    const ingesters = (env: EnvironmentInput) =>
      renderEnvironment(loadEnvironment(env)).objects.get('mimir')!.find((o) => o.metadata.name === 'mimir-ingester-zone-a')!.spec as { replicas: number };
    expect(ingesters(smaller).replicas).toBeLessThan(ingesters(production).replicas);
    const error = refused([smaller, staging]);
    expect(error.message).toMatch(/environment "production": mimir StatefulSet mop-mimir\/mimir-ingester-zone-a: replicas \d+ → \d+: .*prepare-partition-downscale/);
    expect(error.message).toMatch(/^refusing \d+ changes? that lose data or availability \(dist\/ is unchanged\):/);
  });

  test('a zone removed (its StatefulSets go): refused', () => {
    const oneZone = edit(staging, (e) => (e.cluster.zones = ['eu-west-1a']));
    expect(refused([production, oneZone]).message).toMatch(/environment "staging": loki StatefulSet mop-loki\/loki-ingester-zone-b: replicas 1 → 0 \(removed\): .*flush/);
  });

  test('a retention shortened: refused; lengthened: accepted', () => {
    expect(refused([edit(production, (e) => (e.retention.logs = '30d')), staging]).message).toMatch(/retention.logs: 90d → 30d: the compactor deletes logs older than 30d/);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mop-guard-longer-'));
    try {
      fs.cpSync(outdir, out, { recursive: true });
      expect(() => synth({ outdir: out, environments: [edit(production, (e) => (e.retention.logs = '120d')), staging] })).not.toThrow();
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  test('a bucket changed: refused', () => {
    expect(refused([edit(production, (e) => (e.storage.buckets.tempoTraces = 'example-mop-production-traces-v2')), staging]).message).toMatch(
      /storage.buckets.tempoTraces: "example-mop-production-tempo-traces" → "example-mop-production-traces-v2": the store starts empty/,
    );
  });

  test('the storage endpoint changed: refused', () => {
    expect(refused([edit(production, (e) => (e.storage.s3.endpoint = 'minio.minio.svc:9000')), staging]).message).toMatch(/storage: backend or endpoint changed/);
  });

  test('the tenant changed: refused', () => {
    expect(refused([edit(production, (e) => (e.tenant = 'prod')), staging]).message).toMatch(/tenant: "production" → "prod": .*disappears from Grafana/);
  });

  test('a Kafka topic changed: refused', () => {
    expect(refused([edit(staging, (e) => (e.kafka.tempoTopic = 'mop-staging-tempo-v2')), production]).message).toMatch(/kafka.tempoTopic: "mop-staging-tempo-ingest" → "mop-staging-tempo-v2"/);
  });

  test('an environment removed: refused', () => {
    expect(refused([production]).message).toMatch(/environment "staging": environment removed: Argo CD prunes/);
  });

  test('several at once are all listed, one line each', () => {
    const error = refused([edit(production, (e) => { e.tenant = 'prod'; e.retention.metrics = '200d'; }), staging]);
    expect(error.changes.map((c) => c.what)).toEqual(expect.arrayContaining(['tenant: "production" → "prod"', 'retention.metrics: 400d → 200d']));
  });

  test('with allowDestructive the change goes through and is reported', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mop-guard-allow-'));
    try {
      fs.cpSync(outdir, out, { recursive: true });
      const report = synth({ outdir: out, environments: [edit(production, (e) => (e.tenant = 'prod')), staging], allowDestructive: true });
      expect(report.accepted.map((c) => c.what)).toEqual(['tenant: "production" → "prod"']);
      expect(fs.readFileSync(path.join(out, 'production', 'environment.json'), 'utf8')).toContain('"tenant": "prod"');
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  test('an ordinary change (more replicas, a new dashboard setting) is not refused', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mop-guard-ok-'));
    try {
      fs.cpSync(outdir, out, { recursive: true });
      const report = synth({ outdir: out, environments: [edit(production, (e) => (e.workload.activeSeries = 6_000_000)), staging] });
      expect(report.accepted).toEqual([]);
      expect(report.results.find((r) => r.env.name === 'production')!.diff.changed.length).toBeGreaterThan(0);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('Loki schema periods', () => {
  const files = outputFiles(renderEnvironment(loadEnvironment(production)));
  const lokiConfig = [...files.keys()].find((f) => /^loki\/configmap-.*config/.test(f))!;
  const withConfig = (change: (text: string) => string) => new Map([...files].map(([f, t]) => [f, f === lokiConfig ? change(t) : t]));
  const today = new Date('2026-12-01T12:00:00Z');

  test('the rendered config has a schema period to compare', () => {
    expect(files.get(lokiConfig)).toMatch(/schema_config:[\s\S]*from: "2026-01-01"[\s\S]*schema: v13/);
  });

  test('a changed period is refused', () => {
    const changed = destructiveChanges('production', files, withConfig((t) => t.replace('schema: v13', 'schema: v12')), today);
    expect(changed.map((c) => c.what)).toEqual(['loki schema_config.configs.0 (from 2026-01-01) changed']);
  });

  test('a new period must start after today', () => {
    const add = (from: string) =>
      withConfig((t) => t.replace(/( +)- from: "2026-01-01"\n((?:\1  .*\n)+)/, (m, indent: string, body: string) => `${m}${indent}- from: "${from}"\n${body}`));
    expect(destructiveChanges('production', files, add('2027-01-01'), today)).toEqual([]);
    expect(destructiveChanges('production', files, add('2026-11-01'), today).map((c) => c.what)).toEqual(['loki schema_config.configs.1 starts 2026-11-01']);
  });

  test('the same render is no change at all', () => {
    expect(destructiveChanges('production', files, files, today)).toEqual([]);
  });
});
