import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { LabConfig } from '../../../config/schema';
import { buildLab } from '../../../stacks/lab';
import { exampleConfigWith } from '../synth';

/** The small lab the live suite applies: one app with a SecretContract (webapp) and one without. */
export function liveLabConfig(versions?: Record<string, number>): LabConfig {
  return exampleConfigWith((c) => {
    c.apps = c.apps.filter((a: any) => a.name === 'webapp' || a.name === 'notifier');
    // No consumer moves to main: its copy would read the QNAP Vault, which the live suite has not.
    c.environments.qnap.bootstrap.consumers.forEach((x: any) => delete x.migration);
    // No people's login: writing its config makes Vault fetch the forge's discovery document
    // (hashicorp/vault-plugin-auth-jwt path_config.go, pathConfigWrite), and there is no forge.
    delete c.environments.main.operators;
    const webapp = c.apps.find((a: any) => a.name === 'webapp');
    if (versions && webapp?.secretContract) webapp.secretContract.versions = versions;
  });
}

/** Synthesizes the lab into `outdir` as `cdktf synth` would, and returns each stack's JSON. */
export function synthesizeLiveLab(outdir: string, config: LabConfig): Record<string, any> {
  const app = new App({ outdir, skipValidation: false });
  const stacks = buildLab(app, config);
  app.synth();
  const result: Record<string, any> = {};
  for (const stack of Object.values(stacks)) {
    result[stack.node.id] = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8'));
  }
  return result;
}

/** Runs terraform in `dir`; throws with its output when it fails. */
export function terraform(dir: string, ...args: string[]): string {
  const run = spawnSync('terraform', [...args, '-input=false', '-no-color'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 600000,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
  });
  if (run.status !== 0) throw new Error(`terraform ${args.join(' ')} failed in ${dir}:\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

/** `${type.id.attr}` in the synthesized JSON → the literal attribute it points at, else the value itself. */
export function resolveReference(json: any, value: unknown): unknown {
  const m = typeof value === 'string' ? value.match(/^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/) : null;
  return m ? json.resource?.[m[1]]?.[m[2]]?.[m[3]] : value;
}
