/**
 * The label vocabulary MOP's alerts and the Alertmanager routing agree on (rules in `constructs/monitoring/` and
 * `constructs/slo/`, routing in `constructs/mimir/alertmanager.ts`).
 */

/** `page`: wake someone up; `ticket`: work hours; `info`: context, no notification unless routed. */
export const SEVERITIES = ['page', 'ticket', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The always-firing dead man's switch alert. */
export const WATCHDOG_ALERT = 'Watchdog';

/** Fires when every pod of one logical zone (`zone-a`, ...) of the platform's zone-aware StatefulSets is down. */
export const ZONE_DOWN_ALERT = 'MOPZoneDown';

/** The logical zone of a zone StatefulSet pod (`mimir-ingester-zone-a-0` → `zone-a`), set on pod-level alerts. */
export const ZONE_LABEL = 'zone';

/**
 * `zone_aware="true"` marks alerts that a lost zone is expected to cause in a zone-aware ring (ingesters or
 * live-stores unhealthy): the zone-down alert inhibits them so the page says the cause, not its consequences.
 */
export const ZONE_AWARE_LABEL = 'zone_aware';

/** Labels that say where an alert comes from; every grouping and inhibition keeps them apart. */
export const LOCATION_LABELS = ['cluster', 'region'] as const;

/** The regex over a pod name that yields its zone letter (`$1`). */
export const ZONE_POD_REGEX = '.+-zone-([a-z])-[0-9]+';
