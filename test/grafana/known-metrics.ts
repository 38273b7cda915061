/**
 * Metric names that the platform's components emit, each list with the upstream file it was checked against.
 * Histograms are listed by base name; `_bucket`, `_count` and `_sum` are accepted for them.
 */

/**
 * What writes a list's series into Mimir, as the rules ↔ collection contract (test/support/metric-producers.ts)
 * recognises it in the rendered pipeline: a scraped program (by image, port and path), Alloy itself
 * (prometheus.exporter.self), OBI's OTLP metrics by `metrics.features` group, Alloy's servicegraph connector, the
 * scrape loop's own series of every target, or the Mimir ruler.
 */
export type Producer =
  | 'mimir' | 'tempo' | 'loki' | 'grafana' | 'alloy'
  | 'obi' | 'ebpf-exporter' | 'obi-otlp-application' | 'obi-otlp-network' | 'alloy-servicegraph'
  | 'kube-state-metrics' | 'node-exporter' | 'kubelet' | 'cadvisor' | 'kube-apiserver' | 'coredns'
  | 'scrape' | 'ruler';

export interface MetricList {
  readonly emitter: string;
  readonly producer: Producer;
  /** Upstream repository, version and file the names were checked against. */
  readonly source: string;
  readonly names: readonly string[];
  readonly histograms?: readonly string[];
}

export const KNOWN_METRICS: readonly MetricList[] = [
  {
    emitter: 'OBI application metrics (Prometheus exporter)',
    producer: 'obi-otlp-application',
    source:
      'open-telemetry/opentelemetry-ebpf-instrumentation pkg/export/attributes/metric.go (HTTPServerDuration.Prom) and ' +
      'open-telemetry/opentelemetry.io content/en/docs/zero-code/obi/metrics.md (current: rpc.server.call.duration → rpc_server_call_duration_seconds)',
    names: [],
    histograms: ['http_server_request_duration_seconds', 'http_client_request_duration_seconds', 'rpc_server_call_duration_seconds', 'rpc_client_call_duration_seconds'],
  },
  {
    emitter: 'OBI internal metrics',
    producer: 'obi',
    source: 'open-telemetry/opentelemetry-ebpf-instrumentation pkg/export/attributes/metric_internal.go + metric_internal_test.go (TestInternalPrometheusNames)',
    names: [
      'obi_instrumented_processes',
      'obi_instrumentation_errors_total',
      'obi_otel_trace_export_errors_total',
      'obi_otel_metric_export_errors_total',
      'obi_otel_trace_exports_total',
      'obi_otel_metric_exports_total',
      'obi_internal_build_info',
    ],
  },
  {
    emitter: 'Alloy v1.18.1 otelcol components (collector component telemetry)',
    producer: 'alloy',
    source: 'grafana/alloy operations/alloy-mixin/dashboards/opentelemetry.libsonnet',
    names: ['otelcol_receiver_accepted_spans_total', 'otelcol_receiver_refused_spans_total', 'otelcol_exporter_sent_spans_total', 'otelcol_exporter_send_failed_spans_total'],
  },
  {
    emitter: 'Alloy otelcol.processor.tail_sampling',
    producer: 'alloy',
    source:
      'open-telemetry/opentelemetry-collector-contrib processor/tailsamplingprocessor/metadata.yaml (telemetry.metrics; Alloy prefixes "otelcol_", counters get "_total")',
    names: [
      'otelcol_processor_tail_sampling_global_count_traces_sampled_total',
      'otelcol_processor_tail_sampling_count_spans_sampled_total',
      'otelcol_processor_tail_sampling_count_traces_sampled_total',
      'otelcol_processor_tail_sampling_sampling_traces_on_memory',
      'otelcol_processor_tail_sampling_sampling_trace_dropped_too_early_total',
    ],
  },
  {
    emitter: 'Alloy prometheus.remote_write',
    producer: 'alloy',
    source: 'grafana/alloy operations/alloy-mixin/dashboards/prometheus.libsonnet and internal/static/metrics/wal/wal.go (newStorageMetrics)',
    names: [
      'prometheus_remote_storage_highest_timestamp_in_seconds',
      'prometheus_remote_storage_queue_highest_sent_timestamp_seconds',
      'prometheus_remote_storage_samples_total',
      'prometheus_remote_storage_samples_failed_total',
      'prometheus_remote_write_wal_storage_active_series',
      'prometheus_remote_write_wal_samples_appended_total',
    ],
  },
  {
    emitter: 'Tempo 3.x',
    producer: 'tempo',
    source: 'grafana/tempo modules/distributor/distributor.go (distributor_spans_received_total, distributor_bytes_received_total); operations/tempo-mixin/dashboards/tempo-reads.libsonnet',
    names: ['tempo_distributor_spans_received_total', 'tempo_distributor_bytes_received_total'],
    histograms: ['tempo_request_duration_seconds'],
  },
  {
    emitter: 'Mimir 3.x',
    producer: 'mimir',
    source: 'grafana/mimir operations/mimir-mixin (dashboards/writes.libsonnet, reads.libsonnet, tenants.libsonnet)',
    names: ['cortex_distributor_received_samples_total', 'cortex_ingester_active_series', 'cortex_ingester_memory_series'],
    histograms: ['cortex_request_duration_seconds'],
  },
  {
    emitter: 'Loki 3.x',
    producer: 'loki',
    source: 'grafana/loki pkg/loghttp/push/push.go (distributor_bytes_received_total, distributor_lines_received_total); production/loki-mixin/dashboards/loki-reads.libsonnet',
    names: ['loki_distributor_bytes_received_total', 'loki_distributor_lines_received_total'],
    histograms: ['loki_request_duration_seconds'],
  },
  {
    emitter: 'OBI database client metrics (experiment databaseProfiling)',
    producer: 'obi-otlp-application',
    source:
      'open-telemetry/opentelemetry-ebpf-instrumentation pkg/export/attributes/metric.go (DBClientDuration.Prom) and attr_defs.go ' +
      '(DBClientDuration section: db.system.name, db.operation.name, error.type, server.address + application attributes)',
    names: [],
    histograms: ['db_client_operation_duration_seconds'],
  },
  {
    emitter: 'OBI network metrics (experiment serviceDependencyGraph)',
    producer: 'obi-otlp-network',
    source:
      'open-telemetry/opentelemetry-ebpf-instrumentation pkg/export/attributes/metric.go (NetworkFlow.Prom) and attr_defs.go ' +
      '(networkKubeAttributes: k8s.src/dst.owner.name, k8s.src/dst.namespace shown by default)',
    names: ['obi_network_flow_bytes_total'],
  },
  {
    emitter: 'Alloy otelcol.connector.servicegraph (experiment serviceDependencyGraph)',
    producer: 'alloy-servicegraph',
    source: 'open-telemetry/opentelemetry-collector-contrib connector/servicegraphconnector (traces_service_graph_request_total, _failed_total); docs/alloy.md',
    names: ['traces_service_graph_request_total', 'traces_service_graph_request_failed_total'],
  },
  {
    emitter: 'ebpf_exporter tcp_lifecycle probe (prefix ebpf_exporter_)',
    producer: 'ebpf-exporter',
    source: 'ebpf/tcp_lifecycle.yaml (metrics.counters / metrics.histograms names); cloudflare/ebpf_exporter exporter/exporter.go (prefix)',
    names: ['ebpf_exporter_tcp_connections_established_total', 'ebpf_exporter_tcp_connect_failures_total'],
    histograms: ['ebpf_exporter_tcp_connect_latency_seconds'],
  },
  {
    emitter: 'Alloy v1.18.1 itself and its log and load-balancing components',
    producer: 'alloy',
    source:
      'grafana/alloy v1.18.1 flowcmd/flowcmd.go (build.NewCollector("alloy") → alloy_build_info); internal/component/common/loki/client/metrics.go ' +
      '(loki_write_*); internal/component/loki/source/file/metrics.go (loki_source_file_*); operations/alloy-mixin/dashboards/otel-engine-overview.libsonnet ' +
      '(otelcol_exporter_queue_size, _capacity); open-telemetry/opentelemetry-collector-contrib exporter/loadbalancingexporter/metadata.yaml (loadbalancer_num_backends, otelcol_ prefix)',
    names: [
      'alloy_build_info',
      'loki_write_sent_entries_total',
      'loki_write_dropped_entries_total',
      'loki_source_file_files_active_total',
      'otelcol_exporter_queue_size',
      'otelcol_exporter_queue_capacity',
      'otelcol_loadbalancer_num_backends',
    ],
  },
  {
    emitter: 'kube-state-metrics v2.20.0 (collection.kubeStateMetrics)',
    producer: 'kube-state-metrics',
    source: 'kubernetes/kube-state-metrics v2.20.0 docs/metrics/workload/{pod,deployment,job}-metrics.md, docs/metrics/storage/persistentvolumeclaim-metrics.md, docs/metrics/cluster/node-metrics.md',
    names: [
      'kube_pod_info',
      'kube_pod_status_phase',
      'kube_pod_container_status_restarts_total',
      'kube_deployment_spec_replicas',
      'kube_deployment_status_replicas_available',
      'kube_job_status_failed',
      'kube_persistentvolumeclaim_status_phase',
      'kube_node_status_condition',
    ],
  },
  {
    emitter: 'kubelet (collection.kubelet)',
    producer: 'kubelet',
    source: 'grafana/k8s-monitoring-helm k8s-monitoring-3.8.12 charts/k8s-monitoring/charts/feature-cluster-metrics/default-allow-lists/kubelet.yaml',
    names: ['kubelet_volume_stats_used_bytes', 'kubelet_volume_stats_capacity_bytes'],
  },
  {
    emitter: 'cAdvisor in the kubelet (collection.kubelet)',
    producer: 'cadvisor',
    source: 'grafana/k8s-monitoring-helm k8s-monitoring-3.8.12 charts/k8s-monitoring/charts/feature-cluster-metrics/default-allow-lists/cadvisor.yaml',
    names: ['container_cpu_usage_seconds_total', 'container_memory_working_set_bytes'],
  },
  {
    emitter: 'node-exporter v1.12.1 (collection.nodeExporter)',
    producer: 'node-exporter',
    source: 'prometheus/node_exporter v1.12.1 collector/{cpu_linux,meminfo,filesystem_common,netdev_common}.go (node_cpu_seconds_total, node_memory_<field>_bytes, node_filesystem_avail/size_bytes, node_network_<dir>_bytes_total)',
    names: ['node_cpu_seconds_total', 'node_memory_MemAvailable_bytes', 'node_memory_MemTotal_bytes', 'node_filesystem_avail_bytes', 'node_filesystem_size_bytes', 'node_network_receive_bytes_total', 'node_network_transmit_bytes_total'],
  },
  {
    emitter: 'Kubernetes API server (collection.controlPlane)',
    producer: 'kube-apiserver',
    source: 'kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/endpoints/metrics/metrics.go (apiserver_request_total, apiserver_request_duration_seconds)',
    names: ['apiserver_request_total'],
    histograms: ['apiserver_request_duration_seconds'],
  },
  {
    emitter: 'CoreDNS (collection.controlPlane)',
    producer: 'coredns',
    source: 'coredns/coredns plugin/metrics/vars (coredns_dns_responses_total)',
    names: ['coredns_dns_responses_total'],
  },
  {
    emitter: 'Prometheus scrape loop (every prometheus.scrape target)',
    producer: 'scrape',
    source: 'prometheus/prometheus scrape/scrape.go (scrapeHealthMetricName = "up")',
    names: ['up'],
  },
  {
    emitter: 'Mimir ruler (Prometheus rules engine)',
    producer: 'ruler',
    source: 'prometheus/prometheus rules/alerting.go (alertMetricName = "ALERTS")',
    names: ['ALERTS'],
  },
];

/**
 * Metrics the meta-monitoring alerts (constructs/monitoring) read. The Mimir 3.2.0 repository is larger than the
 * search tool brings here (544 MB snapshot, limit 500 MB), so Mimir names were checked against the mixin and source
 * files the index holds (commits named); every other source was read at the pinned tag.
 */
export const META_MONITORING_METRICS: readonly MetricList[] = [
  {
    emitter: 'Mimir 3.x (ring, ruler, compactor, store-gateway, ingest storage, alertmanager)',
    producer: 'mimir',
    source:
      'grafana/mimir operations/mimir-mixin-compiled/alerts.yaml (index commit 01217a9c01eef770ef5a20ae9f31bc03e7fe6f5d: MimirIngesterUnhealthy, ' +
      'MimirCompactorNotRunningCompaction, MimirStoreGatewayHasNotSyncTheBucket, MimirStoreGatewayTooManyFailedOperations, MimirRulerTooManyFailedQueries/Pushes, ' +
      'MimirRulerMissedEvaluations, MimirAlertmanagerSyncConfigsFailing, MimirIngesterNotShippingBlocks, MimirFewerIngestersConsumingThanActivePartitions, ' +
      'MimirRunningIngesterReceiveDelayTooHigh, MimirIngesterKafkaReadFailed); pkg/alertmanager/alertmanager_metrics.go (cortex_alertmanager_notifications_total, _failed_total)',
    names: [
      'cortex_ring_members',
      'cortex_compactor_last_successful_run_timestamp_seconds',
      'cortex_compactor_runs_failed_total',
      'cortex_bucket_stores_blocks_last_successful_sync_timestamp_seconds',
      'thanos_objstore_bucket_operation_failures_total',
      'thanos_objstore_bucket_operations_total',
      'cortex_ruler_queries_failed_total',
      'cortex_ruler_queries_total',
      'cortex_ruler_write_requests_failed_total',
      'cortex_ruler_write_requests_total',
      'cortex_prometheus_rule_group_iterations_missed_total',
      'cortex_prometheus_rule_group_iterations_total',
      'cortex_alertmanager_notifications_failed_total',
      'cortex_alertmanager_notifications_total',
      'cortex_alertmanager_sync_configs_failed_total',
      'cortex_ingester_shipper_last_successful_upload_timestamp_seconds',
      'cortex_partition_ring_partitions',
      'cortex_ingest_storage_reader_last_consumed_offset',
      'cortex_ingest_storage_reader_read_errors_total',
    ],
    histograms: ['cortex_ingest_storage_reader_receive_delay_seconds'],
  },
  {
    emitter: 'Loki v3.7.6',
    producer: 'loki',
    source:
      'grafana/loki v3.7.6 pkg/util/server/recovery.go (loki_panic_total), pkg/compactor/metrics.go (loki_boltdb_shipper_compactor_running, ' +
      'loki_boltdb_shipper_compact_tables_operation_last_successful_run_timestamp_seconds), pkg/validation/validate.go (loki_discarded_samples_total); production/loki-mixin-compiled/alerts.yaml',
    names: ['loki_panic_total', 'loki_boltdb_shipper_compactor_running', 'loki_boltdb_shipper_compact_tables_operation_last_successful_run_timestamp_seconds', 'loki_discarded_samples_total'],
  },
  {
    emitter: 'Tempo v3.0.3',
    producer: 'tempo',
    source:
      'grafana/tempo v3.0.3 modules/distributor/receiver/metrics_provider.go (tempo_receiver_accepted_spans, tempo_receiver_refused_spans: counters without _total), ' +
      'modules/overrides/discarded_spans.go, pkg/ingest/metrics.go (tempo_ingest_group_partition_lag_seconds), modules/backendscheduler/metrics.go, ' +
      'modules/backendworker/metrics.go, tempodb/blocklist/poller.go; vendor/github.com/grafana/dskit/ring/ring.go (ring_members, prefixed tempo_); operations/tempo-mixin-compiled/alerts.yaml',
    names: [
      'tempo_receiver_accepted_spans',
      'tempo_receiver_refused_spans',
      'tempo_discarded_spans_total',
      'tempo_ingest_group_partition_lag_seconds',
      'tempo_backend_scheduler_jobs_created_total',
      'tempo_backend_scheduler_jobs_failed_total',
      'tempo_backend_worker_bad_jobs_received_total',
      'tempodb_blocklist_poll_errors_total',
      'tempo_ring_members',
    ],
  },
  {
    emitter: 'Alloy v1.18.1 (controller, clustering)',
    producer: 'alloy',
    source:
      'grafana/alloy v1.18.1 internal/runtime/internal/controller/metrics.go (alloy_component_controller_running_components); ' +
      'operations/alloy-mixin/alerts/clustering.libsonnet (cluster_node_peers, from grafana/ckit)',
    names: ['alloy_component_controller_running_components', 'cluster_node_peers'],
  },
  {
    emitter: 'ebpf_exporter v2.5.1',
    producer: 'ebpf-exporter',
    source: 'cloudflare/ebpf_exporter v2.5.1 exporter/exporter.go (programAttachedDesc: ebpf_exporter_ebpf_program_attached{id})',
    names: ['ebpf_exporter_ebpf_program_attached'],
  },
  {
    emitter: 'Grafana',
    producer: 'grafana',
    source: 'grafana/grafana pkg/middleware/request_metrics.go (grafana_http_request_duration_seconds{handler, status_code, method}; index commit 001f3709)',
    names: [],
    histograms: ['grafana_http_request_duration_seconds'],
  },
  {
    emitter: 'kube-state-metrics v2.20.0 (issue #18)',
    producer: 'kube-state-metrics',
    source: 'kubernetes/kube-state-metrics v2.20.0 internal/store/pod.go, daemonset.go, statefulset.go, deployment.go',
    names: [
      'kube_pod_container_status_waiting_reason',
      'kube_pod_status_phase',
      'kube_pod_status_ready',
      'kube_daemonset_status_desired_number_scheduled',
      'kube_daemonset_status_number_available',
      'kube_statefulset_replicas',
      'kube_statefulset_status_current_revision',
      'kube_statefulset_status_update_revision',
      'kube_statefulset_status_replicas_updated',
      'kube_deployment_spec_replicas',
      'kube_deployment_status_replicas_available',
      'kube_deployment_status_replicas_updated',
    ],
  },
  {
    emitter: 'kubelet volume stats (job integrations/kubernetes/kubelet)',
    producer: 'kubelet',
    source:
      'kubernetes/kubernetes pkg/kubelet/metrics/collectors/volume_stats.go (kubelet_volume_stats_*); ' +
      'kubernetes-monitoring/kubernetes-mixin version-1.5.6 alerts/storage_alerts.libsonnet KubePersistentVolumeFillingUp',
    names: ['kubelet_volume_stats_available_bytes', 'kubelet_volume_stats_capacity_bytes'],
  },
  {
    emitter: 'Every Prometheus scrape (Alloy prometheus.scrape)',
    producer: 'scrape',
    source: 'prometheus/prometheus scrape/scrape.go (the synthetic "up" series per target)',
    names: ['up'],
  },
];

/** The names of a list, histograms expanded to their `_bucket`, `_count` and `_sum` series. */
export function seriesNames(list: MetricList): string[] {
  return [...list.names, ...(list.histograms ?? []).flatMap((h) => ['_bucket', '_count', '_sum'].map((s) => `${h}${s}`))];
}

/** What writes a metric: every producer of a list that names it. */
export function producersOf(metric: string): Producer[] {
  return [...new Set([...KNOWN_METRICS, ...META_MONITORING_METRICS].filter((l) => seriesNames(l).includes(metric)).map((l) => l.producer))];
}

export function knownMetricNames(): Set<string> {
  const out = new Set<string>();
  for (const list of [...KNOWN_METRICS, ...META_MONITORING_METRICS]) {
    list.names.forEach((n) => out.add(n));
    for (const h of list.histograms ?? []) for (const s of ['_bucket', '_count', '_sum']) out.add(`${h}${s}`);
  }
  return out;
}
