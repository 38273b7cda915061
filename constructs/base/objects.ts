import { createHash } from 'crypto';
import { k8s } from './k8s';
import type { Environment } from '../../environments';
import { ComponentContext } from './context';
import { WorkloadIdentity, platformLabels, selectorLabels, standardLabels } from './labels';
import { restrictedPodSecurityContext } from './security';

/** Pod Security Admission levels (pod-security.kubernetes.io/enforce). */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';
export const PSA_VERSION = 'v1.28';

function meta(ctx: ComponentContext, id: WorkloadIdentity, name: string, namespace: string | undefined, extra: Partial<k8s.ObjectMeta> = {}): k8s.ObjectMeta {
  return { name, namespace, labels: standardLabels(ctx.env, id), ...extra };
}

/** A Namespace with Pod Security Admission labels; `reason` documents why a level below restricted is needed. */
export function namespace(ctx: ComponentContext, name: string, level: PodSecurityLevel, reason?: string): k8s.KubeNamespace {
  if (level !== 'restricted' && !reason) throw new Error(`namespace ${name}: a Pod Security level of ${level} needs a reason`);
  return new k8s.KubeNamespace(ctx.platformChart, `Namespace-${name}`, {
    metadata: {
      name,
      labels: {
        ...platformLabels(ctx.env, 'namespace'),
        'pod-security.kubernetes.io/enforce': level,
        'pod-security.kubernetes.io/enforce-version': PSA_VERSION,
        'pod-security.kubernetes.io/audit': level,
        'pod-security.kubernetes.io/warn': level,
      },
      annotations: reason ? { 'mop.dev/pod-security-reason': reason } : undefined,
    },
  });
}

export interface ConfigFilesProps {
  readonly id: WorkloadIdentity;
  readonly name: string;
  readonly namespace: string;
  readonly files?: Readonly<Record<string, string>>;
  readonly binaryFiles?: Readonly<Record<string, Buffer>>;
}

/**
 * A ConfigMap holding config files, and the sha256 of its content: put `checksumAnnotation` on the pod template so
 * that a config change rolls the pods.
 */
export class ConfigFiles {
  readonly configMap: k8s.KubeConfigMap;
  readonly checksum: string;
  readonly name: string;

  constructor(ctx: ComponentContext, props: ConfigFilesProps) {
    const hash = createHash('sha256');
    const files = props.files ?? {};
    const binary = props.binaryFiles ?? {};
    for (const key of Object.keys(files).sort()) hash.update(`${key}\0${files[key]}\0`);
    for (const key of Object.keys(binary).sort()) hash.update(`${key}\0`).update(binary[key]).update('\0');
    this.checksum = hash.digest('hex');
    this.name = props.name;
    const binaryData: Record<string, string> = {};
    for (const key of Object.keys(binary).sort()) binaryData[key] = binary[key].toString('base64');
    this.configMap = new k8s.KubeConfigMap(ctx.chart, `ConfigMap-${props.name}`, {
      metadata: meta(ctx, props.id, props.name, props.namespace),
      data: Object.keys(files).length ? { ...files } : undefined,
      binaryData: Object.keys(binaryData).length ? binaryData : undefined,
    });
  }

  /** A volume that mounts every file of the ConfigMap. */
  volume(volumeName = 'config'): k8s.Volume {
    return { name: volumeName, configMap: { name: this.name } };
  }
}

/** The pod-template annotation that carries a config checksum. */
export function checksumAnnotation(key: string, files: ConfigFiles): Record<string, string> {
  return { [`checksum/${key}`]: files.checksum };
}

export interface PodProps {
  readonly id: WorkloadIdentity;
  readonly name: string;
  readonly namespace: string;
  readonly containers: k8s.Container[];
  readonly initContainers?: k8s.Container[];
  readonly volumes?: k8s.Volume[];
  /** Without a ServiceAccount the pod runs as `default` with no API token mounted. */
  readonly serviceAccountName?: string;
  readonly annotations?: Record<string, string>;
  /** Extra pod labels (for example gossip-ring membership); selectors never use them. */
  readonly extraLabels?: Record<string, string>;
  readonly podSecurityContext?: k8s.PodSecurityContext;
  readonly hostPid?: boolean;
  readonly hostNetwork?: boolean;
  readonly dnsPolicy?: string;
  readonly priorityClassName?: string;
  readonly tolerations?: k8s.Toleration[];
  readonly affinity?: k8s.Affinity;
  readonly nodeSelector?: Record<string, string>;
  readonly topologySpreadConstraints?: k8s.TopologySpreadConstraint[];
  readonly terminationGracePeriodSeconds?: number;
}

function podTemplate(ctx: ComponentContext, p: PodProps): k8s.PodTemplateSpec {
  return {
    metadata: {
      labels: { ...standardLabels(ctx.env, p.id), ...(p.extraLabels ?? {}) },
      annotations: p.annotations && Object.keys(p.annotations).length ? p.annotations : undefined,
    },
    spec: {
      serviceAccountName: p.serviceAccountName,
      automountServiceAccountToken: p.serviceAccountName !== undefined,
      enableServiceLinks: false,
      securityContext: p.podSecurityContext ?? restrictedPodSecurityContext(),
      hostPid: p.hostPid,
      hostNetwork: p.hostNetwork,
      dnsPolicy: p.dnsPolicy,
      priorityClassName: p.priorityClassName,
      tolerations: p.tolerations,
      affinity: p.affinity,
      nodeSelector: p.nodeSelector,
      topologySpreadConstraints: p.topologySpreadConstraints,
      terminationGracePeriodSeconds: p.terminationGracePeriodSeconds,
      initContainers: p.initContainers,
      containers: p.containers,
      volumes: p.volumes,
    },
  };
}

export interface DeploymentProps extends PodProps {
  readonly replicas: number;
  readonly maxUnavailable?: number;
  /** Default 1; 0 where two replicas must never run at once (the rollout-operator). */
  readonly maxSurge?: number;
}

export function deployment(ctx: ComponentContext, p: DeploymentProps): k8s.KubeDeployment {
  return new k8s.KubeDeployment(ctx.chart, `Deployment-${p.name}`, {
    metadata: meta(ctx, p.id, p.name, p.namespace),
    spec: {
      replicas: p.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(ctx.env, p.id) },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(p.maxUnavailable ?? (p.replicas > 1 ? 1 : 0)), maxSurge: k8s.IntOrString.fromNumber(p.maxSurge ?? 1) },
      },
      template: podTemplate(ctx, p),
    },
  });
}

export interface StatefulSetProps extends PodProps {
  readonly replicas: number;
  /** The governing (usually headless) Service. */
  readonly serviceName: string;
  readonly volumeClaims?: readonly { name: string; size: string }[];
  readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /** `OnDelete` for zone-by-zone rollouts driven from outside; default RollingUpdate. */
  readonly updateStrategy?: 'RollingUpdate' | 'OnDelete';
  /** Extra labels and annotations on the StatefulSet object itself (what the rollout-operator reads). */
  readonly objectLabels?: Record<string, string>;
  readonly objectAnnotations?: Record<string, string>;
}

export function statefulSet(ctx: ComponentContext, p: StatefulSetProps): k8s.KubeStatefulSet {
  const metadata = meta(ctx, p.id, p.name, p.namespace);
  return new k8s.KubeStatefulSet(ctx.chart, `StatefulSet-${p.name}`, {
    metadata: {
      ...metadata,
      labels: { ...metadata.labels, ...(p.objectLabels ?? {}) },
      annotations: p.objectAnnotations && Object.keys(p.objectAnnotations).length ? p.objectAnnotations : undefined,
    },
    spec: {
      replicas: p.replicas,
      revisionHistoryLimit: 5,
      serviceName: p.serviceName,
      podManagementPolicy: p.podManagementPolicy ?? 'Parallel',
      updateStrategy: { type: p.updateStrategy ?? 'RollingUpdate' },
      selector: { matchLabels: selectorLabels(ctx.env, p.id) },
      persistentVolumeClaimRetentionPolicy: p.volumeClaims?.length ? { whenDeleted: 'Retain', whenScaled: 'Retain' } : undefined,
      volumeClaimTemplates: p.volumeClaims?.map((c) => ({
        metadata: { name: c.name, labels: selectorLabels(ctx.env, p.id) },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: ctx.env.storageClassName,
          resources: { requests: { storage: k8s.Quantity.fromString(c.size) } },
        },
      })),
      template: podTemplate(ctx, p),
    },
  });
}

export interface DaemonSetProps extends PodProps {
  /** Nodes updated at once during a rollout, as a percentage string ("10%") or a count. */
  readonly maxUnavailable: string | number;
}

export function daemonSet(ctx: ComponentContext, p: DaemonSetProps): k8s.KubeDaemonSet {
  const maxUnavailable = typeof p.maxUnavailable === 'number' ? k8s.IntOrString.fromNumber(p.maxUnavailable) : k8s.IntOrString.fromString(p.maxUnavailable);
  return new k8s.KubeDaemonSet(ctx.chart, `DaemonSet-${p.name}`, {
    metadata: meta(ctx, p.id, p.name, p.namespace),
    spec: {
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(ctx.env, p.id) },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable } },
      template: podTemplate(ctx, p),
    },
  });
}

export interface ServicePort {
  readonly name: string;
  readonly port: number;
  /** Named container port; defaults to the Service port's name. */
  readonly targetPort?: string;
  readonly appProtocol?: string;
}

export interface ServiceProps {
  readonly id: WorkloadIdentity;
  readonly name: string;
  readonly namespace: string;
  readonly ports: readonly ServicePort[];
  readonly headless?: boolean;
  /** Gossip and peer discovery must see pods before they are ready. */
  readonly publishNotReadyAddresses?: boolean;
  readonly internalTrafficPolicy?: 'Cluster' | 'Local';
  /** Select pods by these labels instead of the workload's selector labels (for example a gossip ring). */
  readonly selector?: Record<string, string>;
}

export function service(ctx: ComponentContext, p: ServiceProps): k8s.KubeService {
  return new k8s.KubeService(ctx.chart, `Service-${p.name}`, {
    metadata: meta(ctx, p.id, p.name, p.namespace),
    spec: {
      type: 'ClusterIP',
      clusterIp: p.headless ? 'None' : undefined,
      publishNotReadyAddresses: p.publishNotReadyAddresses,
      internalTrafficPolicy: p.internalTrafficPolicy,
      selector: p.selector ?? selectorLabels(ctx.env, p.id),
      ports: p.ports.map((port) => ({
        name: port.name,
        port: port.port,
        targetPort: k8s.IntOrString.fromString(port.targetPort ?? port.name),
        protocol: 'TCP',
        appProtocol: port.appProtocol,
      })),
    },
  });
}

export function serviceAccount(ctx: ComponentContext, id: WorkloadIdentity, name: string, namespace: string): k8s.KubeServiceAccount {
  return new k8s.KubeServiceAccount(ctx.chart, `ServiceAccount-${name}`, {
    metadata: meta(ctx, id, name, namespace),
    automountServiceAccountToken: false,
  });
}

/** A read-only ClusterRole bound to a ServiceAccount; both go to the platform chart with the namespaces. */
/**
 * The names of the cluster readers (a ClusterRole and its binding each) an environment can render: OBI and the Alloy
 * node agent (named after their namespaces), the Alloy cluster collector and kube-state-metrics. One list, so the
 * components and the Argo CD project that must permit them by name (constructs/argocd) agree.
 */
export function clusterReaderNames(env: Environment): { obi: string; alloyNode: string; alloyCluster: string; kubeStateMetrics: string } {
  return {
    obi: env.namespaces.obi,
    alloyNode: env.namespaces.alloyNode,
    alloyCluster: `${env.namespaces.alloy}-cluster`,
    kubeStateMetrics: `${env.namespacePrefix}-kube-state-metrics`,
  };
}

export function clusterReader(
  ctx: ComponentContext,
  id: WorkloadIdentity,
  name: string,
  subject: { name: string; namespace: string },
  rules: k8s.PolicyRule[],
): void {
  new k8s.KubeClusterRole(ctx.platformChart, `ClusterRole-${name}`, { metadata: { name, labels: standardLabels(ctx.env, id) }, rules });
  new k8s.KubeClusterRoleBinding(ctx.platformChart, `ClusterRoleBinding-${name}`, {
    metadata: { name, labels: standardLabels(ctx.env, id) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name: subject.name, namespace: subject.namespace }],
  });
}

export function podDisruptionBudget(
  ctx: ComponentContext,
  id: WorkloadIdentity,
  name: string,
  namespace: string,
  maxUnavailable: number,
  selector: Record<string, string> = selectorLabels(ctx.env, id),
): k8s.KubePodDisruptionBudget {
  return new k8s.KubePodDisruptionBudget(ctx.chart, `PodDisruptionBudget-${name}`, {
    metadata: meta(ctx, id, name, namespace),
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(maxUnavailable), selector: { matchLabels: selector } },
  });
}
