/**
 * Changes that lose data or availability, found by comparing the `dist/` on disk with the new render before it
 * replaces it. Synth refuses them unless `--allow-destructive` is given, and says for each what it does and the
 * upstream procedure to follow instead.
 *
 * What counts (docs/architecture/0006-transactional-synth.md):
 * - a StatefulSet whose pods own state (volume claims: WAL, blocks; or Kafka partitions, as
 *   constructs/stores/downscaleProcedures.ts says) losing replicas or disappearing;
 * - a retention shortened (the compactors delete what is older at their next run);
 * - a bucket, the storage backend or endpoint, or the tenant changed (the platform starts empty, old data stays
 *   where nobody queries it);
 * - a Kafka topic changed (records not yet consumed from the old topic are never read);
 * - a Loki schema period changed or removed, or one added that starts today or earlier (chunks written under a
 *   period are read with its schema; Loki's schema docs: new periods start in the future);
 * - an environment removed (Argo CD prunes everything it ran).
 * The facts come from the rendered files (StatefulSets, the Loki config) and from `environment.json`, the validated
 * environment each render writes beside its components.
 */
import * as yaml from 'js-yaml';
import { ENVIRONMENT_RECORD } from '../../constructs/render';
import { downscaleProcedure, downscaleProcedureText } from '../../constructs/stores/downscaleProcedures';
import { prometheusDurationSeconds } from '../../environments/upstream-rules';
import { Tree } from './tree';


export interface DestructiveChange {
  readonly environment: string;
  /** What changes, e.g. `mimir StatefulSet mop-mimir/mimir-ingester-zone-a: replicas 3 → 2`. */
  readonly what: string;
  /** What it does and how to do it safely instead. */
  readonly consequence: string;
}

export class DestructiveChangeError extends Error {
  constructor(readonly changes: readonly DestructiveChange[]) {
    super(
      [
        `refusing ${changes.length} change${changes.length > 1 ? 's' : ''} that lose data or availability (dist/ is unchanged):`,
        ...changes.map((c) => `  environment "${c.environment}": ${c.what}: ${c.consequence}`),
        'Follow the procedure named for each, or run again with --allow-destructive to accept them.',
      ].join('\n'),
    );
    this.name = 'DestructiveChangeError';
  }
}

interface StatefulSetFact {
  readonly key: string;
  readonly replicas: number;
  readonly component: string;
  readonly app: string;
  /** Its pods own state: volume claims, or (Kafka partitions, say) the store's procedure says so. */
  readonly stateful: boolean;
}

function statefulSet(file: string, text: string): StatefulSetFact | undefined {
  if (!/(^|\/)statefulset-[^/]+\.yaml$/.test(file)) return undefined;
  const obj = yaml.load(text) as { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> }; spec?: { replicas?: number; volumeClaimTemplates?: unknown[] } };
  if (!obj?.spec) return undefined;
  const labels = obj.metadata?.labels ?? {};
  const app = labels['app.kubernetes.io/name'] ?? '';
  const component = labels['app.kubernetes.io/component'] ?? '';
  return {
    key: `${file.split('/')[0]} StatefulSet ${obj.metadata?.namespace}/${obj.metadata?.name}`,
    replicas: obj.spec.replicas ?? 1,
    component,
    app,
    stateful: !!obj.spec.volumeClaimTemplates?.length || !!downscaleProcedure(app, component)?.losesData,
  };
}

interface LokiPeriod {
  readonly from?: string;
  readonly [key: string]: unknown;
}

/** `schema_config.configs` of the Loki config in a render, if there is one. */
function lokiSchema(tree: Tree): LokiPeriod[] | undefined {
  for (const [file, text] of tree) {
    if (!file.startsWith('loki/configmap-') || !text.includes('schema_config')) continue;
    const cm = yaml.load(text) as { data?: Record<string, string> };
    for (const data of Object.values(cm?.data ?? {})) {
      if (!data.includes('schema_config')) continue;
      const configs = (yaml.load(data) as { schema_config?: { configs?: LokiPeriod[] } })?.schema_config?.configs;
      if (Array.isArray(configs)) return configs;
    }
  }
  return undefined;
}

interface EnvironmentRecord {
  readonly tenant?: string;
  readonly retention?: Record<string, string>;
  readonly storage?: { backend?: string; buckets?: Record<string, string>; s3?: { endpoint?: string }; azure?: { accountName?: string } };
  readonly kafka?: { address?: string; mimirTopic?: string; tempoTopic?: string };
  readonly stores?: Record<string, string>;
  readonly components?: readonly string[];
}

function record(tree: Tree | undefined): EnvironmentRecord | undefined {
  const text = tree?.get(ENVIRONMENT_RECORD);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as EnvironmentRecord;
  } catch {
    return undefined;
  }
}

const canonical = (v: unknown) => JSON.stringify(v, Object.keys((v ?? {}) as object).sort());

/** The destructive changes from `before` (on disk, possibly absent) to `after` (the new render) of one environment. */
export function destructiveChanges(environment: string, before: Tree | undefined, after: Tree | undefined, today = new Date()): DestructiveChange[] {
  if (!before) return [];
  const out: DestructiveChange[] = [];
  const add = (what: string, consequence: string) => out.push({ environment, what, consequence });

  if (!after) {
    add('environment removed', 'Argo CD prunes every object it ran, the stores and their volumes included; remove the environment from environments/index.ts only after moving or giving up its data');
  }
  const next = after ?? new Map<string, string>();

  for (const [file, text] of before) {
    if (next.get(file) === text) continue;
    const old = statefulSet(file, text);
    if (!old?.stateful) continue;
    const now = next.has(file) ? statefulSet(file, next.get(file)!) : undefined;
    const replicas = now?.replicas ?? 0;
    if (replicas < old.replicas) {
      const procedure =
        downscaleProcedureText(old.app, old.component) ?? 'lower its replicas one at a time after moving its data, as the component\'s scaling guide says (docs/stores.md, "Scaling down")';
      add(`${old.key}: replicas ${old.replicas} → ${replicas}${now ? '' : ' (removed)'}`, `its pods own data on their volumes; ${procedure}`);
    }
  }

  const was = record(before);
  const is = record(after);
  if (was && is) {
    for (const signal of Object.keys(was.retention ?? {})) {
      const a = was.retention![signal];
      const b = is.retention?.[signal];
      if (b === undefined) continue;
      const sa = prometheusDurationSeconds(a);
      const sb = prometheusDurationSeconds(b);
      if (sa !== undefined && sb !== undefined && sb < sa) {
        add(`retention.${signal}: ${a} → ${b}`, `the compactor deletes ${signal} older than ${b} at its next run; there is no undo`);
      }
    }
    if (was.tenant !== undefined && was.tenant !== is.tenant) {
      add(`tenant: "${was.tenant}" → "${is.tenant}"`, `pipelines write and Grafana reads the new tenant, so the data of "${was.tenant}" disappears from Grafana (it stays in storage under the old tenant)`);
    }
    const ws = was.storage ?? {};
    const is_ = is.storage ?? {};
    if (ws.backend !== is_.backend || ws.s3?.endpoint !== is_.s3?.endpoint || ws.azure?.accountName !== is_.azure?.accountName) {
      add('storage: backend or endpoint changed', 'the stores start empty on the new storage; copy the buckets first (each store\'s object-storage migration guide)');
    }
    for (const [key, bucket] of Object.entries(ws.buckets ?? {})) {
      const nowBucket = is_.buckets?.[key];
      if (nowBucket !== undefined && nowBucket !== bucket) {
        add(`storage.buckets.${key}: "${bucket}" → "${nowBucket}"`, `the store starts empty on "${nowBucket}"; the data in "${bucket}" is no longer queried (copy it first)`);
      }
    }
    for (const key of ['mimirTopic', 'tempoTopic'] as const) {
      const a = was.kafka?.[key];
      const b = is.kafka?.[key];
      if (a !== undefined && b !== undefined && a !== b) {
        add(`kafka.${key}: "${a}" → "${b}"`, `records in "${a}" that the consumers have not read yet are never read; stop the writes and let the consumers drain "${a}" first`);
      }
    }
  }

  const lokiConfigChanged = [...before].some(([file, text]) => file.startsWith('loki/configmap-') && next.get(file) !== text);
  const oldSchema = lokiConfigChanged ? lokiSchema(before) : undefined;
  const newSchema = lokiConfigChanged && after ? lokiSchema(after) : undefined;
  if (oldSchema && newSchema) {
    oldSchema.forEach((period, i) => {
      if (i >= newSchema.length) add(`loki schema_config.configs.${i} (from ${period.from}) removed`, 'chunks written under that period become unreadable; schema periods are never removed');
      else if (canonical(period) !== canonical(newSchema[i])) {
        add(`loki schema_config.configs.${i} (from ${period.from}) changed`, 'chunks written under that period are read with the wrong schema; add a new period that starts in the future instead (grafana/loki docs/sources/operations/storage/schema/_index.md)');
      }
    });
    const todayUtc = today.toISOString().slice(0, 10);
    newSchema.slice(oldSchema.length).forEach((period, i) => {
      if (typeof period.from === 'string' && period.from <= todayUtc) {
        add(`loki schema_config.configs.${oldSchema.length + i} starts ${period.from}`, `a new schema period must start after today (${todayUtc}, UTC) so that no chunk already written is read with it`);
      }
    });
  }
  return out;
}
