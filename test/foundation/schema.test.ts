import { SchemaValidator } from '../support/schema';
import { allObjects, describe as label, renderedEnvironments } from '../support/render';

const validator = new SchemaValidator();

describe('strict schema validation (Kubernetes 1.28 and the Argo CRDs, unknown fields rejected)', () => {
  for (const r of renderedEnvironments()) {
    test(`every object in ${r.env.name} is valid`, () => {
      const problems = allObjects(r).flatMap((o) => validator.validate(o).map((p) => `${label(r.env.name, o)}: ${p}`));
      expect(problems).toEqual([]);
      expect(allObjects(r).length).toBeGreaterThan(0);
    });
  }
});

describe('the validator itself rejects what a cluster would', () => {
  const deployment = () => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x', namespace: 'y' },
    spec: {
      selector: { matchLabels: { a: 'b' } },
      template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } },
    },
  });

  test('accepts a valid object', () => {
    expect(validator.validate(deployment())).toEqual([]);
  });
  test('rejects a mis-cased field (hostPID written as hostPid)', () => {
    const d = deployment();
    (d.spec.template.spec as Record<string, unknown>).hostPid = true;
    expect(validator.validate(d).join()).toMatch(/additional properties "hostPid"/);
  });
  test('rejects an unknown nested field', () => {
    const d = deployment();
    (d.spec.template.spec.containers[0] as Record<string, unknown>).resource = {};
    expect(validator.validate(d).join()).toMatch(/"resource"/);
  });
  test('rejects a wrong type', () => {
    const d = deployment() as Record<string, any>;
    d.spec.replicas = 'three';
    expect(validator.validate(d).join()).toMatch(/replicas must be integer/);
  });
  test('rejects an unknown kind', () => {
    expect(validator.validate({ apiVersion: 'v1', kind: 'Deploymnet' })).toEqual([expect.stringMatching(/unknown apiVersion\/kind/)]);
  });
  test('rejects an Argo CD Application without destination and with an unknown syncPolicy field', () => {
    const app = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'a', namespace: 'argocd' },
      spec: { project: 'p', source: { repoURL: 'https://x', path: 'dist', targetRevision: 'main' }, syncPolicy: { automatic: {} } },
    };
    const problems = validator.validate(app).join('\n');
    expect(problems).toMatch(/destination/);
    expect(problems).toMatch(/"automatic"/);
  });
  test('rejects an unknown metadata field on a custom resource', () => {
    const app = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'a', namespace: 'argocd', label: {} }, spec: {} };
    expect(validator.validate(app).join()).toMatch(/"label"/);
  });
});
