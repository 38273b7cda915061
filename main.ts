/**
 * Renders every environment (or those named on the command line) into `dist/<env>/<component>/`.
 *
 * Atomic: all environments are validated and rendered into a temporary folder beside `dist/` first; only when every
 * one succeeded is each `dist/<env>` swapped for its new version. A failure exits 1 and leaves `dist/` untouched.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ENVIRONMENTS, Environment, EnvironmentConfigError, EnvironmentInput, loadEnvironment } from './environments';
import { renderEnvironment } from './constructs/render';
import { summarize } from './constructs/summary';
import { NetworkPlan, networkFlowsMarkdown } from './constructs/network/policies';
import { BackgroundFileWriter } from './constructs/base/file-writer';

export interface SynthOptions {
  readonly outdir: string;
  /** Environment names to render; all when empty. */
  readonly only?: readonly string[];
  /** The environment definitions; `environments/index.ts` by default. */
  readonly environments?: readonly EnvironmentInput[];
  /** Where to write the generated network-flows document (only when every environment is rendered). */
  readonly flowsDoc?: string;
}

export function selectEnvironments(only: readonly string[] = [], all: readonly EnvironmentInput[] = ENVIRONMENTS): Environment[] {
  const known = all.map((e) => e.name);
  for (const name of only) {
    if (!known.includes(name)) throw new EnvironmentConfigError(name, 'name', `no such environment; known: ${known.join(', ')}`);
  }
  const chosen = only.length ? all.filter((e) => only.includes(e.name)) : all;
  const names = new Set<string>();
  return chosen.map((input) => {
    const env = loadEnvironment(input);
    if (names.has(env.name)) throw new EnvironmentConfigError(env.name, 'name', 'is used by two environments; names must be unique');
    names.add(env.name);
    return env;
  });
}

/** What synth keeps of each rendered environment: the files went to disk, the objects are released. */
export interface SynthResult {
  readonly env: Environment;
  /** One line: objects per component and the CPU/memory requests (printed by the CLI). */
  readonly summary: string;
}

/**
 * Renders and swaps into place. Throws without touching `outdir` on failure.
 * Each environment's files are handed to a background writer as soon as it is rendered, so writing the staging
 * folder overlaps rendering the next environment; the rendered objects are not kept beyond that.
 */
export function synth(options: SynthOptions): SynthResult[] {
  const envs = selectEnvironments(options.only, options.environments);

  fs.mkdirSync(options.outdir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(options.outdir, '.render-'));
  const writer = new BackgroundFileWriter();
  try {
    const results: SynthResult[] = [];
    const plans: { env: Environment; plan: NetworkPlan }[] = [];
    for (const env of envs) {
      const r = renderEnvironment(env);
      writer.write([...r.files].map(([rel, content]) => [path.join(staging, env.name, rel), content] as const));
      results.push({ env, summary: summarize(r) });
      plans.push({ env, plan: r.network });
    }
    writer.finish();
    for (const { env } of results) {
      const target = path.join(options.outdir, env.name);
      const old = path.join(staging, `.old-${env.name}`);
      if (fs.existsSync(target)) fs.renameSync(target, old);
      fs.renameSync(path.join(staging, env.name), target);
    }
    if (!options.only?.length) {
      // Environments that no longer exist lose their folder too.
      for (const entry of fs.readdirSync(options.outdir, { withFileTypes: true })) {
        if (entry.isDirectory() && !entry.name.startsWith('.') && !envs.some((e) => e.name === entry.name)) {
          fs.rmSync(path.join(options.outdir, entry.name), { recursive: true, force: true });
        }
      }
    }
    if (!options.only?.length && options.flowsDoc) {
      const doc = path.join(staging, 'network-flows.md');
      fs.writeFileSync(doc, networkFlowsMarkdown(plans));
      fs.mkdirSync(path.dirname(options.flowsDoc), { recursive: true });
      fs.copyFileSync(doc, options.flowsDoc);
    }
    return results;
  } finally {
    writer.drain();
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

export function main(argv: string[], environments: readonly EnvironmentInput[] = ENVIRONMENTS): number {
  const outdir = path.resolve(process.env.MOP_OUTDIR ?? 'dist');
  const quiet = argv.includes('--quiet');
  const only = argv.filter((a) => !a.startsWith('--'));
  try {
    const rendered = synth({ outdir, only, environments, flowsDoc: path.resolve('docs', 'network-flows.md') });
    if (!quiet) for (const r of rendered) process.stdout.write(r.summary);
    return 0;
  } catch (err) {
    if (err instanceof EnvironmentConfigError) {
      process.stderr.write(`synth failed: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`synth failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
