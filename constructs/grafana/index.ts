import { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { k8s } from '../base/k8s';
import { Environment } from '../../environments';
import { ComponentDefinition } from '../platform';
import {
  ComponentContext,
  ConfigFiles,
  WorkloadIdentity,
  checksumAnnotation,
  container,
  deployment,
  httpProbe,
  namespace,
  restrictedPodSecurityContext,
  service,
  toYaml,
} from '../base';
import { Endpoints } from '../endpoints';
import { imageOf } from '../versions';
import { buildDashboards } from './dashboards';
import { experimentDashboards } from './experiments';
import { collectionDashboards } from './kubernetes';
import { datasourcesFile } from './datasources';

/** Grafana's uid/gid in the official image. */
export const GRAFANA_UID = 472;
export const DASHBOARDS_PATH = '/etc/grafana/dashboards';
const PROVISIONING_PATH = '/etc/grafana/provisioning';

const ID: WorkloadIdentity = { software: 'grafana', component: 'grafana' };

/**
 * Grafana settings as GF_<SECTION>_<KEY> environment variables (conf/defaults.ini of the pinned release):
 * anonymous access with the environment's role, no login form or basic auth, nothing that calls the internet.
 */
export function grafanaEnv(env: Environment, ep: Endpoints): k8s.EnvVar[] {
  const settings: Record<string, string> = {
    GF_SERVER_HTTP_PORT: String(ep.grafana.port),
    GF_PATHS_DATA: '/var/lib/grafana',
    GF_PATHS_PROVISIONING: PROVISIONING_PATH,
    GF_LOG_MODE: 'console',
    GF_AUTH_ANONYMOUS_ENABLED: 'true',
    GF_AUTH_ANONYMOUS_ORG_ROLE: env.grafana.anonymousRole,
    GF_AUTH_DISABLE_LOGIN_FORM: 'true',
    GF_AUTH_BASIC_ENABLED: 'false',
    GF_USERS_ALLOW_SIGN_UP: 'false',
    GF_ANALYTICS_REPORTING_ENABLED: 'false',
    GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
    GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
    GF_NEWS_NEWS_FEED_ENABLED: 'false',
    GF_PLUGINS_PREINSTALL_DISABLED: 'true',
  };
  return Object.entries(settings).map(([name, value]) => ({ name, value }));
}

/** The file provider that loads every dashboard JSON below DASHBOARDS_PATH into one folder. */
export function dashboardProvidersFile(): Record<string, unknown> {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'mop',
        orgId: 1,
        folder: 'MOP',
        folderUid: 'mop',
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path: DASHBOARDS_PATH, foldersFromFilesStructure: false },
      },
    ],
  };
}

/**
 * Dashboard JSON files, one ConfigMap each (so none nears the 1 MiB object limit): the six platform dashboards, the
 * Kubernetes dashboard of the collection features (`kubernetes.ts`) and those of the experiments the environment
 * switches on (`experiments.ts`).
 */
export function dashboardFiles(env: Environment): Record<string, { file: string; json: string }> {
  const dashboards = { ...buildDashboards(env), ...collectionDashboards(env), ...experimentDashboards(env) };
  const out: Record<string, { file: string; json: string }> = {};
  for (const [key, d] of Object.entries(dashboards)) {
    out[key] = { file: `${d.uid}.json`, json: dashboardJson(d) };
  }
  return out;
}

// Dashboards are built once per process (`dashboardOnce`), so their JSON is too.
const jsonOf = new WeakMap<Dashboard, string>();
function dashboardJson(d: Dashboard): string {
  let json = jsonOf.get(d);
  if (json === undefined) {
    json = `${JSON.stringify(d, null, 2)}\n`;
    jsonOf.set(d, json);
  }
  return json;
}

function build(ctx: ComponentContext): void {
  const ns = ctx.env.namespaces.grafana;
  const ep = ctx.endpoints.grafana;
  namespace(ctx, ns, 'restricted');

  const datasources = new ConfigFiles(ctx, { id: ID, name: 'grafana-datasources', namespace: ns, files: { 'datasources.yaml': toYaml(datasourcesFile(ctx.env, ctx.endpoints)) } });
  const providers = new ConfigFiles(ctx, { id: ID, name: 'grafana-dashboard-providers', namespace: ns, files: { 'providers.yaml': toYaml(dashboardProvidersFile()) } });
  const dashboards = Object.entries(dashboardFiles(ctx.env)).map(
    ([key, d]) => [key, new ConfigFiles(ctx, { id: ID, name: `grafana-dashboards-${key}`, namespace: ns, files: { [d.file]: d.json } })] as const,
  );

  const annotations: Record<string, string> = { ...checksumAnnotation('datasources', datasources), ...checksumAnnotation('dashboard-providers', providers) };
  for (const [key, files] of dashboards) Object.assign(annotations, checksumAnnotation(`dashboards-${key}`, files));

  deployment(ctx, {
    id: ID,
    name: 'grafana',
    namespace: ns,
    // Stateless: the SQLite database lives in an emptyDir and everything in it is provisioned. More replicas would
    // need a shared MySQL/PostgreSQL database.
    replicas: 1,
    annotations,
    podSecurityContext: restrictedPodSecurityContext(GRAFANA_UID),
    containers: [
      container({
        name: 'grafana',
        image: imageOf('grafana'),
        env: grafanaEnv(ctx.env, ctx.endpoints),
        ports: [{ name: ep.portName, port: ep.port }],
        resources: { cpu: '100m', memory: '256Mi', memoryLimit: '512Mi' },
        readiness: httpProbe('/api/health', ep.portName, { initialDelaySeconds: 5 }),
        liveness: httpProbe('/api/health', ep.portName, { initialDelaySeconds: 30, failureThreshold: 6 }),
        volumeMounts: [
          { name: 'data', mountPath: '/var/lib/grafana' },
          { name: 'tmp', mountPath: '/tmp' },
          { name: 'datasources', mountPath: `${PROVISIONING_PATH}/datasources`, readOnly: true },
          { name: 'dashboard-providers', mountPath: `${PROVISIONING_PATH}/dashboards`, readOnly: true },
          ...dashboards.map(([key]) => ({ name: `dashboards-${key}`, mountPath: `${DASHBOARDS_PATH}/${key}`, readOnly: true })),
        ],
      }),
    ],
    volumes: [
      { name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
      { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
      datasources.volume('datasources'),
      providers.volume('dashboard-providers'),
      ...dashboards.map(([key, files]) => files.volume(`dashboards-${key}`)),
    ],
  });

  service(ctx, { id: ID, name: ep.service, namespace: ns, ports: [{ name: ep.portName, port: ep.port, appProtocol: 'http' }] });
}

export const grafana: ComponentDefinition = { name: 'grafana', build };
