import * as fs from 'fs';
import * as path from 'path';
import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { KubernetesAuthBackendRole } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-role';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { Aspects, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { AppSecretsModule } from '../constructs/app-secrets-module';
import { KubernetesAuthBackend } from '../constructs/kubernetes-auth-backend';
import { KvV2Mount } from '../constructs/kv-v2-mount';
import { VaultPolicy } from '../constructs/vault-policy';
import { InvoicingSecretsStack } from '../examples/app-team-stack';
import { LeastPrivilegeRules } from '../rules/least-privilege-pack';
import { LeastPrivilegeRulesProps } from '../rules/rule-pack';
import { SandboxIsolation, SandboxIsolationProps } from '../rules/sandbox-isolation';
import { RULE_SUPPRESSIONS_METADATA, RuleSuppressions } from '../rules/suppressions';
import { synthErrors, warningsOf } from './support/annotations';

/** The Terraform JSON a real synthesis writes for `stack`, `//` comments included. */
function writtenJson(stack: TerraformStack): any {
  stack.prepareStack();
  const outdir = Testing.fullSynth(stack);
  return JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8'));
}

const TEAM_VAULT = 'https://vault.team.example:8200';

/** Any team's stack: a Vault provider (audited by the platform) and the pack, nothing of the lab. */
function teamStack(props: LeastPrivilegeRulesProps = { auditedVaults: [TEAM_VAULT] }): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'team');
  new VaultProvider(stack, 'vault', { address: TEAM_VAULT });
  Aspects.of(stack).add(new LeastPrivilegeRules(props));
  return stack;
}

function k8sRole(scope: Construct, props: Partial<ConstructorParameters<typeof KubernetesAuthBackendRole>[2]> = {}): KubernetesAuthBackendRole {
  return new KubernetesAuthBackendRole(scope, 'Role', {
    backend: 'kubernetes',
    roleName: 'reports',
    boundServiceAccountNames: ['reports'],
    boundServiceAccountNamespaces: ['reports'],
    tokenPolicies: ['reports'],
    tokenTtl: 3600,
    tokenMaxTtl: 3600,
    ...props,
  });
}

const messages = (stack: TerraformStack) => synthErrors(stack).map((e) => e.message);

describe('the example team stack (examples/app-team-stack.ts) applies the pack', () => {
  test('passes as written: the Vault it configures is named as audited by the platform', () => {
    expect(synthErrors(new InvoicingSecretsStack(Testing.app(), 'invoicing'))).toEqual([]);
  });

  test('fails synthesis on a violation, naming the rule id and the construct path', () => {
    // GIVEN the example stack with a role bound to any ServiceAccount
    const stack = new InvoicingSecretsStack(Testing.app(), 'invoicing');
    k8sRole(stack, { boundServiceAccountNames: ['*'] });
    // WHEN it is synthesized THEN synthesis fails with the path and the rule id
    stack.prepareStack();
    expect(() => Testing.fullSynth(stack)).toThrow(/\[invoicing\/Role\] \[VP-K8S-1\] bound_service_account_names \["\*"\] contains a glob/);
  });

  test("a suppression is written into the resource's // comment of the synthesized JSON", () => {
    // GIVEN the same violation, suppressed with a reason
    const stack = new InvoicingSecretsStack(Testing.app(), 'invoicing');
    const role = k8sRole(stack, { boundServiceAccountNames: ['*'] });
    RuleSuppressions.add(role, [{ id: 'VP-K8S-1', reason: 'legacy role, removed in the next release' }]);
    // WHEN synthesized THEN it passes, and the JSON records the exception where Terraform ignores it
    const json = writtenJson(stack);
    expect(synthErrors(stack)).toEqual([]);
    expect(json.resource.vault_kubernetes_auth_backend_role[role.friendlyUniqueId]['//'][RULE_SUPPRESSIONS_METADATA]).toEqual([
      { id: 'VP-K8S-1', reason: 'legacy role, removed in the next release' },
    ]);
  });
});

describe('the constructs pass the pack with their defaults', () => {
  test('an AppSecretsModule given only what it requires has no finding (its tokens stop renewing after a day)', () => {
    // GIVEN a team stack with an app module and no token settings
    const stack = teamStack();
    const kv = KvV2Mount.fromMountPath(stack, 'Kvv2', 'kvv2');
    const kubernetesAuth = KubernetesAuthBackend.fromMountPath(stack, 'KubernetesAuth', 'kubernetes');
    new AppSecretsModule(stack, 'reports', { appName: 'reports', namespace: 'reports', kv, kubernetesAuth });
    // WHEN synthesized THEN the pack finds nothing, and the role's renewals end at the default ceiling
    expect(messages(stack)).toEqual([]);
    const roles = writtenJson(stack).resource.vault_kubernetes_auth_backend_role;
    expect(Object.values<any>(roles).map((r) => r.token_max_ttl)).toEqual([86400]);
  });
});

describe('LeastPrivilegeRules props', () => {
  test('fails when a role exceeds the default token_ttl ceiling (3600 s), naming the prop', () => {
    const stack = teamStack();
    k8sRole(stack, { tokenTtl: 3601 });
    expect(messages(stack)).toEqual(['[VP-TTL-1] token_ttl (3601s) exceeds the ceiling ceilings.tokenTtl (3600s)']);
  });

  test('a role under a raised ceiling passes', () => {
    const stack = teamStack({ auditedVaults: [TEAM_VAULT], ceilings: { tokenTtl: 7200 } });
    k8sRole(stack, { tokenTtl: 3601 });
    expect(messages(stack)).toEqual([]);
  });

  test.each([0, -5, 1.5])('fails when a ceiling is not a whole number of seconds > 0 (%p)', (tokenTtl) => {
    expect(() => new LeastPrivilegeRules({ ceilings: { tokenTtl } })).toThrow(new RegExp(`LeastPrivilegeRules: 'ceilings.tokenTtl' \\(${tokenTtl}\\) must be a whole number of seconds > 0`));
  });

  test('fails when a role on a CI auth method binds a claim its forge does not send, naming where the profile is set', () => {
    const stack = teamStack({ auditedVaults: [TEAM_VAULT], ciAuth: { 'gitea-actions': { profile: 'gitea' } } });
    new JwtAuthBackendRole(stack, 'CiRole', {
      backend: 'gitea-actions',
      roleName: 'gitea_cicd_reports',
      roleType: 'jwt',
      userClaim: 'repository',
      boundAudiences: [TEAM_VAULT],
      boundClaims: { repository: 'lab/reports', ref: 'refs/heads/main', ref_protected: 'true' },
      tokenPolicies: ['reports-ops'],
      tokenTtl: 900,
      tokenMaxTtl: 900,
    });
    expect(messages(stack)).toEqual([expect.stringMatching(/^\[VP-JWT-2\] bound_claims uses the claim 'ref_protected', which tokens of claims profile 'gitea' \(ciAuth\["gitea-actions"\]\) do not carry/)]);
  });

  test('fails when a CI auth method names an unknown claim profile', () => {
    expect(() => new LeastPrivilegeRules({ ciAuth: { 'gitea-actions': { profile: 'github' as 'gitea' } } })).toThrow(
      /'ciAuth\["gitea-actions"\].profile' \("github"\) must be one of forgejo, gitea, custom/,
    );
  });

  test('fails when a secretOperators entry is neither vso nor eso', () => {
    expect(() => new LeastPrivilegeRules({ secretOperators: { reports: 'helm' as 'vso' } })).toThrow(/'secretOperators\["reports"\]' \("helm"\) must be 'vso' or 'eso'/);
  });

  test('fails when a role secretOperators names as VSO caps its tokens instead of issuing periodic ones', () => {
    const stack = teamStack({ auditedVaults: [TEAM_VAULT], secretOperators: { reports: 'vso' } });
    k8sRole(stack);
    expect(messages(stack)).toEqual([
      expect.stringMatching(/^\[VP-VSO-1\] VSO role reports sets token_max_ttl \(3600s\)/),
      expect.stringMatching(/^\[VP-VSO-1\] VSO role reports has no token_period/),
    ]);
  });

  test('fails when the Vault a stack configures has no audit device and is not named in auditedVaults', () => {
    const stack = teamStack({});
    expect(synthErrors(stack)).toEqual([{ path: 'team/vault', message: expect.stringMatching(/^\[VP-AUD-1\] no stack configuring the Vault at https:\/\/vault.team.example:8200/) }]);
  });
});

describe('RuleSuppressions', () => {
  test("on an L2 construct, records the suppression on its defaultChild and covers the L2's findings", () => {
    // GIVEN an app policy (an L2 whose defaultChild is the vault_policy) reaching beyond its prefix
    const stack = teamStack();
    const policy = new VaultPolicy(new Construct(stack, 'Apps'), 'reports', { policyName: 'reports' }).allow('kvv2/data/shared/flags', ['read']);
    // WHEN the L2 is suppressed
    RuleSuppressions.add(policy, [{ id: 'VP-POL-2', reason: 'reports reads the shared feature flags' }]);
    // THEN the resource holds the metadata, the JSON shows it, and the finding is a warning
    const json = writtenJson(stack);
    expect(RuleSuppressions.of(policy.node.defaultChild!)).toEqual([{ id: 'VP-POL-2', reason: 'reports reads the shared feature flags' }]);
    expect(json.resource.vault_policy[policy.resource.friendlyUniqueId]['//'][RULE_SUPPRESSIONS_METADATA]).toEqual([{ id: 'VP-POL-2', reason: 'reports reads the shared feature flags' }]);
    expect(synthErrors(stack)).toEqual([]);
    expect(warningsOf(stack).map((w) => w.message)).toEqual([expect.stringMatching(/^\[VP-POL-2\] suppressed \(reports reads the shared feature flags\)/)]);
  });

  test('fails when the construct writes no Terraform block, so the suppression could not be seen', () => {
    const stack = teamStack();
    expect(() => RuleSuppressions.add(new Construct(stack, 'Group'), [{ id: 'VP-ORD-1', reason: 'a reason long enough' }])).toThrow(
      /RuleSuppressions.add: team\/Group writes no Terraform block/,
    );
  });

  test('fails when suppression metadata written around RuleSuppressions.add has no reason', () => {
    // GIVEN a violation "suppressed" by writing the metadata directly, without a reason
    const stack = teamStack();
    const role = k8sRole(stack, { boundServiceAccountNames: ['*'] });
    role.node.addMetadata(RULE_SUPPRESSIONS_METADATA, { id: 'VP-K8S-1', reason: '' });
    // THEN the entry is refused and the violation still fails synthesis
    expect(messages(stack)).toEqual([
      expect.stringMatching(/^\[VP-K8S-1\] bound_service_account_names/),
      `invalid suppression: 'reason' ("") for VP-K8S-1 on team/Role must explain the exception in at least 10 characters of plain text`,
    ]);
  });
});

describe('SandboxIsolation on any stack, configured by props', () => {
  const production: SandboxIsolationProps = {
    productionEndpoints: [{ value: 'vault.prod.example', configPath: 'production.vault' }],
    productionStateLocations: [{ location: 'local:state', configuredAt: 'production.state' }],
  };

  function isolatedStack(id: string, app = Testing.app()): TerraformStack {
    const stack = new TerraformStack(app, id);
    Aspects.of(stack).add(new SandboxIsolation(production));
    return stack;
  }

  test('fails when a value names a production endpoint from the props', () => {
    const stack = isolatedStack('rehearsal');
    new TerraformOutput(stack, 'Address', { value: 'https://vault.prod.example:8200' });
    expect(synthErrors(stack)).toEqual([
      { path: 'rehearsal/Address', message: '[VP-ISO-1] output.Address.value = "https://vault.prod.example:8200" refers to the production endpoint vault.prod.example (production.vault)' },
    ]);
  });

  test('fails when the stack depends on a stack without the isolation aspect', () => {
    const app = Testing.app();
    const stack = isolatedStack('rehearsal', app);
    stack.addDependency(new TerraformStack(app, 'prod'));
    expect(synthErrors(stack)).toEqual([{ path: 'rehearsal', message: '[VP-ISO-3] depends on the production stack prod (a cross-stack reference); pass sandbox objects only' }]);
  });

  test('a dependency on another stack with the isolation aspect passes', () => {
    const app = Testing.app();
    const stack = isolatedStack('rehearsal', app);
    stack.addDependency(isolatedStack('rehearsal-cluster', app));
    expect(synthErrors(stack)).toEqual([]);
  });
});
