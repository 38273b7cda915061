import { Environment } from '../environments';

/**
 * What the cluster operator provides and MOP only references by name: never rendered, never in git.
 * The validation harness accepts references to exactly these. The only namespace MOP renders into without creating
 * it is Argo CD's (its Application and AppProject objects).
 */
export function operatorProvided(env: Environment): { secrets: readonly string[]; namespaces: readonly string[] } {
  const secrets = [env.storage.credentialsSecret, env.kafka?.saslSecret].filter((s): s is string => !!s);
  return { secrets: [...new Set(secrets)].sort(), namespaces: [env.argocd.namespace] };
}
