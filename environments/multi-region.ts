/**
 * Multi-region production (docs/experiments/multi-region.md): one regional environment per region in
 * `PRODUCTION_REGIONS` (OBI, Alloy, Tempo, Loki: traces and logs stay in the region) and one global environment
 * (Mimir for the metrics of every region, labelled `region`, and one Grafana with a Tempo and a Loki datasource per
 * region). Adding a region is one line in `PRODUCTION_REGIONS`.
 *
 * Everything else is derived from `production.ts`: per region its own cluster name, buckets, Kafka topics, S3
 * endpoint and Argo CD project, named after the environment. The cross-cluster URLs follow one convention under
 * `domain` (`https://mimir.global.<domain>`, `https://tempo.<region>.<domain>`, `https://loki.<region>.<domain>`); the
 * operator exposes them (DNS, TLS, an ingress in a namespace labelled `mop.dev/cross-region-access: "true"`).
 */
import { EnvironmentInput, RegionEndpoints } from './model';
import { production } from './production';

export interface RegionSpec {
  /** Cloud region id, the `region` label of the region's metrics. */
  readonly region: string;
  /** Its three availability zones. */
  readonly zones: readonly string[];
}

export interface MultiRegionSpec {
  /** DNS domain under which the operator exposes the cross-cluster URLs. */
  readonly domain: string;
  /** Where the global Mimir and Grafana run. */
  readonly global: RegionSpec;
  readonly regions: readonly RegionSpec[];
}

/** The production regions: one line per region. */
export const PRODUCTION_REGIONS: readonly RegionSpec[] = [
  { region: 'eu-west-1', zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] },
  { region: 'us-east-1', zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] },
];

export const PRODUCTION_MULTI_REGION: MultiRegionSpec = {
  domain: 'mop.example.com',
  global: { region: 'eu-central-1', zones: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'] },
  regions: PRODUCTION_REGIONS,
};

export const GLOBAL_SUFFIX = 'global';

/** `https://<service>.<where>.<domain>`: the URL convention of the cross-cluster addresses. */
export function crossClusterUrl(spec: MultiRegionSpec, service: 'mimir' | 'tempo' | 'loki', where: string, path = ''): string {
  return `https://${service}.${where}.${spec.domain}${path}`;
}

export function regionEndpoints(spec: MultiRegionSpec, region: string): RegionEndpoints {
  return { name: region, tempoQueryUrl: crossClusterUrl(spec, 'tempo', region), lokiQueryUrl: crossClusterUrl(spec, 'loki', region) };
}

/** The base environment's settings for another cluster: names, buckets, topics and S3 endpoint follow `name`. */
function derive(base: EnvironmentInput, name: string, where: RegionSpec): EnvironmentInput {
  const rename = (s: string) => s.split(base.name).join(name);
  const buckets = base.storage.buckets;
  return {
    ...base,
    name,
    cluster: { name: rename(base.cluster.name), region: where.region, zones: where.zones },
    argocd: { ...base.argocd, project: rename(base.argocd.project) },
    storage: {
      ...base.storage,
      ...(base.storage.s3 ? { s3: { ...base.storage.s3, endpoint: base.storage.s3.endpoint.split(base.cluster.region).join(where.region), region: where.region } } : {}),
      ...(buckets ? { buckets: Object.fromEntries(Object.entries(buckets).map(([k, v]) => [k, rename(v)])) as unknown as typeof buckets } : {}),
    },
    ...(base.kafka ? { kafka: { ...base.kafka, mimirTopic: rename(base.kafka.mimirTopic), tempoTopic: rename(base.kafka.tempoTopic) } } : {}),
  };
}

/** The regional environments (`<base>-<region>`) and the global one (`<base>-global`), in that order. */
export function multiRegionEnvironments(base: EnvironmentInput, spec: MultiRegionSpec): EnvironmentInput[] {
  const globalName = `${base.name}-${GLOBAL_SUFFIX}`;
  const regional = spec.regions.map(
    (r): EnvironmentInput => ({
      ...derive(base, `${base.name}-${r.region}`, r),
      // Traces are sampled in the region (Alloy) and canaries run where the applications run.
      experiments: { ...base.experiments, serviceDependencyGraph: false, databaseProfiling: false },
      multiRegion: {
        role: 'regional',
        globalMimir: {
          pushUrl: crossClusterUrl(spec, 'mimir', GLOBAL_SUFFIX, '/api/v1/push'),
          queryUrl: crossClusterUrl(spec, 'mimir', GLOBAL_SUFFIX, '/prometheus'),
        },
      },
    }),
  );
  const n = spec.regions.length;
  const global: EnvironmentInput = {
    ...derive(base, globalName, spec.global),
    // The global Mimir carries every region's series; each region carries the base profile.
    workload: { ...base.workload, activeSeries: base.workload.activeSeries * n, samplesPerSecond: base.workload.samplesPerSecond * n, queriesPerSecond: base.workload.queriesPerSecond * n },
    // Dashboards and Mimir rules render here; tail sampling and canaries belong to the regions.
    experiments: { ...base.experiments, sloTailSampling: false, canaryAnalysis: false },
    // Alloy collects the global cluster's own metrics and logs; no Tempo runs here, so no application traces.
    collection: { ...base.collection, applicationObservability: false },
    multiRegion: {
      role: 'global',
      regions: spec.regions.map((r, i) => ({
        ...regionEndpoints(spec, r.region),
        // The global cluster's own logs go to the first region's Loki, which the default Loki datasource reads.
        ...(i === 0 ? { lokiPushUrl: crossClusterUrl(spec, 'loki', r.region, '/loki/api/v1/push') } : {}),
      })),
    },
  };
  return [...regional, global];
}

/** The multi-region production environments `npm run synth` renders. */
export const PRODUCTION_MULTI_REGION_ENVIRONMENTS: readonly EnvironmentInput[] = multiRegionEnvironments(production, PRODUCTION_MULTI_REGION);
