import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadEnvironment } from '../../environments';
import { staging } from '../../environments/staging';
import { outputFiles, renderEnvironment } from '../../constructs/render';
import { RenderCache, treeDigest } from '../../scripts/synth/render-cache';

/**
 * A cached render is used only for the same code, the same validated environment and the same run-time inputs,
 * and is then byte for byte what a render produces (issue #14, point 1: a cache keyed by content only).
 */
describe('the render cache', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mop-render-cache-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const env = loadEnvironment(staging);
  const expected = outputFiles(renderEnvironment(env));
  const meta = () => fs.readdirSync(dir).filter((f) => f.endsWith('.meta.json')).map((f) => path.join(dir, f));

  test('a second render of the same input comes from the cache and equals a fresh render', () => {
    const cache = new RenderCache(dir, 'code-A');
    const first = cache.render(env);
    expect(first.cached).toBe(false);
    const second = new RenderCache(dir, 'code-A').render(env);
    expect(second.cached).toBe(true);
    expect([...second.files()]).toEqual([...expected]);
    expect(second.digest).toBe(treeDigest(expected));
    expect(second.summary).toBe(first.summary);
    expect(second.documents).toEqual(first.documents);
  });

  test('the entry lists the files the render read at run time, with their content hashes', () => {
    new RenderCache(dir, 'code-A').render(env);
    const entry = JSON.parse(fs.readFileSync(meta()[0], 'utf8'));
    const inputs = Object.keys(entry.inputs).map((f) => path.basename(f)).sort();
    expect(inputs).toEqual(expect.arrayContaining(['db_roundtrip.bpf.o', 'db_roundtrip_fexit.bpf.o', 'tcp_errors.bpf.o', 'tcp_lifecycle.bpf.o', 'select-probes.sh']));
  });

  test('other code, another environment, or a run-time input with other content: rendered again', () => {
    new RenderCache(dir, 'code-A').render(env);
    expect(new RenderCache(dir, 'code-B').render(env).cached).toBe(false);
    const changed = loadEnvironment({ ...staging, retention: { ...staging.retention, metrics: '31d' } });
    const other = new RenderCache(dir, 'code-A').render(changed);
    expect(other.cached).toBe(false);
    expect(other.files().get('mimir/configmap-mimir-runtime.yaml')).toContain('31d');

    // An eBPF object whose bytes changed since the entry was made (its recorded hash no longer matches).
    const cache = new RenderCache(dir, 'code-A');
    cache.render(env);
    for (const file of meta()) {
      const entry = JSON.parse(fs.readFileSync(file, 'utf8'));
      const object = Object.keys(entry.inputs).find((f) => f.endsWith('tcp_errors.bpf.o'))!;
      entry.inputs[object] = '0'.repeat(64);
      fs.writeFileSync(file, JSON.stringify(entry));
    }
    expect(new RenderCache(dir, 'code-A').render(env).cached).toBe(false);
  });

  test('a damaged entry is not trusted: the files are rendered again', () => {
    new RenderCache(dir, 'code-A').render(env);
    const files = fs.readdirSync(dir).find((f) => f.endsWith('.files'))!;
    const content = fs.readFileSync(path.join(dir, files), 'utf8');
    fs.writeFileSync(path.join(dir, files), content.replace('apiVersion: v1', 'apiVersion: v2'));
    const r = new RenderCache(dir, 'code-A').render(env);
    expect([...r.files()]).toEqual([...expected]);
  });

  test('without the code identity nothing is cached', () => {
    const r = new RenderCache(dir, undefined).render(env);
    expect(r.cached).toBe(false);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('a truncated entry is not trusted either', () => {
    new RenderCache(dir, 'code-A').render(env);
    const files = fs.readdirSync(dir).find((f) => f.endsWith('.files'))!;
    const content = fs.readFileSync(path.join(dir, files), 'utf8');
    fs.writeFileSync(path.join(dir, files), content.slice(0, content.length / 2));
    expect([...new RenderCache(dir, 'code-A').render(env).files()]).toEqual([...expected]);
  });

  test('one entry per environment is kept', () => {
    new RenderCache(dir, 'code-A').render(env);
    new RenderCache(dir, 'code-B').render(env);
    expect(meta()).toHaveLength(1);
  });
});
