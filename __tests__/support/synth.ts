import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { App, TerraformStack, Testing } from 'cdktf';
import { stringify } from 'yaml';
import { ConfigError, loadLabConfig, parseLabConfig } from '../../config/load';
import { LabConfig } from '../../config/schema';
import { buildLab, LabStacks } from '../../stacks/lab';
import { addVaultProvider } from '../../stacks/vault-provider';

/** The synthesized Terraform JSON of one stack, as Terraform would read it (metadata removed). */
export interface TerraformJson {
  terraform?: Record<string, any>;
  provider?: Record<string, any[]>;
  resource?: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
  output?: Record<string, any>;
  variable?: Record<string, any>;
  [key: string]: unknown;
}

/**
 * Synthesizes a stack the way `cdktf synth` does: cross-stack references prepared, aspects
 * invoked, validations run. Use this rather than `Testing.synth(stack)` alone.
 */
export function synthStack(stack: TerraformStack): TerraformJson {
  stack.prepareStack();
  return JSON.parse(Testing.synth(stack, true));
}

/** Resources of one Terraform type, keyed by logical id. */
export function resourcesOf(json: TerraformJson, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}

/** The single resource of `type` whose attributes include `match`; fails if there is not exactly one. */
export function findResource(json: TerraformJson, type: string, match: Record<string, unknown>): any {
  const found = Object.values(resourcesOf(json, type)).filter((r) =>
    Object.entries(match).every(([k, v]) => JSON.stringify(r[k]) === JSON.stringify(v)),
  );
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${type} with ${JSON.stringify(match)}, found ${found.length}`);
  }
  return found[0];
}

export const EXAMPLE_CONFIG_FILE = path.join(__dirname, '..', '..', 'config', 'lab.yaml');

let exampleConfigJson: string | undefined;

/** The example config, loaded and validated once per test file; each call returns a fresh copy. */
export function exampleConfig(): LabConfig {
  if (exampleConfigJson === undefined) {
    const config = loadLabConfig(EXAMPLE_CONFIG_FILE);
    const text = JSON.stringify(config);
    // A copy through JSON is exact only for plain JSON data (no undefined value, no class instance).
    if (!isDeepStrictEqual(JSON.parse(text), config)) throw new Error('the example config is not plain JSON data, so exampleConfig() cannot copy it through JSON');
    exampleConfigJson = text;
  }
  return JSON.parse(exampleConfigJson);
}

/** Builds every stack of a lab in a test app. */
export function buildTestLab(config: LabConfig = exampleConfig()): { app: App; stacks: LabStacks } {
  const app = Testing.app();
  return { app, stacks: buildLab(app, config) };
}

const exampleStackJsonCache = new Map<keyof LabStacks, string>();

/**
 * `synthStack(buildTestLab().stacks[name])`, computed once per test file: the first call builds a
 * lab of the example config for that stack alone (no other stack of it is prepared, which could add
 * cross-stack outputs), later calls return a fresh copy of the same JSON.
 */
export function exampleStackJson(name: keyof LabStacks): TerraformJson {
  if (!exampleStackJsonCache.has(name)) exampleStackJsonCache.set(name, JSON.stringify(synthStack(buildTestLab().stacks[name])));
  return JSON.parse(exampleStackJsonCache.get(name)!);
}

let preparedExampleLab: LabStacks | undefined;
const preparedExampleJsonCache = new Map<keyof LabStacks, string>();

/**
 * One stack of the example lab synthesized after every stack of the lab was prepared, as `cdktf synth`
 * does (so producers hold the outputs their consumers read): one lab per test file, each stack
 * synthesized once, a fresh copy per call.
 */
export function preparedExampleStackJson(name: keyof LabStacks): TerraformJson {
  if (!preparedExampleLab) {
    preparedExampleLab = buildTestLab().stacks;
    Object.values(preparedExampleLab).forEach((stack) => stack.prepareStack());
  }
  if (!preparedExampleJsonCache.has(name)) preparedExampleJsonCache.set(name, JSON.stringify(synthStack(preparedExampleLab[name])));
  return JSON.parse(preparedExampleJsonCache.get(name)!);
}

/** The example config with changes applied to a deep copy. */
export function exampleConfigWith(change: (raw: any) => void): LabConfig {
  const raw = JSON.parse(JSON.stringify(exampleConfig()));
  change(raw);
  return parseLabConfig(JSON.stringify(raw), '<test>');
}

/** A bare stack with a Vault provider, for testing constructs on their own. */
export function vaultTestStack(id = 'test'): TerraformStack {
  const stack = new TerraformStack(Testing.app(), id);
  addVaultProvider(stack, { address: 'https://vault.test.example:8200' });
  return stack;
}

/** The error a change to the example config is refused with (as file `bad.yaml`); fails if accepted. */
export function exampleConfigError(change: (raw: any) => void): ConfigError {
  const raw = JSON.parse(JSON.stringify(exampleConfig()));
  change(raw);
  try {
    parseLabConfig(stringify(raw), 'bad.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}
