import { Environment } from '../../environments';
import { compareStrings } from '../base';
import { CROSS_REGION_ACCESS_LABEL } from '../multi-region';
import type { KubeObject } from '../render';
import { PREREQUISITE_VERSIONS, VERSIONS } from '../versions';
import { EXAMPLE_REPO_URL, IN_CLUSTER } from '.';

/** What must be in place before an environment's root Application can sync (README, "Prerequisites"). */
export interface Prerequisites {
  readonly environment: string;
  readonly argoCd: string;
  /** Only where `canaryAnalysis` is on. */
  readonly argoRollouts?: string;
  readonly operatorProvides: readonly string[];
  readonly repoURL: string;
}

/** Secrets the rendered workloads reference by name (`secretRef`, `secretKeyRef`, `secret` volumes), per namespace. */
function referencedSecrets(objects: readonly KubeObject[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const visit = (node: unknown, ns: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, ns));
    if (!node || typeof node !== 'object') return;
    for (const key in node as Record<string, unknown>) {
      const value = (node as Record<string, unknown>)[key];
      const v = value as { name?: string; secretName?: string; optional?: boolean } | undefined;
      const name = (key === 'secretRef' || key === 'secretKeyRef') && !v?.optional ? v?.name : key === 'secret' && !v?.optional ? v?.secretName : undefined;
      if (name) out.set(name, (out.get(name) ?? new Set()).add(ns));
      visit(value, ns);
    }
  };
  // Only pods reference Secrets; their templates are all that needs walking.
  for (const o of objects) {
    const pod = (o.spec as { template?: { spec?: unknown } } | undefined)?.template?.spec;
    if (o.metadata.namespace && pod) visit(pod, o.metadata.namespace);
  }
  return out;
}

/**
 * `texts`: the rendered objects as text (the YAML files synth writes, by default their JSON), searched for the
 * bucket, topic and listener names the configuration really uses.
 */
export function prerequisites(env: Environment, objects: readonly KubeObject[], texts: readonly string[] = objects.map((o) => JSON.stringify(o))): Prerequisites {
  const provides: string[] = [];
  for (const [secret, namespaces] of [...referencedSecrets(objects)].sort(([a], [b]) => compareStrings(a, b))) {
    provides.push(`Secret \`${secret}\` in ${[...namespaces].sort(compareStrings).map((n) => `\`${n}\``).join(', ')}`);
  }
  // Only the buckets and topics the rendered configuration names (a region has no Mimir, the global cluster no Tempo).
  const mentioned = (name: string) => texts.some((t) => t.includes(name));
  const buckets = Object.values(env.storage.buckets ?? {}).filter(mentioned);
  if (buckets.length) provides.push(`${env.storage.backend} buckets ${buckets.map((b) => `\`${b}\``).join(', ')}`);
  const topics = env.kafka ? [env.kafka.mimirTopic, env.kafka.tempoTopic].filter(mentioned) : [];
  if (env.kafka && topics.length) provides.push(`Kafka at \`${env.kafka.address}\` with ${topics.length > 1 ? 'topics' : 'topic'} ${topics.map((t) => `\`${t}\``).join(' and ')} (${env.kafka.partitions} partitions)`);
  const tlsAddress = env.kafka?.mimirTls?.address;
  if (tlsAddress && mentioned(tlsAddress)) provides.push(`Kafka's TLS listener for Mimir at \`${tlsAddress}\``);
  // rollout-operator v0.38.1 waits for the ZoneAwarePodDisruptionBudget informer at start-up (docs/stores.md).
  if (objects.some((o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/name'] === 'rollout-operator')) {
    provides.push(`the rollout-operator's \`ZoneAwarePodDisruptionBudget\` CRD (${VERSIONS.rolloutOperator.tag}, docs/stores.md)`);
  }
  const mr = env.multiRegion;
  if (mr?.role === 'regional') {
    provides.push(`the global Mimir at \`${mr.globalMimir.pushUrl}\` and \`${mr.globalMimir.queryUrl}\`; this region's Tempo and Loki exposed to the global Grafana through a namespace labelled \`${CROSS_REGION_ACCESS_LABEL}: "true"\``);
  }
  if (mr?.role === 'global' && mr.regions[0]?.lokiPushUrl) {
    provides.push(`the first region's Loki at \`${mr.regions[0].lokiPushUrl}\` for this cluster's own logs`);
  }
  if (mr?.role === 'global') {
    provides.push(`each region's Tempo and Loki at ${mr.regions.flatMap((r) => [r.tempoQueryUrl, r.lokiQueryUrl]).map((u) => `\`${u}\``).join(', ')}; this Mimir exposed to the regions through a namespace labelled \`${CROSS_REGION_ACCESS_LABEL}: "true"\``);
  }
  const cluster = env.argocd.destinationServer === IN_CLUSTER ? 'in the cluster it deploys to' : `with the cluster \`${env.argocd.destinationServer}\` registered`;
  return {
    environment: env.name,
    argoCd: `${PREREQUISITE_VERSIONS.argoCd} in \`${env.argocd.namespace}\`, ${cluster}`,
    argoRollouts: env.experiments.canaryAnalysis ? `${PREREQUISITE_VERSIONS.argoRollouts} (CRDs and controller in \`${env.argocd.rolloutsNamespace}\`)` : undefined,
    operatorProvides: provides,
    repoURL: env.argocd.repoURL === EXAMPLE_REPO_URL ? `\`${env.argocd.repoURL}\` (example: change it)` : `\`${env.argocd.repoURL}\``,
  };
}

/** The environment's row of the README's prerequisites table. */
export function prerequisitesRow(p: Prerequisites): string {
  return `| \`${p.environment}\` | ${p.argoCd} | ${p.argoRollouts ?? '—'} | ${p.operatorProvides.join('; ') || '—'} | ${p.repoURL} |`;
}

/** `docs/prerequisites.md`: what every environment needs before its bootstrap, one table row each. */
export function prerequisitesMarkdown(list: readonly Prerequisites[]): string {
  return [
    '# Prerequisites per environment',
    '',
    'Generated by `npm run synth` from the rendered environments (`constructs/argocd/prerequisites.ts`); edit the',
    'environment files, not this page. What each environment needs in its cluster before the bootstrap (README,',
    '"Prerequisites"). MOP renders none of it and references it by name.',
    '',
    '| environment | Argo CD | Argo Rollouts | the operator provides | `argocd.repoURL` |',
    '|---|---|---|---|---|',
    ...list.map(prerequisitesRow),
    '',
  ].join('\n');
}
