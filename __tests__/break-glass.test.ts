import { parse } from '@cdktf/hcl2json';
import { Audit } from '@cdktf/provider-vault/lib/audit';
import { Aspects, TerraformStack } from 'cdktf';
import { buildAccessReport, canAccess, SynthesizedStackJson } from '../access/access-report';
import { effectiveCapabilities } from '../access/path-matcher';
import { PLATFORM_CI_POLICIES } from '../config/platform-names';
import { BreakGlassLogin, BreakGlassLoginProps } from '../constructs/break-glass-login';
import { VaultPolicy } from '../constructs/vault-policy';
import { LeastPrivilegeRules } from '../rules';
import { synthErrors } from './support/annotations';
import { buildTestLab, exampleConfig, exampleConfigError, exampleConfigWith, resourcesOf, synthStack, TerraformJson, vaultTestStack } from './support/synth';

function adminPolicy(stack: TerraformStack): VaultPolicy {
  return new VaultPolicy(stack, 'AdminPolicy', { policyName: 'human_admin' }).allow('sys/leases/revoke-force', ['update', 'sudo']);
}

function breakGlassStack(props: Partial<BreakGlassLoginProps> = {}): { stack: TerraformStack; json: TerraformJson } {
  const stack = vaultTestStack();
  new Audit(stack, 'Audit', { type: 'file', options: { file_path: '/vault/audit/audit.log' } });
  new BreakGlassLogin(stack, 'BreakGlass', { policies: [adminPolicy(stack)], ...props });
  return { stack, json: synthStack(stack) };
}

/** Every key and string value of the JSON, for searching it for a password. */
function keysAndStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(keysAndStrings);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...keysAndStrings(v)]);
  return [];
}

describe('BreakGlassLogin', () => {
  let json: TerraformJson;
  beforeAll(() => {
    ({ json } = breakGlassStack());
  });

  test('enables a userpass method at its own path whose lease TTLs are the token lifetimes (15 min, renewable to 1 h)', () => {
    const backends = Object.values(resourcesOf(json, 'vault_auth_backend'));
    expect(backends).toEqual([expect.objectContaining({ type: 'userpass', path: 'break-glass', tune: [expect.objectContaining({ default_lease_ttl: '900s', max_lease_ttl: '3600s' })] })]);
  });

  test("gives the account its policies through an identity entity aliased to the user on that method's accessor", () => {
    const [entityId, entity] = Object.entries(resourcesOf(json, 'vault_identity_entity'))[0];
    const [backendId] = Object.keys(resourcesOf(json, 'vault_auth_backend'));
    expect(entity).toMatchObject({ name: 'break-glass-emergency', policies: ['human_admin'] });
    expect(Object.values(resourcesOf(json, 'vault_identity_entity_alias'))).toEqual([
      expect.objectContaining({ name: 'emergency', mount_accessor: `\${vault_auth_backend.${backendId}.accessor}`, canonical_id: `\${vault_identity_entity.${entityId}.id}` }),
    ]);
  });

  test('no password, user write or generic endpoint is anywhere in the JSON: the password is set by hand', () => {
    expect(keysAndStrings(json.resource).filter((s) => /password/i.test(s))).toEqual([]);
    expect(Object.keys(json.resource ?? {}).filter((type) => /generic|userpass/.test(type))).toEqual([]);
  });

  test('passes the least-privilege rule pack with its defaults (VP-HUM-1, VP-HUM-2)', () => {
    const stack = vaultTestStack();
    new Audit(stack, 'Audit', { type: 'file', options: { file_path: '/vault/audit/audit.log' } });
    new BreakGlassLogin(stack, 'BreakGlass', { policies: [adminPolicy(stack)] });
    Aspects.of(stack).add(new LeastPrivilegeRules());
    expect(synthErrors(stack)).toEqual([]);
  });

  test('fails when the user name has a capital letter (userpass lowercases it at login, the alias would not match)', () => {
    expect(() => breakGlassStack({ username: 'Emergency' })).toThrow(/BreakGlassLogin: 'username' \("Emergency"\) must be lowercase/);
  });

  test('fails when no policy is given', () => {
    expect(() => breakGlassStack({ policies: [] })).toThrow(/BreakGlassLogin: 'policies' \(\[\]\) must name at least one policy/);
  });

  test('fails when tokenMaxTtl is below tokenTtl', () => {
    expect(() => breakGlassStack({ tokenTtl: 1800, tokenMaxTtl: 900 })).toThrow(/BreakGlassLogin: 'tokenMaxTtl' \(900\) must be >= 'tokenTtl' \(1800\)/);
  });
});

/** Operators of the main Vault as the example could declare them, with a break-glass account. */
function withBreakGlass(raw: any, breakGlass: Record<string, unknown>): void {
  raw.environments.main.operators = {
    oidc: { discoveryUrl: 'https://git.lab.example.net/', clientId: 'vault-main', profile: 'forgejo' },
    roles: [
      { name: 'operator', access: 'operator', groups: ['lab:vault-operators'] },
      { name: 'admin', access: 'admin', groups: ['lab:vault-admins'] },
    ],
    breakGlass,
  };
}

describe('operators.breakGlass config', () => {
  test('fails when the role names no entry of operators.roles, listing them', () => {
    const error = exampleConfigError((raw) => withBreakGlass(raw, { role: 'root' }));
    expect(error.message).toMatch(/environments\.main\.operators\.breakGlass\.role = "root": names no entry of operators\.roles \(operator, admin\)/);
  });

  test("fails when its path is the OIDC method's", () => {
    const error = exampleConfigError((raw) => withBreakGlass(raw, { role: 'admin', authPath: 'oidc' }));
    expect(error.message).toMatch(/environments\.main\.operators\.breakGlass\.authPath = "oidc": is also operators\.oidc\.authPath \(oidc\)/);
  });

  test('fails when tokenMaxTtl is below tokenTtl', () => {
    const error = exampleConfigError((raw) => withBreakGlass(raw, { role: 'admin', tokenTtl: 7200 }));
    expect(error.message).toMatch(/environments\.main\.operators\.breakGlass\.tokenTtl = 7200: tokenMaxTtl \(3600\) must be at least tokenTtl \(7200\)/);
  });

  test('fails when the user name has a capital letter', () => {
    const error = exampleConfigError((raw) => withBreakGlass(raw, { role: 'admin', username: 'Emergency' }));
    expect(error.message).toMatch(/environments\.main\.operators\.breakGlass\.username = "Emergency": must be lowercase/);
  });
});

describe('break-glass in the lab', () => {
  test('is off by default: the example lab has no userpass method and no identity entity in main or sandbox, and no break-glass alert', () => {
    const { stacks } = buildTestLab(exampleConfig());
    for (const stack of [stacks.main, stacks.sandbox]) {
      const json = synthStack(stack);
      expect(Object.values(resourcesOf(json, 'vault_auth_backend')).filter((b: any) => b.type === 'userpass')).toEqual([]);
      expect(resourcesOf(json, 'vault_identity_entity')).toEqual({});
    }
    expect(JSON.stringify(resourcesOf(synthStack(stacks.mainCluster), 'helm_release'))).not.toContain('VaultBreakGlassUsed');
  });

  describe('when main declares it', () => {
    let json: TerraformJson;
    let clusterJson: TerraformJson;
    let errors: Array<{ path: string; message: string }>;
    beforeAll(() => {
      const config = exampleConfigWith((raw) => {
        raw.environments.main.operators.breakGlass = { role: 'admin', tokenTtl: 600 };
      });
      const { stacks } = buildTestLab(config);
      errors = synthErrors(stacks.main);
      json = synthStack(stacks.main);
      clusterJson = synthStack(stacks.mainCluster);
    });

    test("main's Vault alerts on the break-glass method's logins (the rule itself: vault-operations.test.ts)", () => {
      const values = Object.values(resourcesOf(clusterJson, 'helm_release')).map((r: any) => String(r.values?.[0] ?? ''));
      expect(values.filter((v) => v.includes('alert: VaultBreakGlassUsed') && v.includes('vault_route_update_auth_break_glass__count'))).toHaveLength(1);
    });

    test("the account gets the named role's policy, which is a VaultPolicy of the stack", () => {
      const entity = Object.values(resourcesOf(json, 'vault_identity_entity'))[0];
      expect(entity.policies).toEqual(['human_admin']);
      expect(Object.values(resourcesOf(json, 'vault_policy')).map((p: any) => p.name)).toContain('human_admin');
    });

    test("the role's people may set and remove the account's password, and nothing else on the method", async () => {
      const report = await buildAccessReport([{ stack: 'main', json: json as SynthesizedStackJson['json'] }]);
      const caps = (path: string) => canAccess(report.vaults[0], 'forge-group:lab:vault-admins', path);
      expect(caps('auth/break-glass/users/emergency')).toEqual(['create', 'delete', 'update']);
      expect(caps('auth/break-glass/users/someone-else')).toEqual([]);
      expect(canAccess(report.vaults[0], 'forge-group:lab:vault-operators', 'auth/break-glass/users/emergency')).toEqual([]);
    });

    test("the role's people may send only the password when writing the account: token_policies or token_period there would give it any policy or an endless token", async () => {
      // GIVEN the admin role's policy as Vault's HCL parser reads it
      const admin = Object.values(resourcesOf(json, 'vault_policy')).find((p: any) => p.name === 'human_admin') as { policy: string };
      // WHEN
      const parsed = (await parse('policy.hcl', admin.policy)) as { path: Record<string, unknown[]> };
      // THEN Vault refuses any other parameter on the user path (hashicorp/vault vault/acl.go, AllowOperation)
      expect(parsed.path['auth/break-glass/users/emergency']).toEqual([{ capabilities: ['create', 'update', 'delete'], allowed_parameters: { password: [] } }]);
    });

    test('the configured token TTL reaches the mount tune', () => {
      const backend = Object.values(resourcesOf(json, 'vault_auth_backend')).find((b: any) => b.type === 'userpass');
      expect(backend).toMatchObject({ path: 'break-glass', tune: [expect.objectContaining({ default_lease_ttl: '600s', max_lease_ttl: '3600s' })] });
    });

    test('main still passes the rule pack (no sudo on sys/ globs in the admin policy, TTLs under the ceilings)', () => {
      expect(errors).toEqual([]);
    });

    test("CI's platform policy may create and update the account's entity and alias, and nothing for its user", async () => {
      const report = await buildAccessReport([{ stack: 'main', json: json as SynthesizedStackJson['json'] }]);
      const caps = (path: string) => effectiveCapabilities([report.vaults[0].policies[PLATFORM_CI_POLICIES.deploy]], path);
      expect(caps('identity/entity')).toEqual(expect.arrayContaining(['create', 'update']));
      expect(caps('identity/entity/id/0b6c5cbe-95f8-4b6b-a8e5-2e0a3a0c8a11')).toEqual(expect.arrayContaining(['read', 'update', 'delete']));
      expect(caps('identity/entity-alias')).toEqual(expect.arrayContaining(['create', 'update']));
      expect(caps('sys/auth/break-glass')).toEqual(expect.arrayContaining(['create', 'sudo']));
      expect(caps('auth/break-glass/users/emergency')).toEqual([]);
    });

    test("no resource writes the account: only policies name its user path, and the login's resources hold no password", () => {
      const writers = Object.entries(json.resource ?? {}).filter(([type]) => type !== 'vault_policy').flatMap(([, byId]) => Object.values(byId));
      expect(writers.filter((b) => keysAndStrings(b).some((s) => s.includes('auth/break-glass/users')))).toEqual([]);
      const loginTypes = ['vault_auth_backend', 'vault_identity_entity', 'vault_identity_entity_alias'];
      const own = loginTypes.flatMap((type) => Object.values(resourcesOf(json, type))).filter((b) => keysAndStrings(b).some((s) => /break-glass|emergency/.test(s)));
      expect(own.length).toBeGreaterThan(0);
      expect(own.flatMap(keysAndStrings).filter((s) => /password/i.test(s))).toEqual([]);
    });
  });
});
