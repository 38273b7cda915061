/**
 * Every committed probe object passes the running kernel's verifier:
 * `bpftool prog loadall <obj> /sys/fs/bpf/<unique dir>` loads (but does not attach)
 * all programs; the pins are removed afterwards.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { EBPF_PROBES } from '../../constructs/obi/ebpf-probes';
import { discoverProbes, ensureMounts, objectPath, requirePrereqs } from './helpers';

function countPrograms(name: string): number {
  // Each SEC("tracepoint/...") / SEC("raw_tracepoint/...") in the source is one program.
  const src = fs.readFileSync(objectPath(name).replace(/\.o$/, '.c'), 'utf8');
  return (src.match(/^SEC\("(tracepoint|tp|raw_tracepoint|raw_tp|tp_btf)\//gm) ?? []).length;
}

describe('eBPF probes pass the kernel verifier', () => {
  beforeAll(() => {
    requirePrereqs(['bpftool']);
    ensureMounts();
  });

  it('EBPF_PROBES lists exactly the probes in ebpf/*.bpf.c', () => {
    expect([...EBPF_PROBES]).toEqual(discoverProbes());
  });

  it.each(discoverProbes())('%s loads with bpftool prog loadall', (name) => {
    const obj = objectPath(name);
    expect(fs.existsSync(obj)).toBe(true);
    const pinDir = `/sys/fs/bpf/mop-verifier-${process.pid}-${name}-${Date.now()}`;
    try {
      try {
        execFileSync('bpftool', ['prog', 'loadall', obj, pinDir], { stdio: 'pipe' });
      } catch (e) {
        const err = e as { stderr?: Buffer };
        throw new Error(`verifier rejected ${name}: ${err.stderr?.toString() ?? String(e)}`);
      }
      const pins = fs.readdirSync(pinDir);
      expect(pins.length).toBe(countPrograms(name));
      for (const pin of pins) {
        const info = JSON.parse(
          execFileSync('bpftool', ['prog', 'show', 'pinned', path.join(pinDir, pin), '-j'], { encoding: 'utf8' }),
        ) as { type: string; name: string };
        expect(info.type).toBe('tracepoint');
      }
    } finally {
      if (fs.existsSync(pinDir)) {
        for (const pin of fs.readdirSync(pinDir)) fs.unlinkSync(path.join(pinDir, pin));
        fs.rmdirSync(pinDir);
      }
    }
    expect(fs.existsSync(pinDir)).toBe(false);
  });
});
