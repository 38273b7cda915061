/**
 * The "Kubernetes" dashboard: where a user looks for what the collection features gather (`env.collection`). One row
 * per feature that is switched on: workload state (kube-state-metrics), container resources (kubelet, cAdvisor),
 * nodes (node-exporter), control plane (API server, CoreDNS), application scrape targets (annotations,
 * ServiceMonitors, PodMonitors), and the log sources (pod logs, node logs from the journal, Kubernetes events).
 */
import { Dashboard, DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { CollectionConfig, Environment } from '../../environments';
import { JOBS, LOG_LABELS } from '../alloy/collection';
import { dashboard, dashboardOnce, logs, lokiTimeseries, row, table, timeseries } from './panels';

export const KUBERNETES_DASHBOARD_UID = 'mop-kubernetes';

const RATE = '[$__rate_interval]';
/** Series of the selected cluster and namespace; `$service` selects pods on this dashboard. */
const NS = 'cluster=~"$cluster", namespace=~"$namespace"';
const POD = `${NS}, pod=~"$service"`;

function workloads(d: DashboardBuilder): DashboardBuilder {
  const ksm = `job="${JOBS.kubeStateMetrics}", ${NS}`;
  return d
    .withRow(row('Workloads (kube-state-metrics)'))
    .withPanel(
      table('Deployments short of replicas', 'Desired minus available replicas, for every Deployment that is short.', 'short', [
        { expr: `kube_deployment_spec_replicas{${ksm}} - kube_deployment_status_replicas_available{${ksm}} > 0` },
      ], 12),
    )
    .withPanel(timeseries('Pods by phase', 'Pods in each phase (Pending, Running, Succeeded, Failed, Unknown).', 'short', [{ expr: `sum by (phase) (kube_pod_status_phase{${ksm}})`, legend: '{{phase}}' }], 12))
    .withPanel(
      table('Container restarts (last hour)', 'Containers that restarted in the last hour.', 'short', [
        { expr: `sum by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total{${ksm}, pod=~"$service"}[1h])) > 0` },
      ], 12),
    )
    .withPanel(
      table('Failed jobs, unbound claims, unready nodes', 'Jobs with failed pods, PVCs not Bound, nodes whose Ready condition is not true.', 'short', [
        { expr: `kube_job_status_failed{${ksm}} > 0` },
        { expr: `kube_persistentvolumeclaim_status_phase{${ksm}, phase!="Bound"} == 1` },
        { expr: `kube_node_status_condition{job="${JOBS.kubeStateMetrics}", cluster=~"$cluster", condition="Ready", status="true"} == 0` },
      ], 12),
    );
}

function resources(d: DashboardBuilder): DashboardBuilder {
  return d
    .withRow(row('Container resources (kubelet, cAdvisor)'))
    .withPanel(
      timeseries('CPU by pod', 'Cores used per pod (cAdvisor).', 'short', [
        { expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{job="${JOBS.cadvisor}", ${POD}, container!=""}${RATE}))`, legend: '{{pod}}' },
      ], 8),
    )
    .withPanel(
      timeseries('Memory working set by pod', 'Working-set bytes per pod (what the kubelet evicts on).', 'bytes', [
        { expr: `sum by (pod) (container_memory_working_set_bytes{job="${JOBS.cadvisor}", ${POD}, container!=""})`, legend: '{{pod}}' },
      ], 8),
    )
    .withPanel(
      timeseries('Volume use', 'Used share of each PVC (kubelet volume stats).', 'percentunit', [
        { expr: `kubelet_volume_stats_used_bytes{job="${JOBS.kubelet}", ${NS}} / kubelet_volume_stats_capacity_bytes{job="${JOBS.kubelet}", ${NS}}`, legend: '{{namespace}}/{{persistentvolumeclaim}}' },
      ], 8),
    );
}

function nodes(d: DashboardBuilder): DashboardBuilder {
  const ne = `job="${JOBS.nodeExporter}", cluster=~"$cluster"`;
  return d
    .withRow(row('Nodes (node-exporter, host network)'))
    .withPanel(timeseries('CPU busy', 'Share of CPU time not idle, per node.', 'percentunit', [{ expr: `1 - avg by (instance) (rate(node_cpu_seconds_total{${ne}, mode="idle"}${RATE}))`, legend: '{{instance}}' }], 6))
    .withPanel(
      timeseries('Memory available', 'Available memory as a share of total, per node.', 'percentunit', [
        { expr: `node_memory_MemAvailable_bytes{${ne}} / node_memory_MemTotal_bytes{${ne}}`, legend: '{{instance}}' },
      ], 6),
    )
    .withPanel(
      timeseries('Network received / sent', "Bytes per second on the node's own interfaces (node-exporter runs in the host network namespace).", 'Bps', [
        { expr: `sum by (instance) (rate(node_network_receive_bytes_total{${ne}, device!~"lo|veth.*|cali.*|cilium.*|lxc.*|flannel.*|cni.*"}${RATE}))`, legend: 'in {{instance}}' },
        { expr: `sum by (instance) (rate(node_network_transmit_bytes_total{${ne}, device!~"lo|veth.*|cali.*|cilium.*|lxc.*|flannel.*|cni.*"}${RATE}))`, legend: 'out {{instance}}' },
      ], 6),
    )
    .withPanel(
      timeseries('Filesystem free', 'Free share of each real filesystem, per node.', 'percentunit', [
        { expr: `node_filesystem_avail_bytes{${ne}, fstype!~"tmpfs|ramfs"} / node_filesystem_size_bytes{${ne}, fstype!~"tmpfs|ramfs"}`, legend: '{{instance}} {{mountpoint}}' },
      ], 6),
    );
}

function controlPlane(d: DashboardBuilder): DashboardBuilder {
  const api = `job="${JOBS.apiServer}", cluster=~"$cluster"`;
  return d
    .withRow(row('Control plane (API server, CoreDNS)'))
    .withPanel(timeseries('API requests by code', 'API server requests per second by HTTP code.', 'reqps', [{ expr: `sum by (code) (rate(apiserver_request_total{${api}}${RATE}))`, legend: '{{code}}' }], 8))
    .withPanel(
      timeseries('API latency p99', 'API server request latency p99 by verb (long-running WATCH and CONNECT excluded).', 's', [
        { expr: `histogram_quantile(0.99, sum by (le, verb) (rate(apiserver_request_duration_seconds_bucket{${api}, verb!~"WATCH|CONNECT"}${RATE})))`, legend: '{{verb}}' },
      ], 8),
    )
    .withPanel(
      timeseries('DNS responses by rcode', 'CoreDNS responses per second by response code.', 'reqps', [
        { expr: `sum by (rcode) (rate(coredns_dns_responses_total{job="${JOBS.kubeDns}", cluster=~"$cluster"}${RATE}))`, legend: '{{rcode}}' },
      ], 8),
    );
}

function applications(d: DashboardBuilder): DashboardBuilder {
  return d
    .withRow(row('Application scrape targets (annotations, ServiceMonitors, PodMonitors)'))
    .withPanel(
      table('Targets down', 'Scrape targets of the selected namespaces that are down (`up == 0`), by job.', 'short', [{ expr: `up{${NS}} == 0` }], 12),
    )
    .withPanel(timeseries('Targets up by job', 'Targets scraped successfully, per job.', 'short', [{ expr: `sum by (job) (up{${NS}})`, legend: '{{job}}' }], 12));
}

function podLogs(d: DashboardBuilder): DashboardBuilder {
  const sel = `${LOG_LABELS.namespace}=~"$namespace", ${LOG_LABELS.pod}=~"$service"`;
  return d
    .withRow(row('Pod logs'))
    .withPanel(lokiTimeseries('Log lines per namespace', 'Lines per second of container logs, per namespace.', 'short', `sum by (${LOG_LABELS.namespace}) (rate({${LOG_LABELS.namespace}=~"$namespace"} [$__auto]))`, `{{${LOG_LABELS.namespace}}}`, 12))
    .withPanel(logs('Pod logs', 'Container logs of the selected namespaces and pods; the TraceID field links to Tempo.', `{${sel}}`, 12));
}

function nodeLogs(d: DashboardBuilder): DashboardBuilder {
  return d
    .withRow(row('Node logs (journal)'))
    .withPanel(logs('Kubelet and container runtime', 'Journal entries of kubelet.service and the container runtime on every node.', `{job="${JOBS.journal}"}`, 24));
}

function events(d: DashboardBuilder): DashboardBuilder {
  const ev = `job="${JOBS.events}", ${LOG_LABELS.namespace}=~"$namespace"`;
  return d
    .withRow(row('Kubernetes events'))
    .withPanel(lokiTimeseries('Warning events by reason', 'Warning events per second, by reason.', 'short', `sum by (reason) (count_over_time({${ev}, level="Warning"} [$__auto]))`, '{{reason}}', 12))
    .withPanel(logs('Events', 'Kubernetes events of the selected namespaces.', `{${ev}}`, 12));
}

const ROWS: readonly [keyof CollectionConfig, (d: DashboardBuilder) => DashboardBuilder][] = [
  ['kubeStateMetrics', workloads],
  ['kubelet', resources],
  ['nodeExporter', nodes],
  ['controlPlane', controlPlane],
  ['annotationAutodiscovery', applications],
  ['podLogs', podLogs],
  ['nodeLogs', nodeLogs],
  ['clusterEvents', events],
];

function kubernetesDashboard(c: CollectionConfig): Dashboard {
  let d = dashboard(
    KUBERNETES_DASHBOARD_UID,
    'Kubernetes',
    'What the collection features gather: workload state, container resources, nodes, control plane, application scrape targets, pod and node logs, events.',
    // kube-state-metrics' own `namespace` and `pod` labels (they describe the object, not the scraper).
    { metric: c.kubeStateMetrics ? 'kube_pod_info' : 'up', namespaceLabel: 'namespace', serviceLabel: 'pod' },
  );
  const applicationRow = c.annotationAutodiscovery || c.prometheusOperatorObjects;
  for (const [feature, add] of ROWS) if (c[feature] || (add === applications && applicationRow)) d = add(d);
  return d.build();
}

/** The Kubernetes dashboard, when any collection feature is on (all of them are by default). */
export function collectionDashboards(env: Environment): { kubernetes?: Dashboard } {
  const c = env.collection;
  if (!Object.values(c).some(Boolean)) return {};
  const key = Object.entries(c).map(([k, v]) => `${k}=${v}`).join(',');
  return { kubernetes: dashboardOnce(`kubernetes ${key}`, () => kubernetesDashboard(c)) };
}
