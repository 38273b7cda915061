/**
 * Every pinned upstream version MOP renders, in one place. Bump here; `app.kubernetes.io/version` labels and image
 * tags follow.
 */
export const VERSIONS = {
  obi: { image: 'otel/ebpf-instrument', tag: 'v0.12.2' },
  ebpfExporter: { image: 'ghcr.io/cloudflare/ebpf_exporter', tag: 'v2.5.1' },
  /** Static busybox (the musl variant is built with CONFIG_STATIC=y: docker-library/busybox latest-1/musl/Dockerfile.builder) for the ebpf_exporter start-up selection. */
  busybox: { image: 'busybox', tag: '1.37.0-musl' },
  alloy: { image: 'grafana/alloy', tag: 'v1.18.1' },
  /** kubernetes/kube-state-metrics v2.20.0 (examples/standard/deployment.yaml of that tag). */
  kubeStateMetrics: { image: 'registry.k8s.io/kube-state-metrics/kube-state-metrics', tag: 'v2.20.0' },
  /** prometheus/node_exporter v1.12.1 (README.md of that tag: quay.io/prometheus/node-exporter). */
  nodeExporter: { image: 'quay.io/prometheus/node-exporter', tag: 'v1.12.1' },
  mimir: { image: 'grafana/mimir', tag: '3.2.0' },
  tempo: { image: 'grafana/tempo', tag: '3.0.3' },
  loki: { image: 'grafana/loki', tag: '3.7.6' },
  grafana: { image: 'grafana/grafana', tag: '13.2.0' },
  /** Zone-by-zone rollouts of the stores' multi-zone StatefulSets (operations/rollout-operator/images.libsonnet @v0.38.1). */
  rolloutOperator: { image: 'grafana/rollout-operator', tag: 'v0.38.1' },
  /** Demo workload of the canary-analysis experiment (stefanprodan/podinfo, serves /readyz and /healthz on :9898). */
  podinfo: { image: 'ghcr.io/stefanprodan/podinfo', tag: '6.14.1' },
} as const;

/**
 * Controllers the operator installs and MOP's objects are written for: their CRDs (../shared/crds/) are what the
 * rendered Argo CD and Argo Rollouts objects are validated against, and constructs/argocd follows Argo CD's rules at
 * this tag.
 */
export const PREREQUISITE_VERSIONS = { argoCd: 'v3.5.1', argoRollouts: 'v1.9.1' } as const;

export type Software = keyof typeof VERSIONS;

export function imageOf(software: Software): string {
  const { image, tag } = VERSIONS[software];
  return `${image}:${tag}`;
}

/** The `app.kubernetes.io/version` label value: the tag without a leading "v". */
export function versionOf(software: Software): string {
  return VERSIONS[software].tag.replace(/^v/, '');
}
