import { Audit } from '@cdktf/provider-vault/lib/audit';
import { JwtAuthBackend } from '@cdktf/provider-vault/lib/jwt-auth-backend';
import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { Aspects, TerraformStack, Testing } from 'cdktf';
import { LabConfig } from '../config/schema';
import { CI_CLAIM_PROFILES } from '../constructs/ci-claim-profiles';
import { LEAST_PRIVILEGE_RULES } from '../rules/least-privilege-rules';
import { leastPrivilegeRulesProps } from '../rules/apply';
import { RulePack } from '../rules/rule-pack';
import { addVaultProvider } from '../stacks/vault-provider';
import { synthErrors } from './support/annotations';
import { buildTestLab, exampleConfig, exampleConfigError, exampleConfigWith, resourcesOf, synthStack } from './support/synth';

const GITEA_ISSUER = 'https://git.lab.example.net/api/actions/oidc';

/** The example lab moved to Gitea: its issuer, and no `refProtected: true` Gitea cannot honour. */
function toGitea(raw: any): void {
  for (const env of ['main', 'sandbox']) {
    raw.environments[env].ci.oidc.claims = { profile: 'gitea' };
    raw.environments[env].ci.oidc.issuer = GITEA_ISSUER;
  }
  delete raw.ci.platform.refProtected;
  for (const app of raw.apps) delete app.ci?.refProtected;
}

/** A stack of the `main` environment (as VaultEnvironmentStack says) with the rule pack. */
function mainEnvironmentStack(config: LabConfig): TerraformStack {
  class EnvironmentStack extends TerraformStack {
    public readonly environment = 'main';
  }
  const stack = new EnvironmentStack(Testing.app(), 'main');
  addVaultProvider(stack, { address: 'https://vault.lab.example.net' });
  new Audit(stack, 'Audit', { type: 'file', options: { file_path: '/vault/audit/audit.log' } });
  Aspects.of(stack).add(new RulePack(LEAST_PRIVILEGE_RULES, leastPrivilegeRulesProps(config, 'main')));
  return stack;
}

function ciRole(stack: TerraformStack, overrides: Partial<ConstructorParameters<typeof JwtAuthBackendRole>[2]> = {}): void {
  new JwtAuthBackendRole(stack, 'CiRole', {
    backend: 'gitea-actions',
    roleName: 'gitea_cicd_webapp',
    roleType: 'jwt',
    userClaim: 'repository',
    boundAudiences: ['https://vault.lab.example.net'],
    boundClaims: { repository: 'lab/webapp', ref: 'refs/heads/main', event_name: 'push' },
    tokenPolicies: ['webapp-ops'],
    tokenTtl: 900,
    tokenMaxTtl: 900,
    ...overrides,
  });
}

const jwt2 = (stack: TerraformStack) => synthErrors(stack).filter((e) => e.message.startsWith('[VP-JWT-2]'));

describe('claim profiles', () => {
  test.each(Object.entries(CI_CLAIM_PROFILES))('every claim profile %s binds is among the claims its tokens carry', (_name, profile) => {
    const bound = Object.values(profile.names);
    expect(bound.filter((claim) => !(profile.claims as readonly string[]).includes(claim))).toEqual([]);
  });

  test("Gitea's tokens (go-gitea/gitea#39052) carry no ref_protected, Forgejo's do", () => {
    expect(CI_CLAIM_PROFILES.gitea.claims).not.toContain('ref_protected');
    expect(CI_CLAIM_PROFILES.forgejo.claims).toContain('ref_protected');
  });
});

describe('config: the issuer and refProtected against the claim profile', () => {
  test('fails when a gitea issuer does not end in /api/actions/oidc', () => {
    const error = exampleConfigError((raw) => {
      toGitea(raw);
      raw.environments.sandbox.ci.oidc.issuer = 'https://git.lab.example.net/api/actions';
    });
    expect(error.message).toMatch(/environments\.sandbox\.ci\.oidc\.issuer = "https:\/\/git\.lab\.example\.net\/api\/actions": must be the forge's ROOT_URL followed by \/api\/actions\/oidc/);
    expect(error.issues).toHaveLength(1);
  });

  test('fails when a forgejo issuer has a trailing slash (Vault compares iss exactly)', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.ci.oidc.issuer = 'https://git.lab.example.net/api/actions/';
    });
    expect(error.message).toMatch(/environments\.main\.ci\.oidc\.issuer = .*followed by \/api\/actions, .*no trailing slash/);
  });

  test('fails when ci.platform.refProtected is true and a profile is gitea', () => {
    const error = exampleConfigError((raw) => {
      toGitea(raw);
      raw.environments.main.ci.oidc.claims = { profile: 'forgejo' };
      raw.environments.main.ci.oidc.issuer = 'https://git.lab.example.net/api/actions';
      raw.ci.platform.refProtected = true;
    });
    expect(error.message).toMatch(/ci\.platform\.refProtected = true: the forge of environments\.sandbox\.ci\.oidc\.claims\.profile \('gitea'\) sends no ref-protected claim.*remove the key/);
    expect(error.issues).toHaveLength(1);
  });

  test('fails when an app asks for refProtected and the profile is gitea', () => {
    const error = exampleConfigError((raw) => {
      toGitea(raw);
      raw.apps[0].ci = { ...raw.apps[0].ci, refProtected: true };
    });
    expect(error.message).toMatch(/apps\[0\]\.ci\.refProtected = true: the forge of environments\.main\.ci\.oidc\.claims\.profile \('gitea'\) and environments\.sandbox/);
  });
});

describe('the synthesized CI roles', () => {
  let gitea: ReturnType<typeof buildTestLab>;
  beforeAll(() => {
    gitea = buildTestLab(exampleConfigWith(toGitea));
    for (const stack of Object.values(gitea.stacks)) stack.prepareStack();
  });

  test('with profile gitea, no role of any stack binds ref_protected, and the rule pack finds nothing', () => {
    for (const stack of [gitea.stacks.main, gitea.stacks.sandbox]) {
      const roles = Object.values(resourcesOf(synthStack(stack), 'vault_jwt_auth_backend_role'));
      expect(roles.length).toBeGreaterThan(0);
      expect(roles.filter((r) => 'ref_protected' in r.bound_claims)).toEqual([]);
      expect(synthErrors(stack)).toEqual([]);
    }
  });

  test('with profile forgejo, the platform deploy role binds ref_protected by default', () => {
    const config = exampleConfigWith((raw) => delete raw.ci.platform.refProtected);
    const json = synthStack(buildTestLab(config).stacks.main);
    const deploy = Object.values(resourcesOf(json, 'vault_jwt_auth_backend_role')).find((r) => r.role_name === 'gitea_cicd_platform');
    expect(deploy.bound_claims.ref_protected).toBe('true');
  });
});

describe('VP-JWT-2: CI roles bind only claims the forge emits', () => {
  const giteaConfig = exampleConfigWith(toGitea);

  test('a role binding the claims Gitea sends passes', () => {
    const stack = mainEnvironmentStack(giteaConfig);
    ciRole(stack, { boundClaims: { repository: 'lab/webapp', repository_id: '42', ref: 'refs/heads/main', event_name: 'push' }, userClaim: 'repository_id' });
    expect(synthErrors(stack)).toEqual([]);
  });

  test('fails when a role on the Gitea auth method binds ref_protected', () => {
    const stack = mainEnvironmentStack(giteaConfig);
    ciRole(stack, { boundClaims: { repository: 'lab/webapp', ref: 'refs/heads/main', ref_protected: 'true' } });
    expect(jwt2(stack).map((e) => e.message)).toEqual([
      expect.stringMatching(/bound_claims uses the claim 'ref_protected', which tokens of claims profile 'gitea' .* do not carry/),
    ]);
  });

  test('fails when the identity (user_claim) is a claim the forge does not send', () => {
    const stack = mainEnvironmentStack(exampleConfig());
    ciRole(stack, { userClaim: 'job_workflow_ref' });
    expect(jwt2(stack).map((e) => e.message)).toEqual([expect.stringMatching(/user_claim uses the claim 'job_workflow_ref', which tokens of claims profile 'forgejo'/)]);
  });

  test('a claim named as a JSON pointer to the top level (/ref) is that claim', () => {
    const stack = mainEnvironmentStack(giteaConfig);
    ciRole(stack, { boundClaims: { repository: 'lab/webapp', '/ref': 'refs/heads/main' }, userClaim: '/repository' });
    expect(jwt2(stack)).toEqual([]);
  });

  test('fails when a role refers to the CI auth method resource and binds ref_protected on Gitea', () => {
    const stack = mainEnvironmentStack(giteaConfig);
    const backend = new JwtAuthBackend(stack, 'CiAuth', { path: 'gitea-actions', boundIssuer: GITEA_ISSUER, oidcDiscoveryUrl: GITEA_ISSUER });
    ciRole(stack, { backend: backend.path, boundClaims: { repository: 'lab/webapp', ref: 'refs/heads/main', ref_protected: 'true' } });
    expect(jwt2(stack).map((e) => e.message)).toEqual([expect.stringMatching(/bound_claims uses the claim 'ref_protected'/)]);
  });

  test('a role binding ref_protected passes on Forgejo, which sends it', () => {
    const stack = mainEnvironmentStack(exampleConfig());
    ciRole(stack, { boundClaims: { repository: 'lab/webapp', ref: 'refs/heads/main', ref_protected: 'true' } });
    expect(jwt2(stack)).toEqual([]);
  });

  test('a role on another JWT auth method is not held to the forge profile', () => {
    const stack = mainEnvironmentStack(giteaConfig);
    ciRole(stack, { backend: 'other-issuer', boundClaims: { repository: 'lab/webapp', ref: 'refs/heads/main', ref_protected: 'true' } });
    expect(jwt2(stack)).toEqual([]);
  });
});
