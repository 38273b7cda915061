/**
 * For every StatefulSet the stores render, the upstream procedure for lowering its replicas: one line for the
 * dangerous-change guard of synth (which refuses a replica decrease unless `--allow-destructive`) to print, and the
 * upstream document at the pinned version it comes from. docs/stores.md ("Scaling down") explains each.
 *
 * Keyed by store and the `app.kubernetes.io/component` label value without its zone suffix (`ingester-zone-a` →
 * `ingester`). `test/stores/downscale-procedures.test.ts` checks that every rendered StatefulSet has an entry.
 */
import type { Store } from './common';

export interface DownscaleProcedure {
  /** What to do before (or instead of) lowering the replicas, in one line. */
  readonly procedure: string;
  /** The upstream document or file, at the pinned version. */
  readonly source: string;
  /** Lowering replicas without the procedure loses or hides data (not only capacity). */
  readonly losesData: boolean;
}

const MIMIR_SCALING = 'grafana/mimir docs/sources/mimir/manage/run-production-environment/scaling-out.md (Mimir 3.2.0: grafana.com/docs/mimir/v3.2.x/manage/run-production-environment/scaling-out/)';
const TEMPO_PARTITIONS = 'grafana/tempo docs/sources/tempo/reference-tempo-architecture/partition-ring.md @v3.0.3 ("Scaling down")';

export const DOWNSCALE_PROCEDURES: Readonly<Record<Store, Readonly<Record<string, DownscaleProcedure>>>> = {
  mimir: {
    monolithic: {
      procedure: 'one process with replication factor 1: it cannot be scaled down; moving to the distributed stores is a migration',
      source: `${MIMIR_SCALING} ("Monolithic mode")`,
      losesData: true,
    },
    ingester: {
      procedure:
        'POST /ingester/prepare-partition-downscale on the ingesters at and above the new replica count (their partitions turn INACTIVE and distributors stop writing to them), ' +
        'wait -querier.query-ingesters-within (13h), then lower the replicas: the prepare-downscale webhook calls /ingester/prepare-shutdown on the removed pods and zones b and c follow zone a 12h apart',
      source:
        'grafana/mimir operations/mimir/ingest-storage-ingester-autoscaling.libsonnet (prepare-partition-downscale, downscale delay = -querier.query-ingesters-within, 13h) ' +
        'and docs/sources/mimir/references/http-api/index.md ("Prepare Partition Downscale"), Mimir 3.2.0',
      losesData: true,
    },
    'store-gateway': {
      procedure:
        'lower the replicas, never below the replication factor (3): the prepare-downscale webhook calls /store-gateway/prepare-shutdown on the removed pods and zones b and c follow zone a 30m apart',
      source: `${MIMIR_SCALING} ("Scaling down store-gateways")`,
      losesData: false,
    },
    compactor: {
      procedure: 'no data of its own (the blocks are in object storage): lower the replicas; the remaining compactors take over its tenants through the ring',
      source: `${MIMIR_SCALING} ("Microservices mode": only alertmanagers, ingesters and store-gateways have scale-down limits)`,
      losesData: false,
    },
    alertmanager: {
      procedure: 'remove at most two Alertmanagers at a time and keep at least the replication factor (3) running',
      source: `${MIMIR_SCALING} ("Scaling down Alertmanagers")`,
      losesData: false,
    },
  },
  tempo: {
    monolithic: {
      procedure: 'one process on the local backend: it cannot be scaled down; moving to the distributed stores is a migration',
      source: 'grafana/tempo docs/sources/tempo/configuration/_index.md @v3.0.3 (the local backend is for monolithic mode only)',
      losesData: true,
    },
    'live-store': {
      procedure:
        'POST /live-store/prepare-partition-downscale on the live-stores of each partition being removed (in both zones; the partition turns INACTIVE), ' +
        'wait until the block-builders have flushed it to object storage, then lower the live-store replicas, and only then the block-builders',
      source: TEMPO_PARTITIONS,
      losesData: true,
    },
    'block-builder': {
      procedure:
        'block-builder N flushes partition N: lower its replicas only after the live-store procedure has made those partitions INACTIVE and they are flushed, never before the live-stores',
      source: `${TEMPO_PARTITIONS} and ("Block-builders")`,
      losesData: true,
    },
    'backend-scheduler': {
      procedure: 'exactly one backend-scheduler runs; it is never scaled down',
      source: 'grafana/tempo docs/sources/tempo/set-up-for-tracing/setup-tempo/plan/size.md @v3.0.3 ("Backend-scheduler: 1 replica")',
      losesData: true,
    },
    'backend-worker': {
      procedure: 'workers take jobs from the backend-scheduler and hold no data: lower the replicas',
      source: 'grafana/tempo docs/sources/tempo/set-up-for-tracing/setup-tempo/plan/size.md @v3.0.3 ("Backend-worker")',
      losesData: false,
    },
  },
  loki: {
    monolithic: {
      procedure: 'one process with replication factor 1 on local disk: it cannot be scaled down; moving to the distributed stores is a migration',
      source: 'grafana/loki docs/sources/get-started/deployment-modes.md @v3.7.6',
      losesData: true,
    },
    ingester: {
      procedure:
        'POST /ingester/shutdown?flush=true on each ingester being removed (highest ordinals; it flushes its chunks and leaves the ring), one zone at a time, then lower the replicas',
      source: 'grafana/loki docs/sources/operations/storage/wal.md @v3.7.6 ("How to scale up/down", "Scale down")',
      losesData: true,
    },
    'index-gateway': {
      procedure: 'in simple mode (MOP) each index-gateway serves all indexes of all tenants: lower the replicas',
      source: 'grafana/loki docs/sources/get-started/components.md @v3.7.6 ("Index Gateway")',
      losesData: false,
    },
    compactor: {
      procedure: 'one compactor runs (retention and index compaction); it is not scaled down',
      source: 'grafana/loki docs/sources/get-started/components.md @v3.7.6 ("Compactor": "usually run as a single instance")',
      losesData: true,
    },
  },
};

/** The component name without the zone suffix: `ingester-zone-b` → `ingester`. */
export function baseComponent(componentLabel: string): string {
  return componentLabel.replace(/-zone-[a-z]$/, '');
}

/**
 * The procedure for a StatefulSet of a store, from its `app.kubernetes.io/name` (the store) and
 * `app.kubernetes.io/component` labels; undefined for anything that is not a store StatefulSet.
 */
export function downscaleProcedure(store: string, componentLabel: string): DownscaleProcedure | undefined {
  const table = (DOWNSCALE_PROCEDURES as Record<string, Record<string, DownscaleProcedure>>)[store];
  return table?.[baseComponent(componentLabel)];
}

/** The procedure as one sentence with its source, as synth's guard (scripts/synth/guard.ts) prints it. */
export function downscaleProcedureText(app: string, componentLabel: string): string | undefined {
  const p = downscaleProcedure(app, componentLabel);
  return p && `${p.procedure} (${p.source}; docs/stores.md, "Scaling down")`;
}
