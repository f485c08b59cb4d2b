import { z } from 'zod';
import { labConfigSchema } from './schema';

/** The JSON Schema editors use to complete and check `lab.yaml`, derived from the zod schema. */
export function labConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(labConfigSchema, { target: 'draft-7', io: 'input', unrepresentable: 'any' });
  return { ...schema, $id: 'https://vault-platform.lab/lab.schema.json', title: 'vault-platform lab configuration' };
}
