/**
 * The rendered Alertmanager configuration of every environment that runs Mimir, checked by the real tools and by the
 * pinned Mimir's rules:
 * - `amtool check-config` (Debian's prometheus-alertmanager 0.25.0; `.ci/run` installs it). It predates two fields
 *   the pinned Mimir knows (webhook `url_file`, `msteamsv2_configs`): the raw file must fail on exactly those and
 *   nothing else, and a projection without them must pass.
 * - Mimir's restrictions (test/alerting/mimir-alertmanager.ts): what the fallback path accepts, and that the same
 *   file would be refused as an API-uploaded tenant config (why MOP uses the fallback, ADR 0010).
 * - Every `*_file` is a file the Alertmanager container mounts (a projected key of an operator-provided Secret), and
 *   `alertmanager.fallback_config_file` is a file of the mounted ConfigMap.
 * - Routing: `amtool config routes test` says which receiver gets a page, a ticket, an info alert, the Watchdog and
 *   each team's alerts; a real Alertmanager 0.25 on loopback shows which alerts are inhibited (page over ticket, a
 *   fast SLO burn over the slow one, a lost zone over its consequences) and that `region` keeps regions apart.
 * - No Secret value or webhook URL in dist/ or git.
 */
import { spawn, spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse, stringify } from 'yaml';
import { ENVIRONMENTS, Environment, loadEnvironment } from '../../environments';
import { NO_RECEIVER, alertingSummary, alertmanagerConfig, alertmanagerFallbackYaml } from '../../constructs/mimir/alertmanager';
import { operatorProvided } from '../../constructs/provided';
import { KubeObject } from '../../constructs/render';
import { PROJECT_ROOT } from '../support/paths';
import { allObjects, renderedEnvironments } from '../support/render';
import { apiValidationErrors, fallbackProblems, referencedFiles } from './mimir-alertmanager';

jest.setTimeout(120_000);

type Obj = Record<string, any>;
const mimirEnvs: Environment[] = ENVIRONMENTS.map((e) => loadEnvironment(e)).filter((env) => env.components.includes('mimir'));

function tool(name: string): string {
  const r = spawnSync(name, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`${name} not found: install Debian package "prometheus-alertmanager" (CI: .ci/run installs it)`);
  return name;
}

/**
 * Fields of the pinned Mimir's Alertmanager that Debian's 0.25.0 does not parse ("field … not found in type
 * config.plain"): webhook `url_file` (added after 0.25) and `msteamsv2_configs` (added in 0.28).
 */
const NEWER_THAN_AMTOOL = ['url_file', 'msteamsv2_configs'];

/** The config without those fields: `url_file` becomes a loopback URL, msteamsv2 integrations are dropped (names kept). */
function projectForAmtool(config: Obj): { config: Obj; dropped: string[] } {
  const copy = structuredClone(config);
  const dropped: string[] = [];
  for (const r of copy.receivers) {
    for (const w of r.webhook_configs ?? []) {
      if (w.url_file) {
        dropped.push(`${r.name}.webhook_configs.url_file`);
        delete w.url_file;
        w.url = 'http://127.0.0.1:9/url-file-not-checked-by-amtool-0.25';
      }
    }
    if (r.msteamsv2_configs) {
      dropped.push(`${r.name}.msteamsv2_configs`);
      delete r.msteamsv2_configs;
    }
  }
  return { config: copy, dropped };
}

/** Only the routing tree and inhibition: receivers keep their names and lose their integrations (no egress in tests). */
function routingOnly(config: Obj): Obj {
  return { ...structuredClone(config), receivers: config.receivers.map((r: Obj) => ({ name: r.name })) };
}

function writeTemp(prefix: string, name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

function where(env: Environment): Record<string, string> {
  return { cluster: env.cluster.name, ...(env.multiRegion?.role === 'global' ? { region: env.multiRegion.regions[0].name } : {}) };
}

function routeOf(file: string, labels: Record<string, string>): string {
  const r = spawnSync(tool('amtool'), ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`amtool config routes test failed: ${r.stderr}`);
  return r.stdout.trim();
}

describe.each(mimirEnvs)('Alertmanager configuration of $name', (env) => {
  const config = alertmanagerConfig(env) as Obj;
  const rendered = renderedEnvironments().find((r) => r.env.name === env.name)!;
  const objects = allObjects(rendered);

  test('the rendered ConfigMap holds exactly this configuration', () => {
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'mimir-alertmanager-fallback') as Obj;
    expect(cm.data['alertmanager-fallback.yaml']).toBe(alertmanagerFallbackYaml(env));
  });

  test('amtool check-config: the raw file fails only on fields newer than amtool 0.25, the projection passes', () => {
    const amtool = tool('amtool');
    const raw = spawnSync(amtool, ['check-config', writeTemp('mop-am-raw-', 'am.yaml', alertmanagerFallbackYaml(env))], { encoding: 'utf8' });
    const unknown = [...`${raw.stdout}${raw.stderr}`.matchAll(/field (\S+) not found in type/g)].map((m) => m[1]);
    const { config: projected, dropped } = projectForAmtool(config);
    if (dropped.length === 0) {
      expect(raw.status).toBe(0);
    } else {
      expect(raw.status).not.toBe(0);
      expect(unknown.length).toBeGreaterThan(0);
      for (const f of unknown) expect(NEWER_THAN_AMTOOL).toContain(f);
    }
    const r = spawnSync(amtool, ['check-config', writeTemp('mop-am-', 'am.yaml', stringify(projected))], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`amtool check-config failed:\n${r.stdout}\n${r.stderr}`);
    expect(r.stdout).toMatch(/SUCCESS/);
  });

  test('the pinned Mimir accepts it as the fallback configuration, and would refuse it through the tenant API', () => {
    expect(fallbackProblems(config)).toEqual([]);
    const credentials = referencedFiles(config);
    if (credentials.length > 0) {
      // Credentials only as files is exactly what the tenant API refuses: the reason MOP renders the fallback (ADR 0010).
      expect(apiValidationErrors(config).length).toBe(credentials.length);
    } else {
      expect(apiValidationErrors(config)).toEqual([]);
    }
  });

  test('the Alertmanager container mounts every file the configuration names, from operator-provided Secrets', () => {
    const mimirConfig = parse((objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'mimir-config') as Obj).data['mimir.yaml']);
    const fallbackPath: string = mimirConfig.alertmanager.fallback_config_file;
    const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o as Obj]));
    const pods = objects.filter((o): o is KubeObject => o.kind === 'StatefulSet' && ['mimir', 'mimir-alertmanager'].includes(o.metadata.name as string));
    expect(pods).toHaveLength(1);
    const spec = (pods[0] as Obj).spec.template.spec;
    const container = spec.containers[0];
    expect(container.args.some((a: string) => /^-target=(all,)?alertmanager$/.test(a))).toBe(true);
    const files = new Set<string>();
    const secrets = new Set<string>();
    for (const m of container.volumeMounts) {
      const v = spec.volumes.find((x: Obj) => x.name === m.name);
      if (!v) continue; // the data volume comes from a volumeClaimTemplate
      if (v.secret) {
        secrets.add(v.secret.secretName);
        expect(v.secret.optional).toBe(false);
        for (const item of v.secret.items) files.add(`${m.mountPath}/${item.path}`);
      }
      if (v.configMap) {
        const keys = v.configMap.items ? v.configMap.items.map((i: Obj) => i.path) : Object.keys(configMaps.get(v.configMap.name)!.data ?? {});
        for (const k of keys) files.add(`${m.mountPath}/${k}`);
      }
    }
    expect(files).toContain(fallbackPath);
    expect(mimirConfig.alertmanager.enable_api).toBe(false);
    for (const f of referencedFiles(config)) expect(files).toContain(f);
    for (const s of secrets) expect(operatorProvided(env).secrets).toContain(s);
  });

  test('routing: which receiver gets a page, a ticket, an info alert, the Watchdog and each team’s alerts', () => {
    const file = writeTemp('mop-am-routes-', 'am.yaml', stringify(projectForAmtool(config).config));
    const a = env.alerting;
    const loc = where(env);
    const table: [string, Record<string, string>, string][] = [
      ['page', { ...loc, alertname: 'MimirIngesterUnhealthy', severity: 'page', namespace: env.namespaces.mimir }, a?.page ?? NO_RECEIVER],
      ['ticket', { ...loc, alertname: 'KubePodCrashLooping', severity: 'ticket', namespace: env.namespaces.loki }, a?.ticket ?? NO_RECEIVER],
      ['info', { ...loc, alertname: 'SomeInfo', severity: 'info' }, a?.info ?? NO_RECEIVER],
      ['watchdog', { ...loc, alertname: 'Watchdog', severity: 'info' }, a?.heartbeat ?? NO_RECEIVER],
      ['no severity', { ...loc, alertname: 'Unlabelled' }, a?.ticket ?? NO_RECEIVER],
    ];
    for (const team of a?.teams ?? []) {
      for (const severity of ['page', 'ticket', 'info'] as const) {
        const expected = team[severity] ?? (severity === 'info' ? a!.info ?? NO_RECEIVER : a![severity]);
        table.push([`${team.team} ${severity} (SLO)`, { ...loc, alertname: 'SLOAvailabilityBudgetBurnFast', severity, k8s_namespace_name: team.namespaces[0] }, expected]);
        table.push([`${team.team} ${severity}`, { ...loc, alertname: 'KubePodNotReady', severity, namespace: team.namespaces[0] }, expected]);
      }
    }
    const shown = table.map(([what, labels, expected]) => {
      const got = routeOf(file, labels);
      expect(`${what} → ${got}`).toBe(`${what} → ${expected}`);
      return `${what} → ${got}`;
    });
    console.log(`${alertingSummary(env)}\n  ${shown.join('\n  ')}`);
  });

  test('a real Alertmanager inhibits what the routing promises', async () => {
    const alerts = inhibitionScenario(env);
    const state = await withAlertmanager(stringify(routingOnly(projectForAmtool(config).config)), alerts.map((x) => x.labels));
    const shown = alerts.map(({ name, labels, inhibited }) => {
      const got = state.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v) && Object.keys(s.labels).length === Object.keys(labels).length);
      if (!got) throw new Error(`${name}: not found in the Alertmanager`);
      const line = `${name}: ${got.status.inhibitedBy.length > 0 ? 'inhibited' : 'active'}`;
      expect(line).toBe(`${name}: ${inhibited ? 'inhibited' : 'active'}`);
      return line;
    });
    console.log(`${env.name}: inhibition in Alertmanager 0.25\n  ${shown.join('\n  ')}`);
  });
});

interface ScenarioAlert {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly inhibited: boolean;
}

function inhibitionScenario(env: Environment): ScenarioAlert[] {
  const loc = where(env);
  const other = env.multiRegion?.role === 'global' ? { ...loc, region: env.multiRegion.regions[1]?.name ?? 'elsewhere' } : { ...loc, cluster: 'another-cluster' };
  const pvc = { alertname: 'KubePersistentVolumeFillingUp', namespace: env.namespaces.mimir, persistentvolumeclaim: 'data-mimir-0' };
  const slo = { slo: 'availability', k8s_namespace_name: env.slos[0]?.namespace ?? 'demo', service_name: env.slos[0]?.service ?? 'checkout' };
  const out: ScenarioAlert[] = [
    { name: 'PVC 95 % (page)', labels: { ...loc, ...pvc, severity: 'page' }, inhibited: false },
    { name: 'PVC 80 % (ticket) under its page', labels: { ...loc, ...pvc, severity: 'ticket' }, inhibited: true },
    { name: 'PVC 80 % (ticket) elsewhere', labels: { ...other, ...pvc, severity: 'ticket' }, inhibited: false },
    { name: 'another PVC 80 % (ticket) in the same namespace', labels: { ...loc, ...pvc, persistentvolumeclaim: 'data-mimir-1', severity: 'ticket' }, inhibited: false },
    { name: 'fast SLO burn (page)', labels: { ...loc, ...slo, alertname: 'SLOAvailabilityBudgetBurnFast', severity: 'page' }, inhibited: false },
    { name: 'slow SLO burn (ticket) of the same service', labels: { ...loc, ...slo, alertname: 'SLOAvailabilityBudgetBurnSlow', severity: 'ticket' }, inhibited: true },
    { name: 'slow SLO burn (ticket) of another service', labels: { ...loc, ...slo, service_name: 'other-service', alertname: 'SLOAvailabilityBudgetBurnSlow', severity: 'ticket' }, inhibited: false },
  ];
  if (env.zoneAware) {
    out.push(
      { name: 'zone-a down (page)', labels: { ...loc, alertname: 'MOPZoneDown', zone: 'zone-a', severity: 'page' }, inhibited: false },
      { name: 'ingesters unhealthy (zone-aware ring) during the zone outage', labels: { ...loc, alertname: 'MimirIngesterUnhealthy', namespace: env.namespaces.mimir, zone_aware: 'true', severity: 'page' }, inhibited: true },
      { name: 'a zone-a pod not ready', labels: { ...loc, alertname: 'KubePodNotReady', namespace: env.namespaces.mimir, pod: 'mimir-ingester-zone-a-0', zone: 'zone-a', severity: 'ticket' }, inhibited: true },
      { name: 'a zone-b pod not ready', labels: { ...loc, alertname: 'KubePodNotReady', namespace: env.namespaces.mimir, pod: 'mimir-ingester-zone-b-0', zone: 'zone-b', severity: 'ticket' }, inhibited: false },
      { name: 'ingesters unhealthy elsewhere', labels: { ...other, alertname: 'MimirIngesterUnhealthy', namespace: env.namespaces.mimir, zone_aware: 'true', severity: 'page' }, inhibited: false },
    );
  }
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs Debian's Alertmanager on loopback (no clustering), posts the alerts, returns their state. */
async function withAlertmanager(configYaml: string, alerts: Record<string, string>[]): Promise<{ labels: Record<string, string>; status: { inhibitedBy: string[] } }[]> {
  const bin = 'prometheus-alertmanager';
  const dir = mkdtempSync(join(tmpdir(), 'mop-am-run-'));
  writeFileSync(join(dir, 'am.yaml'), configYaml);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = spawn(bin, [`--config.file=${join(dir, 'am.yaml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => (log += d));
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`${base}/-/ready`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`Alertmanager did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const startsAt = new Date().toISOString();
    const post = await fetch(`${base}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts.map((labels) => ({ labels, startsAt }))) });
    expect(post.ok).toBe(true);
    const got = await fetch(`${base}/api/v2/alerts`);
    return (await got.json()) as { labels: Record<string, string>; status: { inhibitedBy: string[] } }[];
  } finally {
    proc.kill('SIGTERM');
  }
}

describe('credentials by Secret reference only', () => {
  test('MOP renders no Secret and the Alertmanager configuration carries no credential value', () => {
    for (const r of renderedEnvironments()) {
      expect(allObjects(r).filter((o) => o.kind === 'Secret')).toEqual([]);
      if (!r.env.components.includes('mimir')) continue;
      const walk = (v: unknown, path: string) => {
        if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}.${i}`));
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
        else if (typeof v === 'string') {
          const key = path.split('.').pop()!;
          // Credentials and webhook URLs may only appear as *_file paths; OpsGenie's api_url is its public API base.
          if (/(^|_)(url|key|password|secret|token|credentials)$/.test(key) && key !== 'api_url' && !key.endsWith('_file')) throw new Error(`${r.env.name}: ${path} holds a value`);
          if (key === 'api_url' && !/^https:\/\/api(\.eu)?\.opsgenie\.com\/$/.test(v)) throw new Error(`${r.env.name}: ${path} is not a public API base`);
        }
      };
      walk(alertmanagerConfig(r.env), 'alertmanager');
    }
  });

  test('no webhook URL or token of a notification service appears in any file tracked by git (dist/ included)', () => {
    // Incoming-webhook and integration URLs of the supported receivers, and Slack/PagerDuty/OpsGenie key shapes.
    const patterns = [
      'hooks\\.slack\\.com/',
      'xox[abpr]-[0-9A-Za-z-]+',
      '\\.webhook\\.office\\.com/',
      'outlook\\.office(365)?\\.com/webhook',
      '\\.logic\\.azure\\.com.*/workflows/',
      'events\\.pagerduty\\.com/integration/',
      'api\\.opsgenie\\.com/v2/heartbeats/[^/]+/ping',
      'hc-ping\\.com/',
      'nosnch\\.in/',
    ];
    const r = spawnSync('git', ['grep', '-n', '-I', '-E', patterns.join('|'), '--', '.', ':!test/alerting/alertmanager.test.ts'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    // git grep exits 1 when nothing matches.
    expect(r.stdout).toBe('');
    expect(r.status).toBe(1);
    expect(readFileSync(join(PROJECT_ROOT, '.ci/run'), 'utf8')).toMatch(/prometheus-alertmanager/);
  });
});

describe('alertingSummary: the line synth can print per environment', () => {
  test.each(ENVIRONMENTS.map((e) => loadEnvironment(e)))('$name says where its alerts go', (env) => {
    const line = alertingSummary(env);
    expect(line.startsWith(`${env.name}: alerting: `)).toBe(true);
    expect(line).not.toContain('\n');
    if (!env.components.includes('mimir')) expect(line).toMatch(/global Mimir/);
    else if (!env.alerting) expect(line).toMatch(/no external receiver; alerts are visible in the Mimir Alertmanager UI only/);
    else {
      expect(line).toContain(`page → ${env.alerting.page}`);
      expect(line).toContain(`ticket → ${env.alerting.ticket}`);
    }
  });
});
