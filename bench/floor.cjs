// The floor for `npm run synth`: a plain Node process that loads cdk8s and cdk8s-plus-28 and writes the same bytes
// synth writes (read from a file prepared by bench/synth.mjs), and nothing else.
const fs = require('fs');
const path = require('path');
require('cdk8s');
require('cdk8s-plus-28');
const [, , bytesFile, outdir] = process.argv;
const files = JSON.parse(fs.readFileSync(bytesFile, 'utf8'));
for (const [rel, content] of Object.entries(files)) {
  const file = path.join(outdir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}
