// Bundles main.ts (or another entry) and everything it imports into .build/<name>.js with esbuild: no type checking
// at synth time (that is `npm run typecheck`, part of `npm test`), so rendering never waits on the TypeScript
// compiler. CommonJS and synchronous, so that `npm run synth` starts without Node's ES module loader. Whitespace and
// syntax are minified (a third less to read and compile at every start); names are kept, so stack traces stay readable,
// and the linked source map leads back to the TypeScript.
//
// The bundle is rebuilt only when it is older than one of its inputs. The inputs are the project files esbuild's
// metafile lists (kept in `.build/<name>.inputs`, one per line), this script, package-lock.json, and npm's own record
// of node_modules (node_modules/.package-lock.json, rewritten by every `npm ci` or `npm install`), which stands for
// the packages' files; without that record, every package file the bundle holds is checked instead.
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const NPM_RECORD = 'node_modules/.package-lock.json';

function mtime(file) {
  try {
    return fs.statSync(path.join(root, file)).mtimeMs;
  } catch {
    return Infinity;
  }
}

function upToDate(outfile, inputsFile) {
  const built = mtime(outfile);
  if (built === Infinity || mtime(inputsFile) === Infinity) return false;
  const inputs = fs.readFileSync(path.join(root, inputsFile), 'utf8').split('\n');
  return inputs.every((file) => mtime(file) <= built);
}

/** Bundles `entry` (relative to the project root) into `.build/<name>.js` unless it is current; returns its path. */
function ensureBundle(entry = 'main.ts') {
  const name = path.basename(entry, '.ts');
  const outfile = path.join('.build', `${name}.js`);
  const inputsFile = path.join('.build', `${name}.inputs`);
  if (upToDate(outfile, inputsFile)) return path.join(root, outfile);
  const { buildSync } = require('esbuild');
  const result = buildSync({
    entryPoints: [path.join(root, entry)],
    outfile: path.join(root, outfile),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: root,
  });
  const bundled = Object.keys(result.metafile.inputs);
  const hasNpmRecord = mtime(NPM_RECORD) !== Infinity;
  const inputs = [
    ...bundled.filter((file) => !hasNpmRecord || !file.startsWith('node_modules/')),
    path.relative(root, __filename),
    'package-lock.json',
    ...(hasNpmRecord ? [NPM_RECORD] : []),
  ];
  fs.writeFileSync(path.join(root, inputsFile), inputs.join('\n'));
  return path.join(root, outfile);
}

module.exports = { ensureBundle };

if (require.main === module) ensureBundle(process.argv[2]);
