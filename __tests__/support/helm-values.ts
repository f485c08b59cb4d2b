import * as fs from 'fs';
import Ajv, { ValidateFunction } from 'ajv';
import { schemaPath } from './schemas';

let cached: ValidateFunction | undefined;

/**
 * Validates helm values against the hashicorp/vault chart's own `values.schema.json`
 * (../shared/schemas/vault-helm). Helm ignores keys the schema does not declare; here every object
 * with declared properties is closed, so a misspelt key is an error instead of a silently dropped
 * setting. Returns the errors; an empty list means valid.
 */
export function validateVaultHelmValues(values: unknown): string[] {
  if (!cached) {
    const schema = JSON.parse(fs.readFileSync(schemaPath('vault-helm', 'values.schema.json'), 'utf8'));
    // The file declares an https draft-07 meta-schema URI Ajv does not know; Ajv's default is draft-07.
    delete schema.$schema;
    // The chart's ServiceMonitor template reads serverTelemetry.serviceMonitor.matchLabels (values.yaml
    // documents it) but values.schema.json 0.34.1 does not declare it (hashicorp/vault-helm
    // templates/prometheus-servicemonitor.yaml); declared here so closing the object keeps it.
    schema.properties.serverTelemetry.properties.serviceMonitor.properties.matchLabels = { type: 'object' };
    // Likewise the UI Service's loadBalancerIP and loadBalancerSourceRanges (values.yaml documents them,
    // templates/_helpers.tpl `service.loadBalancer` reads them).
    Object.assign(schema.properties.ui.properties, { loadBalancerIP: { type: 'string' }, loadBalancerSourceRanges: { type: 'array', items: { type: 'string' } } });
    cached = new Ajv({ strict: false, allErrors: true }).compile(closeObjects(schema));
  }
  if (cached(values)) return [];
  return (cached.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

function closeObjects(schema: any): any {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) out[k] = closeObjects(v);
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}
