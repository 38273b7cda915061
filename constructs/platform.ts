import { App, Chart } from 'cdk8s';
import { Environment, PLATFORM_COMPONENTS } from '../environments';
import { ComponentContext } from './base';

/** A component renders into `dist/<env>/<name>/`. Order is the order Argo CD applies them in. */
export interface ComponentDefinition {
  readonly name: string;
  build(ctx: ComponentContext): void;
}

/** The `platform` folder holds namespaces and cluster-scoped objects every component needs first. */
export const PLATFORM_COMPONENT = 'platform';

export interface BuiltPlatform {
  readonly app: App;
  readonly platformChart: Chart;
  /** Component charts in order, without the platform chart. */
  readonly charts: ReadonlyMap<string, Chart>;
}

/**
 * Whether the environment runs a component: every platform component it lists in `components` (multi-region
 * environments run a subset); the experiment components (rollouts) decide for themselves.
 */
export function runsComponent(env: Environment, name: string): boolean {
  return !(PLATFORM_COMPONENTS as readonly string[]).includes(name) || (env.components as readonly string[]).includes(name);
}

/** Builds one cdk8s App for an environment: the platform chart and one Chart per component it runs. */
export function buildPlatform(env: Environment, components: readonly ComponentDefinition[]): BuiltPlatform {
  const app = new App({ outdir: '/nonexistent', recordConstructMetadata: false });
  const charts = new Map<string, Chart>();
  const platformChart = new Chart(app, PLATFORM_COMPONENT, { disableResourceNameHashes: true });
  for (const component of components.filter((c) => runsComponent(env, c.name))) {
    const chart = new Chart(app, component.name, { disableResourceNameHashes: true });
    charts.set(component.name, chart);
    component.build(new ComponentContext(env, component.name, chart, platformChart));
  }
  return { app, platformChart, charts };
}
