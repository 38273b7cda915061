import { Environment } from '../../environments';

/**
 * Prometheus rule files (file name → YAML) for the Mimir ruler, generated from the environment's SLOs.
 * Filled in by the SLO alerting work (issue #6).
 */
export function mimirRuleFiles(_env: Environment): Record<string, string> {
  return {};
}
