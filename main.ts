/**
 * `npm run synth`: validates every environment, renders those asked for and replaces `dist/` as one transaction
 * (scripts/synth/transaction.ts): a failure, a refused destructive change or a kill at any point leaves `dist/`
 * either as it was or, once the commit point is passed, finished by the next synth. `--check` renders in memory and
 * only compares. `npm run synth -- --help` lists the options.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ENVIRONMENTS, Environment, EnvironmentConfigError, EnvironmentInput, loadEnvironment, validateEnvironments } from './environments';
import { deliveryWarnings } from './constructs/argocd';
import { BackgroundFileWriter } from './constructs/base/file-writer';
import { DocumentInputs, generatedDocuments } from './constructs/documents';
import { alertingSummary } from './constructs/mimir/alertmanager';
import { SynthCommand, USAGE, UsageError, parseCommandLine } from './scripts/synth/cli';
import { DestructiveChange, DestructiveChangeError, destructiveChanges } from './scripts/synth/guard';
import { RenderCache, treeDigest } from './scripts/synth/render-cache';
import { JOURNAL, StepHook, SynthBusyError, acquireLock, commit, newStagingFolder, pendingWork, recover } from './scripts/synth/transaction';
import { TreeDiff, describeDiff, diffTrees, isEmptyDiff, listDiff, readText, readTree } from './scripts/synth/tree';

const PROJECT_ROOT = __dirname.endsWith(`${path.sep}.build`) ? path.dirname(__dirname) : __dirname;
const DEFAULT_OUTDIR = path.join(PROJECT_ROOT, 'dist');
const DEFAULT_DOCS = path.join(PROJECT_ROOT, 'docs');

export interface SynthOptions {
  readonly outdir: string;
  /** Environment names to render; all when empty. Every environment is validated either way. */
  readonly only?: readonly string[];
  /** The environment definitions; `environments/index.ts` by default. */
  readonly environments?: readonly EnvironmentInput[];
  /** Where the generated documents (constructs/documents.ts) go when every environment is rendered; none when undefined. */
  readonly docsDir?: string;
  /** Accept changes that lose data or availability (scripts/synth/guard.ts). */
  readonly allowDestructive?: boolean;
  /** Test hook, called before every step of the commit. */
  readonly step?: StepHook;
  /** Where renders are kept; by default `.build/renders`, used only when run from the bundle. */
  readonly cache?: RenderCache;
}

/** What synth did for one environment. */
export interface SynthResult {
  readonly env: Environment;
  /** One line: objects per component and the CPU/memory requests. */
  readonly summary: string;
  /** The files added, removed and changed against the `dist/` it replaced. */
  readonly diff: TreeDiff;
  /** Lines a user should read: where alerts go, what still needs the operator. */
  readonly notes: readonly string[];
  /** Taken from the render cache (scripts/synth/render-cache.ts) instead of rendered. */
  readonly cached: boolean;
}

const NO_CHANGE: TreeDiff = { added: [], removed: [], changed: [] };

export interface SynthReport {
  readonly results: readonly SynthResult[];
  /** Environment folders removed because no environment defines them any more. */
  readonly removed: readonly string[];
  /** Leftovers of interrupted synths that this one finished or removed. */
  readonly recovered: readonly string[];
  /** Destructive changes accepted with `allowDestructive`. */
  readonly accepted: readonly DestructiveChange[];
  /** Generated documents rewritten (their paths). */
  readonly docsChanged: readonly string[];
  /** What still stands between the render and a cluster that syncs it (an example repoURL, say). */
  readonly warnings: readonly string[];
}

/** Validates every environment, then the rules across them (unique buckets, topics, projects, namespaces). */
export function loadEnvironments(all: readonly EnvironmentInput[] = ENVIRONMENTS): Environment[] {
  const envs = all.map((input) => loadEnvironment(input));
  validateEnvironments(envs);
  return envs;
}

/** The environments named (all when none is), after validating all of them. */
export function selectEnvironments(only: readonly string[] = [], all: readonly EnvironmentInput[] = ENVIRONMENTS): Environment[] {
  return pick(loadEnvironments(all), only);
}

function pick(envs: readonly Environment[], only: readonly string[] = []): Environment[] {
  const known = envs.map((e) => e.name);
  const unknown = only.filter((name) => !known.includes(name));
  if (unknown.length) throw new UsageError(`no environment named ${unknown.map((n) => `"${n}"`).join(', ')}; known: ${known.join(', ')}`);
  return only.length ? envs.filter((e) => only.includes(e.name)) : [...envs];
}


/** Environment folders in `outdir` that no environment renders any more. */
function retiredFolders(outdir: string, all: readonly Environment[]): string[] {
  if (!fs.existsSync(outdir)) return [];
  return fs
    .readdirSync(outdir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !all.some((env) => env.name === e.name))
    .map((e) => e.name)
    .sort();
}

/**
 * Renders and replaces the environments' folders in `outdir`, as one transaction. Throws without changing `outdir`
 * on an invalid environment, a refused destructive change or a render failure. Environments whose render equals
 * what is on disk are left as they are. Files are written on a background thread while the next environment renders.
 */
export function synth(options: SynthOptions): SynthReport {
  const all = loadEnvironments(options.environments);
  const envs = pick(all, options.only);
  const everything = !options.only?.length;
  const outdir = path.resolve(options.outdir);
  const step = options.step ?? (() => {});

  const release = acquireLock(outdir);
  let staging: string | undefined;
  const writer = new BackgroundFileWriter();
  try {
    const recovered = recover(outdir);
    const stage = () => (staging ??= newStagingFolder(outdir));
    const results: SynthResult[] = [];
    const documents: DocumentInputs[] = [];
    const destructive: DestructiveChange[] = [];
    const replace: string[] = [];
    const cache = options.cache ?? RenderCache.forBundle(PROJECT_ROOT);
    for (const env of envs) {
      const r = cache.render(env);
      const before = readTree(path.join(outdir, env.name));
      // The same digest: nothing to compare, check or write (the rendered files need not even be loaded).
      const unchanged = before !== undefined && treeDigest(before) === r.digest;
      const diff = unchanged ? NO_CHANGE : diffTrees(before, r.files());
      if (!unchanged) {
        const files = r.files();
        destructive.push(...destructiveChanges(env.name, before, files));
        const dir = path.join(stage(), env.name);
        step(`write ${env.name}`);
        writer.write([...files].map(([rel, content]) => [path.join(dir, rel), content] as const));
        replace.push(env.name);
      }
      results.push({ env, summary: r.summary, diff, notes: [alertingSummary(env)], cached: r.cached });
      documents.push(r.documents);
    }
    const removed = everything ? retiredFolders(outdir, all) : [];
    for (const name of removed) destructive.push(...destructiveChanges(name, readTree(path.join(outdir, name)), undefined));

    const files: { from: string; to: string }[] = [];
    if (everything && options.docsDir) {
      const changed = [...generatedDocuments(documents)].filter(([name, text]) => readText(path.join(options.docsDir!, name)) !== text);
      if (changed.length) step('write documents');
      for (const [name, text] of changed) {
        const from = path.join(stage(), '.files', name);
        writer.write([[from, text]]);
        files.push({ from: path.relative(outdir, from), to: path.resolve(options.docsDir, name) });
      }
    }
    writer.finish();
    if (destructive.length && !options.allowDestructive) throw new DestructiveChangeError(destructive);
    if (replace.length || removed.length || files.length) {
      commit(outdir, { staging: path.relative(outdir, staging!), replace, remove: removed, files }, step);
      staging = undefined;
    }
    return { results, removed, recovered, accepted: destructive, docsChanged: files.map((f) => f.to), warnings: envs.flatMap(deliveryWarnings) };
  } finally {
    writer.drain();
    // After the commit point the staging folder belongs to the journal, which the next synth finishes.
    if (staging && !fs.existsSync(path.join(outdir, JOURNAL))) fs.rmSync(staging, { recursive: true, force: true });
    release();
  }
}

export interface CheckReport {
  readonly differences: readonly { readonly name: string; readonly diff: TreeDiff }[];
  readonly retired: readonly string[];
  /** Generated documents that differ from what the code renders (their paths). */
  readonly docsDiffering: readonly string[];
  readonly pending: readonly string[];
}

/** Renders in memory and compares with `outdir`; writes nothing. */
export function check(options: Pick<SynthOptions, 'outdir' | 'only' | 'environments' | 'docsDir' | 'cache'>): CheckReport {
  const all = loadEnvironments(options.environments);
  const envs = pick(all, options.only);
  const everything = !options.only?.length;
  const outdir = path.resolve(options.outdir);
  const cache = options.cache ?? RenderCache.forBundle(PROJECT_ROOT);
  const documents: DocumentInputs[] = [];
  const differences = envs.map((env) => {
    const r = cache.render(env);
    documents.push(r.documents);
    const onDisk = readTree(path.join(outdir, env.name));
    const same = onDisk !== undefined && treeDigest(onDisk) === r.digest;
    return { name: env.name, diff: same ? NO_CHANGE : diffTrees(onDisk, r.files()) };
  });
  const docsDir = options.docsDir;
  const docsDiffering =
    everything && docsDir ? [...generatedDocuments(documents)].filter(([name, text]) => readText(path.join(docsDir, name)) !== text).map(([name]) => path.join(docsDir, name)) : [];
  return { differences, retired: everything ? retiredFolders(outdir, all) : [], docsDiffering, pending: pendingWork(outdir) };
}

function checkDiffers(r: CheckReport): boolean {
  return r.differences.some((d) => !isEmptyDiff(d.diff)) || r.retired.length > 0 || r.docsDiffering.length > 0 || r.pending.length > 0;
}

interface Output {
  out(text: string): void;
  err(text: string): void;
}

const STD: Output = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** Where the user typed the command: npm runs scripts in the project folder and says where it was called in INIT_CWD. */
const userCwd = () => process.env.INIT_CWD ?? process.cwd();

function paths(cmd: SynthCommand): { outdir: string; docsDir: string } {
  // `cdk8s synth` tells its app where to write in CDK8S_OUTDIR (cdk8s-cli's contract); it is used like --outdir.
  const given = cmd.outdir ?? process.env.CDK8S_OUTDIR;
  if (given === undefined) return { outdir: DEFAULT_OUTDIR, docsDir: DEFAULT_DOCS };
  const outdir = path.resolve(userCwd(), given);
  return { outdir, docsDir: outdir };
}

function run(cmd: SynthCommand, environments: readonly EnvironmentInput[], io: Output): number {
  const { outdir, docsDir } = paths(cmd);
  const shown = path.relative(userCwd(), outdir) || '.';
  if (cmd.action === 'list') {
    for (const env of loadEnvironments(environments)) io.out(`${env.name}\t${env.tier}\t${env.components.join(',')}\n`);
    return 0;
  }
  if (cmd.action === 'check') {
    const r = check({ outdir, only: cmd.only, environments, docsDir });
    for (const p of r.pending) io.out(`${shown}/${p}\n`);
    for (const { name, diff } of r.differences) {
      io.out(`${name}: ${describeDiff(diff)}\n`);
      for (const line of listDiff(diff, 40)) io.out(`${line}\n`);
    }
    for (const name of r.retired) io.out(`${name}: in ${shown}/ but no environment renders it (synth would remove it)\n`);
    for (const doc of r.docsDiffering) io.out(`${path.relative(userCwd(), doc)}: differs from what the code renders\n`);
    const differs = checkDiffers(r);
    io.out(differs ? `${shown}/ is not what the code renders: run npm run synth and commit the result\n` : `${shown}/ is what the code renders\n`);
    return differs ? 1 : 0;
  }
  const report = synth({ outdir, only: cmd.only, environments, docsDir, allowDestructive: cmd.allowDestructive });
  if (cmd.quiet) return 0;
  for (const warning of report.warnings) io.err(`warning: ${warning}\n`);
  for (const line of report.recovered) io.out(`recovered: ${line}\n`);
  for (const { summary, diff, notes } of report.results) {
    io.out(`${summary}; ${describeDiff(diff)}\n`);
    for (const line of listDiff(diff, 8)) io.out(`${line}\n`);
    for (const note of notes) io.out(`  ${note}\n`);
  }
  for (const name of report.removed) io.out(`${name}: removed (no environment renders it any more)\n`);
  for (const c of report.accepted) io.out(`accepted (--allow-destructive): environment "${c.environment}": ${c.what}\n`);
  for (const doc of report.docsChanged) io.out(`${path.relative(userCwd(), doc)}: updated\n`);
  return 0;
}

/** The command line: returns the exit code (0 done, 1 failed or differences found, 2 usage). */
export function main(argv: readonly string[], environments: readonly EnvironmentInput[] = ENVIRONMENTS, io: Output = STD): number {
  let cmd: SynthCommand;
  try {
    cmd = parseCommandLine(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`synth: ${err.message}\nRun npm run synth -- --help for the usage.\n`);
    return 2;
  }
  if (cmd.action === 'help') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  try {
    return run(cmd, environments, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`synth: ${err.message}\n`);
      return 2;
    }
    if (err instanceof EnvironmentConfigError || err instanceof DestructiveChangeError || err instanceof SynthBusyError) {
      io.err(`synth failed: ${err.message}\n`);
      return 1;
    }
    io.err(`synth failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
