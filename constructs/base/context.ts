import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Environment } from '../../environments';
import { Endpoints, endpoints } from '../endpoints';

/**
 * What a component construct gets: the environment, the chart that becomes `dist/<env>/<component>/` (or a scope
 * inside it), and the `platform` chart for namespaces and cluster-scoped objects (applied first).
 */
export class ComponentContext {
  readonly endpoints: Endpoints;

  constructor(
    readonly env: Environment,
    readonly component: string,
    readonly chart: Construct,
    readonly platformChart: Chart,
  ) {
    this.endpoints = endpoints(env);
  }

  /** The same context with objects under scope `id`: one component renders same-named objects in several namespaces. */
  within(id: string): ComponentContext {
    return new ComponentContext(this.env, this.component, new Construct(this.chart, id), this.platformChart);
  }
}
