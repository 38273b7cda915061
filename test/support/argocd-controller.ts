/**
 * A small model of a cluster with Argo CD v3.5.1's application controller in it, for the bootstrap, promotion and
 * deletion tests. It applies what `kubectl apply` is given in order, and reconciles Applications the way
 * `controller/appcontroller.go` and gitops-engine do, with the rules of ./argocd.ts:
 * - an Application syncs only when its project exists (getAppProj) and ValidatePermissions passes;
 * - a sync checks every object's permissions first and applies nothing if one fails (`sync_context.go`), then
 *   applies wave by wave in kind order (`sync_tasks.go`); a namespaced object needs its namespace to exist;
 * - with the Application health check restored in `argocd-cm` (docs/gitops.md), a wave waits until the
 *   Applications of earlier waves are synced;
 * - prune deletes what the Application tracks and no longer renders, last (`PruneLast=true`), except objects
 *   annotated `Prune=false`;
 * - deleting an Application with `resources-finalizer.argocd.argoproj.io` deletes what it tracks, highest sync wave
 *   first, waiting for each wave to be gone, skipping itself and objects annotated `Delete=false`
 *   (`appcontroller.go` finalizeApplicationDeletion, shouldBeDeleted; `sort_delete.go` FilterObjectsForDeletion),
 *   and needs its project to exist throughout (it calls getAppProj first).
 */
import { createHash } from 'crypto';
import type { KubeObject } from '../../constructs/render';
import { ApiResources, groupOf } from './api-resources';
import {
  AppProject,
  Application,
  Cluster,
  getAppProject,
  getDestinationCluster,
  gobwasMatch,
  isResourcePermitted,
  normalizeTargetObjects,
  sortSyncTasks,
  syncOptionValue,
  syncWave,
  validatePermissions,
  validateSyncPermissions,
} from './argocd';

export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

interface Stored {
  obj: KubeObject;
  /** Step at which the object was created. */
  created: number;
  /** The Application whose tracking annotation it carries. */
  trackedBy?: string;
  deleting?: boolean;
}

/** Serves the files of `dist/<env>/<folder>` of one repository and revision (file name → object). */
export type Repository = (repoURL: string, revision: string, path: string) => ReadonlyMap<string, KubeObject> | undefined;

export interface ControllerOptions {
  readonly controllerNamespace: string;
  readonly clusters: readonly Cluster[];
  readonly api: ApiResources;
  readonly repo: Repository;
  /** `resource.customizations.health.argoproj.io_Application` restored, as docs/gitops.md says. */
  readonly applicationHealthCheck: boolean;
}

/**
 * What the repo server renders for an Application's directory source: the folder's files, minus those matching
 * `directory.exclude` and, when set, not matching `directory.include` (`reposerver/repository/repository.go`
 * getPotentiallyValidManifestFile, util/glob Match on the path relative to the folder).
 */
export function manifestsOf(app: Application, repo: Repository): KubeObject[] | undefined {
  const s = app.spec.source;
  const files = s?.repoURL && s.path ? repo(s.repoURL, s.targetRevision ?? 'HEAD', s.path) : undefined;
  if (!files) return undefined;
  const { exclude, include } = s?.directory ?? {};
  return [...files].filter(([file]) => !(exclude && gobwasMatch(exclude, file)) && !(include && !gobwasMatch(include, file))).map(([, o]) => o);
}

export const keyOf = (o: KubeObject) => `${groupOf(o.apiVersion)}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const describe = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

export class SimulatedCluster {
  readonly objects = new Map<string, Stored>();
  /** Every Application created, with whether its project existed at that moment. */
  readonly applicationsCreated: { app: string; project: string; projectExisted: boolean; step: number }[] = [];
  /** Everything that went wrong on the way, including what later healed (a retry that succeeded). */
  readonly history: string[] = [];
  /** What is wrong now: per Application its last refused sync or stuck deletion, and failed kubectl commands. */
  private readonly problems = new Map<string, string>();
  private step = 0;
  /** Bumped on every change, so reconcile knows when it reached a steady state. */
  private version = 0;
  private readonly synced = new Map<string, string>();
  private readonly operations = new Map<string, { digest: string; tasks: { obj: KubeObject; wave: number }[]; next: number; applied: KubeObject[] }>();

  private repo: Repository;
  private readonly digests = new Map<string, string>();

  constructor(readonly options: ControllerOptions) {
    this.repo = options.repo;
  }

  /** A merge: the repository now serves other files. */
  setRepository(repo: Repository): void {
    this.repo = repo;
    this.digests.clear();
  }

  /** What exists before anything is applied (Argo CD's namespace, its `default` project). */
  seed(obj: KubeObject): void {
    this.objects.set(keyOf(obj), { obj, created: this.step++ });
  }

  get(kind: string, name: string, namespace?: string): KubeObject | undefined {
    return [...this.objects.values()].find((s) => s.obj.kind === kind && s.obj.metadata.name === name && (s.obj.metadata.namespace ?? undefined) === namespace)?.obj;
  }

  private projects(): AppProject[] {
    return [...this.objects.values()].filter((s) => s.obj.kind === 'AppProject' && !s.deleting).map((s) => s.obj as unknown as AppProject);
  }

  private applications(): Stored[] {
    return [...this.objects.values()].filter((s) => s.obj.kind === 'Application' && s.obj.metadata.namespace === this.options.controllerNamespace).sort((a, b) => a.created - b.created);
  }

  /** The API server's answer to a create or update; returns an error message or undefined. */
  private write(obj: KubeObject, trackedBy?: string): string | undefined {
    const res = this.options.api.get(groupOf(obj.apiVersion), obj.kind);
    if (!res) return `the server could not find the requested resource (${obj.apiVersion} ${obj.kind})`;
    if (res.namespaced) {
      const ns = obj.metadata.namespace;
      if (!ns) return `${describe(obj)}: the namespace of the provided object does not match the namespace sent on the request`;
      const nsObj = this.get('Namespace', ns);
      if (!nsObj || this.objects.get(keyOf(nsObj))?.deleting) return `namespaces "${ns}" not found`;
    }
    const key = keyOf(obj);
    const existing = this.objects.get(key);
    if (existing) {
      if (JSON.stringify(existing.obj) !== JSON.stringify(obj) || (trackedBy && existing.trackedBy !== trackedBy)) this.version++;
      existing.obj = obj;
      if (trackedBy) existing.trackedBy = trackedBy;
      return undefined;
    }
    this.version++;
    const created = this.step++;
    this.objects.set(key, { obj, created, trackedBy });
    if (obj.kind === 'Application' && groupOf(obj.apiVersion) === 'argoproj.io') {
      const project = ((obj as unknown as Application).spec.project || 'default') as string;
      const projectExisted = this.projects().some((p) => p.metadata.name === project && p.metadata.namespace === this.options.controllerNamespace);
      this.applicationsCreated.push({ app: obj.metadata.name, project, projectExisted, step: created });
    }
    return undefined;
  }

  /** `kubectl apply -f a -f b …`: every object in order; a failed one is reported and the rest go on. */
  kubectlApply(objects: readonly KubeObject[]): string[] {
    const errors = objects.flatMap((o) => {
      const e = this.write(o);
      return e ? [`kubectl apply ${describe(o)}: ${e}`] : [];
    });
    errors.forEach((e) => this.report(`kubectl ${this.step}`, e));
    return errors;
  }

  /** `kubectl delete`: an object with finalizers is marked for deletion, anything else removed at once. */
  delete(kind: string, name: string, namespace?: string): void {
    const obj = this.get(kind, name, namespace);
    if (!obj) return;
    this.remove(keyOf(obj));
  }

  private remove(key: string): void {
    const stored = this.objects.get(key);
    if (!stored) return;
    this.version++;
    const finalizers = (stored.obj.metadata as { finalizers?: string[] }).finalizers ?? [];
    if (finalizers.length) {
      stored.deleting = true;
      return;
    }
    this.objects.delete(key);
    if (stored.obj.kind === 'Application') this.problems.delete(stored.obj.metadata.name);
    if (stored.obj.kind === 'Namespace' && groupOf(stored.obj.apiVersion) === '') {
      // The namespace controller deletes everything in it.
      for (const [k, s] of [...this.objects]) if (s.obj.metadata.namespace === stored.obj.metadata.name) this.remove(k);
    }
  }

  /** Reconciles until nothing changes any more (bounded); returns the number of passes. */
  reconcile(maxPasses = 100): number {
    for (let pass = 1; pass <= maxPasses; pass++) {
      const before = this.version;
      for (const app of this.applications()) {
        if (!this.objects.has(keyOf(app.obj))) continue;
        if (app.deleting) this.finalize(app);
        else this.sync(app);
      }
      if (this.version === before) return pass;
    }
    this.report('reconcile', `no steady state after ${maxPasses} passes`);
    return maxPasses;
  }

  get failures(): string[] {
    return [...this.problems].map(([who, what]) => `${who}: ${what}`);
  }

  private report(who: string, what: string): void {
    if (this.problems.get(who) !== what) this.version++;
    this.problems.set(who, what);
    const line = `${who}: ${what}`;
    if (!this.history.includes(line)) this.history.push(line);
  }

  /** Applications that are not synced to what the repository renders now (with the reason, when refused). */
  unsynced(): string[] {
    return this.applications()
      .filter((a) => !a.deleting && this.synced.get(a.obj.metadata.name) !== this.desiredDigest(a.obj as unknown as Application))
      .map((a) => a.obj.metadata.name);
  }

  private manifests(app: Application): readonly KubeObject[] | undefined {
    return manifestsOf(app, this.repo);
  }

  private desiredDigest(app: Application): string {
    const spec = JSON.stringify(app.spec);
    let digest = this.digests.get(spec);
    if (!digest) {
      digest = createHash('sha256').update(JSON.stringify([spec, this.manifests(app) ?? null])).digest('hex');
      this.digests.set(spec, digest);
    }
    return digest;
  }

  private fail(app: string, message: string): void {
    this.report(app, message);
  }

  /** An Application that manages itself does not count towards its own health (`controller/health.go`). */
  private isHealthy(obj: KubeObject, syncing: string): boolean {
    if (obj.kind !== 'Application' || !this.options.applicationHealthCheck || obj.metadata.name === syncing) return true;
    const stored = this.objects.get(keyOf(obj));
    return !!stored && this.synced.get(obj.metadata.name) === this.desiredDigest(stored.obj as unknown as Application);
  }

  private sync(stored: Stored): void {
    const app = stored.obj as unknown as Application;
    const name = app.metadata.name;
    const digest = this.desiredDigest(app);
    if (this.synced.get(name) === digest) return;
    const { controllerNamespace, clusters, api } = this.options;
    const proj = getAppProject(app, this.projects(), controllerNamespace);
    if (typeof proj === 'string') return this.fail(name, proj);
    const conditions = validatePermissions(app, proj, clusters);
    if (conditions.length) return this.fail(name, conditions.join('; '));
    const cluster = getDestinationCluster(app.spec.destination, clusters) as Cluster;
    const manifests = this.manifests(app);
    if (!manifests) return this.fail(name, `ComparisonError: ${app.spec.source?.path} not found in ${app.spec.source?.repoURL}`);

    let op = this.operations.get(name);
    if (!op || op.digest !== digest) {
      const normalized = normalizeTargetObjects(app.spec.destination.namespace ?? '', manifests, api);
      if (normalized.conditions.length) return this.fail(name, normalized.conditions.join('; '));
      const denied = normalized.objects.flatMap((o) => {
        const p = validateSyncPermissions(proj, cluster, o, api.get(groupOf(o.apiVersion), o.kind));
        return p ? [`${describe(o)}: ${p}`] : [];
      });
      if (denied.length) return this.fail(name, `sync failed: ${denied.join('; ')}`);
      op = { digest, tasks: sortSyncTasks(normalized.objects), next: 0, applied: [] };
      this.operations.set(name, op);
    }

    while (op.next < op.tasks.length) {
      const wave = op.tasks[op.next].wave;
      // gitops-engine applies a wave only when everything of the earlier waves is healthy.
      if (!op.applied.every((o) => this.isHealthy(o, name))) return;
      for (; op.next < op.tasks.length && op.tasks[op.next].wave === wave; op.next++) {
        const task = op.tasks[op.next].obj;
        const error = this.write(task, name);
        if (error) {
          this.operations.delete(name);
          return this.fail(name, `${describe(task)}: ${error}`);
        }
        op.applied.push(task);
        this.version++;
      }
    }
    if (!op.applied.every((o) => this.isHealthy(o, name))) return;

    // Prune (PruneLast): what this Application tracks and no longer renders, unless annotated Prune=false.
    const wanted = new Set(op.tasks.map((t) => keyOf(t.obj)));
    for (const [key, s] of [...this.objects]) {
      if (s.trackedBy !== name || wanted.has(key) || s.deleting) continue;
      if (syncOptionValue(s.obj, 'Prune') === 'false') continue;
      if (!isResourcePermitted(proj, { group: groupOf(s.obj.apiVersion), kind: s.obj.kind }, s.obj.metadata.name, s.obj.metadata.namespace ?? '', cluster)) continue;
      this.remove(key);
    }
    this.operations.delete(name);
    this.synced.set(name, digest);
    this.problems.delete(name);
    this.version++;
  }

  /** `appcontroller.go` finalizeApplicationDeletion for an Application marked for deletion. */
  private finalize(stored: Stored): void {
    const app = stored.obj as unknown as Application;
    const name = app.metadata.name;
    const finalizers = app.metadata.finalizers ?? [];
    if (!finalizers.includes(RESOURCES_FINALIZER)) {
      this.objects.delete(keyOf(stored.obj));
      this.version++;
      return;
    }
    const proj = getAppProject(app, this.projects(), this.options.controllerNamespace);
    if (typeof proj === 'string') return this.fail(name, `deletion stuck: ${proj}`);
    const cluster = getDestinationCluster(app.spec.destination, this.options.clusters);
    if (typeof cluster === 'string') return this.fail(name, `deletion: ${cluster}`);
    const managed = [...this.objects].filter(
      ([, s]) => s.trackedBy === name && isResourcePermitted(proj, { group: groupOf(s.obj.apiVersion), kind: s.obj.kind }, s.obj.metadata.name, s.obj.metadata.namespace ?? '', cluster),
    );
    if (managed.some(([, s]) => s.deleting)) return;
    const isSelf = (o: KubeObject) => o.kind === 'Application' && o.metadata.name === name && o.metadata.namespace === app.metadata.namespace;
    const deleteOption = (o: KubeObject) => syncOptionValue(o, 'Delete') ?? (app.spec.syncPolicy?.syncOptions ?? []).find((x) => x.startsWith('Delete='))?.slice('Delete='.length);
    const candidates = managed.filter(([, s]) => s.obj.kind !== 'CustomResourceDefinition' && !isSelf(s.obj) && deleteOption(s.obj) !== 'false');
    if (candidates.length === 0) {
      this.objects.delete(keyOf(stored.obj));
      this.problems.delete(name);
      this.version++;
      return;
    }
    const top = Math.max(...candidates.map(([, s]) => syncWave(s.obj)));
    for (const [key, s] of candidates) if (syncWave(s.obj) === top) this.remove(key);
  }
}
