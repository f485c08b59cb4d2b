/**
 * Vault's ACL evaluation for one request path, as documented in
 * https://developer.hashicorp.com/vault/docs/concepts/policies ("Priority matching"):
 *   - `*` is a prefix glob and only valid at the end of a path;
 *   - `+` stands for exactly one path segment;
 *   - policies attached to one token are merged: the capabilities of the SAME path pattern are
 *     combined, and `deny` on a pattern removes every other capability of that pattern;
 *   - of all patterns matching a request, only the most specific one applies (no mixing), where a
 *     pattern P1 ranks below P2 when, in this order,
 *       1. P1's first wildcard (`+` or `*`) comes earlier,
 *       2. P1 ends in `*` and P2 does not,
 *       3. P1 has more `+` segments,
 *       4. P1 is shorter,
 *       5. P1 is smaller lexicographically.
 * Pure functions: no Vault needed.
 */

export interface AclRule {
  readonly path: string;
  readonly capabilities: readonly string[];
}

/** True when the policy path pattern matches the request path. */
export function patternMatches(pattern: string, requestPath: string): boolean {
  const glob = pattern.endsWith('*');
  const body = glob ? pattern.slice(0, -1) : pattern;
  const segments = body.split('/');
  const regex = segments
    .map((s) => (s === '+' ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${regex}${glob ? '.*' : ''}$`).test(requestPath);
}

function firstWildcard(pattern: string): number {
  const positions = [pattern.indexOf('+'), pattern.indexOf('*')].filter((i) => i >= 0);
  return positions.length ? Math.min(...positions) : Number.POSITIVE_INFINITY;
}

function plusSegments(pattern: string): number {
  return pattern.split('/').filter((s) => s === '+').length;
}

/** Negative when `a` has lower priority than `b`, positive when higher, 0 when the same pattern. */
export function comparePriority(a: string, b: string): number {
  const wa = firstWildcard(a);
  const wb = firstWildcard(b);
  if (wa !== wb) return wa < wb ? -1 : 1;
  const ga = a.endsWith('*');
  const gb = b.endsWith('*');
  if (ga !== gb) return ga ? -1 : 1;
  const pa = plusSegments(a);
  const pb = plusSegments(b);
  if (pa !== pb) return pa > pb ? -1 : 1;
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Merges the rules of several policies: same pattern → capabilities combined, `deny` alone wins. */
export function mergeRules(policies: ReadonlyArray<readonly AclRule[]>): AclRule[] {
  const byPath = new Map<string, Set<string>>();
  for (const rules of policies) {
    for (const rule of rules) {
      const caps = byPath.get(rule.path) ?? new Set<string>();
      rule.capabilities.forEach((c) => caps.add(c));
      byPath.set(rule.path, caps);
    }
  }
  return [...byPath.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, caps]) => ({ path, capabilities: caps.has('deny') ? ['deny'] : [...caps].sort() }));
}

/** The rule that decides a request, or undefined when no pattern matches (Vault denies). */
export function decidingRule(rules: readonly AclRule[], requestPath: string): AclRule | undefined {
  const matching = mergeRules([rules]).filter((r) => patternMatches(r.path, requestPath));
  return matching.sort((a, b) => comparePriority(b.path, a.path))[0];
}

/** What a token holding `policies` may do on `requestPath`: [] when denied or unmatched. */
export function effectiveCapabilities(policies: ReadonlyArray<readonly AclRule[]>, requestPath: string): string[] {
  const rule = decidingRule(mergeRules(policies), requestPath);
  if (!rule || rule.capabilities.includes('deny')) return [];
  return [...rule.capabilities];
}
