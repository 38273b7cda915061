/**
 * Experiment `databaseProfiling`: database query profiling from OBI's SQL/Redis client spans.
 *
 * Source: OBI's own client histogram `db_client_operation_duration_seconds` (pkg/export/attributes/metric.go,
 * DBClientDuration), whose default attributes are bounded (pkg/export/attributes/attr_defs.go, DBClientDuration
 * section): `db_system_name` (postgresql, mysql, other_sql, redis), `db_operation_name` (the statement's leading
 * keyword, SELECT/INSERT/..., from OBI's SQL tokenizer pkg/internal/sqlprune, or the Redis command), `error_type`,
 * `server_address`, plus the application labels `service_name`, `k8s_namespace_name`. MOP computes nothing else:
 * no Tempo metrics-generator dimensions, no query text in any label (see docs/experiments/database-profiling.md).
 *
 * The alert compares each operation's p99 over the last hour with the same hour a week earlier, and only where both
 * hours carried enough traffic to make a p99 meaningful.
 */
import { Environment } from '../../environments';
import { toYaml } from '../base';
import { withRunbooks } from '../monitoring';

export const OBI_DB_CLIENT = {
  bucket: 'db_client_operation_duration_seconds_bucket',
  count: 'db_client_operation_duration_seconds_count',
  sum: 'db_client_operation_duration_seconds_sum',
  systemLabel: 'db_system_name',
  operationLabel: 'db_operation_name',
  errorLabel: 'error_type',
  serviceLabel: 'service_name',
  namespaceLabel: 'k8s_namespace_name',
} as const;

/** The labels profiling aggregates by: every one bounded (no table names, no query text, no pod names). */
export const DB_PROFILE_LABELS = ['cluster', OBI_DB_CLIENT.namespaceLabel, OBI_DB_CLIENT.serviceLabel, OBI_DB_CLIENT.systemLabel, OBI_DB_CLIENT.operationLabel] as const;

/** Regression alert parameters. */
export const DB_REGRESSION = {
  alert: 'DatabaseOperationP99Regression',
  /** Window the p99 is computed over, now and one week earlier. */
  window: '1h',
  /** Fire when the p99 is this many times last week's. */
  factor: 1.5,
  /** Operations per second below which an hour is too idle for a p99 (now and a week ago). */
  minOpsPerSecond: 0.1,
  /** Ignore regressions that stay under this p99 (sub-10ms noise), seconds. */
  minP99Seconds: 0.01,
  for: '15m',
  severity: 'ticket',
} as const;

export const DB_RULE_FILE = 'experiment-database-profiling.yaml';

const BY = `sum by (${DB_PROFILE_LABELS.join(', ')}`;

/** p99 per bounded label set over `window`, optionally `offset`. */
export function dbP99Expr(window: string, offset?: string): string {
  const off = offset ? ` offset ${offset}` : '';
  return `histogram_quantile(0.99, ${BY}, le) (rate(${OBI_DB_CLIENT.bucket}[${window}]${off})))`;
}

/** Operations per second per bounded label set over `window`, optionally `offset`. */
export function dbRateExpr(window: string, offset?: string): string {
  const off = offset ? ` offset ${offset}` : '';
  return `${BY}) (rate(${OBI_DB_CLIENT.count}[${window}]${off}))`;
}

export function dbRegressionExpr(): string {
  const r = DB_REGRESSION;
  return [
    `${dbP99Expr(r.window)}\n  > ${r.factor} * ${dbP99Expr(r.window, '1w')}`,
    `${dbP99Expr(r.window)} > ${r.minP99Seconds}`,
    `${dbRateExpr(r.window)} > ${r.minOpsPerSecond}`,
    `${dbRateExpr(r.window, '1w')} > ${r.minOpsPerSecond}`,
  ].join('\nand\n');
}

export function dbProfilingRuleGroups(): Record<string, unknown>[] {
  const r = DB_REGRESSION;
  return [
    {
      name: 'experiment-database-profiling',
      rules: [
        {
          alert: r.alert,
          expr: dbRegressionExpr(),
          for: r.for,
          labels: { severity: r.severity, experiment: 'database-profiling' },
          annotations: {
            summary: '{{ $labels.db_system_name }} {{ $labels.db_operation_name }} from {{ $labels.service_name }} is slower than a week ago',
            description:
              `The p99 of {{ $labels.db_system_name }} {{ $labels.db_operation_name }} called by {{ $labels.service_name }} ` +
              `({{ $labels.k8s_namespace_name }}) over the last ${r.window} is {{ $value | humanizeDuration }}, more than ${r.factor}x ` +
              `the same hour a week ago; both hours carried more than ${r.minOpsPerSecond} operations/s. ` +
              'Open the "Slowest queries" dashboard and its slow database spans.',
          },
        },
      ],
    },
  ];
}

/** The experiment's rule file for the Mimir ruler (merged into `mimirRuleFiles`), empty when the experiment is off. */
export function databaseProfilingRuleFiles(env: Environment): Record<string, string> {
  if (!env.experiments.databaseProfiling) return {};
  return { [DB_RULE_FILE]: toYaml({ groups: withRunbooks(env, dbProfilingRuleGroups() as { rules: Record<string, unknown>[] }[]) }) };
}
