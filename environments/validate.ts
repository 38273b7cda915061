import { OBI_DURATION_BUCKETS_SECONDS } from '../constructs/slo/buckets';
import { CollectionConfig, Environment, EnvironmentInput, Namespaces, PlatformComponent, Tier } from './model';

/** A rejected environment configuration. The message is one line: environment, field, what is allowed. */
export class EnvironmentConfigError extends Error {
  constructor(
    readonly environment: string,
    readonly field: string,
    readonly allowed: string,
  ) {
    super(`environment "${environment}": ${field}: ${allowed}`);
    this.name = 'EnvironmentConfigError';
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;
const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$/;
const TENANT = /^[a-zA-Z0-9!._*'()-]{1,150}$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const HOST_PORT = /^[A-Za-z0-9.-]+:[0-9]{1,5}(,[A-Za-z0-9.-]+:[0-9]{1,5})*$/;
const HTTPS_URL = /^https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~\/-]*)?$/;
const REGION = /^[a-z0-9-]+$/;

/** Every component an environment can run; a single-cluster environment runs them all. */
export const PLATFORM_COMPONENTS: readonly PlatformComponent[] = ['mimir', 'tempo', 'loki', 'alloy', 'obi', 'grafana'];
/** Multi-region: a region keeps traces and logs; the global environment keeps metrics and the one Grafana, and its Alloy observes the global cluster itself. */
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
const COLLECTION_FEATURES = Object.keys(collectionDefaults('dev')) as (keyof CollectionConfig)[];
/** Features that write logs: in a global environment they need a region's Loki (`lokiPushUrl` of the first region). */
const LOG_FEATURES: readonly (keyof CollectionConfig)[] = ['podLogs', 'nodeLogs', 'clusterEvents'];
/** Experiments that render only in components of one multi-region role. */
const EXPERIMENTS_OF_ROLE = {
  regional: { experiments: ['sloTailSampling', 'canaryAnalysis'], where: 'the regional environments (Alloy and the applications run there)' },
  global: { experiments: ['serviceDependencyGraph', 'databaseProfiling'], where: 'the global environment (its dashboards and Mimir rules render there)' },
} as const;

type Check = (value: unknown) => string | undefined;

const LATENCY_BOUNDARIES_MS = OBI_DURATION_BUCKETS_SECONDS.filter((b) => b > 0).map((b) => Math.round(b * 1000));

/** Walks an untrusted object and reports the first violation as an `EnvironmentConfigError`. */
class Validator {
  constructor(private readonly env: string) {}

  fail(field: string, allowed: string): never {
    throw new EnvironmentConfigError(this.env, field, allowed);
  }

  get(obj: unknown, path: string): unknown {
    let cur: unknown = obj;
    for (const part of path.split('.')) {
      if (cur === null || typeof cur !== 'object') return undefined;
      cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
  }

  require(obj: unknown, path: string, check: Check): void {
    const value = this.get(obj, path);
    if (value === undefined) this.fail(path, `is required (${check(undefined) ?? 'missing'})`);
    const problem = check(value);
    if (problem) this.fail(path, problem);
  }

  optional(obj: unknown, path: string, check: Check): void {
    const value = this.get(obj, path);
    if (value === undefined) return;
    const problem = check(value);
    if (problem) this.fail(path, problem);
  }

  onlyKeys(obj: unknown, path: string, keys: readonly string[]): void {
    const value = path ? this.get(obj, path) : obj;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) this.fail(path ? `${path}.${key}` : key, `is not a known field (allowed: ${keys.join(', ')})`);
    }
  }
}

const isString =
  (pattern?: RegExp, what?: string): Check =>
  (v) => {
    if (typeof v !== 'string' || v.length === 0) return `must be a non-empty string${what ? ` (${what})` : ''}`;
    if (pattern && !pattern.test(v)) return `must be ${what ?? `a string matching ${pattern}`}, got "${v}"`;
    return undefined;
  };
const oneOf =
  (...allowed: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && allowed.includes(v) ? undefined : `must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`;
const isNumber =
  (min: number, max: number, integer = false): Check =>
  (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v))
      ? undefined
      : `must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max}, got ${JSON.stringify(v)}`;
const isBoolean: Check = (v) => (typeof v === 'boolean' ? undefined : `must be true or false, got ${JSON.stringify(v)}`);
const isArray =
  (minLength: number, what: string): Check =>
  (v) =>
    Array.isArray(v) && v.length >= minLength ? undefined : `must be a list of ${what} with at least ${minLength} item(s)`;

const dnsLabel = isString(DNS_LABEL, 'a DNS label: lower-case letters, digits and "-", at most 63 characters');

/** Validates an environment input and derives what constructs need. Throws `EnvironmentConfigError`. */
export function loadEnvironment(input: EnvironmentInput): Environment {
  const raw: unknown = input;
  const name = typeof input?.name === 'string' && input.name ? input.name : '<unnamed>';
  const v = new Validator(name);

  v.onlyKeys(raw, '', [
    'name', 'tier', 'cluster', 'argocd', 'namespacePrefix', 'stores', 'pipeline', 'storage', 'kafka', 'retention', 'tenant',
    'workload', 'instrumentation', 'tailSampling', 'slos', 'experiments', 'collection', 'grafana', 'storageClassName', 'multiRegion',
  ]);
  v.require(raw, 'name', dnsLabel);
  if (name.length > 40) v.fail('name', 'must be at most 40 characters (it prefixes object names)');
  v.require(raw, 'tier', oneOf('dev', 'staging', 'production'));

  v.onlyKeys(raw, 'cluster', ['name', 'region', 'zones']);
  v.require(raw, 'cluster.name', dnsLabel);
  v.require(raw, 'cluster.region', isString(/^[a-z0-9-]+$/, 'a region id such as eu-west-1'));
  v.require(raw, 'cluster.zones', isArray(1, 'zone names'));
  input.cluster.zones.forEach((_, i) => v.require(raw, `cluster.zones.${i}`, isString(/^[a-z0-9-]+$/, 'a zone id such as eu-west-1a')));
  if (new Set(input.cluster.zones).size !== input.cluster.zones.length) v.fail('cluster.zones', 'must not repeat a zone');
  if (input.tier === 'production' && input.cluster.zones.length !== 3) {
    v.fail('cluster.zones', `production needs exactly 3 zones for zone-aware replication, got ${input.cluster.zones.length}`);
  }
  if (input.cluster.zones.length !== 1 && input.cluster.zones.length !== 3) {
    v.fail('cluster.zones', `must list 1 zone or 3 zones (zone-aware replication factor 3), got ${input.cluster.zones.length}`);
  }

  v.onlyKeys(raw, 'argocd', ['repoURL', 'targetRevision', 'destinationServer', 'namespace', 'project', 'rolloutsNamespace']);
  v.require(raw, 'argocd.repoURL', isString(/^(https:\/\/|ssh:\/\/|git@)\S+$/, 'an https://, ssh:// or git@ Git URL'));
  v.require(raw, 'argocd.targetRevision', isString(/^[A-Za-z0-9._\/-]+$/, 'a branch, tag or commit'));
  v.require(raw, 'argocd.destinationServer', isString(/^https:\/\/\S+$/, 'an https:// Kubernetes API server URL'));
  v.require(raw, 'argocd.namespace', dnsLabel);
  v.require(raw, 'argocd.project', dnsLabel);
  v.require(raw, 'argocd.rolloutsNamespace', dnsLabel);

  v.require(raw, 'namespacePrefix', isString(/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/, 'a DNS label of at most 42 characters'));

  v.onlyKeys(raw, 'stores', ['mimir', 'tempo', 'loki']);
  for (const store of ['mimir', 'tempo', 'loki']) v.require(raw, `stores.${store}`, oneOf('monolithic', 'distributed'));
  if (input.tier !== 'dev') {
    for (const store of ['mimir', 'tempo', 'loki'] as const) {
      if (input.stores[store] !== 'distributed') v.fail(`stores.${store}`, `must be distributed in ${input.tier} (monolithic is for dev only)`);
    }
  }

  v.require(raw, 'pipeline', oneOf('combined', 'tiered'));
  if (input.pipeline === 'combined' && input.cluster.zones.length > 1) {
    v.fail('pipeline', 'must be tiered when the cluster spans several zones (tail sampling needs every span of a trace at one sampler)');
  }

  v.onlyKeys(raw, 'storage', ['backend', 'buckets', 's3', 'azure', 'credentialsSecret']);
  v.require(raw, 'storage.backend', oneOf('filesystem', 's3', 'gcs', 'azure'));
  const backend = input.storage.backend;
  const anyDistributed = Object.values(input.stores).includes('distributed');
  if (backend === 'filesystem' && (input.tier !== 'dev' || anyDistributed)) {
    v.fail('storage.backend', `filesystem is only allowed in dev with monolithic stores; ${input.tier} needs s3, gcs or azure`);
  }
  if (backend !== 'filesystem') {
    v.require(raw, 'storage.buckets', (b) => (b && typeof b === 'object' ? undefined : `${backend} storage needs bucket names for mimirBlocks, mimirRuler, mimirAlertmanager, tempoTraces, lokiChunks and lokiRuler`));
    const bucketKeys = ['mimirBlocks', 'mimirRuler', 'mimirAlertmanager', 'tempoTraces', 'lokiChunks', 'lokiRuler'];
    v.onlyKeys(raw, 'storage.buckets', bucketKeys);
    for (const key of bucketKeys) {
      v.require(raw, `storage.buckets.${key}`, isString(BUCKET, 'a bucket name: 3-63 lower-case letters, digits, "." and "-"'));
    }
    const buckets = Object.values(input.storage.buckets ?? {});
    if (new Set(buckets).size !== buckets.length) {
      v.fail('storage.buckets', 'must name distinct buckets (Mimir refuses blocks, ruler and alertmanager storage in one bucket)');
    }
  }
  if (backend === 's3') {
    v.onlyKeys(raw, 'storage.s3', ['endpoint', 'region', 'insecure', 'forcePathStyle']);
    v.require(raw, 'storage.s3.endpoint', isString(/^[A-Za-z0-9.-]+(:[0-9]+)?$/, 'a host[:port] without scheme, e.g. s3.eu-west-1.amazonaws.com'));
    v.require(raw, 'storage.s3.region', isString(/^[a-z0-9-]+$/, 'an S3 region'));
    v.optional(raw, 'storage.s3.insecure', isBoolean);
    v.optional(raw, 'storage.s3.forcePathStyle', isBoolean);
  } else if (input.storage.s3 !== undefined) {
    v.fail('storage.s3', `is only allowed with backend s3, not ${backend}`);
  }
  if (backend === 'azure') {
    v.onlyKeys(raw, 'storage.azure', ['accountName']);
    v.require(raw, 'storage.azure.accountName', isString(/^[a-z0-9]{3,24}$/, 'an Azure storage account name'));
  } else if (input.storage.azure !== undefined) {
    v.fail('storage.azure', `is only allowed with backend azure, not ${backend}`);
  }
  v.optional(raw, 'storage.credentialsSecret', dnsLabel);
  if (backend === 'filesystem' && input.storage.credentialsSecret) v.fail('storage.credentialsSecret', 'is not used with filesystem storage');

  const needsKafka = input.stores.mimir === 'distributed' || input.stores.tempo === 'distributed';
  if (needsKafka) {
    v.require(raw, 'kafka', (k) => (k && typeof k === 'object' ? undefined : 'distributed Mimir 3 and Tempo 3 ingest through an existing Kafka: set address, mimirTopic, tempoTopic and partitions'));
  }
  if (input.kafka !== undefined) {
    if (v.get(raw, 'kafka.tlsSecret') !== undefined) {
      v.fail('kafka.tlsSecret', 'is not supported: the pinned Tempo (3.0.3) has no Kafka TLS settings, so MOP connects to a plaintext or SASL/PLAIN listener (docs/stores.md)');
    }
    v.onlyKeys(raw, 'kafka', ['address', 'mimirTopic', 'tempoTopic', 'partitions', 'saslSecret']);
    v.require(raw, 'kafka.address', isString(HOST_PORT, 'host:port (comma-separated for several brokers)'));
    v.require(raw, 'kafka.mimirTopic', isString(/^[a-zA-Z0-9._-]{1,249}$/, 'a Kafka topic name'));
    v.require(raw, 'kafka.tempoTopic', isString(/^[a-zA-Z0-9._-]{1,249}$/, 'a Kafka topic name'));
    if (input.kafka.mimirTopic === input.kafka.tempoTopic) v.fail('kafka.tempoTopic', 'must differ from kafka.mimirTopic');
    v.require(raw, 'kafka.partitions', isNumber(1, 10000, true));
    v.optional(raw, 'kafka.saslSecret', dnsLabel);
  }

  v.onlyKeys(raw, 'retention', ['metrics', 'traces', 'logs']);
  for (const key of ['metrics', 'traces', 'logs']) v.require(raw, `retention.${key}`, isString(DURATION, 'a duration such as 15d or 720h'));

  v.require(raw, 'tenant', isString(TENANT, 'a tenant ID: letters, digits and !._*\'()- up to 150 characters'));

  v.onlyKeys(raw, 'workload', ['activeSeries', 'samplesPerSecond', 'spansPerSecond', 'bytesPerSpan', 'traceErrorRatio', 'traceSlowRatio', 'logsGBPerDay', 'queriesPerSecond']);
  v.require(raw, 'workload.activeSeries', isNumber(1, 1e10, true));
  v.require(raw, 'workload.samplesPerSecond', isNumber(1, 1e9));
  v.require(raw, 'workload.spansPerSecond', isNumber(0, 1e9));
  v.require(raw, 'workload.bytesPerSpan', isNumber(1, 1e6));
  v.require(raw, 'workload.traceErrorRatio', isNumber(0, 1));
  v.require(raw, 'workload.traceSlowRatio', isNumber(0, 1));
  v.require(raw, 'workload.logsGBPerDay', isNumber(0, 1e6));
  v.require(raw, 'workload.queriesPerSecond', isNumber(0, 1e6));

  v.onlyKeys(raw, 'instrumentation', ['namespaces', 'podLabels', 'sampler', 'networkMetrics', 'securityMode']);
  v.require(raw, 'instrumentation.namespaces', isArray(1, 'namespace globs'));
  input.instrumentation.namespaces.forEach((_, i) =>
    v.require(raw, `instrumentation.namespaces.${i}`, isString(/^[a-z0-9*?\[\]-]{1,63}$/, 'a namespace name or glob')),
  );
  const prefix = input.namespacePrefix;
  for (const ns of input.instrumentation.namespaces) {
    if (!/[*?\[]/.test(ns) && ns.startsWith(`${prefix}-`)) v.fail('instrumentation.namespaces', `must not name the platform's own namespace "${ns}"`);
  }
  v.onlyKeys(raw, 'instrumentation.sampler', ['name', 'arg']);
  v.require(raw, 'instrumentation.sampler.name', oneOf('always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'));
  const sampler = input.instrumentation.sampler;
  if (sampler?.name?.endsWith('traceidratio')) {
    v.require(raw, 'instrumentation.sampler.arg', (a) =>
      typeof a === 'string' && /^(0(\.[0-9]+)?|1(\.0+)?)$/.test(a) ? undefined : 'must be a ratio between 0 and 1 written as a string, e.g. "0.25"',
    );
  } else if (sampler?.arg !== undefined) {
    v.fail('instrumentation.sampler.arg', `is only used by the traceidratio samplers, not ${sampler.name}`);
  }
  v.require(raw, 'instrumentation.networkMetrics', isBoolean);
  v.require(raw, 'instrumentation.securityMode', oneOf('privileged', 'capabilities'));
  for (const [key, value] of Object.entries(input.instrumentation.podLabels ?? {})) {
    if (!/^([a-z0-9.-]+\/)?[A-Za-z0-9_.-]{1,63}$/.test(key)) v.fail(`instrumentation.podLabels.${key}`, 'must be a Kubernetes label key');
    if (typeof value !== 'string' || value.length === 0) v.fail(`instrumentation.podLabels.${key}`, 'must be a non-empty glob string');
  }

  v.onlyKeys(raw, 'tailSampling', ['baselinePercent', 'spansPerSecondLimit', 'decisionWait']);
  v.require(raw, 'tailSampling.baselinePercent', isNumber(0, 100));
  v.require(raw, 'tailSampling.spansPerSecondLimit', isNumber(1, 1e9, true));
  v.require(raw, 'tailSampling.decisionWait', isString(GO_DURATION, 'a Go duration such as 10s'));

  v.require(raw, 'slos', (s) => (Array.isArray(s) ? undefined : 'must be a list (possibly empty)'));
  const seen = new Set<string>();
  input.slos.forEach((slo, i) => {
    const at = `slos.${i}`;
    v.onlyKeys(raw, at, ['service', 'namespace', 'objectivePercent', 'latencyThresholdMs', 'latencyObjectivePercent']);
    v.require(raw, `${at}.service`, isString(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a service name as OBI reports it'));
    v.require(raw, `${at}.namespace`, dnsLabel);
    v.require(raw, `${at}.objectivePercent`, isNumber(50, 99.999));
    v.require(raw, `${at}.latencyThresholdMs`, (ms) =>
      typeof ms === 'number' && LATENCY_BOUNDARIES_MS.includes(ms)
        ? undefined
        : `must be a bucket boundary of OBI's request-duration histogram (${LATENCY_BOUNDARIES_MS.join(', ')} ms), so the latency SLI is exact; got ${JSON.stringify(ms)}`,
    );
    v.require(raw, `${at}.latencyObjectivePercent`, isNumber(50, 99.999));
    const key = `${slo.namespace}/${slo.service}`;
    if (seen.has(key)) v.fail(`${at}.service`, `repeats the SLO for ${key}; one SLO per service`);
    seen.add(key);
  });

  const experiments = ['sloTailSampling', 'serviceDependencyGraph', 'databaseProfiling', 'canaryAnalysis'];
  v.onlyKeys(raw, 'experiments', experiments);
  for (const key of experiments) v.require(raw, `experiments.${key}`, isBoolean);
  if (input.experiments.sloTailSampling && input.slos.length === 0) v.fail('experiments.sloTailSampling', 'needs at least one SLO in slos');
  if (input.experiments.canaryAnalysis && input.slos.length === 0) v.fail('experiments.canaryAnalysis', 'needs at least one SLO in slos');

  v.onlyKeys(raw, 'collection', COLLECTION_FEATURES);
  for (const key of COLLECTION_FEATURES) v.optional(raw, `collection.${key}`, isBoolean);
  const collection: CollectionConfig = { ...collectionDefaults(input.tier), ...(input.collection ?? {}) };

  v.onlyKeys(raw, 'grafana', ['anonymousRole']);
  v.require(raw, 'grafana.anonymousRole', oneOf('Viewer', 'Editor', 'Admin'));
  if (input.tier === 'production' && input.grafana.anonymousRole !== 'Viewer') {
    v.fail('grafana.anonymousRole', `must be Viewer in production (anonymous users must not edit), got ${input.grafana.anonymousRole}`);
  }
  v.optional(raw, 'storageClassName', dnsLabel);

  const multiRegion = input.multiRegion;
  let components = PLATFORM_COMPONENTS;
  if (multiRegion !== undefined) {
    const httpsUrl = isString(HTTPS_URL, 'an https:// URL (host, optional port and path) the operator exposes across clusters');
    v.require(raw, 'multiRegion.role', oneOf('regional', 'global'));
    if (multiRegion.role === 'regional') {
      v.onlyKeys(raw, 'multiRegion', ['role', 'globalMimir']);
      v.onlyKeys(raw, 'multiRegion.globalMimir', ['pushUrl', 'queryUrl']);
      v.require(raw, 'multiRegion.globalMimir.pushUrl', httpsUrl);
      v.require(raw, 'multiRegion.globalMimir.queryUrl', httpsUrl);
      components = REGIONAL_COMPONENTS;
    } else {
      v.onlyKeys(raw, 'multiRegion', ['role', 'regions']);
      v.require(raw, 'multiRegion.regions', isArray(1, 'regions (name, tempoQueryUrl, lokiQueryUrl)'));
      const names = new Set<string>();
      multiRegion.regions.forEach((region, i) => {
        v.onlyKeys(raw, `multiRegion.regions.${i}`, ['name', 'tempoQueryUrl', 'lokiQueryUrl', 'lokiPushUrl']);
        v.require(raw, `multiRegion.regions.${i}.name`, isString(REGION, 'a region id such as eu-west-1'));
        v.require(raw, `multiRegion.regions.${i}.tempoQueryUrl`, httpsUrl);
        v.require(raw, `multiRegion.regions.${i}.lokiQueryUrl`, httpsUrl);
        v.optional(raw, `multiRegion.regions.${i}.lokiPushUrl`, httpsUrl);
        if (names.has(region.name)) v.fail(`multiRegion.regions.${i}.name`, `repeats region "${region.name}"; region names must be unique`);
        names.add(region.name);
        if (i > 0 && region.lokiPushUrl !== undefined) v.fail(`multiRegion.regions.${i}.lokiPushUrl`, 'is only read from the first region (the default Loki of the global Grafana)');
      });
      components = GLOBAL_COMPONENTS;
      // No Tempo here, and the applications run in the regions.
      if (collection.applicationObservability) v.fail('collection.applicationObservability', 'must be false in a multi-region global environment (it runs no Tempo; applications send to their region)');
      const logs = LOG_FEATURES.filter((f) => collection[f]);
      if (logs.length && !multiRegion.regions[0]?.lokiPushUrl) {
        v.fail(`collection.${logs[0]}`, "writes logs, which a global environment sends to its first region's Loki: set multiRegion.regions.0.lokiPushUrl or switch it off");
      }
    }
    const other = multiRegion.role === 'regional' ? EXPERIMENTS_OF_ROLE.global : EXPERIMENTS_OF_ROLE.regional;
    for (const key of other.experiments) {
      if (input.experiments[key]) v.fail(`experiments.${key}`, `must be false in a multi-region ${multiRegion.role} environment; it runs in ${other.where}`);
    }
  }

  const zones = input.cluster.zones.length;
  const namespaces: Namespaces = {
    obi: `${prefix}-obi`,
    alloy: `${prefix}-alloy`,
    alloyNode: `${prefix}-alloy-node`,
    mimir: `${prefix}-mimir`,
    tempo: `${prefix}-tempo`,
    loki: `${prefix}-loki`,
    grafana: `${prefix}-grafana`,
  };
  if (Object.values(namespaces).includes(input.argocd.namespace)) {
    v.fail('argocd.namespace', `must not be one of MOP's own namespaces (${Object.values(namespaces).join(', ')})`);
  }
  const namespacesOf: Record<PlatformComponent, string[]> = {
    mimir: [namespaces.mimir],
    tempo: [namespaces.tempo],
    loki: [namespaces.loki],
    alloy: [namespaces.alloy, namespaces.alloyNode],
    obi: [namespaces.obi],
    grafana: [namespaces.grafana],
  };
  const platformNamespaces = components.flatMap((c) => namespacesOf[c]).sort();
  return { ...input, namespaces, replicationFactor: zones === 3 ? 3 : 1, zoneAware: zones === 3, components, platformNamespaces, collection };
}
