/**
 * node-exporter (`collection.nodeExporter`): host metrics of every node, scraped by the Alloy node agent of the same
 * node with job `integrations/node_exporter` (grafana/k8s-monitoring-helm 3.x deploys prometheus-node-exporter for
 * the same job).
 *
 * It runs in the host's network and PID namespaces, as upstream documents (prometheus/node_exporter v1.12.1
 * README.md, "Docker": `--net="host" --pid="host" -v "/:/host:ro,rslave" … --path.rootfs=/host`): only then do
 * `/proc/net/dev` and `/sys/class/net` describe the node's interfaces, so `node_network_*` are the node's and not a
 * pod's. Non-root (the image's `nobody`), no capabilities, read-only root file system and host mount; it listens on
 * the node's IP only. Being host-level it lives in the privileged node-agent namespace.
 */
import { ComponentContext, WorkloadIdentity, container, daemonSet, httpProbe, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../base';
import { k8s } from '../base/k8s';
import { PORTS } from '../endpoints';
import { NODE_PRIORITY_CLASS, nodePriorityClass } from '../obi';
import { imageOf } from '../versions';

export const NODE_EXPORTER_NAME = 'node-exporter';
export const NODE_EXPORTER_ID: WorkloadIdentity = { software: 'nodeExporter', name: NODE_EXPORTER_NAME, component: 'exporter' };
export const NODE_EXPORTER_UID = 65534;
const HOST_ROOT = '/host/root';

/**
 * Mount points whose filesystems are not the node's: upstream's default exclusions (collector/filesystem_linux.go,
 * `defMountPointsExcluded`) plus the kubelet's pod volumes, which would add a series per volume of every pod.
 */
export const MOUNT_POINTS_EXCLUDE = '^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+|var/lib/kubelet/pods/.+)($|/)';

export function nodeExporterArgs(): string[] {
  return [
    `--path.rootfs=${HOST_ROOT}`,
    // `[ip]:port` is valid for IPv4 and IPv6 (Go net.SplitHostPort); $(HOST_IP) is the downward-API env below.
    `--web.listen-address=[$(HOST_IP)]:${PORTS.nodeExporter}`,
    `--collector.filesystem.mount-points-exclude=${MOUNT_POINTS_EXCLUDE}`,
  ];
}

export function nodeExporter(ctx: ComponentContext): void {
  const env = ctx.env;
  if (!env.collection.nodeExporter) return;
  nodePriorityClass(ctx);
  const port = 'http-metrics';
  daemonSet(ctx, {
    id: NODE_EXPORTER_ID,
    name: NODE_EXPORTER_NAME,
    namespace: env.namespaces.alloyNode,
    hostNetwork: true,
    hostPid: true,
    priorityClassName: NODE_PRIORITY_CLASS.name,
    tolerations: [{ operator: 'Exists' }],
    maxUnavailable: '10%',
    podSecurityContext: restrictedPodSecurityContext(NODE_EXPORTER_UID),
    containers: [
      container({
        name: NODE_EXPORTER_NAME,
        image: imageOf('nodeExporter'),
        args: nodeExporterArgs(),
        env: [{ name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } }],
        // With hostNetwork the kubelet probes the pod IP, which is the node IP node-exporter listens on.
        ports: [{ name: port, port: PORTS.nodeExporter }],
        resources: { cpu: '50m', memory: '64Mi', memoryLimit: '128Mi' },
        readiness: httpProbe('/', port, { initialDelaySeconds: 5 }),
        liveness: httpProbe('/', port, { initialDelaySeconds: 30, failureThreshold: 6 }),
        volumeMounts: [{ name: 'host-root', mountPath: HOST_ROOT, readOnly: true, mountPropagation: 'HostToContainer' }],
        securityContext: restrictedContainerSecurityContext(),
      }),
    ],
    volumes: [{ name: 'host-root', hostPath: { path: '/', type: 'Directory' } } as k8s.Volume],
  });
}
