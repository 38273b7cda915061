import { stringify } from 'yaml';
import { Environment } from '../environments';
import { COMPONENTS } from './components';
import { ComponentDefinition, buildPlatform } from './platform';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/** The rendered files of one environment: path relative to `dist/<env>/` → YAML text. Sorted by path. */
export interface RenderedEnvironment {
  readonly env: Environment;
  readonly files: ReadonlyMap<string, string>;
  /** Objects per component folder, in file order. */
  readonly objects: ReadonlyMap<string, readonly KubeObject[]>;
}

/** `deployment-mimir.yaml`; namespaced objects of one folder never share kind and name. */
export function fileNameOf(obj: KubeObject): string {
  return `${obj.kind.toLowerCase()}-${obj.metadata.name}.yaml`;
}

export function toYaml(obj: unknown): string {
  return stringify(obj, { version: '1.1', lineWidth: 0, minContentWidth: 0, sortMapEntries: false });
}

/** Renders an environment in memory. Pure: no file system, no network. */
export function renderEnvironment(env: Environment, components: readonly ComponentDefinition[] = COMPONENTS): RenderedEnvironment {
  const { charts } = buildPlatform(env, components);
  const files = new Map<string, string>();
  const objects = new Map<string, KubeObject[]>();
  for (const [component, chart] of charts) {
    const list = (chart.toJson() as KubeObject[]).slice().sort((a, b) => fileNameOf(a).localeCompare(fileNameOf(b)));
    objects.set(component, list);
    for (const obj of list) {
      const path = `${component}/${fileNameOf(obj)}`;
      if (files.has(path)) {
        throw new Error(`environment "${env.name}": two objects render to ${path} (${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}); give them distinct names`);
      }
      files.set(path, toYaml(obj));
    }
  }
  return { env, files: new Map([...files].sort(([a], [b]) => a.localeCompare(b))), objects };
}
