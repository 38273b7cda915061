/**
 * OBI's default `DurationHistogram` bucket boundaries, in seconds (open-telemetry/opentelemetry-ebpf-instrumentation
 * pkg/export/otel/common.go, DefaultBuckets.DurationHistogram). SLO latency thresholds must be one of them, which
 * `environments/validate.ts` enforces, so the latency SLI counts exactly the requests under the threshold.
 */
export const OBI_DURATION_BUCKETS_SECONDS: readonly number[] = [0, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
