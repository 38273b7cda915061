/**
 * The typed configuration model of one MOP environment.
 *
 * `schema.ts` defines what an environment file (`environments/<name>.ts`) exports, and the types here are inferred
 * from it, so the type checker and the runtime check read one definition. `loadEnvironment` (`validate.ts`) checks an
 * input against the schema and the cross-field rules and returns an `Environment`, which is what every construct reads.
 */
import { EnvironmentInput } from './schema';

export type { EnvironmentInput } from './schema';

export type Tier = EnvironmentInput['tier'];
export type StoreMode = EnvironmentInput['stores']['mimir'];
export type PipelineMode = EnvironmentInput['pipeline'];
export type StorageBackend = EnvironmentInput['storage']['backend'];
export type GrafanaRole = EnvironmentInput['grafana']['anonymousRole'];
export type ClusterConfig = EnvironmentInput['cluster'];
export type ArgoCdConfig = EnvironmentInput['argocd'];
export type StorageConfig = EnvironmentInput['storage'];
export type BucketNames = NonNullable<StorageConfig['buckets']>;
export type S3Settings = NonNullable<StorageConfig['s3']>;
export type AzureSettings = NonNullable<StorageConfig['azure']>;
export type KafkaConfig = NonNullable<EnvironmentInput['kafka']>;
export type KafkaTlsConfig = NonNullable<KafkaConfig['mimirTls']>;
export type RetentionConfig = EnvironmentInput['retention'];
export type WorkloadProfile = EnvironmentInput['workload'];
export type InstrumentationConfig = EnvironmentInput['instrumentation'];
export type Sampler = InstrumentationConfig['sampler']['name'];
export type TailSamplingConfig = EnvironmentInput['tailSampling'];
export type SloConfig = EnvironmentInput['slos'][number];
export type ExperimentsConfig = EnvironmentInput['experiments'];
export type GrafanaConfig = EnvironmentInput['grafana'];
export type MultiRegionConfig = NonNullable<EnvironmentInput['multiRegion']>;
export type RegionalRole = Extract<MultiRegionConfig, { role: 'regional' }>;
export type GlobalRole = Extract<MultiRegionConfig, { role: 'global' }>;
export type RegionEndpoints = GlobalRole['regions'][number];
/** `collection` with every feature decided (the tier defaults filled in). */
export type CollectionConfig = Required<NonNullable<EnvironmentInput['collection']>>;
export type AlertingConfig = NonNullable<EnvironmentInput['alerting']>;
export type ReceiverConfig = AlertingConfig['receivers'][number];
export type SlackReceiver = Extract<ReceiverConfig, { type: 'slack' }>;
export type PagerDutyReceiver = Extract<ReceiverConfig, { type: 'pagerduty' }>;
export type OpsGenieReceiver = Extract<ReceiverConfig, { type: 'opsgenie' }>;
export type EmailReceiver = Extract<ReceiverConfig, { type: 'email' }>;
export type WebhookReceiver = Extract<ReceiverConfig, { type: 'webhook' }>;
export type MsTeamsReceiver = Extract<ReceiverConfig, { type: 'msteams' }>;
export type SecretKeyRef = SlackReceiver['webhookUrl'];
export type TeamRoute = NonNullable<AlertingConfig['teams']>[number];

/** The components an environment can run (`components` of an `Environment`). */
export type PlatformComponent = 'mimir' | 'tempo' | 'loki' | 'alloy' | 'obi' | 'grafana';

/** The platform's namespaces, derived from the prefix. */
export interface Namespaces {
  readonly obi: string;
  readonly alloy: string;
  readonly alloyNode: string;
  readonly mimir: string;
  readonly tempo: string;
  readonly loki: string;
  readonly grafana: string;
  /** The canary-analysis demo Rollout (experiment `canaryAnalysis`); created only where that experiment is on. */
  readonly canary: string;
}

/** A validated environment, as constructs see it. */
export interface Environment extends EnvironmentInput {
  readonly namespaces: Namespaces;
  /** 3 when the environment spreads over three zones, otherwise 1. */
  readonly replicationFactor: number;
  /** Zone-aware replication: true in environments with three zones. */
  readonly zoneAware: boolean;
  /**
   * The components this environment runs: all six, except in multi-region: a regional environment runs tempo, loki,
   * alloy and obi; the global one runs mimir, grafana and alloy (which collects that cluster's own telemetry).
   */
  readonly components: readonly PlatformComponent[];
  /** The namespaces MOP creates here (those of `components`, and `canary` with `canaryAnalysis`), sorted. */
  readonly platformNamespaces: readonly string[];
  /** `collection` with the tier defaults filled in. */
  readonly collection: CollectionConfig;
}
