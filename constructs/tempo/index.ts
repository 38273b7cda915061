import { Environment } from '../../environments';
import { toYaml } from '../base';
import { PORTS } from '../endpoints';
import { ComponentDefinition } from '../platform';
import { ENV_VARS, clusterLabel, gossipJoin, kafkaEnv, placeholder, runtimeConfigPath, storeComponent, storeFoundation, toGoDuration, zones } from '../stores/common';
import { zoneRollout } from '../stores/rollout';
import { TEMPO_LIVE_STORE_ZONES, tempoSizing } from '../stores/sizing';
import { tempoTraceStorage } from '../stores/storage';

const DATA = '/var/tempo';

type Obj = Record<string, unknown>;

/**
 * The non-zero `overrides.defaults` of Tempo 3.0.3 (docs/sources/tempo/configuration/manifest.md @v3.0.3) that the
 * components MOP runs read. A tenant's block in the overrides file is not merged with `defaults` field by field
 * (configuration/_index.md, "Tenant-specific overrides"), so the tenant's block repeats them. The
 * `metrics_generator` defaults are left out: they only act where a metrics-generator runs processors, and MOP runs
 * no metrics-generator (below).
 */
export const TEMPO_OVERRIDE_DEFAULTS = {
  ingestion: { rate_limit_bytes: 30_000_000, burst_size_bytes: 30_000_000, max_traces_per_user: 10_000, retry_info_enabled: true },
  read: { max_bytes_per_tag_values_query: 1_000_000, max_condition_groups_per_tag_query: 100 },
  global: { max_bytes_per_trace: 5_000_000 },
} as const;

/**
 * The per-tenant overrides file (`overrides.per_tenant_override_config`, re-read every `per_tenant_override_period`,
 * 10s): the tenant's retention and its ingestion limit. `rate_strategy` is `local`, so the limit is
 * per distributor: at least the default, or 1.5 × the tenant's bytes per second spread over the distributors.
 */
export function tempoRuntimeConfig(env: Environment): Obj {
  const d = TEMPO_OVERRIDE_DEFAULTS;
  const bytesPerSecond = env.workload.spansPerSecond * env.workload.bytesPerSpan;
  const distributors = env.stores.tempo === 'monolithic' ? 1 : tempoSizing(env).distributor.replicas;
  const perDistributor = Math.max(d.ingestion.rate_limit_bytes, Math.ceil((bytesPerSecond * 1.5) / distributors));
  return {
    overrides: {
      [env.tenant]: {
        ingestion: { ...d.ingestion, rate_limit_bytes: perDistributor, burst_size_bytes: Math.max(d.ingestion.burst_size_bytes, perDistributor) },
        read: d.read,
        global: d.global,
        compaction: { block_retention: toGoDuration(env.retention.traces) },
      },
    },
  };
}

/**
 * Both modes: OTLP receivers on 0.0.0.0 (the receiver defaults to localhost), tenancy, overrides file, memberlist.
 *
 * No metrics-generator. Alloy derives service graphs and span metrics from every span before tail sampling, so
 * `traces_service_graph_*` and `traces_spanmetrics_*` have exactly one producer (docs/alloy.md, ADR 0011), and in
 * Tempo 3 nothing else MOP uses needs the generator (grafana/tempo @v3.0.3): TraceQL metrics over recent data are
 * served by the live-stores (modules/querier/querier_query_range.go queryRangeRecent, forLiveStoreMetricsRing; the
 * generator's `local-blocks` processor is gone, metrics-from-traces/metrics-generator/_index.md), older data from
 * blocks. So there is no `metrics_generator` block: without `storage.path` the `all` target runs the generator
 * module as an idle service (cmd/tempo/app/modules.go initGenerator, modules/generator/generator.go
 * ErrUnconfigured), and the distributor forwards spans to it only for a tenant with processors
 * (modules/distributor/distributor.go pushTracesToGenerator).
 */
function shared(env: Environment): Obj {
  return {
    multitenancy_enabled: true,
    stream_over_http_enabled: true,
    server: { http_listen_port: PORTS.tempoHttp, grpc_listen_port: PORTS.grpc, log_level: 'info' },
    usage_report: { reporting_enabled: false },
    distributor: {
      receivers: {
        otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${PORTS.otlpGrpc}` }, http: { endpoint: `0.0.0.0:${PORTS.otlpHttp}` } } },
      },
    },
    // The tenant's limits and retention are in the overrides file.
    overrides: { per_tenant_override_config: runtimeConfigPath('tempo') },
    memberlist: { cluster_label: clusterLabel(env, 'tempo'), join_members: [gossipJoin(env, 'tempo')], bind_port: PORTS.gossip },
  };
}

/** Single process (`-target=all`) with the `local` backend, supported only in monolithic mode; no Kafka. */
export function tempoMonolithicConfig(env: Environment): Obj {
  const s = shared(env);
  return {
    ...s,
    storage: { trace: { backend: 'local', local: { path: `${DATA}/blocks` }, wal: { path: `${DATA}/wal` } } },
  };
}

/** Tempo 3 microservices: distributors write to Kafka; live-stores and block-builders consume it. */
export function tempoDistributedConfig(env: Environment): Obj {
  const kafka = env.kafka;
  if (!kafka) throw new Error(`environment "${env.name}": kafka: distributed Tempo 3 needs an existing Kafka`);
  const ns = env.namespaces.tempo;
  const svc = (name: string) => `${name}.${ns}.svc.cluster.local`;
  const s = shared(env);
  return {
    ...s,
    ingest: {
      kafka: {
        address: kafka.address,
        topic: kafka.tempoTopic,
        auto_create_topic_default_partitions: kafka.partitions,
        ...(kafka.saslSecret
          ? { sasl_username: placeholder(ENV_VARS.kafkaSaslUsername), sasl_password: placeholder(ENV_VARS.kafkaSaslPassword) }
          : {}),
      },
    },
    // Block-builder N consumes partition N (its ordinal), one partition each.
    block_builder: { partitions_per_instance: 1 },
    querier: { frontend_worker: { frontend_address: `${svc('tempo-query-frontend-headless')}:${PORTS.grpc}` } },
    backend_worker: {
      backend_scheduler_addr: `${svc('tempo-backend-scheduler')}:${PORTS.grpc}`,
      ring: { kvstore: { store: 'memberlist' } },
    },
    storage: { trace: { ...tempoTraceStorage(env), wal: { path: `${DATA}/wal` } } },
  };
}

export function tempoConfigYaml(env: Environment): string {
  const config = env.stores.tempo === 'monolithic' ? tempoMonolithicConfig(env) : tempoDistributedConfig(env);
  return toYaml(config);
}

const OTLP_PORTS = [
  { name: 'otlp-grpc', port: PORTS.otlpGrpc },
  { name: 'otlp-http', port: PORTS.otlpHttp },
];

export const tempo: ComponentDefinition = {
  name: 'tempo',
  build(ctx) {
    const env = ctx.env;
    const { common, target } = storeFoundation(ctx, 'tempo', {
      configYaml: tempoConfigYaml(env),
      runtimeYaml: toYaml(tempoRuntimeConfig(env)),
      dataMountPath: DATA,
      httpPort: PORTS.tempoHttp,
    });

    if (env.stores.tempo === 'monolithic') {
      storeComponent(ctx, {
        ...common,
        component: 'monolithic',
        name: 'tempo',
        serviceName: 'tempo',
        kind: 'StatefulSet',
        replicas: 1,
        resources: { cpu: '200m', memory: '512Mi', memoryLimit: '1Gi' },
        disk: '10Gi',
        args: target('all'),
        extraPorts: OTLP_PORTS,
        gossip: true,
        terminationGracePeriodSeconds: 1200,
        pdb: false,
      });
      return;
    }

    const s = tempoSizing(env);
    // kafka.partitions covers one partition per ingester or live-store of a zone: checked at validation (environments/validate.ts).
    const kafka = kafkaEnv(env);

    // `headless`: the Alloy exporters resolve every distributor and balance gRPC requests across them (endpoints.ts).
    storeComponent(ctx, { ...common, component: 'distributor', kind: 'Deployment', ...s.distributor, args: target('distributor'), env: kafka, extraPorts: OTLP_PORTS, gossip: true, terminationGracePeriodSeconds: 60, headless: true, pdb: true });
    storeComponent(ctx, {
      ...common,
      component: 'live-store',
      kind: 'StatefulSet',
      ...s.liveStore,
      args: target('live-store'),
      env: kafka,
      zones: zones(env, TEMPO_LIVE_STORE_ZONES),
      zoneArgs: (z) => [`-live-store.instance-availability-zone=${z.name}`],
      rollout: zoneRollout('tempo', 'live-store', s.liveStore.replicas),
      gossip: true,
      terminationGracePeriodSeconds: 1200,
      serviceName: false,
      pdb: true,
    });
    storeComponent(ctx, { ...common, component: 'block-builder', kind: 'StatefulSet', ...s.blockBuilder, args: target('block-builder'), env: kafka, gossip: true, terminationGracePeriodSeconds: 300, serviceName: false, pdb: true });
    storeComponent(ctx, { ...common, component: 'querier', kind: 'Deployment', ...s.querier, args: target('querier'), gossip: true, terminationGracePeriodSeconds: 30, serviceName: false, pdb: true });
    // The query-frontend and the backend-scheduler run no memberlist (upstream's jsonnet gives them no gossip label).
    storeComponent(ctx, { ...common, component: 'query-frontend', kind: 'Deployment', ...s.queryFrontend, args: target('query-frontend'), gossip: false, terminationGracePeriodSeconds: 30, headless: true, pdb: true });
    storeComponent(ctx, { ...common, component: 'backend-scheduler', kind: 'StatefulSet', ...s.backendScheduler, args: target('backend-scheduler'), gossip: false, terminationGracePeriodSeconds: 30, pdb: false });
    storeComponent(ctx, { ...common, component: 'backend-worker', kind: 'StatefulSet', ...s.backendWorker, args: target('backend-worker'), gossip: true, terminationGracePeriodSeconds: 30, serviceName: false, pdb: true });
  },
};
