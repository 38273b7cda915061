import { alloy } from './alloy';
import { rollouts } from './experiments/canary';
import { grafana } from './grafana';
import { loki } from './loki';
import { mimir } from './mimir';
import { obi } from './obi';
import { ComponentDefinition } from './platform';
import { rolloutOperator } from './rollout-operator';
import { tempo } from './tempo';

/** Every component, in the order Argo CD applies them (stores and the rollout-operator that rolls their zones, then
 * the pipeline, then OBI, then Grafana, then the canary-analysis experiment, which only renders when
 * `experiments.canaryAnalysis` is on). */
export const COMPONENTS: readonly ComponentDefinition[] = [mimir, tempo, loki, rolloutOperator, alloy, obi, grafana, rollouts];
