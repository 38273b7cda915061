import { Chart } from 'cdk8s';
import { Environment } from '../../environments';
import { Endpoints, endpoints } from '../endpoints';

/**
 * What a component construct gets: the environment, the chart that becomes `dist/<env>/<component>/`, and the
 * `platform` chart for namespaces and cluster-scoped objects (applied first).
 */
export class ComponentContext {
  readonly endpoints: Endpoints;

  constructor(
    readonly env: Environment,
    readonly component: string,
    readonly chart: Chart,
    readonly platformChart: Chart,
  ) {
    this.endpoints = endpoints(env);
  }
}
