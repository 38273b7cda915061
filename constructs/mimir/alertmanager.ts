/**
 * Notification routing: the Mimir Alertmanager's fallback configuration (the configuration of every tenant that has
 * not uploaded its own, which is how MOP's GitOps-managed tenant gets it), rendered from `env.alerting`.
 *
 * Credentials reach it only as files: each referenced Secret key is mounted into the Alertmanager container and the
 * receivers name it with Alertmanager's `*_file` fields. Mimir refuses those fields in configurations uploaded through
 * its API (grafana/mimir pkg/alertmanager/api.go validateAlertmanagerConfig), but loads the fallback file with the
 * plain Alertmanager parser (pkg/alertmanager/multitenant.go ComputeFallbackConfig → amconfig.LoadFile). Why and what
 * follows from it: docs/architecture/0010-alert-notifications.md.
 */
import { ComponentContext, ConfigFiles } from '../base';
import { k8s } from '../base/k8s';
import { AlertingConfig, Environment, ReceiverConfig, SecretKeyRef, TeamRoute } from '../../environments';
import { compareStrings } from '../base/order';
import { toYaml } from '../base/yaml';
import { endpoints, url } from '../endpoints';
import { LOCATION_LABELS, SEVERITIES, Severity, WATCHDOG_ALERT, ZONE_AWARE_LABEL, ZONE_DOWN_ALERT, ZONE_LABEL } from '../monitoring/labels';

/**
 * The fallback file lives in a ConfigMap of its own, mounted only into the Alertmanager: Mimir reads it once at
 * start, so a routing change restarts the Alertmanager pods (checksum annotation) and nothing else.
 */
export const ALERTMANAGER_CONFIG_DIR = '/etc/mimir-alertmanager';
export const FALLBACK_CONFIG_FILE = `${ALERTMANAGER_CONFIG_DIR}/alertmanager-fallback.yaml`;

/** Where the Secret keys are mounted: `<dir>/<secret>/<key>`. */
export const ALERTING_SECRETS_DIR = '/etc/mimir-alerting';
/** The receiver without integrations: alerts routed here are visible in the Alertmanager UI only. */
export const NO_RECEIVER = 'mop-no-receiver';

/** Labels alerts are grouped by: one notification per alert, place and affected workload. */
export const GROUP_BY = ['alertname', ...LOCATION_LABELS, 'namespace', 'k8s_namespace_name', 'service_name'] as const;

/** The labels that name the object an alert is about; a page inhibits only the ticket about the same object. */
export const IDENTITY_LABELS = ['namespace', 'job', 'pod', 'instance', 'persistentvolumeclaim', 'statefulset', 'deployment', 'daemonset', 'route'] as const;

/** Timing per severity: how long to wait for more alerts of a group, and how often to repeat an unresolved one. */
export const TIMING: Record<Severity, { group_wait: string; group_interval: string; repeat_interval: string }> = {
  page: { group_wait: '30s', group_interval: '5m', repeat_interval: '1h' },
  ticket: { group_wait: '2m', group_interval: '10m', repeat_interval: '12h' },
  info: { group_wait: '5m', group_interval: '30m', repeat_interval: '24h' },
};
/** The heartbeat: sent at once and again every 5 minutes while the Watchdog fires (that is, while alerting works). */
export const HEARTBEAT_TIMING = { group_wait: '0s', group_interval: '1m', repeat_interval: '5m' } as const;

export function secretPath(ref: SecretKeyRef): string {
  return `${ALERTING_SECRETS_DIR}/${ref.secret}/${ref.key}`;
}

/** The Secret keys a receiver reads. */
export function receiverSecrets(r: ReceiverConfig): SecretKeyRef[] {
  switch (r.type) {
    case 'slack':
    case 'msteams':
      return [r.webhookUrl];
    case 'pagerduty':
      return [r.routingKey];
    case 'opsgenie':
      return [r.apiKey];
    case 'email':
      return r.authPassword ? [r.authPassword] : [];
    case 'webhook':
      return [r.url];
  }
}

function receiver(r: ReceiverConfig): Record<string, unknown> {
  switch (r.type) {
    case 'slack':
      return { name: r.name, slack_configs: [{ api_url_file: secretPath(r.webhookUrl), channel: r.channel, send_resolved: true }] };
    case 'pagerduty':
      return { name: r.name, pagerduty_configs: [{ routing_key_file: secretPath(r.routingKey), send_resolved: true }] };
    case 'opsgenie':
      return { name: r.name, opsgenie_configs: [{ api_key_file: secretPath(r.apiKey), ...(r.apiUrl ? { api_url: r.apiUrl } : {}), send_resolved: true }] };
    case 'email':
      return {
        name: r.name,
        email_configs: [
          {
            to: r.to,
            from: r.from,
            smarthost: r.smarthost,
            require_tls: true,
            ...(r.authUsername ? { auth_username: r.authUsername, auth_password_file: secretPath(r.authPassword!) } : {}),
            send_resolved: true,
          },
        ],
      };
    case 'webhook':
      return { name: r.name, webhook_configs: [{ url_file: secretPath(r.url), send_resolved: true }] };
    case 'msteams':
      return { name: r.name, msteamsv2_configs: [{ webhook_url_file: secretPath(r.webhookUrl), send_resolved: true }] };
  }
}

function severityRoutes(pick: (s: Severity) => string): Record<string, unknown>[] {
  return SEVERITIES.map((s) => ({ receiver: pick(s), matchers: [`severity="${s}"`], ...TIMING[s] }));
}

function receiverFor(alerting: AlertingConfig | undefined, s: Severity, team?: TeamRoute): string {
  if (!alerting) return NO_RECEIVER;
  return team?.[s] ?? (s === 'info' ? alerting.info ?? NO_RECEIVER : alerting[s]);
}

/** The Alertmanager configuration (the fallback file) of an environment. */
export function alertmanagerConfig(env: Environment): Record<string, unknown> {
  const a = env.alerting;
  const teamRoutes = (a?.teams ?? []).flatMap((team) => {
    const names = [...team.namespaces].sort(compareStrings).join('|');
    // Platform alerts carry `namespace`, OBI's application metrics (SLOs) `k8s_namespace_name`.
    return ['namespace', 'k8s_namespace_name'].map((label) => ({
      receiver: receiverFor(a, 'ticket', team),
      matchers: [`${label}=~"${names}"`],
      routes: severityRoutes((s) => receiverFor(a, s, team)),
    }));
  });
  const location = [...LOCATION_LABELS];
  const inhibit: Record<string, unknown>[] = [
    // A page silences the ticket of the same alert and object (two thresholds of one condition).
    { source_matchers: ['severity="page"'], target_matchers: ['severity="ticket"'], equal: ['alertname', ...location, ...IDENTITY_LABELS] },
    // A fast SLO burn (page) silences the slow burn (ticket) of the same service and objective.
    { source_matchers: ['severity="page"', 'slo=~".+"'], target_matchers: ['severity="ticket"', 'slo=~".+"'], equal: [...location, 'k8s_namespace_name', 'service_name', 'slo'] },
  ];
  if (env.zoneAware) {
    // A lost zone silences what it is expected to cause: ring members of zone-aware rings, and the zone's own pods.
    inhibit.push(
      { source_matchers: [`alertname="${ZONE_DOWN_ALERT}"`], target_matchers: [`${ZONE_AWARE_LABEL}="true"`], equal: location },
      { source_matchers: [`alertname="${ZONE_DOWN_ALERT}"`], target_matchers: [`${ZONE_LABEL}=~".+"`, `alertname!="${ZONE_DOWN_ALERT}"`], equal: [...location, ZONE_LABEL] },
    );
  }
  return {
    global: { resolve_timeout: '5m' },
    route: {
      receiver: receiverFor(a, 'ticket'),
      group_by: [...GROUP_BY],
      ...TIMING.ticket,
      routes: [
        { receiver: a?.heartbeat ?? NO_RECEIVER, matchers: [`alertname="${WATCHDOG_ALERT}"`], ...HEARTBEAT_TIMING },
        ...teamRoutes,
        ...severityRoutes((s) => receiverFor(a, s)),
      ],
    },
    inhibit_rules: inhibit,
    receivers: [{ name: NO_RECEIVER }, ...[...(a?.receivers ?? [])].sort((x, y) => compareStrings(x.name, y.name)).map(receiver)],
  };
}

export function alertmanagerFallbackYaml(env: Environment): string {
  return toYaml(alertmanagerConfig(env));
}

/**
 * The Secret volumes the Alertmanager container mounts: one per referenced Secret, projecting only the referenced
 * keys. Not optional: a missing Secret keeps the pod in ContainerCreating (the kubelet retries), as a missing
 * object-storage Secret does, instead of starting an Alertmanager whose notifications fail.
 */
export function alertingSecretMounts(env: Environment): { volume: k8s.Volume; mount: k8s.VolumeMount }[] {
  const keys = new Map<string, Set<string>>();
  for (const r of env.alerting?.receivers ?? []) {
    for (const ref of receiverSecrets(r)) {
      if (!keys.has(ref.secret)) keys.set(ref.secret, new Set());
      keys.get(ref.secret)!.add(ref.key);
    }
  }
  return [...keys.keys()].sort(compareStrings).map((secret, i) => {
    const name = `alerting-secret-${i}`;
    return {
      volume: { name, secret: { secretName: secret, optional: false, items: [...keys.get(secret)!].sort(compareStrings).map((key) => ({ key, path: key })) } },
      mount: { name, mountPath: `${ALERTING_SECRETS_DIR}/${secret}`, readOnly: true },
    };
  });
}

/** What the Alertmanager container mounts: its fallback configuration and the receivers' Secret keys. */
export function alertmanagerMounts(ctx: ComponentContext): {
  extraConfig: { files: ConfigFiles; mountPath: string }[];
  extraVolumes: { volume: k8s.Volume; mount: k8s.VolumeMount }[];
} {
  const env = ctx.env;
  const files = new ConfigFiles(ctx, {
    id: { software: 'mimir', component: 'alertmanager-config' },
    name: 'mimir-alertmanager-fallback',
    namespace: env.namespaces.mimir,
    files: { [FALLBACK_CONFIG_FILE.slice(ALERTMANAGER_CONFIG_DIR.length + 1)]: alertmanagerFallbackYaml(env) },
  });
  return { extraConfig: [{ files, mountPath: ALERTMANAGER_CONFIG_DIR }], extraVolumes: alertingSecretMounts(env) };
}

/** TCP ports the Alertmanager connects to outside the cluster: HTTPS for the APIs, the SMTP relays' ports. */
export function notificationPorts(env: Environment): number[] {
  const ports = new Set<number>();
  for (const r of env.alerting?.receivers ?? []) {
    if (r.type === 'email') ports.add(Number(r.smarthost.split(':')[1]));
    else ports.add(443);
  }
  return [...ports].sort((x, y) => x - y);
}

/** One line for the synth summary: where this environment's alerts go (main.ts may print it). */
export function alertingSummary(env: Environment): string {
  if (!env.components.includes('mimir')) {
    return `${env.name}: alerting: rules for this cluster run in the global Mimir; notifications follow the global environment's routing`;
  }
  const a = env.alerting;
  const ui = `${url(endpoints(env).mimirAlertmanager)}/alertmanager`;
  if (!a) return `${env.name}: alerting: no external receiver; alerts are visible in the Mimir Alertmanager UI only (${ui})`;
  const kinds = (name: string | undefined) => (name ? `${name} (${a.receivers.find((r) => r.name === name)!.type})` : 'none (Alertmanager UI only)');
  const teams = (a.teams ?? []).map((t) => t.team);
  return (
    `${env.name}: alerting: page → ${kinds(a.page)}, ticket → ${kinds(a.ticket)}, info → ${kinds(a.info)}, ` +
    `heartbeat → ${kinds(a.heartbeat)}${teams.length ? `; team routes: ${teams.join(', ')}` : ''}`
  );
}
