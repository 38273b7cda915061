/**
 * The naming and format rules of the systems an environment's values end up in, each from the upstream source that
 * enforces it. Every function returns `undefined` for an accepted value, or what is allowed (one phrase, no value).
 */

/** Kubernetes DNS-1123 label (k8s.io/apimachinery pkg/util/validation IsDNS1123Label): namespaces, object names. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Kubernetes DNS-1123 subdomain (IsDNS1123Subdomain): Secret and StorageClass names. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function dnsLabelProblem(s: string, maxLength = 63): string | undefined {
  if (s.length > maxLength || !DNS_LABEL.test(s)) {
    return `a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most ${maxLength} characters`;
  }
  return undefined;
}

export function dnsSubdomainProblem(s: string): string | undefined {
  if (s.length > 253 || !DNS_SUBDOMAIN.test(s)) {
    return 'a Kubernetes object name (DNS subdomain): lower-case letters, digits, "-" and ".", at most 253 characters';
  }
  return undefined;
}

/** A host name (RFC 1123: dot-separated labels of at most 63 characters, 253 in all) or an IPv4 address. */
export function hostProblem(host: string): string | undefined {
  const ip = IPV4.exec(host);
  if (ip) return ip.slice(1).every((octet) => Number(octet) <= 255) ? undefined : 'an IPv4 address with octets from 0 to 255';
  const labels = host.split('.');
  const ok = host.length <= 253 && labels.every((l) => l.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/.test(l));
  return ok ? undefined : 'a host name (letters, digits and "-" in dot-separated labels of at most 63 characters) or an IPv4 address';
}

/**
 * A TCP port number: 1 to 65535. NetworkPolicy ports outside that range are refused by the API server
 * (k8s.io/kubernetes pkg/apis/networking/validation ValidateNetworkPolicyPort, via IsValidPortNum).
 */
export function portProblem(port: number): string | undefined {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? undefined : 'a TCP port from 1 to 65535';
}

/** `host:port`: the port is required. Returns the parsed parts, or the problem. */
export function parseHostPort(s: string, portRequired: boolean): { host: string; port?: number } | string {
  const m = /^([^:/\s]+)(?::([0-9]+))?$/.exec(s);
  if (!m) return portRequired ? 'host:port' : 'host[:port] without a scheme or path';
  if (portRequired && m[2] === undefined) return 'host:port (the port is required)';
  const hostIssue = hostProblem(m[1]);
  if (hostIssue) return hostIssue;
  if (m[2] !== undefined && portProblem(Number(m[2]))) return `a port from 1 to 65535 after the host (port ${m[2]} would end up in a NetworkPolicy the API server refuses)`;
  return m[2] === undefined ? { host: m[1] } : { host: m[1], port: Number(m[2]) };
}

/**
 * A tenant ID (X-Scope-OrgID) that Mimir, Loki and Tempo all accept: grafana/dskit tenant/tenant.go ValidTenantID
 * (used by all three; at most 150 bytes of a-z A-Z 0-9 ! - _ . * ' ( ), not "." or "..") and Mimir's reserved
 * internal tenant `__mimir_cluster` (grafana/mimir 3.2.0 docs/sources/mimir/configure/about-tenant-ids.md).
 */
export function tenantIdProblem(s: string): string | undefined {
  const rule = "a tenant ID of 1 to 150 characters from a-z A-Z 0-9 ! - _ . * ' ( ), not \".\", \"..\" or \"__mimir_cluster\" (grafana/dskit ValidTenantID, Mimir about-tenant-ids)";
  if (s.length === 0 || Buffer.byteLength(s) > 150 || !/^[A-Za-z0-9!._*'()-]+$/.test(s)) return rule;
  if (s === '.' || s === '..' || s === '__mimir_cluster') return rule;
  return undefined;
}

export type BucketBackend = 's3' | 'gcs' | 'azure';

/**
 * Bucket (Azure: container) names each provider accepts:
 * - S3: docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html (general purpose buckets).
 * - GCS: cloud.google.com/storage/docs/buckets#naming.
 * - Azure: learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata.
 */
export function bucketNameProblem(backend: BucketBackend, s: string): string | undefined {
  if (backend === 's3') {
    const rule =
      'an S3 bucket name: 3-63 lower-case letters, digits, "." and "-", starting and ending with a letter or digit, no "..", ' +
      'not an IP address, no prefix xn--, sthree- or amzn-s3-demo-, no suffix -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3 (AWS bucket naming rules)';
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s) || s.includes('..') || IPV4.test(s)) return rule;
    if (['xn--', 'sthree-', 'amzn-s3-demo-'].some((p) => s.startsWith(p))) return rule;
    if (['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'].some((p) => s.endsWith(p))) return rule;
    return undefined;
  }
  if (backend === 'gcs') {
    const rule =
      'a GCS bucket name: 3-63 characters (222 with dots, 63 per dot-separated part) of lower-case letters, digits, "-", "_" and ".", ' +
      'starting and ending with a letter or digit, not an IP address, not starting with "goog" nor containing "google" (GCS bucket naming)';
    const max = s.includes('.') ? 222 : 63;
    if (s.length < 3 || s.length > max || !/^[a-z0-9][a-z0-9._-]*[a-z0-9]$/.test(s) || IPV4.test(s)) return rule;
    if (s.split('.').some((part) => part.length === 0 || part.length > 63)) return rule;
    if (s.startsWith('goog') || /g[o0][o0]g[l1]e/.test(s)) return rule;
    return undefined;
  }
  const rule =
    'an Azure container name: 3-63 lower-case letters, digits and "-", starting with a letter or digit, every "-" between letters or digits (Azure container naming)';
  return /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/.test(s) ? undefined : rule;
}

/**
 * A Kafka topic name: apache/kafka clients/src/main/java/org/apache/kafka/common/internals/Topic.java validate():
 * 1 to 249 characters of [a-zA-Z0-9._-], not "." or "..".
 */
export function kafkaTopicProblem(s: string): string | undefined {
  if (s.length === 0 || s.length > 249 || !/^[a-zA-Z0-9._-]+$/.test(s) || s === '.' || s === '..') {
    return 'a Kafka topic name: 1 to 249 characters of a-z A-Z 0-9 "." "_" "-", not "." or ".." (Kafka Topic.validate)';
  }
  return undefined;
}

const PROMETHEUS_UNITS: readonly [string, number][] = [
  ['y', 365 * 86400],
  ['w', 7 * 86400],
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
  ['ms', 0.001],
];
const PROMETHEUS_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/**
 * Seconds of a Prometheus duration as Mimir and Loki parse it (prometheus/common model/time.go ParseDuration: units
 * y w d h m s ms, each at most once and from the largest down, e.g. `30d`, `1d12h`), or undefined if it is not one.
 */
export function prometheusDurationSeconds(s: string): number | undefined {
  if (s === '0') return 0;
  const m = PROMETHEUS_DURATION.exec(s);
  if (!s || !m) return undefined;
  return PROMETHEUS_UNITS.reduce((sum, [, seconds], i) => sum + Number(m[i + 1] ?? 0) * seconds, 0);
}

const GO_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Seconds of a Go duration (time.ParseDuration: `10s`, `1m30s`, `1.5h`; units ns us ms s m h), or undefined. */
export function goDurationSeconds(s: string): number | undefined {
  if (s === '0') return 0;
  if (!/^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/.test(s)) return undefined;
  let total = 0;
  for (const [, n, , unit] of s.matchAll(/([0-9]+(\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(n) * GO_UNITS[unit];
  return total;
}

/** A readable duration for messages: `3d`, `36h`, `90s`. */
export function formatSeconds(seconds: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/**
 * Whether a namespace glob (as OBI's discovery takes them: `*`, `?` and `[...]` classes) matches a namespace name.
 */
export function globMatches(glob: string, name: string): boolean {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) return false;
      const body = glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
      re += `[${body}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(name);
}
