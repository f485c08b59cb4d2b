import { Audit } from '@cdktf/provider-vault/lib/audit';
import { AuthBackend } from '@cdktf/provider-vault/lib/auth-backend';
import { GenericEndpoint } from '@cdktf/provider-vault/lib/generic-endpoint';
import { IdentityEntity } from '@cdktf/provider-vault/lib/identity-entity';
import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { Aspects, TerraformStack } from 'cdktf';
import { Capability } from '../constructs/policy/capabilities';
import { VaultPolicy } from '../constructs/vault-policy';
import { LeastPrivilegeRules } from '../rules';
import { durationSeconds, globReachesSys } from '../rules/human-access-rules';
import { RuleSuppressions } from '../rules/suppressions';
import { synthErrors, warningsOf } from './support/annotations';
import { vaultTestStack } from './support/synth';

/** A Vault stack with an audit device and the whole pack, as every platform stack has it. */
function humanStack(): TerraformStack {
  const stack = vaultTestStack();
  new Audit(stack, 'Audit', { type: 'file', options: { file_path: '/vault/audit/audit.log' } });
  Aspects.of(stack).add(new LeastPrivilegeRules());
  return stack;
}

function operatorPolicy(stack: TerraformStack, path: string, capabilities: Capability[]): VaultPolicy {
  return new VaultPolicy(stack, 'OperatorPolicy', { policyName: 'operator' }).allow(path, capabilities);
}

/** An oidc role as a forge login binds it (groups claim), with the policies given. */
function oidcRole(stack: TerraformStack, overrides: Record<string, unknown> = {}): JwtAuthBackendRole {
  return new JwtAuthBackendRole(stack, 'OperatorRole', {
    backend: 'oidc',
    roleName: 'operator',
    roleType: 'oidc',
    userClaim: 'preferred_username',
    groupsClaim: 'groups',
    boundAudiences: ['vault-main'],
    boundClaims: { groups: 'lab:vault-operators' },
    allowedRedirectUris: ['http://localhost:8250/oidc/callback'],
    tokenPolicies: ['operator'],
    tokenTtl: 3600,
    tokenMaxTtl: 28800,
    ...overrides,
  });
}

/** The findings of the human-access rules (the other rules of the pack have their own tests). */
function humanFindings(stack: TerraformStack): Array<{ path: string; message: string }> {
  return synthErrors(stack).filter((e) => /^\[VP-HUM-/.test(e.message));
}

describe('globReachesSys: which policy paths are globs over sys/', () => {
  test.each(['sys/*', 'sys/leases/*', 'sys/+/mounts', 'sys/policies/acl/+', '*', 's*', 'sys*', '+/mounts'])('%s reaches sys/', (path) => {
    expect(globReachesSys(path)).toBe(true);
  });

  test.each(['sys/mounts', 'sys/leases/revoke-force', 'kvv2/data/*', 'auth/+/role', 'sysx/*', 'identity/*'])('%s does not', (path) => {
    expect(globReachesSys(path)).toBe(false);
  });
});

describe('VP-HUM-1: no sudo on a sys/ glob for a person', () => {
  test.each(['sys/*', 'sys/+/tune', 's*'])('an oidc role whose policy grants sudo on %s is a finding at the role', (path) => {
    // GIVEN an operator policy with sudo on a glob over sys/, attached to an oidc role
    const stack = humanStack();
    operatorPolicy(stack, path, ['read', 'sudo']);
    oidcRole(stack);
    // WHEN the stack is synthesized
    const findings = humanFindings(stack);
    // THEN VP-HUM-1 names the role's path, the policy and the glob
    expect(findings).toEqual([{ path: 'test/OperatorRole', message: expect.stringMatching(new RegExp(`^\\[VP-HUM-1\\] oidc role operator attaches policy operator, which grants sudo on "${path.replace(/[*+]/g, '\\$&')}"`)) }]);
  });

  test('sudo on an exact sys/ path passes', () => {
    // GIVEN sudo only on the exact endpoint that needs it
    const stack = humanStack();
    operatorPolicy(stack, 'sys/leases/revoke-force', ['update', 'sudo']);
    oidcRole(stack);
    // THEN no human-access finding
    expect(humanFindings(stack)).toEqual([]);
  });

  test('a role without role_type is an oidc role (the plugin default) and is checked', () => {
    const stack = humanStack();
    operatorPolicy(stack, 'sys/*', ['sudo']);
    oidcRole(stack, { roleType: undefined });
    expect(humanFindings(stack).map((f) => f.message)).toEqual([expect.stringMatching(/^\[VP-HUM-1\] oidc role operator/)]);
  });

  test('a jwt (CI) role is not a person and is left to the CI rules', () => {
    const stack = humanStack();
    operatorPolicy(stack, 'sys/*', ['sudo']);
    oidcRole(stack, { roleType: 'jwt' });
    expect(humanFindings(stack)).toEqual([]);
  });

  test('an identity entity (the break-glass account) with such a policy is a finding at the entity', () => {
    const stack = humanStack();
    operatorPolicy(stack, 'sys/policies/*', ['create', 'update', 'sudo']);
    new IdentityEntity(stack, 'BreakGlassEntity', { name: 'break-glass', policies: ['operator'] });
    expect(humanFindings(stack)).toEqual([{ path: 'test/BreakGlassEntity', message: expect.stringMatching(/^\[VP-HUM-1\] identity entity break-glass attaches policy operator/) }]);
  });

  test('a userpass user written through the generic endpoint with such a policy is a finding', () => {
    const stack = humanStack();
    operatorPolicy(stack, 'sys/*', ['sudo']);
    new GenericEndpoint(stack, 'User', { path: 'auth/userpass/users/alice', dataJson: JSON.stringify({ token_policies: ['operator'] }), disableRead: true });
    expect(humanFindings(stack)).toEqual([{ path: 'test/User', message: expect.stringMatching(/^\[VP-HUM-1\] user auth\/userpass\/users\/alice attaches policy operator/) }]);
  });

  test('a policy attached by reference to its resource is found and checked', () => {
    const stack = humanStack();
    const policy = operatorPolicy(stack, 'sys/*', ['sudo']);
    oidcRole(stack, { tokenPolicies: [policy.resource.name] });
    expect(humanFindings(stack).map((f) => f.message)).toEqual([expect.stringMatching(/grants sudo on "sys\/\*"/)]);
  });

  test('a hand-written vault_policy attached to a person is a finding: its rules cannot be checked', () => {
    const stack = humanStack();
    new Policy(stack, 'HandWritten', { name: 'operator', policy: 'path "sys/*" { capabilities = ["sudo"] }' });
    oidcRole(stack);
    expect(humanFindings(stack).map((f) => f.message)).toEqual([expect.stringMatching(/^\[VP-HUM-1\] oidc role operator attaches "operator", which is no VaultPolicy of this stack/)]);
  });

  test('a suppression with a reason turns the finding into a warning', () => {
    const stack = humanStack();
    operatorPolicy(stack, 'sys/*', ['sudo']);
    const role = oidcRole(stack);
    RuleSuppressions.add(role, [{ id: 'VP-HUM-1', reason: 'lab rehearsal of a root-equivalent operator, removed after' }]);
    expect(humanFindings(stack)).toEqual([]);
    expect(warningsOf(stack).map((w) => w.message)).toEqual([expect.stringMatching(/^\[VP-HUM-1\] suppressed \(lab rehearsal/)]);
  });
});

describe('VP-HUM-2: tokens of people expire', () => {
  test('an oidc role with token_period is a finding', () => {
    const stack = humanStack();
    operatorPolicy(stack, 'sys/mounts', ['read']);
    oidcRole(stack, { tokenPeriod: 3600, tokenMaxTtl: undefined });
    expect(humanFindings(stack).map((f) => f.message)).toEqual([expect.stringMatching(/^\[VP-HUM-2\] oidc role operator sets token_period \(3600s\)/)]);
  });

  test('a userpass auth method without a tune is a finding for both lease TTLs', () => {
    const stack = humanStack();
    new AuthBackend(stack, 'BreakGlass', { type: 'userpass', path: 'break-glass' });
    expect(humanFindings(stack).map((f) => f.message)).toEqual([
      expect.stringMatching(/^\[VP-HUM-2\] userpass auth method break-glass does not tune default_lease_ttl/),
      expect.stringMatching(/^\[VP-HUM-2\] userpass auth method break-glass does not tune max_lease_ttl/),
    ]);
  });

  test('a userpass tune above the ceilings is a finding naming the ceiling', () => {
    const stack = humanStack();
    new AuthBackend(stack, 'BreakGlass', { type: 'userpass', path: 'break-glass', tune: [{ defaultLeaseTtl: '15m', maxLeaseTtl: '48h' }] });
    expect(humanFindings(stack).map((f) => f.message)).toEqual([expect.stringMatching(/tune.max_lease_ttl \(172800s\) exceeds the ceiling ceilings.tokenMaxTtl \(86400s\)/)]);
  });

  test('a userpass tune under the ceilings passes', () => {
    const stack = humanStack();
    new AuthBackend(stack, 'BreakGlass', { type: 'userpass', path: 'break-glass', tune: [{ defaultLeaseTtl: '900s', maxLeaseTtl: '1h' }] });
    expect(humanFindings(stack)).toEqual([]);
  });
});

describe('durationSeconds reads durations as Vault does', () => {
  test.each([
    ['900', 900],
    ['15m', 900],
    ['1h30m', 5400],
    ['1d', 86400],
    ['0s', 0],
  ])('%s is %d seconds', (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds);
  });

  test.each(['1.5h', 'h', '15 m', ''])('%j is unreadable', (text) => {
    expect(durationSeconds(text)).toBeUndefined();
  });
});
