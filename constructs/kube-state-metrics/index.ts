/**
 * kube-state-metrics (`collection.kubeStateMetrics`): the state of Deployments, StatefulSets, DaemonSets, pods, jobs,
 * PVCs, nodes and HPAs as metrics, scraped by the Alloy cluster-wide sources with job
 * `integrations/kubernetes/kube-state-metrics`. Upstream: kubernetes/kube-state-metrics v2.20.0
 * (examples/standard/*.yaml for ports, probes, security context and RBAC; README.md "Resource recommendation" and
 * "Health endpoints"). Rendered into the restricted Alloy namespace, next to the collector that scrapes it.
 */
import { ComponentContext, WorkloadIdentity, clusterReader, clusterReaderNames, container, deployment, httpProbe, restrictedPodSecurityContext, service, serviceAccount } from '../base';
import { k8s } from '../base/k8s';
import { PORTS } from '../endpoints';
import { imageOf } from '../versions';

export const KSM_NAME = 'kube-state-metrics';
export const KSM_ID: WorkloadIdentity = { software: 'kubeStateMetrics', name: KSM_NAME, component: 'exporter' };
/** The image's user (`nobody`, examples/standard/deployment.yaml `runAsUser: 65534`). */
export const KSM_UID = 65534;

/**
 * The objects kube-state-metrics lists and watches (`--resources`), by API group; its ClusterRole grants exactly
 * these. Upstream's default set (pkg/options/resource.go DefaultResources) also includes Secrets and ConfigMaps,
 * which MOP never reads, and admission, RBAC, network and storage objects nothing here uses.
 */
export const KSM_RESOURCES: Readonly<Record<string, readonly string[]>> = {
  '': ['namespaces', 'nodes', 'persistentvolumeclaims', 'persistentvolumes', 'pods', 'resourcequotas'],
  apps: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'],
  batch: ['cronjobs', 'jobs'],
  autoscaling: ['horizontalpodautoscalers'],
};

export function kubeStateMetricsArgs(): string[] {
  const resources = Object.values(KSM_RESOURCES).flat().sort();
  return [`--port=${PORTS.kubeStateMetrics}`, `--telemetry-port=${PORTS.kubeStateMetricsTelemetry}`, `--resources=${resources.join(',')}`];
}

export function kubeStateMetrics(ctx: ComponentContext): void {
  const env = ctx.env;
  if (!env.collection.kubeStateMetrics) return;
  const ns = env.namespaces.alloy;
  const e = ctx.endpoints.kubeStateMetrics;

  serviceAccount(ctx, KSM_ID, KSM_NAME, ns);
  const rules: k8s.PolicyRule[] = Object.entries(KSM_RESOURCES).map(([group, resources]) => ({ apiGroups: [group], resources: [...resources], verbs: ['list', 'watch'] }));
  clusterReader(ctx, KSM_ID, clusterReaderNames(env).kubeStateMetrics, { name: KSM_NAME, namespace: ns }, rules);

  // Upstream: 250 MiB and 0.1 core as a general rule, growing with the number of objects; dev is a laptop.
  const resources = env.tier === 'dev' ? { cpu: '50m', memory: '128Mi', memoryLimit: '256Mi' } : { cpu: '100m', memory: '256Mi', memoryLimit: '512Mi' };
  deployment(ctx, {
    id: KSM_ID,
    name: KSM_NAME,
    namespace: ns,
    replicas: 1,
    serviceAccountName: KSM_NAME,
    podSecurityContext: restrictedPodSecurityContext(KSM_UID),
    containers: [
      container({
        name: KSM_NAME,
        image: imageOf('kubeStateMetrics'),
        args: kubeStateMetricsArgs(),
        ports: [
          { name: e.portName, port: PORTS.kubeStateMetrics },
          { name: 'telemetry', port: PORTS.kubeStateMetricsTelemetry },
        ],
        resources,
        // README "Health endpoints": /readyz on the telemetry port for readiness, /livez on the main port for liveness.
        readiness: httpProbe('/readyz', 'telemetry', { initialDelaySeconds: 5, timeoutSeconds: 5 }),
        liveness: httpProbe('/livez', e.portName, { initialDelaySeconds: 5, timeoutSeconds: 5 }),
      }),
    ],
  });
  service(ctx, { id: KSM_ID, name: e.service, namespace: ns, ports: [{ name: e.portName, port: e.port, appProtocol: 'http' }] });
}
