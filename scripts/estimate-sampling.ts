/**
 * `npm run estimate -- <environment> [--spans-per-second N] [--error-ratio R] [--slow-ratio R] [--bytes-per-span B]`
 * Prints the spans/s the environment's tail sampling keeps and the storage per month, against keeping everything.
 * Without flags the environment's own workload profile is used.
 */
import { ENVIRONMENTS, EnvironmentConfigError, loadEnvironment } from '../environments';
import { SamplingProfile, estimateSampling, formatEstimate } from '../constructs/alloy/sampling-cost';

const FLAGS: Record<string, keyof SamplingProfile> = {
  '--spans-per-second': 'spansPerSecond',
  '--error-ratio': 'traceErrorRatio',
  '--slow-ratio': 'traceSlowRatio',
  '--bytes-per-span': 'bytesPerSpan',
};

export function run(argv: string[]): string {
  const [name, ...rest] = argv;
  const input = ENVIRONMENTS.find((e) => e.name === name);
  if (!input) throw new EnvironmentConfigError(name ?? '', 'name', `no such environment; known: ${ENVIRONMENTS.map((e) => e.name).join(', ')}`);
  const env = loadEnvironment(input);
  const profile: { -readonly [K in keyof SamplingProfile]: number } = { ...env.workload };
  for (let i = 0; i < rest.length; i += 2) {
    const key = FLAGS[rest[i]];
    const value = Number(rest[i + 1]);
    if (!key || !Number.isFinite(value) || value < 0) throw new Error(`usage: estimate <environment> [${Object.keys(FLAGS).join(' N] [')} N]; bad "${rest[i]} ${rest[i + 1]}"`);
    if ((key === 'traceErrorRatio' || key === 'traceSlowRatio') && value > 1) throw new Error(`${rest[i]} must be between 0 and 1`);
    profile[key] = value;
  }
  return formatEstimate(env, profile, estimateSampling(env, profile));
}

if (require.main === module) {
  try {
    process.stdout.write(run(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
