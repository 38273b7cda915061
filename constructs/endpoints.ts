import { Environment } from '../environments';

/**
 * The one place that names the Services and ports components talk to. Producers (the constructs that render the
 * Services) and consumers (configs that point at them) both read from here, so an address is never typed twice.
 */
export interface Endpoint {
  readonly service: string;
  readonly namespace: string;
  readonly portName: string;
  readonly port: number;
  readonly scheme: 'http' | 'grpc' | 'tcp';
  readonly path: string;
  /**
   * Set when the Service runs in another cluster (multi-region: the global Mimir seen from a region): the HTTPS URL
   * the operator exposes it at. `service` and `namespace` then name the Service behind that URL.
   */
  readonly externalUrl?: string;
}

export const PORTS = {
  otlpGrpc: 4317,
  otlpHttp: 4318,
  alloyHttp: 12345,
  mimirHttp: 8080,
  grpc: 9095,
  tempoHttp: 3200,
  lokiHttp: 3100,
  gossip: 7946,
  grafanaHttp: 3000,
  obiMetrics: 9400,
  ebpfExporter: 9435,
  zipkin: 9411,
  jaegerGrpc: 14250,
  jaegerThriftHttp: 14268,
  kubeStateMetrics: 8080,
  kubeStateMetricsTelemetry: 8081,
  nodeExporter: 9100,
  kubelet: 10250,
} as const;

/** `host:port` inside the cluster. */
export function hostPort(e: Endpoint): string {
  if (e.externalUrl) throw new Error(`endpoint ${e.service}.${e.namespace} is in another cluster (${e.externalUrl}); use url()`);
  return `${e.service}.${e.namespace}.svc.cluster.local:${e.port}`;
}

/**
 * `scheme://host:port/path`; gRPC endpoints have no scheme prefix in most configs, so use `hostPort` there.
 * An endpoint in another cluster resolves to its `externalUrl`.
 */
export function url(e: Endpoint): string {
  if (e.externalUrl) return e.externalUrl;
  const scheme = e.scheme === 'grpc' || e.scheme === 'tcp' ? 'http' : e.scheme;
  return `${scheme}://${hostPort(e)}${e.path}`;
}

function endpoint(service: string, namespace: string, portName: string, port: number, scheme: Endpoint['scheme'], path = ''): Endpoint {
  return { service, namespace, portName, port, scheme, path };
}

/** Service names of the stores, by mode. */
export function storeServices(env: Environment) {
  const mimir = env.stores.mimir === 'monolithic';
  const tempo = env.stores.tempo === 'monolithic';
  const loki = env.stores.loki === 'monolithic';
  return {
    mimirWrite: mimir ? 'mimir' : 'mimir-distributor',
    mimirRead: mimir ? 'mimir' : 'mimir-query-frontend',
    mimirAlertmanager: mimir ? 'mimir' : 'mimir-alertmanager',
    tempoWrite: tempo ? 'tempo' : 'tempo-distributor',
    tempoRead: tempo ? 'tempo' : 'tempo-query-frontend',
    lokiWrite: loki ? 'loki' : 'loki-distributor',
    lokiRead: loki ? 'loki' : 'loki-query-frontend',
  };
}

/**
 * The TCP port the stores reach object storage on: the S3 endpoint's own port (`minio.minio.svc:9000`), else 80 for
 * an `insecure` (plain HTTP) endpoint and 443 otherwise; GCS and Azure are HTTPS on 443.
 */
export function objectStoragePort(env: Environment): number {
  const s3 = env.storage.backend === 's3' ? env.storage.s3 : undefined;
  const port = s3 ? /:([0-9]+)$/.exec(s3.endpoint)?.[1] : undefined;
  if (port) return Number(port);
  return s3?.insecure ? 80 : 443;
}

/** TCP port of an https:// URL (443 unless it names one). */
export function httpsPort(u: string): number {
  const port = new URL(u).port;
  return port ? Number(port) : 443;
}

export function endpoints(env: Environment) {
  const ns = env.namespaces;
  const s = storeServices(env);
  // Multi-region: a region's metrics go to the global Mimir, at the URLs the operator exposes it at; the global
  // cluster's own logs go to the first region's Loki.
  const globalMimir = env.multiRegion?.role === 'regional' ? env.multiRegion.globalMimir : undefined;
  const regionLoki = env.multiRegion?.role === 'global' ? env.multiRegion.regions[0]?.lokiPushUrl : undefined;
  const external = (e: Endpoint, externalUrl: string | undefined): Endpoint => (externalUrl ? { ...e, externalUrl } : e);
  return {
    /** Node-local OTLP receiver OBI sends to (Service with internalTrafficPolicy Local). */
    alloyNodeOtlpGrpc: endpoint('alloy-node', ns.alloyNode, 'otlp-grpc', PORTS.otlpGrpc, 'grpc'),
    alloyNodeOtlpHttp: endpoint('alloy-node', ns.alloyNode, 'otlp-http', PORTS.otlpHttp, 'http'),
    /** The Zipkin and Jaeger receivers applications send to (`collection.applicationObservability`). */
    alloyNodeZipkin: endpoint('alloy-node', ns.alloyNode, 'zipkin', PORTS.zipkin, 'http', '/api/v2/spans'),
    alloyNodeJaegerGrpc: endpoint('alloy-node', ns.alloyNode, 'jaeger-grpc', PORTS.jaegerGrpc, 'grpc'),
    alloyNodeJaegerHttp: endpoint('alloy-node', ns.alloyNode, 'jaeger-http', PORTS.jaegerThriftHttp, 'http', '/api/traces'),
    /**
     * Headless Service of the sampling gateway: the load-balancing exporter resolves its pods by DNS, and only ready
     * pods are published (a starting or terminating sampler gets no new traces).
     */
    alloyGatewayOtlp: endpoint('alloy-gateway-headless', ns.alloy, 'otlp-grpc', PORTS.otlpGrpc, 'grpc'),
    /** Headless Service the gateway peers join the Alloy cluster through (publishes starting pods too). */
    alloyGatewayCluster: endpoint('alloy-gateway-cluster', ns.alloy, 'http-metrics', PORTS.alloyHttp, 'http'),
    /** Headless Service of the cluster collector (tiered): its peers form an Alloy cluster through it. */
    alloyClusterPeers: endpoint('alloy-cluster-headless', ns.alloy, 'http-metrics', PORTS.alloyHttp, 'http'),
    kubeStateMetrics: endpoint('kube-state-metrics', ns.alloy, 'http-metrics', PORTS.kubeStateMetrics, 'http', '/metrics'),
    mimirPush: external(endpoint(s.mimirWrite, ns.mimir, 'http-metrics', PORTS.mimirHttp, 'http', '/api/v1/push'), globalMimir?.pushUrl),
    mimirQuery: external(endpoint(s.mimirRead, ns.mimir, 'http-metrics', PORTS.mimirHttp, 'http', '/prometheus'), globalMimir?.queryUrl),
    mimirAlertmanager: endpoint(s.mimirAlertmanager, ns.mimir, 'http-metrics', PORTS.mimirHttp, 'http'),
    tempoOtlpGrpc: endpoint(s.tempoWrite, ns.tempo, 'otlp-grpc', PORTS.otlpGrpc, 'grpc'),
    /**
     * The same distributors behind a headless Service: a gRPC client resolving it (`dns:///`) gets every ready pod
     * and spreads requests with `round_robin`, instead of one connection pinned to one pod behind a ClusterIP.
     */
    tempoOtlpGrpcPods: endpoint(`${s.tempoWrite}-headless`, ns.tempo, 'otlp-grpc', PORTS.otlpGrpc, 'grpc'),
    tempoQuery: endpoint(s.tempoRead, ns.tempo, 'http-metrics', PORTS.tempoHttp, 'http'),
    lokiPush: external(endpoint(s.lokiWrite, ns.loki, 'http-metrics', PORTS.lokiHttp, 'http', '/loki/api/v1/push'), regionLoki),
    lokiQuery: endpoint(s.lokiRead, ns.loki, 'http-metrics', PORTS.lokiHttp, 'http'),
    grafana: endpoint('grafana', ns.grafana, 'http', PORTS.grafanaHttp, 'http'),
  };
}

export type Endpoints = ReturnType<typeof endpoints>;
