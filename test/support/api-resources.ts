import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { CRD_DIR, K8S_DEFINITIONS } from './paths';

/**
 * The API resources a cluster serves, as Argo CD's sync sees them (`metav1.APIResource`: group, kind, namespaced):
 * Kubernetes 1.28's built-in kinds plus the CRDs installed from `../shared/crds/`.
 */
export interface ApiResource {
  readonly group: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/**
 * Kubernetes 1.28's cluster-scoped built-in kinds (the `namespaced: false` entries of the API server's discovery, as
 * `kubectl api-resources --namespaced=false` lists them). Every other built-in kind is namespaced.
 */
const CLUSTER_SCOPED_BUILT_INS = new Set([
  '/ComponentStatus',
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'authentication.k8s.io/SelfSubjectReview',
  'authentication.k8s.io/TokenReview',
  'authorization.k8s.io/SelfSubjectAccessReview',
  'authorization.k8s.io/SelfSubjectRulesReview',
  'authorization.k8s.io/SubjectAccessReview',
  'certificates.k8s.io/CertificateSigningRequest',
  'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'networking.k8s.io/ClusterCIDR',
  'networking.k8s.io/IPAddress',
  'networking.k8s.io/IngressClass',
  'node.k8s.io/RuntimeClass',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/VolumeAttachment',
]);

export const resourceKey = (group: string, kind: string) => `${group}/${kind}`;

export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

let builtIns: ApiResource[] | undefined;

/** Every kind of the Kubernetes 1.28 schema (`x-kubernetes-group-version-kind`), with its scope. */
export function builtInResources(): ApiResource[] {
  if (!builtIns) {
    const defs = (JSON.parse(fs.readFileSync(K8S_DEFINITIONS, 'utf8')) as { definitions: Record<string, { 'x-kubernetes-group-version-kind'?: { group: string; kind: string }[] }> }).definitions;
    const seen = new Map<string, ApiResource>();
    for (const def of Object.values(defs)) {
      for (const { group, kind } of def['x-kubernetes-group-version-kind'] ?? []) {
        // Meta kinds (WatchEvent, DeleteOptions, …) appear under every group; they are not resources.
        if (['WatchEvent', 'DeleteOptions', 'Status', 'APIGroup', 'APIGroupList', 'APIResourceList', 'APIVersions'].includes(kind) || kind.endsWith('List')) continue;
        const key = resourceKey(group, kind);
        seen.set(key, { group, kind, namespaced: !CLUSTER_SCOPED_BUILT_INS.has(key) });
      }
    }
    builtIns = [...seen.values()];
  }
  return builtIns;
}

const crdsOfFile = new Map<string, ApiResource[]>();

/** The kinds the CRD files define, with `spec.scope`; `files` names files of `../shared/crds/` (all by default). */
export function crdResources(files?: readonly string[]): ApiResource[] {
  const names = files ?? fs.readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml')).sort();
  return names.flatMap((file) => {
    let found = crdsOfFile.get(file);
    if (!found) {
      found = parseAllDocuments(fs.readFileSync(path.join(CRD_DIR, file), 'utf8'))
        .map((d) => d.toJS() as { kind?: string; spec?: { group: string; scope: string; names: { kind: string } } })
        .filter((crd) => crd?.kind === 'CustomResourceDefinition' && crd.spec)
        .map((crd) => ({ group: crd.spec!.group, kind: crd.spec!.names.kind, namespaced: crd.spec!.scope === 'Namespaced' }));
      crdsOfFile.set(file, found);
    }
    return found;
  });
}

/** The CRDs Argo CD v3.5.1 and Argo Rollouts v1.9.1 install (their files in `../shared/crds/`). */
export const ARGO_CD_CRDS = ['application-crd.yaml', 'applicationset-crd.yaml', 'appproject-crd.yaml'];
export const ARGO_ROLLOUTS_CRDS = ['rollout-crd.yaml', 'analysis-template-crd.yaml', 'cluster-analysis-template-crd.yaml'];

export class ApiResources {
  private readonly byKey: Map<string, ApiResource>;

  constructor(resources: readonly ApiResource[]) {
    this.byKey = new Map(resources.map((r) => [resourceKey(r.group, r.kind), r]));
  }

  private static everything: ApiResources | undefined;

  /** Built-ins plus every CRD in `../shared/crds/`. */
  static all(): ApiResources {
    ApiResources.everything ??= new ApiResources([...builtInResources(), ...crdResources()]);
    return ApiResources.everything;
  }

  list(): ApiResource[] {
    return [...this.byKey.values()];
  }

  get(group: string, kind: string): ApiResource | undefined {
    return this.byKey.get(resourceKey(group, kind));
  }

  /** Whether objects of this apiVersion and kind are namespaced; throws for a kind the cluster does not serve. */
  isNamespaced(apiVersion: string, kind: string): boolean {
    const r = this.get(groupOf(apiVersion), kind);
    if (!r) throw new Error(`${apiVersion} ${kind} is not served by Kubernetes 1.28 or the CRDs in ../shared/crds`);
    return r.namespaced;
  }
}
