import { productionEndpoints, productionHumanLogins } from '../config/isolation';
import { exampleConfigError, exampleConfigWith } from './support/synth';

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

  test("fails when the sandbox's break-glass account has production's name (the default on both sides)", () => {
    const error = exampleConfigError((raw) => withOperators(raw, (sandbox) => delete sandbox.breakGlass.username));
    expect(error.message).toMatch(/environments\.sandbox\.operators\.breakGlass\.username = "emergency": is also environments\.main\.operators\.breakGlass\.username/);
  });
});
