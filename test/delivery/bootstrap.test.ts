/**
 * The documented bootstrap, promotion and deletion, replayed on a simulated empty cluster with Argo CD v3.5.1's
 * controller rules (test/support/argocd-controller.ts): the commands are read from docs/gitops.md (and must match the
 * README), not restated here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { bootstrapFiles, bootstrapProjectName, rootApplicationName } from '../../constructs/argocd';
import { ROLLOUTS_COMPONENT } from '../../constructs/experiments/canary';
import { KubeObject, RenderedEnvironment, renderEnvironment } from '../../constructs/render';
import { ENVIRONMENTS, loadEnvironment } from '../../environments';
import { ARGO_CD_CRDS, ARGO_ROLLOUTS_CRDS, ApiResources, builtInResources, crdResources } from '../support/api-resources';
import { Application } from '../support/argocd';
import { SimulatedCluster, keyOf } from '../support/argocd-controller';
import { deliveryOf } from '../support/delivery';
import { PROJECT_ROOT } from '../support/paths';
import { renderedEnvironments } from '../support/render';

const gitops = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'gitops.md'), 'utf8');
const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');

/** The shell commands of the first ```sh block under a heading of docs/gitops.md. */
function commandsUnder(heading: string): string[] {
  const section = gitops.split(/^## /m).find((s) => s.startsWith(heading));
  const block = section && /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error(`docs/gitops.md: no sh block under "## ${heading}"`);
  return block[1].replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

const BOOTSTRAP = commandsUnder('Bootstrap a cluster');
const DELETE = commandsUnder('Delete an environment');
const forEnv = (command: string, env: string) => command.split('<env>').join(env);

/** Objects of the files a `kubectl apply -f … -f …` names, in order, from the rendered `dist/<env>/`. */
function filesOf(command: string, r: RenderedEnvironment, dist: ReadonlyMap<string, string> = r.files): KubeObject[] {
  const args = command.split(/\s+/);
  expect(args.slice(0, 2)).toEqual(['kubectl', 'apply']);
  const files = args.flatMap((a, i) => (a === '-f' ? [args[i + 1]] : []));
  expect(files.length).toBeGreaterThan(0);
  return files.map((file) => {
    const prefix = `dist/${r.env.name}/`;
    expect(file.startsWith(prefix)).toBe(true);
    const text = dist.get(file.slice(prefix.length));
    if (!text) throw new Error(`${file} is not rendered`);
    return parse(text) as KubeObject;
  });
}

/** An empty cluster with Argo CD v3.5.1 installed (and Argo Rollouts where the environment needs it). */
function emptyCluster(r: RenderedEnvironment, options: { rollouts?: boolean; healthCheck?: boolean; files?: ReadonlyMap<string, string> } = {}) {
  const rollouts = options.rollouts ?? r.env.experiments.canaryAnalysis;
  const api = new ApiResources([...builtInResources(), ...crdResources([...ARGO_CD_CRDS, ...(rollouts ? ARGO_ROLLOUTS_CRDS : [])])]);
  const d = deliveryOf(r, options.files);
  const cluster = new SimulatedCluster({ controllerNamespace: r.env.argocd.namespace, clusters: d.clusters, api, repo: d.repo, applicationHealthCheck: options.healthCheck ?? true });
  cluster.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: r.env.argocd.namespace } });
  // argocd-server creates the `default` project at start (server/server.go initializeDefaultProject).
  cluster.seed({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'default', namespace: r.env.argocd.namespace }, spec: {} } as KubeObject);
  return cluster;
}

function bootstrap(r: RenderedEnvironment, options: Parameters<typeof emptyCluster>[1] = {}): SimulatedCluster {
  const cluster = emptyCluster(r, options);
  for (const command of BOOTSTRAP) {
    cluster.kubectlApply(filesOf(forEnv(command, r.env.name), r, options.files));
    cluster.reconcile();
  }
  return cluster;
}

/** Every rendered object, keyed as the cluster keys it, with the Application that should track it. */
function expectedObjects(r: RenderedEnvironment): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const operators = new Set(bootstrapFiles(r.env).map((f) => `argocd/${f}`));
  for (const [file, text] of r.files) {
    const folder = file.split('/')[0];
    const owner = operators.has(file) ? undefined : folder === 'argocd' ? rootApplicationName(r.env) : `mop-${r.env.name}-${folder}`;
    out.set(keyOf(parse(text) as KubeObject), owner);
  }
  return out;
}

test('the README shows the same bootstrap command as docs/gitops.md, and both are one command', () => {
  expect(BOOTSTRAP).toHaveLength(1);
  expect(readme).toContain(BOOTSTRAP[0]);
  expect(DELETE.every((c) => c.startsWith('kubectl delete '))).toBe(true);
});

for (const r of renderedEnvironments()) {
  describe(`${r.env.name}: bootstrap from an empty Argo CD as documented`, () => {
    const cluster = bootstrap(r);

    test('every Application is created after its project, nothing fails, everything syncs', () => {
      expect(cluster.applicationsCreated.length).toBe(r.objects.size);
      expect(cluster.applicationsCreated.filter((a) => !a.projectExisted)).toEqual([]);
      // Not even a retried error on the way.
      expect(cluster.history).toEqual([]);
      expect(cluster.unsynced()).toEqual([]);
    });

    test('every rendered object exists, tracked by the Application of its folder (the two bootstrap objects by none)', () => {
      const tracked = new Map([...cluster.objects].map(([k, s]) => [k, s.trackedBy]));
      for (const [key, owner] of expectedObjects(r)) expect([key, tracked.get(key)]).toEqual([key, owner]);
    });

    test('the command applies the bootstrap files: the project, then the root Application that names it', () => {
      expect(BOOTSTRAP[0].split(/\s+/).filter((a) => a.endsWith('.yaml')).map((f) => path.basename(forEnv(f, r.env.name)))).toEqual(bootstrapFiles(r.env));
      const objects = filesOf(forEnv(BOOTSTRAP[0], r.env.name), r);
      expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([`AppProject/${bootstrapProjectName(r.env)}`, `Application/${rootApplicationName(r.env)}`]);
      expect((objects[1] as unknown as Application).spec.project).toBe(objects[0].metadata.name);
    });

    test('without the Application health check (Argo CD\'s default) the waves do not wait, yet every project still exists first', () => {
      const loose = bootstrap(r, { healthCheck: false });
      expect(loose.applicationsCreated.filter((a) => !a.projectExisted)).toEqual([]);
      expect(loose.failures).toEqual([]);
      expect(loose.unsynced()).toEqual([]);
    });

    test('deleting as documented removes everything MOP deployed and gets stuck nowhere', () => {
      const c = bootstrap(r);
      for (const command of DELETE) {
        const [, , , ns, kind, name] = forEnv(command, r.env.name).split(/\s+/);
        expect(ns).toBe(r.env.argocd.namespace);
        c.delete(kind === 'application' ? 'Application' : 'AppProject', name, ns);
        c.reconcile();
      }
      expect(c.failures).toEqual([]);
      const left = [...c.objects.values()].map((s) => `${s.obj.kind}/${s.obj.metadata.name}`).sort();
      expect(left).toEqual([`AppProject/default`, `Namespace/${r.env.argocd.namespace}`]);
    });
  });
}

describe('the simulation catches what the issue describes', () => {
  const r = renderedEnvironments().find((x) => x.env.experiments.canaryAnalysis)!;

  test('the old bootstrap (the root alone, in the project it creates itself) deadlocks', () => {
    const cluster = emptyCluster(r);
    const root = filesOf(forEnv(BOOTSTRAP[0], r.env.name), r).find((o) => o.kind === 'Application') as unknown as Application;
    cluster.kubectlApply([{ ...root, spec: { ...root.spec, project: r.env.argocd.project } } as unknown as KubeObject]);
    cluster.reconcile();
    expect(cluster.applicationsCreated).toEqual([expect.objectContaining({ app: rootApplicationName(r.env), projectExisted: false })]);
    expect(cluster.failures).toEqual([`${rootApplicationName(r.env)}: Application referencing project ${r.env.argocd.project} which does not exist`]);
    expect(cluster.unsynced()).toEqual([rootApplicationName(r.env)]);
  });

  test('without Argo Rollouts installed, the canary component cannot sync (its kinds are not served) and the root waits on its wave', () => {
    const cluster = bootstrap(r, { rollouts: false });
    expect(cluster.unsynced()).toEqual([rootApplicationName(r.env), `mop-${r.env.name}-${ROLLOUTS_COMPONENT}`]);
    expect(cluster.failures).toEqual([expect.stringMatching(/^mop-\S+-rollouts: sync failed: .*failed to get API resource info for argoproj.io\/ClusterAnalysisTemplate/)]);
  });

  test('a root that syncs its own file could never be deleted with what it deployed', () => {
    const rootFile = `argocd/application-${rootApplicationName(r.env)}.yaml`;
    const selfManaged = parse(r.files.get(rootFile)!) as Application;
    delete selfManaged.spec.source!.directory!.exclude;
    const files = new Map(r.files).set(rootFile, stringify(selfManaged));
    const cluster = bootstrap(r, { files });
    expect(cluster.failures).toEqual([]);
    cluster.delete('Application', rootApplicationName(r.env), r.env.argocd.namespace);
    cluster.reconcile();
    // It waits for its own deletion timestamp (appcontroller.go finalizeApplicationDeletion) and deletes nothing.
    expect(cluster.get('Application', rootApplicationName(r.env), r.env.argocd.namespace)).toBeDefined();
    expect(cluster.get('Application', `mop-${r.env.name}-${ROLLOUTS_COMPONENT}`, r.env.argocd.namespace)).toBeDefined();
  });

  test('switching an experiment off prunes its Application, which deletes what it deployed; the platform prunes its namespace', () => {
    const input = ENVIRONMENTS.find((e) => e.name === r.env.name)!;
    const off = renderEnvironment(loadEnvironment({ ...input, experiments: { ...input.experiments, canaryAnalysis: false } }));
    const cluster = bootstrap(r);
    const canary = r.objects.get(ROLLOUTS_COMPONENT)!.map(keyOf);
    expect(canary.every((k) => cluster.objects.has(k))).toBe(true);
    cluster.setRepository(deliveryOf(off).repo);
    cluster.reconcile();
    expect(cluster.failures).toEqual([]);
    expect(cluster.unsynced()).toEqual([]);
    expect(canary.filter((k) => cluster.objects.has(k))).toEqual([]);
    expect(cluster.get('Namespace', r.env.namespaces.canary)).toBeUndefined();
    expect(cluster.get('Application', `mop-${r.env.name}-${ROLLOUTS_COMPONENT}`, r.env.argocd.namespace)).toBeUndefined();
    expect([...expectedObjects(off).keys()].filter((k) => !cluster.objects.has(k))).toEqual([]);
  });
});
