/**
 * Each ebpf_exporter config (ebpf/<probe>.yaml) matches the BTF of every object of that probe:
 *  - every metric names a map that exists in the object's `.maps` section;
 *  - map values are 8 bytes (u64), as the exporter requires;
 *  - the key's size equals the sum of label sizes + paddings, and each label sits
 *    exactly on a struct member of the same size (C alignment, declared padding);
 *  - histogram keys end with a u64 `bucket`, bucket_max matches MOP_BUCKET_MAX.
 * Also: the total size of all objects + configs (base64 in a ConfigMap) is < 1 MiB.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { EBPF_PROBES, readProbeFiles } from '../../constructs/obi/ebpf-probes';
import { discoverProbes, EBPF_DIR, objectPath, requirePrereqs, ROOT } from './helpers';

interface BtfMember {
  name: string;
  type_id: number;
  bits_offset: number;
}
interface BtfType {
  id: number;
  kind: string;
  name: string;
  type_id?: number;
  size?: number;
  nr_elems?: number;
  members?: BtfMember[];
  vars?: { type_id: number }[];
}
interface Label {
  name: string;
  size: number;
  padding?: number;
  decoders: { name: string; static_map?: Record<string, string> }[];
}
interface Metric {
  name: string;
  help: string;
  labels: Label[];
  bucket_type?: string;
  bucket_min?: number;
  bucket_max?: number;
  bucket_multiplier?: number;
}
interface ExporterConfig {
  metrics: { counters?: Metric[]; histograms?: Metric[] };
}

/** Map types ebpf_exporter can read metrics from (hash, array, percpu variants, LRU). */
const READABLE_MAP_TYPES = [1, 2, 5, 6, 9, 10];
const KNOWN_DECODERS = ['cgroup', 'ifname', 'dname', 'errno', 'hex', 'inet_ip', 'ksym', 'kstack', 'majorminor', 'regexp', 'static_map', 'string', 'syscall', 'uint'];

class Btf {
  private readonly byId = new Map<number, BtfType>();
  constructor(types: BtfType[]) {
    for (const t of types) this.byId.set(t.id, t);
  }
  get(id: number): BtfType {
    const t = this.byId.get(id);
    if (!t) throw new Error(`BTF type ${id} missing`);
    return t;
  }
  /** Skips typedefs and qualifiers. */
  resolve(id: number): BtfType {
    let t = this.get(id);
    while (['TYPEDEF', 'CONST', 'VOLATILE', 'RESTRICT', 'TYPE_TAG'].includes(t.kind)) t = this.get(t.type_id!);
    return t;
  }
  sizeOf(id: number): number {
    const t = this.resolve(id);
    if (t.kind === 'ARRAY') return t.nr_elems! * this.sizeOf(t.type_id!);
    if (t.size === undefined) throw new Error(`BTF type ${t.kind} ${t.name} has no size`);
    return t.size;
  }
  /** Map definitions from the `.maps` DATASEC: name -> { map type, key type id, value type id } (pointees). */
  maps(): Map<string, { type: number; key: number; value: number }> {
    const out = new Map<string, { type: number; key: number; value: number }>();
    for (const ds of this.byId.values()) {
      if (ds.kind !== 'DATASEC' || ds.name !== '.maps') continue;
      for (const v of ds.vars ?? []) {
        const variable = this.get(v.type_id);
        const def = this.resolve(variable.type_id!);
        const member = (n: string): BtfType => {
          const m = def.members!.find((x) => x.name === n);
          if (!m) throw new Error(`map ${variable.name} has no ${n} in its definition`);
          return this.get(m.type_id); // PTR
        };
        // __uint(type, N) is `int (*type)[N]`; __type(key, T) is `T *key`.
        out.set(variable.name, {
          type: this.resolve(member('type').type_id!).nr_elems!,
          key: member('key').type_id!,
          value: member('value').type_id!,
        });
      }
    }
    return out;
  }
}

function loadBtf(name: string): Btf {
  const json = execFileSync('bpftool', ['btf', 'dump', 'file', objectPath(name), '-j'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return new Btf((JSON.parse(json) as { types: BtfType[] }).types);
}

/** The config of the probe an object belongs to (objects of one probe share it). */
function loadConfig(object: string): ExporterConfig {
  const probe = EBPF_PROBES.find((p) => p.objects.includes(object));
  if (!probe) throw new Error(`ebpf/${object}.bpf.c belongs to no probe in EBPF_PROBES`);
  return parse(fs.readFileSync(path.join(EBPF_DIR, `${probe.name}.yaml`), 'utf8')) as ExporterConfig;
}

function bucketMaxFromHeader(): number {
  const m = /#define MOP_BUCKET_MAX (\d+)/.exec(fs.readFileSync(path.join(EBPF_DIR, 'mop.bpf.h'), 'utf8'));
  if (!m) throw new Error('MOP_BUCKET_MAX not found in ebpf/mop.bpf.h');
  return Number(m[1]);
}

describe('ebpf_exporter configs match the objects BTF', () => {
  beforeAll(() => requirePrereqs(['bpftool']));

  describe.each(discoverProbes())('%s', (name) => {
    it('has a config with at least one metric, all names unique', () => {
      const cfg = loadConfig(name);
      const all = [...(cfg.metrics.counters ?? []), ...(cfg.metrics.histograms ?? [])];
      expect(all.length).toBeGreaterThan(0);
      expect(new Set(all.map((m) => m.name)).size).toBe(all.length);
      for (const m of all) {
        expect(m.help).toBeTruthy();
        expect(m.labels.length).toBeGreaterThan(0);
        for (const l of m.labels) {
          expect(l.decoders.length).toBeGreaterThan(0);
          for (const d of l.decoders) expect(KNOWN_DECODERS).toContain(d.name);
        }
      }
    });

    it('names only maps that exist, with u64 values and key layouts matching the labels', () => {
      const btf = loadBtf(name);
      const maps = btf.maps();
      const cfg = loadConfig(name);
      const metrics = [
        ...(cfg.metrics.counters ?? []).map((m) => ({ m, histogram: false })),
        ...(cfg.metrics.histograms ?? []).map((m) => ({ m, histogram: true })),
      ];
      for (const { m, histogram } of metrics) {
        const map = maps.get(m.name);
        if (!map) throw new Error(`${name}.yaml: metric ${m.name} has no map of that name (maps: ${[...maps.keys()].join(', ')})`);
        expect(READABLE_MAP_TYPES).toContain(map.type);

        const value = btf.resolve(map.value);
        expect({ metric: m.name, value: value.kind, size: value.size }).toEqual({ metric: m.name, value: 'INT', size: 8 });

        const keyId = map.key;
        const keySize = btf.sizeOf(keyId);
        const labelsSize = m.labels.reduce((a, l) => a + l.size + (l.padding ?? 0), 0);
        expect({ metric: m.name, keySize }).toEqual({ metric: m.name, keySize: labelsSize });

        const key = btf.resolve(keyId);
        const members = key.kind === 'STRUCT' ? key.members! : [{ name: '(scalar)', type_id: keyId, bits_offset: 0 }];
        const real = members.filter((x) => !x.name.startsWith('__pad'));
        expect({ metric: m.name, labels: real.length }).toEqual({ metric: m.name, labels: m.labels.length });
        let offset = 0;
        m.labels.forEach((l, i) => {
          const member = real[i];
          expect({ metric: m.name, label: l.name, offset, size: l.size }).toEqual({
            metric: m.name,
            label: l.name,
            offset: member.bits_offset / 8,
            size: btf.sizeOf(member.type_id),
          });
          offset += l.size + (l.padding ?? 0);
        });

        if (histogram) {
          const last = m.labels[m.labels.length - 1];
          expect({ metric: m.name, bucket: last.name, size: last.size }).toEqual({ metric: m.name, bucket: 'bucket', size: 8 });
          expect(real[real.length - 1].name).toBe('bucket');
          expect(['exp2', 'exp2zero', 'linear']).toContain(m.bucket_type);
          expect(m.bucket_min).toBe(0);
          expect(m.bucket_max).toBe(bucketMaxFromHeader());
        }
      }
    });
  });

  it('all probe objects and configs fit in one ConfigMap (< 1 MiB as base64)', () => {
    const { objects, selectScript } = readProbeFiles(ROOT);
    expect(objects.map((f) => f.name)).toEqual(discoverProbes());
    const base64 = objects.reduce((a, f) => a + f.object.toString('base64').length + Buffer.byteLength(f.config), Buffer.byteLength(selectScript));
    expect(base64).toBeLessThan(1024 * 1024);
  });
});
