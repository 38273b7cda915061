// `npm run estimate -- <environment> [flags]`: see scripts/estimate-sampling.ts.
import { createRequire } from 'module';

const require = createRequire(import.meta.url);
const { ensureBundle } = require('./build.cjs');
const { run } = require(ensureBundle('scripts/estimate-sampling.ts'));
try {
  process.stdout.write(run(process.argv.slice(2)));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
