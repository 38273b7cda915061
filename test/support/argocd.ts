/**
 * Argo CD v3.5.1's project rules, re-implemented from its source (argoproj/argo-cd at tag v3.5.1) so tests can run
 * them over what MOP renders. Each function names the upstream file and function it follows; where it leaves a
 * branch out, the comment says which and why (no MOP object takes it).
 */
import { ApiResource, ApiResources, groupOf } from './api-resources';

/* ------------------------------------------------------------------ types (the JSON of the CRDs) -------------- */

export interface Destination {
  server?: string;
  name?: string;
  namespace?: string;
}
export interface GroupKind {
  group: string;
  kind: string;
}
export interface ClusterResourceItem extends GroupKind {
  name?: string;
}
export interface OrphanedResourceKey {
  group?: string;
  kind?: string;
  name?: string;
}
export interface AppProjectSpec {
  sourceRepos?: string[];
  sourceNamespaces?: string[];
  destinations?: Destination[];
  clusterResourceWhitelist?: ClusterResourceItem[];
  clusterResourceBlacklist?: ClusterResourceItem[];
  namespaceResourceWhitelist?: GroupKind[];
  namespaceResourceBlacklist?: GroupKind[];
  orphanedResources?: { warn?: boolean; ignore?: OrphanedResourceKey[] };
  permitOnlyProjectScopedClusters?: boolean;
}
export interface AppProject {
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec: AppProjectSpec;
}
export interface ApplicationSource {
  repoURL?: string;
  path?: string;
  directory?: { recurse?: boolean; include?: string; exclude?: string };
  chart?: string;
  ref?: string;
  targetRevision?: string;
}
export interface Application {
  metadata: { name: string; namespace?: string; annotations?: Record<string, string>; finalizers?: string[] };
  spec: {
    project?: string;
    source?: ApplicationSource;
    sources?: ApplicationSource[];
    destination: Destination;
    syncPolicy?: { syncOptions?: string[] };
  };
}
/** A cluster Argo CD knows: `util/db/cluster.go` GetCluster; the in-cluster entry is built in. */
export interface Cluster {
  server: string;
  name: string;
}
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
}

/** `pkg/apis/application/v1alpha1/types.go` KubernetesInternalAPIServerAddr and the in-cluster entry's name. */
export const IN_CLUSTER: Cluster = { server: 'https://kubernetes.default.svc', name: 'in-cluster' };

/* ------------------------------------------------------------------ glob semantics ---------------------------- */

function escapeRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|\/-]/.test(c) ? `\\${c}` : c;
}

/**
 * `util/glob/glob.go` Match: github.com/gobwas/glob, compiled with the given separators. `*` is any run of
 * non-separator characters, `**` any run, `?` one non-separator character, `[abc]`, `[a-z]`, `[!abc]` classes,
 * `{a,b}` alternatives, `\` escapes. A pattern that does not compile matches nothing (Match logs and returns false).
 */
export function gobwasMatch(pattern: string, text: string, separators: readonly string[] = []): boolean {
  const notSep = separators.length ? `[^${separators.map(escapeRegExp).join('')}]` : '.';
  let re = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (i + 1 >= pattern.length) return false;
      re += escapeRegExp(pattern[++i]);
    } else if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += `${notSep}*`;
    } else if (c === '?') re += notSep;
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) return false;
      let body = pattern.slice(i + 1, end);
      const negated = body.startsWith('!');
      if (negated) body = body.slice(1);
      if (!body) return false;
      let cls = '';
      for (let j = 0; j < body.length; j++) {
        if (body[j + 1] === '-' && j + 2 < body.length) {
          if (body[j] > body[j + 2]) return false;
          cls += `${escapeRegExp(body[j])}-${escapeRegExp(body[j + 2])}`;
          j += 2;
        } else cls += escapeRegExp(body[j]);
      }
      re += `[${negated ? '^' : ''}${cls}]`;
      i = end;
    } else if (c === '{') {
      depth++;
      re += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      re += ')';
    } else if (c === ',' && depth > 0) re += '|';
    else re += escapeRegExp(c);
  }
  if (depth !== 0) return false;
  return new RegExp(`^${re}$`, 's').test(text);
}

/**
 * Go's `path/filepath.Match` (on Linux, separator `/`), which `types.go` isResourceInList and isNamedResourceInList
 * use for group, kind and name: `*` any run of non-`/` characters, `?` one, `[^a-z]` classes, `\` escapes. A
 * malformed pattern (ErrBadPattern) counts as no match, as the callers ignore the error.
 */
export function filepathMatch(pattern: string, name: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (i + 1 >= pattern.length) return false;
      re += escapeRegExp(pattern[++i]);
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) return false;
      let body = pattern.slice(i + 1, end);
      const negated = body.startsWith('^');
      if (negated) body = body.slice(1);
      if (!body) return false;
      re += `[${negated ? '^' : ''}${[...body].map((x) => (x === '-' ? '-' : escapeRegExp(x))).join('')}]`;
      i = end;
    } else re += escapeRegExp(c);
  }
  try {
    return new RegExp(`^${re}$`, 's').test(name);
  } catch {
    return false;
  }
}

/** `app_project_types.go` isDenyPattern. */
const isDenyPattern = (pattern: string | undefined) => (pattern ?? '').startsWith('!');

/** `app_project_types.go` globMatch. */
export function globMatch(pattern: string | undefined, value: string, allowNegation: boolean, separators: readonly string[] = []): boolean {
  const p = pattern ?? '';
  if (allowNegation && isDenyPattern(p)) return !gobwasMatch(p.slice(1), value, separators);
  if (p === '*') return true;
  return gobwasMatch(p, value, separators);
}

/* ------------------------------------------------------------------ sources ----------------------------------- */

/**
 * `util/git/git.go` NormalizeGitURL: lower-case, trim, `git@host:path` → `host/path`, no `.git` suffix, then Go's
 * url.Parse/String (an identity for the URLs environments/validate.ts admits, except that a non-numeric port is a
 * parse error and yields "").
 */
export function normalizeGitURL(repo: string): string {
  let r = repo.trim().toLowerCase();
  if (/^(ssh:\/\/)?([^/:]*?)@[^@]+$/.test(r) && !r.startsWith('ssh://')) r = `ssh://${r.replace(':', '/')}`;
  if (r.endsWith('.git')) r = r.slice(0, -4);
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/.exec(r)?.[1];
  if (authority !== undefined) {
    const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
    const port = hostPort.startsWith('[') ? hostPort.split(']')[1]?.replace(/^:/, '') : hostPort.split(':')[1];
    if (port !== undefined && port !== '' && !/^[0-9]+$/.test(port)) return '';
  }
  return r.replace(/^ssh:\/\//, '');
}

/** `app_project_types.go` IsSourcePermitted. */
export function isSourcePermitted(proj: AppProject, repoURL: string): boolean {
  const src = normalizeGitURL(repoURL);
  let any = false;
  for (const repo of proj.spec.sourceRepos ?? []) {
    const normalized = isDenyPattern(repo) ? `!${normalizeGitURL(repo.slice(1))}` : normalizeGitURL(repo);
    const matched = globMatch(normalized, src, true, ['/']);
    if (matched) any = true;
    else if (isDenyPattern(normalized)) return false;
  }
  return any;
}

/* ------------------------------------------------------------------ destinations ------------------------------ */

/** `app_project_types.go` isDestinationMatched. */
function isDestinationMatched(proj: AppProject, dst: Required<Destination>): boolean {
  let any = false;
  for (const item of proj.spec.destinations ?? []) {
    const nameMatched = dst.name !== '' && globMatch(item.name, dst.name, true);
    const serverMatched = dst.server !== '' && globMatch(item.server, dst.server, true);
    const namespaceMatched = globMatch(item.namespace, dst.namespace, true);
    const matched = (serverMatched || nameMatched) && namespaceMatched;
    if (matched) any = true;
    else if ((!nameMatched && isDenyPattern(item.name)) || (!serverMatched && isDenyPattern(item.server) && namespaceMatched)) return false;
    else if (!namespaceMatched && isDenyPattern(item.namespace) && serverMatched) return false;
  }
  return any;
}

/**
 * `app_project_types.go` IsDestinationPermitted. An empty namespace matches only a destination whose namespace
 * pattern matches "" (`*`, or an empty pattern): a named namespace never does (argoproj/argo-cd#11510).
 * permitOnlyProjectScopedClusters: MOP registers no project-scoped clusters, so such a project permits nothing.
 */
export function isDestinationPermitted(proj: AppProject, cluster: Cluster | undefined, namespace: string): boolean {
  if (!cluster) return false;
  const matched = isDestinationMatched(proj, { server: cluster.server, name: cluster.name, namespace });
  return matched && !proj.spec.permitOnlyProjectScopedClusters;
}

/* ------------------------------------------------------------------ resources --------------------------------- */

/** `types.go` isResourceInList. */
function isResourceInList(res: GroupKind, list: readonly GroupKind[]): boolean {
  return list.some((item) => filepathMatch(item.kind, res.kind) && filepathMatch(item.group, res.group));
}

/** `types.go` isNamedResourceInList: an entry without `name` matches every name of its group and kind. */
function isNamedResourceInList(res: GroupKind, name: string, list: readonly ClusterResourceItem[]): boolean {
  return list.some((item) => filepathMatch(item.kind, res.kind) && filepathMatch(item.group, res.group) && (!item.name || filepathMatch(item.name, name)));
}

/**
 * `app_project_types.go` IsGroupKindNamePermitted. Namespaced: a missing whitelist permits every kind, an empty
 * one none. Cluster-scoped: only whitelisted kinds (a missing or empty whitelist permits none).
 */
export function isGroupKindNamePermitted(proj: AppProject, gk: GroupKind, name: string, namespaced: boolean): boolean {
  const s = proj.spec;
  if (namespaced) {
    const white = s.namespaceResourceWhitelist;
    const black = s.namespaceResourceBlacklist ?? [];
    const whitelisted = white === undefined || (white.length !== 0 && isResourceInList(gk, white));
    return whitelisted && !(black.length !== 0 && isResourceInList(gk, black));
  }
  const white = s.clusterResourceWhitelist ?? [];
  const black = s.clusterResourceBlacklist ?? [];
  return white.length !== 0 && isNamedResourceInList(gk, name, white) && !(black.length !== 0 && isNamedResourceInList(gk, name, black));
}

/** `app_project_types.go` IsResourcePermitted. */
export function isResourcePermitted(proj: AppProject, gk: GroupKind, name: string, namespace: string, cluster: Cluster | undefined): boolean {
  if (!isGroupKindNamePermitted(proj, gk, name, namespace !== '')) return false;
  return namespace === '' || isDestinationPermitted(proj, cluster, namespace);
}

/* ------------------------------------------------------------------ project and application checks ----------- */

/**
 * `app_project_types.go` ValidateProject, the parts a declarative project can get wrong: `!*` patterns, repeated
 * destinations, source namespaces and repositories (roles, sync windows and destination service accounts: MOP sets
 * none).
 */
export function validateProject(proj: AppProject): string[] {
  const problems: string[] = [];
  const keys = new Set<string>();
  for (const d of proj.spec.destinations ?? []) {
    for (const [field, value] of [['name', d.name], ['server', d.server], ['namespace', d.namespace]] as const) {
      if (value === '!*') problems.push(`${field} has an invalid format, '!*'`);
    }
    const key = !d.server && d.name ? `${d.name}/${d.namespace ?? ''}` : `${d.server ?? ''}/${d.namespace ?? ''}`;
    if (keys.has(key)) problems.push(`destination '${key}' already added`);
    keys.add(key);
  }
  const seenNs = new Set<string>();
  for (const ns of proj.spec.sourceNamespaces ?? []) {
    if (seenNs.has(ns)) problems.push(`source namespace '${ns}' already added`);
    seenNs.add(ns);
  }
  const seenRepos = new Set<string>();
  for (const repo of proj.spec.sourceRepos ?? []) {
    if (repo === '!*') problems.push(`source repository has an invalid format, '!*'`);
    if (seenRepos.has(repo)) problems.push(`source repository '${repo}' already added`);
    seenRepos.add(repo);
  }
  return problems;
}

/**
 * `util/argo/argo.go` GetAppProjectByName, via the controller's lister of AppProjects in its own namespace
 * (`controller/appcontroller.go` getAppProj), then IsAppNamespacePermitted (`app_project_types.go`): an Application
 * in the controller's namespace may use any project. Returns the project, or the condition the controller sets
 * (`appcontroller.go` projectErrorToCondition, ErrProjectNotPermitted).
 */
export function getAppProject(app: Application, projects: readonly AppProject[], controllerNamespace: string): AppProject | string {
  const name = app.spec.project || 'default';
  const proj = projects.find((p) => p.metadata.name === name && (p.metadata.namespace ?? controllerNamespace) === controllerNamespace);
  if (!proj) return `Application referencing project ${name} which does not exist`;
  const ns = app.metadata.namespace ?? '';
  const permitted = ns === '' || ns === controllerNamespace || (proj.spec.sourceNamespaces ?? []).some((p) => gobwasMatch(p, ns));
  if (!permitted) return `application '${app.metadata.name}' in namespace '${ns}' is not permitted to use project '${name}'`;
  return proj;
}

/**
 * `util/argo/argo.go` GetDestinationServer and GetDestinationCluster (`util/db/cluster.go` GetCluster: the
 * in-cluster address resolves to the built-in local cluster).
 */
export function getDestinationCluster(destination: Destination, clusters: readonly Cluster[]): Cluster | string {
  if (destination.name && destination.server) return `application destination can't have both name and server defined: ${destination.name} ${destination.server}`;
  if (destination.server) {
    const server = destination.server.replace(/\/+$/, '');
    return clusters.find((c) => c.server === server) ?? `error getting cluster by server "${destination.server}": not found`;
  }
  if (destination.name) {
    const named = clusters.filter((c) => c.name === destination.name);
    if (named.length === 0) return `there are no clusters with this name: ${destination.name}`;
    if (named.length > 1) return `there are ${named.length} clusters with the same name`;
    return named[0];
  }
  return 'Destination server missing from app spec';
}

/**
 * `util/argo/argo.go` ValidatePermissions (with validateSourcePermissions): the InvalidSpecError conditions the
 * controller sets in `appcontroller.go` refreshAppConditions; any of them stops the Application from syncing.
 * The source hydrator branch is left out: MOP Applications use `source`.
 */
export function validatePermissions(app: Application, proj: AppProject, clusters: readonly Cluster[]): string[] {
  const conditions: string[] = [];
  const multiple = (app.spec.sources ?? []).length > 0;
  for (const source of multiple ? app.spec.sources! : [app.spec.source ?? {}]) {
    if (!source.repoURL || (!source.path && !source.chart && !(multiple && source.ref))) {
      return [multiple ? `spec.source.repoURL and either source.path, source.chart, or source.ref are required` : 'spec.source.repoURL and either spec.source.path or spec.source.chart are required'];
    }
    if (!multiple && source.chart && !source.targetRevision) return ['spec.source.targetRevision is required if the manifest source is a helm chart'];
    if (!isSourcePermitted(proj, source.repoURL)) conditions.push(`application repo ${source.repoURL} is not permitted in project '${proj.metadata.name}'`);
  }
  const cluster = getDestinationCluster(app.spec.destination, clusters);
  if (typeof cluster === 'string') return [...conditions, cluster];
  const namespace = app.spec.destination.namespace ?? '';
  if (!isDestinationPermitted(proj, cluster, namespace)) {
    const server = app.spec.destination.name ? cluster.name : cluster.server;
    conditions.push(`application destination server '${server}' and namespace '${namespace}' do not match any of the allowed destinations in project '${proj.metadata.name}'`);
  }
  return conditions;
}

/**
 * `controller/state.go` NormalizeTargetObjects: a cluster-scoped object loses its namespace, a namespaced one
 * without namespace gets the Application's destination namespace; CompareAppState then reports a namespaced object
 * still without namespace ("Namespace for … is missing.").
 */
export function normalizeTargetObjects<T extends Manifest>(destinationNamespace: string, objects: readonly T[], api: ApiResources): { objects: T[]; conditions: string[] } {
  const conditions: string[] = [];
  const out = objects.map((o) => {
    const res = api.get(groupOf(o.apiVersion), o.kind);
    const namespaced = res ? res.namespaced : true; // kubeutil.IsNamespacedOrUnknown
    const ns = o.metadata.namespace ?? '';
    let namespace = ns;
    if (!namespaced && ns) namespace = '';
    else if (namespaced && !ns) namespace = destinationNamespace;
    if (namespaced && !namespace) conditions.push(`Namespace for ${o.metadata.name} ${o.apiVersion}, Kind=${o.kind} is missing.`);
    return namespace === ns ? o : { ...o, metadata: { ...o.metadata, namespace: namespace || undefined } };
  });
  return { objects: out, conditions };
}

/**
 * `controller/sync.go` validateSyncPermissions, run by gitops-engine for every task before anything is applied
 * (`gitops-engine/pkg/sync/sync_context.go`: one failure fails the whole sync). `res` is the API server's resource
 * for the object's kind, undefined when the cluster does not serve it.
 */
export function validateSyncPermissions(proj: AppProject, cluster: Cluster | undefined, obj: Manifest, res: ApiResource | undefined): string | undefined {
  const group = groupOf(obj.apiVersion);
  if (!res) return `failed to get API resource info for ${group}/${obj.kind}: unable to verify permissions`;
  if (!isGroupKindNamePermitted(proj, { group, kind: obj.kind }, obj.metadata.name, res.namespaced)) {
    return `resource ${group}:${obj.kind} is not permitted in project ${proj.metadata.name}`;
  }
  if (res.namespaced && !isDestinationPermitted(proj, cluster, obj.metadata.namespace ?? '')) {
    return `namespace ${obj.metadata.namespace ?? ''} is not permitted in project '${proj.metadata.name}'`;
  }
  return undefined;
}

/**
 * Every reason Argo CD v3.5.1 would refuse to sync an Application as rendered: its project (looked up among
 * `projects`), ValidatePermissions, and for every object of its source folder the normalized namespace and
 * validateSyncPermissions. Empty when it syncs.
 */
export function syncProblems(
  app: Application,
  manifests: readonly Manifest[],
  projects: readonly AppProject[],
  options: { controllerNamespace: string; clusters: readonly Cluster[]; api: ApiResources },
): string[] {
  const proj = getAppProject(app, projects, options.controllerNamespace);
  if (typeof proj === 'string') return [proj];
  const spec = validatePermissions(app, proj, options.clusters);
  if (spec.length) return spec;
  const cluster = getDestinationCluster(app.spec.destination, options.clusters) as Cluster;
  const { objects, conditions } = normalizeTargetObjects(app.spec.destination.namespace ?? '', manifests, options.api);
  const denied = objects.flatMap((o) => {
    const problem = validateSyncPermissions(proj, cluster, o, options.api.get(groupOf(o.apiVersion), o.kind));
    return problem ? [`${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}: ${problem}`] : [];
  });
  return [...conditions, ...denied];
}

/* ------------------------------------------------------------------ orphaned resources ------------------------ */

export interface LiveResource {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  /** The Application whose tracking annotation the object carries, if any. */
  trackedBy?: string;
}

/** `controller/appcontroller.go` isKnownOrphanedResourceExclusion. */
export function isKnownOrphanedResourceExclusion(key: LiveResource, proj: AppProject): boolean {
  if (key.namespace === 'default' && key.group === '' && key.kind === 'Service' && key.name === 'kubernetes') return true;
  if (key.group === '' && key.kind === 'ServiceAccount' && key.name === 'default') return true;
  if (key.group === '' && key.kind === 'ConfigMap' && key.name === 'kube-root-ca.crt') return true;
  return (proj.spec.orphanedResources?.ignore ?? []).some(
    (item) => (!item.kind || gobwasMatch(item.kind, key.kind)) && gobwasMatch(item.group ?? '', key.group) && (!item.name || gobwasMatch(item.name, key.name)),
  );
}

/**
 * `controller/appcontroller.go` getResourceTree: with `orphanedResources` set, the top-level objects of the
 * Application's destination namespace that it does not manage, whose kind the project permits, that are not known
 * exclusions, not tracked by another existing Application, and permitted as resources. Returns those reported
 * (the OrphanedResourceWarning condition only when `warn` is true).
 */
export function orphanedResources(
  app: Application,
  proj: AppProject,
  live: readonly LiveResource[],
  options: { managed: ReadonlySet<string>; existingApps: ReadonlySet<string>; cluster: Cluster },
): LiveResource[] {
  if (!proj.spec.orphanedResources) return [];
  const ns = app.spec.destination.namespace ?? '';
  return live.filter(
    (k) =>
      k.namespace === ns &&
      k.namespace !== '' &&
      !options.managed.has(`${k.group}/${k.kind}/${k.namespace}/${k.name}`) &&
      isGroupKindNamePermitted(proj, k, k.name, true) &&
      !isKnownOrphanedResourceExclusion(k, proj) &&
      !(k.trackedBy && options.existingApps.has(k.trackedBy)) &&
      isResourcePermitted(proj, k, k.name, k.namespace, options.cluster),
  );
}

/* ------------------------------------------------------------------ sync options and waves -------------------- */

/** `gitops-engine/pkg/sync/resource/annotations.go` GetAnnotationOptionValue on `argocd.argoproj.io/sync-options`. */
export function syncOptionValue(obj: Manifest, option: string): string | undefined {
  const csv = obj.metadata.annotations?.['argocd.argoproj.io/sync-options'] ?? '';
  for (const item of csv.split(',').map((s) => s.trim())) if (item.startsWith(`${option}=`)) return item.slice(option.length + 1);
  return undefined;
}

/** `gitops-engine/pkg/sync/syncwaves/waves.go` Wave (no Helm hook weights in MOP). */
export function syncWave(obj: Manifest): number {
  const text = obj.metadata.annotations?.['argocd.argoproj.io/sync-wave'];
  const n = text === undefined ? NaN : Number(text);
  return Number.isInteger(n) ? n : 0;
}

/** `gitops-engine/pkg/sync/sync_tasks.go` kindOrder: kinds not listed sort last. */
const KIND_ORDER = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget', 'ServiceAccount', 'Secret',
  'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition', 'ClusterRole',
  'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role', 'RoleList', 'RoleBinding', 'RoleBindingList', 'Service',
  'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob',
  'IngressClass', 'Ingress', 'APIService',
];
const kindRank = (kind: string) => {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? 0 : i - KIND_ORDER.length;
};

/**
 * `sync_tasks.go` syncTasks.Less (wave, kind, name) and Sort: adjustDeps moves a Namespace created in this sync
 * before the first object in it, into that object's wave.
 */
export function sortSyncTasks<T extends Manifest>(objects: readonly T[]): { obj: T; wave: number }[] {
  const byName = (a: T, b: T) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);
  const tasks = [...objects].sort((a, b) => syncWave(a) - syncWave(b) || kindRank(a.kind) - kindRank(b.kind) || byName(a, b)).map((obj) => ({ obj, wave: syncWave(obj) }));
  const firstIndex = new Map<string, number>();
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i];
    if (t.obj.kind === 'Namespace' && groupOf(t.obj.apiVersion) === '') {
      const index = firstIndex.get(t.obj.metadata.name);
      if (index === undefined) continue;
      t.wave = tasks[index].wave;
      tasks.splice(i, 1);
      tasks.splice(index, 0, t);
      for (const [ns, at] of firstIndex) if (at >= index) firstIndex.set(ns, at + 1);
    } else if (t.obj.metadata.namespace && !firstIndex.has(t.obj.metadata.namespace)) firstIndex.set(t.obj.metadata.namespace, i);
  }
  return tasks;
}
