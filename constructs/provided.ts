import { Environment } from '../environments';

/**
 * What the cluster operator provides and MOP only references by name: never rendered, never in git.
 * The validation harness accepts references to exactly these.
 */
export function operatorProvided(env: Environment): { secrets: readonly string[]; namespaces: readonly string[] } {
  const secrets = [env.storage.credentialsSecret, env.kafka?.tlsSecret, env.kafka?.saslSecret].filter((s): s is string => !!s);
  return { secrets: [...new Set(secrets)].sort(), namespaces: [env.argocd.namespace] };
}
