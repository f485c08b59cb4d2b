import { comparePriority, decidingRule, effectiveCapabilities, mergeRules, patternMatches } from '../access/path-matcher';

// Cases follow https://developer.hashicorp.com/vault/docs/concepts/policies (policy syntax and
// "Priority matching"), restated as GIVEN a pattern / policies, WHEN a request path, THEN …

describe('Vault policy path matching', () => {
  test('a path without wildcards matches only itself', () => {
    expect(patternMatches('secret/foo', 'secret/foo')).toBe(true);
    expect(patternMatches('secret/foo', 'secret/foo/bar')).toBe(false);
    expect(patternMatches('secret/foo', 'secret/fo')).toBe(false);
  });

  test('* at the end is a prefix glob: secret/foo* matches secret/foo, secret/foobar and secret/foo/bar', () => {
    for (const p of ['secret/foo', 'secret/foobar', 'secret/foo/bar']) expect(patternMatches('secret/foo*', p)).toBe(true);
    expect(patternMatches('secret/foo*', 'secret/fo')).toBe(false);
  });

  test('secret/app/* does not match secret/app itself', () => {
    expect(patternMatches('secret/app/*', 'secret/app')).toBe(false);
    expect(patternMatches('secret/app/*', 'secret/app/config')).toBe(true);
  });

  test('+ stands for exactly one segment: secret/+/teamb matches secret/foo/teamb, not secret/foo/bar/teamb', () => {
    expect(patternMatches('secret/+/teamb', 'secret/foo/teamb')).toBe(true);
    expect(patternMatches('secret/+/teamb', 'secret/bar/teamb')).toBe(true);
    expect(patternMatches('secret/+/teamb', 'secret/foo/bar/teamb')).toBe(false);
    expect(patternMatches('secret/+/+/teamb', 'secret/foo/bar/teamb')).toBe(true);
  });

  test('+ and a trailing * combine: secret/+/teamb/* matches every path under any secret/<x>/teamb/', () => {
    expect(patternMatches('secret/+/teamb/*', 'secret/foo/teamb/config/db')).toBe(true);
    expect(patternMatches('secret/+/teamb/*', 'secret/foo/teama/config')).toBe(false);
  });
});

describe('Vault policy priority', () => {
  test('an exact path beats any glob on the same request', () => {
    expect(comparePriority('secret/foo', 'secret/*')).toBeGreaterThan(0);
  });

  test('rule 1: the pattern whose first wildcard comes earlier is lower priority', () => {
    expect(comparePriority('secret/+/bar', 'secret/foo/+')).toBeLessThan(0);
  });

  test('rule 2: with the first wildcard at the same place, the pattern ending in * is lower priority', () => {
    expect(comparePriority('secret/+/bar*', 'secret/+/barbaz')).toBeLessThan(0);
  });

  test('rule 3: more + segments is lower priority (documented example: secret/* beats secret/+/+/foo/*)', () => {
    expect(comparePriority('secret/+/+/foo/*', 'secret/*')).toBeLessThan(0);
    expect(decidingRule([{ path: 'secret/*', capabilities: ['read'] }, { path: 'secret/+/+/foo/*', capabilities: ['update'] }], 'secret/a/b/foo/c')?.path).toBe('secret/*');
  });

  test('rule 4: with the same wildcards, the shorter pattern is lower priority', () => {
    expect(comparePriority('secret/foo*', 'secret/foobar*')).toBeLessThan(0);
  });

  test('rule 5: otherwise the lexicographically smaller pattern is lower priority', () => {
    expect(comparePriority('secret/a/+', 'secret/b/+')).toBeLessThan(0);
  });
});

describe('effective capabilities of a token', () => {
  test('the most specific path wins and is not mixed with a broader one', () => {
    const policy = [
      { path: 'secret/*', capabilities: ['create', 'read', 'update'] },
      { path: 'secret/foo', capabilities: ['read'] },
    ];
    expect(effectiveCapabilities([policy], 'secret/foo')).toEqual(['read']);
    expect(effectiveCapabilities([policy], 'secret/bar')).toEqual(['create', 'read', 'update']);
  });

  test('capabilities of the same path in two policies are combined', () => {
    const a = [{ path: 'secret/foo', capabilities: ['read'] }];
    const b = [{ path: 'secret/foo', capabilities: ['update'] }];
    expect(effectiveCapabilities([a, b], 'secret/foo')).toEqual(['read', 'update']);
  });

  test('deny on a path wins over every capability another policy grants on that path', () => {
    const a = [{ path: 'secret/super-secret', capabilities: ['read', 'update'] }];
    const b = [{ path: 'secret/super-secret', capabilities: ['deny'] }];
    expect(mergeRules([a, b])).toEqual([{ path: 'secret/super-secret', capabilities: ['deny'] }]);
    expect(effectiveCapabilities([a, b], 'secret/super-secret')).toEqual([]);
  });

  test('a more specific deny carves a hole in a broader grant', () => {
    const policy = [
      { path: 'secret/*', capabilities: ['read'] },
      { path: 'secret/super-secret', capabilities: ['deny'] },
    ];
    expect(effectiveCapabilities([policy], 'secret/super-secret')).toEqual([]);
    expect(effectiveCapabilities([policy], 'secret/other')).toEqual(['read']);
  });

  test('a path no pattern matches is denied (policies are deny by default)', () => {
    expect(effectiveCapabilities([[{ path: 'secret/foo', capabilities: ['read'] }]], 'secret/bar')).toEqual([]);
  });
});
