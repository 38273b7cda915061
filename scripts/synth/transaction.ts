/**
 * `dist/` as a transaction (docs/architecture/0006-transactional-synth.md).
 *
 * A synth holds `<outdir>/.synth.lock` (its PID, host and process start time) for its whole run; a second synth
 * fails at once naming the holder, and a lock whose process is gone is taken over. The new render is written into a
 * staging folder `<outdir>/.render-<pid>-<n>/`, next to the environments it replaces (same file system, so renames
 * are atomic). Writing `<outdir>/.synth-journal.json` is the commit point: before it, `dist/` is the old render and
 * the staging folder a leftover; after it, the journal says which environment folders to swap in, which to remove and
 * which documents to move, and every step can be done again. A synth that fails or is killed during the swap leaves
 * the journal, and the next synth (or `recover`) finishes it before anything else, so `dist/` ends as all of the new
 * render; a leftover staging folder without a journal is removed. `--check` reports an unfinished commit.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeAtomically } from './tree';

const LOCK = '.synth.lock';
const LOCK_BREAK = '.synth.lock.break';
export const JOURNAL = '.synth-journal.json';
export const STAGING_PREFIX = '.render-';
/** Inside the staging folder: the old environment folders, removed with it. */
const ASIDE = '.old';

/** Another synth holds the lock. */
export class SynthBusyError extends Error {}

/** Test hook: called with the name of every step of the commit before it is taken; it may throw or kill the process. */
export type StepHook = (step: string) => void;

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
  /** Linux: the process start time in clock ticks (/proc/<pid>/stat field 22), so a reused PID is not mistaken. */
  readonly processStart?: string;
}

function processStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(fs.readFileSync(file, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote `owner` still runs (a lock from another host counts as held). */
function alive(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = processStart(owner.pid);
  return !(owner.processStart && start && start !== owner.processStart);
}

function createExclusive(file: string, content: string): boolean {
  try {
    fs.writeFileSync(file, content, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** A lock file just created by a live process may still be empty; give it a moment before calling it stale. */
function youngerThan(file: string, ms: number): boolean {
  try {
    return Date.now() - fs.statSync(file).mtimeMs < ms;
  } catch {
    return false;
  }
}

/**
 * Takes the synth lock of `outdir` or throws `SynthBusyError`. A lock whose owner is gone is removed, under a second
 * exclusive file so that two synths finding the same stale lock do not both take it. Returns the release function.
 */
export function acquireLock(outdir: string): () => void {
  fs.mkdirSync(outdir, { recursive: true });
  const lock = path.join(outdir, LOCK);
  const me: LockOwner = { pid: process.pid, host: os.hostname(), started: new Date().toISOString(), processStart: processStart(process.pid) };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusive(lock, JSON.stringify(me))) {
      return () => {
        if (readOwner(lock)?.pid === me.pid) fs.rmSync(lock, { force: true });
      };
    }
    const owner = readOwner(lock);
    if (owner ? alive(owner) : youngerThan(lock, 5000)) {
      const who = owner ? `PID ${owner.pid} on ${owner.host}, since ${owner.started}` : 'a process that is starting';
      throw new SynthBusyError(`another synth is writing ${outdir} (${who}); wait for it to finish, or stop it`);
    }
    const breaker = path.join(outdir, LOCK_BREAK);
    const breakerOwner = readOwner(breaker);
    if (breakerOwner && !alive(breakerOwner)) fs.rmSync(breaker, { force: true });
    if (!createExclusive(breaker, JSON.stringify(me))) continue;
    try {
      // Still the same stale lock? Then nobody else took it over in the meantime.
      const again = readOwner(lock);
      if (!again || (owner && again.pid === owner.pid && again.started === owner.started)) fs.rmSync(lock, { force: true });
    } finally {
      fs.rmSync(breaker, { force: true });
    }
  }
  throw new SynthBusyError(`could not take the synth lock ${lock}; another synth keeps taking it`);
}

/** What a commit does, recorded in the journal before the first step. Paths are relative to `outdir`. */
export interface Journal {
  readonly staging: string;
  /** Environment folders to swap for `<staging>/<env>`. */
  readonly replace: readonly string[];
  /** Environment folders to remove (environments no longer defined). */
  readonly remove: readonly string[];
  /** Files to move into place: `from` inside the staging folder, `to` absolute. */
  readonly files: readonly { readonly from: string; readonly to: string }[];
}

export function newStagingFolder(outdir: string): string {
  fs.mkdirSync(outdir, { recursive: true });
  return fs.mkdtempSync(path.join(outdir, `${STAGING_PREFIX}${process.pid}-`));
}


/** Moves a file into place atomically, also onto another file system (copy beside the target, then rename). */
function moveFile(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  try {
    fs.renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    const tmp = `${to}.${process.pid}.tmp`;
    fs.copyFileSync(from, tmp);
    fs.renameSync(tmp, to);
    fs.rmSync(from, { force: true });
  }
}

/** Every step after the commit point; each can run again after an interruption. */
function apply(outdir: string, journal: Journal, step: StepHook): void {
  const staging = path.join(outdir, journal.staging);
  const aside = path.join(staging, ASIDE);
  fs.mkdirSync(aside, { recursive: true });
  for (const env of journal.replace) {
    const next = path.join(staging, env);
    const target = path.join(outdir, env);
    if (!fs.existsSync(next)) continue; // swapped in already
    if (fs.existsSync(target)) {
      step(`move-aside ${env}`);
      fs.renameSync(target, path.join(aside, env));
    }
    step(`move-in ${env}`);
    fs.renameSync(next, target);
  }
  for (const env of journal.remove) {
    const target = path.join(outdir, env);
    if (!fs.existsSync(target)) continue;
    step(`remove ${env}`);
    fs.renameSync(target, path.join(aside, `removed-${env}`));
  }
  for (const file of journal.files) {
    const from = path.join(outdir, file.from);
    if (!fs.existsSync(from)) continue;
    step(`move-file ${path.basename(file.to)}`);
    moveFile(from, file.to);
  }
  step('end-journal');
  fs.rmSync(path.join(outdir, JOURNAL), { force: true });
  step('remove-staging');
  fs.rmSync(staging, { recursive: true, force: true });
}

/**
 * Commits a staged render: writes the journal (the commit point), then swaps. Throws if a step fails; the journal
 * stays, and `recover` (run by the next synth) finishes the commit.
 */
export function commit(outdir: string, journal: Journal, step: StepHook = () => {}): void {
  step('write-journal');
  writeAtomically(path.join(outdir, JOURNAL), JSON.stringify(journal, null, 1));
  apply(outdir, journal, step);
}

export function readJournal(outdir: string): Journal | undefined {
  const file = path.join(outdir, JOURNAL);
  if (!fs.existsSync(file)) return undefined;
  const journal = JSON.parse(fs.readFileSync(file, 'utf8')) as Journal;
  if (typeof journal.staging !== 'string' || !journal.staging.startsWith(STAGING_PREFIX) || !Array.isArray(journal.replace)) {
    throw new Error(`${file} is not a synth journal; remove it and run synth again`);
  }
  return journal;
}

/**
 * Run with the lock held, before rendering: finishes a commit a previous synth left unfinished, then removes every
 * leftover staging folder and temporary file. Returns a line for each thing it did.
 */
export function recover(outdir: string): string[] {
  if (!fs.existsSync(outdir)) return [];
  const done: string[] = [];
  const journal = readJournal(outdir);
  if (journal) {
    apply(outdir, journal, () => {});
    done.push(`finished the commit an interrupted synth left (${[...journal.replace, ...journal.remove].join(', ') || 'documents only'})`);
  }
  for (const entry of fs.readdirSync(outdir)) {
    if (entry.startsWith(STAGING_PREFIX) || /^\.synth-journal\.json\.\d+\.tmp$/.test(entry)) {
      fs.rmSync(path.join(outdir, entry), { recursive: true, force: true });
      done.push(`removed ${entry}, left by an interrupted synth`);
    }
  }
  return done;
}

/** Leftovers `--check` reports without touching them. */
export function pendingWork(outdir: string): string[] {
  if (!fs.existsSync(outdir)) return [];
  const found: string[] = [];
  if (fs.existsSync(path.join(outdir, JOURNAL))) found.push(`${JOURNAL}: an interrupted synth did not finish its commit; run npm run synth to finish it`);
  for (const entry of fs.readdirSync(outdir)) if (entry.startsWith(STAGING_PREFIX)) found.push(`${entry}: left by an interrupted synth (the next synth removes it)`);
  return found;
}
