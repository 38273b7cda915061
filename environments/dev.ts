import { EnvironmentInput } from './model';

/** A laptop kind cluster: single-process stores on local disk, one replica each. */
export const dev: EnvironmentInput = {
  name: 'dev',
  tier: 'dev',
  cluster: { name: 'kind-mop', region: 'local', zones: ['local'] },
  argocd: {
    repoURL: 'https://github.com/example-org/mop.git',
    targetRevision: 'main',
    destinationServer: 'https://kubernetes.default.svc',
    namespace: 'argocd',
    project: 'mop-dev',
    rolloutsNamespace: 'argo-rollouts',
  },
  namespacePrefix: 'mop',
  stores: { mimir: 'monolithic', tempo: 'monolithic', loki: 'monolithic' },
  pipeline: 'combined',
  storage: { backend: 'filesystem' },
  retention: { metrics: '7d', traces: '72h', logs: '72h' },
  tenant: 'dev',
  workload: {
    activeSeries: 50_000,
    samplesPerSecond: 3_000,
    spansPerSecond: 100,
    bytesPerSpan: 600,
    traceErrorRatio: 0.05,
    traceSlowRatio: 0.05,
    logsGBPerDay: 1,
    queriesPerSecond: 1,
  },
  instrumentation: {
    namespaces: ['default', 'demo'],
    sampler: { name: 'parentbased_always_on' },
    networkMetrics: true,
    securityMode: 'privileged',
  },
  tailSampling: { baselinePercent: 100, spansPerSecondLimit: 1_000, decisionWait: '5s' },
  slos: [
    { service: 'checkout', namespace: 'demo', objectivePercent: 99, latencyThresholdMs: 500, latencyObjectivePercent: 95 },
  ],
  experiments: { sloTailSampling: true, serviceDependencyGraph: true, databaseProfiling: true, canaryAnalysis: false },
  grafana: { anonymousRole: 'Admin' },
};
