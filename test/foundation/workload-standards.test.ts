import { KubeObject } from '../../constructs/render';
import { PodSpec, restrictedViolations } from '../support/pod-security';
import { allObjects, describe as label, renderedEnvironments } from '../support/render';

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Rollout']);

interface Workload extends KubeObject {
  spec: { template: { spec: PodSpec & { containers: ContainerLike[]; initContainers?: ContainerLike[] } } };
}
interface ContainerLike {
  name: string;
  image: string;
  resources?: { requests?: { cpu?: string; memory?: string }; limits?: { memory?: string } };
  readinessProbe?: unknown;
}

function workloadsOf(objects: KubeObject[]): Workload[] {
  return objects.filter((o) => WORKLOAD_KINDS.has(o.kind)) as Workload[];
}

describe('Pod Security Admission', () => {
  for (const r of renderedEnvironments()) {
    const objects = allObjects(r);
    const levels = new Map(objects.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name, o.metadata.labels?.['pod-security.kubernetes.io/enforce']]));

    test(`${r.env.name}: every namespace enforces a level; only the host-level agents' namespaces are privileged`, () => {
      for (const [name, level] of levels) expect([name, level]).toEqual([name, expect.stringMatching(/^(restricted|privileged)$/)]);
      const privileged = [...levels].filter(([, level]) => level !== 'restricted').map(([name]) => name).sort();
      expect(privileged).toEqual([r.env.namespaces.alloyNode, r.env.namespaces.obi].filter((ns) => r.env.platformNamespaces.includes(ns)).sort());
    });

    test(`${r.env.name}: every workload in a restricted namespace passes the restricted profile`, () => {
      const problems = workloadsOf(objects)
        .filter((w) => levels.get(w.metadata.namespace!) === 'restricted')
        .flatMap((w) => restrictedViolations(w.spec.template.spec).map((p) => `${label(r.env.name, w)}: ${p}`));
      expect(problems).toEqual([]);
    });
  }

  test('the restricted check catches a privileged, root, hostPath pod', () => {
    const pod: PodSpec = {
      hostPID: true,
      volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }],
      containers: [{ name: 'c', securityContext: { privileged: true, runAsUser: 0, capabilities: { add: ['SYS_ADMIN'] } } }],
    };
    expect(restrictedViolations(pod)).toEqual([
      'hostPID',
      'volume logs of type hostPath',
      'container c: privileged',
      'container c: allowPrivilegeEscalation must be false',
      'container c: runAsNonRoot must be true',
      'container c: runAsUser 0',
      'container c: seccompProfile must be RuntimeDefault or Localhost',
      'container c: capabilities must drop ALL',
      'container c: adds capability SYS_ADMIN',
    ]);
  });
});

describe('every container has requests, a memory limit, a readiness probe and a pinned image', () => {
  for (const r of renderedEnvironments()) {
    test(r.env.name, () => {
      const problems: string[] = [];
      for (const w of workloadsOf(allObjects(r))) {
        for (const c of w.spec.template.spec.containers) {
          const where = `${label(r.env.name, w)} container ${c.name}`;
          if (!c.resources?.requests?.cpu || !c.resources.requests.memory) problems.push(`${where}: cpu and memory requests`);
          if (!c.resources?.limits?.memory) problems.push(`${where}: memory limit`);
          if (!c.readinessProbe) problems.push(`${where}: readiness probe`);
          if (!/:[A-Za-z0-9][A-Za-z0-9._-]*$/.test(c.image) || /:(latest|main|master)$/.test(c.image)) problems.push(`${where}: image "${c.image}" is not pinned`);
        }
      }
      expect(problems).toEqual([]);
    });
  }
});
