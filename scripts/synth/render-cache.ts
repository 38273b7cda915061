/**
 * Renders kept in `.build/renders/`, keyed by content only (docs/architecture/0006-transactional-synth.md): the
 * sha256 of the bundle that renders (every source file, package and build setting: scripts/build.cjs), Node's
 * version, the cdk8s switches read from the environment, and the validated environment itself; an entry further
 * lists every file the render read at run time (constructs/base/inputs.ts) with its sha256 and is used only while
 * each still has that content. A render is a pure function of those, which the determinism tests check, so an entry
 * stands for exactly what a render would produce now. Without the bundle's hash (synth() called outside the bundle,
 * as the tests do) nothing is cached.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Environment } from '../../environments';
import { recordInputs } from '../../constructs/base/inputs';
import { DocumentInputs, documentInputs } from '../../constructs/documents';
import { environmentRecord, outputFiles, renderEnvironment } from '../../constructs/render';
import { summarize } from '../../constructs/summary';
import { Tree, readText, writeAtomically } from './tree';

/** One environment's render as synth uses it; the files are read (or rendered) only when asked for. */
export interface Render {
  readonly env: Environment;
  /** One line: objects per component and the requests (constructs/summary.ts). */
  readonly summary: string;
  readonly documents: DocumentInputs;
  /** `treeDigest` of the files: equal to the digest of `dist/<env>` exactly when nothing changed. */
  readonly digest: string;
  /** Everything synth writes into `dist/<env>/`. */
  files(): Tree;
  /** Whether it came from the cache. */
  readonly cached: boolean;
}

/** A digest of a folder's files (path and content), independent of the order they were listed in. */
export function treeDigest(tree: Tree): string {
  const hash = createHash('sha1');
  for (const rel of [...tree.keys()].sort()) hash.update(`${rel}\0${tree.get(rel)}\0`);
  return hash.digest('hex');
}

interface Entry {
  readonly env: string;
  readonly inputs: Record<string, string>;
  readonly digest: string;
  readonly summary: string;
  readonly documents: Omit<DocumentInputs, 'env'>;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * The files of an entry, as `<path>\n<length>\n<text>` one after the other (lengths in UTF-16 code units): no
 * escaping, so writing and reading megabytes of YAML costs little more than the copy.
 */
function packFiles(files: Tree): string {
  const parts: string[] = [];
  for (const [rel, text] of files) parts.push(`${rel}\n${text.length}\n`, text);
  return parts.join('');
}

function unpackFiles(packed: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  let at = 0;
  while (at < packed.length) {
    const nl = packed.indexOf('\n', at);
    const nl2 = packed.indexOf('\n', nl + 1);
    if (nl < 0 || nl2 < 0) return undefined;
    const length = Number(packed.slice(nl + 1, nl2));
    if (!Number.isInteger(length) || nl2 + 1 + length > packed.length) return undefined;
    out.set(packed.slice(at, nl), packed.slice(nl2 + 1, nl2 + 1 + length));
    at = nl2 + 1 + length;
  }
  return out;
}



function fresh(env: Environment): { render: Render; entry: Entry } {
  const { result: r, inputs } = recordInputs(() => renderEnvironment(env));
  const files = outputFiles(r);
  const documents = documentInputs(r);
  const render: Render = { env, summary: summarize(r), documents, digest: treeDigest(files), files: () => files, cached: false };
  const { env: _env, ...documentsWithoutEnv } = documents;
  const entry: Entry = { env: env.name, inputs: Object.fromEntries([...inputs].sort()), digest: render.digest, summary: render.summary, documents: documentsWithoutEnv };
  return { render, entry };
}

export class RenderCache {
  /**
   * `codeKey`: what identifies the rendering code (the bundle's sha256); undefined switches the cache off.
   * `dir`: where the entries live (`.build/renders`).
   */
  constructor(
    private readonly dir: string,
    private readonly codeKey: string | undefined,
  ) {}

  /** The cache for synth run from the bundle (`scripts/synth.cjs` passes its sha256 in MOP_BUNDLE_SHA256). */
  static forBundle(projectRoot: string): RenderCache {
    return new RenderCache(path.join(projectRoot, '.build', 'renders'), process.env.MOP_BUNDLE_SHA256);
  }

  private key(env: Environment): string {
    return sha256(`${this.codeKey}\0${process.version}\0${process.env.CDK8S_DISABLE_SORT ?? ''}\0${environmentRecord(env)}`);
  }

  render(env: Environment): Render {
    if (!this.codeKey) return fresh(env).render;
    const key = this.key(env);
    const base = path.join(this.dir, `${env.name}.${key}`);
    const entry = readJson<Entry>(`${base}.meta.json`);
    const valid =
      entry?.env === env.name &&
      Object.entries(entry.inputs).every(([file, hash]) => {
        try {
          return sha256(fs.readFileSync(file)) === hash;
        } catch {
          return false;
        }
      });
    if (entry && valid) {
      let files: Tree | undefined;
      return {
        env,
        summary: entry.summary,
        documents: { env, ...entry.documents },
        digest: entry.digest,
        cached: true,
        files: () => {
          if (files) return files;
          const packed = readText(`${base}.files`);
          const loaded = packed === undefined ? undefined : unpackFiles(packed);
          // A damaged or edited entry is not trusted: render again.
          files = loaded && treeDigest(loaded) === entry.digest ? loaded : fresh(env).render.files();
          return files;
        },
      };
    }
    const { render, entry: created } = fresh(env);
    this.store(env.name, base, render.files(), created);
    return render;
  }

  private store(name: string, base: string, files: Tree, entry: Entry): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      writeAtomically(`${base}.files`, packFiles(files));
      writeAtomically(`${base}.meta.json`, JSON.stringify(entry));
      // One entry per environment is kept: the others of the same name are older renders.
      const keep = path.basename(base);
      for (const f of fs.readdirSync(this.dir)) {
        if (f.startsWith(`${name}.`) && !f.startsWith(`${keep}.`)) fs.rmSync(path.join(this.dir, f), { force: true });
      }
    } catch {
      // The cache only saves time: a render that cannot be kept is rendered again next time.
    }
  }
}
