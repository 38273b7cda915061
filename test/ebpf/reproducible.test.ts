/**
 * The committed ebpf/<name>.bpf.o are exactly what `ebpf/build.sh` produces from
 * the committed sources: rebuild into a temp dir and compare bytes. A failure means
 * someone changed a .bpf.c/.h without running `npm run build:ebpf` (or a different
 * clang version is in use: the objects are built with Debian 12's clang 14).
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { discoverProbes, EBPF_DIR, mkTempDir, objectPath, requirePrereqs } from './helpers';

const sha256 = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');

describe('eBPF objects are reproducible', () => {
  let out: string;
  let clang: string;

  beforeAll(() => {
    requirePrereqs(['clang', 'llvm-strip']);
    clang = execFileSync('clang', ['--version'], { encoding: 'utf8' }).split('\n')[0];
    out = mkTempDir('mop-ebpf-repro-');
    execFileSync('bash', [path.join(EBPF_DIR, 'build.sh'), '--out', out], { stdio: 'pipe' });
  });

  afterAll(() => {
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  it.each(discoverProbes())('%s.bpf.o rebuilds to identical bytes', (name) => {
    const committed = fs.readFileSync(objectPath(name));
    const rebuilt = fs.readFileSync(path.join(out, `${name}.bpf.o`));
    expect({ name, clang, sha256: sha256(rebuilt) }).toEqual({ name, clang, sha256: sha256(committed) });
  });

  it('objects embed no absolute build paths', () => {
    for (const name of discoverProbes()) {
      const text = fs.readFileSync(objectPath(name)).toString('latin1');
      expect(text).not.toContain(EBPF_DIR);
      expect(text).not.toContain(out);
    }
  });
});
