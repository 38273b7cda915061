import { Environment } from '../../environments';
import { ConfigFiles, toYaml } from '../base';
import { PORTS, endpoints, url } from '../endpoints';
import { ComponentDefinition } from '../platform';
import { metaMonitoringRuleFiles } from '../monitoring';
import { mimirRuleFiles } from '../slo';
import { ENV_VARS, Zone, clusterLabel, gossipJoin, kafkaEnv, placeholder, storeComponent, storeFoundation, zones } from '../stores/common';
import { mimirSizing } from '../stores/sizing';
import { mimirBucket, mimirCommonStorage } from '../stores/storage';
import { FALLBACK_CONFIG_FILE, alertmanagerMounts } from './alertmanager';

/** Outside CONFIG_DIR: a mount point inside a read-only ConfigMap volume cannot be created. */
const RULES_DIR = '/etc/mimir-rules';
const DATA = '/data';

type Obj = Record<string, unknown>;

/** Per-tenant limits: sized from the profile (the defaults, 150k series and 10k samples/s, would reject the load). */
function limits(env: Environment, alertmanagerUrl: string): Obj {
  const w = env.workload;
  return {
    compactor_blocks_retention_period: env.retention.metrics,
    max_global_series_per_user: Math.ceil(w.activeSeries * 1.5),
    ingestion_rate: Math.ceil(w.samplesPerSecond * 1.5),
    ingestion_burst_size: Math.ceil(w.samplesPerSecond * 15),
    // Exemplars are off by default (0); Tempo's span metrics and OBI send them.
    max_global_exemplars_per_user: Math.max(100_000, Math.ceil(w.activeSeries / 10)),
    ruler_alertmanager_client_config: { alertmanager_url: alertmanagerUrl },
  };
}

function memberlist(env: Environment): Obj {
  return { cluster_label: clusterLabel(env, 'mimir'), join_members: [gossipJoin(env, 'mimir')], bind_port: PORTS.gossip };
}

/** Single process (`-target=all,alertmanager`) on a local volume; replication factor 1. */
export function mimirMonolithicConfig(env: Environment): Obj {
  const local = `http://localhost:${PORTS.mimirHttp}/alertmanager`;
  return {
    multitenancy_enabled: true,
    server: { http_listen_port: PORTS.mimirHttp, grpc_listen_port: PORTS.grpc, log_level: 'info' },
    activity_tracker: { filepath: `${DATA}/metrics-activity.log` },
    usage_stats: { enabled: false },
    blocks_storage: {
      backend: 'filesystem',
      filesystem: { dir: `${DATA}/blocks` },
      tsdb: { dir: `${DATA}/tsdb` },
      bucket_store: { sync_dir: `${DATA}/tsdb-sync` },
    },
    compactor: { data_dir: `${DATA}/compactor` },
    ingester: { ring: { replication_factor: 1 } },
    store_gateway: { sharding_ring: { replication_factor: 1 } },
    ruler: { rule_path: `${DATA}/ruler` },
    ruler_storage: { backend: 'local', local: { directory: RULES_DIR } },
    alertmanager: {
      data_dir: `${DATA}/alertmanager`,
      external_url: `${url(endpoints(env).mimirAlertmanager)}/alertmanager`,
      fallback_config_file: FALLBACK_CONFIG_FILE,
      // Routing is GitOps-managed (the fallback file); a tenant config uploaded through the API would override it.
      enable_api: false,
      sharding_ring: { replication_factor: 1 },
    },
    alertmanager_storage: { backend: 'filesystem', filesystem: { dir: `${DATA}/alertmanager-configs` } },
    limits: limits(env, local),
    memberlist: memberlist(env),
  };
}

/** Mimir 3 ingest-storage architecture: distributors write to Kafka, ingesters consume their partition. */
export function mimirDistributedConfig(env: Environment): Obj {
  const ns = env.namespaces.mimir;
  const kafka = env.kafka;
  if (!kafka) throw new Error(`environment "${env.name}": kafka: distributed Mimir needs an existing Kafka`);
  const buckets = env.storage.buckets!;
  const svc = (name: string) => `${name}.${ns}.svc.cluster.local`;
  const rf = env.replicationFactor;
  const zoneAware = env.zoneAware;
  return {
    multitenancy_enabled: true,
    server: { http_listen_port: PORTS.mimirHttp, grpc_listen_port: PORTS.grpc, log_level: 'info' },
    activity_tracker: { filepath: `${DATA}/metrics-activity.log` },
    usage_stats: { enabled: false },
    common: { storage: mimirCommonStorage(env) },
    blocks_storage: {
      ...mimirBucket(env, buckets.mimirBlocks),
      tsdb: { dir: `${DATA}/tsdb` },
      bucket_store: { sync_dir: `${DATA}/tsdb-sync` },
    },
    // Rules are GitOps-managed: read from the mounted ConfigMap (read-only `local` backend).
    ruler_storage: { backend: 'local', local: { directory: RULES_DIR } },
    alertmanager_storage: mimirBucket(env, buckets.mimirAlertmanager),
    ingest_storage: {
      enabled: true,
      kafka: {
        address: kafka.address,
        topic: kafka.mimirTopic,
        auto_create_topic_default_partitions: kafka.partitions,
        ...(kafka.saslSecret
          ? { sasl_username: placeholder(ENV_VARS.kafkaSaslUsername), sasl_password: placeholder(ENV_VARS.kafkaSaslPassword) }
          : {}),
      },
    },
    distributor: { remote_timeout: '5s' },
    ingester: { ring: { replication_factor: rf, zone_awareness_enabled: zoneAware } },
    store_gateway: { sharding_ring: { replication_factor: rf, zone_awareness_enabled: zoneAware } },
    compactor: { data_dir: `${DATA}/compactor` },
    frontend: { scheduler_address: `${svc('mimir-query-scheduler-headless')}:${PORTS.grpc}` },
    frontend_worker: { scheduler_address: `${svc('mimir-query-scheduler-headless')}:${PORTS.grpc}` },
    ruler: {
      rule_path: `${DATA}/ruler`,
      // Remote evaluation, required with ingest storage, on a read path of its own (ruler-query-frontend,
      // ruler-query-scheduler, ruler-querier) as upstream's chart and jsonnet do, so dashboards cannot starve rules.
      query_frontend: { address: `dns:///${svc('mimir-ruler-query-frontend-headless')}:${PORTS.grpc}` },
    },
    alertmanager: {
      data_dir: `${DATA}/alertmanager`,
      external_url: `${url(endpoints(env).mimirAlertmanager)}/alertmanager`,
      fallback_config_file: FALLBACK_CONFIG_FILE,
      // Routing is GitOps-managed (the fallback file); a tenant config uploaded through the API would override it.
      enable_api: false,
      sharding_ring: { replication_factor: rf },
    },
    limits: limits(env, `${url(endpoints(env).mimirAlertmanager)}/alertmanager`),
    memberlist: memberlist(env),
  };
}

export function mimirConfigYaml(env: Environment): string {
  const config = env.stores.mimir === 'monolithic' ? mimirMonolithicConfig(env) : mimirDistributedConfig(env);
  return toYaml(config);
}

export const mimir: ComponentDefinition = {
  name: 'mimir',
  build(ctx) {
    const env = ctx.env;
    const ns = env.namespaces.mimir;
    const { common, target } = storeFoundation(ctx, 'mimir', { configYaml: mimirConfigYaml(env), dataMountPath: DATA, httpPort: PORTS.mimirHttp });
    // Rule files per tenant: `<tenant>/<file>` under the local ruler storage directory.
    const ruleFiles = { ...mimirRuleFiles(env), ...metaMonitoringRuleFiles(env) };
    const rules = new ConfigFiles(ctx, { id: { software: 'mimir', component: 'rules' }, name: 'mimir-rules', namespace: ns, files: ruleFiles });
    const am = alertmanagerMounts(ctx);
    const rulesMount = {
      files: rules,
      mountPath: RULES_DIR,
      items: Object.keys(ruleFiles).sort().map((file) => ({ key: file, path: `${env.tenant}/${file}` })),
    };

    if (env.stores.mimir === 'monolithic') {
      storeComponent(ctx, {
        ...common,
        component: 'monolithic',
        name: 'mimir',
        serviceName: 'mimir',
        kind: 'StatefulSet',
        replicas: 1,
        resources: { cpu: '400m', memory: '768Mi', memoryLimit: '1536Mi' },
        disk: '10Gi',
        args: target('all,alertmanager'),
        extraConfig: [rulesMount, ...am.extraConfig],
        extraVolumes: am.extraVolumes,
        gossip: true,
        terminationGracePeriodSeconds: 1200,
        pdb: false,
      });
      return;
    }

    const s = mimirSizing(env);
    const zoned = zones(env);
    const partitions = env.kafka!.partitions;
    if (s.ingester.replicas > partitions) {
      throw new Error(
        `environment "${env.name}": kafka.partitions: the workload needs ${s.ingester.replicas} Mimir ingesters per zone, ` +
          `but the topic has ${partitions} partitions (each ingester consumes one partition); raise kafka.partitions`,
      );
    }
    const kafka = kafkaEnv(env);
    const zoneArg = (flag: string) => (z: Zone) => [`-${flag}=${z.name}`];

    storeComponent(ctx, { ...common, component: 'distributor', kind: 'Deployment', ...s.distributor, args: target('distributor'), env: kafka, gossip: true, terminationGracePeriodSeconds: 100, pdb: true });
    storeComponent(ctx, {
      ...common,
      component: 'ingester',
      kind: 'StatefulSet',
      ...s.ingester,
      args: target('ingester'),
      env: kafka,
      zones: zoned,
      zoneArgs: zoneArg('ingester.ring.instance-availability-zone'),
      gossip: true,
      terminationGracePeriodSeconds: 1200,
      readinessInitialDelaySeconds: 60,
      serviceName: false,
      pdb: true,
    });
    storeComponent(ctx, { ...common, component: 'querier', kind: 'Deployment', ...s.querier, args: target('querier'), env: kafka, gossip: true, terminationGracePeriodSeconds: 180, serviceName: false, pdb: true });
    storeComponent(ctx, { ...common, component: 'query-frontend', kind: 'Deployment', ...s.queryFrontend, args: target('query-frontend'), env: kafka, gossip: true, terminationGracePeriodSeconds: 180, headless: true, pdb: true });
    storeComponent(ctx, { ...common, component: 'query-scheduler', kind: 'Deployment', ...s.queryScheduler, args: target('query-scheduler'), gossip: false, terminationGracePeriodSeconds: 180, serviceName: false, headless: true, pdb: true });
    storeComponent(ctx, {
      ...common,
      component: 'store-gateway',
      kind: 'StatefulSet',
      ...s.storeGateway,
      args: target('store-gateway'),
      zones: zoned,
      zoneArgs: zoneArg('store-gateway.sharding-ring.instance-availability-zone'),
      gossip: true,
      terminationGracePeriodSeconds: 240,
      readinessInitialDelaySeconds: 60,
      serviceName: false,
      pdb: true,
    });
    storeComponent(ctx, { ...common, component: 'compactor', kind: 'StatefulSet', ...s.compactor, args: target('compactor'), gossip: true, terminationGracePeriodSeconds: 900, serviceName: false, pdb: true });
    storeComponent(ctx, { ...common, component: 'ruler', kind: 'Deployment', ...s.ruler, args: target('ruler'), env: kafka, extraConfig: [rulesMount], gossip: true, terminationGracePeriodSeconds: 600, serviceName: false, pdb: true });
    // The ruler's own read path: the same targets, pointed at the ruler query-scheduler by flag.
    const rulerScheduler = `mimir-ruler-query-scheduler-headless.${ns}.svc.cluster.local:${PORTS.grpc}`;
    storeComponent(ctx, { ...common, component: 'ruler-query-frontend', kind: 'Deployment', ...s.rulerQueryFrontend, args: [...target('query-frontend'), `-query-frontend.scheduler-address=${rulerScheduler}`], env: kafka, gossip: true, terminationGracePeriodSeconds: 180, serviceName: false, headless: true, pdb: true });
    storeComponent(ctx, { ...common, component: 'ruler-query-scheduler', kind: 'Deployment', ...s.rulerQueryScheduler, args: target('query-scheduler'), gossip: false, terminationGracePeriodSeconds: 180, serviceName: false, headless: true, pdb: true });
    storeComponent(ctx, { ...common, component: 'ruler-querier', kind: 'Deployment', ...s.rulerQuerier, args: [...target('querier'), `-querier.scheduler-address=${rulerScheduler}`], env: kafka, gossip: true, terminationGracePeriodSeconds: 180, serviceName: false, pdb: true });
    storeComponent(ctx, { ...common, component: 'alertmanager', kind: 'StatefulSet', ...s.alertmanager, args: target('alertmanager'), ...am, gossip: true, terminationGracePeriodSeconds: 900, pdb: true });
  },
};
