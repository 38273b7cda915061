/**
 * The shipped probes on the kernels clusters run: Debian's 6.1 and 6.12 LTS cloud kernels (booted under qemu, KVM
 * when it works, TCG otherwise) and the host's kernel. On each, with the exact bytes of the rendered probes ConfigMap
 * (dist/<env>/obi/configmap-obi-ebpf-probes.yaml) and the rendered MOP_EBPF_PROBES:
 *  - every object goes through the real verifier and attach (`--config.check --config.strict`, the check
 *    select-probes.sh asks the exporter for), and loads exactly where it is meant to;
 *  - select-probes.sh picks one object per probe, says in its log which object is off and why, and hands the
 *    exporter (here the loader, which takes ebpf_exporter v2.5.1's flags) only the ones that attach;
 *  - loopback traffic (connects, a refused connect, resets, SYN retransmits, database round trips) is counted in
 *    the maps; inside the VMs nothing else runs, so counts are exact there;
 *  - a probe no kernel can take (fixtures/mop_never.bpf.c) is never handed to the exporter: select-probes.sh serves
 *    its status page instead, so the container stays Ready, and the page names the probe and the reason.
 * Needs root, clang/libbpf (as the other eBPF tests), qemu-system-x86 and busybox-static, and the kernels from
 * ebpf/vm/fetch-kernels.sh; anything missing fails with the command that installs it.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { EBPF_PROBES, EbpfProbe, ebpfObjects, probeSpec } from '../../constructs/obi/ebpf-probes';
import { DumpedMap, ReadyEvent, ensureMounts, findMap, keyU16, keyU64, keyU8, mkTempDir, requirePrereqs } from './helpers';
import {
  KERNEL_FAMILIES,
  Kernel,
  ScenarioCommand,
  ScenarioInputs,
  ScenarioRun,
  buildStaticTools,
  findKernel,
  renderedProbes,
  requireVmTools,
  runInVm,
  runOnHost,
} from './vm';

const BUCKET_MAX = 26; // bucket_max in the yaml configs; bucket 27 holds the sum
const TRAFFIC = { connects: 20, refused: 3, resets: 5, retransmitClients: 8, roundtrips: 50 };
const TRAFFIC_ARGS = [
  '--connects', String(TRAFFIC.connects), '--refused', String(TRAFFIC.refused), '--resets', String(TRAFFIC.resets),
  '--retransmit-clients', String(TRAFFIC.retransmitClients), '--roundtrips', String(TRAFFIC.roundtrips),
];
const DB_PORTS = [5432, 3306, 6379];

interface Traffic {
  connect_port: number;
  connects: number;
  refused_port: number;
  refused: number;
  reset_port: number;
  resets: number;
  retransmit_port: number;
  db_port: number;
  round_trips: number;
  request_bytes: number;
  response_bytes: number;
}

interface Round {
  log: string[];
  ready: ReadyEvent;
  traffic: Traffic;
  maps: DumpedMap[];
}

function json<T>(lines: string[] | undefined, event: string): T | undefined {
  const line = (lines ?? []).find((l) => l.startsWith(`{"event":"${event}"`));
  return line ? (JSON.parse(line) as T) : undefined;
}

function round(run: ScenarioRun, label: string): Round {
  const lines = run.output.get(label) ?? [];
  const ready = json<ReadyEvent>(lines, 'ready');
  const traffic = json<Traffic>(lines, 'traffic');
  const dump = json<{ maps: DumpedMap[] }>(lines, 'dump');
  if (!ready || !traffic || !dump) {
    throw new Error(`${run.target}: round ${label} is incomplete:\n${lines.join('\n')}\n${(run.output.get(`${label} stderr`) ?? []).join('\n')}`);
  }
  return { log: lines.filter((l) => l.startsWith('mop-ebpf-select:')), ready, traffic, maps: dump.maps };
}

function counter(maps: DumpedMap[], name: string, match: (key: string) => boolean): number {
  return findMap(maps, name).entries.filter((e) => match(e.key)).reduce((a, e) => a + Number(e.value), 0);
}

/** Histogram count (buckets 0..BUCKET_MAX) and sum for keys {u16 port; pad; u64 bucket}. */
function histogram(maps: DumpedMap[], name: string, port: number): { count: number; sum: number } {
  let count = 0;
  let sum = 0;
  for (const e of findMap(maps, name).entries) {
    if (keyU16(e.key, 0) !== port) continue;
    const bucket = keyU64(e.key, 8);
    if (bucket <= BigInt(BUCKET_MAX)) count += Number(e.value);
    else if (bucket === BigInt(BUCKET_MAX + 1)) sum += Number(e.value);
  }
  return { count, sum };
}

function kernelAtLeast(release: string, major: number, minor: number): boolean {
  const [a, b] = release.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

/** Inside a VM only our traffic runs, so counts are exact; on the host other traffic may add to them. */
function expectCount(exact: boolean, actual: number, expected: number, what: string): void {
  if (exact) expect({ what, actual }).toEqual({ what, actual: expected });
  else expect({ what, atLeast: actual >= expected, actual }).toEqual({ what, atLeast: true, actual });
}

interface Target {
  name: string;
  /** Booted Debian kernel, or undefined for the host. */
  kernel?: Kernel;
  /** Where an object is expected to fail `--config.check --config.strict`; undefined = not asserted (host-dependent). */
  loads(object: string): boolean | undefined;
  /** Extra rounds forcing other objects that load here, so every object is counted on some kernel. */
  extraRounds: { label: string; probes: EbpfProbe[] }[];
  run?: ScenarioRun;
}

const withObject = (probe: string, object: string): EbpfProbe[] =>
  EBPF_PROBES.map((p) => (p.name === probe ? { name: p.name, objects: [object] } : p));

// Debian 6.1 has no sock_send_length/sock_recv_length tracepoints (6.3+): db_roundtrip runs as fexit there.
// Debian 6.12 takes both objects; the fexit one is forced in a second round so it is counted there too.
// The host (6.18 here) is whatever the machine runs: its tracepoint objects must load; fexit may be refused.
const TARGETS: Target[] = [
  ...KERNEL_FAMILIES.map(
    (family): Target => ({
      name: `linux-${family}`,
      loads: (o) => !(family === '6.1' && o === 'db_roundtrip'),
      extraRounds: family === '6.12' ? [{ label: 'fexit', probes: withObject('db_roundtrip', 'db_roundtrip_fexit') }] : [],
    }),
  ),
  { name: 'host', loads: (o) => (o.endsWith('_fexit') ? undefined : true), extraRounds: [] },
];

function commands(target: Target, spec: string): ScenarioCommand[] {
  return [
    { args: ['matrix'] },
    { args: ['round', 'default', spec, ...TRAFFIC_ARGS] },
    ...target.extraRounds.map((r) => ({ args: ['round', r.label, probeSpec(r.probes), ...TRAFFIC_ARGS] })),
    { args: ['status', 'zero', 'never=mop_never'], probesDir: 'fixtures' as const },
  ];
}

describe('eBPF probes on 6.1, 6.12 and the host kernel', () => {
  const rendered = renderedProbes();
  let tmp: string;

  beforeAll(async () => {
    requirePrereqs(['cc', 'clang', 'bpftool']);
    requireVmTools();
    ensureMounts();
    for (const t of TARGETS) if (t.name !== 'host') t.kernel = findKernel(t.name.replace('linux-', '') as Kernel['family']);
    tmp = mkTempDir('mop-ebpf-kernels-');
    const tools = buildStaticTools(tmp);
    const never = path.join(tmp, 'mop_never.bpf.o');
    execFileSync('clang', ['-target', 'bpf', '-O2', '-g', '-c', path.join(__dirname, 'fixtures', 'mop_never.bpf.c'), '-o', never]);
    const fixtures = new Map<string, Buffer>([
      ['mop_never.bpf.o', fs.readFileSync(never)],
      ['mop_never.yaml', Buffer.from('metrics: {}\n')],
      ['select-probes.sh', rendered.files.get('select-probes.sh')!],
    ]);
    const inputs = (t: Target): ScenarioInputs => ({ tools, probes: rendered.files, fixtures, commands: commands(t, rendered.spec) });
    // The VMs boot side by side (one vCPU each); the host run comes after them so it does not slow them down.
    await Promise.all(TARGETS.filter((t) => t.kernel).map(async (t) => (t.run = await runInVm(t.kernel!, inputs(t)))));
    const host = TARGETS.find((t) => t.name === 'host')!;
    host.run = await runOnHost(inputs(host));
    for (const t of TARGETS) console.log(`${t.name}: kernel ${t.run!.kernel}, ${t.run!.accel}, ${(t.run!.ms / 1000).toFixed(1)} s`);
  }, 15 * 60 * 1000);

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('reads the probe files and MOP_EBPF_PROBES from the rendered manifests, one object per ebpf/*.bpf.o', () => {
    expect(rendered.spec).toBe(probeSpec());
    const objects = [...rendered.files.keys()].filter((k) => k.endsWith('.bpf.o')).map((k) => k.replace(/\.bpf\.o$/, ''));
    expect(objects.sort()).toEqual(ebpfObjects());
    for (const o of objects) expect(rendered.files.has(`${o}.yaml`)).toBe(true);
  });

  describe.each(TARGETS.map((t) => [t.name, t] as const))('%s', (_name, target) => {
    const exact = (): boolean => target.name !== 'host';

    it('boots the expected kernel and runs the whole scenario', () => {
      const run = target.run!;
      if (target.kernel) expect(run.output.get('boot')).toEqual([target.kernel.release]);
      expect(run.output.has('done') || target.name === 'host').toBe(true);
    });

    it('every rendered object passes the verifier and attaches, except where this kernel lacks its hooks', () => {
      const matrix = new Map((target.run!.output.get('matrix') ?? []).map((l) => {
        const [object, result, ...reason] = l.split(' ');
        return [object, { ok: result === 'ok', reason: reason.join(' ') }];
      }));
      expect([...matrix.keys()].sort()).toEqual(ebpfObjects());
      for (const object of ebpfObjects()) {
        const expected = target.loads(object);
        const got = matrix.get(object)!;
        if (expected !== undefined) expect({ object, ok: got.ok, reason: got.reason }).toEqual({ object, ok: expected, reason: expected ? '' : expect.stringContaining('error loading bpf object') });
      }
      // Every probe has an object this kernel takes.
      for (const p of EBPF_PROBES) expect({ probe: p.name, loadable: p.objects.some((o) => matrix.get(o)!.ok) }).toEqual({ probe: p.name, loadable: true });
    });

    it('the selection hands the exporter the first object of each probe that attaches here, and logs why others are off', () => {
      const r = round(target.run!, 'default');
      const chosen = EBPF_PROBES.map((p) => p.objects.find((o) => target.loads(o) !== false)!);
      expect(r.ready.objects.map((o) => o.config)).toEqual(chosen);
      for (const o of r.ready.objects) {
        expect(o.programs.length).toBeGreaterThan(0);
        for (const p of o.programs) expect(p.id).toBeGreaterThan(0);
      }
      for (const p of EBPF_PROBES) {
        const use = chosen[EBPF_PROBES.indexOf(p)];
        expect(r.log).toContain(`mop-ebpf-select: ${p.name}: on (${use})`);
        for (const skipped of p.objects.slice(0, p.objects.indexOf(use))) {
          expect(r.log).toContainEqual(expect.stringMatching(new RegExp(`^mop-ebpf-select: ${p.name}: ${skipped} cannot run on this kernel: Error attaching exporter: error loading bpf object .*${skipped}\\.bpf\\.o`)));
        }
      }
      expect(r.log).toContain(`mop-ebpf-select: starting the exporter with --config.names=${chosen.join(',')}`);
    });

    const rounds = (): string[] => ['default', ...target.extraRounds.map((x) => x.label)];

    it('tcp_lifecycle: counts established connects and their latency by remote port', () => {
      for (const label of rounds()) {
        const { traffic: t, maps } = round(target.run!, label);
        expectCount(exact(), counter(maps, 'tcp_connections_established_total', (k) => keyU16(k, 0) === t.connect_port), t.connects, `${label} established`);
        const h = histogram(maps, 'tcp_connect_latency_seconds', t.connect_port);
        expectCount(exact(), h.count, t.connects, `${label} latency observations`);
        expect(h.sum).toBeLessThan(t.connects * 1_000_000); // loopback connects take far less than 1 s each
      }
    });

    it('tcp_lifecycle + tcp_errors: a refused connect is a failure and a reset received (and sent, from 6.10)', () => {
      for (const label of rounds()) {
        const { traffic: t, maps } = round(target.run!, label);
        const release = target.run!.kernel;
        expect(t.refused).toBe(TRAFFIC.refused);
        expectCount(exact(), counter(maps, 'tcp_connect_failures_total', (k) => keyU16(k, 0) === t.refused_port), t.refused, `${label} failures`);
        const events = (type: number): number => counter(maps, 'tcp_events_total', (k) => keyU16(k, 0) === t.refused_port && keyU8(k, 2) === type);
        expectCount(exact(), events(3), t.refused, `${label} reset_received on the refused port`);
        // Before 6.10 tcp_send_reset fires only for resets sent from a socket, not for a SYN to a closed port.
        expectCount(exact(), events(2), kernelAtLeast(release, 6, 10) ? t.refused : 0, `${label} reset_sent on the refused port`);
      }
    });

    it('tcp_errors: an aborted connection (SO_LINGER 0) is a reset sent and a reset received', () => {
      for (const label of rounds()) {
        const { traffic: t, maps } = round(target.run!, label);
        const events = (type: number): number => counter(maps, 'tcp_events_total', (k) => keyU16(k, 0) === t.reset_port && keyU8(k, 2) === type);
        expectCount(exact(), events(2), t.resets, `${label} reset_sent`);
        expectCount(exact(), events(3), t.resets, `${label} reset_received`);
      }
    });

    it('tcp_errors: counts SYN retransmits to a listener whose accept queue is full', () => {
      for (const label of rounds()) {
        const { traffic: t, maps } = round(target.run!, label);
        const retransmits = counter(maps, 'tcp_events_total', (k) => keyU16(k, 0) === t.retransmit_port && keyU8(k, 2) === 1);
        expect({ label, retransmits: retransmits >= 1 }).toEqual({ label, retransmits: true });
      }
    });

    it('db_roundtrip: measures request/response round trips and bytes to a database port, client side only', () => {
      for (const label of rounds()) {
        const { traffic: t, maps, ready } = round(target.run!, label);
        expect(DB_PORTS).toContain(t.db_port);
        const h = histogram(maps, 'db_roundtrip_seconds', t.db_port);
        expectCount(exact(), h.count, t.round_trips, `${label} round trips (${ready.objects.map((o) => o.config).join(',')})`);
        expect(h.sum).toBeGreaterThan(0);
        const bytes = (dir: number): number => counter(maps, 'db_bytes_total', (k) => keyU16(k, 0) === t.db_port && keyU8(k, 2) === dir);
        expectCount(exact(), bytes(1), t.request_bytes, `${label} request bytes`);
        expectCount(exact(), bytes(2), t.response_bytes, `${label} response bytes`);
        // The server side (local port = db port, remote port ephemeral) is not measured.
        expect(findMap(maps, 'db_roundtrip_seconds').entries.filter((e) => !DB_PORTS.includes(keyU16(e.key, 0)))).toEqual([]);
      }
    });

    it('a probe no kernel can take is never handed to the exporter: the status page keeps the container Ready and says why', () => {
      const log = target.run!.output.get('zero') ?? [];
      const page = target.run!.output.get('zero status') ?? [];
      expect(log).toContainEqual(expect.stringMatching(/^mop-ebpf-select: never: mop_never cannot run on this kernel: Missed attachments/));
      expect(log).toContain(`mop-ebpf-select: never: OFF on kernel ${target.run!.kernel}: no object of it loads (reasons above)`);
      expect(log).toContainEqual(expect.stringMatching(/^mop-ebpf-select: no probe can run on this kernel: serving this status/));
      expect(log.some((l) => l.includes('starting the exporter'))).toBe(false);
      expect(page[0]).toBe(`kernel ${target.run!.kernel}`);
      expect(page).toContainEqual(expect.stringMatching(/^never: mop_never cannot run: Missed attachments/));
      expect(page).toContain('never: OFF');
    });
  });
});
