/**
 * Replicas and resources of the distributed stores, computed from the environment's workload profile through
 * Grafana's published capacity figures. The figures are cited here, once:
 *
 * - Mimir: "Planning Grafana Mimir capacity", grafana.com/docs/mimir/latest/manage/run-production-environment/planning-capacity/
 *   (grafana/mimir docs/sources/mimir/manage/run-production-environment/planning-capacity.md). Minimums; "add 50%
 *   headroom for memory and disk". Ingesters per zone target ~1M in-memory series each, as the mimir-distributed
 *   small.yaml/large.yaml presets do (1M series on 3 ingesters, 10M on 27, RF 3).
 * - Tempo 3: "Size the cluster", grafana.com/docs/tempo/latest/setup-tempo/plan/size/
 *   (grafana/tempo docs/sources/tempo/setup-tempo/plan/size.md). Backend-workers follow the Tempo 2.10 compactor
 *   figure (1 per 3–5 MB/s) of the same page, whose work they took over.
 * - Loki: "Size the cluster", grafana.com/docs/loki/latest/setup/size/ (grafana/loki docs/sources/setup/size/_index.md),
 *   the "<3 TB/day" microservices tier, scaled linearly by log volume.
 *
 * Every rate is scaled from the profile; minimums keep high availability (at least one ingester per zone, two
 * replicas of every stateless component) whatever the profile says.
 */
import type { Environment } from '../../environments';
import { Resources, formatCpu, formatMemory } from '../base';

const GB = 1e9;

export interface Size {
  readonly replicas: number;
  readonly resources: Resources;
  /** PVC size for stateful components. */
  readonly disk?: string;
}

/** Per-zone replicas for zone-aware components. */
export interface ZonedSize extends Size {
  readonly zones: number;
}

/** The capacity figures, as published (see the file header for the sources). */
export const CAPACITY = {
  mimir: {
    distributorSamplesPerCore: 25_000, // 1 core + 1 GB per 25,000 samples/s
    ingesterSeriesPerCore: 300_000, // 1 core, 2.5 GB, 5 GB disk per 300,000 in-memory series (series × RF)
    ingesterMemoryGBPerUnit: 2.5,
    ingesterDiskGBPerUnit: 5,
    ingesterSeriesPerReplica: 1_000_000, // helm presets: ~1M in-memory series per ingester
    queryFrontendQpsPerCore: 250, // 1 core + 1 GB per 250 qps
    querySchedulerQpsPerCore: 500, // 1 core + 100 MB per 500 qps
    querierQpsPerCore: 10, // 1 core + 1 GB per 10 qps
    storeGatewayQpsPerCore: 10, // 1 core + 1 GB per 10 qps
    storeGatewayDiskGBPerMillionSeries: 13, // 13 GB disk per 1M active series
    compactorSeriesPerReplica: 20_000_000, // 1 compactor per 20M active series: 1 core, 4 GB, 300 GB disk
    headroom: 1.5, // +50% memory and disk
  },
  tempo: {
    distributorMBps: 10, // 1 replica per 10 MB/s; 2 CPU, 2 GB
    liveStoreMBps: 6, // 1 per 6–10 MB/s (lower bound); 1 CPU, 4–20 GB
    querierMBps: 2, // 1 per 1–2 MB/s (upper bound); 4–20 GB
    backendWorkerMBps: 5, // Tempo 2.10 compactor: 1 per 3–5 MB/s
    // Memory per replica, the lower end of each published range (GB): distributor 2; live-store 4–20; block-builder
    // 5–10; querier 4–20; query-frontend 4–20; backend-scheduler 1–2; backend-worker 1–2.
    memoryGB: { distributor: 2, liveStore: 4, blockBuilder: 5, querier: 4, queryFrontend: 4, backendScheduler: 1, backendWorker: 1 },
  },
  loki: {
    // "<3 TB/day" tier: CPU, memory (GiB), replicas.
    tierGBPerDay: 3000,
    ingester: { cpu: 2, memoryGi: 4, replicas: 6 },
    distributor: { cpu: 2, memoryGi: 0.5, replicas: 4 },
    indexGateway: { cpu: 0.5, memoryGi: 2, replicas: 4 },
    querier: { cpu: 1, memoryGi: 1, replicas: 10 },
    queryFrontend: { cpu: 1, memoryGi: 2, replicas: 2 },
    queryScheduler: { cpu: 1, memoryGi: 0.5, replicas: 2 },
    compactor: { cpu: 2, memoryGi: 10, replicas: 1 },
  },
} as const;

/** A per-pod floor, so that tiny profiles still get schedulable, working pods. */
const FLOOR = { cpu: 0.1, memoryBytes: 256 * 1024 ** 2 };

function res(cpu: number, memoryBytes: number, headroom = 1.5, memoryFloor = FLOOR.memoryBytes): Resources {
  const c = Math.max(cpu, FLOOR.cpu);
  const m = Math.max(memoryBytes, memoryFloor);
  return { cpu: formatCpu(c), memory: formatMemory(m), memoryLimit: formatMemory(m * headroom) };
}

function disk(bytes: number, minimumGi: number): string {
  return `${Math.max(minimumGi, Math.ceil(bytes / 1024 ** 3))}Gi`;
}

/** Splits a total load over replicas (at least `min`, at most `perReplicaCap` units each). */
function replicasFor(totalUnits: number, perReplicaCap: number, min: number): number {
  return Math.max(min, Math.ceil(totalUnits / perReplicaCap));
}

/** The share of one replica's published capacity that the load uses (1 when the replica is fully loaded). */
function share(load: number, replicas: number, perReplicaCapacity: number): number {
  return Math.min(1, load / (replicas * perReplicaCapacity));
}

function zoneCount(env: Environment): number {
  return env.zoneAware ? env.cluster.zones.length : 1;
}

export interface MimirSizing {
  readonly distributor: Size;
  readonly ingester: ZonedSize;
  readonly querier: Size;
  readonly queryFrontend: Size;
  readonly queryScheduler: Size;
  readonly storeGateway: ZonedSize;
  readonly compactor: Size;
  readonly ruler: Size;
  readonly rulerQueryFrontend: Size;
  readonly rulerQueryScheduler: Size;
  readonly rulerQuerier: Size;
  readonly alertmanager: Size;
}

export function mimirSizing(env: Environment): MimirSizing {
  const c = CAPACITY.mimir;
  const w = env.workload;
  const zones = zoneCount(env);
  const rf = env.replicationFactor;

  const distCores = w.samplesPerSecond / c.distributorSamplesPerCore;
  const distributors = replicasFor(distCores, 2, 2);

  // Each zone holds a full copy of the series (RF = zones when zone-aware).
  const inMemorySeries = w.activeSeries * rf;
  const perZone = replicasFor(w.activeSeries * (rf / zones), c.ingesterSeriesPerReplica, 1);
  const seriesPerIngester = inMemorySeries / (perZone * zones);
  const ingesterUnits = seriesPerIngester / c.ingesterSeriesPerCore;

  const querierCores = w.queriesPerSecond / c.querierQpsPerCore;
  const queriers = replicasFor(querierCores, 2, 2);
  const sgCores = w.queriesPerSecond / c.storeGatewayQpsPerCore;
  const sgPerZone = replicasFor(sgCores / zones, 2, 1);
  const sgDiskPerReplica = (c.storeGatewayDiskGBPerMillionSeries * GB * (w.activeSeries / 1e6) * (rf / zones)) / sgPerZone;

  const compactors = replicasFor(w.activeSeries, c.compactorSeriesPerReplica, 1);
  return {
    distributor: { replicas: distributors, resources: res(distCores / distributors, (distCores / distributors) * GB) },
    ingester: {
      zones,
      replicas: perZone,
      resources: res(ingesterUnits, ingesterUnits * c.ingesterMemoryGBPerUnit * GB, c.headroom),
      disk: disk(ingesterUnits * c.ingesterDiskGBPerUnit * GB * c.headroom, 10),
    },
    querier: { replicas: queriers, resources: res(querierCores / queriers, (querierCores / queriers) * GB) },
    queryFrontend: {
      replicas: 2,
      resources: res(w.queriesPerSecond / c.queryFrontendQpsPerCore / 2, (w.queriesPerSecond / c.queryFrontendQpsPerCore / 2) * GB),
    },
    queryScheduler: {
      replicas: 2,
      resources: res(w.queriesPerSecond / c.querySchedulerQpsPerCore / 2, (w.queriesPerSecond / c.querySchedulerQpsPerCore / 2) * 0.1 * GB),
    },
    storeGateway: {
      zones,
      replicas: sgPerZone,
      resources: res(sgCores / (sgPerZone * zones), (sgCores / (sgPerZone * zones)) * GB),
      disk: disk(sgDiskPerReplica * c.headroom, 10),
    },
    compactor: {
      replicas: compactors,
      resources: res(1, 4 * GB),
      disk: disk((300 * GB * Math.min(1, w.activeSeries / c.compactorSeriesPerReplica)) * c.headroom, 20),
    },
    // Rule evaluation runs remotely on the query path; the ruler itself only schedules groups and sends alerts.
    ruler: { replicas: 2, resources: res(0.2, 512 * 1024 ** 2) },
    // The ruler read path carries MOP's SLO recording and alerting rules only: a small, steady query load.
    rulerQueryFrontend: { replicas: 2, resources: res(0.1, 256 * 1024 ** 2) },
    rulerQueryScheduler: { replicas: 2, resources: res(0.1, 256 * 1024 ** 2) },
    rulerQuerier: { replicas: 2, resources: res(0.5, 1 * GB) },
    // 1 core per 100 notifications/s and 1 GB per 5,000 firing alerts: MOP's SLO alerts are far below both.
    alertmanager: { replicas: Math.max(rf, 1), resources: res(0.1, 256 * 1024 ** 2), disk: '1Gi' },
  };
}

export interface TempoSizing {
  readonly mbPerSecond: number;
  readonly distributor: Size;
  /** Per zone; equals the number of active Kafka partitions. */
  readonly liveStore: ZonedSize;
  readonly blockBuilder: Size;
  readonly querier: Size;
  readonly queryFrontend: Size;
  readonly backendScheduler: Size;
  readonly backendWorker: Size;
}

/** Tempo runs live-stores in two zones (zone-a, zone-b), as upstream's jsonnet does. */
export const TEMPO_LIVE_STORE_ZONES = 2;

export function tempoSizing(env: Environment): TempoSizing {
  const c = CAPACITY.tempo;
  const w = env.workload;
  const mbps = (w.spansPerSecond * w.bytesPerSpan) / 1e6;
  const distributors = replicasFor(mbps, c.distributorMBps, 2);
  const liveStores = replicasFor(mbps, c.liveStoreMBps, 1);
  const queriers = replicasFor(mbps, c.querierMBps, 2);
  const workers = replicasFor(mbps, c.backendWorkerMBps, 2);
  const d = share(mbps, distributors, c.distributorMBps);
  const l = share(mbps, liveStores, c.liveStoreMBps);
  const q = share(mbps, queriers, c.querierMBps);
  const bw = share(mbps, workers, c.backendWorkerMBps);
  // Memory is the lower end of each range in size.md whatever the load (it depends on trace composition, not on
  // the rate); CPU follows the share of a replica's published capacity the load uses.
  const m = CAPACITY.tempo.memoryGB;
  return {
    mbPerSecond: mbps,
    distributor: { replicas: distributors, resources: res(2 * d, m.distributor * GB) },
    liveStore: {
      zones: env.zoneAware ? TEMPO_LIVE_STORE_ZONES : 1,
      replicas: liveStores,
      resources: res(1 * l, m.liveStore * GB),
      disk: '20Gi',
    },
    // One block-builder per active partition (one partition each); each consumes one live-store's share.
    blockBuilder: { replicas: liveStores, resources: res(0.5 * l, m.blockBuilder * GB) },
    querier: { replicas: queriers, resources: res(0.5 * q, m.querier * GB) },
    queryFrontend: { replicas: 2, resources: res(0.5, m.queryFrontend * GB) },
    backendScheduler: { replicas: 1, resources: res(0.5, m.backendScheduler * GB), disk: '10Gi' },
    backendWorker: { replicas: workers, resources: res(0.5 * bw, m.backendWorker * GB) },
  };
}

export interface LokiSizing {
  readonly ingester: ZonedSize;
  readonly distributor: Size;
  readonly indexGateway: Size;
  readonly querier: Size;
  readonly queryFrontend: Size;
  readonly queryScheduler: Size;
  readonly compactor: Size;
}

export function lokiSizing(env: Environment): LokiSizing {
  const c = CAPACITY.loki;
  const scale = env.workload.logsGBPerDay / c.tierGBPerDay;
  const zones = zoneCount(env);
  const gi = 1024 ** 3;
  const scaled = (s: { cpu: number; memoryGi: number; replicas: number }, min: number): Size => {
    const replicas = Math.max(min, Math.ceil(s.replicas * scale));
    const used = Math.min(1, (s.replicas * scale) / replicas);
    return { replicas, resources: res(s.cpu * used, s.memoryGi * gi * used) };
  };
  const ingestersPerZone = Math.max(1, Math.ceil((c.ingester.replicas * scale) / zones));
  const ingesterUsed = Math.min(1, (c.ingester.replicas * scale) / (ingestersPerZone * zones));
  return {
    ingester: {
      zones,
      replicas: ingestersPerZone,
      resources: res(c.ingester.cpu * ingesterUsed, c.ingester.memoryGi * gi * ingesterUsed, 1.5, gi),
      disk: '50Gi',
    },
    distributor: scaled(c.distributor, 2),
    indexGateway: { ...scaled(c.indexGateway, 2), disk: '50Gi' },
    querier: scaled(c.querier, 2),
    queryFrontend: scaled(c.queryFrontend, 2),
    queryScheduler: scaled(c.queryScheduler, 2),
    compactor: { replicas: 1, resources: res(c.compactor.cpu * Math.min(1, scale), c.compactor.memoryGi * gi * Math.min(1, scale), 1.5, gi), disk: '50Gi' },
  };
}
