/**
 * Zone-by-zone rollouts and zone-by-zone downscales of the stores' multi-zone StatefulSets, driven by
 * grafana/rollout-operator (pinned in `versions.ts`; ADR 0012). What the operator reads, from its source at v0.38.1:
 *
 * - `pkg/config/config.go`: the `rollout-group` label, the `rollout-max-unavailable` annotation and the
 *   `grafana.com/prepare-downscale*`, `grafana.com/min-time-between-zones-downscale` and
 *   `grafana.com/rollout-downscale-leader` keys.
 * - `pkg/controller/controller.go`: StatefulSets are found by the `rollout-group` label on the StatefulSet, their pods
 *   by the pod template's `name` label (`listPodsByStatefulSet`); a group is rolled only if every StatefulSet in it is
 *   `OnDelete` (`reconcileStatefulSetsGroup`).
 * - `pkg/admission/prep_downscale.go`: on a replica decrease of a StatefulSet labelled `grafana.com/prepare-downscale`,
 *   the webhook POSTs `http://<pod>.<serviceName>.<namespace>.svc.<domain>:<port>/<path>` on every pod removed, and
 *   refuses the change while another StatefulSet of the group was downscaled less than
 *   `min-time-between-zones-downscale` ago or still has non-updated or non-ready pods.
 */
import { Environment } from '../../environments';
import type { Store } from './common';

export const ROLLOUT_GROUP_KEY = 'rollout-group';
/** Pod-template label the operator lists a StatefulSet's pods by; unique per StatefulSet in the namespace. */
export const ROLLOUT_POD_NAME_KEY = 'name';
export const ROLLOUT_MAX_UNAVAILABLE_KEY = 'rollout-max-unavailable';
export const DOWNSCALE_KEYS = {
  prepareLabel: 'grafana.com/prepare-downscale',
  minTimeBetweenZonesLabel: 'grafana.com/min-time-between-zones-downscale',
  pathAnnotation: 'grafana.com/prepare-downscale-http-path',
  portAnnotation: 'grafana.com/prepare-downscale-http-port',
  leaderAnnotation: 'grafana.com/rollout-downscale-leader',
} as const;

/** How the operator rolls and scales the zones of one component. */
export interface ZoneRollout {
  /** `rollout-max-unavailable`: pods of one zone deleted together, a count or `N%` of the zone's replicas. */
  readonly maxUnavailable: number | `${number}%`;
  /** The endpoint the prepare-downscale webhook calls on each pod a downscale removes, and the wait between zones. */
  readonly prepareDownscale?: { readonly path: string; readonly port: number; readonly minTimeBetweenZones: string };
  /**
   * Zone N+1 follows zone N's replica count once `minTimeBetweenZones` has passed since the last downscale in the
   * group (README "How scaling up and down works"): a downscale proceeds one zone at a time even though every zone's
   * replicas change in the same commit.
   */
  readonly followLeader?: boolean;
}

export interface ZoneRolloutMetadata {
  readonly objectLabels: Record<string, string>;
  readonly objectAnnotations: Record<string, string>;
  readonly podLabels: Record<string, string>;
}

/** Labels and annotations of one zone's StatefulSet (`name`) in rollout group `group`; `leader` is the previous zone's. */
export function zoneRolloutMetadata(group: string, name: string, rollout: ZoneRollout, leader: string | undefined): ZoneRolloutMetadata {
  const p = rollout.prepareDownscale;
  return {
    objectLabels: {
      [ROLLOUT_GROUP_KEY]: group,
      ...(p ? { [DOWNSCALE_KEYS.prepareLabel]: 'true', [DOWNSCALE_KEYS.minTimeBetweenZonesLabel]: p.minTimeBetweenZones } : {}),
    },
    objectAnnotations: {
      [ROLLOUT_MAX_UNAVAILABLE_KEY]: String(rollout.maxUnavailable),
      ...(p ? { [DOWNSCALE_KEYS.pathAnnotation]: p.path, [DOWNSCALE_KEYS.portAnnotation]: String(p.port) } : {}),
      ...(rollout.followLeader && leader ? { [DOWNSCALE_KEYS.leaderAnnotation]: leader } : {}),
    },
    podLabels: { [ROLLOUT_GROUP_KEY]: group, [ROLLOUT_POD_NAME_KEY]: name },
  };
}

/**
 * How every multi-zone component of the stores rolls and scales, as upstream deploys it:
 *
 * - Mimir ingester and store-gateway: the mimir-distributed chart (templates/ingester/ingester-statefulset.yaml,
 *   templates/store-gateway/store-gateway-statefulset.yaml, `mimir.zoneAwareReplicationMap` in _helpers.tpl, as the
 *   6.0.x defaults render): `rollout-max-unavailable: 50`, the `ingester/prepare-shutdown` and
 *   `store-gateway/prepare-shutdown` endpoints on the HTTP port, 12h (ingesters) and 30m (store-gateways) between zone
 *   downscales, zone-b following zone-a and zone-c following zone-b.
 * - Tempo live-store: operations/jsonnet/microservices/live-store.libsonnet @v3.0.3: `rollout-max-unavailable: 25`,
 *   `live-store/prepare-downscale` on 3200, `min-time-between-zones-downscale: "0"` (the partition is made INACTIVE
 *   first; docs/stores.md).
 * - Loki ingester: production/helm/loki @v3.7.6 templates/ingester/statefulset-ingester-zone-*.yaml:
 *   `rollout-max-unavailable` = ceil(replicas per zone × `zoneAwareReplication.maxUnavailablePct` 33 / 100)
 *   (`loki.ingester.maxUnavailable`), no prepare-downscale webhook.
 */
export const ZONE_ROLLOUTS = {
  mimir: {
    ingester: (): ZoneRollout => ({
      maxUnavailable: 50,
      prepareDownscale: { path: 'ingester/prepare-shutdown', port: 8080, minTimeBetweenZones: '12h' },
      followLeader: true,
    }),
    'store-gateway': (): ZoneRollout => ({
      maxUnavailable: 50,
      prepareDownscale: { path: 'store-gateway/prepare-shutdown', port: 8080, minTimeBetweenZones: '30m' },
      followLeader: true,
    }),
  },
  tempo: {
    'live-store': (): ZoneRollout => ({
      maxUnavailable: 25,
      prepareDownscale: { path: 'live-store/prepare-downscale', port: 3200, minTimeBetweenZones: '0' },
    }),
  },
  loki: {
    ingester: (replicasPerZone: number): ZoneRollout => ({ maxUnavailable: Math.ceil(replicasPerZone * 0.33) }),
  },
} as const satisfies Record<Store, Record<string, (replicasPerZone: number) => ZoneRollout>>;

export function zoneRollout<S extends Store>(store: S, component: keyof (typeof ZONE_ROLLOUTS)[S], replicasPerZone: number): ZoneRollout {
  return (ZONE_ROLLOUTS[store][component] as (r: number) => ZoneRollout)(replicasPerZone);
}

/** Whether a store's zone StatefulSets use the prepare-downscale webhook (and so its operator serves webhooks). */
export function usesDownscaleWebhook(store: Store): boolean {
  return Object.values(ZONE_ROLLOUTS[store] as Record<string, (r: number) => ZoneRollout>).some((rollout) => rollout(1).prepareDownscale !== undefined);
}

/**
 * The stores that render multi-zone StatefulSets in this environment, and so get a rollout-operator in their
 * namespace (the operator watches one namespace: `-kubernetes.namespace`, cmd/rollout-operator/main.go).
 */
export function zoneAwareStores(env: Environment): Store[] {
  if (!env.zoneAware) return [];
  return (['mimir', 'tempo', 'loki'] as const).filter((s) => env.stores[s] === 'distributed' && env.components.includes(s));
}

/** Names and ports of one rollout-operator (operations/rollout-operator/rollout-operator.libsonnet and main.go @v0.38.1). */
export const ROLLOUT_OPERATOR = {
  name: 'rollout-operator',
  /** `-server.port`: /ready and /metrics. */
  httpPort: 8001,
  /** `-server-tls.port`: the admission webhooks. */
  httpsPort: 8443,
  /** `-server-tls.self-signed-cert.secret-name` default: where the operator persists its self-signed certificate. */
  certificateSecret: 'rollout-operator-self-signed-certificate',
  /** `-zone-tracker.config-map-name`: last downscale per zone, for `-use-zone-tracker`. */
  zoneTrackerConfigMap: 'rollout-operator-zone-tracker',
} as const;

/** The operator injects its CA into webhook configurations labelled with these (README "TLS Certificates"). */
export function caInjectionLabels(namespace: string): Record<string, string> {
  return { 'grafana.com/inject-rollout-operator-ca': 'true', 'grafana.com/namespace': namespace };
}

export function prepareDownscaleWebhookName(namespace: string): string {
  return `prepare-downscale-${namespace}`;
}
