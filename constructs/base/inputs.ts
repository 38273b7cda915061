/**
 * Files a render reads at run time (not bundled): the eBPF objects, their configs and the selection script. Every
 * read goes through `readInput`, which records the file's sha256, so a cached render (scripts/synth/render-cache.ts)
 * is reused only while each of those files still has the same content.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';

let recorded: Map<string, string> | undefined;

/** Reads a file the render depends on, and records its content hash while `recordInputs` runs. */
export function readInput(file: string): Buffer {
  const data = fs.readFileSync(file);
  recorded?.set(file, createHash('sha256').update(data).digest('hex'));
  return data;
}

/** Runs `fn` and returns, with its result, the files it read through `readInput` (absolute path → sha256). */
export function recordInputs<T>(fn: () => T): { result: T; inputs: Map<string, string> } {
  const outer = recorded;
  recorded = new Map();
  try {
    const result = fn();
    return { result, inputs: recorded };
  } finally {
    if (outer) for (const [file, hash] of recorded) outer.set(file, hash);
    recorded = outer;
  }
}
