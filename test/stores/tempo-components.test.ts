/**
 * Every Tempo component MOP renders has a consumer of what it produces, and the metrics-generator runs exactly when a
 * tenant has processors. What each target produces and who reads it is grafana/tempo's data flow at v3.0.3 (files
 * cited per rule); who is rendered, what the config points at and which network flows exist are read from the render.
 * An idle component fails here: the metrics-generator that consumed the whole Kafka topic without a processor did.
 */
import { url } from '../../constructs/endpoints';
import { Flow } from '../../constructs/network/flows';
import { KubeObject, RenderedEnvironment } from '../../constructs/render';
import { Environment } from '../../environments';
import { renderedEnvironments } from '../support/render';
import { objectsOf, podSpec, rendered, runtimeConfig, storeConfig, workloads } from './helpers';

type Obj = Record<string, any>;

interface TempoRender {
  readonly env: Environment;
  readonly objects: readonly KubeObject[];
  readonly config: Obj;
  readonly runtime: Obj;
  readonly flows: readonly Flow[];
}

function tempoOf(r: RenderedEnvironment): TempoRender {
  return { env: r.env, objects: objectsOf(r, 'tempo'), config: storeConfig(r, 'tempo').value as Obj, runtime: runtimeConfig(r, 'tempo') as Obj, flows: r.network.flows };
}

const targetOf = (w: KubeObject) => (podSpec(w).containers[0].args ?? []).find((a) => a.startsWith('-target='))?.slice('-target='.length) ?? '';
const templateLabels = (w: KubeObject): Record<string, string> => (w.spec as Obj).template.metadata.labels;
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) => !!selector && Object.entries(selector).every(([k, v]) => labels[k] === v);
const tempoWorkloads = (t: TempoRender) => t.objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
const targets = (t: TempoRender) => new Set(tempoWorkloads(t).map(targetOf));
const renderedAmong = (t: TempoRender, wanted: readonly string[]) => wanted.filter((x) => targets(t).has(x));

/**
 * The processors the tenant runs: its own block of the overrides file, else the wildcard tenant's, else
 * `overrides.defaults` (modules/overrides/runtime_config_overrides.go getOverridesForUser @v3.0.3: a tenant's block
 * replaces the defaults, it is not merged with them).
 */
function tenantProcessors(t: TempoRender): string[] {
  const perTenant = t.runtime.overrides ?? {};
  const limits = perTenant[t.env.tenant] ?? perTenant['*'] ?? t.config.overrides?.defaults ?? {};
  return limits.metrics_generator?.processors ?? [];
}

/** The Tempo targets whose pods a `host:port` in the tempo namespace reaches (through a rendered Service and port). */
function targetsAt(t: TempoRender, address: string | undefined): string[] {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local:(\d+)$/.exec(address ?? '');
  if (!m) return [];
  const svc = t.objects.find((o) => o.kind === 'Service' && o.metadata.name === m[1] && o.metadata.namespace === m[2]);
  const spec = svc?.spec as Obj | undefined;
  if (!spec?.ports?.some((p: Obj) => p.port === Number(m[3]))) return [];
  return tempoWorkloads(t).filter((w) => selects(spec.selector, templateLabels(w))).map(targetOf);
}

/** Flows from outside Tempo's namespace to a Service that selects the pods of `target`. */
function externalFlowsTo(t: TempoRender, target: string): string[] {
  const ns = t.env.namespaces.tempo;
  const pods = tempoWorkloads(t).filter((w) => targetOf(w) === target).map(templateLabels);
  return t.flows
    .filter((f) => !(f.from.kind === 'namespace' && f.from.namespace === ns) && f.to.kind === 'service' && f.to.endpoint.namespace === ns)
    .filter((f) => {
      const endpoint = (f.to as { endpoint: { service: string } }).endpoint;
      const svc = t.objects.find((o) => o.kind === 'Service' && o.metadata.name === endpoint.service && o.metadata.namespace === ns);
      return pods.some((labels) => selects((svc?.spec as Obj | undefined)?.selector, labels));
    })
    .map((f) => f.id);
}

/** Remote-write URLs of the generator that a flow lets Tempo's pods reach. */
function reachableRemoteWrites(t: TempoRender): string[] {
  const ns = t.env.namespaces.tempo;
  const urls: string[] = (t.config.metrics_generator?.storage?.remote_write ?? []).map((rw: Obj) => rw.url);
  return urls.filter((u) =>
    t.flows.some(
      (f) => f.from.kind === 'namespace' && f.from.namespace === ns && ((f.to.kind === 'service' && url(f.to.endpoint) === u) || (f.to.kind === 'external' && f.to.what.includes(u))),
    ),
  );
}

interface ConsumerRule {
  readonly produces: string;
  /** Where upstream's code says who reads it (grafana/tempo @v3.0.3). */
  readonly upstream: string;
  readonly consumers: (t: TempoRender) => string[];
}

/** What each `-target` produces and who consumes it. */
const CONSUMERS: Readonly<Record<string, ConsumerRule>> = {
  all: {
    produces: 'the Tempo query API (search, trace by ID, TraceQL and TraceQL metrics)',
    upstream: 'cmd/tempo/app/modules.go SingleBinary (QueryFrontend among its modules)',
    consumers: (t) => externalFlowsTo(t, 'all'),
  },
  distributor: {
    produces: 'trace records in the Kafka topic `ingest.kafka.topic`',
    upstream: 'cmd/tempo/app/modules.go initLiveStore, configureGenerator (ConsumeFromKafka outside single-binary) and modules/blockbuilder',
    consumers: (t) => (t.config.ingest?.kafka?.topic ? renderedAmong(t, ['live-store', 'block-builder', 'metrics-generator']) : []),
  },
  'live-store': {
    produces: 'answers over recent data, TraceQL metrics included',
    upstream: 'modules/querier/querier_query_range.go queryRangeRecent (forLiveStoreMetricsRing); modules.go: Querier depends on LiveStoreRing',
    consumers: (t) => renderedAmong(t, ['querier']),
  },
  'block-builder': {
    produces: 'blocks in object storage',
    upstream: 'modules/frontend/metrics_query_range_sharder.go (backend jobs for replication-factor-1 blocks, modules/blockbuilder/tenant_store.go) answered by querier_query_range.go queryBlock; backend-workers compact them',
    consumers: (t) => renderedAmong(t, ['querier', 'backend-worker']),
  },
  'backend-scheduler': {
    produces: 'compaction and retention jobs',
    upstream: 'modules/backendworker: workers poll backend_worker.backend_scheduler_addr',
    consumers: (t) => (targetsAt(t, t.config.backend_worker?.backend_scheduler_addr).includes('backend-scheduler') ? renderedAmong(t, ['backend-worker']) : []),
  },
  'backend-worker': {
    produces: 'compacted blocks (and retention applied) in object storage',
    upstream: 'modules/backendworker; queriers read the compacted blocks (querier_query_range.go queryBlock)',
    consumers: (t) => renderedAmong(t, ['querier']),
  },
  querier: {
    produces: 'answers to the jobs of the query-frontend',
    upstream: 'modules/querier: the frontend worker connects to querier.frontend_worker.frontend_address',
    consumers: (t) => [...new Set(targetsAt(t, t.config.querier?.frontend_worker?.frontend_address).filter((x) => x === 'query-frontend'))],
  },
  'query-frontend': {
    produces: 'the Tempo query API (search, trace by ID, TraceQL and TraceQL metrics)',
    upstream: 'modules/frontend',
    consumers: (t) => externalFlowsTo(t, 'query-frontend'),
  },
  'metrics-generator': {
    produces: "series of the tenant's processors, remote-written",
    upstream: 'modules/generator/instance.go (processors from the overrides), modules/generator/storage (remote_write)',
    consumers: (t) => (tenantProcessors(t).length ? reachableRemoteWrites(t) : []),
  },
};

/** `<target>: <problem>` for every rendered Tempo component without a consumer of what it produces. */
function unconsumed(t: TempoRender): string[] {
  return [...targets(t)].flatMap((target) => {
    const rule = CONSUMERS[target];
    if (!rule) return [`${target}: no rule says who consumes what it produces`];
    return rule.consumers(t).length ? [] : [`${target}: nothing consumes ${rule.produces} (${rule.upstream})`];
  });
}

const withTempo = renderedEnvironments().filter((r) => r.objects.has('tempo'));

describe.each(withTempo.map((r) => [r.env.name, tempoOf(r)] as const))('%s: Tempo', (_name, t) => {
  test('every component has a consumer of what it produces', () => {
    expect(targets(t).size).toBeGreaterThan(0);
    expect(unconsumed(t)).toEqual([]);
  });

  test('the metrics-generator runs exactly when the tenant has processors, and writes only where a flow leads', () => {
    const runs = tenantProcessors(t).length > 0;
    // The metrics-generator target refuses to start without storage.path; `all` runs the module idle without it
    // (cmd/tempo/app/modules.go initGenerator, modules/generator/generator.go ErrUnconfigured).
    expect({ generatorTarget: targets(t).has('metrics-generator'), storagePath: t.config.metrics_generator?.storage?.path !== undefined }).toEqual({
      generatorTarget: runs && t.env.stores.tempo === 'distributed',
      storagePath: runs,
    });
    expect(reachableRemoteWrites(t)).toEqual((t.config.metrics_generator?.storage?.remote_write ?? []).map((rw: Obj) => rw.url));
    if (!runs) {
      // Nothing of the generator is rendered: no config block, no per-tenant generator limits.
      expect(t.config.metrics_generator).toBeUndefined();
      expect(t.runtime.overrides[t.env.tenant].metrics_generator).toBeUndefined();
    }
  });
});

describe('the consumer check is not vacuous', () => {
  const production = tempoOf(rendered('production'));
  const blockBuilder = tempoWorkloads(production).find((w) => targetOf(w) === 'block-builder')!;
  /** The render as it was before: a generator StatefulSet consuming the topic, with no processor configured. */
  const withIdleGenerator: TempoRender = {
    ...production,
    objects: [
      ...production.objects,
      {
        ...blockBuilder,
        metadata: { ...blockBuilder.metadata, name: 'tempo-metrics-generator' },
        spec: {
          ...(blockBuilder.spec as Obj),
          template: {
            ...(blockBuilder.spec as Obj).template,
            spec: { ...podSpec(blockBuilder), containers: [{ ...podSpec(blockBuilder).containers[0], args: ['-target=metrics-generator', '-config.file=/etc/tempo/tempo.yaml'] }] },
          },
        },
      } as KubeObject,
    ],
  };

  test('an idle metrics-generator (no processor) is reported', () => {
    expect(unconsumed(withIdleGenerator)).toEqual([expect.stringMatching(/^metrics-generator: nothing consumes series of the tenant's processors/)]);
  });

  test('a generator with processors but no flow to its remote-write target is reported', () => {
    const mimirPush = `http://mimir-distributor.${production.env.namespaces.mimir}.svc.cluster.local:8080/api/v1/push`;
    const t: TempoRender = {
      ...withIdleGenerator,
      config: { ...production.config, metrics_generator: { storage: { path: '/var/tempo/generator/wal', remote_write: [{ url: mimirPush }] } } },
      runtime: { overrides: { [production.env.tenant]: { ...production.runtime.overrides[production.env.tenant], metrics_generator: { processors: ['span-metrics'] } } } },
    };
    expect(tenantProcessors(t)).toEqual(['span-metrics']);
    expect(unconsumed(t)).toEqual([expect.stringMatching(/^metrics-generator: /)]);
  });

  test('a distributor whose topic nobody consumes is reported, and an unknown target has no rule', () => {
    const onlyDistributor: TempoRender = { ...production, objects: production.objects.filter((o) => !['live-store', 'block-builder'].includes(o.kind === 'StatefulSet' ? targetOf(o) : '')) };
    expect(unconsumed(onlyDistributor)).toContainEqual(expect.stringMatching(/^distributor: nothing consumes trace records/));
    const renamed = { ...blockBuilder, spec: { ...(blockBuilder.spec as Obj), template: { ...(blockBuilder.spec as Obj).template, spec: { ...podSpec(blockBuilder), containers: [{ ...podSpec(blockBuilder).containers[0], args: ['-target=compactor'] }] } } } } as KubeObject;
    expect(unconsumed({ ...production, objects: [...production.objects, renamed] })).toContainEqual('compactor: no rule says who consumes what it produces');
  });

  test('the rules cover every target MOP renders', () => {
    const rendered = new Set(withTempo.flatMap((r) => workloads(r, 'tempo').map(targetOf)));
    expect([...rendered].filter((x) => !CONSUMERS[x])).toEqual([]);
  });
});
