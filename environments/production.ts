import { EnvironmentInput } from './model';

/** Production: zone-aware replication over three zones, object storage, an existing Kafka. */
export const production: EnvironmentInput = {
  name: 'production',
  tier: 'production',
  cluster: { name: 'mop-production', region: 'eu-west-1', zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] },
  argocd: {
    repoURL: 'https://github.com/example-org/mop.git',
    targetRevision: 'main',
    destinationServer: 'https://kubernetes.default.svc',
    namespace: 'argocd',
    project: 'mop-production',
    rolloutsNamespace: 'argo-rollouts',
  },
  namespacePrefix: 'mop',
  stores: { mimir: 'distributed', tempo: 'distributed', loki: 'distributed' },
  pipeline: 'tiered',
  storage: {
    backend: 's3',
    s3: { endpoint: 's3.eu-west-1.amazonaws.com', region: 'eu-west-1' },
    buckets: {
      mimirBlocks: 'example-mop-production-mimir-blocks',
      mimirRuler: 'example-mop-production-mimir-ruler',
      mimirAlertmanager: 'example-mop-production-mimir-alertmanager',
      tempoTraces: 'example-mop-production-tempo-traces',
      lokiChunks: 'example-mop-production-loki-chunks',
      lokiRuler: 'example-mop-production-loki-ruler',
    },
    credentialsSecret: 'mop-object-storage',
  },
  kafka: {
    address: 'kafka-bootstrap.kafka.svc:9093',
    mimirTopic: 'mop-production-mimir-ingest',
    tempoTopic: 'mop-production-tempo-ingest',
    partitions: 12,
    saslSecret: 'mop-kafka-sasl',
    // Mimir over TLS to the brokers' TLS listener; Tempo 3.0.3 has no Kafka TLS and keeps the SASL listener above.
    mimirTls: { address: 'kafka-bootstrap.kafka.svc:9094', caSecret: 'mop-kafka-ca' },
  },
  retention: { metrics: '400d', traces: '30d', logs: '90d' },
  tenant: 'production',
  workload: {
    activeSeries: 3_000_000,
    samplesPerSecond: 200_000,
    spansPerSecond: 40_000,
    bytesPerSpan: 700,
    traceErrorRatio: 0.01,
    traceSlowRatio: 0.02,
    logsGBPerDay: 500,
    queriesPerSecond: 20,
  },
  instrumentation: {
    namespaces: ['shop', 'payments', 'search'],
    sampler: { name: 'parentbased_always_on' },
    networkMetrics: true,
    securityMode: 'privileged',
  },
  tailSampling: { baselinePercent: 5, spansPerSecondLimit: 10_000, decisionWait: '10s' },
  slos: [
    { service: 'checkout', namespace: 'shop', objectivePercent: 99.9, latencyThresholdMs: 250, latencyObjectivePercent: 99 },
    { service: 'payments-api', namespace: 'payments', objectivePercent: 99.95, latencyThresholdMs: 250, latencyObjectivePercent: 99 },
    { service: 'search-api', namespace: 'search', objectivePercent: 99.5, latencyThresholdMs: 750, latencyObjectivePercent: 95 },
  ],
  experiments: { sloTailSampling: true, serviceDependencyGraph: true, databaseProfiling: true, canaryAnalysis: true },
  grafana: { anonymousRole: 'Viewer' },
};
