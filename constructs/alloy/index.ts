/**
 * Grafana Alloy, the telemetry pipeline: a node agent DaemonSet on every node and, in `tiered` environments, a
 * clustered sampling gateway StatefulSet. The configs are in pipeline.ts; docs/alloy.md explains the data flow.
 */
import { k8s } from '../base/k8s';
import { ComponentDefinition } from '../platform';
import {
  ComponentContext,
  ConfigFiles,
  WorkloadIdentity,
  checksumAnnotation,
  clusterReader,
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
import { PORTS } from '../endpoints';
import { NODE_PRIORITY_CLASS } from '../obi';
import { imageOf } from '../versions';
import { NODE_NAME_ENV, PATHS, POD_NAME_ENV, dnsName, gatewayConfig, gatewayReplicas, nodeAgentConfig } from './pipeline';
import { renderAlloy } from './syntax';

export const NODE_AGENT_NAME = 'alloy-node';
export const GATEWAY_NAME = 'alloy-gateway';
export const NODE_AGENT_ID: WorkloadIdentity = { software: 'alloy', component: 'node-agent' };
export const GATEWAY_ID: WorkloadIdentity = { software: 'alloy', component: 'gateway' };
/** Components outside this level refuse to start; test/alloy-pipeline checks every component against it. */
export const STABILITY_LEVEL = 'generally-available';
/** The gateway's storage volume (remote-write WAL of the metrics it derives and scrapes). */
export const GATEWAY_STORAGE_SIZE = '5Gi';

const HTTP_PORT_NAME = 'http-metrics';

const nodeAgentConfigFile = (ctx: ComponentContext): string => renderAlloy(nodeAgentConfig(ctx.env, ctx.endpoints));
const gatewayConfigFile = (ctx: ComponentContext): string => renderAlloy(gatewayConfig(ctx.env, ctx.endpoints));

/** The rendered config files, by workload (tests read these; each workload renders only its own). */
export function alloyConfigs(ctx: ComponentContext): { nodeAgent: string; gateway?: string } {
  return { nodeAgent: nodeAgentConfigFile(ctx), gateway: ctx.env.pipeline === 'tiered' ? gatewayConfigFile(ctx) : undefined };
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

const readiness = (): k8s.Probe => httpProbe('/-/ready', HTTP_PORT_NAME, { initialDelaySeconds: 5 });

function fieldEnv(name: string, fieldPath: string): k8s.EnvVar {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

/** The node agent: root (to read root-owned pod log files) but no capability, read-only mounts, no privilege. */
function nodeAgent(ctx: ComponentContext): void {
  const env = ctx.env;
  const ns = env.namespaces.alloyNode;
  const id = NODE_AGENT_ID;
  const combined = env.pipeline === 'combined';

  serviceAccount(ctx, id, NODE_AGENT_NAME, ns);
  clusterReader(ctx, id, ns, { name: NODE_AGENT_NAME, namespace: ns }, [
    // discovery.kubernetes (role pod, role node) restricted to this node by field selectors.
    { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] },
    // The kubelet authorizes /metrics and /metrics/cadvisor as the nodes/metrics subresource.
    { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
  ]);

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

  const alloy = container({
    name: 'alloy',
    image: imageOf('alloy'),
    args: alloyArgs(),
    env: [fieldEnv(NODE_NAME_ENV, 'spec.nodeName'), goMemLimit(resources.memoryLimit)],
    ports: [
      { name: 'otlp-grpc', port: PORTS.otlpGrpc },
      { name: 'otlp-http', port: PORTS.otlpHttp },
      { name: HTTP_PORT_NAME, port: PORTS.alloyHttp },
    ],
    resources,
    readiness: readiness(),
    volumeMounts: [
      ...ALLOY_MOUNTS,
      { name: 'pod-logs', mountPath: PATHS.podLogs, readOnly: true },
      { name: 'host-proc', mountPath: PATHS.hostProc, readOnly: true },
      { name: 'host-sys', mountPath: PATHS.hostSys, readOnly: true },
      { name: 'host-root', mountPath: PATHS.hostRoot, readOnly: true, mountPropagation: 'HostToContainer' },
    ],
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

  const hostPath = (name: string, path: string): k8s.Volume => ({ name, hostPath: { path, type: 'Directory' } });
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
    maxUnavailable: '10%',
    volumes: [
      config.volume('config'),
      // emptyDir: survives container restarts; a DaemonSet pod is replaced on its own node only on rollouts.
      { name: 'storage', emptyDir: {} },
      { name: 'tmp', emptyDir: {} },
      hostPath('pod-logs', PATHS.podLogs),
      hostPath('host-proc', '/proc'),
      hostPath('host-sys', '/sys'),
      hostPath('host-root', '/'),
    ],
  });

  const e = ctx.endpoints;
  service(ctx, {
    id,
    name: e.alloyNodeOtlpGrpc.service,
    namespace: ns,
    // OBI (hostNetwork) sends to the agent on its own node.
    internalTrafficPolicy: 'Local',
    ports: [
      { name: e.alloyNodeOtlpGrpc.portName, port: e.alloyNodeOtlpGrpc.port, appProtocol: 'grpc' },
      { name: e.alloyNodeOtlpHttp.portName, port: e.alloyNodeOtlpHttp.port, appProtocol: 'http' },
      { name: HTTP_PORT_NAME, port: PORTS.alloyHttp },
    ],
  });
}

/** The sampling gateway: restricted, clustered, one PVC per replica for the remote-write WAL. */
function gateway(ctx: ComponentContext): void {
  const env = ctx.env;
  const ns = env.namespaces.alloy;
  const id = GATEWAY_ID;
  const e = ctx.endpoints.alloyGatewayOtlp;
  const replicas = gatewayReplicas(env);

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
    args: alloyArgs([
      '--cluster.enabled=true',
      `--cluster.join-addresses=${dnsName(e)}:${PORTS.alloyHttp}`,
    ]),
    env: [fieldEnv(POD_NAME_ENV, 'metadata.name'), goMemLimit(resources.memoryLimit)],
    ports: [
      { name: e.portName, port: e.port },
      { name: HTTP_PORT_NAME, port: PORTS.alloyHttp },
    ],
    resources,
    readiness: readiness(),
    volumeMounts: [
      ...ALLOY_MOUNTS,
    ],
  });

  statefulSet(ctx, {
    id,
    name: GATEWAY_NAME,
    namespace: ns,
    replicas,
    serviceName: e.service,
    containers: [alloy],
    annotations: checksumAnnotation('config', config),
    volumes: [config.volume('config'), { name: 'tmp', emptyDir: {} }],
    volumeClaims: [{ name: 'storage', size: GATEWAY_STORAGE_SIZE }],
    // Traces still in decision_wait are decided with what has arrived when the process stops.
    terminationGracePeriodSeconds: 60,
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: selectorLabels(env, id) },
      },
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: selectorLabels(env, id) },
      },
    ],
  });

  service(ctx, {
    id,
    name: e.service,
    namespace: ns,
    headless: true,
    // Cluster peers and the load-balancing exporter's DNS resolver must see starting pods.
    publishNotReadyAddresses: true,
    ports: [
      { name: e.portName, port: e.port, appProtocol: 'grpc' },
      { name: HTTP_PORT_NAME, port: PORTS.alloyHttp },
    ],
  });

  podDisruptionBudget(ctx, id, GATEWAY_NAME, ns, 1);
}

export const alloy: ComponentDefinition = {
  name: 'alloy',
  build(ctx) {
    namespace(ctx, ctx.env.namespaces.alloy, 'restricted');
    namespace(ctx, ctx.env.namespaces.alloyNode, 'privileged', 'the node agent reads pod logs from the host (/var/log/pods, hostPath)');
    nodeAgent(ctx);
    if (ctx.env.pipeline === 'tiered') gateway(ctx);
  },
};
