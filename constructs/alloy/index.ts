/**
 * Grafana Alloy, the telemetry pipeline: a node agent DaemonSet on every node and, in `tiered` environments, a
 * clustered sampling gateway and a clustered cluster collector (StatefulSets), plus the exporters the pipeline
 * scrapes (kube-state-metrics, node-exporter). The configs are in pipeline.ts and collection.ts; docs/alloy.md
 * explains the data flow, ADR 0011 the collection design.
 */
import { k8s } from '../base/k8s';
import { ComponentDefinition } from '../platform';
import {
  ComponentContext,
  ConfigFiles,
  WorkloadIdentity,
  checksumAnnotation,
  clusterReader,
  clusterReaderNames,
  container,
  daemonSet,
  goMemLimit,
  httpProbe,
  namespace,
  podDisruptionBudget,
  selectorLabels,
  service,
  serviceAccount,
  statefulSet,
} from '../base';
import { Environment } from '../../environments';
import { PORTS, hostPort } from '../endpoints';
import { kubeStateMetrics } from '../kube-state-metrics';
import { nodeExporter } from '../node-exporter';
import { NODE_PRIORITY_CLASS, nodePriorityClass } from '../obi';
import { imageOf } from '../versions';
import { ALLOY_WORKLOADS, NODE_NAME_ENV, PATHS, POD_NAME_ENV } from './collection';
import { clusterConfig, gatewayConfig, gatewayReplicas, hasTraces, nodeAgentConfig, receivesOtlp, runsClusterCollector, runsGateway } from './pipeline';
import { renderAlloy } from './syntax';

export const NODE_AGENT_NAME = ALLOY_WORKLOADS.nodeAgent;
export const GATEWAY_NAME = ALLOY_WORKLOADS.gateway;
export const CLUSTER_COLLECTOR_NAME = ALLOY_WORKLOADS.clusterCollector;
export const NODE_AGENT_ID: WorkloadIdentity = { software: 'alloy', component: 'node-agent' };
export const GATEWAY_ID: WorkloadIdentity = { software: 'alloy', component: 'gateway' };
export const CLUSTER_COLLECTOR_ID: WorkloadIdentity = { software: 'alloy', component: 'cluster' };
/** Components outside this level refuse to start; test/alloy-pipeline checks every component against it. */
export const STABILITY_LEVEL = 'generally-available';
/** The StatefulSets' storage volume (remote-write WAL, and the event positions of the cluster collector). */
export const GATEWAY_STORAGE_SIZE = '5Gi';
export const CLUSTER_COLLECTOR_REPLICAS = 2;

/**
 * Where the node agent keeps `--storage.path` on its node: positions of every tailed pod-log file, the journal
 * cursor and the remote-write WAL survive a restart or rollout of the agent, which then resumes instead of sending
 * every log still on the node again (ADR 0004). One directory per MOP installation (its node-agent namespace).
 */
export function nodeStateHostPath(env: Environment): string {
  return `/var/lib/${env.namespaces.alloyNode}`;
}

const HTTP_PORT_NAME = 'http-metrics';

const nodeAgentConfigFile = (ctx: ComponentContext): string => renderAlloy(nodeAgentConfig(ctx.env, ctx.endpoints));
const gatewayConfigFile = (ctx: ComponentContext): string => renderAlloy(gatewayConfig(ctx.env, ctx.endpoints));
const clusterConfigFile = (ctx: ComponentContext): string => renderAlloy(clusterConfig(ctx.env, ctx.endpoints));

/** The rendered config files, by workload (tests read these; each workload renders only its own). */
export function alloyConfigs(ctx: ComponentContext): { nodeAgent: string; gateway?: string; cluster?: string } {
  return {
    nodeAgent: nodeAgentConfigFile(ctx),
    gateway: runsGateway(ctx.env) ? gatewayConfigFile(ctx) : undefined,
    cluster: runsClusterCollector(ctx.env) ? clusterConfigFile(ctx) : undefined,
  };
}

/** Mounts every Alloy container has: its config (read-only), its storage path (WAL, component state) and /tmp. */
const ALLOY_MOUNTS: k8s.VolumeMount[] = [
  { name: 'config', mountPath: PATHS.configDir, readOnly: true },
  { name: 'storage', mountPath: PATHS.storage },
  { name: 'tmp', mountPath: '/tmp' },
];

function alloyArgs(extra: string[] = []): string[] {
  return [
    'run',
    `${PATHS.configDir}/${PATHS.configFile}`,
    `--storage.path=${PATHS.storage}`,
    `--server.http.listen-addr=0.0.0.0:${PORTS.alloyHttp}`,
    `--stability.level=${STABILITY_LEVEL}`,
    '--disable-reporting',
    ...extra,
  ];
}

/** Clustering through a headless Service that publishes starting pods, as the Alloy Helm chart's `-cluster` Service. */
function clusterArgs(peers: string): string[] {
  return ['--cluster.enabled=true', `--cluster.join-addresses=${peers}`];
}

const readiness = (): k8s.Probe => httpProbe('/-/ready', HTTP_PORT_NAME, { initialDelaySeconds: 5 });

function fieldEnv(name: string, fieldPath: string): k8s.EnvVar {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

const read = (apiGroups: string[], resources: string[], verbs = ['get', 'list', 'watch']): k8s.PolicyRule => ({ apiGroups, resources, verbs });

/**
 * What the cluster-wide sources read: pods (kube-state-metrics, CoreDNS, annotated pods, PodMonitors), Services and
 * EndpointSlices (the API server's endpoints, ServiceMonitors), namespaces (operator namespace selectors), events,
 * the operator's monitors, and the `/metrics` non-resource URL of the API server. Never Secrets.
 */
export function clusterSourceRules(env: Environment): k8s.PolicyRule[] {
  const c = env.collection;
  const rules: k8s.PolicyRule[] = [];
  const core = [
    ...(c.kubeStateMetrics || c.controlPlane || c.annotationAutodiscovery || c.prometheusOperatorObjects ? ['pods'] : []),
    ...(c.controlPlane || c.prometheusOperatorObjects ? ['services'] : []),
    ...(c.prometheusOperatorObjects ? ['namespaces'] : []),
    ...(c.clusterEvents ? ['events'] : []),
  ];
  if (core.length) rules.push(read([''], core.sort()));
  if (c.controlPlane || c.prometheusOperatorObjects) rules.push(read(['discovery.k8s.io'], ['endpointslices']));
  if (c.prometheusOperatorObjects) rules.push(read(['monitoring.coreos.com'], ['podmonitors', 'servicemonitors']));
  if (c.controlPlane) rules.push({ nonResourceUrLs: ['/metrics'], verbs: ['get'] });
  return rules;
}

/** The node agent's RBAC: its node's pods and the node (discovery), the kubelet's metrics, and what it enriches. */
export function nodeAgentRules(env: Environment): k8s.PolicyRule[] {
  const c = env.collection;
  const rules: k8s.PolicyRule[] = [
    // discovery.kubernetes (role pod, role node) restricted to this node by field selectors; k8sattributes' pod cache.
    read([''], ['pods', 'nodes', ...(c.applicationObservability ? ['namespaces'] : [])]),
  ];
  // The kubelet authorizes /metrics, /metrics/cadvisor and /metrics/resource as the nodes/metrics subresource.
  if (c.kubelet) rules.push(read([''], ['nodes/metrics'], ['get']));
  if (env.pipeline !== 'combined') return rules;
  // Combined: the single agent also runs the cluster-wide sources.
  const merged = new Map<string, k8s.PolicyRule>();
  for (const r of [...rules, ...clusterSourceRules(env)]) {
    const key = JSON.stringify({ g: r.apiGroups, v: r.verbs, n: r.nonResourceUrLs });
    const prev = merged.get(key);
    merged.set(key, prev ? { ...prev, resources: [...new Set([...(prev.resources ?? []), ...(r.resources ?? [])])].sort() } : r);
  }
  return [...merged.values()];
}

/** The node agent: root (to read root-owned pod log and journal files) but no capability, read-only host mounts. */
function nodeAgent(ctx: ComponentContext): void {
  const env = ctx.env;
  const ns = env.namespaces.alloyNode;
  const id = NODE_AGENT_ID;
  const c = env.collection;
  const combined = env.pipeline === 'combined';
  const otlp = receivesOtlp(env);
  const legacyReceivers = c.applicationObservability && hasTraces(env);

  serviceAccount(ctx, id, NODE_AGENT_NAME, ns);
  clusterReader(ctx, id, clusterReaderNames(env).alloyNode, { name: NODE_AGENT_NAME, namespace: ns }, nodeAgentRules(env));

  const config = new ConfigFiles(ctx, {
    id,
    name: `${NODE_AGENT_NAME}-config`,
    namespace: ns,
    files: { [PATHS.configFile]: nodeAgentConfigFile(ctx) },
  });

  // The combined agent also holds traces for `decision_wait` and the connectors' state.
  const resources = combined
    ? { cpu: '200m', memory: '512Mi', memoryLimit: '1Gi' }
    : { cpu: '100m', memory: '256Mi', memoryLimit: '1Gi' };

  const receiverPorts = [
    ...(otlp ? [{ name: 'otlp-grpc', port: PORTS.otlpGrpc }, { name: 'otlp-http', port: PORTS.otlpHttp }] : []),
    ...(legacyReceivers
      ? [
          { name: 'zipkin', port: PORTS.zipkin },
          { name: 'jaeger-grpc', port: PORTS.jaegerGrpc },
          { name: 'jaeger-http', port: PORTS.jaegerThriftHttp },
        ]
      : []),
  ];
  // Pod logs alone: /var/log/pods. With the journal: /var/log (pods and journal, as k8s-monitoring-helm's `varlog`
  // mount), so that a node without a persistent journal still runs the agent (the journal source alone fails there).
  const logMount = c.nodeLogs ? { name: 'var-log', path: PATHS.varLog } : c.podLogs ? { name: 'pod-logs', path: PATHS.podLogs } : undefined;
  const alloy = container({
    name: 'alloy',
    image: imageOf('alloy'),
    args: alloyArgs(),
    env: [fieldEnv(NODE_NAME_ENV, 'spec.nodeName'), fieldEnv(POD_NAME_ENV, 'metadata.name'), goMemLimit(resources.memoryLimit)],
    ports: [...receiverPorts, { name: HTTP_PORT_NAME, port: PORTS.alloyHttp }],
    resources,
    readiness: readiness(),
    volumeMounts: [...ALLOY_MOUNTS, ...(logMount ? [{ name: logMount.name, mountPath: logMount.path, readOnly: true }] : [])],
    securityContext: {
      runAsUser: 0,
      runAsGroup: 0,
      runAsNonRoot: false,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  });

  const hostPath = (name: string, path: string, type = 'Directory'): k8s.Volume => ({ name, hostPath: { path, type } });
  nodePriorityClass(ctx);
  daemonSet(ctx, {
    id,
    name: NODE_AGENT_NAME,
    namespace: ns,
    serviceAccountName: NODE_AGENT_NAME,
    containers: [alloy],
    annotations: checksumAnnotation('config', config),
    podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    priorityClassName: NODE_PRIORITY_CLASS.name,
    tolerations: [{ operator: 'Exists' }],
    terminationGracePeriodSeconds: 30,
    // No surge: the old pod of a node stops before the new one starts, so the state directory never has two writers.
    maxUnavailable: '10%',
    volumes: [
      config.volume('config'),
      // On the node, not in the pod: a new pod on the same node finds its predecessor's positions and WAL.
      hostPath('storage', nodeStateHostPath(env), 'DirectoryOrCreate'),
      { name: 'tmp', emptyDir: {} },
      ...(logMount ? [hostPath(logMount.name, logMount.path)] : []),
    ],
  });

  if (receiverPorts.length === 0) return;
  const e = ctx.endpoints;
  service(ctx, {
    id,
    name: e.alloyNodeOtlpGrpc.service,
    namespace: ns,
    // OBI (hostNetwork) and applications send to the agent on their own node.
    internalTrafficPolicy: 'Local',
    ports: receiverPorts.map((p) => ({ name: p.name, port: p.port, appProtocol: p.name.endsWith('grpc') ? 'grpc' : 'http' })),
  });
}

function spreadOverZonesAndNodes(env: Environment, id: WorkloadIdentity): k8s.TopologySpreadConstraint[] {
  return ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selectorLabels(env, id) },
  }));
}

/** The sampling gateway: restricted, clustered, one PVC per replica for the remote-write WAL. */
function gateway(ctx: ComponentContext): void {
  const env = ctx.env;
  const ns = env.namespaces.alloy;
  const id = GATEWAY_ID;
  const e = ctx.endpoints.alloyGatewayOtlp;
  const peers = ctx.endpoints.alloyGatewayCluster;

  const config = new ConfigFiles(ctx, {
    id,
    name: `${GATEWAY_NAME}-config`,
    namespace: ns,
    files: { [PATHS.configFile]: gatewayConfigFile(ctx) },
  });

  // Splunk's collector sizing: 1 CPU to 2 GB of memory; one core per replica (see SPANS_PER_GATEWAY_REPLICA).
  const resources = { cpu: '1', memory: '2Gi', memoryLimit: '2Gi' };
  const alloy = container({
    name: 'alloy',
    image: imageOf('alloy'),
    args: alloyArgs(clusterArgs(hostPort(peers))),
    env: [fieldEnv(POD_NAME_ENV, 'metadata.name'), goMemLimit(resources.memoryLimit)],
    ports: [
      { name: e.portName, port: e.port },
      { name: HTTP_PORT_NAME, port: PORTS.alloyHttp },
    ],
    resources,
    readiness: readiness(),
    volumeMounts: [...ALLOY_MOUNTS],
  });

  statefulSet(ctx, {
    id,
    name: GATEWAY_NAME,
    namespace: ns,
    replicas: gatewayReplicas(env),
    serviceName: peers.service,
    containers: [alloy],
    annotations: checksumAnnotation('config', config),
    volumes: [config.volume('config'), { name: 'tmp', emptyDir: {} }],
    volumeClaims: [{ name: 'storage', size: GATEWAY_STORAGE_SIZE }],
    // Traces still in decision_wait are decided with what has arrived when the process stops.
    terminationGracePeriodSeconds: 60,
    topologySpreadConstraints: spreadOverZonesAndNodes(env, id),
  });

  // What the node agents' load-balancing exporter resolves: ready pods only, so a starting or terminating sampler
  // gets no new traces.
  service(ctx, { id, name: e.service, namespace: ns, headless: true, ports: [{ name: e.portName, port: e.port, appProtocol: 'grpc' }] });
  // What the peers join through: starting pods too (they must find each other before they are ready).
  service(ctx, { id, name: peers.service, namespace: ns, headless: true, publishNotReadyAddresses: true, ports: [{ name: HTTP_PORT_NAME, port: PORTS.alloyHttp }] });

  podDisruptionBudget(ctx, id, GATEWAY_NAME, ns, 1);
}

/**
 * The cluster collector (tiered): the cluster-wide sources, sharded across its clustered replicas; Pod Security
 * "restricted", read-only access to the objects it discovers, a PVC for the WAL and the event positions.
 */
function clusterCollector(ctx: ComponentContext): void {
  const env = ctx.env;
  const ns = env.namespaces.alloy;
  const id = CLUSTER_COLLECTOR_ID;
  const peers = ctx.endpoints.alloyClusterPeers;

  serviceAccount(ctx, id, CLUSTER_COLLECTOR_NAME, ns);
  clusterReader(ctx, id, clusterReaderNames(env).alloyCluster, { name: CLUSTER_COLLECTOR_NAME, namespace: ns }, clusterSourceRules(env));
  const config = new ConfigFiles(ctx, {
    id,
    name: `${CLUSTER_COLLECTOR_NAME}-config`,
    namespace: ns,
    files: { [PATHS.configFile]: clusterConfigFile(ctx) },
  });
  const resources = { cpu: '250m', memory: '512Mi', memoryLimit: '2Gi' };
  statefulSet(ctx, {
    id,
    name: CLUSTER_COLLECTOR_NAME,
    namespace: ns,
    replicas: CLUSTER_COLLECTOR_REPLICAS,
    serviceName: peers.service,
    serviceAccountName: CLUSTER_COLLECTOR_NAME,
    containers: [
      container({
        name: 'alloy',
        image: imageOf('alloy'),
        args: alloyArgs(clusterArgs(hostPort(peers))),
        env: [fieldEnv(POD_NAME_ENV, 'metadata.name'), goMemLimit(resources.memoryLimit)],
        ports: [{ name: HTTP_PORT_NAME, port: PORTS.alloyHttp }],
        resources,
        readiness: readiness(),
        volumeMounts: [...ALLOY_MOUNTS],
      }),
    ],
    annotations: checksumAnnotation('config', config),
    volumes: [config.volume('config'), { name: 'tmp', emptyDir: {} }],
    volumeClaims: [{ name: 'storage', size: GATEWAY_STORAGE_SIZE }],
    terminationGracePeriodSeconds: 30,
    topologySpreadConstraints: spreadOverZonesAndNodes(env, id),
  });
  service(ctx, { id, name: peers.service, namespace: ns, headless: true, publishNotReadyAddresses: true, ports: [{ name: HTTP_PORT_NAME, port: PORTS.alloyHttp }] });
  podDisruptionBudget(ctx, id, CLUSTER_COLLECTOR_NAME, ns, 1);
}

export const alloy: ComponentDefinition = {
  name: 'alloy',
  build(ctx) {
    const env = ctx.env;
    namespace(ctx, env.namespaces.alloy, 'restricted');
    namespace(ctx, env.namespaces.alloyNode, 'privileged', 'the node agent reads pod logs and the journal from the host (hostPath); node-exporter runs in the host network and PID namespaces');
    nodeAgent(ctx);
    nodeExporter(ctx);
    kubeStateMetrics(ctx);
    if (runsGateway(env)) gateway(ctx);
    if (runsClusterCollector(env)) clusterCollector(ctx);
  },
};
