/**
 * Functional test: attach all probes with the libbpf loader, make real TCP traffic
 * on loopback and check the maps counted it. Counts are asserted with >= because
 * other traffic on the machine is counted too.
 */
import { spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import {
  buildLoader,
  discoverProbes,
  DumpedMap,
  ensureMounts,
  findMap,
  freePortInRange,
  keyU16,
  keyU64,
  keyU8,
  Loader,
  mkTempDir,
  objectPath,
  ReadyEvent,
  requirePrereqs,
  sleep,
} from './helpers';

const BUCKET_MAX = 26; // bucket_max in the yaml configs; bucket 27 holds the sum
const CONNECTS = 20;
const ROUND_TRIPS = 50;

function counterFor(maps: DumpedMap[], name: string, match: (key: string) => boolean): number {
  return findMap(maps, name)
    .entries.filter((e) => match(e.key))
    .reduce((acc, e) => acc + Number(e.value), 0);
}

/** Histogram count (buckets 0..BUCKET_MAX) and sum for keys {u16 port; pad; u64 bucket}. */
function histogramFor(maps: DumpedMap[], name: string, port: number): { count: number; sum: number } {
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

function listen(server: net.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

function connectAndClose(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1', () => {
      c.end();
      resolve();
    });
    c.once('error', reject);
  });
}

function connectExpectRefused(port: number): Promise<string> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1', () => {
      c.destroy();
      resolve('connected');
    });
    c.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
}

/** Request/response round trips on one connection: write, wait for the reply, repeat. */
async function roundTrips(port: number, n: number): Promise<number> {
  const c = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('error', reject);
  });
  let sent = 0;
  for (let i = 0; i < n; i++) {
    const req = Buffer.from(`Q${i}\n`);
    const reply = new Promise<void>((resolve) => c.once('data', () => resolve()));
    c.write(req);
    sent += req.length;
    await reply;
  }
  c.end();
  return sent;
}

describe('eBPF probes count real loopback TCP traffic', () => {
  let loader: Loader;
  let ready: ReadyEvent;
  let tmp: string;
  const servers: net.Server[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    requirePrereqs(['cc', 'bpftool']);
    ensureMounts();
    tmp = mkTempDir('mop-ebpf-functional-');
    const bin = buildLoader(tmp);
    ({ loader, ready } = await Loader.start(bin, discoverProbes().map(objectPath)));
  });

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    for (const s of servers) s.close();
    if (loader) await loader.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('attaches every program of every probe', () => {
    expect(ready.objects.map((o) => o.path)).toEqual(discoverProbes().map(objectPath));
    for (const o of ready.objects) {
      expect(o.programs.length).toBeGreaterThan(0);
      for (const p of o.programs) {
        expect(p.id).toBeGreaterThan(0);
        expect(p.section).toMatch(/^(tracepoint|raw_tracepoint)\//);
      }
    }
  });

  it('tcp_lifecycle: counts established connects and their latency by remote port', async () => {
    const server = net.createServer((s) => s.on('data', () => undefined).on('error', () => undefined));
    servers.push(server);
    const port = await freePortInRange(20000, 30000);
    await listen(server, port);
    for (let i = 0; i < CONNECTS; i++) await connectAndClose(port);
    await sleep(100);

    const maps = await loader.dump();
    const established = counterFor(maps, 'tcp_connections_established_total', (k) => keyU16(k, 0) === port);
    expect(established).toBeGreaterThanOrEqual(CONNECTS);
    const h = histogramFor(maps, 'tcp_connect_latency_seconds', port);
    expect(h.count).toBeGreaterThanOrEqual(CONNECTS);
    // Loopback connects take microseconds, far below the 67 s top bucket.
    expect(h.sum).toBeLessThan(CONNECTS * 1_000_000);
  });

  it('tcp_lifecycle + tcp_errors: a refused connect is a failure and a reset (sent and received)', async () => {
    // Low port: tcp_errors keys by the lower port of the connection (the service port).
    const port = await freePortInRange(20000, 30000);
    expect(await connectExpectRefused(port)).toBe('ECONNREFUSED');
    await sleep(100);

    const maps = await loader.dump();
    expect(counterFor(maps, 'tcp_connect_failures_total', (k) => keyU16(k, 0) === port)).toBeGreaterThanOrEqual(1);
    const events = (type: number): number =>
      counterFor(maps, 'tcp_events_total', (k) => keyU16(k, 0) === port && keyU8(k, 2) === type);
    expect(events(3)).toBeGreaterThanOrEqual(1); // reset_received, client side
    expect(events(2)).toBeGreaterThanOrEqual(1); // reset_sent, by the kernel for the closed port
  });

  it('tcp_errors: counts SYN retransmits when a listener backlog is full', async () => {
    // A listener whose process is stopped never accepts: once its accept queue is
    // full the kernel drops new SYNs and the clients retransmit them after ~1 s.
    const port = await freePortInRange(20000, 30000);
    const child = spawn(
      process.execPath,
      ['-e', `require('net').createServer().listen({port:${port},host:'127.0.0.1',backlog:1},()=>console.log('up'))`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    child.kill('SIGSTOP');

    const clients: net.Socket[] = [];
    for (let i = 0; i < 8; i++) {
      const c = net.connect(port, '127.0.0.1');
      c.on('error', () => undefined);
      clients.push(c);
    }
    let retransmits = 0;
    for (let waited = 0; waited < 6000 && retransmits === 0; waited += 250) {
      await sleep(250);
      const maps = await loader.dump();
      retransmits = counterFor(maps, 'tcp_events_total', (k) => keyU16(k, 0) === port && keyU8(k, 2) === 1);
    }
    for (const c of clients) c.destroy();
    child.kill('SIGKILL');
    expect(retransmits).toBeGreaterThanOrEqual(1);
  });

  it('db_roundtrip: measures request/response round trips to a database port', async () => {
    // A fake database: answers every request line. Uses the first free DB port.
    let port = 0;
    const server = net.createServer((s) => {
      s.on('data', () => s.write('OK\n'));
      s.on('error', () => undefined);
    });
    servers.push(server);
    for (const candidate of [5432, 3306, 6379]) {
      try {
        await listen(server, candidate);
        port = candidate;
        break;
      } catch {
        /* in use: try the next database port */
      }
    }
    if (port === 0) throw new Error('ports 5432, 3306 and 6379 are all in use on 127.0.0.1; free one for this test');

    const sent = await roundTrips(port, ROUND_TRIPS);
    await sleep(100);

    const maps = await loader.dump();
    const h = histogramFor(maps, 'db_roundtrip_seconds', port);
    expect(h.count).toBeGreaterThanOrEqual(ROUND_TRIPS);
    expect(h.sum).toBeGreaterThan(0);
    const bytes = (dir: number): number =>
      counterFor(maps, 'db_bytes_total', (k) => keyU16(k, 0) === port && keyU8(k, 2) === dir);
    expect(bytes(1)).toBeGreaterThanOrEqual(sent); // request
    expect(bytes(2)).toBeGreaterThanOrEqual(ROUND_TRIPS * 3); // response, "OK\n" each
    // The server side (local port = db port, remote port ephemeral) is not measured.
    const otherPorts = findMap(maps, 'db_roundtrip_seconds').entries.filter(
      (e) => ![5432, 3306, 6379].includes(keyU16(e.key, 0)),
    );
    expect(otherPorts).toEqual([]);
  });
});
