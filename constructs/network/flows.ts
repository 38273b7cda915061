import { Environment, PlatformComponent } from '../../environments';
import { KUBE_DNS_METRICS_PORT, platformScrapeTargets } from '../alloy/collection';
import { hasTraces, nodeAgentWritesLogs, receivesOtlp, runsClusterCollector, runsGateway } from '../alloy/pipeline';
import { Endpoint, PORTS, endpoints, httpsPort, objectStoragePort } from '../endpoints';
import { CANARY_DEMO_ACCESS_LABEL, DEMO } from '../experiments/canary';
import { notificationPorts } from '../mimir/alertmanager';
import { CROSS_REGION_ACCESS_LABEL, globalRegions } from '../multi-region';
import { ROLLOUT_OPERATOR, usesDownscaleWebhook, zoneAwareStores } from '../stores/rollout';

/**
 * The traffic the architecture needs, as one graph. NetworkPolicies (`policies.ts`) and `docs/network-flows.md`
 * are both generated from it, so the two cannot drift. Everything not listed here is denied.
 */
export type FlowTarget =
  /** A Service rendered in this environment: resolved to the pods it selects and their container ports. */
  | { readonly kind: 'service'; readonly endpoint: Endpoint }
  /** Every pod of a namespace, on these ports (members of one store talking to each other). */
  | { readonly kind: 'namespace'; readonly namespace: string; readonly ports: readonly number[] }
  /** Cluster DNS. */
  | { readonly kind: 'dns' }
  /** Outside the pod network (API server, kubelets, object storage, Kafka): addresses are not known at render time. */
  | { readonly kind: 'external'; readonly what: string; readonly ports: readonly number[] }
  /**
   * Pods of any namespace, on any port: scrape targets that applications declare themselves (annotations,
   * ServiceMonitors, PodMonitors), whose namespaces and ports are not known at render time.
   */
  | { readonly kind: 'cluster-pods'; readonly what: string };

export type FlowSource =
  | { readonly kind: 'namespace'; readonly namespace: string }
  /** Pods in the host network namespace reach pods from node addresses, which a NetworkPolicy cannot name. */
  | { readonly kind: 'host-network'; readonly what: string }
  /** Namespaces the operator labels `mop.dev/grafana-access: "true"` (an ingress controller, a bastion). */
  | { readonly kind: 'labelled-namespaces'; readonly label: string }
  /** The Kubernetes API server calling an admission webhook, from control-plane addresses not known at render time. */
  | { readonly kind: 'api-server' }
  /** Pods of every namespace (applications sending their telemetry to the node agent of their node). */
  | { readonly kind: 'all-namespaces'; readonly what: string };

export interface Flow {
  readonly id: string;
  readonly from: FlowSource;
  readonly to: FlowTarget;
  readonly purpose: string;
}

export const GRAFANA_ACCESS_LABEL = 'mop.dev/grafana-access';

function ns(namespace: string): FlowSource {
  return { kind: 'namespace', namespace };
}
function svc(endpoint: Endpoint): FlowTarget {
  return { kind: 'service', endpoint };
}

/** Kafka ports from `host:port[,host:port]`. */
function kafkaPorts(address: string): number[] {
  return [...new Set(address.split(',').map((hp) => Number(hp.split(':')[1])))].sort((a, b) => a - b);
}

/**
 * A Service endpoint as a flow target: in this cluster, or (multi-region: the global Mimir seen from a region) an
 * external HTTPS address, allowed by port since its address is not known at render time.
 */
function to(endpoint: Endpoint, what: string): FlowTarget {
  return endpoint.externalUrl ? { kind: 'external', what: `${what} (${endpoint.externalUrl})`, ports: [httpsPort(endpoint.externalUrl)] } : svc(endpoint);
}

export function flows(env: Environment): Flow[] {
  const n = env.namespaces;
  const e = endpoints(env);
  const runs = (c: PlatformComponent) => env.components.includes(c);
  const tiered = env.pipeline === 'tiered';
  // The namespace whose Alloy writes traces to Tempo: the gateway when tiered, the node agent when combined.
  const traceWriter = tiered ? n.alloy : n.alloyNode;
  const stores = (['mimir', 'tempo', 'loki'] as const).filter(runs);
  const storeNamespaces = stores.map((store) => n[store]);
  const list: Flow[] = [];
  const add = (f: Flow) => list.push(f);

  if (runs('obi')) {
    const obiSource: FlowSource = env.instrumentation.networkMetrics ? { kind: 'host-network', what: 'OBI (hostNetwork)' } : ns(n.obi);
    add({ id: 'obi-otlp-grpc', from: obiSource, to: svc(e.alloyNodeOtlpGrpc), purpose: "OBI exports traces and metrics over OTLP to its node's Alloy agent" });
    add({ id: 'obi-otlp-http', from: obiSource, to: svc(e.alloyNodeOtlpHttp), purpose: "OBI exports over OTLP/HTTP to its node's Alloy agent" });
  }
  if (runs('alloy')) {
    const gateway = runsGateway(env);
    const collector = runsClusterCollector(env);
    if (env.collection.applicationObservability && receivesOtlp(env)) {
      const apps: FlowSource = { kind: 'all-namespaces', what: 'application pods' };
      const receivers = [e.alloyNodeOtlpGrpc, e.alloyNodeOtlpHttp, ...(hasTraces(env) ? [e.alloyNodeZipkin, e.alloyNodeJaegerGrpc, e.alloyNodeJaegerHttp] : [])];
      for (const r of receivers) add({ id: `apps-${r.portName}`, from: apps, to: svc(r), purpose: "applications send telemetry to the Alloy agent on their node (OTLP, Zipkin, Jaeger)" });
    }
    if (gateway) add({ id: 'alloy-traces-to-gateway', from: ns(n.alloyNode), to: svc(e.alloyGatewayOtlp), purpose: 'node agents route spans by trace ID to the sampling gateway' });
    if (gateway || collector) {
      add({ id: 'alloy-gateway-cluster', from: ns(n.alloy), to: { kind: 'namespace', namespace: n.alloy, ports: [PORTS.alloyHttp] }, purpose: 'gateway and cluster-collector peers form their Alloy clusters' });
    }
    if (hasTraces(env)) add({ id: 'alloy-traces-to-tempo', from: ns(traceWriter), to: svc(e.tempoOtlpGrpcPods), purpose: 'sampled traces to every Tempo distributor over OTLP (gRPC round robin)' });
    for (const from of gateway || collector ? [n.alloyNode, n.alloy] : [n.alloyNode]) {
      add({ id: `${from === n.alloy ? 'gateway' : 'node'}-metrics-to-mimir`, from: ns(from), to: to(e.mimirPush, 'the global Mimir'), purpose: 'metrics to Mimir by remote write' });
    }
    if (nodeAgentWritesLogs(env, e)) add({ id: 'node-logs-to-loki', from: ns(n.alloyNode), to: to(e.lokiPush, 'the Loki of the first region'), purpose: 'pod, node and OTLP logs to Loki' });
    if (collector && env.collection.clusterEvents) {
      add({ id: 'cluster-logs-to-loki', from: ns(n.alloy), to: to(e.lokiPush, 'the Loki of the first region'), purpose: 'Kubernetes events to Loki' });
    }
  }
  // Tempo writes nothing to Mimir: MOP runs no metrics-generator (Alloy derives span metrics and service graphs,
  // ADR 0011; constructs/tempo/index.ts).

  if (runs('grafana')) {
    add({ id: 'grafana-to-mimir', from: ns(n.grafana), to: svc(e.mimirQuery), purpose: 'Grafana queries metrics' });
    add({ id: 'grafana-to-alertmanager', from: ns(n.grafana), to: svc(e.mimirAlertmanager), purpose: 'Grafana reads alerts and silences' });
    if (runs('tempo')) add({ id: 'grafana-to-tempo', from: ns(n.grafana), to: svc(e.tempoQuery), purpose: 'Grafana queries traces' });
    if (runs('loki')) add({ id: 'grafana-to-loki', from: ns(n.grafana), to: svc(e.lokiQuery), purpose: 'Grafana queries logs' });
    for (const region of globalRegions(env)) {
      add({ id: `grafana-to-tempo-${region.name}`, from: ns(n.grafana), to: { kind: 'external', what: `Tempo of ${region.name} (${region.tempoQueryUrl})`, ports: [httpsPort(region.tempoQueryUrl)] }, purpose: `Grafana queries the traces of ${region.name}` });
      add({ id: `grafana-to-loki-${region.name}`, from: ns(n.grafana), to: { kind: 'external', what: `Loki of ${region.name} (${region.lokiQueryUrl})`, ports: [httpsPort(region.lokiQueryUrl)] }, purpose: `Grafana queries the logs of ${region.name}` });
    }
    add({ id: 'users-to-grafana', from: { kind: 'labelled-namespaces', label: GRAFANA_ACCESS_LABEL }, to: svc(e.grafana), purpose: 'users reach Grafana through whatever the operator labels (ingress controller)' });
  }
  if (env.experiments.canaryAnalysis) {
    add({ id: 'rollouts-analysis-to-mimir', from: ns(env.argocd.rolloutsNamespace), to: to(e.mimirQuery, 'the global Mimir'), purpose: 'Argo Rollouts queries SLO metrics during canary analysis' });
    add({ id: 'canary-demo-clients', from: { kind: 'labelled-namespaces', label: CANARY_DEMO_ACCESS_LABEL }, to: { kind: 'namespace', namespace: n.canary, ports: [DEMO.port.number] }, purpose: 'requests to the canary demo, so its analysis has traffic to judge' });
  }

  // Multi-region: what the other clusters reach through the operator's ingress (namespaces labelled CROSS_REGION_ACCESS_LABEL).
  const crossRegion: FlowSource = { kind: 'labelled-namespaces', label: CROSS_REGION_ACCESS_LABEL };
  if (env.multiRegion?.role === 'global') {
    add({ id: 'regions-metrics-to-mimir', from: crossRegion, to: svc(e.mimirPush), purpose: "the regions' Alloy writes metrics to the global Mimir" });
    add({ id: 'regions-queries-to-mimir', from: crossRegion, to: svc(e.mimirQuery), purpose: "the regions' Argo Rollouts query SLO metrics during canary analysis" });
  }
  if (env.multiRegion?.role === 'regional') {
    add({ id: 'global-grafana-to-tempo', from: crossRegion, to: svc(e.tempoQuery), purpose: 'the global Grafana queries this region’s traces' });
    add({ id: 'global-grafana-to-loki', from: crossRegion, to: svc(e.lokiQuery), purpose: 'the global Grafana queries this region’s logs' });
    add({ id: 'global-alloy-logs-to-loki', from: crossRegion, to: svc(e.lokiPush), purpose: 'the global cluster’s Alloy writes its own logs to the first region’s Loki' });
  }

  const storePorts: Record<string, number[]> = {
    [n.mimir]: [PORTS.mimirHttp, PORTS.grpc, PORTS.gossip],
    [n.tempo]: [PORTS.tempoHttp, PORTS.grpc, PORTS.gossip],
    [n.loki]: [PORTS.lokiHttp, PORTS.grpc, PORTS.gossip],
  };
  for (const store of storeNamespaces) {
    add({ id: `${store}-internal`, from: ns(store), to: { kind: 'namespace', namespace: store, ports: storePorts[store] }, purpose: 'components of one store: HTTP, gRPC and memberlist gossip' });
  }

  if (runs('alloy')) {
    // Self-monitoring: the node agent scrapes the stores' and Grafana's pods on its node (Alloy reports itself).
    for (const { namespace: target, port } of platformScrapeTargets(env)) {
      add({ id: `scrape-${target}`, from: ns(n.alloyNode), to: { kind: 'namespace', namespace: target, ports: [port] }, purpose: 'the node agent scrapes the platform’s own metrics' });
    }
    const hostPorts = [
      ...(env.collection.kubelet ? [PORTS.kubelet] : []),
      ...(env.collection.nodeExporter ? [PORTS.nodeExporter] : []),
      ...(runs('obi') && env.instrumentation.networkMetrics ? [PORTS.obiMetrics, PORTS.ebpfExporter] : []),
    ];
    if (hostPorts.length) {
      add({ id: 'node-agent-scrapes-node', from: ns(n.alloyNode), to: { kind: 'external', what: 'kubelet, node-exporter, and OBI and ebpf_exporter in the host network', ports: hostPorts }, purpose: 'node-level metrics' });
    }
    if (runs('obi') && !env.instrumentation.networkMetrics) {
      add({ id: 'scrape-obi', from: ns(n.alloyNode), to: { kind: 'namespace', namespace: n.obi, ports: [PORTS.obiMetrics, PORTS.ebpfExporter] }, purpose: 'OBI and ebpf_exporter metrics' });
    }
    // The cluster-wide sources: in the cluster collector when tiered, in the node agent when combined.
    const scraper = env.pipeline === 'tiered' ? n.alloy : n.alloyNode;
    const c = env.collection;
    if (c.kubeStateMetrics) add({ id: 'scrape-kube-state-metrics', from: ns(scraper), to: svc(e.kubeStateMetrics), purpose: 'kube-state-metrics' });
    if (c.controlPlane) {
      add({ id: 'scrape-kube-dns', from: ns(scraper), to: { kind: 'namespace', namespace: 'kube-system', ports: [KUBE_DNS_METRICS_PORT] }, purpose: 'CoreDNS metrics' });
    }
    if (c.annotationAutodiscovery || c.prometheusOperatorObjects) {
      add({ id: 'scrape-applications', from: ns(scraper), to: { kind: 'cluster-pods', what: 'annotated pods, ServiceMonitor and PodMonitor targets' }, purpose: 'application metrics at the ports the applications declare' });
    }
  }

  // The gateway finds its peers by DNS and needs no API access; the cluster collector and kube-state-metrics do.
  const alloyNamespaceReadsApi = runs('alloy') && (runsClusterCollector(env) || env.collection.kubeStateMetrics);
  const apiClients = [...(runs('obi') ? [n.obi] : []), ...(runs('alloy') ? [n.alloyNode] : []), ...(alloyNamespaceReadsApi ? [n.alloy] : [])];
  for (const client of apiClients) {
    add({ id: `${client}-to-apiserver`, from: ns(client), to: { kind: 'external', what: 'Kubernetes API server', ports: [443, 6443] }, purpose: 'Kubernetes discovery and metadata' });
  }
  // The rollout-operator in each store namespace with zone StatefulSets watches and patches through the API server;
  // where it serves the prepare-downscale webhook, the API server calls it (ADR 0012).
  for (const store of zoneAwareStores(env)) {
    const namespace = n[store];
    add({ id: `${namespace}-rollout-operator-to-apiserver`, from: ns(namespace), to: { kind: 'external', what: 'Kubernetes API server', ports: [443, 6443] }, purpose: 'the rollout-operator watches StatefulSets and pods and deletes pods zone by zone' });
    if (usesDownscaleWebhook(store)) {
      const webhook: Endpoint = { service: ROLLOUT_OPERATOR.name, namespace, portName: 'https', port: 443, scheme: 'tcp', path: '' };
      add({ id: `apiserver-to-${namespace}-rollout-operator`, from: { kind: 'api-server' }, to: svc(webhook), purpose: "the API server calls the rollout-operator's prepare-downscale webhook" });
    }
  }
  if (env.storage.backend !== 'filesystem') {
    for (const store of storeNamespaces) {
      add({ id: `${store}-to-object-storage`, from: ns(store), to: { kind: 'external', what: `${env.storage.backend} object storage`, ports: [objectStoragePort(env)] }, purpose: 'blocks, chunks and traces in object storage' });
    }
  }
  if (runs('mimir') && notificationPorts(env).length > 0) {
    add({ id: `${n.mimir}-to-notification-receivers`, from: ns(n.mimir), to: { kind: 'external', what: 'notification receivers (env.alerting: chat, paging and e-mail services)', ports: notificationPorts(env) }, purpose: 'the Alertmanager sends notifications' });
  }
  if (env.kafka) {
    for (const store of [n.mimir, n.tempo].filter((x) => storeNamespaces.includes(x))) {
      // Mimir uses its TLS listener when `kafka.mimirTls` names one; Tempo 3.0.3 has no Kafka TLS.
      const address = store === n.mimir ? (env.kafka.mimirTls?.address ?? env.kafka.address) : env.kafka.address;
      add({ id: `${store}-to-kafka`, from: ns(store), to: { kind: 'external', what: `Kafka (${address})`, ports: kafkaPorts(address) }, purpose: 'ingest through the Kafka-compatible log' });
    }
  }
  for (const namespace of env.platformNamespaces) add({ id: `${namespace}-dns`, from: ns(namespace), to: { kind: 'dns' }, purpose: 'cluster DNS' });
  return list;
}
