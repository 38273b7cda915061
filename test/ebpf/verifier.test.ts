/**
 * The committed probe objects against the running kernel's verifier:
 * `bpftool prog loadall <obj> /sys/fs/bpf/<unique dir>` loads (but does not attach) all programs; the pins are
 * removed afterwards. Every tracepoint object whose tracepoints this kernel has must load, and every probe must have
 * an object that loads. Objects for other kernel families (fexit) may be refused here: kernels.test.ts runs them on
 * the kernels they are for.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { EBPF_PROBES, ebpfObjects } from '../../constructs/obi/ebpf-probes';
import { discoverProbes, ensureMounts, objectPath, requirePrereqs } from './helpers';

/** The SEC("...") names of an object's programs, from its source. */
function sections(name: string): string[] {
  const src = fs.readFileSync(objectPath(name).replace(/\.o$/, '.c'), 'utf8');
  return [...src.matchAll(/^SEC\("([^"]+)"\)\s*\n\s*int /gm)].map((m) => m[1]);
}

/** Whether every hook of the object is a tracepoint this kernel has (then it must load). */
function tracepointsPresent(name: string): boolean {
  return sections(name).every((s) => {
    const m = /^tracepoint\/([^/]+)\/([^/]+)$/.exec(s);
    return m !== null && fs.existsSync(`/sys/kernel/tracing/events/${m[1]}/${m[2]}`);
  });
}

const PROGRAM_TYPE: Record<string, string> = { tracepoint: 'tracepoint', fexit: 'tracing', fentry: 'tracing' };

/** Loads an object with bpftool; returns null when it loads (checking every pin), else the verifier's message. */
function loadAll(name: string): string | null {
  const obj = objectPath(name);
  const pinDir = `/sys/fs/bpf/mop-verifier-${process.pid}-${name}-${Date.now()}`;
  try {
    try {
      execFileSync('bpftool', ['prog', 'loadall', obj, pinDir], { stdio: 'pipe' });
    } catch (e) {
      return (e as { stderr?: Buffer }).stderr?.toString() ?? String(e);
    }
    const pins = fs.readdirSync(pinDir);
    expect(pins.length).toBe(sections(name).length);
    const types = sections(name).map((s) => PROGRAM_TYPE[s.split('/')[0]]).sort();
    const pinned = pins.map((pin) => (JSON.parse(execFileSync('bpftool', ['prog', 'show', 'pinned', path.join(pinDir, pin), '-j'], { encoding: 'utf8' })) as { type: string }).type);
    expect(pinned.sort()).toEqual(types);
    return null;
  } finally {
    if (fs.existsSync(pinDir)) {
      for (const pin of fs.readdirSync(pinDir)) fs.unlinkSync(path.join(pinDir, pin));
      fs.rmdirSync(pinDir);
    }
    expect(fs.existsSync(pinDir)).toBe(false);
  }
}

describe('eBPF probes pass the kernel verifier', () => {
  beforeAll(() => {
    requirePrereqs(['bpftool']);
    ensureMounts();
  });

  it('EBPF_PROBES lists exactly the objects in ebpf/*.bpf.c, each in one probe', () => {
    expect(ebpfObjects()).toEqual(discoverProbes());
    expect(new Set(ebpfObjects()).size).toBe(ebpfObjects().length);
  });

  const results = new Map<string, string | null>();

  it.each(discoverProbes())('%s loads with bpftool prog loadall wherever its tracepoints exist', (name) => {
    expect(fs.existsSync(objectPath(name))).toBe(true);
    const error = loadAll(name);
    results.set(name, error);
    if (tracepointsPresent(name)) expect({ name, error }).toEqual({ name, error: null });
  });

  it('every probe has an object this kernel loads', () => {
    for (const p of EBPF_PROBES) expect({ probe: p.name, loads: p.objects.some((o) => results.get(o) === null) }).toEqual({ probe: p.name, loads: true });
  });
});
