import { ApiObject, App, Chart } from 'cdk8s';
import { Environment } from '../environments';
import { argoCd } from './argocd';
import { toYaml } from './base/yaml';
import { kubeJson } from './base/kube-json';
import { compareStrings } from './base/order';
import { COMPONENTS } from './components';
import { NetworkPlan, networkPolicies } from './network/policies';
import { ComponentDefinition, PLATFORM_COMPONENT, buildPlatform } from './platform';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/** The rendered files of one environment: path relative to `dist/<env>/` → YAML text. Sorted by path. */
export interface RenderedEnvironment {
  readonly env: Environment;
  /** The manifests, `<component>/<kind>-<name>.yaml`. */
  readonly files: ReadonlyMap<string, string>;
  /** `environment.json` (ENVIRONMENT_RECORD), written beside the component folders. */
  readonly record: string;
  /** Objects per component folder, in the order Argo CD applies the folders. */
  readonly objects: ReadonlyMap<string, readonly KubeObject[]>;
  readonly network: NetworkPlan;
}

/**
 * `deployment-mimir.yaml`; when one folder holds objects of the same kind and name in several namespaces (the
 * `default-deny` NetworkPolicy of each namespace), every object of that kind is qualified by its namespace:
 * `networkpolicy-mop-loki-default-deny.yaml`.
 */
export function fileNameOf(obj: KubeObject, qualify = false): string {
  const ns = qualify && obj.metadata.namespace ? `${obj.metadata.namespace}-` : '';
  return `${obj.kind.toLowerCase()}-${ns}${obj.metadata.name}.yaml`;
}

function validateApp(app: App): void {
  const errors = app.node.findAll().flatMap((c) => c.node.validate().map((e) => `[${c.node.path}] ${e}`));
  if (errors.length) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
}

function fileNames(list: readonly KubeObject[]): string[] {
  const seen = new Set<string>();
  const qualifiedKinds = new Set<string>();
  for (const o of list) {
    const name = fileNameOf(o);
    if (seen.has(name)) qualifiedKinds.add(o.kind);
    seen.add(name);
  }
  return list.map((o) => fileNameOf(o, qualifiedKinds.has(o.kind)));
}

/**
 * The chart's own API objects as Kubernetes JSON, sorted by file name. `Chart.toJson()` would also re-run cdk8s's
 * app-wide dependency ordering and validation for every chart; the order is replaced by the file-name sort anyway,
 * and `validateApp` runs the construct validations once per environment.
 */
function objectsOf(chart: Chart): KubeObject[] {
  const own = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart);
  const app = App.of(chart);
  const list = own.map((o) => kubeJson(o, app) as KubeObject);
  const names = fileNames(list);
  return list.map((o, i) => [names[i], o] as const).sort(([a], [b]) => compareStrings(a, b)).map(([, o]) => o);
}

export const ARGOCD_COMPONENT = 'argocd';

/**
 * `dist/<env>/environment.json`: the validated environment this render came from, for reviewers (multi-region
 * environments are generated) and for synth's dangerous-change check (scripts/synth/guard.ts), which compares it with
 * the next render. No Application syncs it: Argo CD reads only the component folders.
 */
export const ENVIRONMENT_RECORD = 'environment.json';

export function environmentRecord(env: Environment): string {
  return `${JSON.stringify(env, null, 2)}\n`;
}

/** Everything synth writes into `dist/<env>/`: the manifests and the environment record, sorted by path. */
export function outputFiles(r: RenderedEnvironment): ReadonlyMap<string, string> {
  return new Map([...r.files, [ENVIRONMENT_RECORD, r.record] as const].sort(([a], [b]) => compareStrings(a, b)));
}

/**
 * Renders an environment in memory. Pure: no file system, no network.
 * Components render first; then the network policies (into `platform`) and the Argo CD objects are derived from
 * what the components rendered, so they always match it.
 */
export function renderEnvironment(env: Environment, components: readonly ComponentDefinition[] = COMPONENTS): RenderedEnvironment {
  const { app, platformChart, charts } = buildPlatform(env, components);
  const componentObjects = new Map<string, KubeObject[]>();
  for (const [name, chart] of charts) {
    const list = objectsOf(chart);
    // A component switched off renders nothing, and so gets no folder and no Application.
    if (list.length) componentObjects.set(name, list);
  }

  const network = networkPolicies(platformChart, env, [...componentObjects.values()].flat());
  const objects = new Map<string, KubeObject[]>([[PLATFORM_COMPONENT, objectsOf(platformChart)], ...componentObjects]);

  const files = new Map<string, string>();
  const writeFiles = (component: string, list: readonly KubeObject[]): number => {
    const names = fileNames(list);
    let largest = 0;
    for (const [i, obj] of list.entries()) {
      const path = `${component}/${names[i]}`;
      if (files.has(path)) {
        throw new Error(`environment "${env.name}": two objects render to ${path} (${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}); give them distinct names`);
      }
      const text = toYaml(obj);
      largest = Math.max(largest, text.length);
      files.set(path, text);
    }
    return largest;
  };
  const largestObject = new Map([...objects].map(([component, list]) => [component, writeFiles(component, list)]));

  const argoChart = new Chart(app, ARGOCD_COMPONENT, { disableResourceNameHashes: true });
  argoCd(argoChart, env, objects, largestObject);
  validateApp(app);
  objects.set(ARGOCD_COMPONENT, objectsOf(argoChart));
  writeFiles(ARGOCD_COMPONENT, objects.get(ARGOCD_COMPONENT)!);

  return { env, files: new Map([...files].sort(([a], [b]) => compareStrings(a, b))), record: environmentRecord(env), objects, network };
}
