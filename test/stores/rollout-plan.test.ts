import { createHash } from 'crypto';
import { KubeObject, RenderedEnvironment } from '../../constructs/render';
import { renderedEnvironments } from '../support/render';
import { RolloutSet, exploreGroup, maxUnavailableOf, reconcile, rolloutSets, rollingUpdateSteps } from './rollout-plan';
import { STORES } from './helpers';

/** The stores' objects of one environment (their StatefulSets, config ConfigMaps) and the rollout-operators. */
function storeObjects(r: RenderedEnvironment): KubeObject[] {
  return STORES.flatMap((s) => r.objects.get(s) ?? []);
}

function operatorNamespaces(r: RenderedEnvironment): string[] {
  return (r.objects.get('rollout-operator') ?? [])
    .filter((o) => o.kind === 'Deployment')
    .map((o) => {
      const args = ((o.spec as any).template.spec.containers[0].args ?? []) as string[];
      const ns = args.find((a) => a.startsWith('-kubernetes.namespace='))?.split('=')[1];
      expect(ns).toBe(o.metadata.namespace);
      return ns!;
    });
}

/** Zone StatefulSets by component: the sets whose pods are pinned to a cluster zone. */
function zoneComponents(sets: readonly RolloutSet[]): Map<string, RolloutSet[]> {
  const out = new Map<string, RolloutSet[]>();
  for (const s of sets.filter((x) => x.zone)) out.set(s.component, [...(out.get(s.component) ?? []), s]);
  return out;
}

/**
 * How many zones of a component can be down at once after a pod-template change: RollingUpdate StatefulSets are
 * rolled by independent controllers at the same time (one zone each); an OnDelete group is rolled by the operator.
 */
function zonesDownTogether(sets: readonly RolloutSet[], operatorIn: readonly string[]): number {
  if (sets.every((s) => s.strategy === 'RollingUpdate')) return sets.length;
  const grouped = new Set(sets.map((s) => `${s.namespace}/${s.group}`));
  if (grouped.size !== 1 || sets.some((s) => !s.group) || !operatorIn.includes(sets[0].namespace)) return Number.NaN; // never rolled
  return exploreGroup(sets).maxSetsDown;
}

describe('a config change reaches every pod of a store', () => {
  for (const r of renderedEnvironments()) {
    test(`${r.env.name}: every store pod template carries the sha256 of its store's config files`, () => {
      for (const store of STORES) {
        const objects = r.objects.get(store) ?? [];
        const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${store}-config`);
        if (!config) continue;
        const data = config.data as Record<string, string>;
        const hash = createHash('sha256');
        for (const k of Object.keys(data).sort()) hash.update(`${k}\0${data[k]}\0`);
        const sha = hash.digest('hex');
        for (const w of objects.filter((o) => o.kind === 'StatefulSet' || o.kind === 'Deployment')) {
          expect({ w: w.metadata.name, sum: (w.spec as any).template.metadata.annotations?.['checksum/config'] }).toEqual({ w: w.metadata.name, sum: sha });
        }
      }
    });
  }
});

describe('rollout plan after a config change: never two zones of a component down at once', () => {
  for (const r of renderedEnvironments()) {
    const sets = rolloutSets(storeObjects(r));
    const operators = operatorNamespaces(r);
    const zoned = zoneComponents(sets);

    if (!r.env.zoneAware) {
      test(`${r.env.name} (one zone): ordinary rolling updates, no rollout-operator`, () => {
        expect(zoned.size).toBe(0);
        expect(operators).toEqual([]);
        for (const s of sets) {
          expect({ s: s.name, strategy: s.strategy, group: s.group }).toEqual({ s: s.name, strategy: 'RollingUpdate', group: undefined });
          expect(rollingUpdateSteps(s).every((step) => step.pods === 1)).toBe(true);
        }
      });
      continue;
    }

    test(`${r.env.name}: every multi-zone component is one OnDelete rollout group, rolled zone by zone by the operator of its namespace`, () => {
      expect(zoned.size).toBeGreaterThan(0);
      const plan: string[] = [];
      for (const [component, members] of zoned) {
        expect({ component, zones: new Set(members.map((m) => m.zone)).size }).toEqual({ component, zones: members.length });
        const ns = members[0].namespace;
        const group = members[0].group;
        expect(members.every((m) => m.strategy === 'OnDelete' && m.group === group && m.namespace === ns && m.podName === m.name)).toBe(true);
        // The group holds exactly the component's zones (the operator rolls a group's StatefulSets one at a time).
        expect(sets.filter((s) => s.namespace === ns && s.group === group).map((s) => s.name).sort()).toEqual(members.map((m) => m.name).sort());
        expect(operators).toContain(ns);

        const run = exploreGroup(members);
        expect({ component, maxZonesDown: run.maxSetsDown, completes: run.completes }).toEqual({ component, maxZonesDown: 1, completes: true });
        members
          .slice()
          .sort((a, b) => (a.name < b.name ? -1 : 1))
          .forEach((m, i) => expect(run.maxPodsDownPerSet[i]).toBeLessThanOrEqual(Math.min(m.replicas, maxUnavailableOf(m.maxUnavailableAnnotation, m.replicas))));
        // Zone a, then b, then c: each zone's batches are contiguous.
        const order = run.steps.map((s) => s.set).filter((name, i, all) => all[i - 1] !== name);
        expect(order).toEqual(members.map((m) => m.name).sort());
        plan.push(`${component}: ${run.steps.map((s) => `${s.set}×${s.pods}`).join(' → ')}`);
      }
      expect(plan.length).toBe(zoned.size);
    });

    test(`${r.env.name}: every other StatefulSet rolls one pod at a time`, () => {
      for (const s of sets.filter((x) => !x.zone)) {
        expect({ s: s.name, strategy: s.strategy, group: s.group }).toEqual({ s: s.name, strategy: 'RollingUpdate', group: undefined });
      }
    });
  }
});

describe('the model catches what it must', () => {
  const production = renderedEnvironments().find((r) => r.env.name === 'production')!;
  const sets = rolloutSets(storeObjects(production));
  const ingesters = sets.filter((s) => s.component === 'mimir/ingester');

  test('the previous layout (RollingUpdate zone StatefulSets) takes all three zones down at once', () => {
    expect(zonesDownTogether(ingesters.map((s) => ({ ...s, strategy: 'RollingUpdate' as const })), operatorNamespaces(production))).toBe(3);
    expect(zonesDownTogether(ingesters, operatorNamespaces(production))).toBe(1);
  });

  test('OnDelete without an operator, or with one StatefulSet left RollingUpdate, never rolls', () => {
    expect(zonesDownTogether(ingesters, [])).toBeNaN();
    const mixed = ingesters.map((s, i) => (i === 0 ? { ...s, strategy: 'RollingUpdate' as const } : s));
    expect(exploreGroup(mixed).completes).toBe(false);
  });

  test('the operator stays in the zone with not-Ready pods and honours rollout-max-unavailable', () => {
    const three = ['a', 'b', 'c'].map((z) => ({ ...ingesters[0], name: `x-zone-${z}`, replicas: 4, maxUnavailableAnnotation: '2' }));
    // zone b has a pod down (a crash, an eviction): the operator works on zone b first, within its budget.
    expect(reconcile(three, [[4, 0, 0], [4, 1, 0], [4, 0, 0]])).toEqual([[4, 0, 0], [3, 2, 0], [4, 0, 0]]);
    // two zones with not-Ready pods: it waits.
    expect(reconcile(three, [[4, 1, 0], [4, 1, 0], [4, 0, 0]])).toEqual([[4, 1, 0], [4, 1, 0], [4, 0, 0]]);
    expect(maxUnavailableOf('33%', 3)).toBe(1);
    expect(maxUnavailableOf('50%', 5)).toBe(2);
    expect(maxUnavailableOf('0', 5)).toBe(1);
    expect(maxUnavailableOf(undefined, 5)).toBe(1);
  });
});
