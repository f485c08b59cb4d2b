import { loadLabConfig, validateLabConfig } from '../config/load';
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
    return app;
  });
  const raw = JSON.parse(JSON.stringify(example)) as Record<string, unknown>;
  raw.apps = apps;
  delete raw.sharding;
  return raw;
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
