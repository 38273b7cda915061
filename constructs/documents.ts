/**
 * The documents synth generates from what it rendered, next to the hand-written ones in `docs/`: they change with
 * every environment added or edited, so no one has to keep them in step by hand. `npm run synth -- --check`
 * compares them like `dist/`.
 */
import { Environment } from '../environments';
import { Prerequisites, prerequisites, prerequisitesMarkdown } from './argocd/prerequisites';
import { NetworkPlan, networkFlowsMarkdown } from './network/policies';
import { RenderedEnvironment } from './render';

/** What the documents need of one rendered environment (the objects themselves are not kept). */
export interface DocumentInputs {
  readonly env: Environment;
  readonly plan: NetworkPlan;
  readonly prerequisites: Prerequisites;
}

export function documentInputs(r: RenderedEnvironment): DocumentInputs {
  return { env: r.env, plan: r.network, prerequisites: prerequisites(r.env, [...r.objects.values()].flat(), [...r.files.values()]) };
}

/** File name in `docs/` → text, for every environment rendered. */
export function generatedDocuments(inputs: readonly DocumentInputs[]): ReadonlyMap<string, string> {
  return new Map([
    ['network-flows.md', networkFlowsMarkdown(inputs)],
    ['prerequisites.md', prerequisitesMarkdown(inputs.map((i) => i.prerequisites))],
  ]);
}
