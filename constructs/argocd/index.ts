import { Chart } from 'cdk8s';
import { Environment } from '../../environments';
import { Application, ApplicationSpecIgnoreDifferences } from '../../imports/argocd-application-argoproj.io';
import { AppProject } from '../../imports/argocd-appproject-argoproj.io';
import { compareStrings, platformLabels } from '../base';
import { PLATFORM_COMPONENT } from '../platform';
import type { KubeObject } from '../render';

/**
 * Argo CD objects for one environment, derived from what the components rendered: an AppProject limited to the
 * kinds MOP renders, one Application per component folder, and a root Application that owns them (app of apps).
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
  /** Canary analysis objects in application namespaces (experiment `canaryAnalysis`). */
  rollouts: 5,
};

/** Client-side apply keeps a last-applied annotation, capped at 256 KiB; objects near it need server-side apply. */
const SERVER_SIDE_APPLY_BYTES = 128 * 1024;
const FINALIZER = 'resources-finalizer.argocd.argoproj.io';
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'MutatingWebhookConfiguration']);

export function applicationName(env: Environment, component: string): string {
  return `mop-${env.name}-${component}`;
}

export function rootApplicationName(env: Environment): string {
  return `mop-${env.name}`;
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

function kindsOf(objects: readonly KubeObject[]): { group: string; kind: string }[] {
  const seen = new Map<string, { group: string; kind: string }>();
  for (const o of objects) seen.set(`${groupOf(o.apiVersion)}/${o.kind}`, { group: groupOf(o.apiVersion), kind: o.kind });
  return [...seen.values()].sort((a, b) => compareStrings(`${a.group}/${a.kind}`, `${b.group}/${b.kind}`));
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

const RETRY = { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } };

/** `largestObject`: per component, the size of its largest rendered object (YAML characters). */
export function argoCd(
  chart: Chart,
  env: Environment,
  rendered: ReadonlyMap<string, readonly KubeObject[]>,
  largestObject: ReadonlyMap<string, number>,
): void {
  const argo = env.argocd;
  const labels = platformLabels(env, 'argocd');
  const path = (component: string) => `dist/${env.name}/${component}`;
  const all = [...rendered.values()].flat();

  const selfKinds = [
    { group: 'argoproj.io', kind: 'Application' },
    { group: 'argoproj.io', kind: 'AppProject' },
  ];
  new AppProject(chart, 'AppProject', {
    metadata: { name: argo.project, namespace: argo.namespace, labels, annotations: { 'argocd.argoproj.io/sync-wave': '-1' } },
    spec: {
      description: `MOP ${env.name}: the observability platform rendered from ${argo.repoURL}`,
      sourceRepos: [argo.repoURL],
      destinations: [...new Set([...env.platformNamespaces, argo.namespace, ...all.flatMap((o) => o.metadata.namespace ?? [])])]
        .sort()
        .map((namespace) => ({ server: argo.destinationServer, namespace })),
      clusterResourceWhitelist: kindsOf(all.filter((o) => CLUSTER_SCOPED.has(o.kind))),
      namespaceResourceWhitelist: [...kindsOf(all.filter((o) => !CLUSTER_SCOPED.has(o.kind))), ...selfKinds].sort((a, b) =>
        compareStrings(`${a.group}/${a.kind}`, `${b.group}/${b.kind}`),
      ),
      orphanedResources: { warn: true },
    },
  });

  for (const component of rendered.keys()) {
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
        source: { repoUrl: argo.repoURL, targetRevision: argo.targetRevision, path: path(component), directory: { recurse: false } },
        destination: { server: argo.destinationServer },
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
      project: argo.project,
      source: { repoUrl: argo.repoURL, targetRevision: argo.targetRevision, path: path('argocd'), directory: { recurse: false } },
      destination: { server: argo.destinationServer, namespace: argo.namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['PruneLast=true'], retry: RETRY },
    },
  });
}
