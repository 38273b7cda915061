import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ENVIRONMENTS, EnvironmentConfigError, EnvironmentInput, loadEnvironment } from '../../environments';
import { dev } from '../../environments/dev';
import { production } from '../../environments/production';
import { staging } from '../../environments/staging';
import { PRODUCTION_MULTI_REGION_ENVIRONMENTS } from '../../environments/multi-region';
import { loadEnvironments, main, synth } from '../../main';
import { PROJECT_ROOT } from '../support/paths';
import { snapshotTree } from '../support/tree';

/** A deep copy of a valid environment with one deliberate mistake; `any` because the mistakes are ill-typed on purpose. */
function variant(base: EnvironmentInput, change: (e: any) => void): EnvironmentInput {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

const regional = PRODUCTION_MULTI_REGION_ENVIRONMENTS[0];
const globalEnv = PRODUCTION_MULTI_REGION_ENVIRONMENTS[PRODUCTION_MULTI_REGION_ENVIRONMENTS.length - 1];

interface Case {
  /** What is wrong, in words. */
  readonly name: string;
  /** The rule class of issue #14 it belongs to. */
  readonly kind: string;
  /** The environments synth is given: the broken one with the others it must not collide with. */
  readonly environments: readonly EnvironmentInput[];
  readonly env: string;
  readonly field: string;
  /** What the message must say (value and what is allowed). */
  readonly says: RegExp;
}

/** One broken environment in the company of valid ones it does not collide with. */
function alone(kind: string, name: string, config: EnvironmentInput, field: string, says: RegExp): Case {
  return { kind, name, environments: [config], env: config.name, field, says };
}

/** Copy staging under another name and change only what `change` changes: the README's recipe, done carelessly. */
function copyOfStaging(change: (e: any) => void): EnvironmentInput {
  return variant(staging, (e) => {
    e.name = 'staging-eu';
    change(e);
  });
}

/** The copy's own buckets, then its own topics, then its own project: each step fixes one more collision. */
const ownBuckets = (e: any) => (e.storage.buckets = Object.fromEntries(Object.entries(e.storage.buckets).map(([k, v]) => [k, `${v}-eu`])));
const ownTopics = (e: any) => {
  ownBuckets(e);
  e.kafka.mimirTopic += '-eu';
  e.kafka.tempoTopic += '-eu';
};
const ownProject = (e: any) => {
  ownTopics(e);
  e.argocd.project = 'mop-staging-eu';
};

const longTenant = 'a'.repeat(151);

const CASES: Case[] = [
  // Ports that end up in NetworkPolicies (the API server refuses ports outside 1-65535).
  alone('port', 'Kafka broker port above 65535', variant(staging, (e) => (e.kafka.address = 'kafka:99999')), 'kafka.address', /got "kafka:99999"; .*1 to 65535/),
  alone('port', 'Kafka broker port 0', variant(production, (e) => (e.kafka.address = 'kafka-0:9093,kafka-1:0')), 'kafka.address', /broker "kafka-1:0"/),
  alone('port', 'Kafka address without a port', variant(production, (e) => (e.kafka.address = 'kafka')), 'kafka.address', /port is required/),
  alone('port', 'Kafka broker host with an underscore', variant(staging, (e) => (e.kafka.address = 'kafka_broker:9092')), 'kafka.address', /host name/),
  alone('port', 'S3 endpoint port above 65535', variant(staging, (e) => (e.storage.s3.endpoint = 'minio.minio.svc:70000')), 'storage.s3.endpoint', /got "minio.minio.svc:70000"; .*1 to 65535/),
  alone('port', 'S3 endpoint with a scheme', variant(staging, (e) => (e.storage.s3.endpoint = 'https://s3.amazonaws.com')), 'storage.s3.endpoint', /without a scheme/),
  alone('port', 'cross-region URL with port 0', variant(regional, (e) => (e.multiRegion.globalMimir.pushUrl = 'https://mimir.example.com:0/api/v1/push')), 'multiRegion.globalMimir.pushUrl', /port is from 1 to 65535/),
  // Tenant IDs Mimir, Loki and Tempo refuse (grafana/dskit ValidTenantID, Mimir about-tenant-ids).
  alone('tenant', 'tenant "."', variant(dev, (e) => (e.tenant = '.')), 'tenant', /got "\."; .*ValidTenantID/),
  alone('tenant', 'tenant ".."', variant(dev, (e) => (e.tenant = '..')), 'tenant', /got "\.\."/),
  alone('tenant', "Mimir's reserved tenant", variant(dev, (e) => (e.tenant = '__mimir_cluster')), 'tenant', /__mimir_cluster/),
  alone('tenant', 'tenant with a slash', variant(dev, (e) => (e.tenant = 'team/a')), 'tenant', /got "team\/a"/),
  alone('tenant', 'tenant with a space', variant(dev, (e) => (e.tenant = 'team a')), 'tenant', /tenant ID/),
  alone('tenant', 'tenant with the multi-tenant separator', variant(dev, (e) => (e.tenant = 'a|b')), 'tenant', /got "a\|b"/),
  alone('tenant', 'tenant over 150 bytes', variant(dev, (e) => (e.tenant = longTenant)), 'tenant', /1 to 150 characters/),
  alone('tenant', 'empty tenant', variant(dev, (e) => (e.tenant = '')), 'tenant', /got ""/),
  // Bucket names the provider forbids.
  alone('bucket', 'S3 bucket with capitals and underscore', variant(staging, (e) => (e.storage.buckets.tempoTraces = 'Tempo_Traces')), 'storage.buckets.tempoTraces', /S3 bucket name/),
  alone('bucket', 'S3 bucket with the xn-- prefix', variant(staging, (e) => (e.storage.buckets.lokiChunks = 'xn--loki-chunks')), 'storage.buckets.lokiChunks', /prefix xn--/),
  alone('bucket', 'S3 bucket with the -s3alias suffix', variant(staging, (e) => (e.storage.buckets.lokiRuler = 'mop-loki-ruler-s3alias')), 'storage.buckets.lokiRuler', /-s3alias/),
  alone('bucket', 'S3 bucket named like an IP address', variant(staging, (e) => (e.storage.buckets.mimirRuler = '192.168.10.1')), 'storage.buckets.mimirRuler', /IP address/),
  alone('bucket', 'S3 bucket with two adjacent dots', variant(staging, (e) => (e.storage.buckets.mimirBlocks = 'mop..blocks')), 'storage.buckets.mimirBlocks', /no "\.\."/),
  alone('bucket', 'GCS bucket containing "google"', variant(staging, (e) => { e.storage = { backend: 'gcs', buckets: { ...e.storage.buckets, mimirBlocks: 'mop-google-blocks' } }; }), 'storage.buckets.mimirBlocks', /GCS bucket name/),
  alone('bucket', 'Azure container with two hyphens in a row', variant(staging, (e) => { e.storage = { backend: 'azure', azure: { accountName: 'mopstaging' }, buckets: { ...e.storage.buckets, tempoTraces: 'tempo--traces' } }; }), 'storage.buckets.tempoTraces', /Azure container name/),
  alone('bucket', 'one bucket for two stores', variant(production, (e) => (e.storage.buckets.mimirRuler = e.storage.buckets.mimirBlocks)), 'storage.buckets', /distinct buckets/),
  alone('bucket', 'object storage without buckets', variant(production, (e) => delete e.storage.buckets), 'storage.buckets', /^missing; s3 storage needs bucket names/),
  // Retention that deletes data, or that the store refuses.
  alone('retention', 'logs below Loki\'s 24h minimum', variant(dev, (e) => (e.retention.logs = '12h')), 'retention.logs', /got "12h"; must be at least 24h.*The minimum retention period is 24h/),
  alone('retention', 'metrics retention 0', variant(dev, (e) => (e.retention.metrics = '0')), 'retention.metrics', /got "0"; must be at least 24h/),
  alone('retention', 'traces retention without a unit', variant(dev, (e) => (e.retention.traces = '30')), 'retention.traces', /duration such as 15d/),
  alone('retention', 'units in the wrong order', variant(dev, (e) => (e.retention.logs = '30m1h')), 'retention.logs', /largest first/),
  alone('retention', 'metrics shorter than the SLO alert windows', variant(staging, (e) => (e.retention.metrics = '2d')), 'retention.metrics', /at least 3d: the SLO burn-rate alerts/),
  alone('retention', 'retention of two centuries', variant(production, (e) => (e.retention.metrics = '200y')), 'retention.metrics', /at most 100y/),
  // Tail-sampling waits.
  alone('tail sampling', 'decision before spans arrive', variant(staging, (e) => (e.tailSampling.decisionWait = '100ms')), 'tailSampling.decisionWait', /got "100ms"; must be from 1s/),
  alone('tail sampling', 'traces held for days', variant(production, (e) => (e.tailSampling.decisionWait = '72h')), 'tailSampling.decisionWait', /to 120s/),
  alone('tail sampling', 'decision wait without a unit', variant(dev, (e) => (e.tailSampling.decisionWait = '10')), 'tailSampling.decisionWait', /Go duration/),
  // The wrong runtime shape (what a JavaScript environment file or a cast lets through the type checker).
  alone('shape', 'a string where a label map belongs', variant(staging, (e) => (e.instrumentation.podLabels = 'app=checkout')), 'instrumentation.podLabels', /got "app=checkout"; must map Kubernetes label keys/),
  alone('shape', 'a label map with an invalid key', variant(staging, (e) => (e.instrumentation.podLabels = { 'app name': 'x' })), 'instrumentation.podLabels', /got the key "app name"/),
  alone('shape', 'a string where the zone list belongs', variant(staging, (e) => (e.cluster.zones = 'eu-west-1a')), 'cluster.zones', /got "eu-west-1a"; must be a list of zone names/),
  alone('shape', 'a number written as a string', variant(staging, (e) => (e.workload.activeSeries = '500000')), 'workload.activeSeries', /got "500000"; must be an integer/),
  alone('shape', 'a switch written as "yes"', variant(staging, (e) => (e.experiments.canaryAnalysis = 'yes')), 'experiments.canaryAnalysis', /got "yes"; must be true or false/),
  alone('shape', 'an object where the SLO list belongs', variant(staging, (e) => (e.slos = {})), 'slos', /got \{\}; must be a list/),
  alone('shape', 'a fractional partition count', variant(staging, (e) => (e.kafka.partitions = 6.5)), 'kafka.partitions', /got 6.5; must be an integer/),
  alone('shape', 'a misspelt field', variant(dev, (e) => { e.retentions = e.retention; delete e.retention; }), 'retention', /^missing; must be an object/),
  alone('shape', 'an unknown top-level field', variant(dev, (e) => (e.replicas = 3)), 'replicas', /is not a known field \(known: name, tier/),
  alone('shape', 'a missing tenant', variant(dev, (e) => delete e.tenant), 'tenant', /^missing; must be a string: a tenant ID/),
  alone('shape', 'null where the cluster belongs', variant(dev, (e) => (e.cluster = null)), 'cluster', /got null; must be an object/),
  alone('shape', 'an unknown storage backend', variant(staging, (e) => (e.storage.backend = 'minio')), 'storage.backend', /got "minio"; must be one of filesystem, s3, gcs, azure/),
  alone('shape', 'an unknown multi-region role', variant(regional, (e) => (e.multiRegion = { role: 'edge' })), 'multiRegion.role', /got "edge"/),
  // NaN and Infinity are reported as such (JSON would print null).
  alone('number', 'NaN spans per second', variant(staging, (e) => (e.workload.spansPerSecond = NaN)), 'workload.spansPerSecond', /got NaN; must be a finite number/),
  alone('number', 'an infinite baseline', variant(staging, (e) => (e.tailSampling.baselinePercent = Infinity)), 'tailSampling.baselinePercent', /got Infinity; must be a finite number from 0 to 100/),
  alone('number', 'negative active series', variant(staging, (e) => (e.workload.activeSeries = -5)), 'workload.activeSeries', /got -5; must be an integer from 1 to/),
  alone('number', 'SLO objective of 100 %', variant(production, (e) => (e.slos[0].objectivePercent = 100)), 'slos.0.objectivePercent', /got 100; must be a finite number from 50 to 99.999/),
  // SLOs OBI cannot measure, experiments without what they need.
  alone('slo', 'an SLO in a namespace OBI does not instrument', variant(staging, (e) => (e.slos[0].namespace = 'billing')), 'slos.0.namespace', /got "billing"; must be a namespace OBI instruments \(instrumentation.namespaces: shop, payments\)/),
  alone('slo', 'SLO latency threshold between histogram buckets', variant(staging, (e) => (e.slos[0].latencyThresholdMs = 400)), 'slos.0.latencyThresholdMs', /got 400; must be a bucket boundary of OBI's request-duration histogram/),
  alone('slo', 'two SLOs for one service', variant(production, (e) => e.slos.push({ ...e.slos[0] })), 'slos.3.service', /one SLO per service/),
  alone('experiment', 'canary analysis without SLOs', variant(staging, (e) => { e.slos = []; e.experiments.sloTailSampling = false; }), 'experiments.canaryAnalysis', /needs at least one SLO/),
  alone('experiment', 'SLO tail sampling without SLOs', variant(dev, (e) => (e.slos = [])), 'experiments.sloTailSampling', /needs at least one SLO/),
  alone('experiment', 'dependency graph without network metrics', variant(staging, (e) => (e.instrumentation.networkMetrics = false)), 'experiments.serviceDependencyGraph', /needs instrumentation.networkMetrics: true/),
  alone('experiment', 'a global-only experiment in a region', variant(regional, (e) => (e.experiments.databaseProfiling = true)), 'experiments.databaseProfiling', /must be false in a multi-region regional environment/),
  // Capacity: checked at validation, never as a stack trace at render time.
  alone('capacity', 'fewer Kafka partitions than ingesters per zone', variant(production, (e) => (e.kafka.partitions = 1)), 'kafka.partitions', /got 1; must be at least \d+: the workload needs \d+ Mimir ingesters per zone/),
  alone('capacity', 'fewer partitions than live-stores', variant(regional, (e) => (e.kafka.partitions = 1)), 'kafka.partitions', /Tempo live-stores per zone/),
  // The architecture rules.
  alone('architecture', 'upper-case name', variant(dev, (e) => (e.name = 'Dev')), 'name', /got "Dev"; must be a DNS label/),
  alone('architecture', 'unknown tier', variant(dev, (e) => (e.tier = 'qa')), 'tier', /got "qa"; must be one of dev, staging, production/),
  alone('architecture', 'production with two zones', variant(production, (e) => (e.cluster.zones = ['a', 'b'])), 'cluster.zones', /exactly 3 zones/),
  alone('architecture', 'repeated zone', variant(staging, (e) => (e.cluster.zones = ['a', 'a', 'b'])), 'cluster.zones', /must not repeat/),
  alone('architecture', 'staging on filesystem storage', variant(staging, (e) => (e.storage = { backend: 'filesystem' })), 'storage.backend', /filesystem is only allowed in dev/),
  alone('architecture', 'distributed stores without Kafka', variant(staging, (e) => delete e.kafka), 'kafka', /existing Kafka/),
  alone('architecture', 'Kafka in an environment whose stores do not use it', variant(dev, (e) => (e.kafka = structuredClone(staging.kafka))), 'kafka', /only used by distributed Mimir or Tempo/),
  alone('architecture', 'Kafka TLS, which the pinned Tempo cannot use', variant(production, (e) => (e.kafka.tlsSecret = 'kafka-ca')), 'kafka.tlsSecret', /not supported: the pinned Tempo \(3\.0\.3\) has no Kafka TLS/),
  alone('kafka', 'Kafka TLS for Tempo', variant(production, (e) => (e.kafka.tempoTls = { caSecret: 'kafka-ca' })), 'kafka.tempoTls', /not supported: the pinned Tempo \(3\.0\.3\) has no Kafka TLS client settings/),
  alone('kafka', "Mimir Kafka TLS sharing Tempo's plaintext listener", variant(production, (e) => delete e.kafka.mimirTls.address), 'kafka.mimirTls.address', /^missing; is required while distributed Tempo shares this Kafka/),
  alone('kafka', 'Mimir Kafka TLS with an unknown field', variant(production, (e) => (e.kafka.mimirTls.ca = 'x')), 'kafka.mimirTls.ca', /is not a known field \(known: address, caSecret, clientCertSecret, serverName\)/),
  alone('kafka', 'Mimir Kafka TLS address without port', variant(production, (e) => (e.kafka.mimirTls.address = 'kafka-tls')), 'kafka.mimirTls.address', /got "kafka-tls"; .*port is required/),
  alone('kafka', 'SCRAM while Tempo shares the Kafka', variant(production, (e) => (e.kafka.saslMechanism = 'SCRAM-SHA-512')), 'kafka.saslMechanism', /got "SCRAM-SHA-512"; must be PLAIN while distributed Tempo shares this Kafka/),
  alone('kafka', 'unknown SASL mechanism', variant(production, (e) => (e.kafka.saslMechanism = 'GSSAPI')), 'kafka.saslMechanism', /got "GSSAPI"; must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512/),
  alone('kafka', 'SASL mechanism without credentials', variant(staging, (e) => (e.kafka.saslMechanism = 'PLAIN')), 'kafka.saslMechanism', /needs kafka.saslSecret/),
  alone('architecture', 'monolithic Mimir in production', variant(production, (e) => (e.stores.mimir = 'monolithic')), 'stores.mimir', /must be distributed/),
  alone('architecture', 'ratio sampler without ratio', variant(dev, (e) => (e.instrumentation.sampler = { name: 'traceidratio' })), 'instrumentation.sampler.arg', /ratio between 0 and 1/),
  alone('architecture', 'instrumenting a platform namespace', variant(dev, (e) => (e.instrumentation.namespaces = ['mop-mimir'])), 'instrumentation.namespaces.0', /got "mop-mimir"; must not name one of the platform's own namespaces/),
  alone('architecture', 'anonymous Admin in production', variant(production, (e) => (e.grafana.anonymousRole = 'Admin')), 'grafana.anonymousRole', /must be Viewer in production/),
  alone('architecture', 'non-https repo URL', variant(dev, (e) => (e.argocd.repoURL = 'ftp://example.org/repo')), 'argocd.repoURL', /Git URL/),
  alone('architecture', 'components project named like the bootstrap project', variant(dev, (e) => (e.argocd.project = 'mop-dev-bootstrap')), 'argocd.project', /got "mop-dev-bootstrap"; must not be the root Application's own project/),
  alone('architecture', 'Argo CD in the canary demo namespace', variant(staging, (e) => (e.argocd.namespace = 'mop-canary')), 'argocd.namespace', /must not be one of MOP's own namespaces/),
  alone('architecture', 'Argo CD in a MOP namespace', variant(dev, (e) => (e.argocd.namespace = 'mop-grafana')), 'argocd.namespace', /must not be one of MOP's own namespaces/),
  // Collection features (docs/alloy.md, ADR 0011).
  alone('collection', 'unknown collection feature', variant(staging, (e) => (e.collection = { tracing: true })), 'collection.tracing', /is not a known field \(known: kubelet, kubeStateMetrics/),
  alone('collection', 'collection feature that is not a boolean', variant(dev, (e) => (e.collection = { podLogs: 'yes' })), 'collection.podLogs', /got "yes"; must be true or false/),
  alone('collection', 'application observability without a Tempo', variant(globalEnv, (e) => (e.collection.applicationObservability = true)), 'collection.applicationObservability', /must be false in a multi-region global environment/),
  alone('collection', 'global logs without a region Loki to write to', variant(globalEnv, (e) => delete e.multiRegion.regions[0].lokiPushUrl), 'collection.podLogs', /set multiRegion\.regions\.0\.lokiPushUrl or switch it off/),
  alone('collection', 'a Loki push URL on a second region', variant(globalEnv, (e) => (e.multiRegion.regions[1].lokiPushUrl = 'https://loki.us-east-1.mop.example.com/loki/api/v1/push')), 'multiRegion.regions.1.lokiPushUrl', /only read from the first region/),
  alone('collection', 'a plain-http Loki push URL', variant(globalEnv, (e) => (e.multiRegion.regions[0].lokiPushUrl = 'http://loki.example.com/loki/api/v1/push')), 'multiRegion.regions.0.lokiPushUrl', /https:\/\/ URL/),
  // Notification routing (env.alerting, docs/architecture/0010-alert-notifications.md).
  alone('alerting', 'unknown receiver type', variant(production, (e) => (e.alerting.receivers[0].type = 'sms')), 'alerting.receivers.0.type', /got "sms"; must be a receiver whose type is one of slack, pagerduty, opsgenie, email, webhook, msteams/),
  alone('alerting', 'inline webhook URL instead of a Secret key', variant(staging, (e) => (e.alerting.receivers[1].url = 'https://hooks.example.com/abc')), 'alerting.receivers.1.url', /must reference a key of an operator-created Secret .* never the credential or URL itself/),
  alone('alerting', 'receiver field of another type', variant(production, (e) => (e.alerting.receivers[0].channel = '#oncall')), 'alerting.receivers.0.channel', /is not a known field \(known: name, type, routingKey\)/),
  alone('alerting', 'Secret key with a slash', variant(production, (e) => (e.alerting.receivers[1].webhookUrl.key = 'slack/url')), 'alerting.receivers.1.webhookUrl.key', /got "slack\/url"; must be a Secret key/),
  alone('alerting', 'two receivers with one name', variant(production, (e) => (e.alerting.receivers[1].name = e.alerting.receivers[0].name)), 'alerting.receivers.1.name', /must be unique/),
  alone('alerting', "receiver named like MOP's own", variant(staging, (e) => (e.alerting.receivers[0].name = 'mop-no-receiver')), 'alerting.receivers.0.name', /reserved/),
  alone('alerting', 'page routed to an unknown receiver', variant(staging, (e) => (e.alerting.page = 'pagerduty')), 'alerting.page', /got "pagerduty"; must name one of alerting.receivers \(platform-slack, heartbeat\)/),
  alone('alerting', 'SMTP user without password', variant(production, (e) => delete e.alerting.receivers[2].authPassword), 'alerting.receivers.2.authPassword', /go together/),
  alone('alerting', 'SMTP relay without port', variant(production, (e) => (e.alerting.receivers[2].smarthost = 'smtp.example.com')), 'alerting.receivers.2.smarthost', /host:port/),
  alone('alerting', 'OpsGenie API over http', variant(production, (e) => (e.alerting.receivers[4].apiUrl = 'http://api.opsgenie.com/')), 'alerting.receivers.4.apiUrl', /https:\/\//),
  alone('alerting', 'namespace claimed by two teams', variant(production, (e) => (e.alerting.teams[1].namespaces = ['payments'])), 'alerting.teams.1.namespaces.0', /already routes to team "payments"/),
  // Environments that collide: the later one is named.
  {
    kind: 'collision',
    name: "a copy of staging that only changed its name (staging's buckets)",
    environments: [dev, staging, copyOfStaging(() => {})],
    env: 'staging-eu',
    field: 'storage.buckets.mimirBlocks',
    says: /got "example-mop-staging-mimir-blocks"; must not be used by another environment \(environment "staging" uses it\)/,
  },
  {
    kind: 'collision',
    name: "a copy with its own buckets but staging's Kafka topics",
    environments: [staging, copyOfStaging(ownBuckets)],
    env: 'staging-eu',
    field: 'kafka.mimirTopic',
    says: /environment "staging" uses it.*other’s records/,
  },
  {
    kind: 'collision',
    name: "a copy with its own buckets and topics but staging's Argo CD project",
    environments: [staging, copyOfStaging(ownTopics)],
    env: 'staging-eu',
    field: 'argocd.project',
    says: /got "mop-staging"; must not be used by another environment/,
  },
  {
    kind: 'collision',
    name: "a copy on staging's cluster with staging's namespace prefix",
    environments: [staging, copyOfStaging(ownProject)],
    env: 'staging-eu',
    field: 'namespacePrefix',
    says: /two environments on cluster "mop-staging" with one prefix/,
  },
  {
    kind: 'collision',
    name: 'two environments with one name',
    environments: [dev, variant(dev, (e) => (e.cluster.name = 'kind-other'))],
    env: 'dev',
    field: 'name',
    says: /environment names are unique/,
  },
  {
    kind: 'collision',
    name: 'a region the global environment does not list',
    environments: [...PRODUCTION_MULTI_REGION_ENVIRONMENTS.slice(0, 1), ...PRODUCTION_MULTI_REGION_ENVIRONMENTS.slice(2)],
    env: 'production-global',
    field: 'multiRegion.regions.1.name',
    says: /got "us-east-1"; must be the cluster.region of a regional environment/,
  },
];

describe('invalid environment configurations are refused with one line naming environment, field, value and rule', () => {
  test('there are at least 40 cases, in every class of issue #14', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.kind))).toEqual(
      new Set(['port', 'tenant', 'bucket', 'retention', 'tail sampling', 'shape', 'number', 'slo', 'experiment', 'capacity', 'architecture', 'kafka', 'alerting', 'collection', 'collision']),
    );
  });

  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    let error: unknown;
    try {
      loadEnvironments(c.environments);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvironmentConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message.slice(0, `environment "${c.env}": ${c.field}: `.length)).toBe(`environment "${c.env}": ${c.field}: `);
    expect(message.slice(`environment "${c.env}": ${c.field}: `.length)).toMatch(c.says);
  });

  test('the shipped environments are valid, together', () => {
    expect(() => loadEnvironments(ENVIRONMENTS)).not.toThrow();
  });

  test('an S3-compatible endpoint off port 443 is accepted', () => {
    const minio = variant(staging, (e) => (e.storage.s3 = { endpoint: 'minio.minio.svc:9000', region: 'us-east-1', insecure: true, forcePathStyle: true }));
    expect(() => loadEnvironment(minio)).not.toThrow();
  });
});

describe('synth refuses each of them on the command line and leaves dist/ and docs/ as they were', () => {
  let outdir: string;
  let before: Record<string, string>;
  const realDoc = path.join(PROJECT_ROOT, 'docs', 'network-flows.md');
  let realDocBefore: string;
  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mop-bad-input-'));
    synth({ outdir, environments: [dev, staging], docsDir: outdir });
    before = snapshotTree(outdir);
    realDocBefore = fs.readFileSync(realDoc, 'utf8');
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = main(['--outdir', outdir], c.environments, { out: (t) => out.push(t), err: (t) => err.push(t) });
    expect(code).toBe(1);
    expect(out.join('')).toBe('');
    const stderr = err.join('');
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(stderr).toMatch(new RegExp(`^synth failed: environment "${c.env}": ${c.field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(snapshotTree(outdir)).toEqual(before);
    expect(fs.readFileSync(realDoc, 'utf8')).toBe(realDocBefore);
  });
});
