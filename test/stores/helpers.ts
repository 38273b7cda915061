import { parse } from 'yaml';
import { ENVIRONMENTS, Environment, EnvironmentInput, loadEnvironment } from '../../environments';
import { KubeObject, RenderedEnvironment, renderEnvironment } from '../../constructs/render';

export type StoreName = 'mimir' | 'tempo' | 'loki';
export const STORES: readonly StoreName[] = ['mimir', 'tempo', 'loki'];
export const CONFIG_FILE: Record<StoreName, string> = { mimir: 'mimir.yaml', tempo: 'tempo.yaml', loki: 'loki.yaml' };

const cache = new Map<string, RenderedEnvironment>();

export function inputOf(name: string): EnvironmentInput {
  const input = ENVIRONMENTS.find((e) => e.name === name);
  if (!input) throw new Error(`no environment ${name}`);
  return input;
}

/** Renders a committed environment once per test file. */
export function rendered(name: string): RenderedEnvironment {
  let r = cache.get(name);
  if (!r) {
    r = renderEnvironment(loadEnvironment(inputOf(name)));
    cache.set(name, r);
  }
  return r;
}

export function render(input: EnvironmentInput): RenderedEnvironment {
  return renderEnvironment(loadEnvironment(input));
}

export function envOf(name: string): Environment {
  return loadEnvironment(inputOf(name));
}

export function objectsOf(r: RenderedEnvironment, store: StoreName): readonly KubeObject[] {
  return r.objects.get(store) ?? [];
}

/** The store's main config file, parsed. */
export function storeConfig(r: RenderedEnvironment, store: StoreName): { text: string; value: unknown } {
  const cm = objectsOf(r, store).find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${store}-config`);
  if (!cm) throw new Error(`no ${store}-config ConfigMap in ${r.env.name}`);
  const text = (cm.data as Record<string, string>)[CONFIG_FILE[store]];
  return { text, value: parse(text) };
}

/** The store's runtime-config file (`<store>-runtime` ConfigMap), parsed. */
export function runtimeConfig(r: RenderedEnvironment, store: StoreName): unknown {
  const cm = objectsOf(r, store).find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${store}-runtime`);
  if (!cm) throw new Error(`no ${store}-runtime ConfigMap in ${r.env.name}`);
  return parse((cm.data as Record<string, string>)['runtime.yaml']);
}

export function workloads(r: RenderedEnvironment, store: StoreName): KubeObject[] {
  return objectsOf(r, store).filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
}

export interface PodSpec {
  containers: { name: string; args?: string[]; env?: { name: string; value?: string }[]; resources: { requests: Record<string, string> } }[];
  terminationGracePeriodSeconds?: number;
  affinity?: unknown;
}

export function podSpec(o: KubeObject): PodSpec {
  return (o.spec as { template: { spec: PodSpec } }).template.spec;
}

export function replicasOf(o: KubeObject): number {
  return (o.spec as { replicas: number }).replicas;
}

/**
 * Every key path of a config: `a.b.c`; list items that are objects contribute their keys under the list's path
 * (`schema_config.configs.from`). Paths listed in `opaque` are leaves (their children are user data, e.g. labels).
 */
export function keyPaths(value: unknown, opaque: readonly string[] = [], prefix = ''): string[] {
  const out: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) if (item && typeof item === 'object') out.push(...keyPaths(item, opaque, prefix));
    return [...new Set(out)];
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${k}` : k;
      out.push(path);
      if (!opaque.includes(path)) out.push(...keyPaths(v, opaque, path));
    }
  }
  return [...new Set(out)];
}
