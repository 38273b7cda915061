import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EnvironmentConfigError, EnvironmentInput, loadEnvironment } from '../../environments';
import { dev } from '../../environments/dev';
import { production } from '../../environments/production';
import { staging } from '../../environments/staging';
import { PRODUCTION_MULTI_REGION_ENVIRONMENTS } from '../../environments/multi-region';
import { synth } from '../../main';
import * as render from '../../constructs/render';
import { BackgroundFileWriter } from '../../constructs/base/file-writer';
import { PROJECT_ROOT } from '../support/paths';

/** A deep copy of a valid environment with one deliberate mistake; `any` because the mistakes are ill-typed on purpose. */
function variant(base: EnvironmentInput, change: (e: any) => void): EnvironmentInput {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

const globalEnv = PRODUCTION_MULTI_REGION_ENVIRONMENTS.find((e) => e.multiRegion?.role === 'global') as EnvironmentInput;

/** [description, config, environment in message, field in message, what the message must say is allowed]. */
const CASES: [string, EnvironmentInput, string, string, RegExp][] = [
  ['unknown top-level field', variant(dev, (e) => (e.replicas = 3)), 'dev', 'replicas', /not a known field/],
  ['upper-case name', variant(dev, (e) => (e.name = 'Dev')), 'Dev', 'name', /DNS label/],
  ['unknown tier', variant(dev, (e) => (e.tier = 'qa')), 'dev', 'tier', /one of dev, staging, production/],
  ['production with two zones', variant(production, (e) => (e.cluster.zones = ['a', 'b'])), 'production', 'cluster.zones', /exactly 3 zones/],
  ['repeated zone', variant(staging, (e) => (e.cluster.zones = ['a', 'a', 'b'])), 'staging', 'cluster.zones', /must not repeat/],
  ['staging on filesystem storage', variant(staging, (e) => (e.storage = { backend: 'filesystem' })), 'staging', 'storage.backend', /filesystem is only allowed in dev/],
  ['production without buckets', variant(production, (e) => delete e.storage.buckets), 'production', 'storage.buckets', /needs bucket names/],
  ['one bucket shared by two stores', variant(production, (e) => (e.storage.buckets.mimirRuler = e.storage.buckets.mimirBlocks)), 'production', 'storage.buckets', /distinct buckets/],
  ['invalid bucket name', variant(staging, (e) => (e.storage.buckets.tempoTraces = 'Tempo_Traces')), 'staging', 'storage.buckets.tempoTraces', /bucket name/],
  ['unknown storage backend', variant(staging, (e) => (e.storage.backend = 'minio')), 'staging', 'storage.backend', /one of filesystem, s3, gcs, azure/],
  ['S3 without endpoint', variant(staging, (e) => delete e.storage.s3.endpoint), 'staging', 'storage.s3.endpoint', /host\[:port\]/],
  ['distributed stores without Kafka', variant(staging, (e) => delete e.kafka), 'staging', 'kafka', /existing Kafka/],
  ['Kafka address without port', variant(production, (e) => (e.kafka.address = 'kafka')), 'production', 'kafka.address', /host:port/],
  ['Kafka TLS, which the pinned Tempo cannot use', variant(production, (e) => (e.kafka.tlsSecret = 'kafka-ca')), 'production', 'kafka.tlsSecret', /not supported: the pinned Tempo \(3\.0\.3\) has no Kafka TLS/],
  ['monolithic Mimir in production', variant(production, (e) => (e.stores.mimir = 'monolithic')), 'production', 'stores.mimir', /must be distributed/],
  ['retention without unit', variant(dev, (e) => (e.retention.logs = '30')), 'dev', 'retention.logs', /duration such as 15d/],
  ['tenant with a space', variant(dev, (e) => (e.tenant = 'team a')), 'dev', 'tenant', /tenant ID/],
  ['negative active series', variant(staging, (e) => (e.workload.activeSeries = -5)), 'staging', 'workload.activeSeries', /between 1 and/],
  ['ratio sampler without ratio', variant(dev, (e) => (e.instrumentation.sampler = { name: 'traceidratio' })), 'dev', 'instrumentation.sampler.arg', /ratio between 0 and 1/],
  ['instrumenting a platform namespace', variant(dev, (e) => (e.instrumentation.namespaces = ['mop-mimir'])), 'dev', 'instrumentation.namespaces', /platform's own namespace/],
  ['baseline above 100 %', variant(staging, (e) => (e.tailSampling.baselinePercent = 150)), 'staging', 'tailSampling.baselinePercent', /between 0 and 100/],
  ['SLO objective of 100 %', variant(production, (e) => (e.slos[0].objectivePercent = 100)), 'production', 'slos.0.objectivePercent', /between 50 and 99.999/],
  ['SLO latency threshold between histogram buckets', variant(staging, (e) => (e.slos[0].latencyThresholdMs = 400)), 'staging', 'slos.0.latencyThresholdMs', /bucket boundary of OBI's request-duration histogram \(5, 10, 25/],
  ['two SLOs for one service', variant(production, (e) => e.slos.push({ ...e.slos[0] })), 'production', 'slos.3.service', /one SLO per service/],
  ['anonymous Admin in production', variant(production, (e) => (e.grafana.anonymousRole = 'Admin')), 'production', 'grafana.anonymousRole', /must be Viewer in production/],
  ['non-https repo URL', variant(dev, (e) => (e.argocd.repoURL = 'ftp://example.org/repo')), 'dev', 'argocd.repoURL', /Git URL/],
  ['Argo CD in a MOP namespace', variant(dev, (e) => (e.argocd.namespace = 'mop-grafana')), 'dev', 'argocd.namespace', /must not be one of MOP's own namespaces/],
  ['unknown collection feature', variant(staging, (e) => (e.collection = { tracing: true })), 'staging', 'collection.tracing', /not a known field \(allowed: kubelet, kubeStateMetrics/],
  ['collection feature that is not a boolean', variant(dev, (e) => (e.collection = { podLogs: 'yes' })), 'dev', 'collection.podLogs', /must be true or false/],
  ['application observability without a Tempo', variant(globalEnv, (e) => (e.collection.applicationObservability = true)), 'production-global', 'collection.applicationObservability', /must be false in a multi-region global environment/],
  ['global logs without a region Loki to write to', variant(globalEnv, (e) => delete e.multiRegion.regions[0].lokiPushUrl), 'production-global', 'collection.podLogs', /set multiRegion\.regions\.0\.lokiPushUrl or switch it off/],
  ['a Loki push URL on a second region', variant(globalEnv, (e) => (e.multiRegion.regions[1].lokiPushUrl = 'https://loki.us-east-1.mop.example.com/loki/api/v1/push')), 'production-global', 'multiRegion.regions.1.lokiPushUrl', /only read from the first region/],
  ['a plain-http Loki push URL', variant(globalEnv, (e) => (e.multiRegion.regions[0].lokiPushUrl = 'http://loki.example.com/loki/api/v1/push')), 'production-global', 'multiRegion.regions.0.lokiPushUrl', /https:\/\/ URL/],
];

describe('invalid environment configurations are rejected with a one-line message', () => {
  test('there are at least 15 distinct cases', () => {
    expect(new Set(CASES.map((c) => c[3])).size).toBeGreaterThanOrEqual(15);
  });

  test.each(CASES)('%s', (_name, config, envName, field, allowed) => {
    let error: unknown;
    try {
      loadEnvironment(config);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvironmentConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message.startsWith(`environment "${envName}": ${field}: `)).toBe(true);
    expect(message).toMatch(allowed);
  });

  test('the shipped environments are valid', () => {
    for (const e of [dev, staging, production]) expect(() => loadEnvironment(e)).not.toThrow();
  });
});

function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('a failed synth leaves dist/ exactly as it was', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mop-dist-'));
    synth({ outdir, environments: [dev, staging] });
  });
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('an invalid second environment does not touch the first one already rendered', () => {
    const before = snapshotTree(outdir);
    const broken = variant(staging, (e) => (e.storage = { backend: 'filesystem' }));
    expect(() => synth({ outdir, environments: [dev, broken] })).toThrow(/environment "staging": storage.backend/);
    expect(snapshotTree(outdir)).toEqual(before);
  });

  test('a render failure after the first environment was handed to the file writer leaves no trace', () => {
    const before = snapshotTree(outdir);
    const real = render.renderEnvironment;
    const spy = jest.spyOn(render, 'renderEnvironment').mockImplementation((env, components) => {
      if (env.name === 'staging') throw new Error('render failed on purpose');
      return real(env, components);
    });
    try {
      expect(() => synth({ outdir, environments: [dev, staging] })).toThrow('render failed on purpose');
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
    expect(snapshotTree(outdir)).toEqual(before);
    expect(fs.readdirSync(outdir).filter((e) => e.startsWith('.'))).toEqual([]);
  });

  test('a stale file disappears on the next successful synth', () => {
    fs.writeFileSync(path.join(outdir, 'dev', 'stale.yaml'), 'kind: Stale\n');
    fs.mkdirSync(path.join(outdir, 'retired-env'));
    synth({ outdir, environments: [dev, staging] });
    expect(fs.existsSync(path.join(outdir, 'dev', 'stale.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(outdir, 'retired-env'))).toBe(false);
  });

  test('the CLI exits 1 with the message on stderr, and dist/ is unchanged', () => {
    execFileSync('node', ['scripts/build.cjs'], { cwd: PROJECT_ROOT });
    const before = snapshotTree(outdir);
    const script = `
      const { main } = require(${JSON.stringify(path.join(PROJECT_ROOT, '.build', 'main.js'))});
      const env = ${JSON.stringify(variant(production, (e) => delete e.storage.buckets))};
      process.exitCode = main(['--quiet'], [env]);`;
    const run = spawnSync('node', ['-e', script], { env: { ...process.env, MOP_OUTDIR: outdir }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(/^synth failed: environment "production": storage.buckets: is required \(s3 storage needs bucket names/);
    expect(snapshotTree(outdir)).toEqual(before);
  });
});

describe('the background file writer', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mop-writer-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('writes every queued file, creating folders, before finish() returns', () => {
    const writer = new BackgroundFileWriter();
    const files = Array.from({ length: 200 }, (_, i) => [path.join(dir, `c${i % 7}`, `f${i}.yaml`), `n: ${i}\n`] as const);
    writer.write(files.slice(0, 100));
    writer.write(files.slice(100));
    writer.finish();
    for (const [file, content] of files) expect(fs.readFileSync(file, 'utf8')).toBe(content);
  });

  test('finish() throws the first write error; drain() after it is a no-op', () => {
    fs.writeFileSync(path.join(dir, 'taken'), 'a file, not a folder');
    const writer = new BackgroundFileWriter();
    writer.write([[path.join(dir, 'taken', 'x.yaml'), 'x: 1\n']]);
    writer.write([[path.join(dir, 'later.yaml'), 'y: 1\n']]);
    expect(() => writer.finish()).toThrow(/^writing the rendered files failed: .*taken/);
    expect(() => writer.drain()).not.toThrow();
    expect(fs.existsSync(path.join(dir, 'later.yaml'))).toBe(false);
  });

  test('a writer thread stuck on one file is reported instead of waited for forever', () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = new BackgroundFileWriter(1500);
    writer.write([[fifo, 'blocks until someone reads']]);
    expect(() => writer.finish()).toThrow('writing the rendered files failed: the file writer thread made no progress for 1.5 s');
    // Opening the other end unblocks the thread, so that it can end.
    fs.closeSync(fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK));
  });

  test('write() after finish() is refused', () => {
    const writer = new BackgroundFileWriter();
    writer.finish();
    expect(() => writer.write([[path.join(dir, 'x.yaml'), '']])).toThrow(/after finish/);
  });
});
