import * as fs from 'fs';
import * as path from 'path';
import { compareStrings } from '../../constructs/base/order';

/** A rendered folder in memory: path relative to the folder (with `/`) → text. */
export type Tree = ReadonlyMap<string, string>;

/** Every file below `dir` (hidden entries skipped), or undefined when `dir` does not exist. */
export function readTree(dir: string): Map<string, string> | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const out = new Map<string, string>();
  const walk = (abs: string, rel: string) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(abs, e.name), childRel);
      else out.set(childRel, fs.readFileSync(path.join(abs, e.name), 'utf8'));
    }
  };
  walk(dir, '');
  return out;
}

export interface TreeDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

export function diffTrees(before: Tree | undefined, after: Tree): TreeDiff {
  const old = before ?? new Map<string, string>();
  const added: string[] = [];
  const changed: string[] = [];
  for (const [rel, text] of after) {
    const was = old.get(rel);
    if (was === undefined) added.push(rel);
    else if (was !== text) changed.push(rel);
  }
  const removed = [...old.keys()].filter((rel) => !after.has(rel));
  const sort = (list: string[]) => list.sort(compareStrings);
  return { added: sort(added), removed: sort(removed), changed: sort(changed) };
}

export function isEmptyDiff(d: TreeDiff): boolean {
  return d.added.length + d.removed.length + d.changed.length === 0;
}

/** `2 added, 1 removed, 3 changed` (zero counts left out), or `unchanged`. */
export function describeDiff(d: TreeDiff): string {
  const parts = [
    d.added.length ? `${d.added.length} added` : '',
    d.removed.length ? `${d.removed.length} removed` : '',
    d.changed.length ? `${d.changed.length} changed` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'unchanged';
}

/** The files of a diff, one per line with `+`, `-` or `~`, at most `limit` of them. */
export function listDiff(d: TreeDiff, limit = Infinity, indent = '    '): string[] {
  const lines = [...d.added.map((f) => `+ ${f}`), ...d.removed.map((f) => `- ${f}`), ...d.changed.map((f) => `~ ${f}`)];
  const shown = lines.slice(0, limit).map((l) => `${indent}${l}`);
  if (lines.length > limit) shown.push(`${indent}… and ${lines.length - limit} more`);
  return shown;
}

/** A file's text, or undefined when it cannot be read. */
export function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Writes a file under a temporary name and renames it, so that no reader sees half of it. */
export function writeAtomically(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}
