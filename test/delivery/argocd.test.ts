import { SYNC_WAVES, applicationName, rootApplicationName } from '../../constructs/argocd';
import { PLATFORM_COMPONENT } from '../../constructs/platform';
import { ARGOCD_COMPONENT } from '../../constructs/render';
import { renderedEnvironments } from '../support/render';

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

    test(`${r.env.name}: sync waves apply namespaces and cluster RBAC, then stores, then Alloy, then OBI, then Grafana`, () => {
      const wave = (c: string) => Number(apps.find((a) => a.metadata.name === applicationName(r.env, c)).metadata.annotations['argocd.argoproj.io/sync-wave']);
      // Multi-region environments run a subset of the components: compare the waves of those rendered here.
      const order = [[PLATFORM_COMPONENT], ['mimir', 'tempo', 'loki'], ['alloy'], ['obi'], ['grafana']].map((step) => step.filter((c) => r.objects.has(c))).filter((step) => step.length);
      expect(order.length).toBeGreaterThan(2);
      for (const step of order) for (const c of step) expect([c, wave(c)]).toEqual([c, wave(step[0])]);
      for (let i = 1; i < order.length; i++) expect(wave(order[i - 1][0])).toBeLessThan(wave(order[i][0]));
      for (const c of components) expect([c, SYNC_WAVES[c]]).toEqual([c, expect.any(Number)]);
    });

    test(`${r.env.name}: the root Application owns the argocd folder (app of apps)`, () => {
      const root = apps.find((a) => a.metadata.name === rootApplicationName(r.env));
      expect(root.spec.source.path).toBe(`dist/${r.env.name}/argocd`);
      expect(root.spec.destination.namespace).toBe(r.env.argocd.namespace);
    });

    test(`${r.env.name}: the AppProject allows exactly the repo, the namespaces and the kinds MOP renders`, () => {
      const project = argo.find((o) => o.kind === 'AppProject') as any;
      const rendered = [...r.objects.values()].flat();
      expect(project.metadata.name).toBe(r.env.argocd.project);
      expect(project.spec.sourceRepos).toEqual([r.env.argocd.repoURL]);
      const namespaces = new Set([...r.env.platformNamespaces, r.env.argocd.namespace, ...rendered.flatMap((o) => o.metadata.namespace ?? [])]);
      expect(project.spec.destinations.map((d: any) => d.namespace)).toEqual([...namespaces].sort());
      const kinds = (objs: typeof rendered) => [...new Set(objs.map((o) => `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}`))].sort();
      const clusterKinds = kinds(rendered.filter((o) => !o.metadata.namespace));
      expect(project.spec.clusterResourceWhitelist.map((k: any) => `${k.group}/${k.kind}`)).toEqual(clusterKinds);
      expect(project.spec.namespaceResourceWhitelist.map((k: any) => `${k.group}/${k.kind}`)).toEqual(kinds(rendered.filter((o) => o.metadata.namespace)));
      expect(JSON.stringify(project.spec)).not.toContain('"*"');
    });

    test(`${r.env.name}: components with large objects sync with server-side apply`, () => {
      for (const component of components) {
        const large = [...r.files].some(([path, text]) => path.startsWith(`${component}/`) && text.length > 128 * 1024);
        const app = apps.find((a) => a.metadata.name === applicationName(r.env, component));
        expect([component, app.spec.syncPolicy.syncOptions.includes('ServerSideApply=true')]).toEqual([component, large]);
      }
    });
  }
});
