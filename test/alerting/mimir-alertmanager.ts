/**
 * What the pinned Mimir Alertmanager (3.2.0) accepts, implemented from its code. The 3.2.0 tag could not be brought
 * here whole (the grafana/mimir snapshot is 544 MB, over the search tool's 500 MB limit), so the rules come from the
 * stored versions of the files named below; docs/architecture/0010-alert-notifications.md says which.
 *
 * - Tenant configurations uploaded through the API: grafana/mimir pkg/alertmanager/api.go `validateUserConfig` →
 *   `validateAlertmanagerConfig`, which walks the parsed config and refuses the `*_file` credentials and TLS files
 *   below (the same list grafana/alerting's `definition` package keeps as "copy of grafana/mimir a5f6bc75
 *   pkg/alertmanager/api.go").
 * - The fallback configuration: pkg/alertmanager/multitenant.go `ComputeFallbackConfig` reads the file and checks it
 *   with `amconfig.LoadFile` only (no `validateAlertmanagerConfig`); `setConfig` parses it with
 *   `definition.LoadCompat` for every tenant without a stored configuration.
 */

type Obj = Record<string, unknown>;

/** Fields `validateAlertmanagerConfig` refuses, by the config type they belong to. */
export const API_REFUSED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  global: ['slack_api_url_file', 'opsgenie_api_key_file', 'smtp_auth_password_file', 'victorops_api_key_file'],
  http_config: [
    'basic_auth.password_file',
    'authorization.credentials_file',
    'bearer_token_file',
    'oauth2.client_secret_file',
    'oauth2.proxy_url',
    'oauth2.proxy_from_environment',
    'tls_config.ca_file',
    'tls_config.cert_file',
    'tls_config.key_file',
    'tls_config.ca',
    'tls_config.cert',
    'tls_config.key',
  ],
  discord_configs: ['webhook_url_file'],
  email_configs: ['auth_password_file'],
  slack_configs: ['api_url_file'],
  opsgenie_configs: ['api_key_file'],
  victorops_configs: ['api_key_file'],
  pagerduty_configs: ['service_key_file', 'routing_key_file'],
  pushover_configs: ['user_key_file', 'token_file'],
  msteams_configs: ['webhook_url_file'],
  msteamsv2_configs: ['webhook_url_file'],
  telegram_configs: ['bot_token_file'],
  webhook_configs: ['url_file'],
};

/**
 * Receiver integrations of the Alertmanager configuration Mimir 3.2.0 parses (the receiver types its validation
 * switch covers, plus those without file fields: sns, webex, wechat).
 */
export const MIMIR_INTEGRATIONS: readonly string[] = [
  'discord_configs',
  'email_configs',
  'msteams_configs',
  'msteamsv2_configs',
  'opsgenie_configs',
  'pagerduty_configs',
  'pushover_configs',
  'slack_configs',
  'sns_configs',
  'telegram_configs',
  'victorops_configs',
  'webex_configs',
  'webhook_configs',
  'wechat_configs',
];

function get(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Obj)[part];
  }
  return cur;
}

const set = (v: unknown) => v !== undefined && v !== null && v !== '' && v !== false;

/** What Mimir would answer if this configuration were uploaded as a tenant configuration (`POST /api/v1/alerts`). */
export function apiValidationErrors(config: Obj): string[] {
  const errors: string[] = [];
  for (const field of API_REFUSED_FIELDS.global) if (set(get(config.global, field))) errors.push(`global.${field}`);
  for (const r of (config.receivers as Obj[] | undefined) ?? []) {
    for (const [kind, fields] of Object.entries(API_REFUSED_FIELDS)) {
      if (kind === 'global' || kind === 'http_config') continue;
      for (const [i, integration] of ((r[kind] as Obj[] | undefined) ?? []).entries()) {
        for (const f of fields) if (set(integration[f])) errors.push(`receivers.${r.name}.${kind}.${i}.${f}`);
        for (const f of API_REFUSED_FIELDS.http_config) if (set(get(integration.http_config, f))) errors.push(`receivers.${r.name}.${kind}.${i}.http_config.${f}`);
      }
    }
  }
  return errors;
}

/** Every `*_file` path a configuration reads (credentials, templates excluded). */
export function referencedFiles(config: Obj): string[] {
  const files: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Obj)) {
        if (k.endsWith('_file') && typeof x === 'string') files.push(x);
        else walk(x);
      }
    }
  };
  walk(config.global);
  walk(config.receivers);
  return files;
}

/** Problems of a fallback configuration for the pinned Mimir Alertmanager. */
export function fallbackProblems(config: Obj): string[] {
  const problems: string[] = [];
  for (const r of (config.receivers as Obj[] | undefined) ?? []) {
    for (const key of Object.keys(r)) {
      if (key !== 'name' && !MIMIR_INTEGRATIONS.includes(key)) problems.push(`receiver ${r.name}: ${key} is not an integration of the pinned Mimir Alertmanager`);
    }
  }
  // The Alertmanager runs with the container's working directory unknown to MOP: credentials must be absolute paths.
  for (const f of referencedFiles(config)) if (!f.startsWith('/')) problems.push(`${f}: *_file paths must be absolute`);
  // msteamsv2: exactly one of webhook_url and webhook_url_file (prometheus/alertmanager config/notifiers.go MSTeamsV2Config.UnmarshalYAML).
  for (const r of (config.receivers as Obj[] | undefined) ?? []) {
    for (const t of (r.msteamsv2_configs as Obj[] | undefined) ?? []) {
      if (set(t.webhook_url) === set(t.webhook_url_file)) problems.push(`receiver ${r.name}: msteamsv2 needs exactly one of webhook_url and webhook_url_file`);
    }
  }
  return problems;
}
