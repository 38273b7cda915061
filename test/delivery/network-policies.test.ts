import { Environment } from '../../environments';
import { loadEnvironment } from '../../environments';
import { staging } from '../../environments/staging';
import { renderEnvironment } from '../../constructs/render';
import { KubeObject } from '../../constructs/render';
import { flows } from '../../constructs/network/flows';
import { flowPolicy } from '../support/network';
import { allObjects, renderedEnvironments } from '../support/render';

/**
 * Evaluates the rendered NetworkPolicies with Kubernetes semantics (a pod is isolated for a direction once any
 * policy of that type selects it; traffic passes when the source's egress AND the target's ingress allow it) and
 * compares what passes between MOP pods with what the flow graph lists.
 */
interface Pod {
  namespace: string;
  workload: string;
  labels: Record<string, string>;
  ports: number[];
  hostNetwork: boolean;
}
interface Peer {
  namespaceSelector?: { matchLabels?: Record<string, string> };
  podSelector?: { matchLabels?: Record<string, string> };
  ipBlock?: { cidr: string };
}
interface Rule {
  ports?: { port: number; protocol?: string }[];
  to?: Peer[];
  from?: Peer[];
}
interface Policy {
  namespace: string;
  name: string;
  podSelector: Record<string, string>;
  types: string[];
  ingress: Rule[];
  egress: Rule[];
}

const matches = (sel: Record<string, string> | undefined, labels: Record<string, string>) => Object.entries(sel ?? {}).every(([k, v]) => labels[k] === v);

function podsOf(objects: KubeObject[]): Pod[] {
  return objects
    .filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind))
    .map((o) => {
      const t = (o.spec as any).template;
      return {
        namespace: o.metadata.namespace!,
        workload: o.metadata.name,
        labels: t.metadata.labels,
        ports: t.spec.containers.flatMap((c: any) => (c.ports ?? []).map((p: any) => p.containerPort)),
        hostNetwork: !!t.spec.hostNetwork,
      };
    });
}

function policiesOf(objects: KubeObject[]): Policy[] {
  return objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .map((o) => {
      const spec = o.spec as any;
      return {
        namespace: o.metadata.namespace!,
        name: o.metadata.name,
        podSelector: spec.podSelector?.matchLabels ?? {},
        types: spec.policyTypes,
        ingress: spec.ingress ?? [],
        egress: spec.egress ?? [],
      };
    });
}

function peerMatches(peer: Peer, pod: Pod): boolean {
  if (peer.ipBlock) return peer.ipBlock.cidr === '0.0.0.0/0';
  const nsLabels = { 'kubernetes.io/metadata.name': pod.namespace };
  return matches(peer.namespaceSelector?.matchLabels, nsLabels) && matches(peer.podSelector?.matchLabels, pod.labels);
}

function allowed(policies: Policy[], direction: 'ingress' | 'egress', subject: Pod, other: Pod, port: number): boolean {
  const selecting = policies.filter(
    (p) => p.namespace === subject.namespace && p.types.includes(direction === 'ingress' ? 'Ingress' : 'Egress') && matches(p.podSelector, subject.labels),
  );
  if (selecting.length === 0) return true;
  return selecting.some((p) =>
    p[direction].some(
      // A rule without `ports` matches every port (NetworkPolicyIngressRule / NetworkPolicyEgressRule).
      (r) => (r.ports === undefined || r.ports.some((rp) => rp.port === port && (rp.protocol ?? 'TCP') === 'TCP')) && ((direction === 'ingress' ? r.from : r.to) ?? []).some((peer) => peerMatches(peer, other)),
    ),
  );
}

/** `from-namespace -> to-namespace/workload:port` for every TCP connection the policies let through. */
function observedConnections(objects: KubeObject[]): Set<string> {
  const pods = podsOf(objects);
  const policies = policiesOf(objects);
  const seen = new Set<string>();
  for (const src of pods.filter((p) => !p.hostNetwork)) {
    for (const dst of pods.filter((p) => !p.hostNetwork)) {
      for (const port of dst.ports) {
        if (allowed(policies, 'egress', src, dst, port) && allowed(policies, 'ingress', dst, src, port)) seen.add(`${src.namespace} -> ${dst.namespace}/${dst.workload}:${port}`);
      }
    }
  }
  return seen;
}

/** The same set, computed from the flow graph alone. */
function expectedConnections(env: Environment, objects: KubeObject[]): Set<string> {
  const pods = podsOf(objects).filter((p) => !p.hostNetwork);
  const services = objects.filter((o) => o.kind === 'Service');
  const expected = new Set<string>();
  const all = flows(env);
  // A namespace allowed to reach pods anywhere (scrape targets) also reaches MOP pods that admit every namespace.
  const reachAnywhere = all.filter((f) => f.to.kind === 'cluster-pods' && f.from.kind === 'namespace').map((f) => (f.from as { namespace: string }).namespace);
  // The API server calls admission webhooks from control-plane addresses, which a policy can only admit as any
  // address (ipBlock 0.0.0.0/0): a namespace allowed to reach pods anywhere reaches the webhook port too.
  const sources = (f: (typeof all)[number]): string[] =>
    f.from.kind === 'namespace' ? [f.from.namespace] : f.from.kind === 'all-namespaces' || f.from.kind === 'api-server' ? reachAnywhere : [];
  for (const f of all) {
    // Sources outside MOP (the Rollouts controller) have no rendered pods to evaluate; their ingress side is checked below.
    for (const from of sources(f).filter((x) => env.platformNamespaces.includes(x))) addExpected(f, from);
  }
  return expected;

  function addExpected(f: (typeof all)[number], from: string): void {
    if (f.to.kind === 'service') {
      const { service, namespace, port } = f.to.endpoint;
      const svc = services.find((s) => s.metadata.name === service && s.metadata.namespace === namespace)!;
      const selector = (svc.spec as any).selector;
      const targetName = (svc.spec as any).ports.find((p: any) => p.port === port).targetPort;
      for (const dst of pods.filter((p) => p.namespace === namespace && matches(selector, p.labels))) {
        const workload = objects.find((o) => o.metadata.name === dst.workload && o.metadata.namespace === namespace && (o.spec as any)?.template)!;
        const containerPort = (workload.spec as any).template.spec.containers.flatMap((c: any) => c.ports ?? []).find((p: any) => p.name === targetName)?.containerPort;
        if (containerPort) expected.add(`${from} -> ${namespace}/${dst.workload}:${containerPort}`);
      }
    } else if (f.to.kind === 'namespace') {
      const to = f.to;
      for (const dst of pods.filter((p) => p.namespace === to.namespace)) {
        for (const port of dst.ports.filter((p) => to.ports.includes(p))) expected.add(`${from} -> ${to.namespace}/${dst.workload}:${port}`);
      }
    }
  }
}

describe('network policies: default deny plus exactly the listed flows', () => {
  for (const r of renderedEnvironments()) {
    const objects = allObjects(r);

    test(`${r.env.name}: every flow resolves to a rendered Service and port`, () => {
      expect(r.network.unresolved.map((f) => f.id)).toEqual([]);
    });

    test(`${r.env.name}: every MOP namespace has a default-deny policy for ingress and egress`, () => {
      expect(r.env.platformNamespaces.length).toBeGreaterThan(1);
      for (const ns of r.env.platformNamespaces) {
        const deny = policiesOf(objects).find((p) => p.namespace === ns && p.name === 'default-deny');
        expect(deny).toMatchObject({ podSelector: {}, types: ['Ingress', 'Egress'], ingress: [], egress: [] });
      }
    });

    test(`${r.env.name}: the connections the policies allow between MOP pods are exactly the flow graph's`, () => {
      const observed = [...observedConnections(objects)].sort();
      const expected = [...expectedConnections(r.env, objects)].sort();
      expect(observed).toEqual(expected);
      expect(observed.length).toBeGreaterThan(5);
    });
  }

  test('the canary analysis flow admits the Rollouts controller to Mimir\'s query path and nothing else', () => {
    const r = renderedEnvironments().find((x) => x.env.experiments.canaryAnalysis)!;
    const policy = flowPolicy(allObjects(r), r.env.namespaces.mimir, 'ingress', 'rollouts-analysis-to-mimir')!;
    expect(policy.spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': r.env.argocd.rolloutsNamespace } }, podSelector: {} }], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
    expect(policiesOf(allObjects(r)).some((p) => p.namespace === r.env.argocd.rolloutsNamespace)).toBe(false);
  });

  test('removing a policy breaks its flow, so the comparison is not vacuous', () => {
    const r = renderedEnvironments()[0];
    const objects = allObjects(r).filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.namespace === r.env.namespaces.grafana && o.metadata.name === 'allow-egress'));
    const observed = observedConnections(objects);
    const expected = expectedConnections(r.env, objects);
    expect([...expected].filter((c) => !observed.has(c)).every((c) => c.startsWith(`${r.env.namespaces.grafana} -> `))).toBe(true);
    expect([...expected].some((c) => !observed.has(c))).toBe(true);
  });
});

describe('object storage egress follows the endpoint', () => {
  const variantOf = (s3: object) =>
    renderEnvironment(loadEnvironment({ ...staging, storage: { ...staging.storage, s3: { region: 'us-east-1', ...s3 } } as typeof staging.storage }));
  const egressPorts = (endpoint: object) => {
    const r = variantOf(endpoint);
    const ns = r.env.namespaces.mimir;
    const rule = flowPolicy(allObjects(r), ns, 'egress', `${ns}-to-object-storage`)?.spec.egress?.[0];
    return (rule?.ports ?? []).map((p: { port: number }) => p.port);
  };

  test('an S3-compatible endpoint on port 9000 opens 9000, not 443', () => {
    expect(egressPorts({ endpoint: 'minio.minio.svc:9000', insecure: true, forcePathStyle: true })).toEqual([9000]);
  });
  test('an endpoint without a port opens 443, or 80 when insecure', () => {
    expect(egressPorts({ endpoint: 's3.us-east-1.amazonaws.com' })).toEqual([443]);
    expect(egressPorts({ endpoint: 'minio.minio.svc', insecure: true })).toEqual([80]);
  });
});
