import { Environment } from '../../environments';
import { KubeObject } from '../../constructs/render';
import { operatorProvided } from '../../constructs/provided';
import { ApiResources } from './api-resources';

/**
 * Cross-object checks that a cluster would otherwise reveal only after Argo CD applied the objects.
 * Each returns human-readable problems; an empty list means the environment is consistent.
 */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'Rollout']);

interface Container {
  name: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { valueFrom?: { configMapKeyRef?: { name: string; optional?: boolean }; secretKeyRef?: { name: string; optional?: boolean } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  volumeMounts?: { name: string }[];
}
interface PodSpec {
  serviceAccountName?: string;
  containers: Container[];
  initContainers?: Container[];
  volumes?: {
    name: string;
    configMap?: { name: string };
    secret?: { secretName: string };
    persistentVolumeClaim?: { claimName: string };
    projected?: { sources: { configMap?: { name: string }; secret?: { name: string } }[] };
  }[];
}
interface Workload {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: {
    selector?: { matchLabels?: Record<string, string> };
    template: { metadata: { labels?: Record<string, string> }; spec: PodSpec };
    volumeClaimTemplates?: { metadata: { name: string } }[];
  };
}

function id(o: KubeObject): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

function workloads(objects: readonly KubeObject[]): Workload[] {
  return objects.filter((o) => WORKLOADS.has(o.kind) && (o.spec as Workload['spec'] | undefined)?.template) as unknown as Workload[];
}

function matches(selector: Record<string, string>, labels: Record<string, string> = {}): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export function checkNames(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    const name = o.metadata?.name;
    if (!name || name.length > 253 || !DNS_SUBDOMAIN.test(name)) problems.push(`${id(o)}: metadata.name "${name}" is not a DNS subdomain`);
    if (['Service', 'Namespace'].includes(o.kind) && (name.length > 63 || !(o.kind === 'Service' ? DNS_1035 : DNS_LABEL).test(name))) {
      problems.push(`${id(o)}: a ${o.kind} name must be a DNS label (RFC 1035 for Services)`);
    }
    const labelSets: [string, Record<string, string> | undefined][] = [['metadata.labels', o.metadata.labels]];
    const tmpl = (o.spec as Workload['spec'] | undefined)?.template;
    if (WORKLOADS.has(o.kind) && tmpl) labelSets.push(['spec.template.metadata.labels', tmpl.metadata?.labels]);
    for (const [where, labels] of labelSets) {
      for (const [k, v] of Object.entries(labels ?? {})) {
        if (!LABEL_KEY.test(k) || k.split('/').pop()!.length > 63) problems.push(`${id(o)}: ${where} key "${k}" is not a valid label key`);
        if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) problems.push(`${id(o)}: ${where} "${k}" value "${v}" is not a valid label value`);
      }
    }
  }
  return problems;
}

export function checkNamespaces(env: Environment, objects: readonly KubeObject[]): string[] {
  const rendered = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
  const provided = new Set(operatorProvided(env).namespaces);
  const api = ApiResources.all();
  const problems: string[] = [];
  for (const o of objects) {
    const ns = o.metadata.namespace;
    if (!api.isNamespaced(o.apiVersion, o.kind)) {
      if (ns) problems.push(`${id(o)}: cluster-scoped kind must not have a namespace`);
    } else if (!ns) problems.push(`${id(o)}: namespaced object has no metadata.namespace`);
    else if (!rendered.has(ns) && !provided.has(ns)) problems.push(`${id(o)}: namespace "${ns}" is not rendered in this environment`);
  }
  return problems;
}

export function checkWorkloadSelectors(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  for (const w of workloads(objects)) {
    const sel = w.spec.selector?.matchLabels;
    if (!sel || Object.keys(sel).length === 0) problems.push(`${w.kind} ${w.metadata.name}: empty selector`);
    else if (!matches(sel, w.spec.template.metadata.labels)) problems.push(`${w.kind} ${w.metadata.namespace}/${w.metadata.name}: selector does not match its pod template labels`);
  }
  return problems;
}

export function checkServices(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  const all = workloads(objects);
  for (const svc of objects.filter((o) => o.kind === 'Service')) {
    const spec = svc.spec as { selector?: Record<string, string>; ports?: { name?: string; port: number; targetPort?: string | number }[] };
    if (!spec.selector || Object.keys(spec.selector).length === 0) {
      problems.push(`${id(svc)}: has no selector`);
      continue;
    }
    const selected = all.filter((w) => w.metadata.namespace === svc.metadata.namespace && matches(spec.selector!, w.spec.template.metadata.labels));
    if (selected.length === 0) {
      problems.push(`${id(svc)}: selects no pod template in its namespace`);
      continue;
    }
    for (const port of spec.ports ?? []) {
      const target = port.targetPort ?? port.port;
      const found = selected.every((w) =>
        [...w.spec.template.spec.containers].some((c) => (c.ports ?? []).some((p) => (typeof target === 'string' ? p.name === target : p.containerPort === target))),
      );
      if (!found) problems.push(`${id(svc)}: target port ${JSON.stringify(target)} (port ${port.port}) is not a container port of every selected pod`);
    }
  }
  return problems;
}

export function checkReferences(env: Environment, objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  const have = (kind: string, ns: string | undefined, name: string) =>
    objects.some((o) => o.kind === kind && o.metadata.name === name && (ns === undefined || o.metadata.namespace === ns));
  const providedSecrets = new Set(operatorProvided(env).secrets);
  for (const w of workloads(objects)) {
    const ns = w.metadata.namespace;
    const pod = w.spec.template.spec;
    const where = `${w.kind} ${ns}/${w.metadata.name}`;
    const needConfigMap = (name: string, optional?: boolean) => {
      if (!optional && !have('ConfigMap', ns, name)) problems.push(`${where}: ConfigMap "${name}" is not rendered in ${ns}`);
    };
    const needSecret = (name: string, optional?: boolean) => {
      if (!optional && !have('Secret', ns, name) && !providedSecrets.has(name)) problems.push(`${where}: Secret "${name}" is neither rendered nor declared operator-provided`);
    };
    if (pod.serviceAccountName && !have('ServiceAccount', ns, pod.serviceAccountName)) problems.push(`${where}: ServiceAccount "${pod.serviceAccountName}" is not rendered in ${ns}`);
    const claimTemplates = new Set((w.spec.volumeClaimTemplates ?? []).map((c) => c.metadata.name));
    const volumes = new Set([...(pod.volumes ?? []).map((v) => v.name), ...claimTemplates]);
    for (const v of pod.volumes ?? []) {
      if (v.configMap) needConfigMap(v.configMap.name);
      if (v.secret) needSecret(v.secret.secretName);
      if (v.persistentVolumeClaim && !have('PersistentVolumeClaim', ns, v.persistentVolumeClaim.claimName)) problems.push(`${where}: PVC "${v.persistentVolumeClaim.claimName}" is not rendered`);
      for (const s of v.projected?.sources ?? []) {
        if (s.configMap) needConfigMap(s.configMap.name);
        if (s.secret) needSecret(s.secret.name);
      }
    }
    for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
      for (const e of c.env ?? []) {
        if (e.valueFrom?.configMapKeyRef) needConfigMap(e.valueFrom.configMapKeyRef.name, e.valueFrom.configMapKeyRef.optional);
        if (e.valueFrom?.secretKeyRef) needSecret(e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.optional);
      }
      for (const e of c.envFrom ?? []) {
        if (e.configMapRef) needConfigMap(e.configMapRef.name);
        if (e.secretRef) needSecret(e.secretRef.name);
      }
      for (const m of c.volumeMounts ?? []) {
        if (!volumes.has(m.name)) problems.push(`${where}: container ${c.name} mounts undeclared volume "${m.name}"`);
      }
    }
  }
  for (const b of objects.filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding')) {
    const binding = b as unknown as { roleRef: { kind: string; name: string }; subjects?: { kind: string; name: string; namespace?: string }[] };
    const roleNs = binding.roleRef.kind === 'Role' ? b.metadata.namespace : undefined;
    if (!have(binding.roleRef.kind, roleNs, binding.roleRef.name)) problems.push(`${id(b)}: roleRef ${binding.roleRef.kind} "${binding.roleRef.name}" is not rendered`);
    for (const s of binding.subjects ?? []) {
      if (s.kind === 'ServiceAccount' && !have('ServiceAccount', s.namespace ?? b.metadata.namespace, s.name)) problems.push(`${id(b)}: subject ServiceAccount ${s.namespace}/${s.name} is not rendered`);
    }
  }
  return problems;
}

/** Every check over one environment. */
export function crossObjectProblems(env: Environment, objects: readonly KubeObject[]): string[] {
  return [
    ...checkNames(objects),
    ...checkNamespaces(env, objects),
    ...checkWorkloadSelectors(objects),
    ...checkServices(objects),
    ...checkReferences(env, objects),
  ];
}
