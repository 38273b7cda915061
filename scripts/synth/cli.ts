import { parseArgs } from 'util';

/** A command line synth cannot run: exit code 2. */
export class UsageError extends Error {}

export interface SynthCommand {
  readonly action: 'render' | 'check' | 'list' | 'help';
  /** Environments named on the command line; all when empty. */
  readonly only: readonly string[];
  /** `--outdir`, as given (relative to the working directory); undefined for the project's `dist/`. */
  readonly outdir?: string;
  readonly quiet: boolean;
  readonly allowDestructive: boolean;
}

const OPTIONS = {
  outdir: { type: 'string' },
  check: { type: 'boolean' },
  list: { type: 'boolean' },
  'allow-destructive': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

const KNOWN = '--outdir DIR, --check, --list, --allow-destructive, --quiet (-q), --help (-h)';

export const USAGE = `Usage: npm run synth -- [options] [environment ...]

Validates every environment in environments/index.ts and renders those named (all when none is named) into
dist/<env>/, replacing dist/ as one transaction; docs/network-flows.md and docs/prerequisites.md are rewritten
when all are rendered.

Options:
  --outdir DIR          render into DIR instead of dist/; the generated documents go to DIR too
                        (under cdk8s synth, the CDK8S_OUTDIR it sets is used the same way)
  --check               render in memory and compare with dist/ (or DIR); exit 1 with the files added, removed and
                        changed per environment when they differ. Writes nothing.
  --list                print the environments (name, tier, components) and exit
  --allow-destructive   accept changes that lose data or availability (a stateful replica removed, a retention
                        shortened, a bucket, tenant, Kafka topic or Loki schema period changed); without it synth
                        refuses them and names the upstream procedure to follow
  -q, --quiet           print nothing but errors
  -h, --help            print this text

Exit codes: 0 done; 1 an environment is invalid, a change was refused, --check found differences, or synth failed
(dist/ is then unchanged); 2 the command line is wrong.`;

/** Parses synth's arguments (as after `npm run synth --`). Throws `UsageError` for anything it does not know. */
export function parseCommandLine(argv: readonly string[]): SynthCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    const message = (err as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '');
    throw new UsageError(`${message}; known options: ${KNOWN}`);
  }
  const v = parsed.values;
  if (v.outdir !== undefined && v.outdir.trim() === '') throw new UsageError('--outdir needs a folder');
  const actions = [v.check && '--check', v.list && '--list', v.help && '--help'].filter(Boolean);
  if (actions.length > 1) throw new UsageError(`${actions.join(' and ')} cannot be combined`);
  if (v['allow-destructive'] && (v.check || v.list)) throw new UsageError('--allow-destructive only applies when rendering');
  for (const name of parsed.positionals) {
    if (name.startsWith('-')) throw new UsageError(`unknown option "${name}"; known options: ${KNOWN}`);
  }
  return {
    action: v.help ? 'help' : v.check ? 'check' : v.list ? 'list' : 'render',
    only: parsed.positionals,
    outdir: v.outdir,
    quiet: v.quiet ?? false,
    allowDestructive: v['allow-destructive'] ?? false,
  };
}
