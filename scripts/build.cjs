// Bundles main.ts (or another entry) and everything it imports into .build/<name>.js with esbuild: no type checking
// at synth time (that is `npm run typecheck`, part of `npm test`), so rendering never waits on the TypeScript
// compiler. CommonJS and synchronous, so that `npm run synth` starts without Node's ES module loader. Whitespace and
// syntax are minified (a third less to read and compile at every start); names are kept, so stack traces stay readable,
// and the linked source map leads back to the TypeScript.
//
// The bundle is reused only when the content of every input is what it was when the bundle was built: a sha256 over
// the bytes of every file esbuild bundled (project sources and the package files they pull in), the build
// settings (tsconfig.json, package.json, package-lock.json, npm's node_modules record, this script, esbuild's version)
// and the list of source files in the project's folders (a new file can change what an import resolves to). Sizes
// and modification times play no part. `.build/<name>.json` records the inputs, that key and the bundle's own sha256;
// files are written to a temporary name and renamed, so two synths at once never read half a bundle.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const SETTINGS = ['tsconfig.json', 'package.json', 'package-lock.json', 'node_modules/.package-lock.json', path.relative(root, __filename)];
/** Folders whose file list is part of the key: where the bundle's imports resolve. */
const SOURCE_DIRS = ['constructs', 'environments', 'imports', 'scripts'];

function sha256(data) {
  return crypto.createHash('sha256').update(data).digest('hex');
}

function readOrNull(rel) {
  try {
    return fs.readFileSync(path.join(root, rel));
  } catch {
    return null;
  }
}

function sourceListing() {
  const out = [];
  const walk = (rel) => {
    let entries;
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (/\.(ts|js|cjs|mjs|json)$/.test(e.name)) out.push(child);
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  return out.sort().join('\n');
}

/**
 * The content key: one sha1 over the settings, the source listing and every bundled file as (path, length, bytes),
 * in path order. (A cache key, not a signature: sha1 is collision-free enough for that and twice as fast here as
 * sha256 over the ~500 files.) `contents(rel)` gives a file's bytes, or null when it is missing.
 */
function contentKeyOf(state, esbuildVersion, files, contents) {
  const hash = crypto.createHash('sha1');
  const add = (rel, data) => {
    hash.update(`${rel}\0${data === null || data === undefined ? -1 : data.length}\0`);
    if (data) hash.update(data);
  };
  hash.update(`esbuild ${esbuildVersion}\0${state.listing}\0`);
  SETTINGS.forEach((rel, i) => add(rel, state.settings[i]));
  for (const rel of files) add(rel, contents(rel));
  return hash.digest('hex');
}

/** The key of a recorded build from the present content of its settings and of the files it bundled. */
function contentKey(files, esbuildVersion) {
  return contentKeyOf({ listing: sourceListing(), settings: SETTINGS.map(readOrNull) }, esbuildVersion, files, readOrNull);
}

function writeAtomically(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function readManifest(file) {
  try {
    const m = JSON.parse(fs.readFileSync(file, 'utf8'));
    return Array.isArray(m.files) && typeof m.key === 'string' && typeof m.esbuild === 'string' && typeof m.bundleSha256 === 'string' ? m : null;
  } catch {
    return null;
  }
}

const LOADERS = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.js': 'js', '.cjs': 'js', '.mjs': 'js', '.json': 'json' };

/**
 * Bundles `entry` (relative to the project root) into `.build/<name>.js` unless the bundle there was built from inputs
 * with exactly the present content. Resolves to the bundle's path, text and sha256, and whether it was rebuilt.
 *
 * Every file esbuild bundles is read by the plugin below and hashed from the very bytes esbuild compiles, so an edit
 * while the build runs makes the recorded hash differ from the file, and the next synth rebuilds. The settings and
 * the file listing are hashed before the build starts, for the same reason.
 */
async function ensureBundle(entry = 'main.ts', { force = false } = {}) {
  const name = path.basename(entry, '.ts');
  const outfile = path.join(root, '.build', `${name}.js`);
  const manifestFile = path.join(root, '.build', `${name}.json`);
  const manifest = force ? null : readManifest(manifestFile);
  if (manifest && contentKey(manifest.files, manifest.esbuild) === manifest.key) {
    const text = readOrNull(path.relative(root, outfile));
    if (text !== null && sha256(text) === manifest.bundleSha256) return { file: outfile, code: text.toString('utf8'), sha256: manifest.bundleSha256, rebuilt: false };
  }
  const esbuild = require('esbuild');
  // Settings and listing as they are before the build: an edit during it only makes the next synth rebuild.
  const before = { listing: sourceListing(), settings: SETTINGS.map(readOrNull) };
  const loaded = new Map();
  const hashLoads = {
    name: 'hash-loaded-files',
    setup(build) {
      build.onLoad({ filter: /.*/ }, async (args) => {
        const loader = LOADERS[path.extname(args.path)];
        if (!loader || args.namespace !== 'file') return undefined;
        const contents = await fs.promises.readFile(args.path);
        loaded.set(path.relative(root, args.path), contents);
        return { contents, loader, resolveDir: path.dirname(args.path) };
      });
    },
  };
  const result = await esbuild.build({
    entryPoints: [path.join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    write: false,
    logLevel: 'warning',
    absWorkingDir: root,
    plugins: [hashLoads],
  });
  const files = [...loaded.keys()].sort();
  const missing = Object.keys(result.metafile.inputs).filter((f) => !loaded.has(f));
  if (missing.length) throw new Error(`build: inputs not hashed: ${missing.join(', ')}`);
  const key = contentKeyOf(before, esbuild.version, files, (rel) => loaded.get(rel));
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  const code = result.outputFiles.find((f) => f.path === outfile);
  for (const f of result.outputFiles) if (f !== code) writeAtomically(f.path, f.contents);
  writeAtomically(outfile, code.contents);
  const bundleSha256 = sha256(code.contents);
  writeAtomically(manifestFile, JSON.stringify({ key, esbuild: esbuild.version, bundleSha256, files }, null, 1));
  return { file: outfile, code: code.text, sha256: bundleSha256, rebuilt: true };
}

module.exports = { ensureBundle, contentKey };

if (require.main === module) {
  const args = process.argv.slice(2);
  ensureBundle(args.find((a) => !a.startsWith('--')) ?? 'main.ts', { force: args.includes('--force') }).catch((err) => {
    process.stderr.write(`build failed: ${err.message}\n`);
    process.exitCode = 1;
  });
}
