import { Environment } from '../../environments';
import { Software, versionOf } from '../versions';

export const PART_OF = 'mop';
export const MANAGED_BY = 'cdk8s';

/** Identifies one workload: `name` is the software (mimir), `component` its role (ingester). */
export interface WorkloadIdentity {
  readonly software: Software;
  /** `app.kubernetes.io/name`; defaults to the software name. */
  readonly name?: string;
  readonly component: string;
}

/** The stable subset used in selectors (never the version, which changes on upgrade). */
export function selectorLabels(env: Environment, id: WorkloadIdentity): Record<string, string> {
  return {
    'app.kubernetes.io/name': id.name ?? id.software,
    'app.kubernetes.io/instance': `${id.name ?? id.software}-${env.name}`,
    'app.kubernetes.io/component': id.component,
  };
}

/** All `app.kubernetes.io/*` labels for an object that belongs to a workload. */
export function standardLabels(env: Environment, id: WorkloadIdentity): Record<string, string> {
  return {
    ...selectorLabels(env, id),
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/version': versionOf(id.software),
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/** Labels for platform-wide objects that belong to no single workload (namespaces, priority classes). */
export function platformLabels(env: Environment, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': PART_OF,
    'app.kubernetes.io/instance': `${PART_OF}-${env.name}`,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}
