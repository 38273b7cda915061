/**
 * OBI (OpenTelemetry eBPF Instrumentation) as a DaemonSet, with cloudflare/ebpf_exporter in the same pod loading
 * MOP's own CO-RE probes (`ebpf/`). See docs/obi.md for what each privilege and host mount is for.
 */
import * as fs from 'fs';
import * as path from 'path';
import { k8s } from '../base/k8s';
import { ComponentDefinition } from '../platform';
import {
  ComponentContext,
  ConfigFiles,
  DEFAULT_UID,
  WorkloadIdentity,
  checksumAnnotation,
  clusterReader,
  clusterReaderNames,
  container,
  daemonSet,
  goMemLimit,
  httpProbe,
  namespace,
  platformLabels,
  restrictedContainerSecurityContext,
  serviceAccount,
} from '../base';
import { PORTS } from '../endpoints';
import { imageOf } from '../versions';
import { OBI_INTERNAL_METRICS_PATH, contextPropagation, obiConfigYaml } from './config';
import { SELECT_SCRIPT, probeSpec, readProbeFiles } from './ebpf-probes';

export const OBI_NAME = 'obi';
export const OBI_CONFIG_FILE = 'ebpf-instrument-config.yml';
export const OBI_CONFIG_DIR = '/etc/ebpf-instrument/config';
export const PROBES_CONFIGMAP = 'obi-ebpf-probes';
export const PROBES_DIR = '/etc/ebpf_exporter';
/** Where the init container leaves a static busybox for select-probes.sh (the exporter image has no shell). */
export const TOOLS_DIR = '/mop-tools';
/** Where select-probes.sh writes the status page it serves when no probe can run. */
export const STATUS_DIR = '/run/mop-ebpf-status';
/** The binary in ghcr.io/cloudflare/ebpf_exporter (Dockerfile: COPY ... /ebpf_exporter, ENTRYPOINT ["/ebpf_exporter"]). */
export const EXPORTER_BINARY = '/ebpf_exporter';
/** Scheduling priority of node agents: above every workload class (0 by default), below system-node-critical. */
export const NODE_PRIORITY_CLASS = { name: 'mop-node-critical', value: 1_000_000 } as const;

/** The fine-grained capability set OBI documents for application observability (opentelemetry.io OBI security.md). */
export const OBI_CAPABILITIES = ['BPF', 'SYS_PTRACE', 'NET_RAW', 'CHECKPOINT_RESTORE', 'DAC_READ_SEARCH', 'PERFMON'] as const;
/** ebpf_exporter's minimum: load programs and maps (BPF) and attach tracepoints through perf events (PERFMON). */
export const EXPORTER_CAPABILITIES = ['BPF', 'PERFMON'] as const;

const OBI_RESOURCES = { cpu: '100m', memory: '256Mi', memoryLimit: '1Gi' } as const;
const EXPORTER_RESOURCES = { cpu: '20m', memory: '64Mi', memoryLimit: '128Mi' } as const;
const TOOLS_RESOURCES = { cpu: '10m', memory: '16Mi' } as const;

/** The repository root (holds package.json and ebpf/), found from this file or from the esbuild bundle in .build/. */
export function repoRoot(start: string = __dirname): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'ebpf'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the repository root (package.json and ebpf/) above ${start}`);
  }
}

function hostPathVolume(name: string, hostPath: string): k8s.Volume {
  return { name, hostPath: { path: hostPath, type: 'Directory' } };
}

function obiSecurityContext(ctx: ComponentContext): k8s.SecurityContext {
  if (ctx.env.instrumentation.securityMode === 'privileged') {
    return { privileged: true, runAsUser: 0, runAsNonRoot: false, readOnlyRootFilesystem: true };
  }
  const add: string[] = [...OBI_CAPABILITIES];
  // TC/sock programs for network metrics and context propagation.
  if (ctx.env.instrumentation.networkMetrics) add.push('NET_ADMIN');
  return {
    privileged: false,
    runAsUser: 0,
    runAsNonRoot: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'], add },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

function exporterSecurityContext(): k8s.SecurityContext {
  return {
    privileged: false,
    allowPrivilegeEscalation: false,
    runAsUser: 0,
    runAsNonRoot: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'], add: [...EXPORTER_CAPABILITIES] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * The PriorityClass of MOP's node agents (OBI, ebpf_exporter, the Alloy node agent, node-exporter), rendered once
 * into the platform chart by whichever component needs it first.
 */
export function nodePriorityClass(ctx: ComponentContext): void {
  const id = `PriorityClass-${NODE_PRIORITY_CLASS.name}`;
  if (ctx.platformChart.node.tryFindChild(id)) return;
  new k8s.KubePriorityClass(ctx.platformChart, id, {
    metadata: { name: NODE_PRIORITY_CLASS.name, labels: platformLabels(ctx.env, 'priority-class') },
    value: NODE_PRIORITY_CLASS.value,
    globalDefault: false,
    preemptionPolicy: 'PreemptLowerPriority',
    description: 'MOP node agents (OBI, ebpf_exporter, Alloy, node-exporter): scheduled on every node, before application pods.',
  });
}

export const obi: ComponentDefinition = {
  name: 'obi',
  build(ctx) {
    const env = ctx.env;
    const ns = env.namespaces.obi;
    namespace(ctx, ns, 'privileged', 'OBI loads eBPF programs and needs hostPID, hostNetwork and host mounts');

    const id: WorkloadIdentity = { software: 'obi', component: 'node-agent' };
    const network = env.instrumentation.networkMetrics;

    serviceAccount(ctx, id, OBI_NAME, ns);
    clusterReader(ctx, id, clusterReaderNames(ctx.env).obi, { name: OBI_NAME, namespace: ns }, [
      { apiGroups: [''], resources: ['pods', 'services', 'nodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['list', 'watch'] },
    ]);

    nodePriorityClass(ctx);

    const config = new ConfigFiles(ctx, {
      id,
      name: `${OBI_NAME}-config`,
      namespace: ns,
      files: { [OBI_CONFIG_FILE]: obiConfigYaml(env, ctx.endpoints) },
    });

    const probes = readProbeFiles(repoRoot());
    const binaryFiles: Record<string, Buffer> = {};
    const files: Record<string, string> = { [SELECT_SCRIPT]: probes.selectScript };
    for (const o of probes.objects) {
      binaryFiles[`${o.name}.bpf.o`] = o.object;
      files[`${o.name}.yaml`] = o.config;
    }
    const probeFiles = new ConfigFiles(ctx, { id, name: PROBES_CONFIGMAP, namespace: ns, files, binaryFiles });

    const propagation = contextPropagation(env) !== 'disabled';
    const obiMounts: k8s.VolumeMount[] = [
      { name: 'config', mountPath: OBI_CONFIG_DIR, readOnly: true },
      { name: 'var-run-obi', mountPath: '/var/run/obi' },
      { name: 'cgroup', mountPath: '/sys/fs/cgroup', readOnly: true },
      { name: 'security', mountPath: '/sys/kernel/security', readOnly: true },
    ];
    if (propagation) obiMounts.push({ name: 'tracefs', mountPath: '/sys/kernel/tracing' });

    const obiContainer = container({
      name: 'obi',
      image: imageOf('obi'),
      env: [
        { name: 'OTEL_EBPF_CONFIG_PATH', value: `${OBI_CONFIG_DIR}/${OBI_CONFIG_FILE}` },
        goMemLimit(OBI_RESOURCES.memoryLimit),
      ],
      ports: [{ name: 'metrics', port: PORTS.obiMetrics }],
      resources: OBI_RESOURCES,
      // OBI loads its eBPF programs and scans executables before the internal metrics server answers.
      startup: httpProbe(OBI_INTERNAL_METRICS_PATH, 'metrics', { initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 60 }),
      readiness: httpProbe(OBI_INTERNAL_METRICS_PATH, 'metrics', { initialDelaySeconds: 0 }),
      liveness: httpProbe(OBI_INTERNAL_METRICS_PATH, 'metrics', { initialDelaySeconds: 0, timeoutSeconds: 5, failureThreshold: 6 }),
      volumeMounts: obiMounts,
      securityContext: obiSecurityContext(ctx),
    });

    // The exporter image is distroless (no shell): this copies the static busybox of a pinned image for
    // select-probes.sh, which picks the objects the node's kernel takes before it execs the exporter (ADR 0009).
    const toolsContainer: k8s.Container = {
      name: 'ebpf-tools',
      image: imageOf('busybox'),
      imagePullPolicy: 'IfNotPresent',
      command: ['/bin/cp', '/bin/busybox', `${TOOLS_DIR}/busybox`],
      resources: {
        requests: { cpu: k8s.Quantity.fromString(TOOLS_RESOURCES.cpu), memory: k8s.Quantity.fromString(TOOLS_RESOURCES.memory) },
        limits: { memory: k8s.Quantity.fromString(TOOLS_RESOURCES.memory) },
      },
      volumeMounts: [{ name: 'ebpf-tools', mountPath: TOOLS_DIR }],
      securityContext: { ...restrictedContainerSecurityContext(), runAsUser: DEFAULT_UID, runAsGroup: DEFAULT_UID },
      terminationMessagePolicy: 'FallbackToLogsOnError',
    };

    const exporterContainer = container({
      name: 'ebpf-exporter',
      image: imageOf('ebpfExporter'),
      command: [`${TOOLS_DIR}/busybox`, 'sh', `${PROBES_DIR}/${SELECT_SCRIPT}`],
      env: [
        { name: 'MOP_EBPF_PROBES', value: probeSpec() },
        { name: 'MOP_EBPF_CONFIG_DIR', value: PROBES_DIR },
        { name: 'MOP_EBPF_EXPORTER', value: EXPORTER_BINARY },
        { name: 'MOP_EBPF_PORT', value: String(PORTS.ebpfExporter) },
        { name: 'MOP_EBPF_STATUS_DIR', value: STATUS_DIR },
        { name: 'MOP_BUSYBOX', value: `${TOOLS_DIR}/busybox` },
        goMemLimit(EXPORTER_RESOURCES.memoryLimit),
      ],
      ports: [{ name: 'ebpf-metrics', port: PORTS.ebpfExporter }],
      resources: EXPORTER_RESOURCES,
      // `/` answers once the exporter listens, which with --config.strict means every object it was handed is
      // attached; when no probe can run on the node, select-probes.sh serves its status page there instead.
      readiness: httpProbe('/', 'ebpf-metrics', { initialDelaySeconds: 5 }),
      liveness: httpProbe('/', 'ebpf-metrics', { initialDelaySeconds: 30, timeoutSeconds: 5, failureThreshold: 6 }),
      volumeMounts: [
        { name: 'probes', mountPath: PROBES_DIR, readOnly: true },
        { name: 'ebpf-tools', mountPath: TOOLS_DIR, readOnly: true },
        { name: 'ebpf-status', mountPath: STATUS_DIR },
        // libbpf reads tracepoint ids from tracefs when attaching `tracepoint/<category>/<name>` programs.
        { name: 'tracefs', mountPath: '/sys/kernel/tracing', readOnly: true },
      ],
      securityContext: exporterSecurityContext(),
    });

    daemonSet(ctx, {
      id,
      name: OBI_NAME,
      namespace: ns,
      serviceAccountName: OBI_NAME,
      initContainers: [toolsContainer],
      containers: [obiContainer, exporterContainer],
      annotations: {
        ...checksumAnnotation('config', config),
        ...checksumAnnotation('ebpf-probes', probeFiles),
      },
      // Root in both containers; each container sets its own privileges.
      podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      hostPid: true,
      hostNetwork: network ? true : undefined,
      dnsPolicy: network ? 'ClusterFirstWithHostNet' : undefined,
      priorityClassName: NODE_PRIORITY_CLASS.name,
      tolerations: [{ operator: 'Exists' }],
      terminationGracePeriodSeconds: 30,
      maxUnavailable: '10%',
      volumes: [
        config.volume('config'),
        probeFiles.volume('probes'),
        { name: 'var-run-obi', emptyDir: {} },
        { name: 'ebpf-tools', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } },
        { name: 'ebpf-status', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Mi') } },
        hostPathVolume('cgroup', '/sys/fs/cgroup'),
        hostPathVolume('security', '/sys/kernel/security'),
        hostPathVolume('tracefs', '/sys/kernel/tracing'),
      ],
    });
  },
};
