// Bundles main.ts and everything it imports into .build/main.js with esbuild: no type checking at synth time
// (that is `npm run typecheck`, part of `npm test`), so rendering never waits on the TypeScript compiler.
// The bundle is rebuilt only when one of its inputs (listed in esbuild's metafile) or this script changed.
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
function upToDate(outfile, metafile) {
  if (!fs.existsSync(outfile) || !fs.existsSync(metafile)) return false;
  const built = fs.statSync(outfile).mtimeMs;
  const inputs = Object.keys(JSON.parse(fs.readFileSync(metafile, 'utf8')).inputs).map((p) => path.join(root, p));
  inputs.push(fileURLToPath(import.meta.url), path.join(root, 'package-lock.json'));
  return inputs.every((p) => fs.existsSync(p) && fs.statSync(p).mtimeMs <= built);
}

/** Bundles `entry` (relative to the project root) into `.build/<name>.js` unless it is current; returns its path. */
export async function ensureBundle(entry = 'main.ts') {
  const name = path.basename(entry, '.ts');
  const outfile = path.join(root, '.build', `${name}.js`);
  const metafile = path.join(root, '.build', `${name}.meta.json`);
  if (upToDate(outfile, metafile)) return outfile;
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [path.join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: root,
  });
  fs.writeFileSync(metafile, JSON.stringify(result.metafile));
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await ensureBundle(process.argv[2]);
