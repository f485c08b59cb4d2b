import { KvSecretV2 } from '@cdktf/provider-vault/lib/kv-secret-v2';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { AccessRow, buildAccessReport } from '../access/access-report';
import { effectiveCapabilities } from '../access/path-matcher';
import { KvV2Mount, VaultPolicy } from '../constructs';
import { InvoicingSecretsStack } from '../examples/app-team-stack';
import { deriveResourceRules, providerRules } from '../stacks/platform-policy';
import { buildTestLab, exampleConfigWith, synthStack } from './support/synth';

/** The example stack, changed by `change` (to show what the check refuses). */
function teamStack(change: (stack: TerraformStack) => void = () => undefined): TerraformStack {
  const stack = new InvoicingSecretsStack(Testing.app(), 'invoicing');
  change(stack);
  return stack;
}

/**
 * Throws, naming each refused call, unless `role` may make every Vault call deploying `stack` makes:
 * the provider's own calls and, per resource, those stacks/platform-policy.ts maps its type to. A
 * delete may be missing where the resource sets prevent_destroy (Terraform refuses it at plan).
 */
function assertRoleCanDeploy(stack: TerraformStack, role: AccessRow): void {
  const json = synthStack(stack);
  const unmapped = new Set<string>();
  const calls = [
    { address: 'provider.vault', rules: providerRules(json.provider?.vault?.[0]?.skip_child_token === true) },
    ...deriveResourceRules(stack, unmapped),
  ];
  const refused = [...unmapped].map((type) => `${type}: no Vault calls known for this type`);
  for (const { address, rules } of calls) {
    const [type, id] = address.split('.');
    const keptOnDestroy = json.resource?.[type]?.[id]?.lifecycle?.prevent_destroy === true;
    for (const rule of rules) {
      // A path only known at apply (`+`) cannot be shown to stay inside the role's paths.
      const granted = rule.path.split('/').includes('+') ? [] : effectiveCapabilities([role.grants], rule.path);
      const missing = rule.capabilities.filter((c) => !granted.includes(c) && !(c === 'delete' && keptOnDestroy));
      if (missing.length > 0) refused.push(`${address} needs ${missing.join(', ')} on ${rule.path}`);
    }
  }
  if (refused.length > 0) throw new Error(`${role.role} (${role.policies.join(', ')}) cannot deploy stack ${stack.node.id}: ${refused.join('; ')}`);
}

// The README's app-team example is real code: it must synthesize and mean what the README says.
describe('examples/app-team-stack.ts', () => {
  const json = synthStack(teamStack());
  const login = json.provider?.vault?.[0]?.auth_login_jwt?.[0];
  // The platform's side: the main stack of a lab whose config declares the app as the README does.
  let platformRoles: AccessRow[];
  beforeAll(async () => {
    const config = exampleConfigWith((c) => c.apps.push({ name: 'invoicing', namespace: 'invoicing', repository: 'lab/invoicing', delivery: 'vso' }));
    const report = await buildAccessReport([{ stack: 'main', json: synthStack(buildTestLab(config).stacks.main) }]);
    platformRoles = report.vaults.find((v) => v.vault === json.provider?.vault?.[0]?.address)?.rows ?? [];
  });
  const loginRole = () => platformRoles.find((r) => r.role === `auth/${login?.mount}/role/${login?.role}`);

  test("logs in with the forge's JWT as gitea_cicd_invoicing, with no token written and no child token", () => {
    expect(json.provider?.vault).toEqual([
      { address: 'https://vault.lab.example.net:8200', auth_login_jwt: [{ mount: 'gitea-actions', role: 'gitea_cicd_invoicing' }], skip_child_token: true },
    ]);
  });

  test('the role it logs in with is the one the platform creates for the declared app, with invoicing-ops alone', () => {
    expect(loginRole()).toMatchObject({ identity: 'lab/invoicing@refs/heads/main', identityKind: 'ci', policies: ['invoicing-ops'] });
  });

  test('writes kvv2/invoicing/config write-only from a variable marked ephemeral, never a literal', () => {
    const secret = Object.values(json.resource?.vault_kv_secret_v2 ?? {});
    expect(secret).toEqual([expect.objectContaining({ mount: 'kvv2', name: 'invoicing/config', data_json_wo: '${var.invoicing_config}', data_json_wo_version: 1 })]);
    expect(secret[0]).not.toHaveProperty('data_json');
    expect(json.variable?.invoicing_config).toMatchObject({ ephemeral: true, sensitive: true });
  });

  test("every Vault call deploying it makes is granted to that role by the platform's invoicing-ops", () => {
    expect(() => assertRoleCanDeploy(teamStack(), loginRole()!)).not.toThrow();
  });

  describe('fails when the stack manages what invoicing-ops does not cover', () => {
    test.each([
      ['a policy', (s: TerraformStack) => new VaultPolicy(s, 'Extra', { policyName: 'invoicing-extra' }).allow('kvv2/data/invoicing/x', ['read']), /vault_policy\.\S+ needs create, read, update, delete on sys\/policies\/acl\/invoicing-extra/],
      ['a mount', (s: TerraformStack) => new KvV2Mount(s, 'OwnKv'), /vault_mount\.\S+ needs create, read, update, delete on sys\/mounts\/kvv2;/],
      [
        "another app's secret",
        (s: TerraformStack) => new KvSecretV2(s, 'Billing', { mount: 'kvv2', name: 'billing-worker/config', dataJsonWo: '{}', dataJsonWoVersion: 1, lifecycle: { preventDestroy: true } }),
        /vault_kv_secret_v2\.Billing needs create, read, update on kvv2\/data\/billing-worker\/config/,
      ],
    ])('fails when it manages %s', (_kind, add, message) => {
      expect(() => assertRoleCanDeploy(teamStack(add), loginRole()!)).toThrow(message);
    });

    test('fails when a secret of its own would be deleted on destroy (invoicing-ops never deletes)', () => {
      const stack = teamStack((s) => new KvSecretV2(s, 'Smtp', { mount: 'kvv2', name: 'invoicing/smtp', dataJsonWo: '{}', dataJsonWoVersion: 1 }));
      expect(() => assertRoleCanDeploy(stack, loginRole()!)).toThrow(/vault_kv_secret_v2\.Smtp needs delete on kvv2\/data\/invoicing\/smtp$/);
    });

    test('fails when the provider mints a child token', () => {
      const stack = teamStack((s) => ((s.node.findChild('vault') as VaultProvider).skipChildToken = false));
      expect(() => assertRoleCanDeploy(stack, loginRole()!)).toThrow(/provider\.vault needs update on auth\/token\/create/);
    });
  });
});
