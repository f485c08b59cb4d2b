import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { LabConfig } from '../config/schema';
import { buildLab } from './lab';

/**
 * Every Terraform resource address (`type.logical_id`) of every stack of a lab. These addresses are
 * where Terraform state keeps real Vault objects: one that changes means destroy-and-recreate.
 */
export function resourceAddresses(config: LabConfig): Record<string, string[]> {
  // App writes its manifest folder on construction; nothing is synthesized into it.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'addresses-'));
  try {
    const app = new App({ outdir, skipValidation: true });
    buildLab(app, config);
    const result: Record<string, string[]> = {};
    // Every stack of the app, shard stacks included.
    for (const stack of app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack)) {
      stack.prepareStack();
      const json = stack.toTerraform() as { resource?: Record<string, Record<string, unknown>> };
      result[stack.node.id] = Object.entries(json.resource ?? {})
        .flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`))
        .sort();
    }
    return result;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
