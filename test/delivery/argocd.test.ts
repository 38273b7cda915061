import { ApiObject } from 'cdk8s';
import * as fs from 'fs';
import * as path from 'path';
import {
  EXAMPLE_REPO_URL,
  IN_CLUSTER,
  SYNC_WAVES,
  applicationName,
  bootstrapFiles,
  bootstrapProjectName,
  deliveryWarnings,
  rootApplicationName,
} from '../../constructs/argocd';
import { prerequisites, prerequisitesRow } from '../../constructs/argocd/prerequisites';
import { PLATFORM_COMPONENT } from '../../constructs/platform';
import { ARGOCD_COMPONENT, renderEnvironment } from '../../constructs/render';
import { PREREQUISITE_VERSIONS } from '../../constructs/versions';
import { loadEnvironment } from '../../environments';
import { staging } from '../../environments/staging';
import { PROJECT_ROOT } from '../support/paths';
import { allObjects, renderedEnvironments } from '../support/render';

describe('Argo CD delivery', () => {
  for (const r of renderedEnvironments()) {
    const argo = r.objects.get(ARGOCD_COMPONENT)!;
    const apps = argo.filter((o) => o.kind === 'Application') as any[];
    const components = [...r.objects.keys()].filter((c) => c !== ARGOCD_COMPONENT);

    test(`${r.env.name}: one Application per component folder, pointing at it, from the environment's repo and revision`, () => {
      for (const component of components) {
        const app = apps.find((a) => a.metadata.name === applicationName(r.env, component));
        expect(app).toBeDefined();
        expect(app.metadata.namespace).toBe(r.env.argocd.namespace);
        expect(app.spec.source).toEqual({ repoURL: r.env.argocd.repoURL, targetRevision: r.env.argocd.targetRevision, path: `dist/${r.env.name}/${component}`, directory: { recurse: false } });
        expect(app.spec.destination.server).toBe(r.env.argocd.destinationServer);
        expect(app.spec.project).toBe(r.env.argocd.project);
        expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
        expect(app.spec.syncPolicy.retry.limit).toBeGreaterThan(0);
        expect(app.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
      }
      expect(apps.length).toBe(components.length + 1);
    });

    test(`${r.env.name}: sync waves: projects, then namespaces and cluster RBAC, then stores, then Alloy, then OBI, then Grafana`, () => {
      const wave = (c: string) => Number(apps.find((a) => a.metadata.name === applicationName(r.env, c)).metadata.annotations['argocd.argoproj.io/sync-wave']);
      // Multi-region environments run a subset of the components: compare the waves of those rendered here.
      const order = [[PLATFORM_COMPONENT], ['mimir', 'tempo', 'loki'], ['alloy'], ['obi'], ['grafana']].map((step) => step.filter((c) => r.objects.has(c))).filter((step) => step.length);
      expect(order.length).toBeGreaterThan(1);
      for (const step of order) for (const c of step) expect([c, wave(c)]).toEqual([c, wave(step[0])]);
      for (let i = 1; i < order.length; i++) expect(wave(order[i - 1][0])).toBeLessThan(wave(order[i][0]));
      for (const c of components) expect([c, SYNC_WAVES[c]]).toEqual([c, expect.any(Number)]);
      const components_project = argo.find((o) => o.kind === 'AppProject' && o.metadata.name === r.env.argocd.project)!;
      expect(Number(components_project.metadata.annotations!['argocd.argoproj.io/sync-wave'])).toBeLessThan(Math.min(...components.map(wave)));
    });

    test(`${r.env.name}: the root Application owns the argocd folder but the two bootstrap files, in the cluster Argo CD runs in`, () => {
      const root = apps.find((a) => a.metadata.name === rootApplicationName(r.env));
      expect(root.spec.project).toBe(bootstrapProjectName(r.env));
      expect(root.spec.source).toMatchObject({ path: `dist/${r.env.name}/argocd`, directory: { recurse: false, exclude: `{${bootstrapFiles(r.env).join(',')}}` } });
      expect(root.spec.destination).toEqual({ server: IN_CLUSTER, namespace: r.env.argocd.namespace });
      for (const f of bootstrapFiles(r.env)) expect(r.files.has(`argocd/${f}`)).toBe(true);
    });

    test(`${r.env.name}: components with large objects sync with server-side apply`, () => {
      for (const component of components) {
        const large = [...r.files].some(([file, text]) => file.startsWith(`${component}/`) && text.length > 128 * 1024);
        const app = apps.find((a) => a.metadata.name === applicationName(r.env, component));
        expect([component, app.spec.syncPolicy.syncOptions.includes('ServerSideApply=true')]).toEqual([component, large]);
      }
    });

    test(`${r.env.name}: synth warns while the repository is the shipped example`, () => {
      const warnings = deliveryWarnings(r.env);
      if (r.env.argocd.repoURL === EXAMPLE_REPO_URL) expect(warnings).toEqual([expect.stringMatching(new RegExp(`^environment "${r.env.name}": argocd.repoURL is still the example`))]);
      else expect(warnings).toEqual([]);
    });
  }

  test('deliveryWarnings: one line for the example repository, none for a real one', () => {
    expect(deliveryWarnings(loadEnvironment(staging))).toEqual([
      `environment "staging": argocd.repoURL is still the example ${EXAMPLE_REPO_URL}; Argo CD cannot sync it — set it to the Git repository that holds this dist/ (README, "Set up")`,
    ]);
    expect(deliveryWarnings(loadEnvironment({ ...staging, argocd: { ...staging.argocd, repoURL: 'https://git.example.org/platform/mop.git' } }))).toEqual([]);
  });

  test('a component that renders an Argo CD object, or into a namespace the environment does not create, fails synth', () => {
    const env = loadEnvironment(staging);
    const rogue = (build: (ctx: any) => void) => () => renderEnvironment(env, [{ name: 'mimir', build }]);
    expect(rogue((ctx) => new ApiObject(ctx.chart, 'x', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'x', namespace: env.namespaces.mimir } }))).toThrow(
      /environment "staging": Application mop-mimir\/x \(component mimir\): only the argocd folder may hold Argo CD objects/,
    );
    expect(rogue((ctx) => new ApiObject(ctx.chart, 'y', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'y', namespace: 'shop' } }))).toThrow(
      /environment "staging": ConfigMap shop\/y \(component mimir\) is in namespace "shop", which this environment does not create/,
    );
  });
});

describe('docs/prerequisites.md (generated by synth)', () => {
  const doc = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'prerequisites.md'), 'utf8');
  const rows = new Map(doc.split('\n').filter((l) => /^\| `[a-z0-9-]+` \| v\d/.test(l)).map((l) => [/^\| `([a-z0-9-]+)`/.exec(l)![1], l]));

  test('one row per environment, with Argo CD and, where canary analysis is on, Argo Rollouts', () => {
    expect([...rows.keys()]).toEqual(renderedEnvironments().map((r) => r.env.name));
    for (const r of renderedEnvironments()) {
      const row = rows.get(r.env.name)!;
      expect(row).toBe(prerequisitesRow(prerequisites(r.env, allObjects(r))));
      expect(row).toContain(PREREQUISITE_VERSIONS.argoCd);
      expect(row.includes(PREREQUISITE_VERSIONS.argoRollouts)).toBe(r.env.experiments.canaryAnalysis);
    }
  });

  test('the README points to it', () => {
    expect(fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8')).toContain('[docs/prerequisites.md](docs/prerequisites.md)');
  });

  test('prerequisites name every Secret the workloads reference, the buckets, Kafka and the cross-region URLs', () => {
    for (const r of renderedEnvironments()) {
      const p = prerequisites(r.env, allObjects(r)).operatorProvides.join('; ');
      for (const s of [r.env.storage.credentialsSecret, r.env.kafka?.saslSecret]) if (s) expect(p).toContain(`Secret \`${s}\``);
      const rendered = JSON.stringify(allObjects(r));
      for (const b of Object.values(r.env.storage.buckets ?? {})) expect([b, p.includes(b)]).toEqual([b, rendered.includes(b)]);
      if (r.env.kafka) expect(p).toContain(r.env.kafka.address);
      if (r.env.storage.backend !== 'filesystem') expect(p).toMatch(/buckets/);
      if (r.env.multiRegion?.role === 'regional') expect(p).toContain(r.env.multiRegion.globalMimir.pushUrl);
      if (r.env.multiRegion?.role === 'global') for (const region of r.env.multiRegion.regions) expect(p).toContain(region.tempoQueryUrl);
    }
  });
});
