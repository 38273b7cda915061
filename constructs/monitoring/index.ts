/**
 * Meta-monitoring: the alerts that tell the platform team when MOP itself breaks, for every component it runs
 * (Mimir, Loki, Tempo, Alloy, OBI and ebpf_exporter, Grafana) and the Kubernetes basics of its own namespaces.
 * They follow what the upstream mixins alert on (each alert names the one it follows in `mixin`), written for MOP's
 * labels: platform pods are scraped as `job="<namespace>/<container>"` with `namespace`, `pod`, `container` and
 * `cluster` (constructs/alloy/collection.ts platformScrape), each Alloy workload's own metrics as
 * `job="<namespace>/<workload>"` (selfMetrics), OBI and ebpf_exporter as `integrations/obi` and
 * `integrations/ebpf_exporter` with `node` and `pod`, the kubelet, kube-state-metrics and node-exporter under the
 * k8s-monitoring-helm job names (`JOBS`), kube-state-metrics series with the object's `namespace`.
 * test/monitoring/collection-contract.test.ts checks every selector against what the rendered Alloy configs write.
 *
 * Every aggregation keeps `cluster` and `region`, so in multi-region the global Mimir (where every region's metrics
 * are) evaluates one rule set for all clusters and each alert says where it fired; routing groups and inhibits by
 * both (constructs/mimir/alertmanager.ts). The rule files load into the Mimir ruler next to the SLO rules.
 * Every metric name is listed with its upstream source in test/grafana/known-metrics.ts.
 */
import { Environment, PLATFORM_COMPONENTS, PlatformComponent } from '../../environments';
import { compareStrings } from '../base/order';
import { toYaml } from '../base/yaml';
import { ALLOY_WORKLOADS, JOBS, alloySelfJob, alloyWorkloadJobs } from '../alloy/pipeline';
import { zones } from '../stores/common';
import { Severity, WATCHDOG_ALERT, ZONE_AWARE_LABEL, ZONE_DOWN_ALERT, ZONE_LABEL, ZONE_POD_REGEX } from './labels';

export * from './labels';

/** What a group of meta-monitoring alerts watches. */
export type MonitoredComponent = 'platform' | 'mimir' | 'loki' | 'tempo' | 'alloy' | 'obi' | 'grafana' | 'kubernetes';

export interface MetaAlert {
  readonly alert: string;
  readonly component: MonitoredComponent;
  readonly severity: Severity;
  readonly expr: string;
  readonly for?: string;
  /** Extra static labels (zone_aware, zone). */
  readonly labels?: Readonly<Record<string, string>>;
  readonly summary: string;
  /** May use `{{ $labels.<name> }}` and the `WHERE` phrase. */
  readonly description: string;
  /** The upstream mixin alert this one follows (file and alert name). */
  readonly mixin: string;
}

/** "cluster X (region Y)": where an alert fired, with the region only in multi-region. */
export const WHERE = '{{ $labels.cluster }}{{ with $labels.region }} (region {{ . }}){{ end }}';

const LOC = 'cluster, region';
const by = (...labels: string[]) => `by (${[LOC, ...labels].join(', ')})`;

/**
 * The Alloy workloads whose own metrics reach this environment's Mimir: its own, and in multi-region (global) also the
 * regions' sampling gateways (every region keeps traces).
 */
function alloyJobs(env: Environment, clusteredOnly = false): string[] {
  const own = alloyWorkloadJobs(env);
  const regional = env.multiRegion?.role === 'global' ? [{ job: alloySelfJob(env.namespaces.alloy, ALLOY_WORKLOADS.gateway), clustered: true }] : [];
  const jobs = [...own, ...regional].filter((w) => !clusteredOnly || w.clustered).map((w) => w.job);
  return [...new Set(jobs)].sort(compareStrings);
}

const jobMatcher = (jobs: readonly string[]) => (jobs.length === 1 ? `job="${jobs[0]}"` : `job=~"${jobs.join('|')}"`);

/**
 * Scrape targets MOP renders that carry no `namespace` label (their series describe other objects, or a node): OBI
 * and ebpf_exporter, kube-state-metrics and node-exporter. MOPTargetDown selects them by job.
 */
function nodeAndClusterExporterJobs(env: Environment): string[] {
  const runs = monitoredComponents(env);
  return [
    ...(runs.includes('obi') ? [JOBS.obi, JOBS.ebpfExporter] : []),
    ...(env.collection.kubeStateMetrics ? [JOBS.kubeStateMetrics] : []),
    ...(env.collection.nodeExporter ? [JOBS.nodeExporter] : []),
  ];
}

/** Every namespace MOP creates anywhere in the deployment (in multi-region the regions' too: same prefix). */
export function monitoredNamespaces(env: Environment): string[] {
  return [...new Set(Object.values(env.namespaces))].sort(compareStrings);
}

/** The components whose metrics reach this environment's Mimir: all of them where Mimir runs. */
export function monitoredComponents(env: Environment): readonly PlatformComponent[] {
  return env.multiRegion?.role === 'global' ? PLATFORM_COMPONENTS : env.components;
}

function withZone(expr: string): string {
  return `label_replace(\n${expr},\n"${ZONE_LABEL}", "zone-$1", "pod", "${ZONE_POD_REGEX}"\n)`;
}

function platformAlerts(env: Environment): MetaAlert[] {
  const nsAll = monitoredNamespaces(env).join('|');
  const exporters = nodeAndClusterExporterJobs(env);
  const out: MetaAlert[] = [
    {
      alert: WATCHDOG_ALERT,
      component: 'platform',
      severity: 'info',
      expr: 'vector(1)',
      summary: 'Alerting pipeline heartbeat: always firing.',
      description: 'This alert always fires. It is routed to the heartbeat receiver; if the heartbeat stops arriving, the ruler, the Alertmanager or the path to the receiver is broken.',
      mixin: 'kube-prometheus general.rules Watchdog',
    },
    {
      alert: 'MOPTargetDown',
      component: 'platform',
      severity: 'ticket',
      expr: withZone(
        // `node` tells node-exporter targets apart (they have no pod); the address is left out, it changes with the pod.
        `max ${by('namespace', 'job', 'pod', 'node')} (\n  up{namespace=~"${nsAll}"} == 0\n` +
          (exporters.length ? `  or\n  up{${jobMatcher(exporters)}} == 0\n)` : ')'),
      ),
      for: '10m',
      summary: 'A platform scrape target is down.',
      description: '{{ $labels.job }}{{ with $labels.pod }} (pod {{ . }}){{ end }}{{ with $labels.node }} on node {{ . }}{{ end }} in ' + WHERE + ' has not answered its metrics scrape for 10 minutes.',
      mixin: 'kube-prometheus general.rules TargetDown',
    },
  ];
  if (env.zoneAware) {
    for (const z of zones(env)) {
      const letter = z.name.slice(-1);
      const zonePods = `up{namespace=~"${nsAll}", pod=~".+-zone-[a-z]-[0-9]+"}`;
      out.push({
        alert: ZONE_DOWN_ALERT,
        component: 'platform',
        severity: 'page',
        // Pods of the lost zone may vanish from discovery altogether (their nodes, with their node agents, are gone),
        // so the rule asks "are the other zones' pods scraped while none of this zone's is up".
        expr: `count ${by()} (${zonePods})\nunless\ncount ${by()} (up{namespace=~"${nsAll}", pod=~".+-zone-${letter}-[0-9]+"} == 1)`,
        for: '5m',
        labels: { [ZONE_LABEL]: z.name },
        summary: `Every platform pod of ${z.name} is down.`,
        description: `No pod of the zone-aware StatefulSets in ${z.name} (${z.topologyZone}) of ` + WHERE + ' is up while other zones are: the zone is lost. Alerts about its consequences are inhibited.',
        mixin: 'MOP (the mixins alert per component; this one names the common cause)',
      });
    }
  }
  return out;
}

function mimirAlerts(env: Environment): MetaAlert[] {
  const m = `namespace="${env.namespaces.mimir}"`;
  const distributed = env.stores.mimir === 'distributed';
  const out: MetaAlert[] = [
    {
      alert: 'MimirIngesterUnhealthy',
      component: 'mimir',
      severity: 'page',
      expr: `min ${by('namespace')} (cortex_ring_members{${m}, name="ingester", state="Unhealthy"}) > 0`,
      for: '15m',
      labels: { [ZONE_AWARE_LABEL]: 'true' },
      summary: 'Mimir has unhealthy ingesters in its ring.',
      description: 'The ingester ring of {{ $labels.namespace }} in ' + WHERE + ' has had unhealthy members for 15 minutes.',
      mixin: 'mimir-mixin alerts.yaml MimirIngesterUnhealthy',
    },
    {
      alert: 'MimirRequestErrors',
      component: 'mimir',
      severity: 'page',
      expr:
        `100 * sum ${by('namespace', 'job', 'route')} (rate(cortex_request_duration_seconds_count{${m}, status_code=~"5..", status_code!~"529|598", route!~"ready|debug_pprof"}[5m]))\n` +
        `/\nsum ${by('namespace', 'job', 'route')} (rate(cortex_request_duration_seconds_count{${m}, route!~"ready|debug_pprof"}[5m]))\n> 1`,
      for: '15m',
      summary: 'Mimir answers more than 1% of requests on a route with 5xx.',
      description: '{{ $labels.job }} route {{ $labels.route }} in ' + WHERE + ' has failed more than 1% of its requests (5xx) for 15 minutes: writes (distributor push) or reads are failing.',
      mixin: 'mimir-mixin alerts.yaml MimirRequestErrors',
    },
    {
      alert: 'MimirRequestLatency',
      component: 'mimir',
      severity: 'ticket',
      expr:
        `histogram_quantile(0.99, sum ${by('namespace', 'job', 'route', 'le')} (rate(cortex_request_duration_seconds_bucket{${m}, ` +
        `route!~"metrics|/frontend.Frontend/Process|ready|/schedulerpb.SchedulerForFrontend/FrontendLoop|/schedulerpb.SchedulerForQuerier/QuerierLoop|debug_pprof"}[5m])))\n> 2.5`,
      for: '15m',
      summary: 'Mimir p99 request latency is above 2.5s on a route.',
      description: '{{ $labels.job }} route {{ $labels.route }} in ' + WHERE + ' has had a 99th percentile latency above 2.5s for 15 minutes.',
      mixin: 'mimir-mixin alerts.yaml MimirRequestLatency',
    },
    {
      alert: 'MimirCompactorNotRunningCompaction',
      component: 'mimir',
      severity: 'ticket',
      expr:
        `(time() - max ${by('namespace', 'pod')} (cortex_compactor_last_successful_run_timestamp_seconds{${m}}) > 6 * 3600)\n` +
        `and\n(max ${by('namespace', 'pod')} (cortex_compactor_last_successful_run_timestamp_seconds{${m}}) > 0)`,
      for: '15m',
      summary: 'The Mimir compactor has not completed a compaction in 6 hours.',
      description: 'Compactor {{ $labels.pod }} in ' + WHERE + ' has not run a successful compaction for more than 6 hours; blocks pile up and queries slow down.',
      mixin: 'mimir-mixin alerts.yaml MimirCompactorNotRunningCompaction (in-last-6h)',
    },
    {
      alert: 'MimirCompactorFailing',
      component: 'mimir',
      severity: 'ticket',
      expr: `sum ${by('namespace', 'pod')} (increase(cortex_compactor_runs_failed_total{${m}, reason!="shutdown"}[2h])) >= 2`,
      summary: 'The Mimir compactor failed two compaction runs in a row.',
      description: 'Compactor {{ $labels.pod }} in ' + WHERE + ' failed at least 2 compaction runs in the last 2 hours.',
      mixin: 'mimir-mixin alerts.yaml MimirCompactorNotRunningCompaction (consecutive-failures)',
    },
    {
      alert: 'MimirStoreGatewayHasNotSyncedTheBucket',
      component: 'mimir',
      severity: 'page',
      expr:
        `(time() - max ${by('namespace', 'pod')} (cortex_bucket_stores_blocks_last_successful_sync_timestamp_seconds{${m}, component="store-gateway"}) > 30 * 60)\n` +
        `and\n(max ${by('namespace', 'pod')} (cortex_bucket_stores_blocks_last_successful_sync_timestamp_seconds{${m}, component="store-gateway"}) > 0)`,
      for: '5m',
      summary: 'A Mimir store-gateway has not synced the bucket for 30 minutes.',
      description: 'Store-gateway {{ $labels.pod }} in ' + WHERE + ' has not synced the blocks bucket for more than 30 minutes: queries over older data miss new blocks.',
      mixin: 'mimir-mixin alerts.yaml MimirStoreGatewayHasNotSyncTheBucket',
    },
    {
      alert: 'MimirStoreGatewayTooManyFailedOperations',
      component: 'mimir',
      severity: 'ticket',
      expr:
        `sum ${by('namespace', 'operation')} (rate(thanos_objstore_bucket_operation_failures_total{${m}, component="store-gateway"}[5m]))\n/\n` +
        `sum ${by('namespace', 'operation')} (rate(thanos_objstore_bucket_operations_total{${m}, component="store-gateway"}[5m]))\n>= 0.01`,
      for: '5m',
      summary: 'Mimir store-gateways fail more than 1% of object-storage operations.',
      description: 'Store-gateways in ' + WHERE + ' fail more than 1% of {{ $labels.operation }} operations on the object storage.',
      mixin: 'mimir-mixin alerts.yaml MimirStoreGatewayTooManyFailedOperations',
    },
    {
      alert: 'MimirRulerTooManyFailedQueries',
      component: 'mimir',
      severity: 'page',
      expr:
        `100 * sum ${by('namespace', 'pod')} (rate(cortex_ruler_queries_failed_total{${m}}[5m]))\n/\n` +
        `sum ${by('namespace', 'pod')} (rate(cortex_ruler_queries_total{${m}}[5m]))\n> 1`,
      for: '5m',
      summary: 'The Mimir ruler fails more than 1% of rule evaluations.',
      description: 'Ruler {{ $labels.pod }} in ' + WHERE + ' fails more than 1% of its rule queries: alerts (including these) may not fire.',
      mixin: 'mimir-mixin alerts.yaml MimirRulerTooManyFailedQueries',
    },
    {
      alert: 'MimirRulerTooManyFailedPushes',
      component: 'mimir',
      severity: 'page',
      expr:
        `100 * sum ${by('namespace', 'pod')} (rate(cortex_ruler_write_requests_failed_total{${m}}[5m]))\n/\n` +
        `sum ${by('namespace', 'pod')} (rate(cortex_ruler_write_requests_total{${m}}[5m]))\n> 1`,
      for: '5m',
      summary: 'The Mimir ruler fails to write more than 1% of recording-rule results.',
      description: 'Ruler {{ $labels.pod }} in ' + WHERE + ' fails more than 1% of its writes: recording rules (the SLIs) have gaps.',
      mixin: 'mimir-mixin alerts.yaml MimirRulerTooManyFailedPushes',
    },
    {
      alert: 'MimirRulerMissedEvaluations',
      component: 'mimir',
      severity: 'ticket',
      expr:
        `100 * sum ${by('namespace', 'pod')} (rate(cortex_prometheus_rule_group_iterations_missed_total{${m}}[5m]))\n/\n` +
        `sum ${by('namespace', 'pod')} (rate(cortex_prometheus_rule_group_iterations_total{${m}}[5m]))\n> 5`,
      for: '5m',
      summary: 'The Mimir ruler misses more than 5% of rule-group evaluations.',
      description: 'Ruler {{ $labels.pod }} in ' + WHERE + ' misses more than 5% of its rule-group iterations: evaluations take longer than their interval.',
      mixin: 'mimir-mixin alerts.yaml MimirRulerMissedEvaluations',
    },
    {
      alert: 'MimirAlertmanagerNotificationsFailing',
      component: 'mimir',
      severity: 'page',
      expr:
        `sum ${by('namespace', 'integration')} (rate(cortex_alertmanager_notifications_failed_total{${m}}[5m]))\n/\n` +
        `sum ${by('namespace', 'integration')} (rate(cortex_alertmanager_notifications_total{${m}}[5m]))\n> 0.1`,
      for: '15m',
      summary: 'The Mimir Alertmanager fails to deliver notifications.',
      description: 'More than 10% of {{ $labels.integration }} notifications from ' + WHERE + ' fail: check the receiver Secret and the egress to the receiver.',
      mixin: 'alertmanager-mixin AlertmanagerFailedToSendAlerts (Mimir exports it per tenant as cortex_alertmanager_*)',
    },
    {
      alert: 'MimirAlertmanagerSyncConfigsFailing',
      component: 'mimir',
      severity: 'ticket',
      expr: `sum ${by('namespace', 'pod')} (rate(cortex_alertmanager_sync_configs_failed_total{${m}}[5m])) > 0`,
      for: '30m',
      summary: 'The Mimir Alertmanager cannot read tenant configurations from storage.',
      description: 'Alertmanager {{ $labels.pod }} in ' + WHERE + ' has failed to sync configurations from alertmanager storage for 30 minutes.',
      mixin: 'mimir-mixin alerts.yaml MimirAlertmanagerSyncConfigsFailing',
    },
  ];
  if (distributed) {
    out.push(
      {
        alert: 'MimirIngesterNotShippingBlocks',
        component: 'mimir',
        severity: 'ticket',
        expr:
          `(time() - min ${by('namespace', 'pod')} (cortex_ingester_shipper_last_successful_upload_timestamp_seconds{${m}}) > 4 * 3600)\n` +
          `and\n(max ${by('namespace', 'pod')} (cortex_ingester_shipper_last_successful_upload_timestamp_seconds{${m}}) > 0)`,
        for: '15m',
        summary: 'A Mimir ingester has not uploaded a block in 4 hours.',
        description: 'Ingester {{ $labels.pod }} in ' + WHERE + ' has not shipped a TSDB block to object storage for more than 4 hours.',
        mixin: 'mimir-mixin alerts.yaml MimirIngesterNotShippingBlocks',
      },
      {
        alert: 'MimirFewerIngestersConsumingThanActivePartitions',
        component: 'mimir',
        severity: 'page',
        expr:
          `max ${by('namespace')} (cortex_partition_ring_partitions{${m}, name="ingester-partitions", state="Active"})\n>\n(\n` +
          `  count ${by('namespace')} (count ${by('namespace', 'partition')} (cortex_ingest_storage_reader_last_consumed_offset{${m}}))\n  or\n` +
          `  max ${by('namespace')} (cortex_partition_ring_partitions{${m}, name="ingester-partitions", state="Active"}) * 0\n)`,
        for: '15m',
        labels: { [ZONE_AWARE_LABEL]: 'true' },
        summary: 'Some active Mimir partitions have no ingester consuming them.',
        description: 'In ' + WHERE + ' fewer ingesters consume from Kafka than there are active partitions: the series of the unconsumed partitions are not queryable.',
        mixin: 'mimir-mixin alerts.yaml MimirFewerIngestersConsumingThanActivePartitions',
      },
      {
        alert: 'MimirIngesterKafkaLagTooHigh',
        component: 'mimir',
        severity: 'page',
        expr:
          `sum ${by('namespace', 'pod')} (rate(cortex_ingest_storage_reader_receive_delay_seconds_sum{${m}, phase="running"}[5m]))\n/\n` +
          `sum ${by('namespace', 'pod')} (rate(cortex_ingest_storage_reader_receive_delay_seconds_count{${m}, phase="running"}[5m]))\n> 120`,
        for: '5m',
        summary: 'A Mimir ingester is more than 2 minutes behind Kafka.',
        description: 'Ingester {{ $labels.pod }} in ' + WHERE + ' consumes write requests more than 2 minutes after they were written to Kafka: recent data is missing from queries and from rule evaluations.',
        mixin: 'mimir-mixin alerts.yaml MimirRunningIngesterReceiveDelayTooHigh',
      },
      {
        alert: 'MimirIngesterKafkaReadFailed',
        component: 'mimir',
        severity: 'ticket',
        expr: `sum ${by('namespace', 'pod')} (rate(cortex_ingest_storage_reader_read_errors_total{${m}}[5m])) > 0`,
        for: '15m',
        summary: 'A Mimir ingester fails to read from Kafka.',
        description: 'Ingester {{ $labels.pod }} in ' + WHERE + ' has had Kafka read errors for 15 minutes.',
        mixin: 'mimir-mixin alerts.yaml MimirIngesterKafkaReadFailed',
      },
    );
  }
  return out;
}

function lokiAlerts(env: Environment): MetaAlert[] {
  const l = `namespace="${env.namespaces.loki}"`;
  return [
    {
      alert: 'LokiRequestErrors',
      component: 'loki',
      severity: 'page',
      expr:
        `100 * sum ${by('namespace', 'job', 'route')} (rate(loki_request_duration_seconds_count{${l}, status_code=~"5.."}[5m]))\n/\n` +
        `sum ${by('namespace', 'job', 'route')} (rate(loki_request_duration_seconds_count{${l}}[5m]))\n> 5`,
      for: '15m',
      summary: 'Loki answers more than 5% of requests on a route with 5xx.',
      description: '{{ $labels.job }} route {{ $labels.route }} in ' + WHERE + ' has failed more than 5% of its requests for 15 minutes; on a push route, Alloy is buffering logs it cannot deliver.',
      mixin: 'loki-mixin alerts.yaml LokiRequestErrors',
    },
    {
      alert: 'LokiDiscardingLogs',
      component: 'loki',
      severity: 'ticket',
      expr: `sum ${by('namespace', 'reason')} (rate(loki_discarded_samples_total{${l}}[5m])) > 0`,
      for: '15m',
      summary: 'Loki refuses log lines on push.',
      description: 'Loki in ' + WHERE + ' has discarded pushed log lines for 15 minutes (reason: {{ $labels.reason }}); those lines are lost.',
      mixin: 'loki-mixin dashboards loki-writes (discarded samples); no upstream alert',
    },
    {
      alert: 'LokiRequestLatency',
      component: 'loki',
      severity: 'ticket',
      expr:
        `histogram_quantile(0.99, sum ${by('namespace', 'job', 'route', 'le')} (rate(loki_request_duration_seconds_bucket{${l}, ` +
        `route!~"(?i).*tail.*|/schedulerpb.SchedulerForQuerier/QuerierLoop"}[5m])))\n> 1`,
      for: '15m',
      summary: 'Loki p99 request latency is above 1s on a route.',
      description: '{{ $labels.job }} route {{ $labels.route }} in ' + WHERE + ' has had a 99th percentile latency above 1s for 15 minutes.',
      mixin: 'loki-mixin alerts.yaml LokiRequestLatency',
    },
    {
      alert: 'LokiRequestPanics',
      component: 'loki',
      severity: 'ticket',
      expr: `sum ${by('namespace', 'job')} (increase(loki_panic_total{${l}}[10m])) > 0`,
      summary: 'Loki recovered from a panic.',
      description: '{{ $labels.job }} in ' + WHERE + ' panicked while serving a request in the last 10 minutes.',
      mixin: 'loki-mixin alerts.yaml LokiRequestPanics',
    },
    {
      alert: 'LokiCompactorHasNotSuccessfullyRunCompaction',
      component: 'loki',
      severity: 'ticket',
      expr: `min ${by('namespace')} (time() - (loki_boltdb_shipper_compact_tables_operation_last_successful_run_timestamp_seconds{${l}} > 0)) > 3 * 3600`,
      for: '1h',
      summary: 'The Loki compactor has not compacted in 3 hours.',
      description: 'The Loki compactor in ' + WHERE + ' has not completed a compaction for more than 3 hours; retention is not applied either.',
      mixin: 'loki-mixin alerts.yaml LokiCompactorHasNotSuccessfullyRunCompaction',
    },
    {
      alert: 'LokiTooManyCompactorsRunning',
      component: 'loki',
      severity: 'ticket',
      expr: `sum ${by('namespace')} (loki_boltdb_shipper_compactor_running{${l}}) > 1`,
      for: '5m',
      summary: 'More than one Loki compactor runs.',
      description: 'More than one compactor runs in ' + WHERE + '; only one may.',
      mixin: 'loki-mixin alerts.yaml LokiTooManyCompactorsRunning',
    },
  ];
}

function tempoAlerts(env: Environment): MetaAlert[] {
  const t = `namespace="${env.namespaces.tempo}"`;
  const out: MetaAlert[] = [
    {
      alert: 'TempoDistributorRefusingSpans',
      component: 'tempo',
      severity: 'page',
      expr:
        `sum ${by('namespace')} (rate(tempo_receiver_refused_spans{${t}}[5m]))\n/\n` +
        `(sum ${by('namespace')} (rate(tempo_receiver_refused_spans{${t}}[5m])) + sum ${by('namespace')} (rate(tempo_receiver_accepted_spans{${t}}[5m])))\n> 0.05`,
      for: '10m',
      summary: 'Tempo refuses more than 5% of received spans.',
      description: 'The Tempo distributors in ' + WHERE + ' refuse more than 5% of the spans Alloy sends: traces are lost.',
      mixin: 'alloy-mixin OtelcolReceiverRefusedSpans, applied to the receiver Tempo embeds (tempo_receiver_*)',
    },
    {
      alert: 'TempoDiscardingSpans',
      component: 'tempo',
      severity: 'ticket',
      expr: `sum ${by('namespace', 'reason')} (rate(tempo_discarded_spans_total{${t}}[5m])) > 0`,
      for: '15m',
      summary: 'Tempo discards spans.',
      description: 'Tempo in ' + WHERE + ' has discarded spans for 15 minutes (reason: {{ $labels.reason }}).',
      mixin: 'tempo-mixin dashboards tempo-writes (discarded spans); no upstream alert',
    },
    {
      alert: 'TempoPollsFailing',
      component: 'tempo',
      severity: 'ticket',
      expr:
        `sum ${by('namespace')} (increase(tempodb_blocklist_poll_errors_total{${t}}[1h])) > 2\nand\n` +
        `sum ${by('namespace')} (increase(tempodb_blocklist_poll_errors_total{${t}}[5m])) > 0`,
      summary: 'Tempo fails to poll the block list.',
      description: 'Tempo in ' + WHERE + ' failed more than 2 block-list polls in the last hour and is still failing: queries miss new blocks.',
      mixin: 'tempo-mixin alerts.yaml TempoPollsFailing',
    },
  ];
  if (env.stores.tempo === 'distributed') {
    out.push(
      {
        alert: 'TempoLiveStoreUnhealthy',
        component: 'tempo',
        severity: 'page',
        expr: `max ${by('namespace')} (tempo_ring_members{${t}, name="live-store", state="Unhealthy"}) > 0`,
        for: '15m',
        labels: { [ZONE_AWARE_LABEL]: 'true' },
        summary: 'Tempo has unhealthy live-stores in its ring.',
        description: 'The live-store ring in ' + WHERE + ' has had unhealthy members for 15 minutes: recent traces may not be found.',
        mixin: 'tempo-mixin alerts.yaml TempoLiveStoreUnhealthy',
      },
      {
        alert: 'TempoLiveStorePartitionLag',
        component: 'tempo',
        severity: 'ticket',
        expr: `max ${by('namespace', 'partition')} (avg_over_time(tempo_ingest_group_partition_lag_seconds{${t}, container="live-store"}[6m])) > 200`,
        for: '5m',
        summary: 'A Tempo live-store lags behind Kafka.',
        description: 'Partition {{ $labels.partition }} in ' + WHERE + ' is consumed by the live-stores more than 200s late: recent traces are not searchable.',
        mixin: 'tempo-mixin alerts.yaml TempoLiveStorePartitionLagWarning',
      },
      {
        alert: 'TempoBlockBuilderPartitionLag',
        component: 'tempo',
        severity: 'page',
        expr: `max ${by('namespace', 'partition')} (avg_over_time(tempo_ingest_group_partition_lag_seconds{${t}, container="block-builder"}[6m])) > 300`,
        for: '5m',
        summary: 'A Tempo block-builder lags behind Kafka.',
        description: 'Partition {{ $labels.partition }} in ' + WHERE + ' is more than 300s behind in the block-builders: traces reach object storage late and Kafka retention may drop them.',
        mixin: 'tempo-mixin alerts.yaml TempoBlockBuilderPartitionLagCritical',
      },
      {
        alert: 'TempoBackendSchedulerJobsFailing',
        component: 'tempo',
        severity: 'ticket',
        expr:
          `sum ${by('namespace')} (increase(tempo_backend_scheduler_jobs_failed_total{${t}}[5m]))\n/\n` +
          `sum ${by('namespace')} (increase(tempo_backend_scheduler_jobs_created_total{${t}}[5m]))\n> 0.05`,
        for: '10m',
        summary: 'More than 5% of Tempo backend jobs fail.',
        description: 'The backend-workers in ' + WHERE + ' fail more than 5% of compaction and retention jobs.',
        mixin: 'tempo-mixin alerts.yaml TempoBackendSchedulerJobsFailureRateHigh',
      },
      {
        alert: 'TempoBackendWorkerBadJobs',
        component: 'tempo',
        severity: 'ticket',
        expr: `sum ${by('namespace')} (increase(tempo_backend_worker_bad_jobs_received_total{${t}}[5m])) > 0`,
        for: '10m',
        summary: 'Tempo backend-workers receive jobs they cannot run.',
        description: 'The backend-workers in ' + WHERE + ' keep receiving bad jobs from the backend-scheduler.',
        mixin: 'tempo-mixin alerts.yaml TempoBackendWorkerBadJobsRateHigh',
      },
    );
  }
  return out;
}

function alloyAlerts(env: Environment): MetaAlert[] {
  const a = jobMatcher(alloyJobs(env));
  const clustered = alloyJobs(env, true);
  const inst = by('job', 'instance');
  const out: MetaAlert[] = [
    {
      alert: 'AlloyUnhealthyComponents',
      component: 'alloy',
      severity: 'ticket',
      expr: `sum ${inst} (alloy_component_controller_running_components{${a}, health_type!="healthy"}) > 0`,
      for: '15m',
      summary: 'Alloy runs unhealthy components.',
      description: 'Alloy {{ $labels.instance }} ({{ $labels.job }}) in ' + WHERE + ' has had unhealthy components for 15 minutes.',
      mixin: 'alloy-mixin alloy_controller.yaml UnhealthyComponents',
    },
    {
      alert: 'AlloyExporterFailedSpans',
      component: 'alloy',
      severity: 'page',
      expr:
        `sum ${inst} (rate(otelcol_exporter_send_failed_spans_total{${a}}[5m]))\n/\n` +
        `(sum ${inst} (rate(otelcol_exporter_send_failed_spans_total{${a}}[5m])) + sum ${inst} (rate(otelcol_exporter_sent_spans_total{${a}}[5m])))\n> 0.05`,
      for: '10m',
      summary: 'Alloy fails to export more than 5% of spans.',
      description: 'Alloy {{ $labels.instance }} in ' + WHERE + ' drops more than 5% of the spans it exports (to Tempo or to the sampling gateway).',
      mixin: 'alloy-mixin alloy_otelcol.yaml OtelcolExporterFailedSpans',
    },
    {
      alert: 'AlloyReceiverRefusedSpans',
      component: 'alloy',
      severity: 'ticket',
      expr:
        `sum ${inst} (rate(otelcol_receiver_refused_spans_total{${a}}[5m]))\n/\n` +
        `(sum ${inst} (rate(otelcol_receiver_refused_spans_total{${a}}[5m])) + sum ${inst} (rate(otelcol_receiver_accepted_spans_total{${a}}[5m])))\n> 0.05`,
      for: '10m',
      summary: 'Alloy refuses more than 5% of received spans.',
      description: 'Alloy {{ $labels.instance }} in ' + WHERE + ' refuses more than 5% of incoming spans (memory limiter): OBI loses them.',
      mixin: 'alloy-mixin alloy_otelcol.yaml OtelcolReceiverRefusedSpans',
    },
    {
      alert: 'AlloyRemoteWriteBehind',
      component: 'alloy',
      severity: 'page',
      expr:
        `max ${inst} (prometheus_remote_storage_highest_timestamp_in_seconds{${a}})\n-\n` +
        `max ${inst} (prometheus_remote_storage_queue_highest_sent_timestamp_seconds{${a}})\n> 120`,
      for: '15m',
      summary: 'Alloy remote write is more than 2 minutes behind its WAL.',
      description: 'Alloy {{ $labels.instance }} in ' + WHERE + ' has not sent its newest samples to Mimir for more than 2 minutes: metrics and alerts are late; the WAL grows.',
      mixin: 'alloy-mixin dashboards prometheus.libsonnet (remote write delay); prometheus-mixin PrometheusRemoteWriteBehind',
    },
    {
      alert: 'AlloyRemoteWriteFailing',
      component: 'alloy',
      severity: 'ticket',
      expr:
        `sum ${inst} (rate(prometheus_remote_storage_samples_failed_total{${a}}[5m]))\n/\n` +
        `sum ${inst} (rate(prometheus_remote_storage_samples_total{${a}}[5m]))\n> 0.01`,
      for: '15m',
      summary: 'Alloy fails to write more than 1% of samples to Mimir.',
      description: 'Alloy {{ $labels.instance }} in ' + WHERE + ' has failed more than 1% of its remote-write samples for 15 minutes (non-retryable errors: those samples are dropped).',
      mixin: 'prometheus-mixin PrometheusRemoteStorageFailures',
    },
  ];
  if (clustered.length) {
    out.push({
      alert: 'AlloyClusterNotConverging',
      component: 'alloy',
      severity: 'ticket',
      // One job per clustered workload (alloySelfJob): the gateway and the cluster collector are separate clusters.
      expr: `stddev ${by('job')} (sum without (state) (cluster_node_peers{${jobMatcher(clustered)}})) != 0`,
      for: '10m',
      summary: 'The replicas of a clustered Alloy workload disagree on their cluster members.',
      description:
        'The replicas of {{ $labels.job }} in ' + WHERE + ' see different numbers of peers: the sampling gateway may sample one trace on two replicas, ' +
        'the cluster collector may scrape a target twice or not at all.',
      mixin: 'alloy-mixin alloy_clustering.yaml ClusterNotConverging',
    });
  }
  return out;
}

function obiAlerts(): MetaAlert[] {
  const obi = `job="${JOBS.obi}"`;
  return [
    {
      alert: 'OBINotExportingTraces',
      component: 'obi',
      severity: 'ticket',
      expr: `sum ${by('node')} (rate(obi_otel_trace_exports_total{${obi}}[10m])) == 0\nand\nsum ${by('node')} (obi_instrumented_processes{${obi}}) > 0`,
      for: '30m',
      summary: 'OBI instruments processes but exports no traces.',
      description: 'OBI on node {{ $labels.node }} in ' + WHERE + ' instruments processes but has exported no traces for 30 minutes.',
      mixin: 'MOP (OBI ships no mixin); OBI internal metrics pkg/export/attributes/metric_internal.go',
    },
    {
      alert: 'OBITraceExportErrors',
      component: 'obi',
      severity: 'ticket',
      expr: `sum ${by('node')} (rate(obi_otel_trace_export_errors_total{${obi}}[5m])) > 0`,
      for: '15m',
      summary: 'OBI fails to export traces to Alloy.',
      description: 'OBI on node {{ $labels.node }} in ' + WHERE + ' has failed trace exports to its node agent for 15 minutes.',
      mixin: 'MOP (OBI ships no mixin)',
    },
    {
      alert: 'OBIInstrumentationErrors',
      component: 'obi',
      severity: 'ticket',
      expr: `sum ${by('node')} (increase(obi_instrumentation_errors_total{${obi}}[10m])) > 0`,
      for: '10m',
      summary: 'OBI fails to instrument processes.',
      description: 'OBI on node {{ $labels.node }} in ' + WHERE + ' keeps failing to attach to processes it should instrument.',
      mixin: 'MOP (OBI ships no mixin)',
    },
    {
      alert: 'OBINotInstrumenting',
      component: 'obi',
      severity: 'ticket',
      expr: `sum ${by()} (obi_instrumented_processes{${obi}}) == 0`,
      for: '30m',
      summary: 'OBI instruments no process in the whole cluster.',
      description: 'OBI runs in ' + WHERE + ' but instruments no process on any node: check instrumentation.namespaces and the discovery selectors.',
      mixin: 'MOP (OBI ships no mixin)',
    },
    {
      alert: 'EbpfExporterProbeNotAttached',
      component: 'obi',
      severity: 'ticket',
      expr: `min ${by('node', 'id')} (ebpf_exporter_ebpf_program_attached{job="${JOBS.ebpfExporter}"}) == 0`,
      for: '10m',
      summary: "One of MOP's eBPF probes is not attached.",
      description: 'eBPF program {{ $labels.id }} on node {{ $labels.node }} in ' + WHERE + ' is loaded but not attached: its metrics are missing.',
      mixin: 'MOP (ebpf_exporter ships no mixin); cloudflare/ebpf_exporter exporter/exporter.go ebpf_program_attached',
    },
  ];
}

function grafanaAlerts(env: Environment): MetaAlert[] {
  const g = `namespace="${env.namespaces.grafana}"`;
  return [
    {
      alert: 'GrafanaRequestErrors',
      component: 'grafana',
      severity: 'ticket',
      expr:
        `sum ${by('namespace')} (rate(grafana_http_request_duration_seconds_count{${g}, status_code=~"5.."}[5m]))\n/\n` +
        `sum ${by('namespace')} (rate(grafana_http_request_duration_seconds_count{${g}}[5m]))\n> 0.05`,
      for: '15m',
      summary: 'Grafana answers more than 5% of requests with 5xx.',
      description: 'Grafana in ' + WHERE + ' has failed more than 5% of its HTTP requests for 15 minutes.',
      mixin: 'grafana-mixin GrafanaRequestsFailing',
    },
  ];
}

function kubernetesAlerts(env: Environment): MetaAlert[] {
  const ns = `namespace=~"${monitoredNamespaces(env).join('|')}"`;
  return [
    {
      alert: 'KubePodCrashLooping',
      component: 'kubernetes',
      severity: 'ticket',
      expr: withZone(`max ${by('namespace', 'pod', 'container')} (max_over_time(kube_pod_container_status_waiting_reason{${ns}, reason="CrashLoopBackOff"}[5m])) >= 1`),
      for: '15m',
      summary: 'A platform pod is crash looping.',
      description: 'Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} in ' + WHERE + ' has been in CrashLoopBackOff for 15 minutes.',
      mixin: 'kubernetes-mixin apps_alerts KubePodCrashLooping',
    },
    {
      alert: 'KubePodNotReady',
      component: 'kubernetes',
      severity: 'ticket',
      expr: withZone(
        `max ${by('namespace', 'pod')} (\n  kube_pod_status_phase{${ns}, phase=~"Pending|Unknown"} == 1\n  or\n` +
          `  (kube_pod_status_phase{${ns}, phase="Running"} == 1 and on (${LOC}, namespace, pod) kube_pod_status_ready{${ns}, condition="true"} == 0)\n)`,
      ),
      for: '15m',
      summary: 'A platform pod has not been ready for 15 minutes.',
      description: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} in ' + WHERE + ' has been pending or not ready for 15 minutes.',
      mixin: 'kubernetes-mixin apps_alerts KubePodNotReady',
    },
    {
      alert: 'KubeDaemonSetPodsMissing',
      component: 'kubernetes',
      severity: 'ticket',
      expr:
        `max ${by('namespace', 'daemonset')} (kube_daemonset_status_desired_number_scheduled{${ns}})\n-\n` +
        `max ${by('namespace', 'daemonset')} (kube_daemonset_status_number_available{${ns}})\n> 0`,
      for: '15m',
      summary: 'A platform DaemonSet has no available pod on some nodes.',
      description: 'DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} in ' + WHERE + ' has fewer available pods than nodes it should run on: those nodes send no telemetry.',
      mixin: 'kubernetes-mixin apps_alerts KubeDaemonSetRolloutStuck / KubeDaemonSetNotScheduled',
    },
    {
      alert: 'KubeStatefulSetRolloutStuck',
      component: 'kubernetes',
      severity: 'ticket',
      expr:
        `(\n  max ${by('namespace', 'statefulset')} (\n    kube_statefulset_status_current_revision{${ns}}\n    unless\n    kube_statefulset_status_update_revision{${ns}}\n  )\n` +
        `  * on (${LOC}, namespace, statefulset)\n  (\n    max ${by('namespace', 'statefulset')} (kube_statefulset_replicas{${ns}})\n    !=\n` +
        `    max ${by('namespace', 'statefulset')} (kube_statefulset_status_replicas_updated{${ns}})\n  )\n)\n` +
        `and on (${LOC}, namespace, statefulset)\n(\n  changes(max ${by('namespace', 'statefulset')} (kube_statefulset_status_replicas_updated{${ns}})[10m:1m]) == 0\n)`,
      for: '15m',
      summary: 'A platform StatefulSet rollout has not progressed for 15 minutes.',
      description: 'StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} in ' + WHERE + ' has replicas on an old revision and no replica was updated for 15 minutes.',
      mixin: 'kubernetes-mixin apps_alerts KubeStatefulSetUpdateNotRolledOut; mimir-mixin MimirRolloutStuck',
    },
    {
      alert: 'KubeDeploymentReplicasMismatch',
      component: 'kubernetes',
      severity: 'ticket',
      expr:
        `(\n  max ${by('namespace', 'deployment')} (kube_deployment_spec_replicas{${ns}})\n  >\n  max ${by('namespace', 'deployment')} (kube_deployment_status_replicas_available{${ns}})\n)\n` +
        `and on (${LOC}, namespace, deployment)\n(\n  changes(max ${by('namespace', 'deployment')} (kube_deployment_status_replicas_updated{${ns}})[10m:1m]) == 0\n)`,
      for: '15m',
      summary: 'A platform Deployment has had too few available replicas for 15 minutes.',
      description: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} in ' + WHERE + ' has fewer available replicas than it wants and is not progressing.',
      mixin: 'kubernetes-mixin apps_alerts KubeDeploymentReplicasMismatch',
    },
    ...(
      [
        ['ticket', 0.2, '1h', '80 %'],
        ['page', 0.05, '5m', '95 %'],
      ] as const
    ).map(
      ([severity, free, wait, full]): MetaAlert => ({
        alert: 'KubePersistentVolumeFillingUp',
        component: 'kubernetes',
        severity,
        expr:
          `max ${by('namespace', 'persistentvolumeclaim')} (kubelet_volume_stats_available_bytes{${ns}, job="${JOBS.kubelet}"})\n/\n` +
          `max ${by('namespace', 'persistentvolumeclaim')} (kubelet_volume_stats_capacity_bytes{${ns}, job="${JOBS.kubelet}"})\n< ${free}`,
        for: wait,
        summary: `A platform PersistentVolume is more than ${full} full.`,
        description: 'PVC {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} in ' + WHERE + ` has less than ${Math.round(free * 100)} % free space.`,
        mixin: 'kubernetes-mixin storage_alerts KubePersistentVolumeFillingUp',
      }),
    ),
  ];
}

/** Every meta-monitoring alert of an environment (what its Mimir evaluates). */
export function metaMonitoringAlerts(env: Environment): MetaAlert[] {
  const runs = monitoredComponents(env);
  return [
    ...platformAlerts(env),
    ...(runs.includes('mimir') ? mimirAlerts(env) : []),
    ...(runs.includes('loki') ? lokiAlerts(env) : []),
    ...(runs.includes('tempo') ? tempoAlerts(env) : []),
    ...(runs.includes('alloy') ? alloyAlerts(env) : []),
    ...(runs.includes('obi') ? obiAlerts() : []),
    ...(runs.includes('grafana') ? grafanaAlerts(env) : []),
    ...kubernetesAlerts(env),
  ];
}

/** `https://host/org/repo` for the Argo CD repo URL (https, ssh:// or scp-like git@host:org/repo). */
export function repositoryWebUrl(repoURL: string): string {
  const scp = /^git@([^:]+):(.+)$/.exec(repoURL);
  const ssh = /^ssh:\/\/(?:[^@/]+@)?([^/:]+)(?::[0-9]+)?\/(.+)$/.exec(repoURL);
  const base = scp ? `https://${scp[1]}/${scp[2]}` : ssh ? `https://${ssh[1]}/${ssh[2]}` : repoURL;
  return base.replace(/\.git$/, '').replace(/\/$/, '');
}

/** The runbook page of an alert: docs/runbooks/<alert>.md at the revision Argo CD deploys. */
export function runbookUrl(env: Environment, alert: string): string {
  return `${repositoryWebUrl(env.argocd.repoURL)}/blob/${env.argocd.targetRevision}/docs/runbooks/${alert}.md`;
}

/** Adds each alert's `runbook_url` to rule groups built elsewhere (SLO and experiment rules). */
export function withRunbooks<G extends { rules: Record<string, unknown>[] }>(env: Environment, groups: G[]): G[] {
  return groups.map((g) => ({
    ...g,
    rules: g.rules.map((r) =>
      typeof r.alert === 'string' ? { ...r, annotations: { ...(r.annotations as Record<string, string>), runbook_url: runbookUrl(env, r.alert) } } : r,
    ),
  }));
}

function rule(env: Environment, a: MetaAlert): Record<string, unknown> {
  return {
    alert: a.alert,
    expr: a.expr,
    ...(a.for ? { for: a.for } : {}),
    labels: { severity: a.severity, ...(a.labels ?? {}) },
    annotations: { summary: a.summary, description: a.description, runbook_url: runbookUrl(env, a.alert) },
  };
}

/** The rule file name of one component's group. */
export function metaRuleFileName(component: MonitoredComponent): string {
  return `meta-${component}.yaml`;
}

/** Rule files (file name → YAML) for the Mimir ruler: one group per monitored component. */
export function metaMonitoringRuleFiles(env: Environment): Record<string, string> {
  const byComponent = new Map<MonitoredComponent, MetaAlert[]>();
  for (const a of metaMonitoringAlerts(env)) {
    if (!byComponent.has(a.component)) byComponent.set(a.component, []);
    byComponent.get(a.component)!.push(a);
  }
  const files: Record<string, string> = {};
  for (const [component, alerts] of byComponent) {
    files[metaRuleFileName(component)] = toYaml({ groups: [{ name: `mop-meta-${component}`, rules: alerts.map((a) => rule(env, a)) }] });
  }
  return files;
}
