import { Token } from 'cdktf';

/**
 * Message factories for construct props. Every message names the prop, the bad value and the fix,
 * so an app team sees at synth what to change.
 */
export function invalidProp(construct: string, prop: string, value: unknown, expected: string): string {
  return `${construct}: '${prop}' (${JSON.stringify(value)}) ${expected}`;
}

export function invalidPolicyPath(path: string): string {
  return `policy path ${JSON.stringify(path)} is not a valid Vault path: use segments of [A-Za-z0-9_.-] or '+', separated by '/', with an optional trailing '*' and no leading '/'`;
}

export function unknownCapability(path: string, capability: string): string {
  return `policy path ${JSON.stringify(path)}: unknown capability ${JSON.stringify(capability)}; use one of create, read, update, patch, delete, list, sudo, deny, subscribe, recover`;
}

export function invalidAllowedParameters(path: string, parameters: readonly string[]): string {
  return `policy path ${JSON.stringify(path)}: allowed parameters ${JSON.stringify(parameters)} must name at least one request parameter, each of [A-Za-z0-9_.-] (no '*'); leave them out to allow any`;
}

export function mixedAllowedParameters(path: string, before: readonly string[] | undefined, now: readonly string[] | undefined): string {
  const show = (p: readonly string[] | undefined) => (p ? JSON.stringify(p) : 'any parameter');
  return `policy path ${JSON.stringify(path)} is granted once with allowed parameters ${show(before)} and once with ${show(now)}; a path's stanza holds one list, so grant the path with the same parameters each time`;
}

export function ttlOrder(construct: string, maxProp: string, maxValue: number, minProp: string, minValue: number): string {
  return `${construct}: '${maxProp}' (${maxValue}) must be >= '${minProp}' (${minValue})`;
}

/** A delivery setting the operators would reject, named by app and field (as the config spells it). */
export function invalidDelivery(appName: string, field: string, value: unknown, expected: string): string {
  return `delivery of app '${appName}': '${field}' (${JSON.stringify(value)}) ${expected}`;
}

/**
 * A prop renamed by the naming rule (constructs/index.ts), read from its deprecated old name as well;
 * setting both is refused so neither silently wins.
 */
export function renamedProp<T>(construct: string, prop: string, value: T | undefined, deprecatedProp: string, deprecatedValue: T | undefined): T | undefined {
  if (value !== undefined && deprecatedValue !== undefined) {
    throw new Error(invalidProp(construct, deprecatedProp, deprecatedValue, `is the deprecated name of '${prop}' (${JSON.stringify(value)}); set only '${prop}'`));
  }
  return value ?? deprecatedValue;
}

/**
 * Refuses a token for a prop that must be known at synthesis: a `…Path`/`…Name` prop (the naming
 * rule in constructs/index.ts), or one that shapes the output itself (counts, arithmetic, SQL).
 */
export function requireLiteral(construct: string, prop: string, value: unknown, why = 'policies, reports and delivery files are built from it'): void {
  if (Token.isUnresolved(value)) {
    throw new Error(`${construct}: '${prop}' must be a literal value known at synthesis, not a Terraform reference: ${why}`);
  }
}
