import { parse } from 'yaml';
import type { KubeObject, RenderedEnvironment } from '../../constructs/render';
import { ARGOCD_COMPONENT } from '../../constructs/render';
import { AppProject, Application, Cluster, IN_CLUSTER } from './argocd';
import { Repository, manifestsOf } from './argocd-controller';

/** What Argo CD sees of one rendered environment: its projects, Applications and the folders they sync. */
export interface Delivery {
  readonly projects: AppProject[];
  readonly apps: Application[];
  /** The clusters Argo CD knows: in-cluster, plus the environment's destination when it is another cluster. */
  readonly clusters: Cluster[];
  readonly repo: Repository;
  /** The objects of the folder an Application syncs. */
  manifests(app: Application): readonly KubeObject[];
}

const parsed = new WeakMap<ReadonlyMap<string, string>, Map<string, Map<string, KubeObject>>>();

/** `dist/<env>/` as folder → file → object, parsed once per rendered file map. */
function foldersOf(files: ReadonlyMap<string, string>): Map<string, Map<string, KubeObject>> {
  let folders = parsed.get(files);
  if (!folders) {
    folders = new Map();
    for (const [file, text] of files) {
      const [folder, name] = file.split('/');
      folders.set(folder, (folders.get(folder) ?? new Map()).set(name, parse(text) as KubeObject));
    }
    parsed.set(files, folders);
  }
  return folders;
}

/** `files`: the rendered `dist/<env>/` (path below it → YAML); the environment's own render by default. */
export function deliveryOf(r: RenderedEnvironment, files: ReadonlyMap<string, string> = r.files): Delivery {
  const folders = foldersOf(files);
  const argo = [...(folders.get(ARGOCD_COMPONENT)?.values() ?? [])];
  const { repoURL, targetRevision, destinationServer } = r.env.argocd;
  const repo: Repository = (url, revision, path) => {
    if (url !== repoURL || revision !== targetRevision) return undefined;
    const prefix = `dist/${r.env.name}/`;
    return path.startsWith(prefix) ? folders.get(path.slice(prefix.length)) : undefined;
  };
  const clusters = destinationServer === IN_CLUSTER.server ? [IN_CLUSTER] : [IN_CLUSTER, { server: destinationServer, name: r.env.cluster.name }];
  return {
    projects: argo.filter((o) => o.kind === 'AppProject') as unknown as AppProject[],
    apps: argo.filter((o) => o.kind === 'Application') as unknown as Application[],
    clusters,
    repo,
    manifests: (app) => manifestsOf(app, repo) ?? [],
  };
}
