// `npm run estimate -- <environment> [flags]`: see scripts/estimate-sampling.ts.
import { createRequire } from 'module';
import { ensureBundle } from './build.mjs';

const bundle = await ensureBundle('scripts/estimate-sampling.ts');
const { run } = createRequire(import.meta.url)(bundle);
try {
  process.stdout.write(run(process.argv.slice(2)));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
