import { App, TerraformStack, Testing } from 'cdktf';
import { ciLoginFromEnvironment, addVaultProvider } from '../stacks/vault-provider';
import { buildLab } from '../stacks/lab';
import { exampleConfig, synthStack } from './support/synth';

const LOGIN = { mount: 'gitea-actions', roles: ['gitea_cicd_platform', 'gitea_cicd_platform-diff'] };
const FAKE_JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

function providerWith(env: NodeJS.ProcessEnv) {
  const stack = new TerraformStack(Testing.app(), 's');
  addVaultProvider(stack, { address: 'https://vault.test.example:8200' }, { ciLogin: LOGIN, env });
  return synthStack(stack);
}

describe('CI login of the Vault provider', () => {
  test('without VAULT_AUTH_METHOD the provider has no login block: an operator uses VAULT_TOKEN', () => {
    expect(providerWith({}).provider?.vault[0].auth_login_jwt).toBeUndefined();
  });

  test('VAULT_AUTH_METHOD=jwt logs in with the platform deploy role at the CI auth path', () => {
    expect(providerWith({ VAULT_AUTH_METHOD: 'jwt' }).provider?.vault[0].auth_login_jwt).toEqual([{ mount: 'gitea-actions', role: 'gitea_cicd_platform' }]);
  });

  test('VAULT_AUTH_ROLE picks the read-only diff role', () => {
    const login = ciLoginFromEnvironment(LOGIN, { VAULT_AUTH_METHOD: 'jwt', VAULT_AUTH_ROLE: 'gitea_cicd_platform-diff' });
    expect(login).toEqual({ mount: 'gitea-actions', role: 'gitea_cicd_platform-diff' });
  });

  test('the JWT and any token in the environment never reach the synthesized JSON', () => {
    const json = JSON.stringify(providerWith({ VAULT_AUTH_METHOD: 'jwt', TERRAFORM_VAULT_AUTH_JWT: FAKE_JWT, VAULT_TOKEN: 'hvs.fake' }));
    expect(json).not.toContain(FAKE_JWT);
    expect(json).not.toContain('hvs.');
    expect(json).not.toMatch(/"jwt"\s*:/);
  });

  test('the whole lab synthesized for CI holds no JWT or token value', () => {
    const saved = { ...process.env };
    Object.assign(process.env, { VAULT_AUTH_METHOD: 'jwt', TERRAFORM_VAULT_AUTH_JWT: FAKE_JWT, VAULT_TOKEN: 'hvs.fake' });
    try {
      const stacks = buildLab(Testing.app() as App, exampleConfig());
      for (const stack of [stacks.main, stacks.sandbox, stacks.qnap]) {
        const text = JSON.stringify(synthStack(stack));
        expect(text).not.toContain(FAKE_JWT);
        expect(text).not.toContain('hvs.fake');
      }
      expect(synthStack(stacks.main).provider?.vault[0].auth_login_jwt).toEqual([{ mount: 'gitea-actions', role: 'gitea_cicd_platform' }]);
      // The bootstrap Vault is never deployed by CI: it keeps the operator's token login.
      expect(synthStack(stacks.qnap).provider?.vault[0].auth_login_jwt).toBeUndefined();
    } finally {
      process.env = saved;
    }
  });

  test('fails when VAULT_AUTH_METHOD is unknown', () => {
    expect(() => ciLoginFromEnvironment(LOGIN, { VAULT_AUTH_METHOD: 'approle' })).toThrow(/VAULT_AUTH_METHOD \("approle"\) must be 'jwt'/);
  });

  test('fails when VAULT_AUTH_ROLE names a role the stack does not offer', () => {
    expect(() => ciLoginFromEnvironment(LOGIN, { VAULT_AUTH_METHOD: 'jwt', VAULT_AUTH_ROLE: 'gitea_cicd_webapp' })).toThrow(/VAULT_AUTH_ROLE \("gitea_cicd_webapp"\) must be one of gitea_cicd_platform, gitea_cicd_platform-diff/);
  });
});
