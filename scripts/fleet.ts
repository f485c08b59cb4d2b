import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { loadLabConfig, validateLabConfig } from '../config/load';
import { resolveContractFile } from '../config/secret-contract';
import { LabConfig } from '../config/schema';

/** Keys whose value is the app's own identity, set per generated app rather than copied. */
const IDENTITY_KEYS = new Set(['name', 'namespace', 'serviceAccount', 'repository', 'delivery']);

/** `app-0007` for index 7 of a fleet. */
export function fleetAppName(index: number): string {
  return `app-${String(index).padStart(4, '0')}`;
}

/**
 * A lab of `size` generated apps with every feature on, for the benchmark and the resource budget
 * test. The environments are the example lab's; each app takes every optional setting any app of
 * the example lab uses (postgres, contracts, CI…), so a feature that appears in `config/lab.yaml`
 * is exercised here without this file changing. Delivery alternates between vso and eso. Values
 * that carry the example app's name are renamed to the generated app's.
 */
export function generateFleetConfig(size: number, example: LabConfig = loadLabConfig()): LabConfig {
  return validateLabConfig(generateFleetInput(size, example), `<generated fleet of ${size}>`);
}

/** The same fleet as `generateFleetConfig`, before validation (the benchmark times validation). */
export function generateFleetInput(size: number, example: LabConfig = loadLabConfig()): Record<string, unknown> {
  const templates = example.apps.map((a) => JSON.parse(JSON.stringify(a)) as Record<string, unknown>);
  // Every optional feature any example app uses, taken from the first app that uses it.
  const features: Record<string, { value: unknown; owner: string }> = {};
  for (const t of templates) {
    for (const [key, value] of Object.entries(t)) {
      if (!IDENTITY_KEYS.has(key) && !(key in features)) features[key] = { value, owner: t.name as string };
    }
  }
  const deliveries = [...new Set(templates.map((t) => t.delivery))];
  const apps = Array.from({ length: size }, (_, i) => {
    const name = fleetAppName(i);
    const app: Record<string, unknown> = {
      name,
      namespace: name,
      serviceAccount: name,
      repository: `lab/${name}`,
      delivery: deliveries[i % deliveries.length] ?? 'vso',
    };
    for (const [key, { value, owner }] of Object.entries(features)) app[key] = renamed(value, owner, name);
    // ESO restarts no workloads, so the config refuses restart targets on an ESO app.
    if (app.delivery === 'eso') delete app.rolloutRestartTargets;
    // `createServiceAccount: false` (an example app whose chart owns its ServiceAccount) switches a
    // per-app object off; "every feature on" means the lab creates it.
    if ('createServiceAccount' in app) app.createServiceAccount = true;
    if (features.secretContract) app.secretContract = fleetContract(features.secretContract.value as { file: string }, features.secretContract.owner, name);
    return app;
  });
  const raw = JSON.parse(JSON.stringify(example)) as Record<string, unknown>;
  raw.apps = apps;
  delete raw.sharding;
  return raw;
}

/** Generated contracts live here (git-ignored), one per fleet app, copied from the example app's. */
const FLEET_CONTRACTS_DIR = '.fleet/contracts';

/** The example app's contract, renamed for `name` and written where the config loader finds it. */
function fleetContract(pointer: { file: string }, owner: string, name: string): Record<string, unknown> {
  const contract = renamed(parse(fs.readFileSync(resolveContractFile(pointer.file), 'utf8')), owner, name);
  const file = `${FLEET_CONTRACTS_DIR}/${name}.secrets.yaml`;
  const target = resolveContractFile(file);
  const text = stringify(contract);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== text) fs.writeFileSync(target, text);
  return { ...(renamed(pointer, owner, name) as Record<string, unknown>), file };
}

/** Deep copy of `value` with the example app's name (as a whole word) replaced by `name`. */
function renamed(value: unknown, from: string, name: string): unknown {
  if (typeof value === 'string') return value.replace(new RegExp(`(?<![a-z0-9-])${from}(?![a-z0-9-])`, 'g'), name);
  if (Array.isArray(value)) return value.map((v) => renamed(v, from, name));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renamed(v, from, name)]));
  }
  return value;
}
