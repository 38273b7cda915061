import { Environment } from '../environments';
import { receiverSecrets } from './mimir/alertmanager';

/**
 * What the cluster operator provides and MOP only references by name: never rendered, never in git.
 * The validation harness accepts references to exactly these. The only namespace MOP renders into without creating
 * it is Argo CD's (its Application and AppProject objects).
 */
export function operatorProvided(env: Environment): { secrets: readonly string[]; namespaces: readonly string[] } {
  const tls = env.kafka?.mimirTls;
  const secrets = [env.storage.credentialsSecret, env.kafka?.saslSecret, tls?.caSecret, tls?.clientCertSecret].filter((s): s is string => !!s);
  // The Alertmanager's receiver credentials, where Mimir (and so the Alertmanager) runs.
  if (env.components.includes('mimir')) secrets.push(...(env.alerting?.receivers ?? []).flatMap(receiverSecrets).map((ref) => ref.secret));
  return { secrets: [...new Set(secrets)].sort(), namespaces: [env.argocd.namespace] };
}
