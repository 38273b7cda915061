/**
 * What Mimir, Tempo and Loki share on Kubernetes: the memberlist gossip Service, the zone layout, object-storage
 * credentials and Kafka SASL credentials (by Secret reference only), and one helper that renders a store component
 * (workload + Services + PodDisruptionBudget) the same way for every store.
 */
import { k8s } from '../base/k8s';
import { Environment } from '../../environments';
import {
  ComponentContext,
  ConfigFiles,
  Resources,
  WorkloadIdentity,
  checksumAnnotation,
  container,
  deployment,
  goMemLimit,
  httpProbe,
  namespace,
  podDisruptionBudget,
  selectorLabels,
  service,
  statefulSet,
} from '../base';
import { PORTS } from '../endpoints';
import { Software, imageOf } from '../versions';

export type Store = 'mimir' | 'tempo' | 'loki';

/** Pod label that makes a pod a member of its store's gossip ring; the gossip Service selects on it. */
export const GOSSIP_LABEL = 'mop.dev/gossip-ring';
/** Pod label shared by all zone StatefulSets of one component, so one PodDisruptionBudget spans the zones. */
export const ROLLOUT_GROUP_LABEL = 'mop.dev/rollout-group';

export const GOSSIP_PORT_NAME = 'gossip-ring';

export function gossipServiceName(store: Store): string {
  return `${store}-gossip-ring`;
}

/** The `memberlist.join_members` entry for a store (DNS of the headless gossip Service). */
export function gossipJoin(env: Environment, store: Store): string {
  return `dns+${gossipServiceName(store)}.${env.namespaces[store]}.svc.cluster.local:${PORTS.gossip}`;
}

/** A distinct memberlist `cluster_label` per store and environment, so rings of different stores never merge. */
export function clusterLabel(env: Environment, store: Store): string {
  return `${env.name}-${store}`;
}

/** Headless Service over every gossip member of a store; members must be visible before they are ready. */
export function gossipService(ctx: ComponentContext, store: Store): void {
  service(ctx, {
    id: { software: store, component: 'gossip-ring' },
    name: gossipServiceName(store),
    namespace: ctx.env.namespaces[store],
    headless: true,
    publishNotReadyAddresses: true,
    ports: [{ name: GOSSIP_PORT_NAME, port: PORTS.gossip }],
    selector: { 'app.kubernetes.io/instance': `${store}-${ctx.env.name}`, [GOSSIP_LABEL]: store },
  });
}

/** A logical replication zone (`zone-a`) pinned to one cluster zone (topology.kubernetes.io/zone). */
export interface Zone {
  readonly name: string;
  readonly topologyZone: string;
}

/** zone-a/b/c over the cluster's three zones when zone-aware, otherwise none. `count` limits the zones used. */
export function zones(env: Environment, count = env.cluster.zones.length): Zone[] {
  if (!env.zoneAware) return [];
  return env.cluster.zones.slice(0, count).map((z, i) => ({ name: `zone-${String.fromCharCode(97 + i)}`, topologyZone: z }));
}

/** Pins pods to one cluster zone. */
export function zoneAffinity(zone: Zone): k8s.Affinity {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: [zone.topologyZone] }] }],
      },
    },
  };
}

/** Spreads the replicas of one workload over zones and nodes (only when the environment has several zones). */
export function spread(env: Environment, id: WorkloadIdentity): k8s.TopologySpreadConstraint[] | undefined {
  if (!env.zoneAware) return undefined;
  const labelSelector = { matchLabels: selectorLabels(env, id) };
  return [
    { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector },
    { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector },
  ];
}

/** Object-storage credentials: the operator's Secret as environment variables, never values. */
export function storageEnvFrom(env: Environment): k8s.EnvFromSource[] | undefined {
  const name = env.storage.credentialsSecret;
  return name ? [{ secretRef: { name } }] : undefined;
}

/** Environment variable names the configs reference as `${VAR}` (expanded with `-config.expand-env=true`). */
export const ENV_VARS = {
  awsAccessKeyId: 'AWS_ACCESS_KEY_ID',
  awsSecretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  azureStorageKey: 'AZURE_STORAGE_KEY',
  kafkaSaslUsername: 'KAFKA_SASL_USERNAME',
  kafkaSaslPassword: 'KAFKA_SASL_PASSWORD',
} as const;

/** `${VAR}` placeholder for the config files. */
export function placeholder(name: string): string {
  return `\${${name}}`;
}

/** Kafka SASL/PLAIN credentials from the operator's Secret (`username`, `password` keys). */
export function kafkaEnv(env: Environment): k8s.EnvVar[] {
  const secret = env.kafka?.saslSecret;
  if (!secret) return [];
  return [
    { name: ENV_VARS.kafkaSaslUsername, valueFrom: { secretKeyRef: { name: secret, key: 'username' } } },
    { name: ENV_VARS.kafkaSaslPassword, valueFrom: { secretKeyRef: { name: secret, key: 'password' } } },
  ];
}

/** Whether S3 credentials come from the Secret (else workload identity). */
export function usesStaticCredentials(env: Environment): boolean {
  return env.storage.credentialsSecret !== undefined;
}

/** Go duration (hours, minutes, seconds) for a Prometheus-style duration such as `7d` or `400d` (Tempo needs it). */
export function toGoDuration(d: string): string {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  let seconds = 0;
  for (const [, n, u] of d.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g)) seconds += Number(n) * units[u];
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

export interface StorePort {
  readonly name: string;
  readonly port: number;
}

/** One component of a store: a Deployment, or a StatefulSet (optionally one per zone). */
export interface StoreComponentProps {
  readonly store: Store;
  /** Component name, e.g. `ingester`; objects are named `<store>-<component>[-<zone>]`. */
  readonly component: string;
  /** Object name when it is not `<store>-<component>` (the monolithic StatefulSet is just `mimir`). */
  readonly name?: string;
  readonly kind: 'Deployment' | 'StatefulSet';
  readonly replicas: number;
  readonly resources: Resources;
  readonly args: readonly string[];
  readonly config: ConfigFiles;
  /** Extra ConfigMaps mounted read-only: volume name → mount path and files. */
  readonly extraConfig?: readonly { readonly files: ConfigFiles; readonly mountPath: string; readonly items?: k8s.KeyToPath[] }[];
  /** Further volumes with their mount in the container (Secret files). */
  readonly extraVolumes?: readonly { readonly volume: k8s.Volume; readonly mount: k8s.VolumeMount }[];
  readonly configMountPath: string;
  readonly dataMountPath: string;
  /** PVC size for StatefulSets; without it the data directory is an emptyDir. */
  readonly disk?: string;
  readonly httpPort: number;
  /** Additional container/Service ports (OTLP). */
  readonly extraPorts?: readonly StorePort[];
  /** Member of the store's memberlist ring. */
  readonly gossip: boolean;
  /** Per zone: one StatefulSet per zone with the zone's extra args. */
  readonly zones?: readonly Zone[];
  readonly zoneArgs?: (zone: Zone) => string[];
  readonly terminationGracePeriodSeconds: number;
  readonly readinessInitialDelaySeconds?: number;
  /** The client-facing Service (`<store>-<component>` unless renamed); set false for none. */
  readonly serviceName?: string | false;
  /** Also render `<name>-headless` (for DNS-based client-side load balancing or StatefulSet pod DNS). */
  readonly headless?: boolean;
  /** PodDisruptionBudget (maxUnavailable 1) over all replicas of the component, across zones. */
  readonly pdb: boolean;
  readonly env?: k8s.EnvVar[];
  readonly updateStrategy?: 'RollingUpdate' | 'OnDelete';
}

/**
 * Renders one store component with restricted security, `/ready` readiness on `http-metrics`, a config checksum,
 * credentials from Secrets, a writable data directory and `/tmp`, its Services and its PDB.
 */
export function storeComponent(ctx: ComponentContext, p: StoreComponentProps): void {
  const env = ctx.env;
  const software: Software = p.store;
  const namespace = env.namespaces[p.store];
  const base = p.name ?? `${p.store}-${p.component}`;
  const group = { [ROLLOUT_GROUP_LABEL]: base };
  const ports: StorePort[] = [
    { name: 'http-metrics', port: p.httpPort },
    { name: 'grpc', port: PORTS.grpc },
    ...(p.gossip ? [{ name: GOSSIP_PORT_NAME, port: PORTS.gossip }] : []),
    ...(p.extraPorts ?? []),
  ];
  const volumeMounts: k8s.VolumeMount[] = [
    { name: 'config', mountPath: p.configMountPath, readOnly: true },
    { name: 'data', mountPath: p.dataMountPath },
    { name: 'tmp', mountPath: '/tmp' },
    ...(p.extraConfig ?? []).map((c) => ({ name: c.files.name, mountPath: c.mountPath, readOnly: true })),
    ...(p.extraVolumes ?? []).map((v) => v.mount),
  ];
  const volumes: k8s.Volume[] = [
    p.config.volume('config'),
    { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
    ...(p.extraConfig ?? []).map((c) => ({ name: c.files.name, configMap: { name: c.files.name, items: c.items } })),
    ...(p.extraVolumes ?? []).map((v) => v.volume),
  ];
  const persistent = p.kind === 'StatefulSet' && p.disk !== undefined;
  if (!persistent) volumes.push({ name: 'data', emptyDir: {} });

  const annotations: Record<string, string> = { ...checksumAnnotation('config', p.config) };
  for (const c of p.extraConfig ?? []) Object.assign(annotations, checksumAnnotation(c.files.name, c.files));

  const layouts: { suffix: string; zone?: Zone }[] = p.zones?.length ? p.zones.map((z) => ({ suffix: `-${z.name}`, zone: z })) : [{ suffix: '' }];
  for (const { suffix, zone } of layouts) {
    const name = `${base}${suffix}`;
    const id: WorkloadIdentity = { software, component: `${p.component}${suffix}` };
    const c = container({
      name: p.component,
      image: imageOf(software),
      args: [...p.args, ...(zone && p.zoneArgs ? p.zoneArgs(zone) : [])],
      env: [goMemLimit(p.resources.memoryLimit ?? p.resources.memory), ...(p.env ?? [])],
      envFrom: storageEnvFrom(env),
      ports,
      resources: p.resources,
      readiness: httpProbe('/ready', 'http-metrics', { initialDelaySeconds: p.readinessInitialDelaySeconds ?? 15, timeoutSeconds: 1 }),
      volumeMounts,
    });
    const pod = {
      id,
      name,
      namespace,
      containers: [c],
      volumes,
      annotations,
      extraLabels: { ...group, ...(p.gossip ? { [GOSSIP_LABEL]: p.store } : {}) },
      terminationGracePeriodSeconds: p.terminationGracePeriodSeconds,
      affinity: zone ? zoneAffinity(zone) : undefined,
      topologySpreadConstraints: zone ? undefined : spread(env, id),
    };
    if (p.kind === 'Deployment') {
      deployment(ctx, { ...pod, replicas: p.replicas });
    } else {
      statefulSet(ctx, {
        ...pod,
        replicas: p.replicas,
        serviceName: `${base}-headless`,
        volumeClaims: persistent ? [{ name: 'data', size: p.disk as string }] : undefined,
        updateStrategy: p.updateStrategy,
      });
    }
  }

  // Services select every replica of the component, across zones.
  const id: WorkloadIdentity = { software, component: p.component };
  const selector = { 'app.kubernetes.io/instance': `${p.store}-${env.name}`, ...group };
  const servicePorts = ports.filter((port) => port.name !== GOSSIP_PORT_NAME);
  if (p.serviceName !== false) {
    service(ctx, { id, name: p.serviceName ?? base, namespace, ports: servicePorts, selector });
  }
  if (p.headless || p.kind === 'StatefulSet') {
    service(ctx, { id, name: `${base}-headless`, namespace, ports: servicePorts, selector, headless: true });
  }
  const total = p.replicas * layouts.length;
  if (p.pdb && total > 1) podDisruptionBudget(ctx, id, base, namespace, 1, selector);
}

export interface StoreFoundation {
  /** What every component of the store passes to `storeComponent`. */
  readonly common: { store: Store; config: ConfigFiles; configMountPath: string; dataMountPath: string; httpPort: number };
  /** The process arguments for a `-target`: the config file, with `${VAR}` expansion for the credentials. */
  target(target: string): string[];
}

/**
 * What every store starts with: its restricted namespace, its headless gossip Service, and its config files in one
 * ConfigMap (`<store>.yaml` plus `extraFiles`) mounted at `/etc/<store>`.
 */
export function storeFoundation(
  ctx: ComponentContext,
  store: Store,
  opts: { configYaml: string; extraFiles?: Record<string, string>; dataMountPath: string; httpPort: number },
): StoreFoundation {
  const ns = ctx.env.namespaces[store];
  namespace(ctx, ns, 'restricted');
  gossipService(ctx, store);
  const configMountPath = `/etc/${store}`;
  const config = new ConfigFiles(ctx, {
    id: { software: store, component: 'config' },
    name: `${store}-config`,
    namespace: ns,
    files: { [`${store}.yaml`]: opts.configYaml, ...(opts.extraFiles ?? {}) },
  });
  const base = [`-config.file=${configMountPath}/${store}.yaml`, '-config.expand-env=true'];
  return {
    common: { store, config, configMountPath, dataMountPath: opts.dataMountPath, httpPort: opts.httpPort },
    target: (target) => [`-target=${target}`, ...base],
  };
}
