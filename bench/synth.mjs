// Synth benchmark: `npm run bench` (or `npm run bench:synth`). Prints medians over RUNS runs taken in one session
// on this machine, and ratios computed pair by pair (run i of A against run i of B, then the median of those).
//   1. `npm run synth` for the default environments, against a floor (node loading cdk8s + cdk8s-plus-28 and
//      writing the same bytes) and against the stock cdk8s way (`cdk8s synth` running main.ts with ts-node);
//      (a) written to the temporary folder on disk, (b) again to /dev/shm (RAM) when it exists, without stock;
//   2. scaling: 1, 10 and 50 generated regional environments: wall time, marginal cost, peak memory, (a) on disk
//      and (b) in RAM as for 1;
//   3. the eBPF probe figures (`bench/ebpf.ts`, needs root), unless --no-ebpf.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const renderCache = path.join(root, '.build', 'renders');
const RUNS = Number(process.env.RUNS ?? 7);
const args = process.argv.slice(2);
const env = { ...process.env, CDK8S_CHECK_UPGRADE: 'false', npm_config_update_notifier: 'false' };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${x.toFixed(0)} ms`;

function time(cmd, argv, extraEnv = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd: root, env: { ...env, ...extraEnv }, encoding: 'utf8' });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed:\n${r.stderr}`);
  return { elapsed, stdout: r.stdout };
}


function collect(dir) {
  const out = {};
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

console.log(`MOP synth benchmark: ${os.cpus().length} × ${os.cpus()[0].model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${RUNS} runs each\n`);

// 1. Default environments: once in the system's temporary folder (on disk, like dist/), and once more in a RAM-backed
// folder when there is one (/dev/shm), which takes the disk's speed out of the comparison: every run writes 700 files,
// and on a virtual disk their cost varies several-fold from minute to minute, for synth and floor alike.
const pairRatio = (a, b) => median(a.map((x, i) => x / b[i]));
function defaultEnvironments(root, label, withStock) {
  // Outputs are removed after the timed runs, not between them: deleting thousands of files makes the disk slow for
  // whatever runs next.
  const outs = [];
  const fresh = (prefix) => {
    outs.push(fs.mkdtempSync(path.join(root, prefix)));
    return outs[outs.length - 1];
  };
  const measure = (cmd, argv, extraEnv = {}) => time(cmd, argv, extraEnv).elapsed;
  const prep = fresh('mop-bench-prep-');
  time('npm', ['run', '-s', 'synth', '--', '--quiet', '--outdir', prep]);
  const bytesFile = path.join(root, `mop-bench-bytes-${process.pid}.json`);
  fs.writeFileSync(bytesFile, JSON.stringify(collect(prep)));
  const names = fs.readdirSync(prep, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  const unchanged = [];
  const synth = [];
  const cold = [];
  const direct = [];
  const floor = [];
  const stock = [];
  for (let i = 0; i < RUNS; i++) {
    let out = fresh('mop-bench-synth-');
    synth.push(measure('npm', ['run', '-s', 'synth', '--', '--quiet', '--outdir', out]));
    // As after a code change: every environment rendered again (no render cache), into an empty folder.
    fs.rmSync(renderCache, { recursive: true, force: true });
    out = fresh('mop-bench-cold-');
    cold.push(measure('npm', ['run', '-s', 'synth', '--', '--quiet', '--outdir', out]));
    out = fresh('mop-bench-direct-');
    direct.push(measure('node', ['scripts/synth.cjs', '--quiet', '--outdir', out]));
    // The everyday case: dist/ is there and nothing changed, so synth compares and writes nothing.
    unchanged.push(measure('npm', ['run', '-s', 'synth', '--', '--quiet', '--outdir', prep]));
    out = fresh('mop-bench-floor-');
    floor.push(measure('node', ['bench/floor.cjs', bytesFile, out]));
    if (withStock) {
      out = fresh('mop-bench-stock-');
      stock.push(measure('node_modules/.bin/cdk8s', ['synth', '--app', 'node_modules/.bin/ts-node main.ts', '--output', out, '--no-check-upgrade']));
    }
  }
  fs.rmSync(bytesFile, { force: true });
  fs.rmSync(prep, { recursive: true, force: true });
  for (const out of outs) fs.rmSync(out, { recursive: true, force: true });
  console.log(`1${label}. Default environments (${names.length}: ${names.join(', ')}), written under ${root}`);
  console.log(`   npm run synth                     median ${ms(median(synth))}   (runs: ${synth.map((t) => t.toFixed(0)).join(', ')}; renders cached, into an empty folder)`);
  console.log(`   npm run synth, cold               median ${ms(median(cold))}   (runs: ${cold.map((t) => t.toFixed(0)).join(', ')}; every environment rendered)`);
  console.log(`   node scripts/synth.cjs (no npm)   median ${ms(median(direct))}`);
  console.log(`   npm run synth, dist/ unchanged    median ${ms(median(unchanged))}   (compares, writes nothing)`);
  console.log(`   floor: node + cdk8s + write bytes median ${ms(median(floor))}   (runs: ${floor.map((t) => t.toFixed(0)).join(', ')})`);
  if (stock.length) console.log(`   stock: cdk8s synth with ts-node   median ${ms(median(stock))}`);
  console.log(`   synth / floor                     ${pairRatio(synth, floor).toFixed(2)}×  (target ≤ 3×)`);
  console.log(`   synth cold / floor                ${pairRatio(cold, floor).toFixed(2)}×  (target ≤ 3×)`);
  console.log(`   synth without npm / floor         ${pairRatio(direct, floor).toFixed(2)}×  (npm's own start-up is the difference)`);
  if (stock.length) console.log(`   stock / synth                     ${pairRatio(stock, synth).toFixed(2)}×  (target ≥ 4×)`);
  console.log('');
}
defaultEnvironments(os.tmpdir(), 'a', !args.includes('--no-stock'));
const ram = '/dev/shm';
if (fs.existsSync(ram) && fs.statSync(ram).isDirectory()) defaultEnvironments(ram, 'b', false);

// 2. Scaling with generated regional environments (renders with the bundle, as `npm run synth` does).
await build({ entryPoints: [path.join(root, 'environments', 'production.ts')], outfile: path.join(root, '.build', 'bench-environments.js'), bundle: true, platform: 'node', format: 'cjs', logLevel: 'warning' });
time('node', ['scripts/build.cjs']);
function scaling(root, label) {
  console.log(`2${label}. Scaling: generated regional production environments (one process per render), written under ${root}`);
  const scale = {};
  const outs = [];
  for (const n of [1, 10, 50]) {
    const walls = [];
    const rss = [];
    for (let i = 0; i < RUNS; i++) {
      const out = fs.mkdtempSync(path.join(root, 'mop-bench-scale-'));
      outs.push(out);
      const r = time('node', ['bench/scale.cjs', String(n), out]);
      walls.push(r.elapsed);
      rss.push(JSON.parse(r.stdout).maxRssKiB);
    }
    scale[n] = { walls, rss };
    console.log(`   ${String(n).padStart(2)} environments   wall median ${ms(median(walls))}   peak RSS median ${(median(rss) / 1024).toFixed(0)} MiB`);
  }
  for (const out of outs) fs.rmSync(out, { recursive: true, force: true });
  const marginal = median(scale[50].walls.map((w, i) => (w - scale[1].walls[i]) / 49));
  console.log(`   marginal cost per extra environment (50 vs 1, pairwise): ${ms(marginal)}  (target ≤ 50 ms)`);
  console.log(`   50 environments: ${ms(median(scale[50].walls))} (target < 5000 ms), ${(median(scale[50].rss) / 1024).toFixed(0)} MiB (target < 1024 MiB)\n`);
}
if (!args.includes('--no-scaling')) {
  scaling(os.tmpdir(), 'a');
  if (fs.existsSync(ram) && fs.statSync(ram).isDirectory()) scaling(ram, 'b');
}

// 3. eBPF probes.
if (!args.includes('--no-ebpf')) {
  console.log('3. eBPF probes (bench/ebpf.ts)');
  const r = spawnSync('npx', ['ts-node', '--transpile-only', 'bench/ebpf.ts'], { cwd: root, env, encoding: 'utf8' });
  process.stdout.write(r.status === 0 ? r.stdout : `   skipped: ${r.stderr.trim().split('\n').pop()}\n`);
}
