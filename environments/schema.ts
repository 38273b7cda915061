/**
 * The configuration of one MOP environment, as one zod schema: the TypeScript types (`model.ts`) are inferred from it
 * and the same definition checks the runtime shape of what an environment file exports (it may be JavaScript, or a
 * cast), before the cross-field rules of `validate.ts` run. Every field carries the phrase that says what it allows,
 * so a rejection names the field, the value and the rule in one line.
 */
import * as z from 'zod/mini';
import { OBI_DURATION_BUCKETS_SECONDS } from '../constructs/slo/buckets';
import {
  dnsLabelProblem,
  dnsSubdomainProblem,
  goDurationSeconds,
  hostProblem,
  kafkaTopicProblem,
  parseHostPort,
  prometheusDurationSeconds,
  tenantIdProblem,
} from './upstream-rules';

/** A string field; `problem` returns what is allowed when the value is not. */
function text(allowed: string, problem?: (s: string) => string | undefined) {
  const base = z.string({ error: `must be a string: ${allowed}` });
  return base.check(
    z.superRefine((s, ctx) => {
      const issue = s.length === 0 ? allowed : problem?.(s);
      if (issue) ctx.addIssue({ code: 'custom', message: `must be ${issue}`, input: s });
    }),
  );
}

const matching = (pattern: RegExp, allowed: string) => text(allowed, (s) => (pattern.test(s) ? undefined : allowed));
const dnsLabel = (maxLength = 63) => text(`a DNS label of at most ${maxLength} characters`, (s) => dnsLabelProblem(s, maxLength));
const objectName = () => text('a Kubernetes object name', dnsSubdomainProblem);
const bool = () => z.boolean({ error: 'must be true or false' });
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: `must be one of ${values.join(', ')}` });

function num(min: number, max: number, integer = false) {
  const allowed = `must be ${integer ? 'an integer' : 'a finite number'} from ${min} to ${max}`;
  return z.number({ error: allowed }).check(z.refine((n) => n >= min && n <= max && (!integer || Number.isInteger(n)), { error: allowed }));
}

function list<T extends z.core.SomeType>(item: T, minItems: number, what: string) {
  const allowed = `must be a list of ${what}${minItems > 0 ? ` with at least ${minItems} item${minItems > 1 ? 's' : ''}` : ''}`;
  return z.readonly(z.array(item, { error: allowed }).check(z.minLength(minItems, { error: allowed })));
}

/** An object with exactly these fields: an unknown field is an error that lists the known ones. */
function fields<T extends z.core.$ZodLooseShape>(shape: T, what: string) {
  const known = Object.keys(shape).join(', ');
  return z.readonly(
    z.strictObject(shape, {
      error: (issue) => (issue.code === 'unrecognized_keys' ? `is not a known field (known: ${known})` : `must be an object: ${what} (fields: ${known})`),
    }),
  );
}

const HTTPS_URL = /^https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~\/-]*)?$/;
const REGION = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Prometheus-style durations (Mimir, Loki) such as `15d` or `720h`. */
const retention = () => text('a duration such as 15d or 720h (units y w d h m s, largest first)', (s) => (prometheusDurationSeconds(s) === undefined ? 'a duration such as 15d or 720h (units y w d h m s, largest first)' : undefined));
const httpsUrl = () =>
  text('an https:// URL (host, optional port and path) the operator exposes across clusters', (s) => {
    if (!HTTPS_URL.test(s)) return 'an https:// URL (host, optional port and path) the operator exposes across clusters';
    const port = /^https:\/\/[^/:]+:([0-9]+)/.exec(s)?.[1];
    return port !== undefined && (Number(port) < 1 || Number(port) > 65535) ? 'an https:// URL whose port is from 1 to 65535' : undefined;
  });

const LATENCY_BOUNDARIES_MS = OBI_DURATION_BUCKETS_SECONDS.filter((b) => b > 0).map((b) => Math.round(b * 1000));

const brokerList = () =>
  text('host:port of each broker, comma-separated, ports from 1 to 65535', (s) => {
    for (const broker of s.split(',')) {
      const parsed = parseHostPort(broker, true);
      if (typeof parsed === 'string') return `host:port of each broker, comma-separated (broker "${broker}": ${parsed})`;
    }
    return undefined;
  });

const cluster = fields(
  {
    /** Kubernetes cluster name, added as the `cluster` label to every metric, log stream and span. */
    name: dnsLabel(),
    region: matching(REGION, 'a region id such as eu-west-1'),
    /** Availability zones (topology.kubernetes.io/zone values): 1, or 3 for zone-aware replication. */
    zones: list(matching(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a zone id such as eu-west-1a'), 1, 'zone names'),
  },
  'the Kubernetes cluster',
);

const argocd = fields(
  {
    repoURL: matching(/^(https:\/\/|ssh:\/\/|git@)\S+$/, 'an https://, ssh:// or git@ Git URL'),
    targetRevision: matching(/^[A-Za-z0-9._\/-]+$/, 'a branch, tag or commit'),
    /** Destination cluster API server, `https://kubernetes.default.svc` for the cluster Argo CD runs in. */
    destinationServer: matching(/^https:\/\/\S+$/, 'an https:// Kubernetes API server URL'),
    /** Namespace Argo CD runs in and where Application objects live. */
    namespace: dnsLabel(),
    project: dnsLabel(),
    /** Namespace of the Argo Rollouts controller, which queries Mimir during canary analysis. */
    rolloutsNamespace: dnsLabel(),
  },
  'Argo CD settings',
);

const buckets = fields(
  {
    mimirBlocks: z.string({ error: 'must be a bucket name' }),
    mimirRuler: z.string({ error: 'must be a bucket name' }),
    mimirAlertmanager: z.string({ error: 'must be a bucket name' }),
    tempoTraces: z.string({ error: 'must be a bucket name' }),
    lokiChunks: z.string({ error: 'must be a bucket name' }),
    lokiRuler: z.string({ error: 'must be a bucket name' }),
  },
  'one bucket name per store',
);

const storage = fields(
  {
    /** `filesystem` is only allowed in dev; staging and production must use object storage. */
    backend: oneOf(['filesystem', 's3', 'gcs', 'azure']),
    /** Required for every backend but `filesystem`; the naming rules of the backend apply (validate.ts). */
    buckets: z.optional(buckets),
    s3: z.optional(
      fields(
        {
          /** `host[:port]` without a scheme; the port (443, or 80 with `insecure`) also opens the stores' egress. */
          endpoint: text('host[:port] without scheme, e.g. s3.eu-west-1.amazonaws.com or minio.minio.svc:9000', (s) => {
            const parsed = parseHostPort(s, false);
            return typeof parsed === 'string' ? parsed : undefined;
          }),
          region: matching(REGION, 'an S3 region'),
          /** Plain HTTP to the endpoint (an in-cluster MinIO, say). */
          insecure: z.optional(bool()),
          forcePathStyle: z.optional(bool()),
        },
        'S3 settings',
      ),
    ),
    azure: z.optional(fields({ accountName: matching(/^[a-z0-9]{3,24}$/, 'an Azure storage account name: 3-24 lower-case letters and digits') }, 'Azure settings')),
    /**
     * Name of an operator-provided Secret (in each store's namespace) whose keys become environment variables
     * (`envFrom`) and are expanded in the config with `-config.expand-env=true`: `AWS_ACCESS_KEY_ID` and
     * `AWS_SECRET_ACCESS_KEY` for S3, `GOOGLE_APPLICATION_CREDENTIALS` content for GCS, `AZURE_STORAGE_KEY` for Azure.
     * Omit it to use workload identity (IRSA, GKE Workload Identity, Azure Workload Identity).
     */
    credentialsSecret: z.optional(objectName()),
  },
  'object storage settings',
);

const kafka = fields(
  {
    /** Bootstrap address of an existing Kafka-compatible cluster, `host:port[,host:port]`. MOP never deploys Kafka. */
    address: brokerList(),
    mimirTopic: text('a Kafka topic name', kafkaTopicProblem),
    tempoTopic: text('a Kafka topic name', kafkaTopicProblem),
    /** Partitions of the topics (upstream: at least the number of ingesters / live-stores per zone). */
    partitions: num(1, 10000, true),
    /** Secret holding `username` and `password` for SASL (in the Mimir and Tempo namespaces). */
    saslSecret: z.optional(objectName()),
    /**
     * SASL mechanism Mimir uses with `saslSecret` (default PLAIN). Tempo 3.0.3 has no mechanism setting (PLAIN only),
     * so with distributed Tempo only PLAIN is accepted.
     */
    saslMechanism: z.optional(oneOf(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])),
    /**
     * TLS from Mimir to Kafka (Mimir 3.1+). Tempo 3.0.3 has no Kafka TLS client settings, so Tempo keeps `address`
     * (a plaintext or SASL_PLAINTEXT listener) and Mimir connects to `mimirTls.address`.
     */
    mimirTls: z.optional(
      fields(
        {
          /** The TLS listener, `host:port[,host:port]`; required when distributed Tempo shares this Kafka. Default `address`. */
          address: z.optional(brokerList()),
          /** Secret (in the Mimir namespace) with `ca.crt`, the CA that signed the brokers' certificates; omit for the system roots. */
          caSecret: z.optional(objectName()),
          /** `kubernetes.io/tls` Secret (in the Mimir namespace) with `tls.crt` and `tls.key`, for mutual TLS. */
          clientCertSecret: z.optional(objectName()),
          /** The name expected on the brokers' certificate, when it differs from the address's host. */
          serverName: z.optional(text('a DNS name', hostProblem)),
        },
        'TLS from Mimir to Kafka',
      ),
    ),
  },
  'an existing Kafka: address, mimirTopic, tempoTopic and partitions',
);

const workload = fields(
  {
    activeSeries: num(1, 1e10, true),
    samplesPerSecond: num(1, 1e9),
    spansPerSecond: num(0, 1e9),
    bytesPerSpan: num(1, 1e6),
    /** Share of traces that contain an error span (0..1). */
    traceErrorRatio: num(0, 1),
    /** Share of traces slower than their service's SLO latency threshold (0..1). */
    traceSlowRatio: num(0, 1),
    logsGBPerDay: num(0, 1e6),
    queriesPerSecond: num(0, 1e6),
  },
  'the load the stores carry',
);

const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;

const instrumentation = fields(
  {
    /** Namespaces (globs, as OBI's discovery expects) whose workloads OBI instruments. */
    namespaces: list(matching(/^[a-z0-9*?\[\]!-]{1,63}$/, 'a namespace name or glob'), 1, 'namespace globs'),
    /** Optional pod label selectors (globs) that further restrict what OBI instruments. */
    podLabels: z.optional(
      z.record(
        z.string().check(z.regex(/^(([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/)),
        text('a non-empty glob'),
        { error: 'must map Kubernetes label keys (prefix/name, name up to 63 characters) to non-empty glob strings' },
      ),
    ),
    /** OBI's head sampler: OpenTelemetry sampler name and argument. */
    sampler: fields({ name: oneOf(SAMPLERS), arg: z.optional(matching(/^(0(\.[0-9]+)?|1(\.0+)?)$/, 'a ratio between 0 and 1 written as a string, e.g. "0.25"')) }, 'an OpenTelemetry sampler'),
    /** Network flow metrics (needs hostNetwork). */
    networkMetrics: bool(),
    /** `privileged` (default) or the documented fine-grained capability set. */
    securityMode: oneOf(['privileged', 'capabilities']),
  },
  'what OBI instruments',
);

const tailSampling = fields(
  {
    /** Probabilistic baseline of traces kept regardless of outcome, in percent. */
    baselinePercent: num(0, 100),
    /** Upper bound of spans per second the sampler keeps through the baseline and rate-limit policies. */
    spansPerSecondLimit: num(1, 1e9, true),
    /** How long the sampler waits for the spans of a trace before deciding, as a Go duration (bounds in validate.ts). */
    decisionWait: text('a Go duration such as 10s', (s) => (goDurationSeconds(s) === undefined ? 'a Go duration such as 10s' : undefined)),
  },
  'tail sampling',
);

const slo = fields(
  {
    /** Service name as OBI reports it (`service.name`, the `service_name` label). */
    service: matching(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a service name as OBI reports it'),
    /** Namespace of the service; OBI must instrument it (`instrumentation.namespaces`). */
    namespace: dnsLabel(),
    /** Availability objective in percent, for example 99.9. */
    objectivePercent: num(50, 99.999),
    /** Requests slower than this count against the latency objective: a bucket boundary of OBI's histogram. */
    latencyThresholdMs: z.number({ error: 'must be a number of milliseconds' }).check(
      z.refine((ms) => LATENCY_BOUNDARIES_MS.includes(ms), {
        error: `must be a bucket boundary of OBI's request-duration histogram (${LATENCY_BOUNDARIES_MS.join(', ')} ms), so the latency SLI is exact`,
      }),
    ),
    /** Share of requests that must be faster than the threshold, in percent. */
    latencyObjectivePercent: num(50, 99.999),
  },
  'a service level objective',
);

/** The OBI experiments (docs/experiments/), each switched on per environment. */
const experiments = fields(
  {
    /** Tail sampling keeps every trace that breaches its service's SLO (latency policies from `slos`). */
    sloTailSampling: bool(),
    /** Service dependency graph from Tempo service graphs, OBI network metrics and the TCP lifecycle probe. */
    serviceDependencyGraph: bool(),
    /** Span metrics by database system and operation, a slowest-queries dashboard and a p99 regression alert. */
    databaseProfiling: bool(),
    /** Argo Rollouts AnalysisTemplates per SLO service and an example canary Rollout (needs Argo Rollouts installed). */
    canaryAnalysis: bool(),
  },
  'the experiments switched on',
);

/**
 * What the Alloy pipeline collects, feature by feature (docs/alloy.md, "Collection features"; the features of
 * grafana/k8s-monitoring-helm 3.x). Each is switched on or off per environment; omitted fields take the tier's
 * default (`collectionDefaults` in validate.ts: everything on in staging and production, a laptop-sized set in dev).
 */
const collection = fields(
  {
    /** Kubelet `/metrics`, `/metrics/cadvisor` and `/metrics/resource` on every node, through allow-lists. */
    kubelet: z.optional(bool()),
    /** A kube-state-metrics Deployment (Deployments, pods, jobs, PVCs, nodes as metrics), scraped by the pipeline. */
    kubeStateMetrics: z.optional(bool()),
    /** A node-exporter DaemonSet in the host network namespace (CPU, memory, disks, `node_network_*` of the node). */
    nodeExporter: z.optional(bool()),
    /** The Kubernetes API server and CoreDNS. */
    controlPlane: z.optional(bool()),
    /** Container logs from /var/log/pods. */
    podLogs: z.optional(bool()),
    /** Kubelet and container-runtime logs from the systemd journal of every node. */
    nodeLogs: z.optional(bool()),
    /** Kubernetes events as logs. */
    clusterEvents: z.optional(bool()),
    /** Metrics of pods and Services annotated `k8s.grafana.com/scrape: "true"` (or `prometheus.io/scrape`). */
    annotationAutodiscovery: z.optional(bool()),
    /** ServiceMonitor and PodMonitor objects; needs the monitoring.coreos.com CRDs in the cluster. */
    prometheusOperatorObjects: z.optional(bool()),
    /** OTLP (traces, metrics, logs), Zipkin and Jaeger from SDK-instrumented applications, enriched by `k8sattributes`. */
    applicationObservability: z.optional(bool()),
  },
  'collection features to switch on or off',
);

const regionEndpoints = fields(
  {
    /** The region's `cluster.region` (the `region` label of its metrics). */
    name: matching(REGION, 'a region id such as eu-west-1'),
    /** Base URL of the region's Tempo query-frontend, e.g. `https://tempo.eu-west-1.example.com`. */
    tempoQueryUrl: httpsUrl(),
    /** Base URL of the region's Loki query-frontend. */
    lokiQueryUrl: httpsUrl(),
    /**
     * Loki push URL of the region (`…/loki/api/v1/push`), set on the first region only: the global cluster's own logs
     * go there (its Grafana's default Loki datasource reads that region).
     */
    lokiPushUrl: z.optional(httpsUrl()),
  },
  'a region: name, tempoQueryUrl, lokiQueryUrl',
);

/**
 * Multi-region (docs/experiments/multi-region.md): traces and logs stay in their region, metrics go to one global
 * Mimir. Generated by `environments/multi-region.ts`; the URLs are HTTPS addresses the operator exposes across
 * clusters (an ingress or gateway in the target cluster, in a namespace labelled `mop.dev/cross-region-access:
 * "true"`); MOP renders no ingress, as with Kafka.
 */
const multiRegion = z.discriminatedUnion(
  'role',
  [
    /** A region's cluster: OBI, Alloy, Tempo and Loki; metrics go to the global Mimir, labelled `region=<cluster.region>`. */
    fields(
      {
        role: z.literal('regional'),
        globalMimir: fields(
          {
            /** Remote-write URL of the global Mimir distributor, e.g. `https://mimir.example.com/api/v1/push`. */
            pushUrl: httpsUrl(),
            /** Prometheus API of the global Mimir query-frontend, e.g. `https://mimir.example.com/prometheus`. */
            queryUrl: httpsUrl(),
          },
          'the global Mimir: pushUrl and queryUrl',
        ),
      },
      'a regional role',
    ),
    /** The global cluster: Mimir for every region's metrics and one Grafana with a Tempo and a Loki datasource per region. */
    fields({ role: z.literal('global'), regions: list(regionEndpoints, 1, 'regions (name, tempoQueryUrl, lokiQueryUrl)') }, 'the global role'),
  ],
  { error: 'must be { role: "regional", globalMimir } or { role: "global", regions }' },
);

/**
 * A key of a Secret the operator creates in the Mimir namespace. MOP mounts it as a file into the Alertmanager and
 * never reads, renders or stores its value (docs/architecture/0010-alert-notifications.md).
 */
const secretKeyRef = () =>
  z.readonly(
    z.strictObject(
      {
        secret: dnsLabel(),
        key: matching(/^[-._a-zA-Z0-9]{1,253}$/, 'a Secret key: letters, digits, "-", "_" and "."'),
      },
      {
        error: (issue) =>
          issue.code === 'unrecognized_keys'
            ? 'is not a known field (known: secret, key)'
            : 'must reference a key of an operator-created Secret in the Mimir namespace ({ secret, key }), never the credential or URL itself',
      },
    ),
  );

const receiverName = () => matching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a receiver name: lower-case letters, digits and "-"');
const EMAIL = /^[^\s@,]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;

/** Notification integrations of the pinned Mimir Alertmanager; credentials by Secret reference only. */
const receiver = z.discriminatedUnion(
  'type',
  [
    fields(
      {
        name: receiverName(),
        type: z.literal('slack'),
        /** Channel to post to, e.g. `#mop-alerts`. */
        channel: matching(/^[#@]?[A-Za-z0-9._-]{1,80}$/, 'a Slack channel such as #mop-alerts'),
        /** Secret key holding the incoming-webhook URL (`api_url_file`). */
        webhookUrl: secretKeyRef(),
      },
      'a Slack receiver',
    ),
    fields(
      {
        name: receiverName(),
        type: z.literal('pagerduty'),
        /** Secret key holding the Events API v2 integration key (`routing_key_file`). */
        routingKey: secretKeyRef(),
      },
      'a PagerDuty receiver',
    ),
    fields(
      {
        name: receiverName(),
        type: z.literal('opsgenie'),
        /** Secret key holding the API key (`api_key_file`). */
        apiKey: secretKeyRef(),
        /** API endpoint, e.g. `https://api.eu.opsgenie.com/` for the EU instance; Alertmanager's default otherwise. */
        apiUrl: z.optional(matching(/^https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?\/?$/, 'an https:// API base URL such as https://api.eu.opsgenie.com/')),
      },
      'an OpsGenie receiver',
    ),
    fields(
      {
        name: receiverName(),
        type: z.literal('email'),
        to: matching(EMAIL, 'an e-mail address'),
        from: matching(EMAIL, 'an e-mail address'),
        /** SMTP relay `host:port`; STARTTLS is required. */
        smarthost: text('an SMTP relay host:port such as smtp.example.com:587', (s) => {
          const parsed = parseHostPort(s, true);
          return typeof parsed === 'string' ? `an SMTP relay host:port such as smtp.example.com:587 (${parsed})` : undefined;
        }),
        authUsername: z.optional(matching(/^\S{1,256}$/, 'an SMTP user name')),
        /** Secret key holding the SMTP password (`auth_password_file`); required with `authUsername`. */
        authPassword: z.optional(secretKeyRef()),
      },
      'an e-mail receiver',
    ),
    fields(
      {
        name: receiverName(),
        type: z.literal('webhook'),
        /** Secret key holding the URL (`url_file`): webhook URLs often embed a token. */
        url: secretKeyRef(),
      },
      'a webhook receiver',
    ),
    fields(
      {
        name: receiverName(),
        type: z.literal('msteams'),
        /** Secret key holding the Power Automate workflow URL (`msteamsv2_configs.webhook_url_file`). */
        webhookUrl: secretKeyRef(),
      },
      'a Microsoft Teams receiver',
    ),
  ],
  { error: 'must be a receiver whose type is one of slack, pagerduty, opsgenie, email, webhook, msteams' },
);

/**
 * Where alerts go (rendered as the Mimir Alertmanager's fallback configuration). Every alert MOP defines has a
 * `severity` of `page` (wake someone), `ticket` (work hours) or `info` (no notification by default).
 */
const alerting = fields(
  {
    receivers: list(receiver, 1, "receivers (name, type and the type's fields)"),
    /** Receiver names per severity. */
    page: receiverName(),
    ticket: receiverName(),
    /** Omit to keep info alerts in the Alertmanager UI only. */
    info: z.optional(receiverName()),
    /** Dead man's switch: the always-firing `Watchdog` alert is sent here every minute; alert when it stops. */
    heartbeat: z.optional(receiverName()),
    /** Alerts of a team's application namespaces (`namespace` or OBI's `k8s_namespace_name` label) go to its receivers. */
    teams: z.optional(
      list(
        fields(
          {
            team: dnsLabel(),
            namespaces: list(dnsLabel(), 1, 'namespace names'),
            /** Receivers per severity; the environment's receiver of that severity when omitted. */
            page: z.optional(receiverName()),
            ticket: z.optional(receiverName()),
            info: z.optional(receiverName()),
          },
          'a team route',
        ),
        0,
        'team routes',
      ),
    ),
  },
  'notification routing: receivers, page, ticket',
);

const STORE_MODE = ['monolithic', 'distributed'] as const;

/** What a user writes in `environments/<name>.ts`. */
export const environmentSchema = fields(
  {
    name: dnsLabel(40),
    /** dev runs small single-process stores on local disk; staging and production run the scalable architectures. */
    tier: oneOf(['dev', 'staging', 'production']),
    cluster,
    argocd,
    /** Prefix of every MOP namespace (`<prefix>-mimir`, ...); at most 42 characters so `<prefix>-alloy-node` fits 63. */
    namespacePrefix: dnsLabel(42),
    /** `monolithic`: one process with `-target=all`; `distributed`: the upstream-recommended scalable architecture. */
    stores: fields({ mimir: oneOf(STORE_MODE), tempo: oneOf(STORE_MODE), loki: oneOf(STORE_MODE) }, 'the mode of each store'),
    /**
     * `combined`: one Alloy node agent per node receives, samples and writes (dev, one node).
     * `tiered`: node agents forward traces by trace ID to a clustered sampling gateway, which writes to the stores.
     */
    pipeline: oneOf(['combined', 'tiered']),
    storage,
    kafka: z.optional(kafka),
    retention: fields({ metrics: retention(), traces: retention(), logs: retention() }, 'retention per signal'),
    /** Tenant (X-Scope-OrgID) every pipeline writes and Grafana reads as. */
    tenant: text('a tenant ID', tenantIdProblem),
    /** The load the stores carry; replicas and resources in staging and production are computed from it. */
    workload,
    instrumentation,
    tailSampling,
    slos: list(slo, 0, 'service level objectives'),
    experiments,
    /** Collection features to switch on or off; omitted ones take the tier default. */
    collection: z.optional(collection),
    grafana: fields({ anonymousRole: oneOf(['Viewer', 'Editor', 'Admin']) }, 'Grafana settings'),
    /** Default storage class for PVCs; omit to use the cluster default. */
    storageClassName: z.optional(objectName()),
    /** Part of a multi-region deployment (generated by `environments/multi-region.ts`); omit for a single cluster. */
    multiRegion: z.optional(multiRegion),
    /**
     * Notification routing. Omit for no external receiver (alerts stay in the Mimir Alertmanager UI); the synth
     * summary says so. Used where Mimir runs (in multi-region: the global environment).
     */
    alerting: z.optional(alerting),
  },
  'an environment',
);

export type EnvironmentInput = z.infer<typeof environmentSchema>;
