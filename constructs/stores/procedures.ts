/**
 * What to do instead of removing replicas of a stateful store component in one sync: the upstream procedure, named
 * in synth's refusal of a downscale (scripts/synth/guard.ts) and described in docs/stores.md, "Scaling down".
 */
const PROCEDURES: Readonly<Record<string, string>> = {
  'mimir/ingester':
    'Mimir ingest storage: scale down one zone at a time, first preparing the partitions of the removed ingesters for downscale (POST /ingester/prepare-partition-downscale) and waiting until their blocks are in object storage (docs/stores.md, "Scaling down")',
  'mimir/store-gateway': 'Mimir store-gateways: remove replicas one zone at a time and let the remaining ones load the blocks before the next zone (docs/stores.md, "Scaling down")',
  'tempo/live-store':
    'Tempo 3: mark the partitions of the removed live-stores inactive in the partition ring and wait until the block-builders have flushed them (grafana/tempo docs partition-ring.md; docs/stores.md, "Scaling down")',
  'tempo/block-builder': 'Tempo 3: lower the block-builders only after their partitions are inactive and consumed (docs/stores.md, "Scaling down")',
  'loki/ingester': 'Loki: remove ingesters one zone at a time, flushing each first (POST /ingester/shutdown?flush=true) so that no chunk stays only in its WAL (docs/stores.md, "Scaling down")',
};

/** The procedure for a StatefulSet by its `app.kubernetes.io/name` and `app.kubernetes.io/component` labels. */
export function downscaleProcedure(app: string, component: string): string {
  const base = component.replace(/-zone-[a-z0-9]+$/, '');
  return PROCEDURES[`${app}/${base}`] ?? 'lower its replicas one at a time after moving its data, as the store\'s scaling guide says (docs/stores.md, "Scaling down")';
}
