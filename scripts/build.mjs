// Bundles main.ts and everything it imports into .build/main.js with esbuild: no type checking at synth time
// (that is `npm run typecheck`, part of `npm test`), so rendering never waits on the TypeScript compiler.
import { build } from 'esbuild';

await build({
  entryPoints: ['main.ts'],
  outfile: '.build/main.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
});
