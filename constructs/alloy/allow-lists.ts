/**
 * Metric allow-lists: a `prometheus.relabel` keep rule per scrape job, so that kubelet, cAdvisor, node-exporter,
 * kube-state-metrics and the API server write a bounded set of series. The kubelet, cAdvisor, kubelet-resource,
 * node-exporter and kube-state-metrics lists are the default allow-lists of grafana/k8s-monitoring-helm 3.8.12
 * (charts/k8s-monitoring/charts/feature-cluster-metrics/default-allow-lists/*.yaml), with the MOP additions noted.
 * Entries are anchored regular expressions (the relabel rule joins them with `|`).
 */

/** Every allow-list keeps the scrape's health series (k8s-monitoring adds the same two). */
const SCRAPE_HEALTH = ['up', 'scrape_samples_scraped'];

export const KUBELET_METRICS: readonly string[] = [
  ...SCRAPE_HEALTH,
  'go_goroutines',
  'kubelet_certificate_manager_client_expiration_renew_errors',
  'kubelet_certificate_manager_client_ttl_seconds',
  'kubelet_certificate_manager_server_ttl_seconds',
  'kubelet_cgroup_manager_duration_seconds_bucket',
  'kubelet_cgroup_manager_duration_seconds_count',
  'kubelet_node_config_error',
  'kubelet_node_name',
  'kubelet_pleg_relist_duration_seconds_bucket',
  'kubelet_pleg_relist_duration_seconds_count',
  'kubelet_pleg_relist_interval_seconds_bucket',
  'kubelet_pod_start_duration_seconds_bucket',
  'kubelet_pod_start_duration_seconds_count',
  'kubelet_pod_worker_duration_seconds_bucket',
  'kubelet_pod_worker_duration_seconds_count',
  'kubelet_running_container_count',
  'kubelet_running_containers',
  'kubelet_running_pod_count',
  'kubelet_running_pods',
  'kubelet_runtime_operations_errors_total',
  'kubelet_runtime_operations_total',
  'kubelet_server_expiration_renew_errors',
  'kubelet_volume_stats_available_bytes',
  'kubelet_volume_stats_capacity_bytes',
  'kubelet_volume_stats_inodes',
  'kubelet_volume_stats_inodes_free',
  'kubelet_volume_stats_inodes_used',
  'kubelet_volume_stats_used_bytes',
  'kubernetes_build_info',
  'namespace_workload_pod',
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
  'rest_client_requests_total',
  'storage_operation_duration_seconds_count',
  'storage_operation_errors_total',
  'volume_manager_total_volumes',
];

export const CADVISOR_METRICS: readonly string[] = [
  ...SCRAPE_HEALTH,
  'container_cpu_cfs_periods_total',
  'container_cpu_cfs_throttled_periods_total',
  'container_cpu_usage_seconds_total',
  'container_fs_reads_bytes_total',
  'container_fs_reads_total',
  'container_fs_writes_bytes_total',
  'container_fs_writes_total',
  'container_memory_cache',
  'container_memory_rss',
  'container_memory_swap',
  'container_memory_usage_bytes',
  'container_memory_working_set_bytes',
  'container_network_receive_bytes_total',
  'container_network_receive_packets_dropped_total',
  'container_network_receive_packets_total',
  'container_network_transmit_bytes_total',
  'container_network_transmit_packets_dropped_total',
  'container_network_transmit_packets_total',
  'machine_memory_bytes',
];

export const KUBELET_RESOURCE_METRICS: readonly string[] = [...SCRAPE_HEALTH, 'node_cpu_usage_seconds_total', 'node_memory_working_set_bytes'];

export const NODE_EXPORTER_METRICS: readonly string[] = [
  ...SCRAPE_HEALTH,
  'node_cpu.*',
  'node_exporter_build_info',
  'node_filesystem.*',
  'node_memory.*',
  'node_network_receive_bytes_total',
  'node_network_receive_drop_total',
  'node_network_transmit_bytes_total',
  'node_network_transmit_drop_total',
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
  // MOP: load and pressure for the node panels and the alerts of issue #17.
  'node_load1',
  'node_load5',
  'node_load15',
  'node_uname_info',
];

/**
 * Upstream's list without `kube_configmap_*` and `kube_secret_*` (MOP's kube-state-metrics does not list ConfigMaps
 * or Secrets at all), plus the readiness and scheduling series that kubernetes-mixin-style alerts use.
 */
export const KUBE_STATE_METRICS: readonly string[] = [
  ...SCRAPE_HEALTH,
  'kube_cronjob.*',
  'kube_daemonset.*',
  'kube_deployment_metadata_generation',
  'kube_deployment_spec_replicas',
  'kube_deployment_status_condition',
  'kube_deployment_status_observed_generation',
  'kube_deployment_status_replicas_available',
  'kube_deployment_status_replicas_updated',
  'kube_horizontalpodautoscaler_spec_max_replicas',
  'kube_horizontalpodautoscaler_spec_min_replicas',
  'kube_horizontalpodautoscaler_status_current_replicas',
  'kube_horizontalpodautoscaler_status_desired_replicas',
  'kube_job.*',
  'kube_namespace_status_phase',
  'kube_node.*',
  'kube_persistentvolume_status_phase',
  'kube_persistentvolumeclaim_access_mode',
  'kube_persistentvolumeclaim_info',
  'kube_persistentvolumeclaim_labels',
  'kube_persistentvolumeclaim_resource_requests_storage_bytes',
  'kube_persistentvolumeclaim_status_phase',
  'kube_pod_completion_time',
  'kube_pod_container_info',
  'kube_pod_container_resource_limits',
  'kube_pod_container_resource_requests',
  'kube_pod_container_status_last_terminated_reason',
  'kube_pod_container_status_last_terminated_timestamp',
  'kube_pod_container_status_restarts_total',
  'kube_pod_container_status_waiting_reason',
  'kube_pod_info',
  'kube_pod_owner',
  'kube_pod_restart_policy',
  'kube_pod_spec_volumes_persistentvolumeclaims_info',
  'kube_pod_start_time',
  'kube_pod_status_phase',
  'kube_pod_status_reason',
  'kube_pod_init_.*',
  'kube_replicaset.*',
  'kube_resourcequota',
  'kube_statefulset.*',
  // MOP additions (kube-state-metrics docs/metrics/workload/pod-metrics.md, v2.20.0).
  'kube_pod_status_ready',
  'kube_pod_status_scheduled',
  'kube_pod_container_status_ready',
  'kube_pod_container_status_running',
  'kube_pod_container_status_terminated_reason',
];

/**
 * The API server's own series are the largest cardinality item of a cluster (a histogram per verb, resource and
 * scope); upstream keeps everything, MOP keeps what request-rate, latency, saturation and certificate panels use.
 */
export const API_SERVER_METRICS: readonly string[] = [
  ...SCRAPE_HEALTH,
  'apiserver_request_total',
  'apiserver_request_duration_seconds_(bucket|count|sum)',
  'apiserver_current_inflight_requests',
  'apiserver_storage_objects',
  'apiserver_client_certificate_expiration_seconds_(bucket|count)',
  'workqueue_depth',
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
  'go_goroutines',
];

/** The keep-regex of an allow-list (Prometheus relabel regexes are fully anchored). */
export function allowListRegex(names: readonly string[]): string {
  return names.join('|');
}
