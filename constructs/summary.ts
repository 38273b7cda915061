import { KubeObject, RenderedEnvironment } from './render';
import { parseQuantity } from './base/containers';

interface PodSpecLike {
  containers?: { resources?: { requests?: Record<string, string> } }[];
  initContainers?: { resources?: { requests?: Record<string, string> } }[];
}

export interface RequestTotals {
  /** Cores and bytes requested by Deployments and StatefulSets at their replica counts, plus one pod of each DaemonSet. */
  readonly cpu: number;
  readonly memory: number;
  /** The DaemonSet part of the totals: paid again on every node. */
  readonly perNodeCpu: number;
  readonly perNodeMemory: number;
}

function podRequests(spec: PodSpecLike): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of spec.containers ?? []) {
    cpu += parseQuantity(c.resources?.requests?.cpu ?? '0');
    memory += parseQuantity(c.resources?.requests?.memory ?? '0');
  }
  // Init containers run before the others, so the pod needs the larger of the two.
  for (const c of spec.initContainers ?? []) {
    cpu = Math.max(cpu, parseQuantity(c.resources?.requests?.cpu ?? '0'));
    memory = Math.max(memory, parseQuantity(c.resources?.requests?.memory ?? '0'));
  }
  return { cpu, memory };
}

export function requestTotals(objects: Iterable<KubeObject>): RequestTotals {
  let cpu = 0;
  let memory = 0;
  let perNodeCpu = 0;
  let perNodeMemory = 0;
  for (const obj of objects) {
    const spec = obj.spec as { replicas?: number; template?: { spec?: PodSpecLike } } | undefined;
    if (!spec?.template?.spec || !['Deployment', 'StatefulSet', 'DaemonSet'].includes(obj.kind)) continue;
    const pod = podRequests(spec.template.spec);
    const replicas = obj.kind === 'DaemonSet' ? 1 : spec.replicas ?? 1;
    cpu += pod.cpu * replicas;
    memory += pod.memory * replicas;
    if (obj.kind === 'DaemonSet') {
      perNodeCpu += pod.cpu;
      perNodeMemory += pod.memory;
    }
  }
  return { cpu, memory, perNodeCpu, perNodeMemory };
}

/** `19.7 cores`, `0.32 cores`. */
export function formatCores(cores: number): string {
  const digits = cores >= 10 ? 1 : 2;
  return `${Number(cores.toFixed(digits))} core${cores === 1 ? '' : 's'}`;
}

/** `53.5 GiB`, `0.81 GiB`. */
export function formatGiB(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  return `${Number(gib.toFixed(gib >= 10 ? 1 : 2))} GiB`;
}

/** The per-environment report `npm run synth` prints. */
export function summarize(r: RenderedEnvironment): string {
  const all: KubeObject[] = [];
  const counts: string[] = [];
  for (const [component, objects] of r.objects) {
    all.push(...objects);
    counts.push(`${component}=${objects.length}`);
  }
  const t = requestTotals(all);
  return (
    `${r.env.name}: ${all.length} objects (${counts.join(', ')}); ` +
    `requests ${formatCores(t.cpu)}, ${formatGiB(t.memory)} ` +
    `(DaemonSets counted once: ${formatCores(t.perNodeCpu)}, ${formatGiB(t.perNodeMemory)} per node)`
  );
}
