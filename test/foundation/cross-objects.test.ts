import { crossObjectProblems, checkNames, checkNamespaces, checkReferences, checkServices, checkWorkloadSelectors } from '../support/cross';
import { allObjects, environment, renderedEnvironments } from '../support/render';
import { KubeObject } from '../../constructs/render';

describe('cross-object consistency', () => {
  for (const r of renderedEnvironments()) {
    test(`${r.env.name}: services, selectors, references, names and namespaces are consistent`, () => {
      expect(crossObjectProblems(r.env, allObjects(r))).toEqual([]);
    });
  }
});

describe('each check catches the mistake it exists for', () => {
  const env = environment('dev');
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'mop-x' } } as KubeObject;
  const deployment = (labels: Record<string, string>, extra: Record<string, unknown> = {}) =>
    ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'app', namespace: 'mop-x' },
      spec: {
        selector: { matchLabels: { app: 'a' } },
        template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'i:1', ports: [{ name: 'http', containerPort: 80 }] }], ...extra } },
      },
    }) as unknown as KubeObject;
  const svc = (selector: Record<string, string>, targetPort: string) =>
    ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'mop-x' }, spec: { selector, ports: [{ name: 'p', port: 80, targetPort }] } }) as unknown as KubeObject;

  test('a Service that selects nothing', () => {
    expect(checkServices([ns, deployment({ app: 'a' }), svc({ app: 'b' }, 'http')])).toEqual([expect.stringMatching(/selects no pod template/)]);
  });
  test('a Service whose named target port does not exist', () => {
    expect(checkServices([ns, deployment({ app: 'a' }), svc({ app: 'a' }, 'grpc')])).toEqual([expect.stringMatching(/target port "grpc"/)]);
  });
  test('a workload whose selector does not match its template', () => {
    expect(checkWorkloadSelectors([deployment({ app: 'other' })])).toEqual([expect.stringMatching(/selector does not match/)]);
  });
  test('a missing ConfigMap, ServiceAccount and Secret', () => {
    const d = deployment({ app: 'a' }, {
      serviceAccountName: 'ghost',
      volumes: [{ name: 'cfg', configMap: { name: 'missing' } }, { name: 's', secret: { secretName: 'password' } }],
    });
    const problems = checkReferences(env, [ns, d]);
    expect(problems).toEqual([
      expect.stringMatching(/ServiceAccount "ghost"/),
      expect.stringMatching(/ConfigMap "missing"/),
      expect.stringMatching(/Secret "password" is neither rendered nor declared operator-provided/),
    ]);
  });
  test('an invalid name and label value', () => {
    const bad = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name', namespace: 'mop-x', labels: { 'app.kubernetes.io/version': 'v1 beta' } } } as KubeObject;
    expect(checkNames([bad])).toEqual([expect.stringMatching(/not a DNS subdomain/), expect.stringMatching(/not a valid label value/)]);
  });
  test('an object in a namespace that is not rendered', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'elsewhere' } } as KubeObject;
    expect(checkNamespaces(env, [ns, cm])).toEqual([expect.stringMatching(/namespace "elsewhere" is not rendered/)]);
  });
});
