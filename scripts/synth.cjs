// `npm run synth`: make sure the bundle is current, then render in this same process (one Node start, no compiler).
// The bundle is compiled with V8's code cache (`.build/main.js.cache`, written after the first run, which by then
// also holds the functions compiled lazily during rendering); V8 rejects a cache that does not match the bundle,
// and it is then written anew.
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { Module } = require('module');
const { ensureBundle } = require('./build.cjs');

const bundle = ensureBundle();
const cacheFile = `${bundle}.cache`;
const cachedData = fs.existsSync(cacheFile) ? fs.readFileSync(cacheFile) : undefined;
const script = new vm.Script(Module.wrap(fs.readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
const mod = { exports: {}, filename: bundle, id: bundle };
script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));

process.exitCode = mod.exports.main(process.argv.slice(2));
if (!cachedData || script.cachedDataRejected) fs.writeFileSync(cacheFile, script.createCachedData());
