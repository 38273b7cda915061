/**
 * The typed configuration model of one MOP environment.
 *
 * An environment file (`environments/<name>.ts`) exports an `EnvironmentInput`; `loadEnvironment` validates it
 * and returns an `Environment`, which is what every construct reads. Validation errors name the environment, the
 * field and what is allowed (see `validate.ts`).
 */

/** dev runs small single-process stores on local disk; staging and production run the scalable architectures. */
export type Tier = 'dev' | 'staging' | 'production';

/** `monolithic`: one process with `-target=all`; `distributed`: the upstream-recommended scalable architecture. */
export type StoreMode = 'monolithic' | 'distributed';

/** `filesystem` is only allowed in dev; staging and production must use object storage. */
export type PipelineMode = 'combined' | 'tiered';

export type StorageBackend = 'filesystem' | 's3' | 'gcs' | 'azure';

export type GrafanaRole = 'Viewer' | 'Editor' | 'Admin';

export interface ClusterConfig {
  /** Kubernetes cluster name, added as the `cluster` label to every metric, log stream and span. */
  readonly name: string;
  readonly region: string;
  /** Availability zones (topology.kubernetes.io/zone values). Production needs three. */
  readonly zones: readonly string[];
}

export interface ArgoCdConfig {
  readonly repoURL: string;
  readonly targetRevision: string;
  /** Destination cluster API server, `https://kubernetes.default.svc` for the cluster Argo CD runs in. */
  readonly destinationServer: string;
  /** Namespace Argo CD runs in and where Application objects live. */
  readonly namespace: string;
  readonly project: string;
  /** Namespace of the Argo Rollouts controller, which queries Mimir during canary analysis. */
  readonly rolloutsNamespace: string;
}

export interface S3Settings {
  readonly endpoint: string;
  readonly region: string;
  readonly insecure?: boolean;
  readonly forcePathStyle?: boolean;
}

export interface AzureSettings {
  readonly accountName: string;
}

export interface BucketNames {
  readonly mimirBlocks: string;
  readonly mimirRuler: string;
  readonly mimirAlertmanager: string;
  readonly tempoTraces: string;
  readonly lokiChunks: string;
  readonly lokiRuler: string;
}

export interface StorageConfig {
  readonly backend: StorageBackend;
  /** Required for every backend but `filesystem`. */
  readonly buckets?: BucketNames;
  readonly s3?: S3Settings;
  readonly azure?: AzureSettings;
  /**
   * Name of an operator-provided Secret (in each store's namespace) whose keys become environment variables
   * (`envFrom`) and are expanded in the config with `-config.expand-env=true`: `AWS_ACCESS_KEY_ID` and
   * `AWS_SECRET_ACCESS_KEY` for S3, `GOOGLE_APPLICATION_CREDENTIALS` content for GCS, `AZURE_STORAGE_KEY` for Azure.
   * Omit it to use workload identity (IRSA, GKE Workload Identity, Azure Workload Identity).
   */
  readonly credentialsSecret?: string;
}

export interface KafkaConfig {
  /** Bootstrap address of an existing Kafka-compatible cluster, `host:port`. MOP never deploys Kafka. */
  readonly address: string;
  readonly mimirTopic: string;
  readonly tempoTopic: string;
  /** Partitions of the topics (upstream: at least the number of ingesters / live-stores per zone). */
  readonly partitions: number;
  /** Secret holding `username` and `password` for SASL/PLAIN. */
  readonly saslSecret?: string;
}

export interface RetentionConfig {
  /** Durations in Prometheus form, for example `15d`, `720h`. */
  readonly metrics: string;
  readonly traces: string;
  readonly logs: string;
}

/** The load the stores carry; replicas and resources in staging and production are computed from it. */
export interface WorkloadProfile {
  readonly activeSeries: number;
  readonly samplesPerSecond: number;
  readonly spansPerSecond: number;
  readonly bytesPerSpan: number;
  /** Share of traces that contain an error span (0..1). */
  readonly traceErrorRatio: number;
  /** Share of traces slower than their service's SLO latency threshold (0..1). */
  readonly traceSlowRatio: number;
  readonly logsGBPerDay: number;
  readonly queriesPerSecond: number;
}

export interface InstrumentationConfig {
  /** Namespaces (globs, as OBI's discovery expects) whose workloads OBI instruments. */
  readonly namespaces: readonly string[];
  /** Optional pod label selectors (globs) that further restrict what OBI instruments. */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** OBI's head sampler: OpenTelemetry sampler name and argument. */
  readonly sampler: { readonly name: Sampler; readonly arg?: string };
  /** Network flow metrics (needs hostNetwork). */
  readonly networkMetrics: boolean;
  /** `privileged` (default) or the documented fine-grained capability set. */
  readonly securityMode: 'privileged' | 'capabilities';
}

export type Sampler =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

export interface TailSamplingConfig {
  /** Probabilistic baseline of traces kept regardless of outcome, in percent. */
  readonly baselinePercent: number;
  /** Upper bound of spans per second the sampler keeps through the baseline and rate-limit policies. */
  readonly spansPerSecondLimit: number;
  /** How long the sampler waits for the spans of a trace before deciding, as a Go duration. */
  readonly decisionWait: string;
}

export interface SloConfig {
  /** Service name as OBI reports it (`service.name`, the `service_name` label). */
  readonly service: string;
  readonly namespace: string;
  /** Availability objective in percent, for example 99.9. */
  readonly objectivePercent: number;
  /** Requests slower than this count against the latency objective. */
  readonly latencyThresholdMs: number;
  /** Share of requests that must be faster than the threshold, in percent. */
  readonly latencyObjectivePercent: number;
}

/** The OBI experiments (docs/experiments/), each switched on per environment. */
export interface ExperimentsConfig {
  /** Tail sampling keeps every trace that breaches its service's SLO (latency policies from `slos`). */
  readonly sloTailSampling: boolean;
  /** Service dependency graph from Tempo service graphs, OBI network metrics and the TCP lifecycle probe. */
  readonly serviceDependencyGraph: boolean;
  /** Span metrics by database system and operation, a slowest-queries dashboard and a p99 regression alert. */
  readonly databaseProfiling: boolean;
  /** Argo Rollouts AnalysisTemplates per SLO service and an example canary Rollout (needs Argo Rollouts installed). */
  readonly canaryAnalysis: boolean;
}

/**
 * Multi-region (docs/experiments/multi-region.md): traces and logs stay in their region, metrics go to one global
 * Mimir. Generated by `environments/multi-region.ts`; the URLs are HTTPS addresses the operator exposes across
 * clusters (an ingress or gateway in the target cluster, in a namespace labelled `mop.dev/cross-region-access:
 * "true"`); MOP renders no ingress, as with Kafka.
 */
export type MultiRegionConfig = RegionalRole | GlobalRole;

/** A region's cluster: OBI, Alloy, Tempo and Loki; metrics go to the global Mimir, labelled `region=<cluster.region>`. */
export interface RegionalRole {
  readonly role: 'regional';
  readonly globalMimir: {
    /** Remote-write URL of the global Mimir distributor, e.g. `https://mimir.example.com/api/v1/push`. */
    readonly pushUrl: string;
    /** Prometheus API of the global Mimir query-frontend, e.g. `https://mimir.example.com/prometheus`. */
    readonly queryUrl: string;
  };
}

/** The global cluster: Mimir for every region's metrics and one Grafana with a Tempo and a Loki datasource per region. */
export interface GlobalRole {
  readonly role: 'global';
  readonly regions: readonly RegionEndpoints[];
}

export interface RegionEndpoints {
  /** The region's `cluster.region` (the `region` label of its metrics). */
  readonly name: string;
  /** Base URL of the region's Tempo query-frontend, e.g. `https://tempo.eu-west-1.example.com`. */
  readonly tempoQueryUrl: string;
  /** Base URL of the region's Loki query-frontend. */
  readonly lokiQueryUrl: string;
  /**
   * Loki push URL of the region (`…/loki/api/v1/push`), set on the first region only: the global cluster's own logs
   * go there (its Grafana's default Loki datasource reads that region).
   */
  readonly lokiPushUrl?: string;
}

/**
 * What the Alloy pipeline collects, feature by feature (docs/alloy.md, "Collection features"; the features of
 * grafana/k8s-monitoring-helm 3.x). Each is switched on or off per environment; omitted fields take the tier's
 * default (`collectionDefaults` in validate.ts: everything on in staging and production, a laptop-sized set in dev).
 */
export interface CollectionConfig {
  /** Kubelet `/metrics`, `/metrics/cadvisor` and `/metrics/resource` on every node, through allow-lists. */
  readonly kubelet: boolean;
  /** A kube-state-metrics Deployment (Deployments, pods, jobs, PVCs, nodes as metrics), scraped by the pipeline. */
  readonly kubeStateMetrics: boolean;
  /** A node-exporter DaemonSet in the host network namespace (CPU, memory, disks, `node_network_*` of the node). */
  readonly nodeExporter: boolean;
  /** The Kubernetes API server and CoreDNS. */
  readonly controlPlane: boolean;
  /** Container logs from /var/log/pods. */
  readonly podLogs: boolean;
  /** Kubelet and container-runtime logs from the systemd journal of every node. */
  readonly nodeLogs: boolean;
  /** Kubernetes events as logs. */
  readonly clusterEvents: boolean;
  /** Metrics of pods and Services annotated `k8s.grafana.com/scrape: "true"` (or `prometheus.io/scrape`). */
  readonly annotationAutodiscovery: boolean;
  /** ServiceMonitor and PodMonitor objects; needs the monitoring.coreos.com CRDs in the cluster. */
  readonly prometheusOperatorObjects: boolean;
  /** OTLP (traces, metrics, logs), Zipkin and Jaeger from SDK-instrumented applications, enriched by `k8sattributes`. */
  readonly applicationObservability: boolean;
}

/** The components an environment can run (`components` of an `Environment`). */
export type PlatformComponent = 'mimir' | 'tempo' | 'loki' | 'alloy' | 'obi' | 'grafana';

export interface GrafanaConfig {
  readonly anonymousRole: GrafanaRole;
}

/** What a user writes in `environments/<name>.ts`. */
export interface EnvironmentInput {
  readonly name: string;
  readonly tier: Tier;
  readonly cluster: ClusterConfig;
  readonly argocd: ArgoCdConfig;
  /** Prefix of every MOP namespace (`<prefix>-mimir`, ...). */
  readonly namespacePrefix: string;
  readonly stores: { readonly mimir: StoreMode; readonly tempo: StoreMode; readonly loki: StoreMode };
  /**
   * `combined`: one Alloy node agent per node receives, samples and writes (dev, one node).
   * `tiered`: node agents forward traces by trace ID to a clustered sampling gateway, which writes to the stores.
   */
  readonly pipeline: PipelineMode;
  readonly storage: StorageConfig;
  readonly kafka?: KafkaConfig;
  readonly retention: RetentionConfig;
  /** Tenant (X-Scope-OrgID) every pipeline writes and Grafana reads as. */
  readonly tenant: string;
  readonly workload: WorkloadProfile;
  readonly instrumentation: InstrumentationConfig;
  readonly tailSampling: TailSamplingConfig;
  readonly slos: readonly SloConfig[];
  readonly experiments: ExperimentsConfig;
  /** Collection features to switch on or off; omitted ones take the tier default. */
  readonly collection?: Partial<CollectionConfig>;
  readonly grafana: GrafanaConfig;
  /** Default storage class for PVCs; omit to use the cluster default. */
  readonly storageClassName?: string;
  /** Part of a multi-region deployment (generated by `environments/multi-region.ts`); omit for a single cluster. */
  readonly multiRegion?: MultiRegionConfig;
}

/** The platform's namespaces, derived from the prefix. */
export interface Namespaces {
  readonly obi: string;
  readonly alloy: string;
  readonly alloyNode: string;
  readonly mimir: string;
  readonly tempo: string;
  readonly loki: string;
  readonly grafana: string;
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
  /** The namespaces MOP creates here (those of `components`), sorted. */
  readonly platformNamespaces: readonly string[];
  /** `collection` with the tier defaults filled in. */
  readonly collection: CollectionConfig;
}
