/**
 * Shared helpers for the eBPF probe tests. These tests need root, clang/llvm,
 * libbpf-dev and bpftool (CI installs them); a missing prerequisite fails the test
 * with the command that fixes it instead of silently skipping.
 */
import { execFileSync, spawn, ChildProcessWithoutNullStreams } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const EBPF_DIR = path.join(ROOT, 'ebpf');
export const APT_HINT = 'apt-get install -y clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev';

/** Probe names discovered from ebpf/*.bpf.c, sorted. */
export function discoverProbes(): string[] {
  return fs
    .readdirSync(EBPF_DIR)
    .filter((f) => f.endsWith('.bpf.c'))
    .map((f) => f.slice(0, -'.bpf.c'.length))
    .sort();
}

export function objectPath(name: string): string {
  return path.join(EBPF_DIR, `${name}.bpf.o`);
}

function hasTool(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Throws a clear error unless we are root and every tool is on PATH. */
export function requirePrereqs(tools: string[]): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('eBPF tests must run as root (they load programs into the kernel)');
  }
  const missing = tools.filter((t) => !hasTool(t));
  if (missing.length > 0) {
    throw new Error(`eBPF tests need ${missing.join(', ')} on PATH; install with: ${APT_HINT}`);
  }
  if (tools.includes('cc') && !fs.existsSync('/usr/include/bpf/libbpf.h')) {
    throw new Error(`libbpf headers missing (/usr/include/bpf/libbpf.h); install with: ${APT_HINT}`);
  }
}

function isMounted(mountPoint: string, fsType: string): boolean {
  return fs
    .readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .some((l) => {
      const [, mp, type] = l.split(' ');
      return mp === mountPoint && type === fsType;
    });
}

/** Mounts bpffs and tracefs if they are not mounted yet (left mounted: harmless, shared). */
export function ensureMounts(): void {
  if (!isMounted('/sys/fs/bpf', 'bpf')) {
    execFileSync('mount', ['-t', 'bpf', 'bpf', '/sys/fs/bpf']);
  }
  if (!isMounted('/sys/kernel/tracing', 'tracefs')) {
    execFileSync('mount', ['-t', 'tracefs', 'nodev', '/sys/kernel/tracing']);
  }
}

export function mkTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Builds the loader into `dir` via ebpf/build.sh and returns its path. */
export function buildLoader(dir: string): string {
  execFileSync('bash', [path.join(EBPF_DIR, 'build.sh'), '--loader-only', '--out', dir], { stdio: 'pipe' });
  return path.join(dir, 'loader');
}

export interface ReadyProgram {
  name: string;
  section: string;
  id: number;
}
export interface ReadyEvent {
  event: 'ready';
  objects: { path: string; config: string; programs: ReadyProgram[] }[];
}
export interface MapEntry {
  key: string;
  value: string;
}
export interface DumpedMap {
  object: string;
  name: string;
  type: number;
  key_size: number;
  value_size: number;
  entries: MapEntry[];
}

/** A running loader process with all programs of the given objects attached. */
export class Loader {
  private readonly proc: ChildProcessWithoutNullStreams;
  private buf = '';
  private stderr = '';
  private waiters: ((line: string) => void)[] = [];
  private lines: string[] = [];
  private exited: number | null = null;

  private constructor(bin: string, objects: string[]) {
    this.proc = spawn(bin, objects, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (chunk: string) => {
      this.buf += chunk;
      let i: number;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        const w = this.waiters.shift();
        if (w) w(line);
        else this.lines.push(line);
      }
    });
    this.proc.stderr.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    this.proc.on('exit', (code) => {
      this.exited = code ?? -1;
      for (const w of this.waiters.splice(0)) w('');
    });
  }

  static async start(bin: string, objects: string[]): Promise<{ loader: Loader; ready: ReadyEvent }> {
    const loader = new Loader(bin, objects);
    const line = await loader.nextLine(30000);
    if (!line) {
      throw new Error(`loader failed (exit ${loader.exited}): ${loader.stderr}`);
    }
    return { loader, ready: JSON.parse(line) as ReadyEvent };
  }

  private nextLine(timeoutMs: number): Promise<string> {
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.exited !== null) return Promise.resolve('');
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`loader: no output within ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push((l) => {
        clearTimeout(t);
        resolve(l);
      });
    });
  }

  async dump(): Promise<DumpedMap[]> {
    this.proc.stdin.write('dump\n');
    const line = await this.nextLine(30000);
    if (!line) throw new Error(`loader exited (${this.exited}): ${this.stderr}`);
    return (JSON.parse(line) as { maps: DumpedMap[] }).maps;
  }

  async stop(): Promise<void> {
    if (this.exited !== null) return;
    const done = new Promise<void>((resolve) => this.proc.on('exit', () => resolve()));
    this.proc.stdin.end('quit\n');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 10000);
    await done;
    clearTimeout(t);
  }
}

/** Little-endian (x86/arm64 host order) readers for dumped key bytes. */
export function keyU16(hex: string, offset: number): number {
  return Buffer.from(hex, 'hex').readUInt16LE(offset);
}
export function keyU8(hex: string, offset: number): number {
  return Buffer.from(hex, 'hex').readUInt8(offset);
}
export function keyU64(hex: string, offset: number): bigint {
  return Buffer.from(hex, 'hex').readBigUInt64LE(offset);
}

export function findMap(maps: DumpedMap[], name: string): DumpedMap {
  const m = maps.find((x) => x.name === name);
  if (!m) throw new Error(`map ${name} not in dump (have: ${maps.map((x) => x.name).join(', ')})`);
  return m;
}

/** Finds a TCP port in [lo, hi) that nothing listens on (bind test on 127.0.0.1). */
export async function freePortInRange(lo: number, hi: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = lo + Math.floor(Math.random() * (hi - lo));
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error(`no free port in [${lo}, ${hi})`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
