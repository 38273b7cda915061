/**
 * eBPF probe overhead per kernel (npm run bench:ebpf). Needs root, clang, libbpf-dev, bpftool; for the VMs also
 * qemu-system-x86, busybox-static and the kernels of ebpf/vm/fetch-kernels.sh (a kernel that is not there is
 * reported and left out: this is a benchmark, the tests are what must not skip).
 *
 * On the host kernel and on each Debian kernel it can boot (test/ebpf/vm.ts), it runs the probes the rendered
 * ConfigMap ships, as select-probes.sh picks them for that kernel, with kernel.bpf_stats_enabled on, drives a fixed
 * loopback workload with ebpf/loader/traffic.c, and prints the kernel's run_cnt / run_time_ns deltas per program
 * as ns per run. VM figures under TCG are software-emulated: compare them with each other, not with the host.
 *
 *   npm run bench:ebpf [-- --connects N] [--roundtrips N] [--refused N] [--resets N] [--host-only]
 */
import * as fs from 'fs';
import * as os from 'os';
import { ensureMounts, mkTempDir, requirePrereqs } from '../test/ebpf/helpers';
import { KERNEL_FAMILIES, ScenarioInputs, ScenarioRun, buildStaticTools, findKernel, renderedProbes, requireVmTools, runInVm, runOnHost } from '../test/ebpf/vm';

const STATS = '/proc/sys/kernel/bpf_stats_enabled';
const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const WORKLOAD = { connects: opt('connects', 2000), refused: opt('refused', 200), resets: opt('resets', 200), roundtrips: opt('roundtrips', 2000) };
const TRAFFIC_ARGS = [
  '--connects', String(WORKLOAD.connects), '--refused', String(WORKLOAD.refused), '--resets', String(WORKLOAD.resets),
  '--retransmit-clients', '0', '--roundtrips', String(WORKLOAD.roundtrips),
];

interface ProgStats {
  config: string;
  name: string;
  id: number;
  run_cnt: number;
  run_time_ns: number;
}

function report(run: ScenarioRun): void {
  const lines = run.output.get('bench') ?? [];
  const stats = lines.filter((l) => l.startsWith('{"event":"stats"')).map((l) => (JSON.parse(l) as { programs: ProgStats[] }).programs);
  const ready = lines.find((l) => l.startsWith('{"event":"ready"'));
  const traffic = lines.find((l) => l.startsWith('{"event":"traffic"'));
  if (stats.length !== 2 || !ready || !traffic) throw new Error(`${run.target}: incomplete benchmark output:\n${lines.join('\n')}`);
  const sections = new Map<number, string>();
  for (const o of (JSON.parse(ready) as { objects: { programs: { id: number; section: string }[] }[] }).objects) {
    for (const p of o.programs) sections.set(p.id, p.section);
  }
  const t = JSON.parse(traffic) as { wall_ms: number; db_port: number };
  const how = run.accel === 'host' ? 'host kernel' : run.accel === 'kvm' ? 'VM under KVM' : 'VM under TCG: software-emulated, not comparable with the host';
  console.log(`\n${run.target}: kernel ${run.kernel} (${how})`);
  console.log(`workload: ${WORKLOAD.connects} connects, ${WORKLOAD.refused} refused connects, ${WORKLOAD.resets} aborted connections, ${WORKLOAD.roundtrips} db round trips on port ${t.db_port} (${t.wall_ms} ms)`);
  if (run.accel === 'host') console.log('(run counts include any other traffic on the host while the bench ran)');
  const before = new Map(stats[0].map((p) => [p.id, p]));
  const rows = stats[1].map((p) => {
    const cnt = p.run_cnt - (before.get(p.id)?.run_cnt ?? 0);
    const ns = p.run_time_ns - (before.get(p.id)?.run_time_ns ?? 0);
    return [p.config, p.name, (sections.get(p.id) ?? '').replace(/^tracepoint\//, ''), String(cnt), String(ns), cnt ? (ns / cnt).toFixed(0) : '-'];
  });
  const head = ['object', 'program', 'hook', 'runs', 'total ns', 'avg ns/run'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]): string => r.map((c, i) => (i >= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  console.log(fmt(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(fmt(r));
}

async function main(): Promise<void> {
  requirePrereqs(['cc', 'clang', 'bpftool']);
  ensureMounts();
  const rendered = renderedProbes();
  const tmp = mkTempDir('mop-bench-ebpf-');
  try {
    const tools = buildStaticTools(tmp);
    const inputs: ScenarioInputs = {
      tools,
      probes: rendered.files,
      fixtures: new Map(),
      commands: [{ args: ['round', 'bench', rendered.spec, ...TRAFFIC_ARGS] }],
      bpfStats: true,
    };
    const oldStats = fs.readFileSync(STATS, 'utf8').trim();
    fs.writeFileSync(STATS, '1');
    try {
      report(await runOnHost(inputs));
    } finally {
      fs.writeFileSync(STATS, oldStats);
    }
    if (args.includes('--host-only')) return;
    requireVmTools();
    for (const family of KERNEL_FAMILIES) {
      let kernel;
      try {
        kernel = findKernel(family);
      } catch (e) {
        console.log(`\nlinux-${family}: not benchmarked: ${(e as Error).message}`);
        continue;
      }
      report(await runInVm(kernel, inputs));
    }
    console.log(`\nhost: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  console.error(`bench:ebpf: ${e.stack ?? String(e)}`);
  process.exit(1);
});
