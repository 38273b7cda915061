/**
 * Shared helpers for the eBPF probe tests. These tests need root, clang/llvm,
 * libbpf-dev and bpftool (CI installs them); a missing prerequisite fails the test
 * with the command that fixes it instead of silently skipping.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const EBPF_DIR = path.join(ROOT, 'ebpf');
export const APT_HINT = 'apt-get install -y clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev';

/** Object names discovered from ebpf/*.bpf.c, sorted (each belongs to one probe of EBPF_PROBES). */
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

export function hasTool(tool: string): boolean {
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
