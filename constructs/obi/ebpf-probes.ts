/**
 * MOP's own CO-RE eBPF probes, loaded by cloudflare/ebpf_exporter next to OBI.
 *
 * A probe is one ebpf_exporter config (`ebpf/<probe>.yaml`) and one or more compiled objects
 * (`ebpf/<object>.bpf.o`, built by `npm run build:ebpf` from `ebpf/<object>.bpf.c`), one per kernel family,
 * in order of preference. At start-up `ebpf/select-probes.sh` asks the exporter which object of each probe
 * the node's kernel takes and hands it only those (docs/obi-probes.md, ADR 0009). Every object travels in
 * the probes ConfigMap as `<object>.bpf.o` with its probe's config as `<object>.yaml`.
 * test/ebpf checks that the objects listed here are exactly `ebpf/*.bpf.c`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readInput } from '../base/inputs';

export interface EbpfProbe {
  /** Probe name: its config is `ebpf/<name>.yaml`. */
  readonly name: string;
  /** Its objects, most preferred first: the first one the kernel loads and attaches is used. */
  readonly objects: readonly string[];
}

/** Probes, sorted by name. */
export const EBPF_PROBES: readonly EbpfProbe[] = Object.freeze([
  // sock_send_length/sock_recv_length tracepoints from 6.3; fexit on tcp_sendmsg/tcp_recvmsg before that.
  { name: 'db_roundtrip', objects: ['db_roundtrip', 'db_roundtrip_fexit'] },
  { name: 'tcp_errors', objects: ['tcp_errors'] },
  { name: 'tcp_lifecycle', objects: ['tcp_lifecycle'] },
]);

/** The start-up selection script, shipped in the probes ConfigMap under this key. */
export const SELECT_SCRIPT = 'select-probes.sh';

/** Every object name, sorted. */
export function ebpfObjects(): string[] {
  return EBPF_PROBES.flatMap((p) => p.objects).sort();
}

/** The probes in select-probes.sh's MOP_EBPF_PROBES format: `<probe>=<object>[,<object>...]`, space-separated. */
export function probeSpec(probes: readonly EbpfProbe[] = EBPF_PROBES): string {
  return probes.map((p) => `${p.name}=${p.objects.join(',')}`).join(' ');
}

export interface EbpfObjectFiles {
  /** Object name, also its ebpf_exporter config name. */
  name: string;
  /** The probe it belongs to. */
  probe: string;
  /** Contents of `ebpf/<name>.bpf.o` (for a ConfigMap's binaryData). */
  object: Buffer;
  /** Contents of `ebpf/<probe>.yaml`. */
  config: string;
}

export interface EbpfProbeFiles {
  /** Every object with its config, sorted by object name so any ConfigMap built from them is deterministic. */
  objects: EbpfObjectFiles[];
  /** Contents of `ebpf/select-probes.sh`. */
  selectScript: string;
}

function readRequired(file: string, hint: string): Buffer {
  if (!fs.existsSync(file)) throw new Error(`eBPF probe file missing: ${file}${hint}`);
  return readInput(file);
}

/** Reads every object, config and the selection script from `<rootDir>/ebpf/`; a missing file is an error naming it. */
export function readProbeFiles(rootDir: string): EbpfProbeFiles {
  const dir = path.join(rootDir, 'ebpf');
  const objects = EBPF_PROBES.flatMap((p) =>
    p.objects.map((name) => ({
      name,
      probe: p.name,
      object: readRequired(path.join(dir, `${name}.bpf.o`), ' (run: npm run build:ebpf)'),
      config: readRequired(path.join(dir, `${p.name}.yaml`), '').toString('utf8'),
    })),
  ).sort((a, b) => (a.name < b.name ? -1 : 1));
  return { objects, selectScript: readRequired(path.join(dir, SELECT_SCRIPT), '').toString('utf8') };
}
