import * as fs from 'fs';
import Ajv, { ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { schemaPath } from './schemas';

/** A custom resource as the project generates it. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

const cache = new Map<string, { group: string; kind: string; versions: Map<string, ValidateFunction> }>();

/**
 * Validates `object` against the OpenAPI schema of the CRD in `../shared/schemas/<crdFile>`
 * (e.g. `vso/VaultAuth.yaml`). Unlike the API server, which silently prunes unknown fields, every
 * object schema here is closed, so a field the CRD does not know is an error.
 * Returns the errors; an empty list means valid.
 */
export function validateAgainstCrd(crdFile: string, object: KubernetesObject): string[] {
  const crd = loadCrd(crdFile);
  const [group, version] = object.apiVersion.split('/');
  const errors: string[] = [];
  if (group !== crd.group) errors.push(`apiVersion group ${group} is not the CRD's group ${crd.group}`);
  if (object.kind !== crd.kind) errors.push(`kind ${object.kind} is not the CRD's kind ${crd.kind}`);
  const validate = crd.versions.get(version);
  if (!validate) {
    errors.push(`version ${version} is not served by ${crdFile} (served: ${[...crd.versions.keys()].join(', ')})`);
    return errors;
  }
  if (!validate(object)) {
    errors.push(...(validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`));
  }
  return errors;
}

function loadCrd(crdFile: string) {
  const cached = cache.get(crdFile);
  if (cached) return cached;
  const docs = parseAllDocuments(fs.readFileSync(schemaPath(crdFile), 'utf8')).map((d) => d.toJS());
  const crd = docs.find((d) => d?.kind === 'CustomResourceDefinition');
  if (!crd) throw new Error(`${crdFile} holds no CustomResourceDefinition`);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const versions = new Map<string, ValidateFunction>();
  for (const v of crd.spec.versions) {
    if (!v.served) continue;
    versions.set(v.name, ajv.compile(closeObjects(v.schema.openAPIV3Schema)));
  }
  const entry = { group: crd.spec.group as string, kind: crd.spec.names.kind as string, versions };
  cache.set(crdFile, entry);
  return entry;
}

/** Makes every object schema with declared properties reject unknown keys, as `kubectl --validate=strict` does. */
function closeObjects(schema: any): any {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) out[k] = closeObjects(v);
  if (out.properties && out.additionalProperties === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}
