import { EnvironmentInput } from './model';

/** Pre-production: the production architecture at a smaller load profile. */
export const staging: EnvironmentInput = {
  name: 'staging',
  tier: 'staging',
  cluster: { name: 'mop-staging', region: 'eu-west-1', zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] },
  argocd: {
    repoURL: 'https://github.com/example-org/mop.git',
    targetRevision: 'main',
    destinationServer: 'https://kubernetes.default.svc',
    namespace: 'argocd',
    project: 'mop-staging',
    rolloutsNamespace: 'argo-rollouts',
  },
  namespacePrefix: 'mop',
  stores: { mimir: 'distributed', tempo: 'distributed', loki: 'distributed' },
  pipeline: 'tiered',
  storage: {
    backend: 's3',
    s3: { endpoint: 's3.eu-west-1.amazonaws.com', region: 'eu-west-1' },
    buckets: {
      mimirBlocks: 'example-mop-staging-mimir-blocks',
      mimirRuler: 'example-mop-staging-mimir-ruler',
      mimirAlertmanager: 'example-mop-staging-mimir-alertmanager',
      tempoTraces: 'example-mop-staging-tempo-traces',
      lokiChunks: 'example-mop-staging-loki-chunks',
      lokiRuler: 'example-mop-staging-loki-ruler',
    },
    credentialsSecret: 'mop-object-storage',
  },
  kafka: {
    address: 'kafka-bootstrap.kafka.svc:9092',
    mimirTopic: 'mop-staging-mimir-ingest',
    tempoTopic: 'mop-staging-tempo-ingest',
    partitions: 6,
  },
  retention: { metrics: '30d', traces: '7d', logs: '14d' },
  tenant: 'staging',
  workload: {
    activeSeries: 500_000,
    samplesPerSecond: 35_000,
    spansPerSecond: 5_000,
    bytesPerSpan: 700,
    traceErrorRatio: 0.02,
    traceSlowRatio: 0.03,
    logsGBPerDay: 50,
    queriesPerSecond: 5,
  },
  instrumentation: {
    namespaces: ['shop', 'payments'],
    sampler: { name: 'parentbased_always_on' },
    networkMetrics: true,
    securityMode: 'privileged',
  },
  tailSampling: { baselinePercent: 10, spansPerSecondLimit: 2_000, decisionWait: '10s' },
  slos: [
    { service: 'checkout', namespace: 'shop', objectivePercent: 99.5, latencyThresholdMs: 500, latencyObjectivePercent: 95 },
    { service: 'payments-api', namespace: 'payments', objectivePercent: 99.9, latencyThresholdMs: 250, latencyObjectivePercent: 99 },
  ],
  experiments: { sloTailSampling: true, serviceDependencyGraph: true, databaseProfiling: true, canaryAnalysis: true },
  grafana: { anonymousRole: 'Editor' },
  alerting: {
    receivers: [
      { name: 'platform-slack', type: 'slack', channel: '#mop-staging-alerts', webhookUrl: { secret: 'mop-alerting', key: 'slack-webhook-url' } },
      { name: 'heartbeat', type: 'webhook', url: { secret: 'mop-alerting', key: 'heartbeat-url' } },
    ],
    page: 'platform-slack',
    ticket: 'platform-slack',
    heartbeat: 'heartbeat',
  },
};
