/**
 * Argo CD v3.5.1's project checks (test/support/argocd.ts, each rule citing its upstream function) run over every
 * Application and every object it would sync, in every environment; the checks themselves are pinned to upstream
 * behaviour first, and removing any destination or whitelist entry must make them fail.
 */
import { NAMESPACED_KINDS, bootstrapProjectName, clusterScopedObjects, rootApplicationName } from '../../constructs/argocd';
import { ApiResources } from '../support/api-resources';
import {
  AppProject,
  Application,
  IN_CLUSTER,
  LiveResource,
  Manifest,
  filepathMatch,
  getAppProject,
  gobwasMatch,
  isDestinationPermitted,
  isGroupKindNamePermitted,
  isSourcePermitted,
  normalizeTargetObjects,
  orphanedResources,
  syncProblems,
  validateProject,
} from '../support/argocd';
import { deliveryOf } from '../support/delivery';
import { renderedEnvironments } from '../support/render';

const api = ApiResources.all();
const project = (spec: AppProject['spec'], name = 'p'): AppProject => ({ metadata: { name, namespace: 'argocd' }, spec });
const ARGO_CD_KINDS = ['Application', 'AppProject', 'ApplicationSet'].map((kind) => ({ group: 'argoproj.io', kind }));
const groupOfObject = (o: { apiVersion: string }) => (o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '');
/** `group/kind[/name]` of a whitelist entry. */
const key = (e: { group: string; kind: string; name?: string }) => `${e.group}/${e.kind}${e.name !== undefined ? `/${e.name}` : ''}`;
/** Whether a whitelist entry permits this rendered object (group, kind and, cluster-scoped, name). */
const permits = (entry: { group: string; kind: string; name?: string }, o: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }, clusterScoped: boolean) =>
  !o.metadata.namespace === clusterScoped && filepathMatch(entry.group, groupOfObject(o)) && filepathMatch(entry.kind, o.kind) && (!clusterScoped || !entry.name || filepathMatch(entry.name, o.metadata.name));

describe('the Argo CD v3.5.1 rules as implemented for the tests', () => {
  test('glob semantics: gobwas for destinations and repositories, filepath.Match for kinds and names', () => {
    // util/glob/glob.go (gobwas/glob): `*` stops at separators only when separators are given; `**` does not.
    expect(gobwasMatch('mop-*', 'mop-mimir')).toBe(true);
    expect(gobwasMatch('https://gitlab.com/group/*', 'https://gitlab.com/group/repo/owner', ['/'])).toBe(false);
    expect(gobwasMatch('https://gitlab.com/group/**', 'https://gitlab.com/group/sub/repo', ['/'])).toBe(true);
    expect(gobwasMatch('{kube-system,argocd}', 'argocd')).toBe(true);
    expect(gobwasMatch('[!a]*', 'argocd')).toBe(false);
    expect(gobwasMatch('', '')).toBe(true);
    expect(gobwasMatch('mop-mimir', '')).toBe(false);
    expect(gobwasMatch('{unclosed', 'unclosed')).toBe(false);
    // types.go isResourceInList / isNamedResourceInList: path/filepath.Match.
    expect(filepathMatch('*', 'ClusterRole')).toBe(true);
    expect(filepathMatch('mop-*', 'mop-obi')).toBe(true);
    expect(filepathMatch('[^m]*', 'mop-obi')).toBe(false);
    expect(filepathMatch('mop-slo-shop.checkout', 'mop-slo-shopxcheckout')).toBe(false);
    expect(filepathMatch('[unclosed', '[unclosed')).toBe(false);
  });

  test('IsSourcePermitted: normalized URLs, `/` as separator, deny patterns (types_test.go TestAppProject_IsSourcePermitted)', () => {
    const permitted = (repos: string[], url: string) => isSourcePermitted(project({ sourceRepos: repos }), url);
    expect(permitted(['https://github.com/argoproj/test.git'], 'https://GitHub.com/argoproj/test')).toBe(true);
    expect(permitted(['git@github.com:argoproj/test.git'], 'git@github.com:argoproj/test')).toBe(true);
    expect(permitted(['https://github.com/argoproj/*'], 'https://github.com/argoproj/argoproj.git')).toBe(true);
    expect(permitted(['https://github.com/argoproj/foo'], 'https://github.com/argoproj/foo1')).toBe(false);
    expect(permitted(['https://gitlab.com/group/*'], 'https://gitlab.com/group/repo/owner')).toBe(false);
    expect(permitted(['https://gitlab.com/group/*/*'], 'https://gitlab.com/group/repo/owner')).toBe(true);
    expect(permitted(['https://github.com/test1/test.git', '!https://github.com/test2/test.git'], 'https://github.com/test2/test.git')).toBe(false);
    expect(permitted(['!https://github.com/argoproj/*.git', '*'], 'https://github.com/argoproj1/test2.git')).toBe(true);
    expect(permitted([], 'https://github.com/argoproj/test.git')).toBe(false);
  });

  test('IsDestinationPermitted: server or name, namespace globs, deny patterns, and an empty namespace (argo-cd#11510)', () => {
    const dest = (destinations: AppProject['spec']['destinations'], namespace: string, cluster = IN_CLUSTER) => isDestinationPermitted(project({ destinations }), cluster, namespace);
    const server = IN_CLUSTER.server;
    expect(dest([{ server, namespace: 'default' }], 'default')).toBe(true);
    expect(dest([{ server, namespace: 'default' }], 'kube-system')).toBe(false);
    expect(dest([{ server: 'https://*.default.svc', namespace: 'default' }], 'default')).toBe(true);
    expect(dest([{ name: 'in-cluster', namespace: '*' }], 'anything')).toBe(true);
    expect(dest([{ server, namespace: 'test-*' }], 'test')).toBe(false);
    expect(dest([{ server: '*', namespace: '*' }, { server: '*', namespace: '!kube-system' }], 'kube-system')).toBe(false);
    expect(dest([{ server: '*', namespace: 'test' }, { server: '!https://test-server', namespace: 'other' }], 'test', { server: 'https://test-server', name: 'x' })).toBe(true);
    // The bug of issue #15: a child Application without a destination namespace against named namespaces.
    expect(dest([{ server, namespace: 'mop-mimir' }], '')).toBe(false);
    expect(dest([{ server, namespace: '*' }], '')).toBe(true);
    expect(isDestinationPermitted(project({ destinations: [{ server, namespace: '*' }] }), undefined, 'x')).toBe(false);
    expect(isDestinationPermitted(project({ destinations: [{ server, namespace: '*' }], permitOnlyProjectScopedClusters: true }), IN_CLUSTER, 'x')).toBe(false);
  });

  test('IsGroupKindNamePermitted: a missing namespace whitelist permits all, an empty one none; cluster entries match by name', () => {
    const gk = { group: 'apps', kind: 'Deployment' };
    expect(isGroupKindNamePermitted(project({}), gk, 'x', true)).toBe(true);
    expect(isGroupKindNamePermitted(project({ namespaceResourceWhitelist: [] }), gk, 'x', true)).toBe(false);
    expect(isGroupKindNamePermitted(project({ namespaceResourceWhitelist: [{ group: '*', kind: '*' }], namespaceResourceBlacklist: [gk] }), gk, 'x', true)).toBe(false);
    const cr = { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' };
    expect(isGroupKindNamePermitted(project({}), cr, 'mop-obi', false)).toBe(false);
    expect(isGroupKindNamePermitted(project({ clusterResourceWhitelist: [{ ...cr, name: 'mop-obi' }] }), cr, 'mop-obi', false)).toBe(true);
    expect(isGroupKindNamePermitted(project({ clusterResourceWhitelist: [{ ...cr, name: 'mop-obi' }] }), cr, 'cluster-admin', false)).toBe(false);
    expect(isGroupKindNamePermitted(project({ clusterResourceWhitelist: [cr] }), cr, 'cluster-admin', false)).toBe(true);
    expect(isGroupKindNamePermitted(project({ clusterResourceWhitelist: [{ ...cr, name: 'mop-*' }], clusterResourceBlacklist: [{ ...cr, name: 'mop-obi' }] }), cr, 'mop-obi', false)).toBe(false);
  });

  test('an Application names a project that exists in the controller namespace (appcontroller.go getAppProj)', () => {
    const app: Application = { metadata: { name: 'a', namespace: 'argocd' }, spec: { project: 'missing', destination: {} } };
    expect(getAppProject(app, [project({}, 'p')], 'argocd')).toBe('Application referencing project missing which does not exist');
    expect(getAppProject({ ...app, metadata: { name: 'a', namespace: 'team' }, spec: { ...app.spec, project: 'p' } }, [project({}, 'p')], 'argocd')).toMatch(/not permitted to use project 'p'/);
  });

  test('an object without namespace takes the destination namespace; without one either, the sync is refused (state.go)', () => {
    const cm: Manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    expect(normalizeTargetObjects('mop-mimir', [cm], api).objects[0].metadata.namespace).toBe('mop-mimir');
    expect(normalizeTargetObjects('', [cm], api).conditions).toEqual(['Namespace for c v1, Kind=ConfigMap is missing.']);
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', namespace: 'stray' } };
    expect(normalizeTargetObjects('x', [ns], api).objects[0].metadata.namespace).toBeUndefined();
  });
});

for (const r of renderedEnvironments()) {
  const d = deliveryOf(r);
  const argo = r.env.argocd;
  const controller = { controllerNamespace: argo.namespace, clusters: d.clusters, api };
  const root = d.apps.find((a) => a.metadata.name === rootApplicationName(r.env))!;
  const children = d.apps.filter((a) => a !== root);
  const bootstrap = d.projects.find((p) => p.metadata.name === bootstrapProjectName(r.env))!;
  const components = d.projects.find((p) => p.metadata.name === argo.project)!;
  const everyProblem = (projects: AppProject[]) => d.apps.flatMap((app) => syncProblems(app, d.manifests(app), projects, controller).map((p) => `${app.metadata.name}: ${p}`));

  describe(`${r.env.name}: Argo CD v3.5.1 would sync every Application`, () => {
    test('both AppProjects pass ValidateProject', () => {
      expect(d.projects.map((p) => p.metadata.name).sort()).toEqual([argo.project, bootstrapProjectName(r.env)].sort());
      for (const p of d.projects) expect([p.metadata.name, validateProject(p)]).toEqual([p.metadata.name, []]);
    });

    test('every Application: project exists, ValidatePermissions passes, every object it syncs is permitted', () => {
      expect(d.apps.length).toBe(r.objects.size);
      for (const app of d.apps) expect([app.metadata.name, d.manifests(app).length > 0]).toEqual([app.metadata.name, true]);
      expect(everyProblem(d.projects)).toEqual([]);
    });

    test('every child Application names a namespace that its project permits, and the namespace of its objects', () => {
      for (const app of children) {
        const ns = app.spec.destination.namespace;
        expect([app.metadata.name, ns && r.env.platformNamespaces.includes(ns)]).toEqual([app.metadata.name, true]);
        const own = new Set(d.manifests(app).flatMap((o) => o.metadata.namespace ?? []));
        if (own.size === 1) expect([app.metadata.name, ns]).toEqual([app.metadata.name, [...own][0]]);
      }
    });

    test('the bootstrap project may only put Applications and AppProjects into the Argo CD namespace', () => {
      expect(root.spec.project).toBe(bootstrap.metadata.name);
      expect(bootstrap.spec.destinations).toEqual([{ server: IN_CLUSTER.server, namespace: argo.namespace }]);
      expect(bootstrap.spec.sourceRepos).toEqual([argo.repoURL]);
      for (const res of api.list()) {
        const allowed = res.namespaced && res.group === 'argoproj.io' && ['Application', 'AppProject'].includes(res.kind);
        expect([res.group, res.kind, isGroupKindNamePermitted(bootstrap, res, 'any', res.namespaced)]).toEqual([res.group, res.kind, allowed]);
      }
      expect(isDestinationPermitted(bootstrap, IN_CLUSTER, r.env.platformNamespaces[0])).toBe(false);
      expect(children.every((a) => a.spec.project === argo.project)).toBe(true);
    });

    test('the components project can create no Application, AppProject or ApplicationSet, and nothing in the Argo CD namespace', () => {
      for (const gk of ARGO_CD_KINDS) expect([gk.kind, isGroupKindNamePermitted(components, gk, 'x', true)]).toEqual([gk.kind, false]);
      expect(isDestinationPermitted(components, IN_CLUSTER, argo.namespace)).toBe(false);
      expect(components.spec.destinations!.map((x) => x.namespace)).toEqual([...r.env.platformNamespaces]);
      // A folder that tried to add an Application would be refused by Argo CD before anything is applied.
      const rogue = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'rogue', namespace: argo.namespace } };
      const platform = children.find((a) => a.spec.source?.path?.endsWith('/platform'))!;
      expect(syncProblems(platform, [...d.manifests(platform), rogue], d.projects, controller)).toEqual([expect.stringMatching(/Application argocd\/rogue: resource argoproj.io:Application is not permitted/)]);
    });

    test('the components project whitelists by name only cluster-scoped objects MOP renders, and no kind MOP does not render', () => {
      const whitelist = components.spec.clusterResourceWhitelist!;
      // Exact names, but for the ClusterAnalysisTemplates, which follow the SLOs.
      for (const e of whitelist) expect([e.kind, e.name && (/^[a-z0-9.-]+$/.test(e.name) || (e.kind === 'ClusterAnalysisTemplate' && e.name === `${r.env.namespacePrefix}-slo-*`))]).toEqual([e.kind, true]);
      // Nothing rendered outside the fixed set (which keeps removed objects prunable), and every entry is an object
      // some environment renders.
      expect(whitelist.map(key).sort()).toEqual(clusterScopedObjects(r.env).map(key).sort());
      expect(components.spec.namespaceResourceWhitelist!.map(key).sort()).toEqual(NAMESPACED_KINDS.map(key).sort());
      const cr = { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' };
      expect(isGroupKindNamePermitted(components, cr, 'cluster-admin', false)).toBe(false);
      expect(isGroupKindNamePermitted(components, { group: '', kind: 'ClusterRoleBinding' }, 'mop-obi', false)).toBe(false);
      expect(isGroupKindNamePermitted(components, { group: '', kind: 'Namespace' }, 'kube-system', false)).toBe(false);
      expect(isGroupKindNamePermitted(components, { group: '', kind: 'Secret' }, 'x', true)).toBe(false);
    });

    test('removing any destination or whitelist entry this environment uses makes the checks fail', () => {
      const without = (p: AppProject, field: 'destinations' | 'clusterResourceWhitelist' | 'namespaceResourceWhitelist', i: number): AppProject[] => {
        const list = [...(p.spec[field] as unknown[])];
        list.splice(i, 1);
        const changed = { ...p, spec: { ...p.spec, [field]: list } } as AppProject;
        return d.projects.map((q) => (q === p ? changed : q));
      };
      const objects = [...r.objects.values()].flat();
      const usedNamespaces = new Set([...objects.flatMap((o) => o.metadata.namespace ?? []), ...d.apps.map((a) => a.spec.destination.namespace)]);
      const used = (field: string, entry: any) =>
        field === 'destinations' ? usedNamespaces.has(entry.namespace) : objects.some((o) => permits(entry, o, field === 'clusterResourceWhitelist'));
      let mutations = 0;
      for (const p of d.projects) {
        for (const field of ['destinations', 'clusterResourceWhitelist', 'namespaceResourceWhitelist'] as const) {
          (p.spec[field] ?? []).forEach((entry, i) => {
            if (!used(field, entry)) return;
            mutations++;
            expect([p.metadata.name, field, entry, everyProblem(without(p, field, i)).length > 0]).toEqual([p.metadata.name, field, entry, true]);
          });
        }
      }
      expect(mutations).toBeGreaterThan(5);
      // And a child Application without destination namespace, as before issue #15:
      const app = children[0];
      const bare = { ...app, spec: { ...app.spec, destination: { server: app.spec.destination.server } } };
      expect(syncProblems(bare, d.manifests(app), d.projects, controller)).toEqual([expect.stringMatching(/application destination server '.*' and namespace '' do not match/)]);
    });

    test('an Application from another repository or revision is refused', () => {
      const app = children[0];
      const other = { ...app, spec: { ...app.spec, source: { ...app.spec.source, repoURL: 'https://github.com/someone-else/mop.git' } } };
      expect(syncProblems(other, d.manifests(app), d.projects, controller)).toEqual([expect.stringMatching(/application repo .* is not permitted in project/)]);
    });
  });

  describe(`${r.env.name}: orphaned resources report drift in MOP's namespaces, never Argo CD's own objects`, () => {
    const trackedBy = new Map<string, string>();
    for (const app of d.apps) for (const o of d.manifests(app)) trackedBy.set(`${o.metadata.namespace ?? ''}/${o.kind}/${o.metadata.name}`, app.metadata.name);
    const appNames = new Set(d.apps.map((a) => a.metadata.name));
    const rendered: LiveResource[] = [...r.objects.values()].flat().filter((o) => o.metadata.namespace).map((o) => ({
      group: o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '',
      kind: o.kind,
      namespace: o.metadata.namespace!,
      name: o.metadata.name,
      trackedBy: trackedBy.get(`${o.metadata.namespace}/${o.kind}/${o.metadata.name}`),
    }));
    // What else lives in these namespaces without an Argo CD tracking annotation: Kubernetes' own objects of every
    // namespace, the PVCs of StatefulSets, Endpoints, Events, the operator's Secrets, and Argo CD's installation
    // (manifests/install.yaml at v3.5.1: ConfigMaps, Secrets, Services, ServiceAccounts, Roles, RoleBindings,
    // NetworkPolicies, Deployments, the application controller StatefulSet) and the `default` AppProject that
    // argocd-server creates (server/server.go initializeDefaultProject).
    const runtime: LiveResource[] = [...r.env.platformNamespaces, argo.namespace].flatMap((namespace) => [
      { group: '', kind: 'ServiceAccount', namespace, name: 'default' },
      { group: '', kind: 'ConfigMap', namespace, name: 'kube-root-ca.crt' },
      { group: '', kind: 'PersistentVolumeClaim', namespace, name: 'data-0' },
      { group: '', kind: 'Endpoints', namespace, name: 'some-service' },
      { group: '', kind: 'Event', namespace, name: 'some-event' },
      { group: '', kind: 'Secret', namespace, name: 'operator-provided' },
    ]);
    const argoCdOwn: LiveResource[] = [
      ...['argocd-cm', 'argocd-rbac-cm', 'argocd-cmd-params-cm'].map((name) => ({ group: '', kind: 'ConfigMap', name })),
      ...['argocd-secret', 'argocd-notifications-secret'].map((name) => ({ group: '', kind: 'Secret', name })),
      ...['argocd-server', 'argocd-repo-server', 'argocd-redis'].map((name) => ({ group: 'apps', kind: 'Deployment', name })),
      { group: 'apps', kind: 'StatefulSet', name: 'argocd-application-controller' },
      { group: '', kind: 'Service', name: 'argocd-server' },
      { group: '', kind: 'ServiceAccount', name: 'argocd-server' },
      { group: 'rbac.authorization.k8s.io', kind: 'Role', name: 'argocd-server' },
      { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding', name: 'argocd-server' },
      { group: 'networking.k8s.io', kind: 'NetworkPolicy', name: 'argocd-server-network-policy' },
      { group: 'argoproj.io', kind: 'AppProject', name: 'default' },
    ].map((o) => ({ ...o, namespace: argo.namespace }));
    const live = [...rendered, ...runtime, ...argoCdOwn];
    const managedBy = (app: Application) => new Set(rendered.filter((x) => x.trackedBy === app.metadata.name).map((x) => `${x.group}/${x.kind}/${x.namespace}/${x.name}`));
    const orphansOf = (app: Application, projects: readonly AppProject[], objects: readonly LiveResource[] = live) => {
      const proj = getAppProject(app, projects, argo.namespace) as AppProject;
      return orphanedResources(app, proj, objects, { managed: managedBy(app), existingApps: appNames, cluster: IN_CLUSTER });
    };

    test('no Application reports anything on a healthy cluster', () => {
      expect(components.spec.orphanedResources).toEqual({ warn: true });
      for (const app of d.apps) expect([app.metadata.name, orphansOf(app, d.projects)]).toEqual([app.metadata.name, []]);
    });

    test('an object someone added by hand in a MOP namespace is reported', () => {
      const app = children.find((a) => a.spec.destination.namespace === r.env.platformNamespaces[r.env.platformNamespaces.length - 1]) ?? children[0];
      const stray: LiveResource = { group: '', kind: 'ConfigMap', namespace: app.spec.destination.namespace!, name: 'hand-made' };
      expect(orphansOf(app, d.projects, [...live, stray])).toEqual([stray]);
    });

    test('orphan monitoring is off for the bootstrap project, which would otherwise report Argo CD\'s `default` project and the two objects the operator applied', () => {
      expect(bootstrap.spec.orphanedResources).toBeUndefined();
      const monitored = d.projects.map((p) => (p === bootstrap ? { ...p, spec: { ...p.spec, orphanedResources: { warn: true } } } : p));
      expect(orphansOf(root, monitored).map((o) => `${o.kind}/${o.name}`).sort()).toEqual(
        ['AppProject/default', `AppProject/${bootstrapProjectName(r.env)}`, `Application/${rootApplicationName(r.env)}`].sort(),
      );
    });
  });
}

test('every whitelist entry of the components project permits an object some environment renders', () => {
  const all = renderedEnvironments().flatMap((r) => [...r.objects.values()].flat());
  for (const r of renderedEnvironments()) {
    const components = deliveryOf(r).projects.find((p) => p.metadata.name === r.env.argocd.project)!;
    for (const e of components.spec.clusterResourceWhitelist!) expect([r.env.name, key(e), all.some((o) => permits(e, o, true))]).toEqual([r.env.name, key(e), true]);
    for (const e of components.spec.namespaceResourceWhitelist!) expect([r.env.name, key(e), all.some((o) => permits(e, o, false))]).toEqual([r.env.name, key(e), true]);
  }
});
