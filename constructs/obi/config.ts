import { toYaml } from '../base';
/**
 * The OBI configuration file (`ebpf-instrument-config.yml`, read through `OTEL_EBPF_CONFIG_PATH`).
 *
 * Every key written here is listed in `OBI_CONFIG_KEYS` with the upstream file that defines it, for the pinned
 * `VERSIONS.obi` release. test/obi checks that the rendered file uses no other key.
 */
import { Environment } from '../../environments';
import { Endpoints, PORTS, url } from '../endpoints';

/** Where OBI serves its own (internal) Prometheus metrics; the kubelet probes and Alloy scrape this. */
export const OBI_INTERNAL_METRICS_PATH = '/internal/metrics';

const CONFIG_GO = 'open-telemetry/opentelemetry-ebpf-instrumentation:pkg/obi/config.go';
const CONFIG_MD = 'open-telemetry/opentelemetry-ebpf-instrumentation:docs/CONFIG.md (generated from devdocs/config/config-schema.json)';

/**
 * Every config key MOP writes (dotted path, `[]` for list items), with where upstream defines it. A map whose keys
 * are user data (`k8s_pod_labels`) is listed once; its own keys are label names, not OBI keys.
 */
export const OBI_CONFIG_KEYS: Readonly<Record<string, string>> = {
  'discovery.instrument[].k8s_namespace': `${CONFIG_GO} (Config.Discovery yaml:"discovery"); ${CONFIG_MD} discovery.instrument, GlobAttributes.k8s_namespace`,
  'discovery.instrument[].k8s_pod_labels': `${CONFIG_MD} GlobAttributes.k8s_pod_labels (map of label name to glob)`,
  'discovery.exclude_instrument[].k8s_namespace': `${CONFIG_MD} discovery.exclude_instrument, GlobAttributes.k8s_namespace`,
  'otel_traces_export.endpoint': `${CONFIG_GO} (Config.Traces yaml:"otel_traces_export"); ${CONFIG_MD}`,
  'otel_traces_export.protocol': `${CONFIG_MD} (values grpc, http/protobuf, http/json)`,
  'otel_traces_export.instrumentations': `${CONFIG_MD} (values http, grpc, sql, redis, kafka, ...)`,
  'otel_traces_export.sampler.name': `${CONFIG_MD} otel_traces_export.sampler (OTEL_TRACES_SAMPLER)`,
  'otel_traces_export.sampler.arg': `${CONFIG_MD} otel_traces_export.sampler (OTEL_TRACES_SAMPLER_ARG, a string)`,
  'otel_metrics_export.endpoint': `${CONFIG_GO} (Config.OTELMetrics yaml:"otel_metrics_export"); ${CONFIG_MD}`,
  'otel_metrics_export.protocol': `${CONFIG_MD}`,
  'otel_metrics_export.instrumentations': `${CONFIG_MD}`,
  'attributes.kubernetes.enable': `${CONFIG_GO} (Attributes.Kubernetes yaml:"kubernetes"); ${CONFIG_MD} (autodetect, true, false)`,
  'attributes.kubernetes.cluster_name': `${CONFIG_MD} (OTEL_EBPF_KUBE_CLUSTER_NAME)`,
  'metrics.features': `${CONFIG_GO} (Config.Metrics yaml:"metrics"); ${CONFIG_MD} (application, application_service_graph, network, stats_tcp_*)`,
  'network.enable': `${CONFIG_GO} (Config.NetworkFlows yaml:"network"); ${CONFIG_MD} (OTEL_EBPF_NETWORK_METRICS)`,
  'ebpf.context_propagation': `${CONFIG_GO} (Config.EBPF yaml:"ebpf", default ContextPropagationDisabled); ${CONFIG_MD} (all, disabled, headers, tcp)`,
  'internal_metrics.exporter': `${CONFIG_GO} (Config.InternalMetrics yaml:"internal_metrics"); ${CONFIG_MD} (disabled, otel, prometheus)`,
  'internal_metrics.prometheus.port': `${CONFIG_MD} (default 0 = off)`,
  'internal_metrics.prometheus.path': `${CONFIG_MD} (default /internal/metrics)`,
};

/** The protocols MOP traces and measures (OBI's `instrumentations` values). */
export const OBI_INSTRUMENTATIONS = ['http', 'grpc', 'sql', 'redis', 'kafka'] as const;

/**
 * Network-level context propagation (W3C `traceparent` written into outgoing HTTP/gRPC requests) needs the host
 * network namespace and NET_ADMIN, which MOP grants only together with network metrics. `headers` avoids the TC
 * (traffic control) programs of the `tcp` mode, which must chain with a CNI such as Cilium.
 */
export function contextPropagation(env: Environment): 'headers' | 'disabled' {
  return env.instrumentation.networkMetrics ? 'headers' : 'disabled';
}

/**
 * The metric groups OBI exports. Not `application_service_graph`: Alloy's servicegraph connector is the one producer
 * of `traces_service_graph_*` (from every span, before tail sampling), so the service map never double-counts.
 */
export function metricFeatures(env: Environment): string[] {
  const features = ['application'];
  if (env.instrumentation.networkMetrics) {
    features.push('network', 'stats_tcp_rtt', 'stats_tcp_failed_connections', 'stats_tcp_retransmits');
  }
  return features;
}

/**
 * MOP namespaces whose workloads OBI instruments: the canary-analysis demo, whose request metrics the analysis
 * judges (constructs/experiments/canary.ts).
 */
export function instrumentedPlatformNamespaces(env: Environment): string[] {
  return env.experiments.canaryAnalysis ? [env.namespaces.canary] : [];
}

/** Namespaces OBI must never instrument: every other MOP namespace and Argo CD's. */
export function excludedNamespaces(env: Environment): string[] {
  const instrumented = instrumentedPlatformNamespaces(env);
  return [...new Set([...Object.values(env.namespaces), env.argocd.namespace])].filter((ns) => !instrumented.includes(ns)).sort();
}

/** The OBI config as a plain object. */
export function obiConfig(env: Environment, endpoints: Endpoints): Record<string, unknown> {
  const inst = env.instrumentation;
  const podLabels = inst.podLabels && Object.keys(inst.podLabels).length ? { ...inst.podLabels } : undefined;
  const otlp = url(endpoints.alloyNodeOtlpGrpc);
  const sampler: Record<string, string> = { name: inst.sampler.name };
  if (inst.sampler.arg !== undefined) sampler.arg = String(inst.sampler.arg);
  return {
    discovery: {
      instrument: [
        ...inst.namespaces.map((ns) => (podLabels ? { k8s_namespace: ns, k8s_pod_labels: podLabels } : { k8s_namespace: ns })),
        ...instrumentedPlatformNamespaces(env).map((ns) => ({ k8s_namespace: ns })),
      ],
      exclude_instrument: excludedNamespaces(env).map((ns) => ({ k8s_namespace: ns })),
    },
    attributes: { kubernetes: { enable: true, cluster_name: env.cluster.name } },
    otel_traces_export: {
      endpoint: otlp,
      protocol: 'grpc',
      instrumentations: [...OBI_INSTRUMENTATIONS],
      sampler,
    },
    otel_metrics_export: {
      endpoint: otlp,
      protocol: 'grpc',
      instrumentations: [...OBI_INSTRUMENTATIONS],
    },
    metrics: { features: metricFeatures(env) },
    network: { enable: inst.networkMetrics },
    ebpf: { context_propagation: contextPropagation(env) },
    internal_metrics: {
      exporter: 'prometheus',
      prometheus: { port: PORTS.obiMetrics, path: OBI_INTERNAL_METRICS_PATH },
    },
  };
}

/** The config file text. */
export function obiConfigYaml(env: Environment, endpoints: Endpoints): string {
  return toYaml(obiConfig(env, endpoints));
}
