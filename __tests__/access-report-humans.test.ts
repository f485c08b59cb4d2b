import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { AccessReport, buildAccessReport, canAccess, renderTable, SynthesizedStackJson } from '../access/access-report';
import { BreakGlassLogin } from '../constructs/break-glass-login';
import { VaultPolicy } from '../constructs/vault-policy';
import { synthStack, vaultTestStack } from './support/synth';

/**
 * A Vault with people's logins as the provider receives them: an oidc role bound to two forge
 * groups, one without role_type, a CI jwt role, and the break-glass userpass account.
 */
async function humanReport(): Promise<AccessReport> {
  const stack = vaultTestStack();
  const operator = new VaultPolicy(stack, 'OperatorPolicy', { policyName: 'human_operator' }).allow('sys/mounts', ['read']);
  const admin = new VaultPolicy(stack, 'AdminPolicy', { policyName: 'human_admin' }).allow('sys/leases/revoke-force', ['update', 'sudo']);
  new JwtAuthBackendRole(stack, 'OperatorRole', {
    backend: 'oidc',
    roleName: 'operator',
    roleType: 'oidc',
    userClaim: 'preferred_username',
    groupsClaim: 'groups',
    boundClaims: { groups: 'lab:vault-operators,lab:sre' },
    tokenPolicies: [operator.policyName],
  });
  // No role_type: the plugin makes it an oidc role (hashicorp/vault-plugin-auth-jwt path_role.go).
  new JwtAuthBackendRole(stack, 'AuditorRole', {
    backend: 'oidc',
    roleName: 'auditor',
    userClaim: 'preferred_username',
    groupsClaim: 'groups',
    boundClaims: { groups: 'lab:auditors' },
    tokenPolicies: [operator.policyName],
  });
  new JwtAuthBackendRole(stack, 'CiRole', {
    backend: 'gitea-actions',
    roleName: 'gitea_cicd_webapp',
    roleType: 'jwt',
    userClaim: 'repository',
    boundClaims: { repository: 'lab/webapp', ref: 'refs/heads/main' },
    tokenPolicies: ['webapp-ops'],
  });
  new BreakGlassLogin(stack, 'BreakGlass', { policies: [admin] });
  const json = synthStack(stack) as SynthesizedStackJson['json'];
  return buildAccessReport([{ stack: 'test', json }]);
}

describe('access report: people as identities', () => {
  let report: AccessReport;
  beforeAll(async () => {
    report = await humanReport();
  });
  const rows = () => report.vaults[0].rows.map((r) => ({ identity: r.identity, kind: r.identityKind, role: r.role, policies: r.policies }));

  test('each forge group bound by an oidc role is an identity: forge group -> role -> policies', () => {
    expect(rows().filter((r) => r.kind === 'forge-group')).toEqual([
      { identity: 'forge-group:lab:auditors', kind: 'forge-group', role: 'auth/oidc/role/auditor', policies: ['human_operator'] },
      { identity: 'forge-group:lab:sre', kind: 'forge-group', role: 'auth/oidc/role/operator', policies: ['human_operator'] },
      { identity: 'forge-group:lab:vault-operators', kind: 'forge-group', role: 'auth/oidc/role/operator', policies: ['human_operator'] },
    ]);
  });

  test("a forge group's paths come from its role's policies", () => {
    expect(canAccess(report.vaults[0], 'forge-group:lab:vault-operators', 'sys/mounts')).toEqual(['read']);
    expect(canAccess(report.vaults[0], 'forge-group:lab:vault-operators', 'sys/leases/revoke-force')).toEqual([]);
  });

  test('a jwt role stays a CI identity (repository@ref), not a forge group', () => {
    expect(rows().filter((r) => r.kind === 'ci')).toEqual([{ identity: 'lab/webapp@refs/heads/main', kind: 'ci', role: 'auth/gitea-actions/role/gitea_cicd_webapp', policies: ['webapp-ops'] }]);
  });

  test("the break-glass account is a userpass identity with its entity's policies", () => {
    expect(rows().filter((r) => r.kind === 'userpass')).toEqual([{ identity: 'userpass:emergency', kind: 'userpass', role: 'auth/break-glass/users/emergency', policies: ['human_admin'] }]);
    expect(canAccess(report.vaults[0], 'userpass:emergency', 'sys/leases/revoke-force')).toEqual(['sudo', 'update']);
  });

  test('the table names forge groups in its identity column', () => {
    expect(renderTable(report)).toMatch(/^forge-group:lab:vault-operators +auth\/oidc\/role\/operator +human_operator +sys\/mounts +read$/m);
  });
});
