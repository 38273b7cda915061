import { EnvironmentInput } from '../../environments';
import { mimirSizing, tempoSizing, lokiSizing } from '../../constructs/stores/sizing';
import { RenderedEnvironment } from '../../constructs/render';
import { StoreName, inputOf, render, replicasOf, workloads } from './helpers';
import { loadEnvironment } from '../../environments';

const base = inputOf('production');
const times = (input: EnvironmentInput, f: number, partitions: number): EnvironmentInput => ({
  ...input,
  kafka: { ...input.kafka!, partitions },
  workload: {
    ...input.workload,
    activeSeries: input.workload.activeSeries * f,
    samplesPerSecond: input.workload.samplesPerSecond * f,
    spansPerSecond: input.workload.spansPerSecond * f,
    bytesPerSpan: input.workload.bytesPerSpan,
    logsGBPerDay: input.workload.logsGBPerDay * f,
    queriesPerSecond: input.workload.queriesPerSecond * f,
  },
});

function count(r: RenderedEnvironment, store: StoreName, prefix: string): number {
  return workloads(r, store).filter((w) => w.metadata.name.startsWith(prefix)).reduce((n, w) => n + replicasOf(w), 0);
}

describe('sizing follows the workload profile', () => {
  const small = render(base);
  const large = render(times(base, 10, 200));

  test('a profile ten times larger gives about ten times the Mimir ingesters and Tempo live-stores', () => {
    const m = [count(small, 'mimir', 'mimir-ingester-'), count(large, 'mimir', 'mimir-ingester-')];
    const t = [count(small, 'tempo', 'tempo-live-store-'), count(large, 'tempo', 'tempo-live-store-')];
    expect(m[1] / m[0]).toBeGreaterThanOrEqual(8);
    expect(m[1] / m[0]).toBeLessThanOrEqual(12);
    expect(t[1] / t[0]).toBeGreaterThanOrEqual(8);
    expect(t[1] / t[0]).toBeLessThanOrEqual(12);
  });

  test('Loki ingesters grow with log volume above the one-per-zone minimum', () => {
    const before = count(small, 'loki', 'loki-ingester-');
    const after = count(large, 'loki', 'loki-ingester-');
    expect(before).toBe(3);
    // 5 TB/day needs 10 ingesters by the "<3 TB/day" tier (6 per 3 TB/day); rounded up to whole zones.
    expect(after).toBeGreaterThanOrEqual(10);
    expect(after % 3).toBe(0);
  });

  test('every stateless component scales with the profile too', () => {
    const a = mimirSizing(loadEnvironment(base));
    const b = mimirSizing(loadEnvironment(times(base, 10, 200)));
    expect(b.distributor.replicas).toBeGreaterThan(a.distributor.replicas);
    expect(b.querier.replicas).toBeGreaterThan(a.querier.replicas);
    expect(tempoSizing(loadEnvironment(times(base, 10, 200))).distributor.replicas).toBeGreaterThan(tempoSizing(loadEnvironment(base)).distributor.replicas);
    expect(lokiSizing(loadEnvironment(times(base, 10, 200))).querier.replicas).toBeGreaterThan(lokiSizing(loadEnvironment(base)).querier.replicas);
  });

  test('production default profile: the sizing the decision record states', () => {
    const env = loadEnvironment(base);
    const m = mimirSizing(env);
    expect({ perZone: m.ingester.replicas, cpu: m.ingester.resources.cpu, memory: m.ingester.resources.memory }).toEqual({ perZone: 3, cpu: '3334m', memory: '7948Mi' });
    expect(m.distributor.replicas).toBe(4);
    const t = tempoSizing(env);
    expect(t.mbPerSecond).toBeCloseTo(28);
    expect({ liveStores: t.liveStore.replicas, queriers: t.querier.replicas, distributors: t.distributor.replicas }).toEqual({ liveStores: 5, queriers: 14, distributors: 3 });
  });

  test('too few Kafka partitions for the ingesters fails with a clear message', () => {
    expect(() => render(times(base, 10, 12))).toThrow(/kafka.partitions: got 12; must be at least 30: the workload needs 30 Mimir ingesters per zone/);
  });
});
