// Renders N generated regional production environments with the bundled synth (.build/main.js) into a temp dir and
// prints the peak resident memory of this process. Usage: node bench/scale.cjs N OUTDIR
const path = require('path');
const { synth } = require(path.resolve(__dirname, '..', '.build', 'main.js'));
const { production } = require(path.resolve(__dirname, '..', '.build', 'bench-environments.js'));
const [, , count, outdir] = process.argv;
const zones = ['a', 'b', 'c'];
const environments = Array.from({ length: Number(count) }, (_, i) => {
  const region = `region-${String(i + 1).padStart(2, '0')}`;
  const name = `prod-${region}`;
  // Every environment its own buckets, topics and project: synth refuses environments that share them.
  const rename = (s) => s.split('production').join(name);
  return {
    ...production,
    name,
    cluster: { ...production.cluster, name: `mop-${name}`, region, zones: zones.map((z) => `${region}${z}`) },
    argocd: { ...production.argocd, project: `mop-${name}` },
    storage: { ...production.storage, buckets: Object.fromEntries(Object.entries(production.storage.buckets).map(([k, v]) => [k, rename(v)])) },
    kafka: { ...production.kafka, mimirTopic: rename(production.kafka.mimirTopic), tempoTopic: rename(production.kafka.tempoTopic) },
  };
});
synth({ outdir, environments });
process.stdout.write(JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }) + '\n');
