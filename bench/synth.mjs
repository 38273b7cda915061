// Synth benchmark: `npm run bench` (or `npm run bench:synth`). Prints medians over RUNS runs taken in one session
// on this machine, and ratios computed pair by pair (run i of A against run i of B, then the median of those).
//   1. `npm run synth` for the default environments, against a floor (node loading cdk8s + cdk8s-plus-28 and
//      writing the same bytes) and against the stock cdk8s way (`cdk8s synth` running main.ts with ts-node);
//   2. scaling: 1, 10 and 50 generated regional environments: wall time, marginal cost, peak memory;
//   3. the eBPF probe figures (`bench/ebpf.mjs`, needs root), unless --no-ebpf.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
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

function tmp(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
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

// 1. Default environments.
const bytesFile = path.join(tmp('mop-bench-bytes-'), 'files.json');
let defaultEnvironments = [];
{
  const out = tmp('mop-bench-prep-');
  time('npm', ['run', '-s', 'synth', '--', '--quiet'], { MOP_OUTDIR: out });
  fs.writeFileSync(bytesFile, JSON.stringify(collect(out)));
  defaultEnvironments = fs.readdirSync(out).filter((e) => !e.startsWith('.')).sort();
}
const synthTimes = [];
const directTimes = [];
const floorTimes = [];
const stockTimes = [];
for (let i = 0; i < RUNS; i++) {
  synthTimes.push(time('npm', ['run', '-s', 'synth', '--', '--quiet'], { MOP_OUTDIR: tmp('mop-bench-synth-') }).elapsed);
  directTimes.push(time('node', ['scripts/synth.cjs', '--quiet'], { MOP_OUTDIR: tmp('mop-bench-direct-') }).elapsed);
  floorTimes.push(time('node', ['bench/floor.cjs', bytesFile, tmp('mop-bench-floor-')]).elapsed);
  if (!args.includes('--no-stock')) {
    const out = tmp('mop-bench-stock-');
    stockTimes.push(time('node_modules/.bin/cdk8s', ['synth', '--app', 'node_modules/.bin/ts-node main.ts', '--output', out, '--no-check-upgrade'], { MOP_OUTDIR: out }).elapsed);
  }
}
const pairRatio = (a, b) => median(a.map((x, i) => x / b[i]));
console.log(`1. Default environments (${defaultEnvironments.length}: ${defaultEnvironments.join(', ')})`);
console.log(`   npm run synth                     median ${ms(median(synthTimes))}   (runs: ${synthTimes.map((t) => t.toFixed(0)).join(', ')})`);
console.log(`   node scripts/synth.cjs (no npm)    median ${ms(median(directTimes))}`);
console.log(`   floor: node + cdk8s + write bytes  median ${ms(median(floorTimes))}`);
if (stockTimes.length) console.log(`   stock: cdk8s synth with ts-node    median ${ms(median(stockTimes))}`);
console.log(`   synth / floor                     ${pairRatio(synthTimes, floorTimes).toFixed(2)}×  (target ≤ 3×)`);
console.log(`   synth without npm / floor         ${pairRatio(directTimes, floorTimes).toFixed(2)}×  (npm's own start-up is the difference)`);
if (stockTimes.length) console.log(`   stock / synth                     ${pairRatio(stockTimes, synthTimes).toFixed(2)}×  (target ≥ 4×)`);

// 2. Scaling with generated regional environments (renders with the bundle, as `npm run synth` does).
await build({ entryPoints: [path.join(root, 'environments', 'production.ts')], outfile: path.join(root, '.build', 'bench-environments.js'), bundle: true, platform: 'node', format: 'cjs', logLevel: 'warning' });
time('node', ['scripts/build.cjs']);
console.log('\n2. Scaling: generated regional production environments (one process per render)');
const scale = {};
for (const n of [1, 10, 50]) {
  const walls = [];
  const rss = [];
  for (let i = 0; i < RUNS; i++) {
    const r = time('node', ['bench/scale.cjs', String(n), tmp('mop-bench-scale-')]);
    walls.push(r.elapsed);
    rss.push(JSON.parse(r.stdout).maxRssKiB);
  }
  scale[n] = { walls, rss };
  console.log(`   ${String(n).padStart(2)} environments   wall median ${ms(median(walls))}   peak RSS median ${(median(rss) / 1024).toFixed(0)} MiB`);
}
const marginal = median(scale[50].walls.map((w, i) => (w - scale[1].walls[i]) / 49));
console.log(`   marginal cost per extra environment (50 vs 1, pairwise): ${ms(marginal)}  (target ≤ 50 ms)`);
console.log(`   50 environments: ${ms(median(scale[50].walls))} (target < 5000 ms), ${(median(scale[50].rss) / 1024).toFixed(0)} MiB (target < 1024 MiB)`);

// 3. eBPF probes.
if (!args.includes('--no-ebpf')) {
  console.log('\n3. eBPF probes (bench/ebpf.mjs)');
  const r = spawnSync('node', ['bench/ebpf.mjs'], { cwd: root, env, encoding: 'utf8' });
  process.stdout.write(r.status === 0 ? r.stdout : `   skipped: ${r.stderr.trim().split('\n').pop()}\n`);
}
