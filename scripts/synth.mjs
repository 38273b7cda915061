// `npm run synth`: make sure the bundle is current, then render in this same process (one Node start, no compiler).
import { createRequire } from 'module';
import { ensureBundle } from './build.mjs';

const bundle = await ensureBundle();
const { main } = createRequire(import.meta.url)(bundle);
process.exitCode = main(process.argv.slice(2));
