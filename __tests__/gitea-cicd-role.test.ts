import { CiJwtAuthBackend } from '../constructs/ci-jwt-auth-backend';
import { GiteaCicdRole, GiteaCicdRoleProps } from '../constructs/gitea-cicd-role';
import { VaultPolicy } from '../constructs/vault-policy';
import { buildTestLab, exampleConfigWith, exampleStackJson, findResource, resourcesOf, synthStack, vaultTestStack } from './support/synth';

const ISSUER = 'https://git.example.test/api/actions';
const AUDIENCE = 'https://vault.example.test';

function setup(backendProps: Partial<ConstructorParameters<typeof CiJwtAuthBackend>[2]> = {}) {
  const stack = vaultTestStack();
  const backend = new CiJwtAuthBackend(stack, 'CiAuth', { issuer: ISSUER, audiences: [AUDIENCE], ...backendProps });
  const ops = new VaultPolicy(stack, 'Ops', { policyName: 'webapp-ops' }).allow('kvv2/data/webapp/*', ['read']);
  return { stack, backend, ops };
}

function role(props: Partial<GiteaCicdRoleProps> = {}) {
  const { stack, backend, ops } = setup();
  new GiteaCicdRole(stack, 'Role', { appName: 'webapp', backend, policies: [ops], repository: 'lab/webapp', ...props });
  return findResource(synthStack(stack), 'vault_jwt_auth_backend_role', { role_name: 'gitea_cicd_webapp' });
}

describe('CiJwtAuthBackend', () => {
  test('pins the issuer and discovers keys from it by default', () => {
    const { stack } = setup();
    const backend = findResource(synthStack(stack), 'vault_jwt_auth_backend', { path: 'gitea-actions' });
    expect(backend).toMatchObject({ type: 'jwt', bound_issuer: ISSUER, oidc_discovery_url: ISSUER });
    expect(backend.jwks_url).toBeUndefined();
  });

  test('uses a JWKS URL instead of discovery when given one', () => {
    const { stack } = setup({ jwksUrl: 'https://git.example.test/api/actions/.well-known/keys' });
    const backend = findResource(synthStack(stack), 'vault_jwt_auth_backend', { path: 'gitea-actions' });
    expect(backend.jwks_url).toBe('https://git.example.test/api/actions/.well-known/keys');
    expect(backend.oidc_discovery_url).toBeUndefined();
  });

  test('fails when both discoveryUrl and jwksUrl are set', () => {
    expect(() => setup({ discoveryUrl: ISSUER, jwksUrl: `${ISSUER}/keys` })).toThrow(/'jwksUrl'.*cannot be set together with 'discoveryUrl'/);
  });

  test('fails when the audience list is empty', () => {
    expect(() => setup({ audiences: [] })).toThrow(/'audiences' \(\[\]\) must list at least one non-empty audience/);
  });
});

describe('GiteaCicdRole', () => {
  test('binds audience, repository, the main ref and push events, with string (exact) matching', () => {
    const r = role();
    expect(r.role_type).toBe('jwt');
    expect(r.bound_audiences).toEqual([AUDIENCE]);
    expect(r.bound_claims).toEqual({ repository: 'lab/webapp', ref: 'refs/heads/main', event_name: 'push' });
    expect(r.bound_claims_type).toBe('string');
    expect(r.bound_subject).toBeUndefined();
  });

  test('gives only <app>-ops, no default policy, a short TTL that never renews past itself, no period', () => {
    const r = role();
    expect(r.token_policies).toEqual(['webapp-ops']);
    expect(r.token_no_default_policy).toBe(true);
    expect(r.token_ttl).toBeLessThanOrEqual(1200);
    expect(r.token_max_ttl).toBe(r.token_ttl);
    expect(r.token_explicit_max_ttl).toBe(r.token_ttl);
    expect(r.token_period).toBeUndefined();
  });

  test('the identity is the repository, and its immutable id when configured, never a per-run claim', () => {
    expect(role().user_claim).toBe('repository');
    const withId = role({ repositoryId: '42' });
    expect(withId.user_claim).toBe('repository_id');
    expect(withId.bound_claims).toMatchObject({ repository: 'lab/webapp', repository_id: '42' });
  });

  test('binds several refs as alternatives and ref_protected when asked', () => {
    const r = role({ trigger: { kind: 'push', refs: ['refs/heads/main', 'refs/tags/v1'] }, refProtected: true });
    expect(r.bound_claims.ref.split(',')).toEqual(['refs/heads/main', 'refs/tags/v1']);
    expect(r.bound_claims.ref_protected).toBe('true');
  });

  test('a pull-request role binds the event and the target branch instead of the ref', () => {
    const r = role({ trigger: { kind: 'pull_request', baseBranches: ['main'] } });
    expect(r.bound_claims).toEqual({ repository: 'lab/webapp', event_name: 'pull_request', base_ref: 'main' });
  });

  test('a repository glob is allowed only with a written reason, and then matches as a glob', () => {
    const r = role({ repository: 'lab/webapp-*', acceptRisks: { repositoryGlob: 'preview repos share one role by design' } });
    expect(r.bound_claims_type).toBe('glob');
  });

  describe('fails when', () => {
    test('fails when the repository is missing', () => {
      expect(() => role({ repository: undefined })).toThrow(/GiteaCicdRole\(webapp\): 'repository' \(undefined\) is required/);
    });

    test('fails when only the subject is bound without an accepted risk', () => {
      expect(() => role({ repository: undefined, boundSubject: 'repo:lab/webapp:ref:refs/heads/main' })).toThrow(/'repository'.*is required.*acceptRisks.subjectOnly/);
    });

    test('fails when the repository is not owner/repo', () => {
      expect(() => role({ repository: 'webapp' })).toThrow(/GiteaCicdRole\(webapp\): 'repository' \("webapp"\) must be 'owner\/repo'/);
    });

    test('fails when the repository has a glob and no reason', () => {
      expect(() => role({ repository: 'lab/webapp*' })).toThrow(/'repository' \("lab\/webapp\*"\) contains a glob/);
    });

    test('fails when the reason for an exception is too short', () => {
      expect(() => role({ repository: 'lab/webapp*', acceptRisks: { repositoryGlob: 'ok' } })).toThrow(/'acceptRisks.repositoryGlob' \("ok"\) must give a written reason/);
    });

    test('fails when the audience list is empty', () => {
      expect(() => role({ audiences: [] })).toThrow(/GiteaCicdRole\(webapp\): 'audiences' \(\[\]\) is empty/);
    });

    test('fails when a ref is a glob', () => {
      expect(() => role({ trigger: { kind: 'push', refs: ['refs/heads/*'] } })).toThrow(/'trigger.refs'.*must list full refs/);
    });

    test('fails when a push role would accept pull-request events', () => {
      expect(() => role({ trigger: { kind: 'push', events: ['pull_request_target' as 'push'] } })).toThrow(/'trigger.events'.*never pull_request/);
    });

    test('fails when the TTL is longer than one job should take', () => {
      expect(() => role({ tokenTtl: 86400 })).toThrow(/'tokenTtl' \(86400\) must be a whole number of seconds between 1 and 3600/);
    });
  });
});

describe('CI roles in the lab', () => {
  test('every app gets gitea_cicd_<app> with <app>-ops in main and, under the same names, in sandbox', () => {
    for (const name of ['main', 'sandbox'] as const) {
      const roles = Object.values(resourcesOf(exampleStackJson(name), 'vault_jwt_auth_backend_role'));
      for (const app of ['webapp', 'notifier', 'billing-worker', 'docs-preview']) {
        const r = roles.find((x: any) => x.role_name === `gitea_cicd_${app}`);
        expect(r?.token_policies).toEqual([`${app}-ops`]);
      }
    }
  });

  test('app roles accept pushes and manual runs on their refs; the platform deploy role only pushes', () => {
    const roles = Object.values(resourcesOf(exampleStackJson('main'), 'vault_jwt_auth_backend_role')) as any[];
    expect(roles.find((r) => r.role_name === 'gitea_cicd_webapp').bound_claims.event_name).toBe('push,workflow_dispatch');
    expect(roles.find((r) => r.role_name === 'gitea_cicd_platform').bound_claims.event_name).toBe('push');
  });

  test('sandbox roles bind the sandbox audience, never the production one', () => {
    // CI roles only: people's oidc roles bind the forge application's client id (docs/operators.md).
    const roles = Object.values(resourcesOf(exampleStackJson('sandbox'), 'vault_jwt_auth_backend_role')).filter((r: any) => r.role_type === 'jwt');
    expect(roles.length).toBeGreaterThan(0);
    for (const r of roles as any[]) expect(r.bound_audiences).toEqual(['https://vault.sandbox.lab.example.net']);
  });

  test('an app that opts out with a reason gets no CI role', () => {
    const config = exampleConfigWith((c) => {
      c.apps.find((a: any) => a.name === 'notifier').ci = { disabled: { reason: 'secrets are written by hand during the pilot' } };
    });
    const { stacks } = buildTestLab(config);
    const names = Object.values(resourcesOf(synthStack(stacks.main), 'vault_jwt_auth_backend_role')).map((r: any) => r.role_name);
    expect(names).not.toContain('gitea_cicd_notifier');
    expect(names).toContain('gitea_cicd_webapp');
  });

  test('fails when an opt-out has no real reason', () => {
    expect(() =>
      exampleConfigWith((c) => {
        c.apps[0].ci = { disabled: { reason: 'no' } };
      }),
    ).toThrow(/apps\[0\]\.ci\.disabled\.reason.*at least 10 characters/);
  });

  test('fails when the config has an empty audience list', () => {
    expect(() =>
      exampleConfigWith((c) => {
        c.environments.main.ci.oidc.audiences = [];
      }),
    ).toThrow(/environments\.main\.ci\.oidc\.audiences.*at least one audience/);
  });

  test('fails when the config sets both a discovery URL and a JWKS URL', () => {
    expect(() =>
      exampleConfigWith((c) => {
        c.environments.sandbox.ci.oidc.discoveryUrl = 'https://git.lab.example.net/api/actions';
        c.environments.sandbox.ci.oidc.jwksUrl = 'https://git.lab.example.net/api/actions/keys';
      }),
    ).toThrow(/environments\.sandbox\.ci\.oidc\.jwksUrl.*cannot be set together with discoveryUrl/);
  });

  test('fails when an app is named like the platform role', () => {
    expect(() =>
      exampleConfigWith((c) => {
        c.apps.push({ name: 'platform', namespace: 'platform', repository: 'lab/platform', delivery: 'vso' });
      }),
    ).toThrow(/apps\[4\]\.name = "platform": is reserved: this project's CI role gitea_cicd_platform/);
  });
});
