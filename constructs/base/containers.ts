import { k8s } from './k8s';
import { restrictedContainerSecurityContext } from './security';

/** Requests and the memory limit of one container. CPU is deliberately not limited (throttling hurts latency). */
export interface Resources {
  readonly cpu: string;
  readonly memory: string;
  /** Defaults to the memory request. */
  readonly memoryLimit?: string;
}

export interface ContainerPort {
  readonly name: string;
  readonly port: number;
  readonly protocol?: 'TCP' | 'UDP';
}

export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: k8s.EnvVar[];
  readonly envFrom?: k8s.EnvFromSource[];
  readonly ports?: readonly ContainerPort[];
  readonly resources: Resources;
  readonly readiness: k8s.Probe;
  readonly liveness?: k8s.Probe;
  readonly startup?: k8s.Probe;
  readonly volumeMounts?: k8s.VolumeMount[];
  /** Replaces the restricted default; only host-level agents set this. */
  readonly securityContext?: k8s.SecurityContext;
  readonly lifecycle?: k8s.Lifecycle;
}

export function httpProbe(path: string, port: string | number, opts: Partial<k8s.Probe> = {}): k8s.Probe {
  return {
    httpGet: { path, port: typeof port === 'number' ? k8s.IntOrString.fromNumber(port) : k8s.IntOrString.fromString(port) },
    initialDelaySeconds: 10,
    periodSeconds: 10,
    timeoutSeconds: 1,
    failureThreshold: 3,
    ...opts,
  };
}

/** Go runtime memory limit at 90% of the container's memory limit, in bytes. */
export function goMemLimit(memoryLimit: string): k8s.EnvVar {
  return { name: 'GOMEMLIMIT', value: String(Math.floor(quantityToBytes(memoryLimit) * 0.9)) };
}

export function container(spec: ContainerSpec): k8s.Container {
  return {
    name: spec.name,
    image: spec.image,
    imagePullPolicy: 'IfNotPresent',
    command: spec.command,
    args: spec.args,
    env: spec.env,
    envFrom: spec.envFrom,
    ports: spec.ports?.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol ?? 'TCP' })),
    resources: {
      requests: { cpu: k8s.Quantity.fromString(spec.resources.cpu), memory: k8s.Quantity.fromString(spec.resources.memory) },
      limits: { memory: k8s.Quantity.fromString(spec.resources.memoryLimit ?? spec.resources.memory) },
    },
    readinessProbe: spec.readiness,
    livenessProbe: spec.liveness,
    startupProbe: spec.startup,
    volumeMounts: spec.volumeMounts,
    securityContext: spec.securityContext ?? restrictedContainerSecurityContext(),
    lifecycle: spec.lifecycle,
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
}

const UNITS: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, m: 1e-3,
};

/** Parses a Kubernetes quantity ("512Mi", "1.5", "250m") into a plain number (bytes or cores). */
export function parseQuantity(q: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)([a-zA-Z]*)$/.exec(q);
  if (!m || UNITS[m[2]] === undefined) throw new Error(`invalid Kubernetes quantity "${q}"`);
  return Number(m[1]) * UNITS[m[2]];
}

export const quantityToBytes = parseQuantity;

/** Formats cores as millicores ("1500m") and bytes as whole Mi ("768Mi"), rounding up. */
export function formatCpu(cores: number): string {
  return `${Math.ceil(cores * 1000)}m`;
}
export function formatMemory(bytes: number): string {
  const mi = Math.ceil(bytes / 1024 ** 2);
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}
