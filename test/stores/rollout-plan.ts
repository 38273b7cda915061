/**
 * What Kubernetes and the rollout-operator do with the rendered StatefulSets after a change to their pod templates
 * (a config change moves every store pod's `checksum/config`): which pods are down together.
 *
 * Two controllers act:
 * - The StatefulSet controller (kubernetes v1.28 pkg/controller/statefulset/stateful_set_control.go,
 *   `updateStatefulSet`): with `RollingUpdate` it deletes the highest-ordinal pod not at the update revision and waits
 *   until every pod is Running and Ready before the next, so one pod per StatefulSet at a time (maxUnavailable 1:
 *   `MaxUnavailableStatefulSet` is alpha and off in 1.28). With `OnDelete` it only recreates pods someone deleted,
 *   at the update revision.
 * - The rollout-operator, modelled from grafana/rollout-operator v0.38.1 pkg/controller/controller.go:
 *   `reconcileStatefulSetsGroup` (groups by the `rollout-group` label, sorts by name, skips the group unless every
 *   StatefulSet is OnDelete, does nothing while two or more StatefulSets have not-Ready pods, moves the one with
 *   not-Ready pods to the front, stops at the first StatefulSet still in progress) and `updateStatefulSetPods`
 *   (deletes at most `rollout-max-unavailable` minus the not-Ready pods, from pkg/controller/labels.go
 *   `getMaxUnavailableForStatefulSet`). No ZoneAwarePodDisruptionBudget selects MOP's pods, so `MarkPodAsDeleted`
 *   never refuses a deletion.
 *
 * A StatefulSet's state is counted, not listed: pods at the old revision, pods restarting (deleted, terminating or
 * starting, not Ready) and pods updated and Ready. Counting over-approximates the operator (it also skips pods that
 * are still terminating), so every state it can reach is among the states explored here.
 */
import { KubeObject } from '../../constructs/render';

export interface RolloutSet {
  readonly name: string;
  readonly namespace: string;
  readonly replicas: number;
  readonly strategy: 'RollingUpdate' | 'OnDelete';
  /** The `rollout-group` label of the StatefulSet, if any. */
  readonly group?: string;
  /** The pod template's `name` label (the operator finds the StatefulSet's pods by it). */
  readonly podName?: string;
  readonly maxUnavailableAnnotation?: string;
  /** The cluster zone its pods are pinned to (required node affinity on topology.kubernetes.io/zone). */
  readonly zone?: string;
  /** `<app.kubernetes.io/name>/<component without the zone suffix>`. */
  readonly component: string;
}

interface StsSpec {
  replicas: number;
  updateStrategy?: { type?: string };
  template: {
    metadata: { labels?: Record<string, string> };
    spec: { affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: { matchExpressions?: { key: string; values?: string[] }[] }[] } } } };
  };
}

export function rolloutSets(objects: readonly KubeObject[]): RolloutSet[] {
  return objects
    .filter((o) => o.kind === 'StatefulSet')
    .map((o) => {
      const spec = o.spec as StsSpec;
      const terms = spec.template.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
      const zone = terms.flatMap((t) => t.matchExpressions ?? []).find((e) => e.key === 'topology.kubernetes.io/zone')?.values?.[0];
      const labels = o.metadata.labels ?? {};
      return {
        name: o.metadata.name,
        namespace: o.metadata.namespace!,
        replicas: spec.replicas,
        strategy: (spec.updateStrategy?.type ?? 'RollingUpdate') as RolloutSet['strategy'],
        group: labels['rollout-group'],
        podName: spec.template.metadata.labels?.name,
        maxUnavailableAnnotation: o.metadata.annotations?.['rollout-max-unavailable'],
        zone,
        component: `${labels['app.kubernetes.io/name']}/${(labels['app.kubernetes.io/component'] ?? '').replace(/-zone-[a-z]$/, '')}`,
      };
    });
}

/** pkg/controller/labels.go `getMaxUnavailableForStatefulSet` @v0.38.1. */
export function maxUnavailableOf(annotation: string | undefined, replicas: number): number {
  if (annotation === undefined) return 1;
  const raw = annotation.trim();
  if (raw.endsWith('%')) {
    const perc = Number.parseInt(raw.slice(0, -1), 10);
    if (!/^[0-9]+$/.test(raw.slice(0, -1)) || perc <= 0 || perc > 100) return 1;
    return Math.max(1, Math.floor((perc * replicas) / 100));
  }
  const value = Number(raw);
  return Number.isInteger(value) && value > 0 ? value : 1;
}

/** Per StatefulSet of a group: [old, restarting, updated]. */
type GroupState = readonly (readonly [number, number, number])[];

const key = (s: GroupState) => s.map((t) => t.join(',')).join('|');

/**
 * One reconcile of one rollout group (controller.go `reconcileStatefulSetsGroup` + `updateStatefulSetPods`).
 * `sets` are sorted by name, as `util.SortStatefulSets`.
 */
export function reconcile(sets: readonly RolloutSet[], state: GroupState): GroupState {
  if (sets.some((s) => s.strategy !== 'OnDelete')) return state; // "skipping reconcile": logged error, no action
  const notReady = sets.map((_, i) => i).filter((i) => state[i][1] > 0);
  if (notReady.length > 1) return state;
  const order = notReady.length === 1 ? [notReady[0], ...sets.map((_, i) => i).filter((i) => i !== notReady[0])] : sets.map((_, i) => i);
  for (const i of order) {
    const [old, restarting, updated] = state[i];
    if (old > 0) {
      const n = Math.max(0, Math.min(maxUnavailableOf(sets[i].maxUnavailableAnnotation, sets[i].replicas) - restarting, old));
      if (n === 0) return state;
      const next = state.map((t) => [...t] as [number, number, number]);
      next[i] = [old - n, restarting + n, updated];
      return next;
    }
    if (restarting > 0) return state;
  }
  return state;
}

export interface GroupExploration {
  /** Every state reachable from "every pod outdated", under any interleaving of reconciles and pods becoming Ready. */
  readonly states: readonly GroupState[];
  /** The most StatefulSets of the group with not-Ready pods at once, over all reachable states. */
  readonly maxSetsDown: number;
  /** The most not-Ready pods of one StatefulSet at once. */
  readonly maxPodsDownPerSet: readonly number[];
  /** "Every pod updated and Ready" is reachable, and no reachable state is stuck short of it. */
  readonly completes: boolean;
  /** The plan when every restart finishes before the next reconcile: the StatefulSets restarting, step by step. */
  readonly steps: readonly { readonly set: string; readonly pods: number }[];
}

/** Explores the rollout of one rollout group (`sets` of one namespace and `rollout-group` label). */
export function exploreGroup(unsorted: readonly RolloutSet[]): GroupExploration {
  const sets = [...unsorted].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const initial: GroupState = sets.map((s) => [s.replicas, 0, 0] as const);
  const done = key(sets.map((s) => [0, 0, s.replicas] as const));
  const seen = new Map<string, GroupState>([[key(initial), initial]]);
  const queue: GroupState[] = [initial];
  const successors = (s: GroupState): GroupState[] => {
    const next: GroupState[] = [reconcile(sets, s)];
    s.forEach(([old, restarting, updated], i) => {
      if (restarting === 0) return;
      const t = s.map((x) => [...x] as [number, number, number]);
      t[i] = [old, restarting - 1, updated + 1];
      next.push(t);
    });
    return next;
  };
  let stuck = false;
  while (queue.length) {
    const s = queue.shift()!;
    const next = successors(s).filter((t) => key(t) !== key(s));
    if (next.length === 0 && key(s) !== done) stuck = true;
    for (const t of next) {
      if (!seen.has(key(t))) {
        seen.set(key(t), t);
        queue.push(t);
      }
    }
  }
  const states = [...seen.values()];
  const steps: { set: string; pods: number }[] = [];
  let s = initial;
  for (let guard = 0; guard < 10_000 && key(s) !== done; guard++) {
    const t = reconcile(sets, s);
    if (key(t) === key(s)) break;
    t.forEach(([, restarting], i) => {
      if (restarting > s[i][1]) steps.push({ set: sets[i].name, pods: restarting - s[i][1] });
    });
    s = t.map(([old, restarting, updated]) => [old, 0, updated + restarting] as const);
  }
  return {
    states,
    maxSetsDown: Math.max(...states.map((st) => st.filter((t) => t[1] > 0).length)),
    maxPodsDownPerSet: sets.map((_, i) => Math.max(...states.map((st) => st[i][1]))),
    completes: seen.has(done) && !stuck,
    steps,
  };
}

/** The StatefulSet controller's RollingUpdate: one pod at a time, the highest ordinal first. */
export function rollingUpdateSteps(set: RolloutSet): { readonly set: string; readonly pods: number }[] {
  return Array.from({ length: set.replicas }, () => ({ set: set.name, pods: 1 }));
}
