import * as fs from 'fs';
import * as path from 'path';
import { evaluateClaims, globMatch, grantedAccess, jwtRolesOf, evaluateRole, JwtRole } from '../stacks/ci-access';
import { buildTestLab, synthStack, TerraformJson } from './support/synth';

const EXAMPLE_CLAIMS = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'docs', 'examples', 'claims-main.json'), 'utf8'));
let mainJson: TerraformJson;
beforeAll(() => {
  mainJson = synthStack(buildTestLab().stacks.main);
});

/** The example token of lab/webapp's main branch with some claims changed. */
const claimsWith = (changes: Record<string, unknown>) => ({ ...EXAMPLE_CLAIMS, ...changes });

describe('ci-access: what a CI token gets in the main Vault', () => {
  test('the main branch of lab/webapp gets gitea_cicd_webapp with webapp-ops, and nothing else', () => {
    expect(grantedAccess(mainJson, EXAMPLE_CLAIMS)).toEqual([{ role: 'gitea-actions/gitea_cicd_webapp', policies: ['webapp-ops'] }]);
  });

  test('another repository gets nothing', () => {
    expect(grantedAccess(mainJson, claimsWith({ repository: 'lab/other', sub: 'repo:lab/other:ref:refs/heads/main' }))).toEqual([]);
  });

  test('a look-alike repository (lab/webapp-evil) gets nothing', () => {
    expect(grantedAccess(mainJson, claimsWith({ repository: 'lab/webapp-evil' }))).toEqual([]);
  });

  test('another branch of the right repository gets nothing', () => {
    expect(grantedAccess(mainJson, claimsWith({ ref: 'refs/heads/feature' }))).toEqual([]);
  });

  test('a pull-request run of the app repository gets nothing', () => {
    const pr = claimsWith({ event_name: 'pull_request', ref: 'refs/pull/7/head', base_ref: 'main', ref_protected: 'false' });
    expect(grantedAccess(mainJson, pr)).toEqual([]);
  });

  test('a pull_request_target run on main (base-branch ref, untrusted code) gets nothing', () => {
    expect(grantedAccess(mainJson, claimsWith({ event_name: 'pull_request_target' }))).toEqual([]);
  });

  test('a manual run (workflow_dispatch) on main of lab/webapp gets webapp-ops too', () => {
    expect(grantedAccess(mainJson, claimsWith({ event_name: 'workflow_dispatch' })).map((g) => g.role)).toEqual(['gitea-actions/gitea_cicd_webapp']);
  });

  test('a manual run of this project gets no deploy role: deploys follow pushes only', () => {
    expect(grantedAccess(mainJson, claimsWith({ repository: 'lab/vault-platform', event_name: 'workflow_dispatch' }))).toEqual([]);
  });

  test('a token minted for another audience gets nothing', () => {
    expect(grantedAccess(mainJson, claimsWith({ aud: 'https://vault.sandbox.lab.example.net' }))).toEqual([]);
  });

  test('a token from another issuer gets nothing', () => {
    expect(grantedAccess(mainJson, claimsWith({ iss: 'https://evil.example/api/actions' }))).toEqual([]);
  });

  test('an audience list counts when any entry matches', () => {
    const granted = grantedAccess(mainJson, claimsWith({ aud: ['https://other.example', 'https://vault.lab.example.net'] }));
    expect(granted.map((g) => g.role)).toEqual(['gitea-actions/gitea_cicd_webapp']);
  });

  test('an unprotected main branch gets nothing where the role binds ref_protected', () => {
    expect(grantedAccess(mainJson, claimsWith({ ref_protected: 'false' }))).toEqual([]);
  });

  test('a renamed repository reusing the name but with another id gets nothing', () => {
    expect(grantedAccess(mainJson, claimsWith({ repository_id: '999' }))).toEqual([]);
  });

  test('a pull request into main of this project gets only the read-only diff role', () => {
    const pr = claimsWith({ repository: 'lab/vault-platform', event_name: 'pull_request', ref: 'refs/pull/3/head', base_ref: 'main', ref_protected: 'false' });
    expect(grantedAccess(mainJson, pr)).toEqual([{ role: 'gitea-actions/gitea_cicd_platform-diff', policies: ['platform-diff'] }]);
  });

  test('a push to main of this project gets the deploy role', () => {
    const push = claimsWith({ repository: 'lab/vault-platform' });
    expect(grantedAccess(mainJson, push)).toEqual([{ role: 'gitea-actions/gitea_cicd_platform', policies: ['platform-deploy'] }]);
  });

  test('refusals say which binding failed', () => {
    const decisions = evaluateClaims(mainJson, claimsWith({ ref: 'refs/heads/feature' }));
    const webapp = decisions.find((d) => d.role.roleName === 'gitea_cicd_webapp');
    expect(webapp?.granted).toBe(false);
    expect(webapp?.reasons.join('\n')).toMatch(/claim "ref" \("refs\/heads\/feature"\) does not match any of \["refs\/heads\/main"\]/);
  });
});

describe("ci-access: Vault's matching rules", () => {
  const base: JwtRole = {
    address: 'r',
    backendPath: 'jwt',
    roleName: 'r',
    roleType: 'jwt',
    boundAudiences: ['vault'],
    boundClaims: {},
    boundClaimsType: 'string',
    userClaim: 'repository',
    userClaimJsonPointer: false,
    policies: ['p'],
  };
  const token = { aud: 'vault', repository: 'lab/webapp' };

  test('a role without bound audiences refuses a token that has an audience', () => {
    expect(evaluateRole({ ...base, boundAudiences: [] }, token).granted).toBe(false);
  });

  test('string matching is type-sensitive: boolean true does not match "true"', () => {
    const role = { ...base, boundClaims: { ref_protected: ['true'] } };
    expect(evaluateRole(role, { ...token, ref_protected: true }).granted).toBe(false);
    expect(evaluateRole(role, { ...token, ref_protected: 'true' }).granted).toBe(true);
  });

  test('a numeric claim is refused, as Vault refuses non-string claims', () => {
    expect(evaluateRole({ ...base, boundClaims: { repository_id: ['42'] } }, { ...token, repository_id: 42 }).granted).toBe(false);
  });

  test('a list claim matches when any of its values matches any bound value', () => {
    const role = { ...base, boundClaims: { groups: ['admins', 'ops'] } };
    expect(evaluateRole(role, { ...token, groups: ['dev', 'ops'] }).granted).toBe(true);
    expect(evaluateRole(role, { ...token, groups: ['dev'] }).granted).toBe(false);
  });

  test('a key starting with / reads a nested claim', () => {
    const role = { ...base, boundClaims: { '/ctx/repo': ['lab/webapp'] } };
    expect(evaluateRole(role, { ...token, ctx: { repo: 'lab/webapp' } }).granted).toBe(true);
    expect(evaluateRole(role, { ...token, ctx: { repo: 'lab/other' } }).granted).toBe(false);
  });

  test('bound_subject must match sub exactly', () => {
    const role = { ...base, boundSubject: 'repo:lab/webapp:ref:refs/heads/main' };
    expect(evaluateRole(role, { ...token, sub: 'repo:lab/webapp:ref:refs/heads/main' }).granted).toBe(true);
    expect(evaluateRole(role, { ...token, sub: 'repo:lab/webapp:ref:refs/heads/main2' }).granted).toBe(false);
  });

  test('a glob role lets a look-alike repository in, which is why the construct refuses globs', () => {
    const role = { ...base, boundClaims: { repository: ['lab/webapp*'] }, boundClaimsType: 'glob' as const };
    expect(evaluateRole(role, { ...token, repository: 'lab/webapp-evil' }).granted).toBe(true);
    expect(evaluateRole({ ...role, boundClaimsType: 'string' }, { ...token, repository: 'lab/webapp-evil' }).granted).toBe(false);
  });

  test('glob matching follows go-glob: * only, anchored at both ends', () => {
    expect(globMatch('refs/heads/*', 'refs/heads/main')).toBe(true);
    expect(globMatch('refs/*/main', 'refs/heads/main')).toBe(true);
    expect(globMatch('refs/*/main', 'refs/heads/main2')).toBe(false);
    expect(globMatch('*main', 'xmain')).toBe(true);
    expect(globMatch('lab/web?pp', 'lab/webapp')).toBe(false);
  });

  test('comma-separated bound values from the provider are alternatives', () => {
    const roles = jwtRolesOf({
      resource: {
        vault_jwt_auth_backend_role: { r: { role_name: 'r', role_type: 'jwt', backend: 'jwt', bound_claims: { ref: 'refs/heads/main, refs/heads/release' }, user_claim: 'sub' } },
      },
    });
    expect(roles[0].boundClaims.ref).toEqual(['refs/heads/main', 'refs/heads/release']);
  });
});
