/**
 * The config key paths each store's rendered config may use, and the command-line flags its containers may pass,
 * each list with the upstream file and version it was checked against. `config-keys.test.ts` fails when a rendered
 * config or container uses anything not listed here; add a key only after finding it in the pinned upstream version.
 *
 * Key paths are dotted; keys of objects inside lists appear under the list's path (`schema_config.configs.from`).
 * `opaque` paths hold user data (label names), whose children are not config keys.
 */
export interface UpstreamKeys {
  /** Upstream file(s) and version the keys were checked in. */
  readonly source: readonly string[];
  readonly keys: readonly string[];
  readonly opaque: readonly string[];
  /** Flags (without value) the containers pass, and where each is documented. */
  readonly flags: Readonly<Record<string, string>>;
  /** Key paths of the runtime-config file, the tenant's segment written `<tenant>`, and where they are documented. */
  readonly runtimeSource: readonly string[];
  readonly runtimeKeys: readonly string[];
}

/**
 * The rollout-operator's flags and the StatefulSet labels and annotations MOP sets for it, with where each is defined
 * in grafana/rollout-operator @v0.38.1.
 */
export const ROLLOUT_OPERATOR_KEYS = {
  flags: {
    '-kubernetes.namespace': 'cmd/rollout-operator/main.go register(): the one namespace the operator watches',
    '-log.level': 'cmd/rollout-operator/main.go register() (default debug)',
    '-use-zone-tracker': 'cmd/rollout-operator/main.go register(); operations/rollout-operator/rollout-operator.libsonnet sets true',
    '-zone-tracker.config-map-name': 'cmd/rollout-operator/main.go register() (default rollout-operator-zone-tracker)',
    '-server-tls.enabled': 'cmd/rollout-operator/main.go register(); rollout-operator.libsonnet sets it when webhooks are enabled',
  },
  statefulSetLabels: {
    'rollout-group': 'pkg/config/config.go RolloutGroupLabelKey',
    'grafana.com/prepare-downscale': 'pkg/config/config.go PrepareDownscaleLabelKey',
    'grafana.com/min-time-between-zones-downscale': 'pkg/config/config.go MinTimeBetweenZonesDownscaleLabelKey',
  },
  statefulSetAnnotations: {
    'rollout-max-unavailable': 'pkg/config/config.go RolloutMaxUnavailableAnnotationKey',
    'grafana.com/prepare-downscale-http-path': 'pkg/config/config.go PrepareDownscalePathAnnotationKey',
    'grafana.com/prepare-downscale-http-port': 'pkg/config/config.go PrepareDownscalePortAnnotationKey',
    'grafana.com/rollout-downscale-leader': 'pkg/config/config.go RolloutDownscaleLeaderAnnotationKey',
  },
  podLabels: {
    name: 'pkg/controller/controller.go listPodsByStatefulSet (pods selected by the template label `name`)',
    'rollout-group': 'operations/rollout-operator and Mimir/Loki/Tempo jsonnet put it on the pods too',
  },
  webhookLabels: {
    'grafana.com/inject-rollout-operator-ca': 'pkg/tlscert/webhookconfig.go PatchCABundleOnMutatingWebhook label selector',
    'grafana.com/namespace': 'pkg/tlscert/webhookconfig.go PatchCABundleOnMutatingWebhook label selector',
  },
} as const;

export const UPSTREAM_KEYS: Record<'mimir' | 'tempo' | 'loki', UpstreamKeys> = {
  mimir: {
    source: [
      'grafana/mimir docs/sources/mimir/configure/configuration-parameters/index.md (stored copy @0013c44, the Mimir 3.x reference; ' +
        'grafana.com/docs/mimir/latest/configure/configuration-parameters/), checked for Mimir 3.2.0',
      'Prometheus Alertmanager configuration (route.receiver, receivers[].name) for alertmanager-fallback.yaml, not Mimir keys',
      'store_gateway.sharding_ring.{wait_stability_min_duration: 1m, tokens_file_path, unregister_on_shutdown: false}: the mimir-distributed chart default config ' +
        '(operations/helm/charts/mimir-distributed/values.yaml mimir.config, store_gateway.sharding_ring), keys in configuration-parameters/index.md store_gateway.sharding_ring',
      'runtime_config.file: configuration-parameters/index.md "runtime_config" (-runtime-config.file), as the chart mounts its <release>-runtime ConfigMap',
      'alertmanager.enable_api: grafana/mimir pkg/alertmanager/multitenant.go MultitenantAlertmanagerConfig.EnableAPI (yaml:"enable_api", -alertmanager.enable-api)',
    ],
    keys: [
      'activity_tracker', 'activity_tracker.filepath',
      'alertmanager', 'alertmanager.data_dir', 'alertmanager.external_url', 'alertmanager.fallback_config_file', 'alertmanager.enable_api', 'alertmanager.sharding_ring', 'alertmanager.sharding_ring.replication_factor',
      'alertmanager_storage', 'alertmanager_storage.azure', 'alertmanager_storage.azure.container_name', 'alertmanager_storage.backend', 'alertmanager_storage.filesystem', 'alertmanager_storage.filesystem.dir', 'alertmanager_storage.gcs', 'alertmanager_storage.gcs.bucket_name', 'alertmanager_storage.s3', 'alertmanager_storage.s3.bucket_name',
      'blocks_storage', 'blocks_storage.azure', 'blocks_storage.azure.container_name', 'blocks_storage.backend', 'blocks_storage.bucket_store', 'blocks_storage.bucket_store.sync_dir', 'blocks_storage.filesystem', 'blocks_storage.filesystem.dir', 'blocks_storage.gcs', 'blocks_storage.gcs.bucket_name', 'blocks_storage.s3', 'blocks_storage.s3.bucket_name', 'blocks_storage.tsdb', 'blocks_storage.tsdb.dir',
      'common', 'common.storage', 'common.storage.azure', 'common.storage.azure.account_key', 'common.storage.azure.account_name', 'common.storage.backend', 'common.storage.s3', 'common.storage.s3.access_key_id', 'common.storage.s3.bucket_lookup_type', 'common.storage.s3.endpoint', 'common.storage.s3.insecure', 'common.storage.s3.region', 'common.storage.s3.secret_access_key',
      'compactor', 'compactor.data_dir',
      'distributor', 'distributor.remote_timeout',
      'frontend', 'frontend.scheduler_address',
      'frontend_worker', 'frontend_worker.scheduler_address',
      'ingest_storage', 'ingest_storage.enabled', 'ingest_storage.kafka', 'ingest_storage.kafka.address', 'ingest_storage.kafka.auto_create_topic_default_partitions', 'ingest_storage.kafka.sasl_password', 'ingest_storage.kafka.sasl_username', 'ingest_storage.kafka.topic',
      'ingester', 'ingester.ring', 'ingester.ring.replication_factor', 'ingester.ring.zone_awareness_enabled',
      'limits', 'limits.ruler_alertmanager_client_config', 'limits.ruler_alertmanager_client_config.alertmanager_url',
      'memberlist', 'memberlist.bind_port', 'memberlist.cluster_label', 'memberlist.join_members',
      'multitenancy_enabled',
      'ruler', 'ruler.query_frontend', 'ruler.query_frontend.address', 'ruler.rule_path',
      'ruler_storage', 'ruler_storage.backend', 'ruler_storage.local', 'ruler_storage.local.directory',
      'runtime_config', 'runtime_config.file',
      'server', 'server.grpc_listen_port', 'server.http_listen_port', 'server.log_level',
      'store_gateway', 'store_gateway.sharding_ring', 'store_gateway.sharding_ring.replication_factor', 'store_gateway.sharding_ring.tokens_file_path', 'store_gateway.sharding_ring.unregister_on_shutdown', 'store_gateway.sharding_ring.wait_stability_min_duration', 'store_gateway.sharding_ring.zone_awareness_enabled',
      'usage_stats', 'usage_stats.enabled',
    ],
    opaque: [],
    flags: {
      '-target': 'configuration-parameters/index.md: target (CLI flag -target); values all,alertmanager / distributor / ingester / querier / query-frontend / query-scheduler / store-gateway / compactor / ruler / alertmanager',
      '-config.file': 'configuration-parameters/index.md: "use the -config.file command-line option"',
      '-config.expand-env': 'configuration-parameters/index.md: "Use environment variables in the configuration"',
      '-ingester.ring.instance-availability-zone': 'configuration-parameters/index.md: ingester.ring.instance_availability_zone',
      '-store-gateway.sharding-ring.instance-availability-zone': 'configuration-parameters/index.md: store_gateway.sharding_ring.instance_availability_zone',
      '-query-frontend.scheduler-address': 'configuration-parameters/index.md: frontend.scheduler_address (ruler-query-frontend)',
      '-querier.scheduler-address': 'configuration-parameters/index.md: frontend_worker.scheduler_address (ruler-querier)',
      '-shutdown-delay': 'operations/helm/charts/mimir-distributed/templates/query-frontend/query-frontend-dep.yaml ("-shutdown-delay=90s"); configuration-parameters/index.md shutdown_delay',
      '-server.grpc.keepalive.max-connection-age': 'templates/query-frontend/query-frontend-dep.yaml ("-server.grpc.keepalive.max-connection-age=30s"); configuration-parameters/index.md server.grpc_server_max_connection_age',
      '-ingest-storage.kafka.sasl-mechanism': 'docs/sources/mimir/configure/configure-kafka-backend.md "Authentication" (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; Mimir 3.1+)',
      '-ingest-storage.kafka.tls-enabled': 'configure-kafka-backend.md "TLS / mTLS"',
      '-ingest-storage.kafka.tls-ca-path': 'configure-kafka-backend.md "TLS / mTLS"',
      '-ingest-storage.kafka.tls-cert-path': 'configure-kafka-backend.md "TLS / mTLS" (mTLS)',
      '-ingest-storage.kafka.tls-key-path': 'configure-kafka-backend.md "TLS / mTLS" (mTLS)',
      '-ingest-storage.kafka.tls-server-name': 'configure-kafka-backend.md "TLS / mTLS" (optional flags)',
    },
    runtimeSource: [
      'configuration-parameters/index.md "runtime_config" and "limits" (the overrides file maps a tenant to limits keys; ' +
        'docs/sources/mimir/configure/about-runtime-configuration.md "overrides")',
    ],
    runtimeKeys: [
      'overrides', 'overrides.<tenant>', 'overrides.<tenant>.compactor_blocks_retention_period', 'overrides.<tenant>.ingestion_burst_size',
      'overrides.<tenant>.ingestion_rate', 'overrides.<tenant>.max_global_exemplars_per_user', 'overrides.<tenant>.max_global_series_per_user',
    ],
  },
  tempo: {
    source: [
      'grafana/tempo docs/sources/tempo/configuration/manifest.md @v3.0.3 (complete configuration with defaults)',
      'grafana/tempo docs/sources/tempo/configuration/_index.md @v3.0.3: multitenancy_enabled, stream_over_http_enabled, ' +
        'distributor.receivers.otlp.protocols.{grpc,http}.endpoint',
      'overrides.per_tenant_override_config: configuration/_index.md @v3.0.3 "Tenant-specific overrides"; operations/jsonnet microservices mount tempo-overrides the same way',
    ],
    keys: [
      'backend_worker', 'backend_worker.backend_scheduler_addr', 'backend_worker.ring', 'backend_worker.ring.kvstore', 'backend_worker.ring.kvstore.store',
      'block_builder', 'block_builder.partitions_per_instance',
      'distributor', 'distributor.receivers', 'distributor.receivers.otlp', 'distributor.receivers.otlp.protocols', 'distributor.receivers.otlp.protocols.grpc', 'distributor.receivers.otlp.protocols.grpc.endpoint', 'distributor.receivers.otlp.protocols.http', 'distributor.receivers.otlp.protocols.http.endpoint',
      'ingest', 'ingest.kafka', 'ingest.kafka.address', 'ingest.kafka.auto_create_topic_default_partitions', 'ingest.kafka.sasl_password', 'ingest.kafka.sasl_username', 'ingest.kafka.topic',
      'memberlist', 'memberlist.bind_port', 'memberlist.cluster_label', 'memberlist.join_members',
      'multitenancy_enabled',
      'overrides', 'overrides.per_tenant_override_config',
      'querier', 'querier.frontend_worker', 'querier.frontend_worker.frontend_address',
      'server', 'server.grpc_listen_port', 'server.http_listen_port', 'server.log_level',
      'storage', 'storage.trace', 'storage.trace.azure', 'storage.trace.azure.container_name', 'storage.trace.azure.storage_account_key', 'storage.trace.azure.storage_account_name', 'storage.trace.backend', 'storage.trace.gcs', 'storage.trace.gcs.bucket_name', 'storage.trace.local', 'storage.trace.local.path', 'storage.trace.s3', 'storage.trace.s3.access_key', 'storage.trace.s3.bucket', 'storage.trace.s3.endpoint', 'storage.trace.s3.forcepathstyle', 'storage.trace.s3.insecure', 'storage.trace.s3.region', 'storage.trace.s3.secret_key', 'storage.trace.wal', 'storage.trace.wal.path',
      'stream_over_http_enabled',
      'usage_report', 'usage_report.reporting_enabled',
    ],
    opaque: [],
    flags: {
      '-target': 'manifest.md @v3.0.3: target (all, distributor, live-store, block-builder, querier, query-frontend, backend-scheduler, backend-worker as in operations/jsonnet/microservices/*.libsonnet)',
      '-config.file': 'operations/jsonnet/microservices/*.libsonnet @v3.0.3',
      '-config.expand-env': 'operations/jsonnet/microservices/*.libsonnet @v3.0.3 (variables_expansion)',
      '-live-store.instance-availability-zone': 'operations/jsonnet/microservices/live-store.libsonnet @v3.0.3',
    },
    runtimeSource: [
      'docs/sources/tempo/configuration/manifest.md @v3.0.3 overrides.defaults (ingestion, read, global)',
      'docs/sources/tempo/configuration/_index.md @v3.0.3 "Tenant-specific overrides" (the overrides file, compaction.block_retention)',
    ],
    runtimeKeys: [
      'overrides', 'overrides.<tenant>',
      'overrides.<tenant>.compaction', 'overrides.<tenant>.compaction.block_retention',
      'overrides.<tenant>.global', 'overrides.<tenant>.global.max_bytes_per_trace',
      'overrides.<tenant>.ingestion', 'overrides.<tenant>.ingestion.burst_size_bytes', 'overrides.<tenant>.ingestion.max_traces_per_user', 'overrides.<tenant>.ingestion.rate_limit_bytes', 'overrides.<tenant>.ingestion.retry_info_enabled',
      'overrides.<tenant>.read', 'overrides.<tenant>.read.max_bytes_per_tag_values_query', 'overrides.<tenant>.read.max_condition_groups_per_tag_query',
    ],
  },
  loki: {
    source: [
      'grafana/loki docs/sources/shared/configuration.md @v3.7.6 (every key path expanded from its blocks, incl. period_config for schema_config.configs)',
      'frontend.tail_proxy_url: configuration.md @v3.7.6 (-frontend.tail-proxy-url); production/helm/loki values.yaml loki.frontend.tail_proxy_url (the querier Service)',
      'storage_config.tsdb_shipper.index_gateway_client.server_address with dns+: templates/_helpers.tpl loki.indexGatewayAddress',
    ],
    keys: [
      'analytics', 'analytics.reporting_enabled',
      'auth_enabled',
      'common', 'common.compactor_grpc_address', 'common.path_prefix', 'common.replication_factor', 'common.ring', 'common.ring.kvstore', 'common.ring.kvstore.store', 'common.ring.zone_awareness_enabled', 'common.storage', 'common.storage.azure', 'common.storage.azure.account_key', 'common.storage.azure.account_name', 'common.storage.azure.container_name', 'common.storage.filesystem', 'common.storage.filesystem.chunks_directory', 'common.storage.filesystem.rules_directory', 'common.storage.gcs', 'common.storage.gcs.bucket_name', 'common.storage.s3', 'common.storage.s3.access_key_id', 'common.storage.s3.bucketnames', 'common.storage.s3.endpoint', 'common.storage.s3.insecure', 'common.storage.s3.region', 'common.storage.s3.s3forcepathstyle', 'common.storage.s3.secret_access_key',
      'compactor', 'compactor.delete_request_store', 'compactor.retention_enabled', 'compactor.working_directory',
      'frontend', 'frontend.scheduler_address', 'frontend.tail_proxy_url',
      'frontend_worker', 'frontend_worker.scheduler_address',
      'ingester', 'ingester.lifecycler', 'ingester.lifecycler.ring', 'ingester.lifecycler.ring.zone_awareness_enabled',
      'limits_config', 'limits_config.allow_structured_metadata',
      'runtime_config', 'runtime_config.file',
      'memberlist', 'memberlist.bind_port', 'memberlist.cluster_label', 'memberlist.join_members',
      'schema_config', 'schema_config.configs', 'schema_config.configs.from', 'schema_config.configs.index', 'schema_config.configs.index.period', 'schema_config.configs.index.prefix', 'schema_config.configs.object_store', 'schema_config.configs.schema', 'schema_config.configs.store',
      'server', 'server.grpc_listen_port', 'server.http_listen_port', 'server.log_level',
      'storage_config', 'storage_config.tsdb_shipper', 'storage_config.tsdb_shipper.index_gateway_client', 'storage_config.tsdb_shipper.index_gateway_client.server_address',
    ],
    opaque: [],
    flags: {
      '-target': 'configuration.md @v3.7.6: target (all, distributor, ingester, querier, query-frontend, query-scheduler, index-gateway, compactor)',
      '-config.file': 'configuration.md @v3.7.6 ("-config.file")',
      '-config.expand-env': 'configuration.md @v3.7.6: "pass -config.expand-env=true"',
      '-ingester.availability-zone': 'configuration.md @v3.7.6: ingester.lifecycler.availability_zone (CLI flag -ingester.availability-zone)',
      '-ingester.unregister-on-shutdown': 'configuration.md @v3.7.6 (CLI flag -ingester.unregister-on-shutdown); production/helm/loki templates/ingester/statefulset-ingester-zone-a.yaml passes =false',
      '-ingester.tokens-file-path': 'configuration.md @v3.7.6 (CLI flag -ingester.tokens-file-path); the same chart template passes /var/loki/ring-tokens',
    },
    runtimeSource: [
      'configuration.md @v3.7.6 "Runtime Configuration file" (-runtime-config.file; `overrides` maps a tenant to limits_config keys) and limits_config ' +
        '(retention_period, ingestion_rate_mb, ingestion_burst_size_mb)',
    ],
    runtimeKeys: ['overrides', 'overrides.<tenant>', 'overrides.<tenant>.ingestion_burst_size_mb', 'overrides.<tenant>.ingestion_rate_mb', 'overrides.<tenant>.retention_period'],
  },
};
