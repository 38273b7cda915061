import { loadEnvironment } from '../../environments';
import { production } from '../../environments/production';
import { estimateSampling } from '../../constructs/alloy/sampling-cost';
import { samplingPolicies } from '../../constructs/alloy/pipeline';
import { renderAlloy } from '../../constructs/alloy/syntax';
import { run } from '../../scripts/estimate-sampling';

const policyNames = (env: ReturnType<typeof loadEnvironment>) =>
  samplingPolicies(env).map((p) => (p.body.find((s) => s.kind === 'attribute' && s.name === 'name') as { value: { value: string } }).value.value);

describe('experiment: SLO-driven tail sampling', () => {
  const env = loadEnvironment(production);

  test('every SLO service gets a keep-if-slower-than-its-SLO policy, next to errors and the capped baseline', () => {
    expect(policyNames(env)).toEqual(['keep_errors', 'slow_checkout', 'slow_payments_api', 'slow_search_api', 'baseline']);
    const names = policyNames(env);
    const slow = renderAlloy(samplingPolicies(env).filter((_, i) => names[i] === 'slow_search_api'));
    expect(slow).toContain('values = ["search-api"]');
    expect(slow).toContain(`threshold_ms = ${env.slos.find((s) => s.service === 'search-api')!.latencyThresholdMs}`);
  });

  test('removing an SLO removes its sampling policy', () => {
    const fewer = loadEnvironment({ ...production, slos: production.slos.filter((s) => s.service !== 'payments-api') });
    expect(policyNames(fewer)).not.toContain('slow_payments_api');
    expect(policyNames(fewer)).toContain('slow_checkout');
  });

  test('switching the experiment off leaves only errors and the baseline, and the estimate follows', () => {
    const off = loadEnvironment({ ...production, experiments: { ...production.experiments, sloTailSampling: false } });
    expect(policyNames(off)).toEqual(['keep_errors', 'baseline']);
    expect(estimateSampling(off).keptByPolicy.slow).toBe(0);
    expect(estimateSampling(env).keptByPolicy.slow).toBeGreaterThan(0);
  });

  test('the estimator follows the policies: errors and slow traces always, the baseline capped by the rate limit', () => {
    const e = estimateSampling(env, { spansPerSecond: 100_000, traceErrorRatio: 0.01, traceSlowRatio: 0.02, bytesPerSpan: 500 });
    // errors 1% of 100k; slow 2% of the other 99%; baseline 5% of the remaining 97,020 = 4,851, under the 10k cap.
    expect(e.keptByPolicy.errors).toBeCloseTo(1000);
    expect(e.keptByPolicy.slow).toBeCloseTo(1980);
    expect(e.keptByPolicy.baseline).toBeCloseTo(4851);
    expect(e.baselineCapped).toBe(false);
    expect(e.bytesPerMonth).toBeCloseTo((1000 + 1980 + 4851) * 500 * 30 * 86400);
    const capped = estimateSampling(env, { spansPerSecond: 1_000_000, traceErrorRatio: 0, traceSlowRatio: 0, bytesPerSpan: 500 });
    expect(capped.keptByPolicy.baseline).toBe(env.tailSampling.spansPerSecondLimit);
    expect(capped.baselineCapped).toBe(true);
  });

  test('the command prints kept spans/s and storage per month against keeping everything', () => {
    const out = run(['production']);
    expect(out).toContain('kept: 3,132 spans/s (7.8%)');
    expect(out).toMatch(/storage per 30-day month: [0-9.]+ TiB sampled vs [0-9.]+ TiB keeping everything/);
    expect(run(['production', '--spans-per-second', '80000'])).toContain('80,000 spans/s');
    expect(() => run(['nowhere'])).toThrow(/environment "nowhere": name: no such environment/);
    expect(() => run(['production', '--error-ratio', '2'])).toThrow(/between 0 and 1/);
  });
});
