import { Environment } from '../../environments';
import { toYaml } from '../base';
import { PORTS } from '../endpoints';
import { ComponentDefinition } from '../platform';
import { clusterLabel, gossipJoin, runtimeConfigPath, storeComponent, storeFoundation, zones } from '../stores/common';
import { zoneRollout } from '../stores/rollout';
import { lokiSizing } from '../stores/sizing';
import { lokiStorage } from '../stores/storage';

const DATA = '/var/loki';
/** First day of the tsdb v13 schema period; fixed so that the rendered config never changes by itself. */
const SCHEMA_FROM = '2026-01-01';

type Obj = Record<string, unknown>;

function schema(objectStore: string): Obj {
  return { configs: [{ from: SCHEMA_FROM, store: 'tsdb', object_store: objectStore, schema: 'v13', index: { prefix: 'index_', period: '24h' } }] };
}

function shared(env: Environment): Obj {
  return {
    auth_enabled: true,
    server: { http_listen_port: PORTS.lokiHttp, grpc_listen_port: PORTS.grpc, log_level: 'info' },
    analytics: { reporting_enabled: false },
    limits_config: { allow_structured_metadata: true },
    // Per-tenant limits live in the runtime file (`-runtime-config.file`, reloaded every 10s; configuration.md
    // "Runtime Configuration file"), so a limit edit restarts nothing.
    runtime_config: { file: runtimeConfigPath('loki') },
    memberlist: { cluster_label: clusterLabel(env, 'loki'), join_members: [gossipJoin(env, 'loki')], bind_port: PORTS.gossip },
  };
}

/**
 * The runtime-config file: the tenant's retention and ingestion limit from the profile (average MB/s × 3, × 10 for
 * bursts; the defaults are 4 MB/s and a 6 MB burst). `overrides.<tenant>` takes `limits_config` keys.
 */
export function lokiRuntimeConfig(env: Environment): Obj {
  const avgMBps = (env.workload.logsGBPerDay * 1000) / 86400;
  return {
    overrides: {
      [env.tenant]: {
        retention_period: env.retention.logs,
        ingestion_rate_mb: Math.max(4, Math.ceil(avgMBps * 3)),
        ingestion_burst_size_mb: Math.max(6, Math.ceil(avgMBps * 10)),
      },
    },
  };
}

/** Single process (`-target=all`), filesystem storage, tsdb schema v13, replication factor 1. */
export function lokiMonolithicConfig(env: Environment): Obj {
  const s = shared(env);
  return {
    ...s,
    common: {
      path_prefix: DATA,
      replication_factor: 1,
      storage: { filesystem: { chunks_directory: `${DATA}/chunks`, rules_directory: `${DATA}/rules` } },
      ring: { kvstore: { store: 'memberlist' } },
    },
    schema_config: schema('filesystem'),
    compactor: { working_directory: `${DATA}/compactor`, retention_enabled: true, delete_request_store: 'filesystem' },
  };
}

/** Loki microservices: zone-aware ingesters, index gateways, query-scheduler, one compactor; object storage. */
export function lokiDistributedConfig(env: Environment): Obj {
  const ns = env.namespaces.loki;
  const svc = (name: string) => `${name}.${ns}.svc.cluster.local`;
  const storage = lokiStorage(env);
  const s = shared(env);
  return {
    ...s,
    common: {
      path_prefix: DATA,
      replication_factor: env.replicationFactor,
      storage: storage.common,
      ring: { kvstore: { store: 'memberlist' }, zone_awareness_enabled: env.zoneAware },
      compactor_grpc_address: `${svc('loki-compactor')}:${PORTS.grpc}`,
    },
    schema_config: schema(storage.objectStore),
    ingester: { lifecycler: { ring: { zone_awareness_enabled: env.zoneAware } } },
    // `dns+` resolves every index-gateway pod behind the headless Service, as the chart's loki.indexGatewayAddress.
    storage_config: { tsdb_shipper: { index_gateway_client: { server_address: `dns+${svc('loki-index-gateway-headless')}:${PORTS.grpc}` } } },
    // Live tail: the query-frontend proxies tail requests to the queriers (chart values.yaml loki.frontend.tail_proxy_url).
    frontend: { scheduler_address: `${svc('loki-query-scheduler-headless')}:${PORTS.grpc}`, tail_proxy_url: `http://${svc('loki-querier')}:${PORTS.lokiHttp}` },
    frontend_worker: { scheduler_address: `${svc('loki-query-scheduler-headless')}:${PORTS.grpc}` },
    compactor: { working_directory: `${DATA}/compactor`, retention_enabled: true, delete_request_store: storage.objectStore },
  };
}

export function lokiConfigYaml(env: Environment): string {
  const config = env.stores.loki === 'monolithic' ? lokiMonolithicConfig(env) : lokiDistributedConfig(env);
  return toYaml(config);
}

export const loki: ComponentDefinition = {
  name: 'loki',
  build(ctx) {
    const env = ctx.env;
    const { common, target } = storeFoundation(ctx, 'loki', { configYaml: lokiConfigYaml(env), runtimeYaml: toYaml(lokiRuntimeConfig(env)), dataMountPath: DATA, httpPort: PORTS.lokiHttp });

    if (env.stores.loki === 'monolithic') {
      storeComponent(ctx, {
        ...common,
        component: 'monolithic',
        name: 'loki',
        serviceName: 'loki',
        kind: 'StatefulSet',
        replicas: 1,
        resources: { cpu: '200m', memory: '512Mi', memoryLimit: '1Gi' },
        disk: '10Gi',
        args: target('all'),
        gossip: true,
        terminationGracePeriodSeconds: 300,
        pdb: false,
      });
      return;
    }

    const s = lokiSizing(env);
    storeComponent(ctx, { ...common, component: 'distributor', kind: 'Deployment', ...s.distributor, args: target('distributor'), gossip: true, terminationGracePeriodSeconds: 30, pdb: true });
    storeComponent(ctx, {
      ...common,
      component: 'ingester',
      kind: 'StatefulSet',
      ...s.ingester,
      // As the chart's zone ingesters (templates/ingester/statefulset-ingester-zone-a.yaml): keep the instance and its
      // tokens in the ring across restarts (tokens file on the PVC), so a restart does not re-shard streams.
      args: [...target('ingester'), '-ingester.unregister-on-shutdown=false', `-ingester.tokens-file-path=${DATA}/ring-tokens`],
      zones: zones(env),
      zoneArgs: (z) => [`-ingester.availability-zone=${z.name}`],
      rollout: zoneRollout('loki', 'ingester', s.ingester.replicas),
      gossip: true,
      // With the WAL on (the default), an ingester does not flush on shutdown (`ingester.wal.flush_on_shutdown`
      // defaults to false): it replays its WAL when it restarts. Scale-downs flush explicitly (docs/stores.md).
      // The chart's grace period.
      terminationGracePeriodSeconds: 300,
      serviceName: false,
      pdb: true,
    });
    // The Service the query-frontend proxies live tail to (`frontend.tail_proxy_url`).
    storeComponent(ctx, { ...common, component: 'querier', kind: 'Deployment', ...s.querier, args: target('querier'), gossip: true, terminationGracePeriodSeconds: 30, pdb: true });
    storeComponent(ctx, { ...common, component: 'query-frontend', kind: 'Deployment', ...s.queryFrontend, args: target('query-frontend'), gossip: true, terminationGracePeriodSeconds: 30, pdb: true });
    storeComponent(ctx, { ...common, component: 'query-scheduler', kind: 'Deployment', ...s.queryScheduler, args: target('query-scheduler'), gossip: true, terminationGracePeriodSeconds: 30, serviceName: false, headless: true, headlessPublishNotReady: true, pdb: true });
    storeComponent(ctx, { ...common, component: 'index-gateway', kind: 'StatefulSet', ...s.indexGateway, args: target('index-gateway'), gossip: true, terminationGracePeriodSeconds: 300, serviceName: false, pdb: true });
    storeComponent(ctx, { ...common, component: 'compactor', kind: 'StatefulSet', ...s.compactor, args: target('compactor'), gossip: true, terminationGracePeriodSeconds: 300, pdb: false });
  },
};
