import { Chart } from 'cdk8s';
import { Environment } from '../../environments';
import { Application, ApplicationSpecIgnoreDifferences } from '../../imports/argocd-application-argoproj.io';
import { AppProject } from '../../imports/argocd-appproject-argoproj.io';
import { clusterReaderNames, compareStrings, platformLabels } from '../base';
import { NODE_PRIORITY_CLASS } from '../obi';
import { webhookClusterRoleName } from '../rollout-operator';
import { Store } from '../stores/common';
import { prepareDownscaleWebhookName, usesDownscaleWebhook } from '../stores/rollout';
import { PLATFORM_COMPONENT } from '../platform';
import type { KubeObject } from '../render';

/**
 * Argo CD objects for one environment (docs/architecture/0008-argocd-projects-and-bootstrap.md), derived from what
 * the components rendered:
 * - the bootstrap project `mop-<env>-bootstrap`, which may only put Applications and AppProjects into the Argo CD
 *   namespace, and the root Application `mop-<env>` in it (app of apps, syncing `dist/<env>/argocd/`);
 * - the components project (`env.argocd.project`): the namespaces the environment creates, the namespaced kinds and
 *   (by name) the cluster-scoped objects MOP renders, and never an Argo CD object;
 * - one Application per component folder in the components project, with its own namespace as destination.
 * The operator applies the bootstrap project and the root Application once (`bootstrapFiles`); the root creates
 * everything else, the components project in a wave before the Applications that use it, so no Application ever
 * names a missing project.
 */

/** Apply order: namespaces and cluster RBAC, then stores, then Alloy, then OBI, then Grafana. */
export const SYNC_WAVES: Readonly<Record<string, number>> = {
  [PLATFORM_COMPONENT]: 0,
  mimir: 1,
  tempo: 1,
  loki: 1,
  /** In the store namespaces, with the stores: their zone StatefulSets are OnDelete and wait for it. */
  'rollout-operator': 1,
  alloy: 2,
  obi: 3,
  grafana: 4,
  /** Canary analysis: ClusterAnalysisTemplates and the demo Rollout (experiment `canaryAnalysis`). */
  rollouts: 5,
};

/** AppProjects go first in the root's sync: the Applications after them name them. */
const PROJECT_WAVE = -1;

/** Where Argo CD itself runs, as its built-in `in-cluster` entry names it: Applications and AppProjects live there. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

/** The repository the shipped environments name; a fork must put its own (`deliveryWarnings`). */
export const EXAMPLE_REPO_URL = 'https://github.com/example-org/mop.git';

/** Client-side apply keeps a last-applied annotation, capped at 256 KiB; objects near it need server-side apply. */
const SERVER_SIDE_APPLY_BYTES = 128 * 1024;
const FINALIZER = 'resources-finalizer.argocd.argoproj.io';
const ARGO_GROUP = 'argoproj.io';
/** Only the bootstrap project manages these; the components project blacklists them (and ApplicationSets). */
const ARGO_CD_KINDS = ['Application', 'AppProject'] as const;
const ARGO_CD_GENERATORS = ['ApplicationSet'] as const;
const RETRY = { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } };

interface ClusterResourceItem {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
}

/**
 * Every namespaced kind MOP renders in some configuration. The components project keeps permitting all of them, not
 * only those rendered now: Argo CD neither prunes nor cascade-deletes an object its project does not permit
 * (`controller/state.go` CompareAppState and `appcontroller.go` getPermittedAppLiveObjects drop it first), so a
 * kind dropped from the project together with its last object would be left behind. A component that renders a kind
 * missing here fails test/delivery/argocd-projects.test.ts.
 */
export const NAMESPACED_KINDS: readonly { group: string; kind: string }[] = [
  { group: '', kind: 'ConfigMap' },
  { group: '', kind: 'Service' },
  { group: '', kind: 'ServiceAccount' },
  { group: 'apps', kind: 'DaemonSet' },
  { group: 'apps', kind: 'Deployment' },
  { group: 'apps', kind: 'StatefulSet' },
  { group: 'argoproj.io', kind: 'Rollout' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'policy', kind: 'PodDisruptionBudget' },
  // The rollout-operator's access to its webhook certificate Secret, in its store's namespace (ADR 0012).
  { group: 'rbac.authorization.k8s.io', kind: 'Role' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
];

/**
 * The cluster-scoped objects MOP can render for this environment whatever its switches, by name (for the same reason
 * as NAMESPACED_KINDS): its namespaces, the cluster readers (`clusterReader` names role and binding after the
 * namespace of OBI and of the Alloy node agent), OBI's priority class, and the SLOs' ClusterAnalysisTemplates, whose
 * names follow the SLOs (`<prefix>-slo-<namespace>.<service>`, constructs/experiments/canary.ts).
 */
export function clusterScopedObjects(env: Environment): ClusterResourceItem[] {
  const rbac = 'rbac.authorization.k8s.io';
  const DOWNSCALE_WEBHOOK_STORES = (['mimir', 'tempo', 'loki'] as const satisfies readonly Store[]).filter(usesDownscaleWebhook);
  return [
    ...Object.values(env.namespaces).map((name) => ({ group: '', kind: 'Namespace', name })),
    ...Object.values(clusterReaderNames(env)).flatMap((name) => [
      { group: rbac, kind: 'ClusterRole', name },
      { group: rbac, kind: 'ClusterRoleBinding', name },
    ]),
    { group: 'scheduling.k8s.io', kind: 'PriorityClass', name: NODE_PRIORITY_CLASS.name },
    // The rollout-operator's prepare-downscale webhook and the cluster role that lets it inject its CA (ADR 0012).
    ...DOWNSCALE_WEBHOOK_STORES.map((store) => env.namespaces[store]).flatMap((ns) => [
      { group: rbac, kind: 'ClusterRole', name: webhookClusterRoleName(ns) },
      { group: rbac, kind: 'ClusterRoleBinding', name: webhookClusterRoleName(ns) },
      { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', name: prepareDownscaleWebhookName(ns) },
    ]),
    { group: ARGO_GROUP, kind: 'ClusterAnalysisTemplate', name: `${env.namespacePrefix}-slo-*` },
  ];
}

export function applicationName(env: Environment, component: string): string {
  return `mop-${env.name}-${component}`;
}

export function rootApplicationName(env: Environment): string {
  return `mop-${env.name}`;
}

/** The project of the root Application; environments/validate.ts keeps `argocd.project` from taking this name. */
export function bootstrapProjectName(env: Environment): string {
  return `${rootApplicationName(env)}-bootstrap`;
}

/**
 * The files of `dist/<env>/argocd/` the operator applies once, in this order (docs/gitops.md): the bootstrap project,
 * then the root Application that names it. The root syncs the rest of the folder but not these two: an Application
 * that tracks itself can never be deleted with its resources (`controller/appcontroller.go`
 * finalizeApplicationDeletion waits while any object it tracks has a deletion timestamp, itself included), and its
 * project must outlive it. Names as render.ts `fileNameOf` writes them.
 */
export function bootstrapFiles(env: Environment): string[] {
  return [`appproject-${bootstrapProjectName(env)}.yaml`, `application-${rootApplicationName(env)}.yaml`];
}

/**
 * The namespace a component's Application names as destination: the component's own MOP namespace, else the only
 * (or first) namespace its objects live in. Every rendered object names its namespace, so for the platform folder,
 * whose objects span every MOP namespace, this only decides where Argo CD looks for orphaned resources.
 */
export function destinationNamespace(env: Environment, component: string, objects: readonly KubeObject[]): string {
  const own = (env.namespaces as unknown as Record<string, string | undefined>)[component];
  const used = [...new Set(objects.flatMap((o) => o.metadata.namespace ?? []))].sort(compareStrings);
  if (own && used.includes(own)) return own;
  return used[0] ?? env.platformNamespaces[0];
}

/**
 * Lines synth should print for an environment that cannot sync as configured (the lead wires them into main.ts):
 * today, a repository URL still at the shipped example.
 */
export function deliveryWarnings(env: Environment): string[] {
  if (env.argocd.repoURL !== EXAMPLE_REPO_URL) return [];
  return [
    `environment "${env.name}": argocd.repoURL is still the example ${EXAMPLE_REPO_URL}; Argo CD cannot sync it — set it to the Git repository that holds this dist/ (README, "Set up")`,
  ];
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

function byKey<T extends { group: string; kind: string; name?: string }>(a: T, b: T): number {
  return compareStrings(`${a.group}/${a.kind}/${a.name ?? ''}`, `${b.group}/${b.kind}/${b.name ?? ''}`);
}

function kindsOf(objects: readonly KubeObject[]): { group: string; kind: string }[] {
  const seen = new Map<string, { group: string; kind: string }>();
  for (const o of objects) seen.set(`${groupOf(o.apiVersion)}/${o.kind}`, { group: groupOf(o.apiVersion), kind: o.kind });
  return [...seen.values()].sort(byKey);
}

/**
 * Fields another controller writes after Argo CD applies an object: Argo CD would report them as drift and selfHeal
 * would revert them (argo-cd v3.5.1 docs/user-guide/diffing.md). `RespectIgnoreDifferences=true` keeps them on sync
 * too (docs/user-guide/sync-options.md).
 */
const IGNORE_DIFFERENCES: Readonly<Record<string, ApplicationSpecIgnoreDifferences[]>> = {
  // The rollout-operator injects its self-signed CA into its webhook configuration (ADR 0012).
  'rollout-operator': [{ group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] }],
};

/** Entries of `floor`, plus an exact entry for each object no entry matches (the project never blocks a sync). */
function withRendered<T extends { group: string; kind: string; name?: string }>(floor: readonly T[], rendered: readonly T[], matches: (entry: T, o: T) => boolean): T[] {
  const extra = rendered.filter((o) => !floor.some((e) => matches(e, o)));
  const seen = new Map([...floor, ...extra].map((e) => [`${e.group}/${e.kind}/${e.name ?? ''}`, e]));
  return [...seen.values()].sort(byKey);
}

/** Rendered objects carry `metadata.namespace` exactly when they are namespaced (test/support/cross.ts checks it). */
function checkOwnership(env: Environment, rendered: ReadonlyMap<string, readonly KubeObject[]>): void {
  for (const [component, objects] of rendered) {
    for (const o of objects) {
      const what = `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name} (component ${component})`;
      if (groupOf(o.apiVersion) === ARGO_GROUP && ([...ARGO_CD_KINDS, ...ARGO_CD_GENERATORS] as readonly string[]).includes(o.kind)) {
        throw new Error(`environment "${env.name}": ${what}: only the argocd folder may hold Argo CD objects`);
      }
      const ns = o.metadata.namespace;
      if (ns && !env.platformNamespaces.includes(ns)) {
        throw new Error(`environment "${env.name}": ${what} is in namespace "${ns}", which this environment does not create (${env.platformNamespaces.join(', ')})`);
      }
    }
  }
}

/** `largestObject`: per component, the size of its largest rendered object (YAML characters). */
export function argoCd(
  chart: Chart,
  env: Environment,
  rendered: ReadonlyMap<string, readonly KubeObject[]>,
  largestObject: ReadonlyMap<string, number>,
): void {
  checkOwnership(env, rendered);
  const argo = env.argocd;
  const labels = platformLabels(env, 'argocd');
  const path = (component: string) => `dist/${env.name}/${component}`;
  const source = (component: string) => ({ repoUrl: argo.repoURL, targetRevision: argo.targetRevision, path: path(component), directory: { recurse: false } });
  const all = [...rendered.values()].flat();
  const argoKinds = (kinds: readonly string[]) => kinds.map((kind) => ({ group: ARGO_GROUP, kind }));

  // The bootstrap project and the root are the operator's (bootstrapFiles): Argo CD never prunes or deletes them.
  new AppProject(chart, 'AppProject-bootstrap', {
    metadata: { name: bootstrapProjectName(env), namespace: argo.namespace, labels },
    spec: {
      description: `MOP ${env.name} bootstrap: the root Application, which manages only Applications and AppProjects in ${argo.namespace}`,
      sourceRepos: [argo.repoURL],
      destinations: [{ server: IN_CLUSTER, namespace: argo.namespace }],
      // No clusterResourceWhitelist: nothing cluster-scoped. orphanedResources is off: the Argo CD namespace is
      // shared with Argo CD's own `default` project and other teams' Applications, which are not MOP's to report.
      namespaceResourceWhitelist: argoKinds(ARGO_CD_KINDS),
    },
  });

  const clusterScoped = all.filter((o) => !o.metadata.namespace).map((o) => ({ group: groupOf(o.apiVersion), kind: o.kind, name: o.metadata.name }));
  const sameKind = (e: { group: string; kind: string }, o: { group: string; kind: string }) => e.group === o.group && e.kind === o.kind;
  // A trailing `*` is the only pattern in the floor (filepath.Match: names hold no `/`).
  const nameMatches = (e: ClusterResourceItem, o: ClusterResourceItem) =>
    sameKind(e, o) && (e.name.endsWith('*') ? o.name.startsWith(e.name.slice(0, -1)) : o.name === e.name);
  new AppProject(chart, 'AppProject-components', {
    metadata: { name: argo.project, namespace: argo.namespace, labels, annotations: { 'argocd.argoproj.io/sync-wave': String(PROJECT_WAVE) } },
    spec: {
      description: `MOP ${env.name}: the observability platform rendered from ${argo.repoURL}, in MOP's namespaces only`,
      sourceRepos: [argo.repoURL],
      // The namespaces this environment creates. One it stops creating keeps its Namespace entry below, so the
      // platform Application can prune it, and Kubernetes deletes what was left in it.
      destinations: env.platformNamespaces.map((namespace) => ({ server: argo.destinationServer, namespace })),
      clusterResourceWhitelist: withRendered(clusterScopedObjects(env), clusterScoped, nameMatches),
      namespaceResourceWhitelist: withRendered(NAMESPACED_KINDS, kindsOf(all.filter((o) => o.metadata.namespace)), sameKind),
      namespaceResourceBlacklist: argoKinds([...ARGO_CD_KINDS, ...ARGO_CD_GENERATORS]),
      // Only MOP's namespaces are destinations, so anything unmanaged there is drift worth a warning.
      orphanedResources: { warn: true },
    },
  });

  for (const [component, objects] of rendered) {
    const wave = SYNC_WAVES[component];
    if (wave === undefined) throw new Error(`environment "${env.name}": component "${component}" has no sync wave in constructs/argocd/index.ts`);
    const large = (largestObject.get(component) ?? 0) > SERVER_SIDE_APPLY_BYTES;
    const ignoreDifferences = IGNORE_DIFFERENCES[component];
    new Application(chart, `Application-${component}`, {
      metadata: {
        name: applicationName(env, component),
        namespace: argo.namespace,
        labels,
        annotations: { 'argocd.argoproj.io/sync-wave': String(wave) },
        finalizers: [FINALIZER],
      },
      spec: {
        project: argo.project,
        source: source(component),
        destination: { server: argo.destinationServer, namespace: destinationNamespace(env, component, objects) },
        ignoreDifferences,
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ['PruneLast=true', 'FailOnSharedResource=true', ...(large ? ['ServerSideApply=true'] : []), ...(ignoreDifferences ? ['RespectIgnoreDifferences=true'] : [])],
          retry: RETRY,
        },
      },
    });
  }

  new Application(chart, 'Application-root', {
    metadata: { name: rootApplicationName(env), namespace: argo.namespace, labels, finalizers: [FINALIZER] },
    spec: {
      project: bootstrapProjectName(env),
      source: { ...source('argocd'), directory: { recurse: false, exclude: `{${bootstrapFiles(env).join(',')}}` } },
      destination: { server: IN_CLUSTER, namespace: argo.namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['PruneLast=true'], retry: RETRY },
    },
  });
}
