import { MessageChannel, Worker, receiveMessageOnPort } from 'worker_threads';

/**
 * Writes files on a worker thread while the main thread goes on rendering, so that disk time overlaps render time
 * (synth renders on one core; the machine has at least two). The API is synchronous: `finish()` blocks until every
 * file handed over has been written, and throws the first write error.
 *
 * The worker is a few lines of plain JavaScript run with `eval`, so it needs neither the bundle nor a compiler.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
const fs = require('fs');
const path = require('path');
const { state, errors } = workerData;
const flags = new Int32Array(state);
const made = new Set();
let failed = false;
parentPort.on('message', (message) => {
  if (message === 'finish') {
    Atomics.store(flags, DONE, 1);
    Atomics.notify(flags, DONE);
    return;
  }
  if (!failed) {
    try {
      for (const [file, content] of message) {
        const dir = path.dirname(file);
        if (!made.has(dir)) {
          fs.mkdirSync(dir, { recursive: true });
          made.add(dir);
        }
        fs.writeFileSync(file, content);
      }
    } catch (err) {
      failed = true;
      errors.postMessage(err instanceof Error ? err.message : String(err));
    }
  }
  Atomics.add(flags, PROGRESS, 1);
});
`;

// Slots of the shared flags: DONE turns 1 after the last batch; PROGRESS counts batches handled.
const DONE = 0;
const PROGRESS = 1;
/** A worker that handles no batch for this long is taken for dead (it cannot report its own crash). */
const DEFAULT_STALL_MS = 60_000;

export class BackgroundFileWriter {
  private readonly flags = new Int32Array(new SharedArrayBuffer(8));
  private readonly errors = new MessageChannel();
  /** Started with the first write: a synth that finds nothing changed writes nothing and starts no thread. */
  private worker: Worker | undefined;
  private finished = false;
  private error: string | undefined;

  constructor(private readonly stallMs = DEFAULT_STALL_MS) {}

  private started(): Worker {
    if (!this.worker) {
      this.worker = new Worker(`const DONE = ${DONE}, PROGRESS = ${PROGRESS};${WORKER_SOURCE}`, {
        eval: true,
        workerData: { state: this.flags.buffer, errors: this.errors.port2 },
        transferList: [this.errors.port2],
      });
      // The main thread never yields to the event loop while rendering; the worker must not keep the process alive.
      this.worker.unref();
    }
    return this.worker;
  }

  /** Queues files (absolute path → content); their folders are created as needed. */
  write(files: Iterable<readonly [string, string]>): void {
    if (this.finished) throw new Error('BackgroundFileWriter: write after finish');
    this.started().postMessage([...files]);
  }

  /** Blocks until every queued file is written; throws the first error. */
  finish(): void {
    this.drain();
    if (this.error !== undefined) throw new Error(`writing the rendered files failed: ${this.error}`);
  }

  /** Blocks until every queued file is written (or failed) and stops the worker. Idempotent. */
  drain(): void {
    if (this.finished) return;
    this.finished = true;
    if (!this.worker) {
      this.errors.port1.close();
      return;
    }
    this.worker.postMessage('finish');
    let progress = Atomics.load(this.flags, PROGRESS);
    let stalledSince = Date.now();
    while (Atomics.wait(this.flags, DONE, 0, Math.min(1000, this.stallMs)) === 'timed-out') {
      const now = Atomics.load(this.flags, PROGRESS);
      if (now !== progress) {
        progress = now;
        stalledSince = Date.now();
      } else if (Date.now() - stalledSince > this.stallMs) {
        this.error ??= `the file writer thread made no progress for ${this.stallMs / 1000} s`;
        break;
      }
    }
    void this.worker.terminate();
    const message = receiveMessageOnPort(this.errors.port1);
    if (message) this.error = String(message.message);
    this.errors.port1.close();
  }
}
