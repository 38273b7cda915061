import { Environment } from '../../environments';
import { ConfigFiles, toYaml } from '../base';
import { PORTS, endpoints, url } from '../endpoints';
import { ComponentDefinition } from '../platform';
import { metaMonitoringRuleFiles } from '../monitoring';
import { mimirRuleFiles } from '../slo';
import { ENV_VARS, StoreComponentProps, Zone, clusterLabel, gossipJoin, kafkaEnv, placeholder, runtimeConfigPath, storeComponent, storeFoundation, zones } from '../stores/common';
import { zoneRollout } from '../stores/rollout';
import { mimirSizing } from '../stores/sizing';
import { mimirBucket, mimirCommonStorage } from '../stores/storage';
import { FALLBACK_CONFIG_FILE, alertmanagerMounts } from './alertmanager';

/** Outside CONFIG_DIR: a mount point inside a read-only ConfigMap volume cannot be created. */
const RULES_DIR = '/etc/mimir-rules';
const DATA = '/data';

type Obj = Record<string, unknown>;

/** Limits that are the same for every tenant and never change with the profile. */
function limits(alertmanagerUrl: string): Obj {
  return { ruler_alertmanager_client_config: { alertmanager_url: alertmanagerUrl } };
}

/**
 * The runtime-config file (`runtime_config.file`, reloaded every `-runtime-config.reload-period`, 10s by default;
 * configuration-parameters "runtime_config"): the tenant's limits, sized from the profile (the defaults, 150k series
 * and 10k samples/s, would reject the load) and its retention. An edit here reloads without restarting any pod.
 */
export function mimirRuntimeConfig(env: Environment): Obj {
  const w = env.workload;
  return {
    overrides: {
      [env.tenant]: {
        compactor_blocks_retention_period: env.retention.metrics,
        max_global_series_per_user: Math.ceil(w.activeSeries * 1.5),
        ingestion_rate: Math.ceil(w.samplesPerSecond * 1.5),
        ingestion_burst_size: Math.ceil(w.samplesPerSecond * 15),
        // Exemplars are off by default (0); Alloy's span metrics and OBI send them.
        max_global_exemplars_per_user: Math.max(100_000, Math.ceil(w.activeSeries / 10)),
      },
    },
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
    limits: limits(local),
    runtime_config: { file: runtimeConfigPath('mimir') },
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
    ingest_storage: { enabled: true, kafka: mimirKafka(env) },
    distributor: { remote_timeout: '5s' },
    ingester: { ring: { replication_factor: rf, zone_awareness_enabled: zoneAware } },
    store_gateway: {
      sharding_ring: {
        replication_factor: rf,
        zone_awareness_enabled: zoneAware,
        // As the mimir-distributed chart's default config: wait for the ring to settle before loading blocks, and
        // keep the instance (and its tokens) in the ring across restarts, so a rollout does not reshuffle blocks.
        wait_stability_min_duration: '1m',
        tokens_file_path: `${DATA}/tokens`,
        unregister_on_shutdown: false,
      },
    },
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
    limits: limits(`${url(endpoints(env).mimirAlertmanager)}/alertmanager`),
    runtime_config: { file: runtimeConfigPath('mimir') },
    memberlist: memberlist(env),
  };
}

/** Where Mimir mounts the operator's Kafka TLS Secrets (`kafka.mimirTls`). */
const KAFKA_TLS_DIR = '/etc/mimir-kafka-tls';

/**
 * `ingest_storage.kafka`: the operator's Kafka (with `kafka.mimirTls`, its TLS listener) and the SASL credentials from
 * the Secret (`${VAR}`).
 */
function mimirKafka(env: Environment): Obj {
  const kafka = env.kafka!;
  return {
    address: kafka.mimirTls?.address ?? kafka.address,
    topic: kafka.mimirTopic,
    auto_create_topic_default_partitions: kafka.partitions,
    ...(kafka.saslSecret
      ? { sasl_username: placeholder(ENV_VARS.kafkaSaslUsername), sasl_password: placeholder(ENV_VARS.kafkaSaslPassword) }
      : {}),
  };
}

/**
 * The SASL mechanism and TLS, as the flags grafana/mimir docs/sources/mimir/configure/configure-kafka-backend.md
 * ("Authentication", "TLS / mTLS"; Mimir 3.1+) names them, on every component that talks to Kafka: the CA and the
 * client certificate are files from the operator's Secrets (`kafkaTlsVolumes`).
 */
function mimirKafkaArgs(env: Environment): string[] {
  const kafka = env.kafka!;
  const tls = kafka.mimirTls;
  return [
    ...(kafka.saslSecret && kafka.saslMechanism ? [`-ingest-storage.kafka.sasl-mechanism=${kafka.saslMechanism}`] : []),
    ...(tls ? ['-ingest-storage.kafka.tls-enabled=true'] : []),
    ...(tls?.caSecret ? [`-ingest-storage.kafka.tls-ca-path=${KAFKA_TLS_DIR}/ca/ca.crt`] : []),
    ...(tls?.clientCertSecret ? [`-ingest-storage.kafka.tls-cert-path=${KAFKA_TLS_DIR}/client/tls.crt`, `-ingest-storage.kafka.tls-key-path=${KAFKA_TLS_DIR}/client/tls.key`] : []),
    ...(tls?.serverName ? [`-ingest-storage.kafka.tls-server-name=${tls.serverName}`] : []),
  ];
}

/** The Kafka TLS Secrets, mounted into every Mimir component that talks to Kafka. */
function kafkaTlsVolumes(env: Environment): NonNullable<StoreComponentProps['extraVolumes']> {
  const tls = env.kafka?.mimirTls;
  const secret = (volume: string, secretName: string, dir: string) => ({
    volume: { name: volume, secret: { secretName } },
    mount: { name: volume, mountPath: `${KAFKA_TLS_DIR}/${dir}`, readOnly: true },
  });
  return [
    ...(tls?.caSecret ? [secret('kafka-ca', tls.caSecret, 'ca')] : []),
    ...(tls?.clientCertSecret ? [secret('kafka-client-cert', tls.clientCertSecret, 'client')] : []),
  ];
}

/**
 * Query-frontends (and the ruler's) stop being ready and wait `-shutdown-delay` before closing, so queriers and the
 * ruler move to another frontend; gRPC connections are recycled every 30s so clients rebalance
 * (mimir-distributed templates/query-frontend/query-frontend-dep.yaml). The grace period covers the delay plus
 * `-server.graceful-shutdown-timeout` (30s by default).
 */
const QUERY_FRONTEND_SHUTDOWN = ['-server.grpc.keepalive.max-connection-age=30s', '-shutdown-delay=90s'];
const QUERY_FRONTEND_GRACE_SECONDS = 180;

export function mimirConfigYaml(env: Environment): string {
  const config = env.stores.mimir === 'monolithic' ? mimirMonolithicConfig(env) : mimirDistributedConfig(env);
  return toYaml(config);
}

export const mimir: ComponentDefinition = {
  name: 'mimir',
  build(ctx) {
    const env = ctx.env;
    const ns = env.namespaces.mimir;
    const { common, target } = storeFoundation(ctx, 'mimir', {
      configYaml: mimirConfigYaml(env),
      runtimeYaml: toYaml(mimirRuntimeConfig(env)),
      dataMountPath: DATA,
      httpPort: PORTS.mimirHttp,
    });
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
    // kafka.partitions covers one partition per ingester or live-store of a zone: checked at validation (environments/validate.ts).
    // Every component that reads or writes Kafka gets the SASL credentials and the TLS Secrets.
    const kafka = { env: kafkaEnv(env), extraVolumes: kafkaTlsVolumes(env) };
    const kafkaArgs = mimirKafkaArgs(env);
    const zoneArg = (flag: string) => (z: Zone) => [`-${flag}=${z.name}`];

    storeComponent(ctx, { ...common, component: 'distributor', kind: 'Deployment', ...s.distributor, args: [...target('distributor'), ...kafkaArgs], ...kafka, gossip: true, terminationGracePeriodSeconds: 100, pdb: true });
    storeComponent(ctx, {
      ...common,
      component: 'ingester',
      kind: 'StatefulSet',
      ...s.ingester,
      args: [...target('ingester'), ...kafkaArgs],
      ...kafka,
      zones: zoned,
      zoneArgs: zoneArg('ingester.ring.instance-availability-zone'),
      rollout: zoneRollout('mimir', 'ingester', s.ingester.replicas),
      gossip: true,
      terminationGracePeriodSeconds: 1200,
      readinessInitialDelaySeconds: 60,
      serviceName: false,
      pdb: true,
    });
    storeComponent(ctx, { ...common, component: 'querier', kind: 'Deployment', ...s.querier, args: [...target('querier'), ...kafkaArgs], ...kafka, gossip: true, terminationGracePeriodSeconds: 180, serviceName: false, pdb: true });
    storeComponent(ctx, { ...common, component: 'query-frontend', kind: 'Deployment', ...s.queryFrontend, args: [...target('query-frontend'), ...QUERY_FRONTEND_SHUTDOWN, ...kafkaArgs], ...kafka, gossip: true, terminationGracePeriodSeconds: QUERY_FRONTEND_GRACE_SECONDS, headless: true, pdb: true });
    // Headless with not-ready addresses, as the chart's query-scheduler-svc-headless.yaml.
    storeComponent(ctx, { ...common, component: 'query-scheduler', kind: 'Deployment', ...s.queryScheduler, args: target('query-scheduler'), gossip: false, terminationGracePeriodSeconds: 180, serviceName: false, headless: true, headlessPublishNotReady: true, pdb: true });
    storeComponent(ctx, {
      ...common,
      component: 'store-gateway',
      kind: 'StatefulSet',
      ...s.storeGateway,
      args: target('store-gateway'),
      zones: zoned,
      zoneArgs: zoneArg('store-gateway.sharding-ring.instance-availability-zone'),
      rollout: zoneRollout('mimir', 'store-gateway', s.storeGateway.replicas),
      gossip: true,
      terminationGracePeriodSeconds: 240,
      readinessInitialDelaySeconds: 60,
      serviceName: false,
      pdb: true,
    });
    storeComponent(ctx, { ...common, component: 'compactor', kind: 'StatefulSet', ...s.compactor, args: target('compactor'), gossip: true, terminationGracePeriodSeconds: 900, serviceName: false, pdb: true });
    storeComponent(ctx, { ...common, component: 'ruler', kind: 'Deployment', ...s.ruler, args: [...target('ruler'), ...kafkaArgs], ...kafka, extraConfig: [rulesMount], gossip: true, terminationGracePeriodSeconds: 600, serviceName: false, pdb: true });
    // The ruler's own read path: the same targets, pointed at the ruler query-scheduler by flag.
    const rulerScheduler = `mimir-ruler-query-scheduler-headless.${ns}.svc.cluster.local:${PORTS.grpc}`;
    storeComponent(ctx, { ...common, component: 'ruler-query-frontend', kind: 'Deployment', ...s.rulerQueryFrontend, args: [...target('query-frontend'), `-query-frontend.scheduler-address=${rulerScheduler}`, ...QUERY_FRONTEND_SHUTDOWN, ...kafkaArgs], ...kafka, gossip: true, terminationGracePeriodSeconds: QUERY_FRONTEND_GRACE_SECONDS, serviceName: false, headless: true, pdb: true });
    storeComponent(ctx, { ...common, component: 'ruler-query-scheduler', kind: 'Deployment', ...s.rulerQueryScheduler, args: target('query-scheduler'), gossip: false, terminationGracePeriodSeconds: 180, serviceName: false, headless: true, headlessPublishNotReady: true, pdb: true });
    storeComponent(ctx, { ...common, component: 'ruler-querier', kind: 'Deployment', ...s.rulerQuerier, args: [...target('querier'), `-querier.scheduler-address=${rulerScheduler}`, ...kafkaArgs], ...kafka, gossip: true, terminationGracePeriodSeconds: 180, serviceName: false, pdb: true });
    storeComponent(ctx, { ...common, component: 'alertmanager', kind: 'StatefulSet', ...s.alertmanager, args: target('alertmanager'), ...am, gossip: true, terminationGracePeriodSeconds: 900, pdb: true });
  },
};
