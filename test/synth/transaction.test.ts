import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EnvironmentInput } from '../../environments';
import { dev } from '../../environments/dev';
import { production } from '../../environments/production';
import { staging } from '../../environments/staging';
import * as render from '../../constructs/render';
import { synth } from '../../main';
import { JOURNAL, SynthBusyError, recover } from '../../scripts/synth/transaction';
import { PROJECT_ROOT } from '../support/paths';
import { snapshotTree } from '../support/tree';

/**
 * dist/ is all-or-nothing (issue #14, point 2): after a failure or a kill at any step, the folder holds the complete
 * old render, or a journal that the next synth (or `recover`) turns into the complete new one; leftovers go.
 */

const OLD: EnvironmentInput[] = [dev, staging, production];
/** Two environments changed, one retired: every kind of step (swap, remove, document) happens. */
const NEW: EnvironmentInput[] = [
  { ...dev, grafana: { anonymousRole: 'Viewer' } },
  { ...staging, workload: { ...staging.workload, queriesPerSecond: 7 } },
];

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const visible = (tree: Record<string, string>) => Object.fromEntries(Object.entries(tree).filter(([rel]) => !rel.split(path.sep).some((p) => p.startsWith('.'))));

interface Fixture {
  readonly root: string;
  readonly outdir: string;
  readonly doc: string;
}


/** `root/dist` and `root/docs/network-flows.md`, as a project has them. */
function snapshot(f: Fixture): Record<string, string> {
  return snapshotTree(f.root);
}

function fixture(): Fixture {
  const root = tmp('mop-txn-');
  fs.cpSync(template, root, { recursive: true });
  return { root, outdir: path.join(root, 'dist'), doc: path.join(root, 'docs', 'network-flows.md') };
}

function synthNew(f: Fixture, step?: (s: string) => void) {
  return synth({ outdir: f.outdir, environments: NEW, docsDir: path.dirname(f.doc), allowDestructive: true, step });
}

// Built while jest collects the tests, because the list of steps (one test each) comes from a real synth.
const template = tmp('mop-txn-template-');
synth({ outdir: path.join(template, 'dist'), environments: OLD, docsDir: path.join(template, 'docs') });
const oldState = snapshotTree(template);
const newState = (() => {
  const n = fixture();
  synthNew(n);
  const state = snapshot(n);
  fs.rmSync(n.root, { recursive: true, force: true });
  return state;
})();
afterAll(() => fs.rmSync(template, { recursive: true, force: true }));

test('the old and the new render differ in files, environments and the network-flows document', () => {
  expect(Object.keys(newState)).toContain(path.join('docs', 'network-flows.md'));
  expect(newState[path.join('docs', 'network-flows.md')]).not.toBe(oldState[path.join('docs', 'network-flows.md')]);
  expect(Object.keys(oldState).some((rel) => rel.startsWith(path.join('dist', 'production')))).toBe(true);
  expect(Object.keys(newState).some((rel) => rel.startsWith(path.join('dist', 'production')))).toBe(false);
});

/** The steps of one commit from OLD to NEW, as the hook sees them. */
function stepsOfOneSynth(): string[] {
  const f = fixture();
  const steps: string[] = [];
  synthNew(f, (s) => steps.push(s));
  fs.rmSync(f.root, { recursive: true, force: true });
  return steps;
}

/**
 * The invariant after an interruption: without a journal, the folder is the complete old or the complete new render;
 * with one, `recover` makes it the complete new render. Either way no leftover remains after `recover`.
 */
function expectOldOrRecoverableNew(f: Fixture): 'old' | 'new' {
  const journal = fs.existsSync(path.join(f.outdir, JOURNAL));
  let outcome: 'old' | 'new' = 'new';
  if (!journal) {
    const now = visible(snapshot(f));
    outcome = JSON.stringify(now) === JSON.stringify(oldState) ? 'old' : 'new';
    expect(now).toEqual(outcome === 'old' ? oldState : newState);
  }
  recover(f.outdir);
  const after = snapshot(f);
  const leftovers = Object.keys(after).filter((rel) => rel.split(path.sep).some((p) => p.startsWith('.')) && !rel.endsWith('.synth.lock'));
  expect(leftovers).toEqual([]);
  expect(visible(after)).toEqual(outcome === 'old' ? oldState : newState);
  return outcome;
}

describe('a failure at any step leaves dist/ old, or committed and recoverable to new', () => {
  const steps = stepsOfOneSynth();

  test('the commit has the steps the journal design names', () => {
    for (const s of ['write dev', 'write staging', 'write documents', 'write-journal', 'move-aside dev', 'move-in dev', 'move-aside staging', 'move-in staging', 'remove production', 'end-journal', 'remove-staging']) {
      expect(steps).toContain(s);
    }
    expect(steps).toContain('move-file network-flows.md');
    expect(steps).toContain('move-file prerequisites.md');
  });

  test.each(steps)('a failure at "%s"', (failAt) => {
    const f = fixture();
    try {
      expect(() =>
        synthNew(f, (s) => {
          if (s === failAt) throw new Error(`injected failure at ${s}`);
        }),
      ).toThrow(`injected failure at ${failAt}`);
      const outcome = expectOldOrRecoverableNew(f);
      expect(outcome).toBe(steps.indexOf(failAt) > steps.indexOf('write-journal') ? 'new' : 'old');
      expect(fs.existsSync(path.join(f.outdir, '.synth.lock'))).toBe(false); // a failed synth releases its lock
      // And the next synth ends with the new render whatever happened.
      synthNew(f);
      expect(snapshot(f)).toEqual(newState);
    } finally {
      fs.rmSync(f.root, { recursive: true, force: true });
    }
  });

  test('a render failure after an earlier environment went to the file writer leaves no trace', () => {
    const f = fixture();
    const real = render.renderEnvironment;
    const spy = jest.spyOn(render, 'renderEnvironment').mockImplementation((env, components) => {
      if (env.name === 'staging') throw new Error('render failed on purpose');
      return real(env, components);
    });
    try {
      expect(() => synthNew(f)).toThrow('render failed on purpose');
      expect(snapshot(f)).toEqual(oldState);
    } finally {
      spy.mockRestore();
      fs.rmSync(f.root, { recursive: true, force: true });
    }
  });
});

describe('a synth killed at any step (SIGKILL: no clean-up runs)', () => {
  const bundle = path.join(PROJECT_ROOT, '.build', 'main.js');
  let envFile: string;
  const script = `
    const fs = require('fs');
    const { synth } = require(${JSON.stringify(bundle)});
    const [outdir, envFile, doc, killAt] = process.argv.slice(1);
    synth({ outdir, environments: JSON.parse(fs.readFileSync(envFile, 'utf8')), docsDir: require('path').dirname(doc), allowDestructive: true,
      step: (s) => { if (s === killAt) process.kill(process.pid, 'SIGKILL'); } });`;
  beforeAll(() => {
    execFileSync('node', ['scripts/build.cjs'], { cwd: PROJECT_ROOT });
    envFile = path.join(tmp('mop-txn-envs-'), 'new-environments.json');
    fs.writeFileSync(envFile, JSON.stringify(NEW));
  });

  const steps = stepsOfOneSynth();
  test.each(steps)('killed at "%s"', (killAt) => {
    const f = fixture();
    try {
      const run = spawnSync('node', ['-e', script, f.outdir, envFile, f.doc, killAt], { encoding: 'utf8' });
      expect(run.signal).toBe('SIGKILL');
      expect(fs.existsSync(path.join(f.outdir, '.synth.lock'))).toBe(true);
      const outcome = expectOldOrRecoverableNew(f);
      expect(outcome).toBe(steps.indexOf(killAt) > steps.indexOf('write-journal') ? 'new' : 'old');
      // The dead synth's lock does not stop the next one, which ends with the new render (and, when the killed one
      // had committed, finds nothing left to change).
      const report = synthNew(f);
      expect(snapshot(f)).toEqual(newState);
      const untouched = report.results.every((r) => r.diff.added.length + r.diff.removed.length + r.diff.changed.length === 0);
      expect(untouched).toBe(outcome === 'new');
    } finally {
      fs.rmSync(f.root, { recursive: true, force: true });
    }
  });

  test('killed at random moments, the folder is always old or recoverable to new', () => {
    const t0 = Date.now();
    const probe = fixture();
    spawnSync('node', ['-e', script, probe.outdir, envFile, probe.doc, 'never'], { encoding: 'utf8' });
    const duration = Date.now() - t0;
    fs.rmSync(probe.root, { recursive: true, force: true });
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const f = fixture();
      try {
        const delay = Math.floor(((i + Math.random()) / 8) * duration);
        execFileSync('bash', ['-c', `node -e "$0" "$@" & pid=$!; sleep ${(delay / 1000).toFixed(3)}; kill -9 $pid 2>/dev/null; wait $pid; true`, script, f.outdir, envFile, f.doc, 'never']);
        seen.add(expectOldOrRecoverableNew(f));
      } finally {
        fs.rmSync(f.root, { recursive: true, force: true });
      }
    }
    expect(seen.size).toBeGreaterThanOrEqual(1);
  });
});

describe('concurrent synths', () => {
  test('a second synth fails at once, naming the one that holds the lock', async () => {
    const f = fixture();
    const bundle = path.join(PROJECT_ROOT, '.build', 'main.js');
    const scratch = tmp('mop-txn-scratch-');
    const envFile = path.join(scratch, 'new.json');
    fs.writeFileSync(envFile, JSON.stringify(NEW));
    // The first synth stops just before its commit point until the test lets it go on.
    const gate = path.join(scratch, 'gate');
    const first: ChildProcess = spawn('node', ['-e', `
      const fs = require('fs');
      const { synth } = require(${JSON.stringify(bundle)});
      synth({ outdir: ${JSON.stringify(f.outdir)}, environments: JSON.parse(fs.readFileSync(${JSON.stringify(envFile)}, 'utf8')), docsDir: ${JSON.stringify(path.dirname(f.doc))}, allowDestructive: true,
        step: (s) => { if (s === 'write-journal') { process.stdout.write('holding\\n'); while (!fs.existsSync(${JSON.stringify(gate)})) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); } } });`]);
    try {
      await new Promise<void>((resolve, reject) => {
        first.stdout!.on('data', (d: Buffer) => d.toString().includes('holding') && resolve());
        first.on('exit', (code) => reject(new Error(`first synth exited early with ${code}`)));
      });
      const t0 = Date.now();
      expect(() => synthNew(f)).toThrow(SynthBusyError);
      expect(() => synthNew(f)).toThrow(new RegExp(`another synth is writing .* \\(PID ${first.pid} on ${os.hostname()}`));
      expect(Date.now() - t0).toBeLessThan(60_000); // at once, not after waiting for the first
      expect(visible(snapshot(f))).toEqual(oldState);
      fs.writeFileSync(gate, '');
      const code = await new Promise((resolve) => first.on('exit', resolve));
      expect(code).toBe(0);
      expect(snapshot(f)).toEqual(newState);
    } finally {
      first.kill('SIGKILL');
      fs.rmSync(f.root, { recursive: true, force: true });
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  test('a lock left by a process that is gone is taken over', () => {
    const f = fixture();
    try {
      const gone = spawnSync('true').pid;
      fs.writeFileSync(path.join(f.outdir, '.synth.lock'), JSON.stringify({ pid: gone, host: os.hostname(), started: new Date(0).toISOString() }));
      synthNew(f);
      expect(snapshot(f)).toEqual(newState);
    } finally {
      fs.rmSync(f.root, { recursive: true, force: true });
    }
  });

  test('a lock held by a live process on this host is respected', () => {
    const f = fixture();
    try {
      fs.writeFileSync(path.join(f.outdir, '.synth.lock'), JSON.stringify({ pid: process.ppid, host: os.hostname(), started: new Date().toISOString() }));
      expect(() => synthNew(f)).toThrow(`(PID ${process.ppid} on ${os.hostname()}`);
      expect(visible(snapshot(f))).toEqual(oldState);
    } finally {
      fs.rmSync(f.root, { recursive: true, force: true });
    }
  });
});
