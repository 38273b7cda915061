/**
 * Experiment `canaryAnalysis`: canary automated rollback driven by the SLOs.
 *
 * Per SLO, an Argo Rollouts `ClusterAnalysisTemplate` (cluster-scoped, so MOP renders nothing into the application
 * teams' namespaces) asks Mimir for OBI's error ratio and p99 latency of the canary pods only, and passes or fails
 * each measurement against the SLO's numbers. A team's Rollout references it with `clusterScope: true`. An example
 * `Rollout` (podinfo, a small pinned upstream demo app) in MOP's own namespace `<prefix>-canary` shows the wiring.
 *
 * Argo Rollouts v1.9.1 (CRDs in ../shared/crds): prometheus provider `address`, `query`, `timeout`, `headers[{key,
 * value}]`; metric `interval`, `initialDelay`, `count`, `failureLimit`, `successCondition`, `failureCondition`; args
 * with `value` defaults and `valueFrom.podTemplateHashValue: Latest`; `templates[].clusterScope: true` selects a
 * ClusterAnalysisTemplate (docs/features/analysis.md, docs/analysis/prometheus.md).
 * The controller names a Rollout's ReplicaSets `<rollout>-<pod-template-hash>`, and OBI labels every series with
 * `k8s_replicaset_name` (pkg/export/attributes/attr_defs.go, appKubeAttributes), so a query can select the canary.
 */
import { Construct } from 'constructs';
import { k8s } from '../base/k8s';
import { SloConfig } from '../../environments';
import {
  ClusterAnalysisTemplate,
  ClusterAnalysisTemplateSpecMetricsCount,
  ClusterAnalysisTemplateSpecMetricsFailureLimit,
} from '../../imports/rollouts-clusteranalysistemplate-argoproj.io';
import { Rollout, RolloutProps, RolloutSpecStrategyCanarySteps, RolloutSpecStrategyCanaryStepsPauseDuration } from '../../imports/rollouts-rollout-argoproj.io';
import { ComponentContext, WorkloadIdentity, container, httpProbe, namespace, platformLabels, restrictedPodSecurityContext, selectorLabels, service, standardLabels } from '../base';
import { Environment } from '../../environments';
import { url } from '../endpoints';
import { regionMatchers } from '../multi-region';
import { ComponentDefinition } from '../platform';
import { OBI_HTTP_SERVER } from '../slo';
import { imageOf } from '../versions';

export const ROLLOUTS_COMPONENT = 'rollouts';

/** Argument names of every MOP ClusterAnalysisTemplate. */
export const ANALYSIS_ARGS = {
  /** OBI's `service_name` of the workload under analysis; defaults to the SLO's service. */
  serviceName: 'service-name',
  /** Namespace of the workload under analysis (`k8s_namespace_name`); defaults to the SLO's namespace. */
  namespace: 'namespace',
  /** Pod template hash of the canary ReplicaSet (`valueFrom.podTemplateHashValue: Latest`). */
  canaryHash: 'canary-hash',
} as const;

/** Measurement schedule: OBI exports metrics every 60s (OTEL_EBPF_METRICS_INTERVAL), so rates need a few minutes. */
export const ANALYSIS_SCHEDULE = { initialDelay: '2m', interval: '1m', count: 5, failureLimit: 1, rateWindow: '5m', timeoutSeconds: 30 } as const;

/**
 * `<prefix>-slo-<namespace>.<service>`: cluster-wide, so it names the SLO's namespace too; a namespace holds no dot,
 * so two SLOs never share a name.
 */
export function analysisTemplateName(env: Environment, slo: SloConfig): string {
  return `${env.namespacePrefix}-slo-${slo.namespace}.${slo.service}`;
}

const arg = (name: string) => `{{args.${name}}}`;

/** Matchers for the canary pods of the workload named by the args. */
function canarySelector(extra: readonly string[] = []): string {
  return [
    `${OBI_HTTP_SERVER.namespaceLabel}="${arg(ANALYSIS_ARGS.namespace)}"`,
    `${OBI_HTTP_SERVER.serviceLabel}="${arg(ANALYSIS_ARGS.serviceName)}"`,
    `k8s_replicaset_name=~".+-${arg(ANALYSIS_ARGS.canaryHash)}"`,
    ...extra,
  ].join(', ');
}

/**
 * Error ratio (5xx / all) of the canary as a scalar. Without traffic the ratio is 0/0 = NaN, which meets neither
 * condition: the measurement is Inconclusive and the Rollout pauses instead of promoting on no evidence.
 * `scope`: extra matchers, e.g. `region="eu-west-1"` when a region's canary is judged on the global Mimir (the same
 * Rollout has the same pod template hash in every region).
 */
export function canaryErrorRatioQuery(scope: readonly string[] = []): string {
  const w = ANALYSIS_SCHEDULE.rateWindow;
  const all = `sum(rate(${OBI_HTTP_SERVER.count}{${canarySelector(scope)}}[${w}]))`;
  const errors = `sum(rate(${OBI_HTTP_SERVER.count}{${canarySelector([`${OBI_HTTP_SERVER.statusLabel}=~"5.."`, ...scope])}}[${w}]))`;
  return `scalar(\n  (${errors} or 0 * ${all})\n  /\n  ${all}\n)`;
}

/** p99 server-side duration of the canary, in seconds, as a scalar (NaN without traffic). */
export function canaryP99Query(scope: readonly string[] = []): string {
  const w = ANALYSIS_SCHEDULE.rateWindow;
  return `scalar(\n  histogram_quantile(0.99, sum by (le) (rate(${OBI_HTTP_SERVER.bucket}{${canarySelector(scope)}}[${w}])))\n)`;
}

/** The SLO numbers the canary is judged by. */
export function canaryThresholds(slo: SloConfig): { maxErrorRatio: number; maxP99Seconds: number } {
  return { maxErrorRatio: Number((1 - slo.objectivePercent / 100).toPrecision(12)), maxP99Seconds: slo.latencyThresholdMs / 1000 };
}

function analysisTemplate(ctx: ComponentContext, slo: SloConfig): ClusterAnalysisTemplate {
  const { maxErrorRatio, maxP99Seconds } = canaryThresholds(slo);
  const s = ANALYSIS_SCHEDULE;
  const provider = (query: string) => ({
    prometheus: {
      address: url(ctx.endpoints.mimirQuery),
      timeout: s.timeoutSeconds,
      headers: [{ key: 'X-Scope-OrgID', value: ctx.env.tenant }],
      query,
    },
  });
  const schedule = {
    initialDelay: s.initialDelay,
    interval: s.interval,
    count: ClusterAnalysisTemplateSpecMetricsCount.fromNumber(s.count),
    failureLimit: ClusterAnalysisTemplateSpecMetricsFailureLimit.fromNumber(s.failureLimit),
  };
  return new ClusterAnalysisTemplate(ctx.chart, `ClusterAnalysisTemplate-${analysisTemplateName(ctx.env, slo)}`, {
    metadata: {
      name: analysisTemplateName(ctx.env, slo),
      labels: { ...platformLabels(ctx.env, ROLLOUTS_COMPONENT), 'mop.dev/slo-namespace': slo.namespace, 'mop.dev/slo-service': slo.service },
      annotations: {
        'mop.dev/slo': `availability ${slo.objectivePercent}%, p99 <= ${slo.latencyThresholdMs}ms`,
      },
    },
    spec: {
      args: [{ name: ANALYSIS_ARGS.serviceName, value: slo.service }, { name: ANALYSIS_ARGS.namespace, value: slo.namespace }, { name: ANALYSIS_ARGS.canaryHash }],
      metrics: [
        {
          name: 'error-ratio',
          ...schedule,
          // NaN (no traffic yet) meets neither condition: Inconclusive.
          successCondition: `result <= ${maxErrorRatio}`,
          failureCondition: `result > ${maxErrorRatio}`,
          provider: provider(canaryErrorRatioQuery(regionMatchers(ctx.env))),
        },
        {
          name: 'p99-latency',
          ...schedule,
          successCondition: `result <= ${maxP99Seconds}`,
          failureCondition: `result > ${maxP99Seconds}`,
          provider: provider(canaryP99Query(regionMatchers(ctx.env))),
        },
      ],
    },
  });
}

/**
 * The example canary workload: podinfo in MOP's `<prefix>-canary` namespace, judged by the first SLO's template
 * under its own service name and namespace.
 */
export const DEMO = {
  name: 'canary-demo',
  port: { name: 'http', number: 9898 },
  replicas: 4,
  weights: [10, 25, 50],
  pause: '5m',
} as const;

const DEMO_ID: WorkloadIdentity = { software: 'podinfo', name: DEMO.name, component: 'demo' };

/** Namespaces whose pods may send the demo requests: the operator labels them (a load generator, a bastion). */
export const CANARY_DEMO_ACCESS_LABEL = 'mop.dev/canary-demo-access';

/** Canary steps: each weight is followed by a pause, then the SLO analysis must pass before the next weight. */
export function demoSteps(env: Environment, slo: SloConfig): RolloutSpecStrategyCanarySteps[] {
  return DEMO.weights.flatMap((weight) => [
    { setWeight: weight },
    { pause: { duration: RolloutSpecStrategyCanaryStepsPauseDuration.fromString(DEMO.pause) } },
    {
      analysis: {
        templates: [{ templateName: analysisTemplateName(env, slo), clusterScope: true }],
        args: [
          { name: ANALYSIS_ARGS.serviceName, value: DEMO.name },
          { name: ANALYSIS_ARGS.namespace, value: env.namespaces.canary },
          { name: ANALYSIS_ARGS.canaryHash, valueFrom: { podTemplateHashValue: 'Latest' } },
        ],
      },
    },
  ]);
}

/** The demo pod template, built with the base helpers (restricted security contexts, requests/limit, readiness). */
function demoPodTemplate(ctx: ComponentContext): k8s.PodTemplateSpec {
  return {
    metadata: {
      labels: standardLabels(ctx.env, DEMO_ID),
      // OBI takes service.name from `resource.opentelemetry.io/*` pod annotations (pkg/internal/kube/store.go).
      annotations: { 'resource.opentelemetry.io/service.name': DEMO.name },
    },
    spec: {
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: restrictedPodSecurityContext(),
      containers: [
        container({
          name: 'podinfo',
          image: imageOf('podinfo'),
          command: ['./podinfo', `--port=${DEMO.port.number}`, '--level=info'],
          ports: [{ name: DEMO.port.name, port: DEMO.port.number }],
          resources: { cpu: '10m', memory: '32Mi', memoryLimit: '64Mi' },
          readiness: httpProbe('/readyz', DEMO.port.name, { initialDelaySeconds: 2 }),
          liveness: httpProbe('/healthz', DEMO.port.name, { initialDelaySeconds: 5 }),
          // podinfo's --data-path defaults to /data; the root filesystem is read-only.
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        }),
      ],
      volumes: [{ name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
    },
  };
}

/**
 * A Rollout whose pod template is the core `PodTemplateSpec` the base helpers build. The generated Rollout class
 * re-serialises its spec through its own types (whose IntOrString/Quantity classes differ from the core ones), so
 * the template is set on the serialised object; the CRD embeds the core PodTemplateSpec schema unchanged.
 */
class RolloutWithPodTemplate extends Rollout {
  constructor(scope: Construct, id: string, props: RolloutProps, private readonly template: k8s.PodTemplateSpec) {
    super(scope, id, props);
  }

  override toJson(): any {
    const json = super.toJson();
    return { ...json, spec: { ...json.spec, template: k8s.toJson_PodTemplateSpec(this.template) } };
  }
}

function demoRollout(ctx: ComponentContext, slo: SloConfig): void {
  const ns = ctx.env.namespaces.canary;
  namespace(ctx, ns, 'restricted');
  new RolloutWithPodTemplate(
    ctx.chart,
    `Rollout-${DEMO.name}`,
    {
      metadata: { name: DEMO.name, namespace: ns, labels: standardLabels(ctx.env, DEMO_ID) },
      spec: {
        replicas: DEMO.replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selectorLabels(ctx.env, DEMO_ID) },
        strategy: { canary: { steps: demoSteps(ctx.env, slo) } },
      },
    },
    demoPodTemplate(ctx),
  );
  service(ctx, { id: DEMO_ID, name: DEMO.name, namespace: ns, ports: [{ name: DEMO.port.name, port: DEMO.port.number, appProtocol: 'http' }] });
}

function build(ctx: ComponentContext): void {
  const env = ctx.env;
  if (!env.experiments.canaryAnalysis) return;
  // Cluster-scoped: application namespaces belong to their teams, MOP renders nothing into them.
  for (const slo of env.slos) analysisTemplate(ctx, slo);
  demoRollout(ctx, env.slos[0]);
}

export const rollouts: ComponentDefinition = { name: ROLLOUTS_COMPONENT, build };
