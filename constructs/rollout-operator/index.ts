/**
 * grafana/rollout-operator (pinned in `versions.ts`) in every store namespace that has multi-zone StatefulSets: it
 * rolls a config change out one zone at a time and, where a store uses it, serves the prepare-downscale webhook
 * (ADR 0012). Upstream's deployment is operations/rollout-operator/rollout-operator.libsonnet @v0.38.1; the RBAC is
 * narrowed to what the code at that tag calls (names in the comments below).
 */
import { k8s } from '../base/k8s';
import {
  ComponentContext,
  WorkloadIdentity,
  container,
  deployment,
  goMemLimit,
  httpProbe,
  service,
  serviceAccount,
  standardLabels,
} from '../base';
import { ComponentDefinition } from '../platform';
import { Store } from '../stores/common';
import {
  ROLLOUT_OPERATOR,
  caInjectionLabels,
  prepareDownscaleWebhookName,
  usesDownscaleWebhook,
  zoneAwareStores,
} from '../stores/rollout';
import { imageOf } from '../versions';

const ID: WorkloadIdentity = { software: 'rolloutOperator', name: 'rollout-operator', component: 'operator' };
const ZPDB_GROUP = 'rollout-operator.grafana.com';

/** The cluster role (and binding) that lets the operator of `namespace` patch its webhook configuration's CA. */
export function webhookClusterRoleName(namespace: string): string {
  return `${ROLLOUT_OPERATOR.name}-${namespace}-webhook`;
}

/** One operator per namespace: what it runs there. */
export interface RolloutOperatorPlan {
  readonly store: Store;
  readonly namespace: string;
  /** TLS server, webhook configuration and certificate Secret (only where a store uses the prepare-downscale webhook). */
  readonly webhooks: boolean;
}

export function rolloutOperatorPlans(ctx: { env: ComponentContext['env'] }): RolloutOperatorPlan[] {
  return zoneAwareStores(ctx.env).map((store) => ({ store, namespace: ctx.env.namespaces[store], webhooks: usesDownscaleWebhook(store) }));
}

/** The namespaced rules the operator needs, each with the call that needs it (v0.38.1). */
export function rolloutOperatorRules(webhooks: boolean): k8s.PolicyRule[] {
  return [
    // controller.go: pod informer, `Pods().Delete` of outdated pods; zpdb/pod_readiness_tracker.go patches the
    // grafana.com/ready-time annotation.
    { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete', 'patch'] },
    // controller.go: StatefulSet informer, `patchStatefulSetSpecReplicas` (leader following);
    // admission/prep_downscale.go `addDownscaledAnnotationToStatefulSet`.
    { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'list', 'watch', 'patch'] },
    // controller.go `UpdateStatus`: the operator advances currentRevision of OnDelete StatefulSets.
    { apiGroups: ['apps'], resources: ['statefulsets/status'], verbs: ['update'] },
    // zpdb/config_observer.go: the ZoneAwarePodDisruptionBudget informer, started and waited for at startup
    // (main.go `evictionController.Start`), even though MOP renders no ZPDB.
    { apiGroups: [ZPDB_GROUP], resources: ['zoneawarepoddisruptionbudgets'], verbs: ['get', 'list', 'watch'] },
    ...(webhooks
      ? [
          // admission/zone_tracker.go (`-use-zone-tracker`): Create, then Get and Update of one ConfigMap. A create
          // cannot be limited to a name (RBAC knows no name at create time); get and update are.
          { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
          { apiGroups: [''], resources: ['configmaps'], resourceNames: [ROLLOUT_OPERATOR.zoneTrackerConfigMap], verbs: ['get', 'update'] },
        ]
      : []),
  ];
}

/**
 * tlscert/kube_secret_persisted.go: the self-signed webhook certificate is kept in one Secret across restarts (Get,
 * then Create or Update). The operator reads only that Secret; `create` cannot be limited to a name.
 */
export function certificateSecretRules(): k8s.PolicyRule[] {
  return [
    { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    { apiGroups: [''], resources: ['secrets'], resourceNames: [ROLLOUT_OPERATOR.certificateSecret], verbs: ['get', 'update'] },
  ];
}

/**
 * tlscert/webhook_observer.go: informers on both webhook configuration kinds (both must sync); webhookconfig.go
 * patches `caBundle` only into the configuration labelled for this namespace, MOP's prepare-downscale webhook.
 */
export function webhookClusterRules(namespace: string): k8s.PolicyRule[] {
  return [
    { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'], verbs: ['list', 'watch'] },
    { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], resourceNames: [prepareDownscaleWebhookName(namespace)], verbs: ['patch'] },
  ];
}

function binding(kind: 'Role' | 'ClusterRole', name: string, namespace: string) {
  return {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name },
    subjects: [{ kind: 'ServiceAccount', name: ROLLOUT_OPERATOR.name, namespace }],
  };
}

function operatorIn(ctx: ComponentContext, plan: RolloutOperatorPlan): void {
  const { namespace, webhooks } = plan;
  const labels = standardLabels(ctx.env, ID);
  const name = ROLLOUT_OPERATOR.name;
  serviceAccount(ctx, ID, name, namespace);

  new k8s.KubeRole(ctx.chart, `Role-${name}`, { metadata: { name, namespace, labels }, rules: rolloutOperatorRules(webhooks) });
  new k8s.KubeRoleBinding(ctx.chart, `RoleBinding-${name}`, { metadata: { name, namespace, labels }, ...binding('Role', name, namespace) });

  const args = [
    `-kubernetes.namespace=${namespace}`,
    '-log.level=info',
    // As upstream's jsonnet: the last downscale per zone is kept in a ConfigMap rather than only in annotations.
    ...(webhooks ? ['-use-zone-tracker=true', `-zone-tracker.config-map-name=${ROLLOUT_OPERATOR.zoneTrackerConfigMap}`, '-server-tls.enabled=true'] : []),
  ];
  const resources = { cpu: '100m', memory: '100Mi', memoryLimit: '200Mi' };
  deployment(ctx, {
    id: ID,
    name,
    namespace,
    replicas: 1,
    // Never two operators at once (upstream: maxSurge 0, maxUnavailable 1).
    maxSurge: 0,
    maxUnavailable: 1,
    serviceAccountName: name,
    containers: [
      container({
        name,
        image: imageOf('rolloutOperator'),
        args,
        env: [goMemLimit(resources.memoryLimit)],
        ports: [{ name: 'http-metrics', port: ROLLOUT_OPERATOR.httpPort }, ...(webhooks ? [{ name: 'https', port: ROLLOUT_OPERATOR.httpsPort }] : [])],
        resources,
        readiness: httpProbe('/ready', 'http-metrics', { initialDelaySeconds: 5, timeoutSeconds: 1 }),
      }),
    ],
  });
  if (!webhooks) return;

  const certRole = `${name}-webhook-certificate`;
  new k8s.KubeRole(ctx.chart, `Role-${certRole}`, { metadata: { name: certRole, namespace, labels }, rules: certificateSecretRules() });
  new k8s.KubeRoleBinding(ctx.chart, `RoleBinding-${certRole}`, { metadata: { name: certRole, namespace, labels }, ...binding('Role', certRole, namespace) });
  const clusterRole = webhookClusterRoleName(namespace);
  new k8s.KubeClusterRole(ctx.platformChart, `ClusterRole-${clusterRole}`, { metadata: { name: clusterRole, labels }, rules: webhookClusterRules(namespace) });
  new k8s.KubeClusterRoleBinding(ctx.platformChart, `ClusterRoleBinding-${clusterRole}`, { metadata: { name: clusterRole, labels }, ...binding('ClusterRole', clusterRole, namespace) });

  // The self-signed certificate names `rollout-operator.<namespace>.svc` (main.go), so the Service keeps that name.
  service(ctx, { id: ID, name, namespace, ports: [{ name: 'https', port: 443 }] });
  const webhook = prepareDownscaleWebhookName(namespace);
  new k8s.KubeMutatingWebhookConfiguration(ctx.chart, `MutatingWebhookConfiguration-${webhook}`, {
    metadata: { name: webhook, labels: { ...labels, ...caInjectionLabels(namespace) } },
    webhooks: [
      {
        name: `${webhook}.grafana.com`,
        admissionReviewVersions: ['v1'],
        clientConfig: { service: { name, namespace, path: '/admission/prepare-downscale', port: 443 } },
        // Fail, as upstream: a downscale the operator could not prepare must not happen.
        failurePolicy: 'Fail',
        matchPolicy: 'Equivalent',
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
        rules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['statefulsets', 'statefulsets/scale'], scope: 'Namespaced' }],
        sideEffects: 'NoneOnDryRun',
        timeoutSeconds: 10,
      },
    ],
  });
}

export const rolloutOperator: ComponentDefinition = {
  name: 'rollout-operator',
  build(ctx) {
    for (const plan of rolloutOperatorPlans(ctx)) operatorIn(ctx.within(plan.namespace), plan);
  },
};
