/**
 * Multi-region (docs/experiments/multi-region.md): the labels and names the regional and the global environments
 * agree on. Which components each runs is derived in `environments/validate.ts` (`components`); where metrics go is
 * decided in `endpoints.ts` (a region's `mimirPush`/`mimirQuery` are the global Mimir's URLs).
 */
import { Environment, RegionEndpoints } from '../environments';

/** The label every metric a region sends carries (its `cluster.region`). */
export const REGION_LABEL = 'region';

/**
 * Namespaces the operator labels `mop.dev/cross-region-access: "true"`: where the ingress or gateway runs that
 * terminates TLS for the URLs exposed to the other clusters (the global Mimir, a region's Tempo and Loki).
 */
export const CROSS_REGION_ACCESS_LABEL = 'mop.dev/cross-region-access';

/** `{ region: <cluster.region> }` in a regional environment, otherwise nothing. */
export function regionLabels(env: Environment): Record<string, string> {
  return env.multiRegion?.role === 'regional' ? { [REGION_LABEL]: env.cluster.region } : {};
}

/** PromQL matchers that keep a query to this environment's region (none outside a regional environment). */
export function regionMatchers(env: Environment): string[] {
  return Object.entries(regionLabels(env)).map(([k, v]) => `${k}="${v}"`);
}

/** The regions a global environment's Grafana reads traces and logs from (none elsewhere). */
export function globalRegions(env: Environment): readonly RegionEndpoints[] {
  return env.multiRegion?.role === 'global' ? env.multiRegion.regions : [];
}
