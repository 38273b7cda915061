import { FLOWS_ANNOTATION } from '../../constructs/network/policies';
import { KubeObject } from '../../constructs/render';

/**
 * The part of the rendered NetworkPolicies that implements one flow of the graph: the policy's pod selector and the
 * single rule whose position matches the flow's in the policy's `mop.dev/flows` annotation.
 */
export function flowPolicy(
  objects: readonly KubeObject[],
  namespace: string,
  direction: 'egress' | 'ingress',
  flowId: string,
): { metadata: { name: string }; spec: { podSelector: any; egress?: any[]; ingress?: any[] } } | undefined {
  const type = direction === 'egress' ? 'Egress' : 'Ingress';
  for (const o of objects) {
    if (o.kind !== 'NetworkPolicy' || o.metadata.namespace !== namespace) continue;
    const spec = o.spec as { podSelector: unknown; policyTypes: string[]; egress?: unknown[]; ingress?: unknown[] };
    if (spec.policyTypes.length !== 1 || spec.policyTypes[0] !== type) continue;
    const ids = (o.metadata.annotations?.[FLOWS_ANNOTATION] ?? '').split(', ');
    const index = ids.indexOf(flowId);
    if (index >= 0) return { metadata: { name: o.metadata.name }, spec: { podSelector: spec.podSelector, [direction]: [spec[direction]![index]] } };
  }
  return undefined;
}
