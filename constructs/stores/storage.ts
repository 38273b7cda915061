/**
 * Object-storage blocks for each store's config, from `env.storage`. Credentials are `${VAR}` placeholders filled
 * from the operator's Secret (`envFrom`, `-config.expand-env=true`); without a Secret the pods use workload identity.
 */
import { Environment } from '../../environments';
import { ENV_VARS, placeholder, usesStaticCredentials } from './common';

type Obj = Record<string, unknown>;

function requireBuckets(env: Environment) {
  const b = env.storage.buckets;
  if (!b || env.storage.backend === 'filesystem') {
    throw new Error(`environment "${env.name}": storage.backend: distributed stores need object storage with buckets, got ${env.storage.backend}`);
  }
  return b;
}

/** Mimir `common.storage` (shared endpoint and credentials) plus the bucket of one store block. */
export function mimirCommonStorage(env: Environment): Obj {
  requireBuckets(env);
  const creds = usesStaticCredentials(env);
  switch (env.storage.backend) {
    case 's3': {
      const s3 = env.storage.s3!;
      return {
        backend: 's3',
        s3: {
          endpoint: s3.endpoint,
          region: s3.region,
          ...(s3.insecure ? { insecure: true } : {}),
          ...(s3.forcePathStyle ? { bucket_lookup_type: 'path' } : {}),
          ...(creds ? { access_key_id: placeholder(ENV_VARS.awsAccessKeyId), secret_access_key: placeholder(ENV_VARS.awsSecretAccessKey) } : {}),
        },
      };
    }
    case 'gcs':
      // GCS credentials: GOOGLE_APPLICATION_CREDENTIALS or workload identity (Mimir's documented fallback).
      return { backend: 'gcs' };
    case 'azure':
      return {
        backend: 'azure',
        azure: { account_name: env.storage.azure!.accountName, ...(creds ? { account_key: placeholder(ENV_VARS.azureStorageKey) } : {}) },
      };
    default:
      throw new Error(`environment "${env.name}": storage.backend ${env.storage.backend} is not object storage`);
  }
}

/** Mimir per-store block (`blocks_storage`, `ruler_storage`, `alertmanager_storage`): backend and bucket. */
export function mimirBucket(env: Environment, bucket: string): Obj {
  switch (env.storage.backend) {
    case 's3':
      return { backend: 's3', s3: { bucket_name: bucket } };
    case 'gcs':
      return { backend: 'gcs', gcs: { bucket_name: bucket } };
    case 'azure':
      return { backend: 'azure', azure: { container_name: bucket } };
    default:
      throw new Error(`environment "${env.name}": storage.backend ${env.storage.backend} is not object storage`);
  }
}

/** Tempo `storage.trace` backend block. */
export function tempoTraceStorage(env: Environment): Obj {
  const bucket = requireBuckets(env).tempoTraces;
  const creds = usesStaticCredentials(env);
  switch (env.storage.backend) {
    case 's3': {
      const s3 = env.storage.s3!;
      return {
        backend: 's3',
        s3: {
          bucket,
          endpoint: s3.endpoint,
          region: s3.region,
          ...(s3.insecure ? { insecure: true } : {}),
          ...(s3.forcePathStyle ? { forcepathstyle: true } : {}),
          ...(creds ? { access_key: placeholder(ENV_VARS.awsAccessKeyId), secret_key: placeholder(ENV_VARS.awsSecretAccessKey) } : {}),
        },
      };
    }
    case 'gcs':
      return { backend: 'gcs', gcs: { bucket_name: bucket } };
    case 'azure':
      return {
        backend: 'azure',
        azure: {
          container_name: bucket,
          storage_account_name: env.storage.azure!.accountName,
          ...(creds ? { storage_account_key: placeholder(ENV_VARS.azureStorageKey) } : {}),
        },
      };
    default:
      throw new Error(`environment "${env.name}": storage.backend ${env.storage.backend} is not object storage`);
  }
}

/** Loki `common.storage` block and the `object_store` name for `schema_config`. */
export function lokiStorage(env: Environment): { common: Obj; objectStore: string } {
  const bucket = requireBuckets(env).lokiChunks;
  const creds = usesStaticCredentials(env);
  switch (env.storage.backend) {
    case 's3': {
      const s3 = env.storage.s3!;
      return {
        objectStore: 's3',
        common: {
          s3: {
            bucketnames: bucket,
            endpoint: s3.endpoint,
            region: s3.region,
            ...(s3.insecure ? { insecure: true } : {}),
            ...(s3.forcePathStyle ? { s3forcepathstyle: true } : {}),
            ...(creds ? { access_key_id: placeholder(ENV_VARS.awsAccessKeyId), secret_access_key: placeholder(ENV_VARS.awsSecretAccessKey) } : {}),
          },
        },
      };
    }
    case 'gcs':
      return { objectStore: 'gcs', common: { gcs: { bucket_name: bucket } } };
    case 'azure':
      return {
        objectStore: 'azure',
        common: {
          azure: {
            container_name: bucket,
            account_name: env.storage.azure!.accountName,
            ...(creds ? { account_key: placeholder(ENV_VARS.azureStorageKey) } : {}),
          },
        },
      };
    default:
      throw new Error(`environment "${env.name}": storage.backend ${env.storage.backend} is not object storage`);
  }
}
