import { JwtAuthBackend } from '@cdktf/provider-vault/lib/jwt-auth-backend';
import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { productionEndpoints, productionHumanLogins } from '../config/isolation';
import { BreakGlassLogin } from '../constructs/break-glass-login';
import { VaultPolicy } from '../constructs/vault-policy';
import { sandboxIsolationProps } from '../rules/apply';
import { isolationViolations, SandboxIsolationProps } from '../rules/sandbox-isolation';
import { exampleConfigError, exampleConfigWith, vaultTestStack } from './support/synth';

/**
 * Operators of one environment: a client id, two roles bound to forge groups, a break-glass account.
 * The forge's URL is a host CI's issuer does not name, so only its own sharing rule admits it.
 */
function operators(clientId: string, groupPrefix: string, username: string) {
  return {
    oidc: { discoveryUrl: 'https://forge.lab.example.net/', clientId, profile: 'forgejo' },
    roles: [
      { name: 'operator', access: 'operator', groups: [`lab:${groupPrefix}-operators`] },
      { name: 'admin', access: 'admin', groups: [`lab:${groupPrefix}-admins`] },
    ],
    breakGlass: { role: 'admin', username },
  };
}

/** The example with main's and the sandbox's operators as given, then `change` applied. */
function withOperators(raw: any, change: (sandbox: any) => void = () => {}): void {
  raw.environments.main.operators = operators('vault-main', 'vault', 'emergency');
  raw.environments.sandbox.operators = operators('vault-sandbox', 'vault-sandbox', 'sandbox-emergency');
  change(raw.environments.sandbox.operators);
}

describe("the sandbox's human logins are its own", () => {
  test('separate client ids, forge groups and break-glass accounts are accepted', () => {
    expect(() => exampleConfigWith((raw) => withOperators(raw))).not.toThrow();
  });

  test("the forge's discovery URL is shared by design, not a production endpoint", () => {
    const config = exampleConfigWith((raw) => withOperators(raw));
    expect(productionEndpoints(config).map((e) => e.configPath)).not.toContain('environments.main.operators.oidc.discoveryUrl');
  });

  test("production's human logins are its client id, every group of its roles and its break-glass account", () => {
    const config = exampleConfigWith((raw) => withOperators(raw));
    expect(productionHumanLogins(config)).toEqual([
      { value: 'vault-main', configPath: 'environments.main.operators.oidc.clientId' },
      { value: 'lab:vault-operators', configPath: 'environments.main.operators.roles[0].groups[0]' },
      { value: 'lab:vault-admins', configPath: 'environments.main.operators.roles[1].groups[0]' },
      { value: 'emergency', configPath: 'environments.main.operators.breakGlass.username' },
    ]);
  });

  test("fails when the sandbox uses production's OIDC client, naming both fields", () => {
    const error = exampleConfigError((raw) => withOperators(raw, (sandbox) => (sandbox.oidc.clientId = 'vault-main')));
    expect(error.message).toMatch(/environments\.sandbox\.operators\.oidc\.clientId = "vault-main": is also environments\.main\.operators\.oidc\.clientId; register an OAuth2 application of its own/);
  });

  test('fails when a sandbox role admits a forge group of a production role, naming both fields', () => {
    const error = exampleConfigError((raw) => withOperators(raw, (sandbox) => sandbox.roles[0].groups.push('lab:vault-admins')));
    expect(error.message).toMatch(/environments\.sandbox\.operators\.roles\[0\]\.groups\[1\] = "lab:vault-admins": is also environments\.main\.operators\.roles\[1\]\.groups\[0\]/);
  });

  test("fails when a sandbox role admits the organization of a production team: every member of main's team is in it", () => {
    const error = exampleConfigError((raw) => withOperators(raw, (sandbox) => (sandbox.roles[0].groups = ['lab'])));
    expect(error.message).toMatch(/environments\.sandbox\.operators\.roles\[0\]\.groups\[0\] = "lab": shares members with environments\.main\.operators\.roles\[0\]\.groups\[0\] \(lab:vault-operators\)/);
  });

  test("fails when production admits a whole organization and the sandbox one of its teams: the sandbox's people would open production", () => {
    const error = exampleConfigError((raw) =>
      withOperators(raw, () => {
        raw.environments.main.operators.roles[1].groups = ['Lab'];
      }),
    );
    expect(error.message).toMatch(/environments\.sandbox\.operators\.roles\[0\]\.groups\[0\] = "lab:vault-sandbox-operators": shares members with environments\.main\.operators\.roles\[1\]\.groups\[0\] \(Lab\)/);
  });

  test("fails when the sandbox's break-glass account has production's name (the default on both sides)", () => {
    const error = exampleConfigError((raw) => withOperators(raw, (sandbox) => delete sandbox.breakGlass.username));
    expect(error.message).toMatch(/environments\.sandbox\.operators\.breakGlass\.username = "emergency": is also environments\.main\.operators\.breakGlass\.username/);
  });
});

describe('VP-ISO-4: no sandbox login accepts a production login (the synthesized JSON, overrides included)', () => {
  const props: SandboxIsolationProps = {
    productionEndpoints: [],
    productionStateLocations: [],
    productionHumanLogins: [
      { value: 'vault-main', configPath: 'environments.main.operators.oidc.clientId' },
      { value: 'lab:vault-admins', configPath: 'environments.main.operators.roles[1].groups[0]' },
      { value: 'emergency', configPath: 'environments.main.operators.breakGlass.username' },
    ],
  };

  /** A sandbox Vault's people logins: the OIDC method, one role, the break-glass account. */
  function sandboxLogins(clientId: string, groups: string, username: string) {
    const stack = vaultTestStack('sandbox');
    new JwtAuthBackend(stack, 'Oidc', { type: 'oidc', path: 'oidc', oidcDiscoveryUrl: 'https://git.lab.example.net/', oidcClientId: clientId });
    new JwtAuthBackendRole(stack, 'AdminRole', { backend: 'oidc', roleName: 'admin', userClaim: 'preferred_username', boundAudiences: [clientId], boundClaims: { groups } });
    new BreakGlassLogin(stack, 'BreakGlass', { username, policies: [new VaultPolicy(stack, 'Admin', { policyName: 'human_admin' }).allow('sys/mounts', ['read'])] });
    return stack;
  }

  test("a CI (jwt) role binding a value that names a production group is no people's login and no finding", () => {
    const stack = sandboxLogins('vault-sandbox', 'lab:vault-sandbox-admins', 'sandbox-emergency');
    new JwtAuthBackendRole(stack, 'CiRole', { backend: 'gitea-actions', roleName: 'gitea_cicd_x', roleType: 'jwt', userClaim: 'repository', boundClaims: { repository: 'lab:vault-admins' } });
    expect(isolationViolations(stack, props).filter((v) => v.ruleId === 'VP-ISO-4')).toEqual([]);
  });

  test('a sandbox with its own client, groups and account has no finding', () => {
    const stack = sandboxLogins('vault-sandbox', 'lab:vault-sandbox-admins', 'sandbox-emergency');
    expect(isolationViolations(stack, props).filter((v) => v.ruleId === 'VP-ISO-4')).toEqual([]);
  });

  test("production's client id, a production group among the bound ones and its account name are findings at their constructs", () => {
    const stack = sandboxLogins('vault-main', 'lab:vault-sandbox-admins,lab:vault-admins', 'emergency');
    const found = isolationViolations(stack, props)
      .filter((v) => v.ruleId === 'VP-ISO-4')
      .map((v) => [v.construct.node.path, v.message.replace(/^resource\.[a-z_]+\.[A-Za-z0-9_]+\./, '')]);
    expect(found).toEqual([
      ['sandbox/Oidc', 'oidc_client_id = "vault-main" accepts production\'s login environments.main.operators.oidc.clientId; a production login must not open the sandbox'],
      ['sandbox/AdminRole', expect.stringMatching(/^bound_audiences\.0 = "vault-main" accepts production's login environments\.main\.operators\.oidc\.clientId/)],
      ['sandbox/AdminRole', expect.stringMatching(/^bound_claims\.groups = "lab:vault-admins" accepts production's login environments\.main\.operators\.roles\[1\]\.groups\[0\]/)],
      ['sandbox/BreakGlass/Alias', expect.stringMatching(/^name = "emergency" accepts production's login environments\.main\.operators\.breakGlass\.username/)],
    ]);
  });

  test("a sandbox role bound to the organization of a production team is a finding: that team's members are in it", () => {
    const stack = sandboxLogins('vault-sandbox', 'lab', 'sandbox-emergency');
    expect(isolationViolations(stack, props).filter((v) => v.ruleId === 'VP-ISO-4').map((v) => v.message)).toEqual([
      expect.stringMatching(/bound_claims\.groups = "lab" accepts production's login environments\.main\.operators\.roles\[1\]\.groups\[0\]/),
    ]);
  });

  test("the lab's isolation props carry production's human logins from the config", () => {
    const config = exampleConfigWith((raw) => withOperators(raw));
    expect(sandboxIsolationProps(config).productionHumanLogins).toEqual(productionHumanLogins(config));
    expect(productionHumanLogins(config)).not.toEqual([]);
  });
});
