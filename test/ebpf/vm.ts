/**
 * Runs ebpf/vm/scenario.sh against real kernels: Debian's packaged 6.1 and 6.12 cloud kernels booted under
 * qemu-system-x86_64 with a small initramfs (busybox-static, the static loader and traffic tools, the rendered
 * probes ConfigMap's files), and the host's own kernel. Used by test/ebpf/kernels.test.ts and bench/ebpf.ts.
 *
 * Nothing here skips: a missing qemu, busybox-static or kernel is an error that says how to install it.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { EBPF_DIR, ROOT, hasTool } from './helpers';

export const KERNEL_CACHE = process.env.MOP_KERNEL_CACHE ?? '/var/cache/mop-ebpf-kernels';
export const FETCH_HINT = 'bash ebpf/vm/fetch-kernels.sh (apt-get download of linux-image-cloud-amd64 and linux-image-6.12-cloud-amd64, dpkg -x)';
const VM_APT = 'apt-get install -y qemu-system-x86 busybox-static';
const BUSYBOX = '/bin/busybox';
const SCENARIO = path.join(EBPF_DIR, 'vm', 'scenario.sh');

/** The kernel families the VM tests boot, by Debian's release prefix. */
export const KERNEL_FAMILIES = ['6.1', '6.12'] as const;
export type KernelFamily = (typeof KERNEL_FAMILIES)[number];

export interface Kernel {
  family: KernelFamily;
  release: string;
  vmlinuz: string;
}

function compareReleases(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((x) => Number(x) || 0);
  const pb = b.split(/[.+-]/).map((x) => Number(x) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** The newest unpacked Debian kernel of a family in KERNEL_CACHE (ebpf/vm/fetch-kernels.sh puts them there). */
export function findKernel(family: KernelFamily): Kernel {
  const found: Kernel[] = [];
  if (fs.existsSync(KERNEL_CACHE)) {
    for (const pkg of fs.readdirSync(KERNEL_CACHE)) {
      const boot = path.join(KERNEL_CACHE, pkg, 'boot');
      if (!fs.existsSync(boot)) continue;
      for (const f of fs.readdirSync(boot)) {
        const release = f.replace(/^vmlinuz-/, '');
        if (f.startsWith('vmlinuz-') && release.startsWith(`${family}.`)) found.push({ family, release, vmlinuz: path.join(boot, f) });
      }
    }
  }
  if (found.length === 0) throw new Error(`no Debian ${family} kernel in ${KERNEL_CACHE}; fetch it with: ${FETCH_HINT}`);
  return found.sort((a, b) => compareReleases(a.release, b.release))[found.length - 1];
}

/** True if the ELF executable has no PT_INTERP program header (it is statically linked). */
export function isStaticElf(file: string): boolean {
  const b = fs.readFileSync(file);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2) throw new Error(`${file} is not a 64-bit ELF file`);
  const phoff = Number(b.readBigUInt64LE(0x20));
  const phentsize = b.readUInt16LE(0x36);
  const phnum = b.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) if (b.readUInt32LE(phoff + i * phentsize) === 3) return false;
  return true;
}

/** Throws with the install command unless qemu and a static busybox are there. */
export function requireVmTools(): void {
  if (!hasTool('qemu-system-x86_64')) throw new Error(`qemu-system-x86_64 not found; install with: ${VM_APT}`);
  requireBusybox();
}

export function requireBusybox(): void {
  if (!fs.existsSync(BUSYBOX) || !isStaticElf(BUSYBOX)) {
    throw new Error(`${BUSYBOX} missing or not statically linked (the initramfs and the scenario need it); install with: ${VM_APT}`);
  }
}

/** The files of the rendered probes ConfigMap (identical in every environment that renders it) and the selection spec. */
export interface RenderedProbes {
  /** key -> content: `<object>.bpf.o` (binaryData), `<object>.yaml` and `select-probes.sh` (data). */
  files: Map<string, Buffer>;
  /** MOP_EBPF_PROBES of the rendered ebpf-exporter container. */
  spec: string;
  /** The environments it was read from. */
  environments: string[];
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function renderedProbes(): RenderedProbes {
  const dist = path.join(ROOT, 'dist');
  const envs = fs.readdirSync(dist).filter((e) => fs.existsSync(path.join(dist, e, 'obi', 'configmap-obi-ebpf-probes.yaml'))).sort();
  if (envs.length === 0) throw new Error('no dist/*/obi/configmap-obi-ebpf-probes.yaml; run: npm run synth');
  let first: RenderedProbes | undefined;
  for (const env of envs) {
    const cm = yaml.load(fs.readFileSync(path.join(dist, env, 'obi', 'configmap-obi-ebpf-probes.yaml'), 'utf8')) as Obj;
    const files = new Map<string, Buffer>();
    for (const [k, v] of Object.entries((cm.binaryData ?? {}) as Record<string, string>)) files.set(k, Buffer.from(v, 'base64'));
    for (const [k, v] of Object.entries((cm.data ?? {}) as Record<string, string>)) files.set(k, Buffer.from(v, 'utf8'));
    const ds = yaml.load(fs.readFileSync(path.join(dist, env, 'obi', 'daemonset-obi.yaml'), 'utf8')) as Obj;
    const exporter = (ds.spec.template.spec.containers as Obj[]).find((c) => c.name === 'ebpf-exporter');
    const spec = (exporter?.env as Obj[] | undefined)?.find((e) => e.name === 'MOP_EBPF_PROBES')?.value as string | undefined;
    if (!spec) throw new Error(`dist/${env}/obi/daemonset-obi.yaml: ebpf-exporter has no MOP_EBPF_PROBES`);
    if (!first) {
      first = { files, spec, environments: [env] };
      continue;
    }
    const same =
      spec === first.spec && files.size === first.files.size && [...files].every(([k, v]) => first!.files.get(k)?.equals(v));
    if (!same) throw new Error(`dist/${env}/obi renders other probe files or MOP_EBPF_PROBES than dist/${first.environments[0]}/obi`);
    first.environments.push(env);
  }
  return first!;
}

export interface CpioEntry {
  path: string;
  /** Full st_mode, e.g. 0o100755 for an executable, 0o040755 for a directory. */
  mode: number;
  data?: Buffer;
}

/** An uncompressed initramfs in the kernel's "newc" cpio format (Documentation/driver-api/early-userspace/buffer-format.rst). */
export function cpioNewc(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  const pad = (n: number): Buffer => Buffer.alloc((4 - (n % 4)) % 4);
  let ino = 1;
  for (const e of [...entries, { path: 'TRAILER!!!', mode: 0 }]) {
    const data = 'data' in e && e.data ? e.data : Buffer.alloc(0);
    const name = Buffer.from(`${e.path}\0`);
    const fields = [ino++, e.mode, 0, 0, e.mode & 0o040000 ? 2 : 1, 0, data.length, 0, 0, 0, 0, name.length, 0];
    const header = Buffer.from(`070701${fields.map((f) => f.toString(16).padStart(8, '0')).join('')}`);
    parts.push(header, name, pad(header.length + name.length), data, pad(data.length));
  }
  return Buffer.concat(parts);
}

/** One command of ebpf/vm/scenario.sh, with an optional probes directory other than the rendered ConfigMap's. */
export interface ScenarioCommand {
  args: string[];
  probesDir?: 'probes' | 'fixtures';
}

export interface ScenarioInputs {
  /** Static loader and traffic binaries. */
  tools: { loader: string; traffic: string };
  /** The rendered ConfigMap's files. */
  probes: Map<string, Buffer>;
  /** Extra files for commands run with probesDir 'fixtures'. */
  fixtures: Map<string, Buffer>;
  commands: ScenarioCommand[];
  /** Turn kernel.bpf_stats_enabled on (for the benchmark). */
  bpfStats?: boolean;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function commandLine(c: ScenarioCommand, scenario: string, probesDir: (d: 'probes' | 'fixtures') => string): string {
  return `MOP_PROBES_DIR=${shellQuote(probesDir(c.probesDir ?? 'probes'))} ${BUSYBOX} sh ${shellQuote(scenario)} ${c.args.map(shellQuote).join(' ')}`;
}

export function buildInitramfs(inputs: ScenarioInputs): Buffer {
  const dir = (p: string): CpioEntry => ({ path: p, mode: 0o040755 });
  const file = (p: string, data: Buffer, exec = false): CpioEntry => ({ path: p, mode: exec ? 0o100755 : 0o100644, data });
  const init = [
    `#!${BUSYBOX} sh`,
    `bb=${BUSYBOX}`,
    '$bb mount -t proc proc /proc',
    '$bb mount -t sysfs sys /sys',
    '$bb mount -t devtmpfs dev /dev',
    '$bb mount -t tmpfs tmp /tmp',
    '$bb mount -t bpf bpf /sys/fs/bpf',
    '$bb mount -t tracefs nodev /sys/kernel/tracing',
    '$bb ip link set lo up',
    inputs.bpfStats ? 'echo 1 >/proc/sys/kernel/bpf_stats_enabled' : '',
    `export PATH=/bin MOP_BUSYBOX=${BUSYBOX} MOP_TOOLS=/tools MOP_WORK=/tmp/work MOP_PORT=9435`,
    'echo "MOPVM boot $($bb uname -r)"',
    ...inputs.commands.map((c) => commandLine(c, '/scenario.sh', (d) => `/${d}`)),
    'echo "MOPVM done"',
    '$bb poweroff -f',
    '',
  ].join('\n');
  const entries: CpioEntry[] = [
    ...['bin', 'proc', 'sys', 'dev', 'tmp', 'tools', 'probes', 'fixtures'].map(dir),
    file('bin/busybox', fs.readFileSync(BUSYBOX), true),
    file('tools/loader', fs.readFileSync(inputs.tools.loader), true),
    file('tools/traffic', fs.readFileSync(inputs.tools.traffic), true),
    file('scenario.sh', fs.readFileSync(SCENARIO)),
    file('init', Buffer.from(init), true),
    ...[...inputs.probes].sort().map(([k, v]) => file(`probes/${k}`, v)),
    ...[...inputs.fixtures].sort().map(([k, v]) => file(`fixtures/${k}`, v)),
  ];
  return cpioNewc(entries);
}

export type Accel = 'kvm' | 'tcg';

function qemuArgs(accel: Accel, kernel: string, initrd: string): string[] {
  return [
    ...(accel === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg', '-cpu', 'max']),
    '-m', '512', '-smp', '1',
    '-nodefaults', '-no-user-config', '-display', 'none', '-serial', 'stdio', '-no-reboot', '-net', 'none',
    '-kernel', kernel, '-initrd', initrd,
    '-append', 'console=ttyS0 quiet loglevel=0 panic=-1 rdinit=/init',
  ];
}

export interface VmRun {
  lines: string[];
  /** Console output, for error messages. */
  console: string;
  ms: number;
}

/** Boots `kernel` with `initrd` and collects the console until the VM powers off (or `timeoutMs`, then kills it). */
export function boot(accel: Accel, kernel: string, initrd: string, timeoutMs: number, until?: RegExp): Promise<VmRun> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const q = spawn('qemu-system-x86_64', qemuArgs(accel, kernel, initrd), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      q.kill('SIGKILL');
    }, timeoutMs);
    q.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (until && until.test(out)) q.kill('SIGKILL');
    });
    q.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    q.on('error', reject);
    q.on('exit', () => {
      clearTimeout(timer);
      const lines = out.split(/\r?\n/).map((l) => l.replace(/\r/g, ''));
      const run = { lines, console: out + err, ms: Date.now() - t0 };
      if (timedOut && !(until && until.test(out))) {
        reject(Object.assign(new Error(`VM (${accel}) ${path.basename(kernel)} did not finish within ${timeoutMs} ms; console:\n${tail(run.console)}`), { run }));
      } else resolve(run);
    });
  });
}

function tail(s: string, n = 40): string {
  return s.split('\n').slice(-n).join('\n');
}

let accelChoice: Promise<Accel> | undefined;

/**
 * KVM when it works, otherwise TCG. MOP_VM_ACCEL=kvm|tcg forces one. "Works" means a KVM guest reaches /init
 * within 10 s: under nested virtualisation /dev/kvm can exist and still hang or fail the boot.
 */
export function vmAccel(probeKernel: string): Promise<Accel> {
  const forced = process.env.MOP_VM_ACCEL;
  if (forced === 'kvm' || forced === 'tcg') return Promise.resolve(forced);
  if (forced) throw new Error(`MOP_VM_ACCEL must be kvm or tcg, not "${forced}"`);
  accelChoice ??= (async (): Promise<Accel> => {
    try {
      fs.accessSync('/dev/kvm', fs.constants.R_OK | fs.constants.W_OK);
    } catch {
      return 'tcg';
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mop-kvm-probe-'));
    try {
      const initrd = path.join(dir, 'initrd');
      const init = `#!${BUSYBOX} sh\necho MOPVM kvm-ok\n${BUSYBOX} poweroff -f\n`;
      fs.writeFileSync(initrd, cpioNewc([{ path: 'bin', mode: 0o040755 }, { path: 'bin/busybox', mode: 0o100755, data: fs.readFileSync(BUSYBOX) }, { path: 'init', mode: 0o100755, data: Buffer.from(init) }]));
      const run = await boot('kvm', probeKernel, initrd, 10000, /MOPVM kvm-ok/);
      return run.lines.some((l) => l.includes('MOPVM kvm-ok')) ? 'kvm' : 'tcg';
    } catch {
      return 'tcg';
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  })();
  return accelChoice;
}

/** Output of a scenario, by section: "matrix", a round's label, "<label> stderr", "<label> status", "boot", "done". */
export type ScenarioOutput = Map<string, string[]>;

export function parseScenario(lines: string[]): ScenarioOutput {
  const out: ScenarioOutput = new Map();
  for (const l of lines) {
    const i = l.indexOf('MOPVM ');
    if (i < 0) continue;
    const rest = l.slice(i + 'MOPVM '.length);
    // Sections are one word, or "<label> stderr|status|exit".
    const m = /^(\S+)(?: (stderr|status|exit)(?= |$))?(?: (.*))?$/.exec(rest);
    if (!m) continue;
    const section = m[2] ? `${m[1]} ${m[2]}` : m[1];
    if (!out.has(section)) out.set(section, []);
    out.get(section)!.push(m[3] ?? '');
  }
  return out;
}

export interface ScenarioRun {
  target: string;
  kernel: string;
  accel: Accel | 'host';
  output: ScenarioOutput;
  ms: number;
  console: string;
}

/** Boots the VM for `kernel` and runs the scenario commands in it. */
export async function runInVm(kernel: Kernel, inputs: ScenarioInputs, timeoutMs = 300000): Promise<ScenarioRun> {
  const accel = await vmAccel(kernel.vmlinuz);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mop-vm-${kernel.family}-`));
  try {
    const initrd = path.join(dir, 'initrd.cpio');
    fs.writeFileSync(initrd, buildInitramfs(inputs));
    const run = await boot(accel, kernel.vmlinuz, initrd, timeoutMs);
    const output = parseScenario(run.lines);
    if (!output.has('done')) throw new Error(`VM ${kernel.release} (${accel}) stopped before the scenario finished; console:\n${tail(run.console, 80)}`);
    return { target: `linux-${kernel.family}`, kernel: kernel.release, accel, output, ms: run.ms, console: run.console };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A free TCP port on 127.0.0.1 (for the status page when the scenario runs on the host). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Runs the scenario commands on the host's kernel (root, bpffs and tracefs mounted by the caller). */
export async function runOnHost(inputs: ScenarioInputs): Promise<ScenarioRun> {
  requireBusybox();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mop-host-scenario-'));
  const t0 = Date.now();
  try {
    for (const [name, files] of [['probes', inputs.probes], ['fixtures', inputs.fixtures]] as const) {
      fs.mkdirSync(path.join(dir, name));
      for (const [k, v] of files) fs.writeFileSync(path.join(dir, name, k), v);
    }
    fs.mkdirSync(path.join(dir, 'work'));
    const toolsDir = path.dirname(inputs.tools.loader);
    if (path.dirname(inputs.tools.traffic) !== toolsDir) throw new Error('loader and traffic must be in one directory');
    const env = { ...process.env, MOP_BUSYBOX: BUSYBOX, MOP_TOOLS: toolsDir, MOP_WORK: path.join(dir, 'work'), MOP_PORT: String(await freePort()) };
    const script = inputs.commands.map((c) => commandLine(c, SCENARIO, (d) => path.join(dir, d))).join('\n');
    const stdout = await new Promise<string>((resolve, reject) => {
      const p = spawn(BUSYBOX, ['sh', '-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      p.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      p.on('error', reject);
      p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`scenario on the host exited ${code}: ${err}\n${tail(out)}`))));
    });
    return { target: 'host', kernel: os.release(), accel: 'host', output: parseScenario(stdout.split('\n')), ms: Date.now() - t0, console: stdout };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds the static loader and traffic tools into `dir` (ebpf/build.sh --loader-only --static). */
export function buildStaticTools(dir: string): { loader: string; traffic: string } {
  execFileSync('bash', [path.join(EBPF_DIR, 'build.sh'), '--loader-only', '--static', '--out', dir], { stdio: 'pipe' });
  return { loader: path.join(dir, 'loader'), traffic: path.join(dir, 'traffic') };
}
