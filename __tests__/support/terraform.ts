import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Whether a `terraform` binary runs here (providers are not needed for `terraform console`), or
 * another engine's program (`tofu`).
 */
export function terraformAvailable(binary = 'terraform'): boolean {
  const run = spawnSync(binary, ['version'], { encoding: 'utf8', timeout: 20000 });
  return run.status === 0;
}

/** `describe` when Terraform is installed; otherwise a skipped block that prints why. */
export function describeWithTerraform(name: string, fn: () => void): void {
  if (terraformAvailable()) {
    describe(name, fn);
  } else {
    describe.skip(`${name} (skipped: no terraform binary on PATH)`, fn);
    // eslint-disable-next-line no-console
    console.warn(`skipping "${name}": no terraform binary on PATH`);
  }
}

/**
 * Evaluates `expression` with Terraform's own language engine (`terraform console`) in a throwaway
 * folder holding `locals` as JSON configuration, and returns the value (via jsonencode).
 */
export function evaluateTerraform(locals: Record<string, unknown>, expression: string): unknown {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-console-'));
  try {
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ locals }));
    // An empty CLI config: no warning about a missing ~/.terraformrc mixed into the output.
    fs.writeFileSync(path.join(dir, 'cli.tfrc'), '');
    const run = spawnSync('terraform', ['console'], {
      cwd: dir,
      input: `jsonencode(${expression})\n`,
      encoding: 'utf8',
      timeout: 30000,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: path.join(dir, 'cli.tfrc'), TF_CLI_ARGS: '-no-color' },
    });
    const output = run.stdout.trim();
    if (run.status !== 0 || !output.startsWith('"')) throw new Error(`terraform console failed: ${run.stderr}${output}`);
    return JSON.parse(JSON.parse(output));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `terraform init` on a synthesized stack with provider installation pointed at an empty
 * mirror, so it never downloads: Terraform parses the whole configuration (block types such as
 * `ephemeral`, references, version constraints) and then stops at provider installation.
 * Returns the output; `parsed` says whether it got past the configuration.
 */
export function parseWithTerraform(stackJson: unknown): { parsed: boolean; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-parse-'));
  try {
    const json = JSON.parse(JSON.stringify(stackJson));
    delete json.terraform?.backend;
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(json));
    fs.mkdirSync(path.join(dir, 'empty-mirror'));
    fs.writeFileSync(path.join(dir, 'cli.tfrc'), `provider_installation {\n  filesystem_mirror {\n    path = "${path.join(dir, 'empty-mirror')}"\n  }\n}\n`);
    const run = spawnSync('terraform', ['init', '-input=false', '-no-color', '-backend=false'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60000,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: path.join(dir, 'cli.tfrc') },
    });
    const output = `${run.stdout}${run.stderr}`;
    return { parsed: /Initializing provider plugins/.test(output) && !/Unsupported block type|Invalid reference|Unsupported argument|Invalid expression/.test(output), output };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
