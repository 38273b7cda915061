/**
 * MOP's own CO-RE eBPF probes, loaded by cloudflare/ebpf_exporter next to OBI.
 *
 * Each probe `<name>` is a pair of committed files: `ebpf/<name>.bpf.o` (built by
 * `npm run build:ebpf` from `ebpf/<name>.bpf.c`) and `ebpf/<name>.yaml` (the
 * exporter config). The exporter is started with `--config.names=<names joined by ,>`.
 * See docs/obi-probes.md. test/ebpf checks that this list matches `ebpf/*.bpf.c`.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Probe names, sorted. */
export const EBPF_PROBES: readonly string[] = Object.freeze(['db_roundtrip', 'tcp_errors', 'tcp_lifecycle']);

export interface EbpfProbeFiles {
  /** Probe name, also the ebpf_exporter config name. */
  name: string;
  /** Contents of `ebpf/<name>.bpf.o` (for a ConfigMap's binaryData). */
  object: Buffer;
  /** Contents of `ebpf/<name>.yaml`. */
  config: string;
}

/**
 * Reads every probe's object and config from `<rootDir>/ebpf/`, sorted by name so
 * the output (and any ConfigMap built from it) is deterministic. Throws if a file
 * is missing, naming the file and how to produce it.
 */
export function readProbeFiles(rootDir: string): EbpfProbeFiles[] {
  return [...EBPF_PROBES].sort().map((name) => {
    const objectPath = path.join(rootDir, 'ebpf', `${name}.bpf.o`);
    const configPath = path.join(rootDir, 'ebpf', `${name}.yaml`);
    if (!fs.existsSync(objectPath)) {
      throw new Error(`eBPF probe object missing: ${objectPath} (run: npm run build:ebpf)`);
    }
    if (!fs.existsSync(configPath)) {
      throw new Error(`eBPF probe config missing: ${configPath}`);
    }
    return { name, object: fs.readFileSync(objectPath), config: fs.readFileSync(configPath, 'utf8') };
  });
}
