import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { CRD_DIR, K8S_DEFINITIONS } from './paths';

/**
 * Strict schema validation: the Kubernetes 1.28 definitions and the Argo CRD schemas, with every object schema
 * closed (`additionalProperties: false`) so an unknown or mis-cased field is an error. The schema files do not
 * forbid unknown fields themselves; `closeSchema` adds that everywhere a schema lists its properties, except where
 * Kubernetes preserves unknown fields.
 */
type Schema = Record<string, unknown>;

function closeSchema(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(closeSchema);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const s = node as Schema;
  if (s.properties && typeof s.properties === 'object' && s.additionalProperties === undefined && s['x-kubernetes-preserve-unknown-fields'] !== true) {
    s.additionalProperties = false;
  }
  for (const [key, value] of Object.entries(s)) {
    // `properties` maps field names to schemas: recurse into the schemas, not the map itself as a schema.
    if (key === 'properties' && value && typeof value === 'object') Object.values(value).forEach(closeSchema);
    else if (key !== 'enum' && key !== 'default' && key !== 'example') closeSchema(value);
  }
}

function newAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  for (const f of ['int32', 'int64', 'double', 'float', 'int-or-string']) ajv.addFormat(f, true);
  return ajv;
}

export class SchemaValidator {
  private readonly ajv = newAjv();
  private readonly byGvk = new Map<string, string>();
  private readonly crds = new Map<string, ValidateFunction>();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor() {
    const k8s = JSON.parse(fs.readFileSync(K8S_DEFINITIONS, 'utf8')) as { definitions: Record<string, Schema> };
    closeSchema(k8s.definitions);
    for (const [name, def] of Object.entries(k8s.definitions)) {
      for (const gvk of (def['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[] | undefined) ?? []) {
        this.byGvk.set(`${gvk.group ? `${gvk.group}/` : ''}${gvk.version}/${gvk.kind}`, name);
      }
    }
    this.ajv.addSchema({ $id: 'k8s', definitions: k8s.definitions });

    for (const file of fs.readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml')).sort()) {
      for (const doc of parseAllDocuments(fs.readFileSync(path.join(CRD_DIR, file), 'utf8'))) {
        const crd = doc.toJS() as { kind?: string; spec?: { group: string; names: { kind: string }; versions: { name: string; schema?: { openAPIV3Schema: Schema } }[] } };
        if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
        for (const version of crd.spec.versions) {
          const schema = version.schema?.openAPIV3Schema;
          if (!schema) continue;
          closeSchema(schema);
          // CRD schemas leave metadata open; validate it against ObjectMeta like the API server does.
          const properties = (schema.properties ?? {}) as Record<string, Schema>;
          properties.metadata = { $ref: 'k8s#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' };
          this.crds.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, this.ajv.compile(schema));
        }
      }
    }
  }

  /** Returns one message per violation; empty when the object is valid. */
  validate(obj: { apiVersion?: unknown; kind?: unknown }): string[] {
    const gvk = `${String(obj.apiVersion)}/${String(obj.kind)}`;
    let validate = this.crds.get(gvk);
    if (!validate) {
      const def = this.byGvk.get(gvk);
      if (!def) return [`unknown apiVersion/kind ${gvk} (not in Kubernetes 1.28 or the Argo CRDs)`];
      validate = this.compiled.get(def);
      if (!validate) {
        validate = this.ajv.getSchema(`k8s#/definitions/${def}`);
        if (!validate) return [`no schema for ${def}`];
        this.compiled.set(def, validate);
      }
    }
    if (validate(obj)) return [];
    return (validate.errors ?? []).map((e) => {
      const extra = e.keyword === 'additionalProperties' ? ` "${(e.params as { additionalProperty: string }).additionalProperty}"` : '';
      return `${e.instancePath || '/'} ${e.message}${extra}`;
    });
  }
}
