import { Chart } from 'cdk8s';
import { k8s } from '../base/k8s';
import { Environment } from '../../environments';
import { platformLabels } from '../base';
import { KubeObject } from '../render';
import { Flow, FlowSource, FlowTarget, flows } from './flows';

const NAMESPACE_NAME = 'kubernetes.io/metadata.name';
const ANYWHERE = '0.0.0.0/0';

interface ResolvedTarget {
  /** Names the ingress policy of the target pods: the Service, or `all-pods` for a whole namespace. */
  readonly name: string;
  readonly namespace?: string;
  readonly podSelector?: Record<string, string>;
  readonly ports: readonly { port: number; protocol: 'TCP' | 'UDP' }[];
  /** Every pod of every namespace, on every port (no `ports` in the rule). */
  readonly anyPod?: true;
}

interface PodTemplateLike {
  metadata: { namespace?: string };
  spec: { template: { metadata: { labels?: Record<string, string> }; spec: { containers: { ports?: { name?: string; containerPort: number }[] }[] } } };
}

/** Resolves a Service endpoint to the pods it selects and the container port behind the Service port. */
function resolveService(objects: readonly KubeObject[], target: Extract<FlowTarget, { kind: 'service' }>): ResolvedTarget | undefined {
  const { service, namespace, port } = target.endpoint;
  const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === service && o.metadata.namespace === namespace);
  if (!svc) return undefined;
  const spec = svc.spec as { selector: Record<string, string>; ports: { port: number; targetPort?: string | number }[] };
  const servicePort = spec.ports.find((p) => p.port === port);
  if (!servicePort) return undefined;
  let containerPort = typeof servicePort.targetPort === 'number' ? servicePort.targetPort : servicePort.port;
  if (typeof servicePort.targetPort === 'string') {
    const pods = objects.filter((o) => (o.spec as PodTemplateLike['spec'] | undefined)?.template && o.metadata.namespace === namespace) as unknown as PodTemplateLike[];
    const named = pods
      .filter((w) => Object.entries(spec.selector).every(([k, v]) => w.spec.template.metadata.labels?.[k] === v))
      .flatMap((w) => w.spec.template.spec.containers.flatMap((c) => c.ports ?? []))
      .find((p) => p.name === servicePort.targetPort);
    if (!named) return undefined;
    containerPort = named.containerPort;
  }
  return { name: service, namespace, podSelector: spec.selector, ports: [{ port: containerPort, protocol: 'TCP' }] };
}

function resolveTarget(objects: readonly KubeObject[], to: FlowTarget): ResolvedTarget | undefined {
  switch (to.kind) {
    case 'service':
      return resolveService(objects, to);
    case 'namespace':
      return { name: 'all-pods', namespace: to.namespace, podSelector: {}, ports: to.ports.map((port) => ({ port, protocol: 'TCP' as const })) };
    case 'dns':
      return { name: 'kube-dns', namespace: 'kube-system', podSelector: { 'k8s-app': 'kube-dns' }, ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] };
    case 'external':
      return { name: 'external', ports: to.ports.map((port) => ({ port, protocol: 'TCP' as const })) };
    case 'cluster-pods':
      return { name: 'cluster-pods', ports: [], anyPod: true };
  }
}

function peerOf(from: FlowSource): k8s.NetworkPolicyPeer[] | undefined {
  switch (from.kind) {
    case 'namespace':
      return [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: from.namespace } }, podSelector: {} }];
    case 'labelled-namespaces':
      return [{ namespaceSelector: { matchLabels: { [from.label]: 'true' } } }];
    case 'host-network':
    case 'api-server':
      // Node and control-plane addresses are not known at render time: accept any source, on the listed ports only.
      return [{ ipBlock: { cidr: ANYWHERE } }];
    case 'all-namespaces':
      return [{ namespaceSelector: {} }];
  }
}

function policyPorts(t: ResolvedTarget): k8s.NetworkPolicyPort[] {
  return t.ports.map((p) => ({ port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol }));
}

export interface NetworkPlan {
  readonly flows: readonly Flow[];
  /** Flows whose target Service is not rendered (a broken graph: the validation tests fail on it). */
  readonly unresolved: readonly Flow[];
}

/**
 * Renders default-deny plus one allow policy per flow and side into the platform chart: an egress policy in the
 * source namespace and an ingress policy in the target namespace.
 */
export const FLOWS_ANNOTATION = 'mop.dev/flows';

/**
 * Renders, in every MOP namespace, `default-deny` plus the flows of the graph: one `allow-egress` policy holding a
 * rule per outgoing flow, and one `allow-ingress-<target>` policy per group of target pods holding a rule per incoming
 * flow. The `mop.dev/flows` annotation names the flows each policy implements (docs/network-flows.md).
 */
export function networkPolicies(chart: Chart, env: Environment, objects: readonly KubeObject[]): NetworkPlan {
  const labels = platformLabels(env, 'network-policy');
  const platformNamespaces = env.platformNamespaces;
  const egress = new Map<string, { ids: string[]; rules: k8s.NetworkPolicyEgressRule[] }>();
  const ingress = new Map<string, { namespace: string; name: string; podSelector: Record<string, string>; ids: string[]; rules: k8s.NetworkPolicyIngressRule[] }>();

  const all = flows(env);
  const unresolved: Flow[] = [];
  for (const flow of all) {
    const target = resolveTarget(objects, flow.to);
    if (!target) {
      unresolved.push(flow);
      continue;
    }
    // Egress is restricted only in MOP's namespaces; other namespaces (the Rollouts controller) keep their own rules.
    if (flow.from.kind === 'namespace' && platformNamespaces.includes(flow.from.namespace)) {
      const to: k8s.NetworkPolicyPeer[] = target.anyPod
        ? [{ namespaceSelector: {} }]
        : target.namespace
          ? [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: target.namespace } }, podSelector: { matchLabels: target.podSelector } }]
          : [{ ipBlock: { cidr: ANYWHERE } }];
      const group = egress.get(flow.from.namespace) ?? { ids: [], rules: [] };
      group.ids.push(flow.id);
      // No `ports`: every port (NetworkPolicyEgressRule); only the cluster-pods target leaves them open.
      group.rules.push(target.anyPod ? { to } : { to, ports: policyPorts(target) });
      egress.set(flow.from.namespace, group);
    }
    if (target.namespace && platformNamespaces.includes(target.namespace)) {
      const name = `allow-ingress-${target.name}`;
      const key = `${target.namespace}/${name}`;
      const group = ingress.get(key) ?? { namespace: target.namespace, name, podSelector: target.podSelector ?? {}, ids: [], rules: [] };
      group.ids.push(flow.id);
      group.rules.push({ from: peerOf(flow.from), ports: policyPorts(target) });
      ingress.set(key, group);
    }
  }

  const policy = (namespace: string, name: string, ids: readonly string[], spec: k8s.NetworkPolicySpec) =>
    new k8s.KubeNetworkPolicy(chart, `NetworkPolicy-${namespace}-${name}`, {
      metadata: { name, namespace, labels, annotations: ids.length ? { [FLOWS_ANNOTATION]: ids.join(', ') } : undefined },
      spec,
    });
  for (const namespace of platformNamespaces) {
    policy(namespace, 'default-deny', [], { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const out = egress.get(namespace);
    if (out) policy(namespace, 'allow-egress', out.ids, { podSelector: {}, policyTypes: ['Egress'], egress: out.rules });
  }
  for (const g of ingress.values()) {
    policy(g.namespace, g.name, g.ids, { podSelector: { matchLabels: g.podSelector }, policyTypes: ['Ingress'], ingress: g.rules });
  }
  return { flows: all, unresolved };
}

/** `docs/network-flows.md`, generated on synth from the same graph. */
export function networkFlowsMarkdown(plans: readonly { env: Environment; plan: NetworkPlan }[]): string {
  const describeSource = (f: FlowSource) => {
    switch (f.kind) {
      case 'namespace':
        return `\`${f.namespace}\``;
      case 'host-network':
        return `${f.what} (node addresses)`;
      case 'api-server':
        return 'the Kubernetes API server (control-plane addresses)';
      case 'all-namespaces':
        return `${f.what} in any namespace`;
      case 'labelled-namespaces':
        return `namespaces labelled \`${f.label}: "true"\``;
    }
  };
  const describeTarget = (t: FlowTarget) => {
    switch (t.kind) {
      case 'service':
        return `Service \`${t.endpoint.service}.${t.endpoint.namespace}\` port ${t.endpoint.port} (${t.endpoint.portName})`;
      case 'namespace':
        return `pods in \`${t.namespace}\`, ports ${t.ports.join(', ')}`;
      case 'dns':
        return 'kube-dns in `kube-system`, port 53 UDP/TCP';
      case 'external':
        return `${t.what}, ports ${t.ports.join(', ')}`;
      case 'cluster-pods':
        return `${t.what}: pods in any namespace, any port`;
    }
  };
  const lines = [
    '# Network flows',
    '',
    '<!-- Generated by `npm run synth` from constructs/network/flows.ts. Do not edit by hand. -->',
    '',
    'Every MOP namespace denies all ingress and egress by default (`default-deny`). These are the only flows',
    'allowed: each is a rule of the `allow-egress` policy of its source namespace and of the `allow-ingress-<target>`',
    'policy of its target pods; every policy names the flows it implements in its `mop.dev/flows` annotation.',
    'Flows to and from addresses outside the pod network (API server, kubelets, object storage, Kafka, the other clusters of a',
    'multi-region deployment) are allowed by port to `0.0.0.0/0`, since their addresses are not known at render time;',
    'narrow them with your CNI if you can. Multi-region traffic arriving from the other clusters is admitted only from',
    'namespaces labelled `mop.dev/cross-region-access: "true"` (the ingress that terminates TLS for the exposed URLs;',
    'docs/experiments/multi-region.md).',
    '',
  ];
  for (const { env, plan } of plans) {
    lines.push(`## ${env.name}`, '', '| flow | from | to | why |', '|---|---|---|---|');
    for (const f of plan.flows) lines.push(`| \`${f.id}\` | ${describeSource(f.from)} | ${describeTarget(f.to)} | ${f.purpose} |`);
    lines.push('');
  }
  return lines.join('\n');
}
