import { mimirSizing, tempoSizing } from '../constructs/stores/sizing';
import { CollectionConfig, Environment, EnvironmentInput, Namespaces, PlatformComponent, Tier } from './model';
import { environmentSchema } from './schema';
import {
  BucketBackend,
  bucketNameProblem,
  formatSeconds,
  globMatches,
  goDurationSeconds,
  parseHostPort,
  prometheusDurationSeconds,
} from './upstream-rules';

/** A rejected environment configuration. The message is one line: environment, field, value, what is allowed. */
export class EnvironmentConfigError extends Error {
  constructor(
    readonly environment: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`environment "${environment}": ${field}: ${problem}`);
    this.name = 'EnvironmentConfigError';
  }
}

/** A value as a message shows it: strings quoted, NaN and Infinity by name, objects as short JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null) return 'null';
  if (typeof value !== 'object') return String(value);
  let json: string;
  try {
    json = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) ?? String(value);
  } catch {
    json = Object.prototype.toString.call(value);
  }
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

function problemOf(value: unknown, allowed: string): string {
  return `${value === undefined ? 'missing' : `got ${describeValue(value)}`}; ${allowed}`;
}

function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur = obj;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/** Every component an environment can run; a single-cluster environment runs them all. */
export const PLATFORM_COMPONENTS: readonly PlatformComponent[] = ['mimir', 'tempo', 'loki', 'alloy', 'obi', 'grafana'];
/**
 * Multi-region: a region keeps traces and logs; the global environment keeps metrics and the one Grafana, and its
 * Alloy observes the global cluster itself.
 */
const REGIONAL_COMPONENTS: readonly PlatformComponent[] = ['tempo', 'loki', 'alloy', 'obi'];
const GLOBAL_COMPONENTS: readonly PlatformComponent[] = ['mimir', 'grafana', 'alloy'];

/** `collection` per tier: everything in staging and production; dev leaves out what a kind laptop cluster lacks. */
export function collectionDefaults(tier: Tier): CollectionConfig {
  const all = tier !== 'dev';
  return {
    kubelet: true,
    kubeStateMetrics: true,
    nodeExporter: true,
    // kind serves no separate control plane worth watching on a laptop, and journald of a kind node is the container's.
    controlPlane: all,
    podLogs: true,
    nodeLogs: all,
    clusterEvents: true,
    annotationAutodiscovery: true,
    // Needs the monitoring.coreos.com CRDs, which a fresh kind cluster does not have.
    prometheusOperatorObjects: all,
    applicationObservability: true,
  };
}
/** Features that write logs: in a global environment they need a region's Loki (`lokiPushUrl` of the first region). */
const LOG_FEATURES: readonly (keyof CollectionConfig)[] = ['podLogs', 'nodeLogs', 'clusterEvents'];
/** Experiments that render only in components of one multi-region role. */
const EXPERIMENTS_OF_ROLE = {
  regional: { experiments: ['sloTailSampling', 'canaryAnalysis'], where: 'the regional environments (Alloy and the applications run there)' },
  global: { experiments: ['serviceDependencyGraph', 'databaseProfiling'], where: 'the global environment (its dashboards and Mimir rules render there)' },
} as const;

const NO_TEMPO_KAFKA_TLS =
  'the pinned Tempo (3.0.3) has no Kafka TLS client settings (ingest.kafka has none), so Tempo connects to a plaintext or SASL_PLAINTEXT listener; use kafka.mimirTls for Mimir (docs/stores.md)';

const DAY = 86400;
/** Longest window an SLO burn-rate alert reads (constructs/slo: the 3d long window of the slow-burn ticket). */
const LONGEST_SLO_ALERT_WINDOW_SECONDS = 3 * DAY;
/** Retention beyond a century is a typo, and overflows Go's time.Duration (292 years) in Tempo. */
const MAX_RETENTION_SECONDS = 100 * 365 * DAY;
/**
 * Tail-sampling decision wait: spans of one trace reach the gateway through OBI's export and the node agent's batch
 * processor (otelcol.processor.batch, 200ms timeout by default) from several nodes; a decision taken sooner splits a
 * trace into separately sampled fragments. The sampler keeps every trace in memory for the wait (opentelemetry-
 * collector-contrib processor/tailsamplingprocessor README: decision_wait, default 30s), so minutes already cost
 * gigabytes at production rates.
 */
const DECISION_WAIT_BOUNDS_SECONDS = { min: 1, max: 120 } as const;

/** Checks one environment's cross-field rules; `fail` throws. The shape is already checked by the schema. */
function checkRules(e: EnvironmentInput, fail: (field: string, value: unknown, allowed: string) => never): void {
  const zones = e.cluster.zones;
  if (new Set(zones).size !== zones.length) fail('cluster.zones', zones, 'must not repeat a zone');
  if (e.tier === 'production' && zones.length !== 3) fail('cluster.zones', zones, 'production needs exactly 3 zones for zone-aware replication');
  if (zones.length !== 1 && zones.length !== 3) fail('cluster.zones', zones, 'must list 1 zone or 3 zones (zone-aware replication factor 3)');

  if (e.tier !== 'dev') {
    for (const store of ['mimir', 'tempo', 'loki'] as const) {
      if (e.stores[store] !== 'distributed') fail(`stores.${store}`, e.stores[store], `must be distributed in ${e.tier} (monolithic is for dev only)`);
    }
  }
  if (e.pipeline === 'combined' && zones.length > 1) {
    fail('pipeline', e.pipeline, 'must be tiered when the cluster spans several zones (tail sampling needs every span of a trace at one sampler)');
  }

  const { storage } = e;
  const anyDistributed = Object.values(e.stores).includes('distributed');
  if (storage.backend === 'filesystem') {
    if (e.tier !== 'dev' || anyDistributed) fail('storage.backend', storage.backend, `filesystem is only allowed in dev with monolithic stores; ${e.tier} needs s3, gcs or azure`);
    for (const key of ['buckets', 's3', 'azure', 'credentialsSecret'] as const) {
      if (storage[key] !== undefined) fail(`storage.${key}`, storage[key], 'is not used with filesystem storage; remove it');
    }
  } else {
    const backend: BucketBackend = storage.backend;
    if (!storage.buckets) fail('storage.buckets', undefined, `${backend} storage needs bucket names for mimirBlocks, mimirRuler, mimirAlertmanager, tempoTraces, lokiChunks and lokiRuler`);
    for (const [key, bucket] of Object.entries(storage.buckets)) {
      const problem = bucketNameProblem(backend, bucket);
      if (problem) fail(`storage.buckets.${key}`, bucket, `must be ${problem}`);
    }
    const names = Object.values(storage.buckets);
    if (new Set(names).size !== names.length) {
      fail('storage.buckets', storage.buckets, 'must name distinct buckets (Mimir refuses blocks, ruler and alertmanager storage in one bucket without prefixes; grafana/mimir configure-object-storage-backend)');
    }
    if (backend === 's3' && !storage.s3) fail('storage.s3', undefined, 's3 storage needs endpoint and region');
    if (backend !== 's3' && storage.s3) fail('storage.s3', storage.s3, `is only used with backend s3, not ${backend}`);
    if (backend === 'azure' && !storage.azure) fail('storage.azure', undefined, 'azure storage needs accountName');
    if (backend !== 'azure' && storage.azure) fail('storage.azure', storage.azure, `is only used with backend azure, not ${backend}`);
  }

  const needsKafka = e.stores.mimir === 'distributed' || e.stores.tempo === 'distributed';
  if (needsKafka && !e.kafka) fail('kafka', undefined, 'distributed Mimir 3 and Tempo 3 ingest through an existing Kafka: set address, mimirTopic, tempoTopic and partitions');
  if (!needsKafka && e.kafka) fail('kafka', e.kafka, 'is only used by distributed Mimir or Tempo; remove it');
  if (e.kafka && e.kafka.mimirTopic === e.kafka.tempoTopic) fail('kafka.tempoTopic', e.kafka.tempoTopic, 'must differ from kafka.mimirTopic (Mimir and Tempo records do not mix)');
  if (e.kafka?.saslMechanism !== undefined) {
    const mechanism = e.kafka.saslMechanism;
    if (!e.kafka.saslSecret) fail('kafka.saslMechanism', mechanism, 'needs kafka.saslSecret (the username and password)');
    if (mechanism !== 'PLAIN' && e.stores.tempo === 'distributed') {
      fail('kafka.saslMechanism', mechanism, 'must be PLAIN while distributed Tempo shares this Kafka: Tempo 3.0.3 authenticates with SASL/PLAIN only (ingest.kafka has sasl_username and sasl_password, no mechanism)');
    }
  }
  if (e.kafka?.mimirTls && e.kafka.mimirTls.address === undefined && e.stores.tempo === 'distributed') {
    fail('kafka.mimirTls.address', undefined, `is required while distributed Tempo shares this Kafka: ${NO_TEMPO_KAFKA_TLS}, so kafka.address stays that listener and Mimir needs the TLS listener's address`);
  }

  const retentionRule = {
    metrics: 'Mimir compactor_blocks_retention_period',
    traces: 'Tempo block_retention',
    logs: 'Loki retention_period (grafana/loki docs/sources/operations/storage/retention.md: "The minimum retention period is 24h")',
  } as const;
  for (const signal of ['metrics', 'traces', 'logs'] as const) {
    const value = e.retention[signal];
    const seconds = prometheusDurationSeconds(value)!;
    if (seconds < DAY) fail(`retention.${signal}`, value, `must be at least 24h: shorter deletes blocks the stores still query (${retentionRule[signal]}); 0 is not "forever" here`);
    if (seconds > MAX_RETENTION_SECONDS) fail(`retention.${signal}`, value, 'must be at most 100y');
  }
  if (e.slos.length > 0 && prometheusDurationSeconds(e.retention.metrics)! < LONGEST_SLO_ALERT_WINDOW_SECONDS) {
    fail('retention.metrics', e.retention.metrics, `must keep at least ${formatSeconds(LONGEST_SLO_ALERT_WINDOW_SECONDS)}: the SLO burn-rate alerts read windows that long`);
  }

  const prefix = e.namespacePrefix;
  e.instrumentation.namespaces.forEach((ns, i) => {
    if (!/[*?\[]/.test(ns) && ns.startsWith(`${prefix}-`)) fail(`instrumentation.namespaces.${i}`, ns, "must not name one of the platform's own namespaces");
  });
  const { sampler } = e.instrumentation;
  if (sampler.name.endsWith('traceidratio') && sampler.arg === undefined) {
    fail('instrumentation.sampler.arg', undefined, `${sampler.name} needs a ratio between 0 and 1 written as a string, e.g. "0.25"`);
  }
  if (!sampler.name.endsWith('traceidratio') && sampler.arg !== undefined) {
    fail('instrumentation.sampler.arg', sampler.arg, `is only used by the traceidratio samplers, not ${sampler.name}`);
  }

  const wait = goDurationSeconds(e.tailSampling.decisionWait)!;
  if (wait < DECISION_WAIT_BOUNDS_SECONDS.min || wait > DECISION_WAIT_BOUNDS_SECONDS.max) {
    fail(
      'tailSampling.decisionWait',
      e.tailSampling.decisionWait,
      `must be from ${DECISION_WAIT_BOUNDS_SECONDS.min}s (spans from other nodes arrive after OBI's and the node agent's batching) to ${DECISION_WAIT_BOUNDS_SECONDS.max}s (the sampler holds every trace in memory for the whole wait)`,
    );
  }

  const seen = new Set<string>();
  e.slos.forEach((slo, i) => {
    const key = `${slo.namespace}/${slo.service}`;
    if (seen.has(key)) fail(`slos.${i}.service`, slo.service, `repeats the SLO for ${key}; one SLO per service`);
    seen.add(key);
    if (!e.instrumentation.namespaces.some((glob) => globMatches(glob, slo.namespace))) {
      fail(`slos.${i}.namespace`, slo.namespace, `must be a namespace OBI instruments (instrumentation.namespaces: ${e.instrumentation.namespaces.join(', ')}); its SLI would have no data`);
    }
  });

  if (e.experiments.sloTailSampling && e.slos.length === 0) fail('experiments.sloTailSampling', true, 'needs at least one SLO in slos');
  if (e.experiments.canaryAnalysis && e.slos.length === 0) fail('experiments.canaryAnalysis', true, 'needs at least one SLO in slos (the analysis queries their SLIs)');
  const runsObi = e.multiRegion?.role !== 'global';
  if (e.experiments.serviceDependencyGraph && runsObi && !e.instrumentation.networkMetrics) {
    fail('experiments.serviceDependencyGraph', true, 'needs instrumentation.networkMetrics: true (its flow panels read OBI network metrics)');
  }

  // constructs/argocd renders the root Application `mop-<name>` in its own project `mop-<name>-bootstrap`.
  if (e.argocd.project === `mop-${e.name}-bootstrap`) fail('argocd.project', e.argocd.project, "must not be the root Application's own project (mop-<name>-bootstrap)");

  if (e.tier === 'production' && e.grafana.anonymousRole !== 'Viewer') {
    fail('grafana.anonymousRole', e.grafana.anonymousRole, 'must be Viewer in production (anonymous users must not edit)');
  }

  if (e.alerting) checkAlerting(e.alerting, fail);

  if (e.multiRegion) {
    const role = e.multiRegion.role;
    if (e.multiRegion.role === 'global') {
      const names = new Set<string>();
      const regions = e.multiRegion.regions;
      regions.forEach((region, i) => {
        if (names.has(region.name)) fail(`multiRegion.regions.${i}.name`, region.name, 'must not repeat a region; region names are unique');
        names.add(region.name);
        if (i > 0 && region.lokiPushUrl !== undefined) fail(`multiRegion.regions.${i}.lokiPushUrl`, region.lokiPushUrl, 'is only read from the first region (the default Loki of the global Grafana)');
      });
      const collection = { ...collectionDefaults(e.tier), ...e.collection };
      // No Tempo here, and the applications run in the regions.
      if (collection.applicationObservability) {
        fail('collection.applicationObservability', true, 'must be false in a multi-region global environment (it runs no Tempo; applications send to their region)');
      }
      const logs = LOG_FEATURES.filter((f) => collection[f]);
      if (logs.length && !regions[0]?.lokiPushUrl) {
        fail(`collection.${logs[0]}`, true, "writes logs, which a global environment sends to its first region's Loki: set multiRegion.regions.0.lokiPushUrl or switch it off");
      }
    }
    const other = role === 'regional' ? EXPERIMENTS_OF_ROLE.global : EXPERIMENTS_OF_ROLE.regional;
    for (const key of other.experiments) {
      if (e.experiments[key]) fail(`experiments.${key}`, true, `must be false in a multi-region ${role} environment; it runs in ${other.where}`);
    }
  }
}

/** Receiver names MOP renders itself. */
export const RESERVED_RECEIVERS: readonly string[] = ['mop-no-receiver'];

/** Receivers named once and not MOP's own; every route names a declared receiver; a namespace belongs to one team. */
function checkAlerting(alerting: NonNullable<EnvironmentInput['alerting']>, fail: (field: string, value: unknown, allowed: string) => never): void {
  const names = new Set<string>();
  alerting.receivers.forEach((r, i) => {
    const at = `alerting.receivers.${i}`;
    if (RESERVED_RECEIVERS.includes(r.name)) fail(`${at}.name`, r.name, "is reserved for MOP's own receiver");
    if (names.has(r.name)) fail(`${at}.name`, r.name, 'repeats a receiver name; receiver names must be unique');
    names.add(r.name);
    if (r.type === 'email' && (r.authUsername === undefined) !== (r.authPassword === undefined)) {
      fail(`${at}.authPassword`, r.authPassword, 'authUsername and authPassword (a Secret key) go together');
    }
  });
  const known = `must name one of alerting.receivers (${[...names].join(', ')})`;
  const route = (at: string, name: string | undefined) => {
    if (name !== undefined && !names.has(name)) fail(at, name, known);
  };
  for (const severity of ['page', 'ticket', 'info', 'heartbeat'] as const) route(`alerting.${severity}`, alerting[severity]);
  const teams = new Set<string>();
  const claimed = new Map<string, string>();
  (alerting.teams ?? []).forEach((t, i) => {
    const at = `alerting.teams.${i}`;
    if (teams.has(t.team)) fail(`${at}.team`, t.team, 'repeats a team; team names are unique');
    teams.add(t.team);
    t.namespaces.forEach((ns, j) => {
      const owner = claimed.get(ns);
      if (owner !== undefined) fail(`${at}.namespaces.${j}`, ns, `already routes to team "${owner}"; a namespace belongs to one team`);
      claimed.set(ns, t.team);
    });
    for (const severity of ['page', 'ticket', 'info'] as const) route(`${at}.${severity}`, t[severity]);
  });
}

/** Capacity the derived sizing needs from the inputs: one Kafka partition per ingester and live-store of a zone. */
function checkCapacity(env: Environment, fail: (field: string, value: unknown, allowed: string) => never): void {
  if (!env.kafka) return;
  const partitions = env.kafka.partitions;
  if (env.components.includes('mimir') && env.stores.mimir === 'distributed') {
    const needed = mimirSizing(env).ingester.replicas;
    if (needed > partitions) fail('kafka.partitions', partitions, `must be at least ${needed}: the workload needs ${needed} Mimir ingesters per zone and each consumes its own partition (Mimir ingest storage)`);
  }
  if (env.components.includes('tempo') && env.stores.tempo === 'distributed') {
    const s = tempoSizing(env);
    if (s.liveStore.replicas > partitions) {
      fail('kafka.partitions', partitions, `must be at least ${s.liveStore.replicas}: the workload (${s.mbPerSecond.toFixed(1)} MB/s) needs ${s.liveStore.replicas} Tempo live-stores per zone, one partition each`);
    }
  }
}

/** Validates an environment input (untrusted: it may come from JavaScript) and derives what constructs need. */
export function loadEnvironment(input: EnvironmentInput): Environment {
  const raw: unknown = input;
  const rawName = valueAt(raw, ['name']);
  const name = typeof rawName === 'string' && rawName ? rawName : '<unnamed>';
  const fail = (field: string, value: unknown, allowed: string): never => {
    throw new EnvironmentConfigError(name, field, problemOf(value, allowed));
  };

  for (const field of ['tlsSecret', 'tempoTls']) {
    const value = valueAt(raw, ['kafka', field]);
    if (value !== undefined) fail(`kafka.${field}`, value, `is not supported: ${NO_TEMPO_KAFKA_TLS}`);
  }
  const parsed = environmentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.code === 'unrecognized_keys') {
      const field = [...issue.path, issue.keys[0]].join('.');
      throw new EnvironmentConfigError(name, field, issue.message);
    }
    if (issue.code === 'invalid_key') {
      const key = issue.path[issue.path.length - 1];
      throw new EnvironmentConfigError(name, issue.path.slice(0, -1).join('.'), `got the key ${describeValue(key)}; ${issue.message}`);
    }
    fail(issue.path.length ? issue.path.join('.') : '(the environment)', valueAt(raw, issue.path), issue.message);
  }
  const e = parsed.data as EnvironmentInput;
  checkRules(e, fail);

  let components = PLATFORM_COMPONENTS;
  if (e.multiRegion) components = e.multiRegion.role === 'regional' ? REGIONAL_COMPONENTS : GLOBAL_COMPONENTS;
  const prefix = e.namespacePrefix;
  const namespaces: Namespaces = {
    obi: `${prefix}-obi`,
    alloy: `${prefix}-alloy`,
    alloyNode: `${prefix}-alloy-node`,
    mimir: `${prefix}-mimir`,
    tempo: `${prefix}-tempo`,
    loki: `${prefix}-loki`,
    grafana: `${prefix}-grafana`,
    canary: `${prefix}-canary`,
  };
  if (Object.values(namespaces).includes(e.argocd.namespace)) {
    fail('argocd.namespace', e.argocd.namespace, `must not be one of MOP's own namespaces (${Object.values(namespaces).join(', ')})`);
  }
  const namespacesOf: Record<PlatformComponent, string[]> = {
    mimir: [namespaces.mimir],
    tempo: [namespaces.tempo],
    loki: [namespaces.loki],
    alloy: [namespaces.alloy, namespaces.alloyNode],
    obi: [namespaces.obi],
    grafana: [namespaces.grafana],
  };
  const experimentNamespaces = e.experiments.canaryAnalysis ? [namespaces.canary] : [];
  const platformNamespaces = [...components.flatMap((c) => namespacesOf[c]), ...experimentNamespaces].sort();
  const zoneAware = e.cluster.zones.length === 3;
  const collection: CollectionConfig = { ...collectionDefaults(e.tier), ...e.collection };
  const env: Environment = { ...e, namespaces, replicationFactor: zoneAware ? 3 : 1, zoneAware, components, platformNamespaces, collection };
  checkCapacity(env, fail);
  return env;
}

/** Where an environment's object storage lives, so that two environments naming the same bucket are caught. */
function bucketScope(env: Environment): string {
  const s = env.storage;
  if (s.backend === 's3') return `s3 ${s.s3?.endpoint ?? ''}`;
  if (s.backend === 'azure') return `azure account ${s.azure?.accountName ?? ''}`;
  return s.backend;
}

/** The brokers of a Kafka address, sorted, so that the same cluster written two ways is one scope. */
function kafkaScope(address: string): string {
  return address
    .split(',')
    .map((b) => {
      const parsed = parseHostPort(b, true);
      return typeof parsed === 'string' ? b : `${parsed.host.toLowerCase()}:${parsed.port}`;
    })
    .sort()
    .join(',');
}

/**
 * Rules across environments: names, buckets, Kafka topics, Argo CD projects and cluster/namespace pairs are each
 * used by one environment only (two Mimirs on one bucket corrupt each other's blocks; two consumer groups on one
 * topic split its records), and multi-region environments agree on their regions. Throws `EnvironmentConfigError`
 * naming the later environment of a pair.
 */
export function validateEnvironments(envs: readonly Environment[]): void {
  const names = new Set<string>();
  for (const env of envs) {
    if (names.has(env.name)) throw new EnvironmentConfigError(env.name, 'name', problemOf(env.name, 'must not be the name of another environment: environment names are unique'));
    names.add(env.name);
  }
  const owners = new Map<string, string>();
  const claim = (env: Environment, field: string, value: string, key: string, why: string) => {
    const owner = owners.get(key);
    if (owner !== undefined && owner !== env.name) throw new EnvironmentConfigError(env.name, field, problemOf(value, `must not be used by another environment (environment "${owner}" uses it): ${why}`));
    owners.set(key, env.name);
  };
  for (const env of envs) {
    for (const [key, bucket] of Object.entries(env.storage.buckets ?? {})) {
      claim(env, `storage.buckets.${key}`, bucket, `bucket ${bucketScope(env)} ${bucket}`, 'two stores on one bucket overwrite or delete each other’s data');
    }
    if (env.kafka) {
      const scope = kafkaScope(env.kafka.address);
      for (const field of ['mimirTopic', 'tempoTopic'] as const) {
        claim(env, `kafka.${field}`, env.kafka[field], `kafka ${scope} ${env.kafka[field]}`, 'two platforms consuming one topic each see the other’s records');
      }
    }
    // Both projects of an environment (constructs/argocd: the components' and `mop-<name>-bootstrap`) are its own.
    const projectKey = (name: string) => `project ${env.argocd.destinationServer} ${env.argocd.namespace}/${name}`;
    claim(env, 'argocd.project', `mop-${env.name}-bootstrap`, projectKey(`mop-${env.name}-bootstrap`), 'each environment’s Argo CD projects limit only its own Applications');
    claim(env, 'argocd.project', env.argocd.project, projectKey(env.argocd.project), 'each environment’s Argo CD projects limit only its own Applications');
    claim(env, 'namespacePrefix', env.namespacePrefix, `cluster ${env.cluster.name} ${env.namespacePrefix}`, `two environments on cluster "${env.cluster.name}" with one prefix render the same namespaces`);
  }

  const regional = envs.filter((e) => e.multiRegion?.role === 'regional');
  const global = envs.filter((e) => e.multiRegion?.role === 'global');
  if (global.length > 1) throw new EnvironmentConfigError(global[1].name, 'multiRegion.role', problemOf('global', `must be used by one environment only (environment "${global[0].name}" is global)`));
  const listed = global[0]?.multiRegion?.role === 'global' ? global[0].multiRegion.regions.map((r) => r.name) : [];
  for (const env of regional) {
    if (!global.length) throw new EnvironmentConfigError(env.name, 'multiRegion', problemOf('regional', 'needs a global environment (role "global") that lists this region'));
    if (!listed.includes(env.cluster.region)) {
      throw new EnvironmentConfigError(env.name, 'cluster.region', problemOf(env.cluster.region, `must be one of the regions the global environment "${global[0].name}" lists (${listed.join(', ')})`));
    }
  }
  listed.forEach((region, i) => {
    if (!regional.some((e) => e.cluster.region === region)) {
      throw new EnvironmentConfigError(global[0].name, `multiRegion.regions.${i}.name`, problemOf(region, 'must be the cluster.region of a regional environment'));
    }
  });
}
