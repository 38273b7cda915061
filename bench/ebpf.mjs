#!/usr/bin/env node
/**
 * eBPF probe overhead benchmark (npm run bench:ebpf). Needs root, clang, libbpf-dev, bpftool.
 *
 * Enables kernel.bpf_stats_enabled, attaches every probe (ebpf/*.bpf.o) with the
 * test loader, drives a fixed loopback workload, and prints the kernel's per-program
 * run_cnt / run_time_ns deltas as average ns per run. Restores the sysctl afterwards.
 *
 *   node bench/ebpf.mjs [--connects N] [--roundtrips N] [--refused N]
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EBPF = path.join(ROOT, 'ebpf');
const STATS = '/proc/sys/kernel/bpf_stats_enabled';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const CONNECTS = opt('connects', 2000);
const ROUND_TRIPS = opt('roundtrips', 2000);
const REFUSED = opt('refused', 200);
const CONCURRENCY = 32;

function die(msg) {
  console.error(`bench:ebpf: ${msg}`);
  process.exit(1);
}

function have(tool) {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function ensureMount(mp, type, args) {
  const mounted = fs.readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => {
    const f = l.split(' ');
    return f[1] === mp && f[2] === type;
  });
  if (!mounted) execFileSync('mount', args);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server.address().port));
  });
}

function connectOnce(port) {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1', () => {
      c.end();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

async function pool(n, fn) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, n) }, worker));
}

async function roundTrips(port, n) {
  const c = net.connect(port, '127.0.0.1');
  await new Promise((resolve, reject) => {
    c.once('connect', resolve);
    c.once('error', reject);
  });
  for (let i = 0; i < n; i++) {
    const reply = new Promise((resolve) => c.once('data', resolve));
    c.write(`Q${i}\n`);
    await reply;
  }
  c.end();
}

function progStats(ids) {
  const out = new Map();
  for (const id of ids) {
    const info = JSON.parse(execFileSync('bpftool', ['prog', 'show', 'id', String(id), '-j'], { encoding: 'utf8' }));
    out.set(id, { cnt: Number(info.run_cnt ?? 0), ns: Number(info.run_time_ns ?? 0) });
  }
  return out;
}

async function startLoader(bin, objects) {
  const proc = spawn(bin, objects, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const line = await new Promise((resolve) => {
    let buf = '';
    proc.stdout.on('data', (d) => {
      buf += d;
      const i = buf.indexOf('\n');
      if (i >= 0) resolve(buf.slice(0, i));
    });
    proc.on('exit', () => resolve(''));
  });
  if (!line) die(`loader failed: ${stderr}`);
  return { proc, ready: JSON.parse(line) };
}

async function main() {
  if (process.getuid?.() !== 0) die('must run as root');
  for (const t of ['clang', 'cc', 'bpftool']) {
    if (!have(t)) die(`${t} not found; apt-get install -y clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev`);
  }
  ensureMount('/sys/fs/bpf', 'bpf', ['-t', 'bpf', 'bpf', '/sys/fs/bpf']);
  ensureMount('/sys/kernel/tracing', 'tracefs', ['-t', 'tracefs', 'nodev', '/sys/kernel/tracing']);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mop-bench-ebpf-'));
  execFileSync('bash', [path.join(EBPF, 'build.sh'), '--loader-only', '--out', tmp], { stdio: 'pipe' });
  const objects = fs.readdirSync(EBPF).filter((f) => f.endsWith('.bpf.o')).sort().map((f) => path.join(EBPF, f));

  const oldStats = fs.readFileSync(STATS, 'utf8').trim();
  fs.writeFileSync(STATS, '1');
  let loader;
  const servers = [];
  try {
    loader = await startLoader(path.join(tmp, 'loader'), objects);
    const progs = loader.ready.objects.flatMap((o) =>
      o.programs.map((p) => ({ probe: path.basename(o.path, '.bpf.o'), ...p })),
    );

    const echo = net.createServer((s) => s.on('data', () => undefined).on('error', () => undefined));
    servers.push(echo);
    const port = await listen(echo, 0);
    // A port that was free a moment ago and is closed now: connects get a RST.
    const probe = net.createServer();
    const closed = await listen(probe, 0);
    await new Promise((r) => probe.close(r));
    const db = net.createServer((s) => {
      s.on('data', () => s.write('OK\n'));
      s.on('error', () => undefined);
    });
    servers.push(db);
    let dbPort = 0;
    for (const p of [5432, 3306, 6379]) {
      try {
        dbPort = await listen(db, p);
        break;
      } catch {
        /* next */
      }
    }
    if (!dbPort) die('ports 5432, 3306, 6379 all in use');

    const before = progStats(progs.map((p) => p.id));
    const t0 = process.hrtime.bigint();
    await pool(CONNECTS, () => connectOnce(port));
    await pool(REFUSED, () => connectOnce(closed));
    const perConn = Math.ceil(ROUND_TRIPS / 4);
    await Promise.all([0, 1, 2, 3].map(() => roundTrips(dbPort, perConn)));
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    await sleep(200);
    const after = progStats(progs.map((p) => p.id));

    console.log(`kernel ${os.release()}, ${execFileSync('clang', ['--version'], { encoding: 'utf8' }).split('\n')[0]}`);
    console.log(
      `workload: ${CONNECTS} loopback connects, ${REFUSED} refused connects, ${perConn * 4} db round trips on port ${dbPort} (${wallMs.toFixed(0)} ms)`,
    );
    console.log('(run counts include any other traffic on the host while the bench ran)\n');
    const rows = progs.map((p) => {
      const cnt = after.get(p.id).cnt - before.get(p.id).cnt;
      const ns = after.get(p.id).ns - before.get(p.id).ns;
      return [p.probe, p.name, p.section.replace(/^tracepoint\//, ''), String(cnt), String(ns), cnt ? (ns / cnt).toFixed(0) : '-'];
    });
    const head = ['probe', 'program', 'tracepoint', 'runs', 'total ns', 'avg ns/run'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const fmt = (r) => r.map((c, i) => (i >= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
    console.log(fmt(head));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows) console.log(fmt(r));
  } finally {
    fs.writeFileSync(STATS, oldStats);
    for (const s of servers) s.close();
    if (loader) {
      loader.proc.stdin.end('quit\n');
      await new Promise((r) => loader.proc.on('exit', r));
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => die(e.stack ?? String(e)));
