import { Environment, WorkloadProfile } from '../../environments';

/**
 * What the tail-sampling policies of `pipeline.ts` keep, for a workload profile, against keeping everything.
 *
 * The policies are OR-ed (a trace is kept when any policy keeps it): every trace with an error; when SLO-driven
 * sampling is on, every trace slower than its service's SLO threshold; and a probabilistic baseline of the rest,
 * capped by the rate limit. Ratios are per trace and assumed independent of trace size, so they apply to spans.
 */
export interface SamplingEstimate {
  readonly spansPerSecond: number;
  readonly keptSpansPerSecond: number;
  readonly keptByPolicy: { readonly errors: number; readonly slow: number; readonly baseline: number };
  readonly keptShare: number;
  /** Bytes written to Tempo per 30-day month (before Tempo's block compression). */
  readonly bytesPerMonth: number;
  readonly bytesPerMonthKeepAll: number;
  readonly baselineCapped: boolean;
}

const SECONDS_PER_MONTH = 30 * 24 * 3600;

export type SamplingProfile = Pick<WorkloadProfile, 'spansPerSecond' | 'bytesPerSpan' | 'traceErrorRatio' | 'traceSlowRatio'>;

export function estimateSampling(env: Environment, profile: SamplingProfile = env.workload): SamplingEstimate {
  const s = profile.spansPerSecond;
  const errors = s * profile.traceErrorRatio;
  const slowShare = env.experiments.sloTailSampling && env.slos.length > 0 ? profile.traceSlowRatio : 0;
  const slow = s * (1 - profile.traceErrorRatio) * slowShare;
  const rest = s - errors - slow;
  const uncapped = rest * (env.tailSampling.baselinePercent / 100);
  const baseline = Math.min(uncapped, env.tailSampling.spansPerSecondLimit);
  const kept = errors + slow + baseline;
  return {
    spansPerSecond: s,
    keptSpansPerSecond: kept,
    keptByPolicy: { errors, slow, baseline },
    keptShare: s === 0 ? 0 : kept / s,
    bytesPerMonth: kept * profile.bytesPerSpan * SECONDS_PER_MONTH,
    bytesPerMonthKeepAll: s * profile.bytesPerSpan * SECONDS_PER_MONTH,
    baselineCapped: uncapped > env.tailSampling.spansPerSecondLimit,
  };
}

function tib(bytes: number): string {
  return bytes >= 2 ** 40 ? `${(bytes / 2 ** 40).toFixed(2)} TiB` : `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

export function formatEstimate(env: Environment, profile: SamplingProfile, e: SamplingEstimate): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  return [
    `environment ${env.name}: ${n(profile.spansPerSecond)} spans/s, ${(profile.traceErrorRatio * 100).toFixed(1)}% error traces, ` +
      `${(profile.traceSlowRatio * 100).toFixed(1)}% slower than their SLO, ${profile.bytesPerSpan} bytes/span`,
    `policies: keep errors; ${env.experiments.sloTailSampling ? `keep traces slower than the SLO of ${env.slos.map((s) => s.service).join(', ')}` : 'SLO-driven sampling off'}; ` +
      `baseline ${env.tailSampling.baselinePercent}% capped at ${n(env.tailSampling.spansPerSecondLimit)} spans/s`,
    `kept: ${n(e.keptSpansPerSecond)} spans/s (${(e.keptShare * 100).toFixed(1)}%): errors ${n(e.keptByPolicy.errors)}, slow ${n(e.keptByPolicy.slow)}, ` +
      `baseline ${n(e.keptByPolicy.baseline)}${e.baselineCapped ? ' (capped by the rate limit)' : ''}`,
    `storage per 30-day month: ${tib(e.bytesPerMonth)} sampled vs ${tib(e.bytesPerMonthKeepAll)} keeping everything ` +
      `(${(e.bytesPerMonthKeepAll / Math.max(e.bytesPerMonth, 1)).toFixed(1)}× less; raw span bytes before Tempo's compression)`,
    '',
  ].join('\n');
}
