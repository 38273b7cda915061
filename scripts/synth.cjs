// `npm run synth`: make sure the bundle is current (scripts/build.cjs, keyed by the content of its inputs), then render
// in this same process (one Node start, no compiler). The bundle is compiled with V8's code cache
// (`.build/main.js.cache`, written after the first run, which by then also holds the functions compiled lazily during
// rendering). V8's own check of a cache compares the source's length, not its content, so the cache file starts with
// the sha256 of the bundle it was made from and is used only for exactly that bundle; otherwise it is made anew.
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { Module } = require('module');
const { ensureBundle } = require('./build.cjs');

const HEADER = 64; // hex sha256 of the bundle

function cachedDataFor(cacheFile, bundleSha256) {
  try {
    const data = fs.readFileSync(cacheFile);
    return data.subarray(0, HEADER).toString('latin1') === bundleSha256 ? data.subarray(HEADER) : undefined;
  } catch {
    return undefined;
  }
}

async function run() {
  const bundle = await ensureBundle();
  const cacheFile = `${bundle.file}.cache`;
  const cachedData = cachedDataFor(cacheFile, bundle.sha256);
  const script = new vm.Script(Module.wrap(bundle.code), { filename: bundle.file, cachedData });
  const mod = { exports: {}, filename: bundle.file, id: bundle.file };
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(bundle.file), mod, bundle.file, path.dirname(bundle.file));
  // The rendering code's identity for the render cache (scripts/synth/render-cache.ts): renders are reused only for
  // exactly this bundle.
  process.env.MOP_BUNDLE_SHA256 = bundle.sha256;
  process.exitCode = mod.exports.main(process.argv.slice(2));
  if (!cachedData || script.cachedDataRejected) {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.concat([Buffer.from(bundle.sha256, 'latin1'), script.createCachedData()]));
    fs.renameSync(tmp, cacheFile);
  }
}

run().catch((err) => {
  process.stderr.write(`synth failed: ${err && err.stack ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
