import { Environment } from '../environments';
import { receiverSecrets } from './mimir/alertmanager';

/**
 * What the cluster operator provides and MOP only references by name: never rendered, never in git.
 * The validation harness accepts references to exactly these.
 */
export function operatorProvided(env: Environment): { secrets: readonly string[]; namespaces: readonly string[] } {
  const tls = env.kafka?.mimirTls;
  const secrets = [env.storage.credentialsSecret, env.kafka?.saslSecret, tls?.caSecret, tls?.clientCertSecret].filter((s): s is string => !!s);
  // The Alertmanager's receiver credentials, where Mimir (and so the Alertmanager) runs.
  if (env.components.includes('mimir')) secrets.push(...(env.alerting?.receivers ?? []).flatMap(receiverSecrets).map((ref) => ref.secret));
  // Application namespaces belong to the teams that run them; MOP only adds canary analysis objects to them.
  const appNamespaces = env.slos.map((s) => s.namespace);
  return { secrets: [...new Set(secrets)].sort(), namespaces: [...new Set([env.argocd.namespace, ...appNamespaces])].sort() };
}
