import { SpawnSyncReturns, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ENVIRONMENTS } from '../../environments';
import { PROJECT_ROOT } from '../support/paths';
import { snapshotTree } from '../support/tree';

/**
 * `npm run synth` as a user runs it, in a copy of the project (node_modules linked, no .build/): the command line,
 * --check, --outdir, and incremental builds that always render the edit just made (issue #14, points 1 and 3).
 */

const COPY = ['main.ts', 'package.json', 'package-lock.json', 'tsconfig.json', 'constructs', 'environments', 'imports', 'scripts', 'ebpf', 'docs', 'dist'];
let project: string;

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'mop-cli-'));
  for (const entry of COPY) fs.cpSync(path.join(PROJECT_ROOT, entry), path.join(project, entry), { recursive: true });
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(project, 'node_modules'));
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

function npmSynth(args: string[], cwd = project): SpawnSyncReturns<string> {
  return spawnSync('npm', ['run', '-s', 'synth', '--', ...args], { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
}

/** Everything synth may write in the project: dist/ and docs/. */
const projectState = () => ({ dist: snapshotTree(path.join(project, 'dist')), docs: snapshotTree(path.join(project, 'docs')) });

describe('the command line', () => {
  test('--help prints the usage and exits 0', () => {
    const run = npmSynth(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: npm run synth -- \[options\] \[environment \.\.\.\]/);
    for (const option of ['--outdir DIR', '--check', '--list', '--allow-destructive', '--quiet']) expect(run.stdout).toContain(option);
  });

  test.each([['--quite'], ['--only=staging'], ['--outdir'], ['--check', '--list'], ['-x']])('%s exits 2 with the known options and writes nothing', (...args) => {
    const before = projectState();
    const run = npmSynth(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^synth: /);
    expect(run.stdout).toBe('');
    if (!args.includes('--list')) expect(run.stderr).toContain('known options: --outdir DIR, --check, --list, --allow-destructive, --quiet (-q), --help (-h)');
    expect(projectState()).toEqual(before);
  });

  test('an unknown environment name exits 2 and names the known ones', () => {
    const run = npmSynth(['stagign']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/no environment named "stagign"; known: dev, staging, production/);
  });

  test('--list prints every environment with its tier and components', () => {
    const run = npmSynth(['--list']);
    expect(run.status).toBe(0);
    const names = run.stdout.trim().split('\n').map((l) => l.split('\t')[0]);
    expect(names).toEqual(ENVIRONMENTS.map((e) => e.name));
    expect(run.stdout).toContain('dev\tdev\tmimir,tempo,loki,alloy,obi,grafana\n');
  });

  test('--outdir DIR renders everything under DIR, the generated documents included, and leaves dist/ and docs/ alone', () => {
    const before = projectState();
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'mop-cli-out-'));
    try {
      const run = spawnSync('npm', ['--prefix', project, 'run', '-s', 'synth', '--', '--outdir', 'rendered', '--quiet'], { cwd: elsewhere, encoding: 'utf8' });
      expect(run.status).toBe(0);
      const out = path.join(elsewhere, 'rendered');
      expect(fs.readdirSync(out).sort()).toEqual([...ENVIRONMENTS.map((e) => e.name), 'network-flows.md', 'prerequisites.md'].sort());
      expect(snapshotTree(path.join(out, 'staging'))).toEqual(snapshotTree(path.join(project, 'dist', 'staging')));
      for (const doc of ['network-flows.md', 'prerequisites.md']) {
        expect(fs.readFileSync(path.join(out, doc), 'utf8')).toBe(fs.readFileSync(path.join(project, 'docs', doc), 'utf8'));
      }
      expect(projectState()).toEqual(before);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe('--check', () => {
  test('exits 0 when dist/ is what the code renders', () => {
    const run = npmSynth(['--check']);
    expect(run.stdout).toContain('dist/ is what the code renders');
    expect(run.status).toBe(0);
  });

  test('exits 1 with the added, removed and changed files per environment, and writes nothing', () => {
    const dist = path.join(project, 'dist');
    const changed = path.join(dist, 'staging', 'mimir', 'configmap-mimir-config.yaml');
    const removed = path.join(dist, 'dev', 'grafana', fs.readdirSync(path.join(dist, 'dev', 'grafana'))[0]);
    const saved = { changed: fs.readFileSync(changed, 'utf8'), removed: fs.readFileSync(removed, 'utf8') };
    fs.writeFileSync(changed, `${saved.changed}# edited by hand\n`);
    fs.rmSync(removed);
    fs.writeFileSync(path.join(dist, 'production', 'stray.yaml'), 'kind: Stray\n');
    try {
      const before = projectState();
      const run = npmSynth(['--check']);
      expect(run.status).toBe(1);
      expect(run.stdout).toContain(`dev: 1 added\n    + grafana/${path.basename(removed)}`);
      expect(run.stdout).toContain('staging: 1 changed\n    ~ mimir/configmap-mimir-config.yaml');
      expect(run.stdout).toContain('production: 1 removed\n    - stray.yaml');
      expect(run.stdout).toContain('dist/ is not what the code renders: run npm run synth and commit the result');
      expect(projectState()).toEqual(before);
    } finally {
      fs.writeFileSync(changed, saved.changed);
      fs.writeFileSync(removed, saved.removed);
      fs.rmSync(path.join(dist, 'production', 'stray.yaml'));
    }
    expect(npmSynth(['--check']).status).toBe(0);
  });
});

describe('an incremental synth renders exactly what a clean build renders', () => {
  const versions = () => path.join(project, 'constructs', 'versions.ts');
  const tempoImages = () =>
    new Set(Object.values(snapshotTree(path.join(project, 'dist'))).flatMap((text) => [...text.matchAll(/grafana\/tempo:[0-9.]+/g)].map((m) => m[0])));

  test('a same-length edit of a source file renders, and so does its revert with the old modification time', () => {
    const original = fs.readFileSync(versions(), 'utf8');
    const stat = fs.statSync(versions());
    expect(npmSynth(['--quiet']).status).toBe(0); // bundle and code cache exist now
    expect(tempoImages()).toEqual(new Set(['grafana/tempo:3.0.3']));
    try {
      fs.writeFileSync(versions(), original.replace("tag: '3.0.3'", "tag: '3.0.4'"));
      const run = npmSynth([]);
      expect(run.status).toBe(0);
      expect(tempoImages()).toEqual(new Set(['grafana/tempo:3.0.4']));
      expect(run.stdout).toMatch(/staging: .*; \d+ changed/);
    } finally {
      // As `git checkout` does it, but with the file's old time: a cache keyed by modification time would miss it.
      fs.writeFileSync(versions(), original);
      fs.utimesSync(versions(), stat.atime, stat.mtime);
    }
    expect(npmSynth(['--quiet']).status).toBe(0);
    expect(tempoImages()).toEqual(new Set(['grafana/tempo:3.0.3']));
  });

  test('an environment edit renders at once (retention 30d → 31d in staging)', () => {
    const file = path.join(project, 'environments', 'staging.ts');
    const original = fs.readFileSync(file, 'utf8');
    try {
      fs.writeFileSync(file, original.replace("metrics: '30d'", "metrics: '31d'"));
      const run = npmSynth([]);
      expect(run.status).toBe(0);
      expect(fs.readFileSync(path.join(project, 'dist', 'staging', 'mimir', 'configmap-mimir-runtime.yaml'), 'utf8')).toContain('compactor_blocks_retention_period: 31d');
      // The record and Mimir's runtime overrides change; no pod template does (the runtime file has no checksum).
      expect(run.stdout).toMatch(/^staging: .*; 2 changed\n {4}~ environment.json\n {4}~ mimir\/configmap-mimir-runtime.yaml\n/m);
      expect(run.stdout).toMatch(/^production: .*; unchanged$/m);
    } finally {
      fs.writeFileSync(file, original);
    }
    // Going back is a shortened retention: refused without consent, and dist/ keeps 31d.
    const refused = npmSynth([]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('retention.metrics: 31d → 30d');
    expect(npmSynth(['--allow-destructive', '--quiet']).status).toBe(0);
    expect(fs.readFileSync(path.join(project, 'dist', 'staging', 'mimir', 'configmap-mimir-runtime.yaml'), 'utf8')).toContain('compactor_blocks_retention_period: 30d');
  });

  test('an edit of a file the render reads at run time (not bundled) renders too, and so does its revert', () => {
    const script = path.join(project, 'ebpf', 'select-probes.sh');
    const original = fs.readFileSync(script);
    const stat = fs.statSync(script);
    const probes = () => fs.readFileSync(path.join(project, 'dist', 'staging', 'obi', 'configmap-obi-ebpf-probes.yaml'), 'utf8');
    expect(npmSynth(['--quiet']).status).toBe(0); // the renders are cached now
    try {
      fs.writeFileSync(script, Buffer.concat([original, Buffer.from('# edited\n')]));
      expect(npmSynth(['--quiet']).status).toBe(0);
      expect(probes()).toContain('# edited');
    } finally {
      fs.writeFileSync(script, original);
      fs.utimesSync(script, stat.atime, stat.mtime);
    }
    expect(npmSynth(['--quiet']).status).toBe(0);
    expect(probes()).not.toContain('# edited');
  });

  test('a code cache made for another bundle is not used', () => {
    expect(npmSynth(['--check']).status).toBe(0);
    const cache = path.join(project, '.build', 'main.js.cache');
    const data = fs.readFileSync(cache);
    fs.writeFileSync(cache, Buffer.concat([Buffer.from('0'.repeat(64), 'latin1'), data.subarray(64)]));
    expect(npmSynth(['--check']).status).toBe(0);
    expect(fs.readFileSync(cache).subarray(0, 64).toString('latin1')).not.toBe('0'.repeat(64));
  });

  test('a JavaScript environment file with the wrong shape is refused in one line, without a stack trace', () => {
    const index = path.join(project, 'environments', 'index.ts');
    const original = fs.readFileSync(index, 'utf8');
    const js = path.join(project, 'environments', 'scratch.js');
    fs.writeFileSync(
      js,
      `const { staging } = require('./staging');\nexports.scratch = { ...staging, name: 'scratch', instrumentation: { ...staging.instrumentation, podLabels: 'app=checkout' } };\n`,
    );
    fs.writeFileSync(index, original.replace("import { staging } from './staging';", "import { staging } from './staging';\n// @ts-ignore\nimport { scratch } from './scratch';").replace('...PRODUCTION_MULTI_REGION_ENVIRONMENTS]', '...PRODUCTION_MULTI_REGION_ENVIRONMENTS, scratch]'));
    try {
      const before = projectState();
      const run = npmSynth([]);
      expect(run.status).toBe(1);
      expect(run.stderr).toBe('synth failed: environment "scratch": instrumentation.podLabels: got "app=checkout"; must map Kubernetes label keys (prefix/name, name up to 63 characters) to non-empty glob strings\n');
      expect(projectState()).toEqual(before);
    } finally {
      fs.writeFileSync(index, original);
      fs.rmSync(js);
    }
  });
});
