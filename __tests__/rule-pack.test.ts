import { Audit } from '@cdktf/provider-vault/lib/audit';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { KubernetesAuthBackendRole } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-role';
import { Token } from '@cdktf/provider-vault/lib/token';
import { TransitSecretBackendKey } from '@cdktf/provider-vault/lib/transit-secret-backend-key';
import { Aspects, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { LabConfig } from '../config/schema';
import { AppSecretsModule } from '../constructs/app-secrets-module';
import { KubernetesAuthBackend } from '../constructs/kubernetes-auth-backend';
import { KvV2Mount } from '../constructs/kv-v2-mount';
import { DENY } from '../constructs/policy/capabilities';
import { DEFAULT_POLICY_SELF_GRANTS, grantTokenSelfCalls, TOKEN_SELF_CALLS } from '../constructs/policy/token-self';
import { TransitMount } from '../constructs/transit-mount';
import { TransitUnsealMaster } from '../constructs/transit-unseal-master';
import { VaultPolicy } from '../constructs/vault-policy';
import { LEAST_PRIVILEGE_RULES, staysUnderAppPrefix } from '../rules/least-privilege-rules';
import { leastPrivilegeRulesProps } from '../rules/apply';
import { RulePack } from '../rules/rule-pack';
import { RuleSuppressions } from '../rules/suppressions';
import { synthErrors, warningsOf } from './support/annotations';
import { buildTestLab, exampleConfig, exampleConfigWith, synthStack, vaultTestStack } from './support/synth';

/** A Vault stack with an audit device and the rule pack, so each test adds only what it checks. */
function ruleStack(config: LabConfig = exampleConfig()): TerraformStack {
  const stack = vaultTestStack();
  new Audit(stack, 'Audit', { type: 'file', options: { file_path: '/vault/audit/audit.log' } });
  Aspects.of(stack).add(new RulePack(LEAST_PRIVILEGE_RULES, leastPrivilegeRulesProps(config)));
  return stack;
}

function appPolicy(stack: TerraformStack, app = 'webapp'): VaultPolicy {
  const appScope = new Construct(new Construct(stack, 'Apps'), app);
  return new VaultPolicy(appScope, 'RuntimePolicy', { policyName: app });
}

const ids = (errors: Array<{ message: string }>) => errors.map((e) => /^\[([A-Z0-9-]+)\]/.exec(e.message)?.[1]);

function k8sRole(stack: TerraformStack, overrides: Record<string, unknown> = {}): KubernetesAuthBackendRole {
  return new KubernetesAuthBackendRole(stack, 'Role', {
    backend: 'kubernetes',
    roleName: 'notifier',
    boundServiceAccountNames: ['notifier'],
    boundServiceAccountNamespaces: ['notifier'],
    tokenPolicies: ['notifier'],
    tokenTtl: 3600,
    ...('tokenPeriod' in overrides ? {} : { tokenMaxTtl: 3600 }),
    ...overrides,
  });
}

function jwtRole(stack: TerraformStack, overrides: Record<string, unknown> = {}): JwtAuthBackendRole {
  return new JwtAuthBackendRole(stack, 'CiRole', {
    backend: 'jwt',
    roleName: 'gitea_cicd_webapp',
    roleType: 'jwt',
    userClaim: 'repository',
    boundAudiences: ['https://vault.lab.example.net'],
    boundClaims: { repository: 'lab/webapp', ref: 'refs/heads/main' },
    tokenPolicies: ['webapp-ops'],
    tokenTtl: 900,
    tokenMaxTtl: 900,
    ...overrides,
  });
}

describe('the least-privilege rule pack on the example lab', () => {
  test('every stack of the example lab passes without a finding', () => {
    const { stacks } = buildTestLab();
    for (const stack of Object.values(stacks)) stack.prepareStack();
    for (const stack of Object.values(stacks)) expect(synthErrors(stack)).toEqual([]);
  });

  test('a violation fails a real synthesis, naming the rule and the construct path', () => {
    const { stacks } = buildTestLab();
    stacks.main.apps.get('webapp')!.runtimePolicy.allow('kvv2/data/*', ['read']);
    stacks.main.prepareStack();
    expect(() => Testing.fullSynth(stacks.main)).toThrow(/main\/Apps\/webapp\/RuntimePolicy\] \[VP-POL-2\]/);
  });
});

describe('VP-POL-1/2/3: app policies', () => {
  test('a policy under an app only reading its own prefix passes', () => {
    const stack = ruleStack();
    appPolicy(stack).allow('kvv2/data/webapp/config', ['read']).allow('postgres/creds/webapp', ['read']);
    expect(synthErrors(stack)).toEqual([]);
  });

  test('fails when an app policy grants sudo', () => {
    const stack = ruleStack();
    appPolicy(stack).allow('kvv2/data/webapp/config', ['read', 'sudo']);
    const errors = synthErrors(stack);
    expect(ids(errors)).toEqual(['VP-POL-1']);
    expect(errors[0]).toEqual({ path: 'test/Apps/webapp/RuntimePolicy', message: expect.stringMatching(/grants sudo on "kvv2\/data\/webapp\/config"/) });
  });

  test.each([
    ['kvv2/data/*'],
    ['kvv2/data/web*'],
    ['kvv2/data/+/config'],
    ['kvv2/data/billing/config'],
    ['sys/mounts'],
    ['auth/token/lookup'],
  ])('fails when an app policy reaches beyond its prefix: %s', (path) => {
    const stack = ruleStack();
    appPolicy(stack).allow(path, ['read']);
    const errors = synthErrors(stack);
    expect(ids(errors)).toEqual(['VP-POL-2']);
    expect(errors[0].message).toContain(JSON.stringify(path));
  });

  test("an app policy may grant its token's own lookup-self, renew-self and revoke-self, as Vault's default policy does", () => {
    const stack = ruleStack();
    grantTokenSelfCalls(appPolicy(stack), DEFAULT_POLICY_SELF_GRANTS);
    expect(synthErrors(stack)).toEqual([]);
  });

  test("fails when an app policy grants its token's own endpoints more than the default policy does", () => {
    const stack = ruleStack();
    appPolicy(stack).allow('auth/token/lookup-self', ['read', 'update']);
    expect(ids(synthErrors(stack))).toEqual(['VP-POL-2']);
  });

  test('the prefix check needs the exact app segment: webapp-admin is not under webapp', () => {
    expect(staysUnderAppPrefix('kvv2/data/webapp-admin/config', 'webapp')).toBe(false);
    expect(staysUnderAppPrefix('kvv2/metadata/webapp/*', 'webapp')).toBe(true);
    expect(staysUnderAppPrefix('postgres/creds/webapp-ro', 'webapp')).toBe(true);
    expect(staysUnderAppPrefix('postgres/creds/webapp-rw', 'webapp')).toBe(false);
  });

  test('fails when an app policy can destroy KV v2 versions or delete metadata', () => {
    const stack = ruleStack();
    const kv = new KvV2Mount(stack, 'Kvv2');
    const policy = appPolicy(stack);
    kv.grantDestroy(policy, 'webapp/config');
    const errors = synthErrors(stack);
    expect(ids(errors)).toEqual(['VP-POL-3', 'VP-POL-3']);
    expect(errors.map((e) => e.message).join('\n')).toMatch(/kvv2\/destroy\/webapp\/config[\s\S]*kvv2\/metadata\/webapp\/config/);
  });

  test('soft delete stays allowed for an app', () => {
    const stack = ruleStack();
    const kv = new KvV2Mount(stack, 'Kvv2');
    kv.grantSoftDelete(appPolicy(stack), 'webapp/config');
    expect(synthErrors(stack)).toEqual([]);
  });

  test('a policy of AppSecretsModule is recognised as an app policy wherever the module lives', () => {
    const stack = ruleStack();
    const app = new AppSecretsModule(stack, 'Web', {
      appName: 'notifier',
      namespace: 'notifier',
      kv: new KvV2Mount(stack, 'Kvv2'),
      kubernetesAuth: new KubernetesAuthBackend(stack, 'K8s', { kubernetesHost: 'https://kubernetes.default.svc:443' }),
      tokenMaxTtl: 3600,
    });
    app.opsPolicy.allow('kvv2/data/*', ['read']);
    expect(synthErrors(stack)).toEqual([expect.objectContaining({ path: 'test/Web/OpsPolicy', message: expect.stringMatching(/^\[VP-POL-2\]/) })]);
  });

  test('fails when an app holds a raw vault_policy the pack cannot read', () => {
    const stack = ruleStack();
    const appScope = new Construct(new Construct(stack, 'Apps'), 'webapp');
    new Policy(appScope, 'Handwritten', { name: 'webapp-extra', policy: 'path "sys/*" { capabilities = ["sudo"] }' });
    expect(synthErrors(stack)).toEqual([{ path: 'test/Apps/webapp/Handwritten', message: expect.stringMatching(/^\[VP-POL-5\] a raw vault_policy under an app/) }]);
  });

  test('a platform policy outside Apps may reach wider paths', () => {
    const stack = ruleStack();
    new VaultPolicy(stack, 'Platform', { policyName: 'platform-ci' }).allow('sys/mounts/*', ['read', 'sudo']);
    expect(synthErrors(stack)).toEqual([]);
  });
});

describe('VP-POL-4, VP-K8S-1, VP-VSO-1: Kubernetes roles', () => {
  test('a role bound to one exact ServiceAccount in one namespace passes', () => {
    const stack = ruleStack();
    k8sRole(stack);
    expect(synthErrors(stack)).toEqual([]);
  });

  test.each([
    [{ boundServiceAccountNames: ['*'] }, /bound_service_account_names \["\*"\] contains a glob/],
    [{ boundServiceAccountNamespaces: ['team-*'] }, /bound_service_account_namespaces \["team-\*"\] contains a glob/],
    [{ boundServiceAccountNamespaces: [], boundServiceAccountNamespaceSelector: '{"matchLabels":{"a":"b"}}' }, /namespace_selector/],
  ])('fails when a Kubernetes role is not bound exactly (%o)', (overrides, message) => {
    const stack = ruleStack();
    k8sRole(stack, overrides);
    const errors = synthErrors(stack);
    expect(ids(errors)).toContain('VP-K8S-1');
    expect(errors.map((e) => e.message).join('\n')).toMatch(message);
    expect(errors[0].path).toBe('test/Role');
  });

  test('fails when a role attaches the root policy', () => {
    const stack = ruleStack();
    k8sRole(stack, { tokenPolicies: ['notifier', 'root'] });
    expect(ids(synthErrors(stack))).toEqual(['VP-POL-4']);
  });

  test('fails when the role of a VSO-delivered app sets token_max_ttl instead of token_period', () => {
    const stack = ruleStack();
    k8sRole(stack, { roleName: 'webapp', tokenMaxTtl: 7200 });
    const messages = synthErrors(stack).map((e) => e.message);
    expect(messages).toEqual([expect.stringMatching(/^\[VP-VSO-1\] .*sets token_max_ttl/), expect.stringMatching(/^\[VP-VSO-1\] .*no token_period/)]);
  });

  test('the role of a VSO-delivered app on a token_period passes', () => {
    const stack = ruleStack();
    k8sRole(stack, { roleName: 'webapp', tokenPeriod: 3600 });
    expect(synthErrors(stack)).toEqual([]);
  });

  test('an escape-hatch override is checked too: the rule reads the synthesized JSON', () => {
    const stack = ruleStack();
    k8sRole(stack).addOverride('bound_service_account_names', ['*']);
    expect(ids(synthErrors(stack))).toEqual(['VP-K8S-1']);
  });
});

describe('VP-JWT-1: CI roles', () => {
  test('a JWT role binding audience, repository and ref passes', () => {
    const stack = ruleStack();
    jwtRole(stack);
    expect(synthErrors(stack)).toEqual([]);
  });

  test('a pull-request role binds the target branch (base_ref) in place of ref', () => {
    const stack = ruleStack();
    jwtRole(stack, { boundClaims: { repository: 'lab/webapp', event_name: 'pull_request', base_ref: 'main' } });
    expect(synthErrors(stack)).toEqual([]);
  });

  test('fails when base_ref is bound on a role that is not restricted to pull requests', () => {
    const stack = ruleStack();
    jwtRole(stack, { boundClaims: { repository: 'lab/webapp', base_ref: 'main' } });
    expect(synthErrors(stack).map((e) => e.message)).toEqual([expect.stringMatching(/does not bind 'ref'/)]);
  });

  test.each([
    [{ boundAudiences: [] }, /bound_audiences is empty/],
    [{ boundClaims: { ref: 'refs/heads/main' } }, /does not bind 'repository'/],
    [{ boundClaims: { repository: 'lab/webapp' } }, /does not bind 'ref'/],
    [{ boundClaimsType: 'glob', boundClaims: { repository: 'lab/*', ref: 'refs/heads/main' } }, /bound_claims.repository \("lab\/\*"\) is a glob/],
  ])('fails when a JWT role leaves something unbound (%o)', (overrides, message) => {
    const stack = ruleStack();
    jwtRole(stack, overrides);
    const errors = synthErrors(stack);
    expect(ids(errors)).toEqual(['VP-JWT-1']);
    expect(errors[0].message).toMatch(message);
  });
});

describe('VP-TTL-1: token ceilings from the config', () => {
  test('fails when a token TTL exceeds policy.ceilings.tokenTtl, naming the value and the ceiling', () => {
    const config = exampleConfigWith((c) => {
      c.policy = { ceilings: { tokenTtl: 600 } };
    });
    const stack = ruleStack(config);
    jwtRole(stack);
    expect(synthErrors(stack).map((e) => e.message)).toEqual(['[VP-TTL-1] token_ttl (900s) exceeds the ceiling policy.ceilings.tokenTtl (600s)']);
  });

  test('fails when a role sets no token_ttl (tokens would live for the mount default)', () => {
    const stack = ruleStack();
    jwtRole(stack, { tokenTtl: undefined });
    expect(synthErrors(stack).map((e) => e.message)).toEqual([expect.stringMatching(/^\[VP-TTL-1\] token_ttl is unset/)]);
  });

  test('fails when a role bounds no renewals: neither token_max_ttl nor token_period', () => {
    const stack = ruleStack();
    k8sRole(stack, { tokenMaxTtl: undefined });
    expect(synthErrors(stack).map((e) => e.message)).toEqual([expect.stringMatching(/^\[VP-TTL-1\] neither token_max_ttl nor token_period is set/)]);
  });

  test('a periodic role needs no token_max_ttl', () => {
    const stack = ruleStack();
    k8sRole(stack, { roleName: 'webapp', tokenPeriod: 3600 });
    expect(synthErrors(stack)).toEqual([]);
  });

  test('fails when token_max_ttl or token_period exceed the default ceilings (86400s)', () => {
    const stack = ruleStack();
    jwtRole(stack, { tokenMaxTtl: 90000, tokenPeriod: 172800 });
    expect(synthErrors(stack).map((e) => e.message).sort()).toEqual([
      '[VP-TTL-1] token_max_ttl (90000s) exceeds the ceiling policy.ceilings.tokenMaxTtl (86400s)',
      '[VP-TTL-1] token_period (172800s) exceeds the ceiling policy.ceilings.tokenPeriod (86400s)',
    ]);
  });
});

describe('VP-TRN-1 and VP-AUD-1', () => {
  test.each(['exportable', 'deletionAllowed', 'allowPlaintextBackup'])('fails when a transit key sets %s', (prop) => {
    const stack = ruleStack();
    new TransitSecretBackendKey(stack, 'Key', { backend: 'transit', name: 'autounseal', [prop]: true });
    expect(ids(synthErrors(stack))).toEqual(['VP-TRN-1']);
  });

  test('a transit key left non-exportable and non-deletable passes', () => {
    const stack = ruleStack();
    new TransitSecretBackendKey(stack, 'Key', { backend: 'transit', name: 'autounseal' });
    expect(synthErrors(stack)).toEqual([]);
  });

  test('fails when no stack of a Vault has an audit device, reported on the provider', () => {
    const stack = vaultTestStack();
    Aspects.of(stack).add(new RulePack(LEAST_PRIVILEGE_RULES, leastPrivilegeRulesProps(exampleConfig())));
    const errors = synthErrors(stack);
    expect(errors).toEqual([{ path: 'test/vault', message: expect.stringMatching(/^\[VP-AUD-1\] no stack configuring the Vault at https:\/\/vault.test.example:8200/) }]);
  });
});

describe('VP-TOK-1: tokens whose holder calls the token store on itself', () => {
  /** A policy outside Apps, so only VP-TOK-1 looks at it. */
  function platformPolicy(stack: TerraformStack, policyName = 'worker'): VaultPolicy {
    return new VaultPolicy(stack, `Policy-${policyName}`, { policyName }).allow('kvv2/data/platform/config', ['read']);
  }

  function periodicToken(stack: TerraformStack, policy: VaultPolicy, overrides: Record<string, unknown> = {}): Token {
    return new Token(stack, 'Token', { policies: [policy.resource.name], noDefaultPolicy: true, period: '24h', ...overrides });
  }

  function sealMaster(stack: TerraformStack): TransitUnsealMaster {
    const mount = new TransitMount(stack, 'Transit', { path: 'transit-unseal' });
    return new TransitUnsealMaster(stack, 'Main', { mount, unsealedVaultName: 'main', unsealedVaultAddress: 'https://vault.lab.example.net:8200', sealAddress: 'https://qnap.lab.example.net:8200' });
  }

  test('fails when a periodic token opts out of the default policy and its policy does not grant renew-self', () => {
    const stack = ruleStack();
    periodicToken(stack, platformPolicy(stack));
    expect(synthErrors(stack)).toEqual([
      {
        path: 'test/Token',
        message: expect.stringMatching(
          /^\[VP-TOK-1\] the holder of a periodic token calls auth\/token\/renew-self \(update\) with this token, but no_default_policy = true and its policies \["worker"\] do not grant it; grant it with grantTokenSelfCalls\(policy, TOKEN_SELF_CALLS\.periodic\) or keep the default policy$/,
        ),
      },
    ]);
  });

  test("a periodic token that keeps the default policy passes: Vault's default policy grants renew-self", () => {
    const stack = ruleStack();
    periodicToken(stack, platformPolicy(stack), { noDefaultPolicy: false });
    expect(synthErrors(stack)).toEqual([]);
  });

  test('a periodic token without the default policy passes when its own policy grants renew-self', () => {
    const stack = ruleStack();
    const policy = platformPolicy(stack);
    grantTokenSelfCalls(policy, TOKEN_SELF_CALLS.periodic);
    periodicToken(stack, policy);
    expect(synthErrors(stack)).toEqual([]);
  });

  test('fails when a policy of the token denies renew-self, even though it keeps the default policy', () => {
    const stack = ruleStack();
    periodicToken(stack, platformPolicy(stack).allow('auth/token/renew-self', DENY), { noDefaultPolicy: false });
    expect(synthErrors(stack).map((e) => e.message)).toEqual([expect.stringMatching(/^\[VP-TOK-1\] .*auth\/token\/renew-self \(update\) with this token, but its policies deny it/)]);
  });

  test('fails when a token whose holder renews it is not renewable', () => {
    const stack = ruleStack();
    const policy = platformPolicy(stack);
    grantTokenSelfCalls(policy, TOKEN_SELF_CALLS.periodic);
    periodicToken(stack, policy, { renewable: false });
    expect(synthErrors(stack).map((e) => e.message)).toEqual(['[VP-TOK-1] renewable = false, but the holder of a periodic token must renew this token; remove renewable = false']);
  });

  test('the seal token of a TransitUnsealMaster passes', () => {
    const stack = ruleStack();
    sealMaster(stack);
    expect(synthErrors(stack)).toEqual([]);
  });

  test('fails when the seal token is given a policy without renew-self', () => {
    const stack = ruleStack();
    const master = sealMaster(stack);
    const encryptOnly = new VaultPolicy(stack, 'EncryptOnly', { policyName: 'unseal-main-encrypt' });
    encryptOnly.allow('transit-unseal/encrypt/unseal-main', ['update']);
    master.tokenResource.policies = [encryptOnly.resource.name];
    expect(synthErrors(stack)).toEqual([
      {
        path: 'test/Main/Token',
        message: expect.stringMatching(/^\[VP-TOK-1\] the unsealed Vault's transit seal and the holder of a periodic token call auth\/token\/renew-self \(update\) .*\["unseal-main-encrypt"\] do not grant it/),
      },
    ]);
  });

  test('fails when the role VSO logs in with opts out of the default policy: VSO renews and looks up its token', () => {
    const stack = ruleStack();
    platformPolicy(stack, 'webapp');
    k8sRole(stack, { roleName: 'webapp', tokenPeriod: 3600, tokenPolicies: ['webapp'], tokenNoDefaultPolicy: true });
    expect(synthErrors(stack).map((e) => e.message)).toEqual([
      expect.stringMatching(/^\[VP-TOK-1\] the Vault Secrets Operator and the holder of a periodic token call auth\/token\/renew-self \(update\) .*token_no_default_policy = true/),
      expect.stringMatching(/^\[VP-TOK-1\] the Vault Secrets Operator calls auth\/token\/lookup-self \(read\)/),
    ]);
  });

  test("the role VSO logs in with passes without the default policy when its policy grants VSO's self-calls", () => {
    const stack = ruleStack();
    grantTokenSelfCalls(platformPolicy(stack, 'webapp'), TOKEN_SELF_CALLS.vso);
    k8sRole(stack, { roleName: 'webapp', tokenPeriod: 3600, tokenPolicies: ['webapp'], tokenNoDefaultPolicy: true });
    expect(synthErrors(stack)).toEqual([]);
  });

  test('fails when the role ESO logs in with opts out of the default policy: ESO looks up and revokes its token', () => {
    const stack = ruleStack();
    platformPolicy(stack, 'notifier');
    k8sRole(stack, { tokenNoDefaultPolicy: true });
    expect(synthErrors(stack).map((e) => e.message)).toEqual([
      expect.stringMatching(/^\[VP-TOK-1\] External Secrets calls auth\/token\/lookup-self \(read\)/),
      expect.stringMatching(/^\[VP-TOK-1\] External Secrets calls auth\/token\/revoke-self \(update\)/),
    ]);
  });

  test('the role ESO logs in with passes while it keeps the default policy', () => {
    const stack = ruleStack();
    platformPolicy(stack, 'notifier');
    k8sRole(stack);
    expect(synthErrors(stack)).toEqual([]);
  });

  test('a CI role without the default policy passes: its holder neither renews nor looks itself up', () => {
    const stack = ruleStack();
    jwtRole(stack, { tokenNoDefaultPolicy: true });
    expect(synthErrors(stack)).toEqual([]);
  });

  test('fails naming a policy it cannot read when the default policy is off', () => {
    const stack = ruleStack();
    k8sRole(stack, { roleName: 'webapp', tokenPeriod: 3600, tokenPolicies: ['handwritten'], tokenNoDefaultPolicy: true });
    expect(synthErrors(stack)[0].message).toMatch(/\(not read: no VaultPolicy of this stack is named "handwritten"\)/);
  });
});

describe('suppressions', () => {
  test('a suppressed finding does not fail synthesis and is reported as a warning with its reason', () => {
    const stack = ruleStack();
    const policy = appPolicy(stack).allow('kvv2/data/shared/config', ['read']);
    RuleSuppressions.add(policy, [{ id: 'VP-POL-2', reason: 'webapp reads the shared feature flags on purpose' }]);
    expect(synthErrors(stack)).toEqual([]);
    expect(warningsOf(stack)).toEqual([
      { path: 'test/Apps/webapp/RuntimePolicy', message: expect.stringMatching(/^\[VP-POL-2\] suppressed \(webapp reads the shared feature flags on purpose\)/) },
    ]);
  });

  test('a suppression covers one rule only', () => {
    const stack = ruleStack();
    const policy = appPolicy(stack).allow('kvv2/data/shared/config', ['read', 'sudo']);
    RuleSuppressions.add(policy, [{ id: 'VP-POL-2', reason: 'webapp reads the shared feature flags on purpose' }]);
    expect(ids(synthErrors(stack))).toEqual(['VP-POL-1']);
  });

  test('a suppression on an L2 construct covers its Resource, not its siblings', () => {
    const stack = ruleStack();
    const role = k8sRole(stack, { boundServiceAccountNames: ['*'] });
    const other = new KubernetesAuthBackendRole(stack, 'Other', {
      backend: 'kubernetes', roleName: 'other', boundServiceAccountNames: ['*'], boundServiceAccountNamespaces: ['other'], tokenPolicies: ['other'], tokenTtl: 60, tokenMaxTtl: 60,
    });
    RuleSuppressions.add(role, [{ id: 'VP-K8S-1', reason: 'legacy role, removed in the next release' }]);
    expect(synthErrors(stack).map((e) => e.path)).toEqual([other.node.path]);
  });

  test('a suppression that no finding needs is reported as a warning', () => {
    const stack = ruleStack();
    const policy = appPolicy(stack).allow('kvv2/data/webapp/config', ['read']);
    RuleSuppressions.add(policy, [{ id: 'VP-POL-2', reason: 'webapp reads the shared feature flags on purpose' }]);
    expect(synthErrors(stack)).toEqual([]);
    // The suppression lives on the policy's resource (its defaultChild), where the JSON shows it.
    expect(warningsOf(stack)).toEqual([{ path: 'test/Apps/webapp/RuntimePolicy/Resource', message: expect.stringMatching(/^\[VP-POL-2\] suppression no longer needed/) }]);
  });

  test('fails when the reason is shorter than 10 characters', () => {
    const stack = ruleStack();
    expect(() => RuleSuppressions.add(appPolicy(stack), [{ id: 'VP-POL-2', reason: 'because' }])).toThrow(/'reason' \("because"\) for VP-POL-2 on test\/Apps\/webapp\/RuntimePolicy must explain the exception in at least 10 characters/);
  });

  test('fails when the rule id is not a rule id (no blanket suppression)', () => {
    const stack = ruleStack();
    expect(() => RuleSuppressions.add(appPolicy(stack), [{ id: '*', reason: 'suppress everything here' }])).toThrow(/'id' \("\*"\) must be a rule id/);
  });
});

test('synthesizing twice reports each finding once', () => {
  const stack = ruleStack();
  appPolicy(stack).allow('kvv2/data/*', ['read']);
  synthStack(stack);
  expect(synthErrors(stack)).toHaveLength(1);
});
