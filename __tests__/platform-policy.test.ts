import { loadAppSecretContract } from '../config/secret-contract';
import { TerraformStack } from 'cdktf';
import { AuditDevice } from '../constructs/audit-device';
import { KvV2Mount } from '../constructs/kv-v2-mount';
import { VaultPolicy } from '../constructs/vault-policy';
import { derivePlatformRules, NON_VAULT_RESOURCE_PREFIXES, VAULT_RESOURCE_RULES } from '../stacks/platform-policy';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { GenericEndpoint } from '@cdktf/provider-vault/lib/generic-endpoint';
import { KvSecretV2 } from '@cdktf/provider-vault/lib/kv-secret-v2';
import { parsePolicyHcl } from './support/hcl';
import { buildTestLab, exampleConfig, findResource, synthStack, TerraformJson, vaultTestStack } from './support/synth';

let mainJson: TerraformJson;
let mainStack: TerraformStack;
beforeAll(() => {
  mainStack = buildTestLab().stacks.main;
  mainJson = synthStack(mainStack);
});

const policyOf = (json: TerraformJson, name: string) => parsePolicyHcl(findResource(json, 'vault_policy', { name }).policy);

describe('the platform CI policy (what `cdktf deploy main` needs)', () => {
  test('every vault_* resource type of the main stack has rules in the table', () => {
    // When this fails, add the new type to VAULT_RESOURCE_RULES (stacks/platform-policy.ts) with the
    // Vault API paths its provider resource calls, checked against the Vault API docs.
    const types = Object.keys(mainJson.resource ?? {});
    const missing = types.filter((t) => !(t in VAULT_RESOURCE_RULES) && !NON_VAULT_RESOURCE_PREFIXES.some((p) => t.startsWith(p)));
    expect(missing).toEqual([]);
  });

  test('deriving the rules reports no unmapped resource type for the main stack', () => {
    const unmapped = new Set<string>();
    derivePlatformRules(mainStack, unmapped);
    expect([...unmapped]).toEqual([]);
  });

  test('a resource type missing from the table is reported', () => {
    const stack = vaultTestStack();
    new GenericEndpoint(stack, 'Raw', { path: 'sys/raw/x', dataJson: '{}' });
    const unmapped = new Set<string>();
    derivePlatformRules(stack, unmapped);
    expect([...unmapped]).toEqual(['vault_generic_endpoint']);
  });

  test('the deploy policy manages each mount, auth method, role and policy of the stack at its own path', async () => {
    const deploy = await policyOf(mainJson, 'platform-deploy');
    expect(deploy['sys/mounts/kvv2']).toEqual(expect.arrayContaining(['create', 'read', 'update', 'delete']));
    expect(deploy['sys/auth/kubernetes']).toEqual(expect.arrayContaining(['create', 'sudo']));
    expect(deploy['sys/auth/gitea-actions']).toEqual(expect.arrayContaining(['create', 'sudo']));
    expect(deploy['auth/kubernetes/role/webapp']).toEqual(expect.arrayContaining(['create', 'delete']));
    expect(deploy['auth/gitea-actions/role/gitea_cicd_webapp']).toEqual(expect.arrayContaining(['create', 'delete']));
    expect(deploy['sys/policies/acl/webapp-ops']).toEqual(expect.arrayContaining(['create', 'update']));
    expect(deploy['sys/audit/file']).toEqual(expect.arrayContaining(['create', 'sudo']));
    expect(deploy['kvv2/config']).toEqual(expect.arrayContaining(['update']));
  });

  test('the deploy policy has no wildcard path and touches secret values only where the stack writes them', async () => {
    const paths = Object.keys(await policyOf(mainJson, 'platform-deploy'));
    expect(paths.filter((p) => p.includes('*') || p.split('/').includes('+'))).toEqual([]);
    // The only secret values the stack writes: the SecretContract secrets and their generated keys.
    const written = exampleConfig().apps.flatMap((app) =>
      (loadAppSecretContract(app)?.secrets ?? []).flatMap((secret) => [
        `kvv2/data/${app.name}/${secret.name}`,
        ...secret.generated.map((g) => `kvv2/data/${app.name}/_generated/${secret.name}/${g.key}`),
      ]),
    );
    expect(written.length).toBeGreaterThan(0);
    expect(paths.filter((p) => /^kvv2\/data\//.test(p)).sort()).toEqual(written.sort());
    expect(paths.filter((p) => p.startsWith('transit/'))).toEqual([]);
  });

  test('the deploy policy reads no secret value the stack writes (every secret is written with disable_read), the moved infrastructure secret included', async () => {
    const policy = await policyOf(mainJson, 'platform-deploy');
    const valuePaths = Object.keys(policy).filter((p) => /^[^/]+\/data\//.test(p));
    expect(valuePaths.some((p) => !p.startsWith('kvv2/'))).toBe(true);
    expect(valuePaths.filter((p) => policy[p].includes('read'))).toEqual([]);
  });

  test('the diff policy (pull requests run their own code with it) can read no secret value at all', async () => {
    const diff = await policyOf(mainJson, 'platform-diff');
    expect(Object.keys(diff).filter((p) => /^[^/]+\/data\//.test(p) || p.includes('/creds/') || p.includes('/decrypt/'))).toEqual([]);
  });

  test('every path of the deploy policy belongs to a resource of the stack or to the provider login', async () => {
    const expected = new Set(derivePlatformRules(mainStack).map((r) => r.path));
    const paths = Object.keys(await policyOf(mainJson, 'platform-deploy'));
    expect(paths.filter((p) => !expected.has(p))).toEqual([]);
    expect(paths.sort()).toEqual([...expected].sort());
  });

  test('the diff policy (pull requests) is the read-only share: no create, update or delete anywhere', async () => {
    const diff = await policyOf(mainJson, 'platform-diff');
    const writes = Object.entries(diff).filter(([p, caps]) => p !== 'auth/token/create' && caps.some((c) => ['create', 'update', 'delete', 'patch'].includes(c)));
    expect(writes).toEqual([]);
    expect(diff['sys/policies/acl/webapp-ops']).toEqual(['read']);
  });

  test('a new mount in the stack widens the policy to exactly that mount', () => {
    const stack = vaultTestStack();
    new KvV2Mount(stack, 'Kv', { path: 'team-kv' });
    new Mount(stack, 'Pki', { path: 'pki', type: 'pki' });
    new AuditDevice(stack, 'Audit');
    new VaultPolicy(stack, 'P', { policyName: 'x' }).allow('team-kv/data/a', ['read']);
    const paths = derivePlatformRules(stack).map((r) => r.path);
    expect(paths).toEqual(expect.arrayContaining(['sys/mounts/team-kv', 'team-kv/config', 'sys/mounts/pki', 'sys/policies/acl/x']));
    expect(paths.filter((p) => p.startsWith('sys/mounts/')).sort()).toEqual(['sys/mounts/pki', 'sys/mounts/pki/tune', 'sys/mounts/team-kv', 'sys/mounts/team-kv/tune']);
  });

  // What the provider calls for a KV v2 secret: hashicorp/terraform-provider-vault vault/resource_kv_secret_v2.go
  // (kvSecretV2Write, kvSecretV2Read, kvSecretV2Delete).
  const kvSecretRules = (props: Partial<ConstructorParameters<typeof KvSecretV2>[2]>) => {
    const stack = vaultTestStack();
    new KvSecretV2(stack, 'Secret', { mount: 'kvv2', name: 'app/s', dataJsonWo: '{}', dataJsonWoVersion: 1, ...props });
    return Object.fromEntries(derivePlatformRules(stack).map((r) => [r.path, [...r.capabilities].sort()]));
  };

  test('a KV v2 secret is written, read and soft-deleted at data/, and its metadata only read', () => {
    const rules = kvSecretRules({});
    expect(rules['kvv2/data/app/s']).toEqual(['create', 'delete', 'read', 'update']);
    expect(rules['kvv2/metadata/app/s']).toEqual(['read']);
  });

  test('a KV v2 secret writes its metadata with custom_metadata, and deletes it instead of the data with delete_all_versions', () => {
    const rules = kvSecretRules({ customMetadata: { maxVersions: 3 }, deleteAllVersions: true });
    expect(rules['kvv2/data/app/s']).toEqual(['create', 'read', 'update']);
    expect(rules['kvv2/metadata/app/s']).toEqual(['create', 'delete', 'read', 'update']);
  });

  test('a KV v2 secret with disable_read is written and soft-deleted, never read: neither its value nor its metadata', () => {
    const rules = kvSecretRules({ disableRead: true });
    expect(rules['kvv2/data/app/s']).toEqual(['create', 'delete', 'update']);
    expect(rules).not.toHaveProperty(['kvv2/metadata/app/s']);
  });

  test('resource types other developers add are in the table already', () => {
    for (const type of [
      'vault_database_secrets_mount',
      'vault_database_secret_backend_connection',
      'vault_database_secret_backend_role',
      'vault_kv_secret_v2',
      'vault_transit_secret_backend_key',
      'vault_token',
    ]) {
      expect(VAULT_RESOURCE_RULES[type]).toBeDefined();
    }
    const attrs: Record<string, string> = { path: 'postgres', backend: 'postgres', name: 'webapp', mount: 'kvv2' };
    const unset = () => false;
    expect(VAULT_RESOURCE_RULES.vault_database_secret_backend_role((a) => attrs[a] ?? '+', unset).map((r) => r.path)).toEqual(['postgres/roles/webapp']);
    expect(VAULT_RESOURCE_RULES.vault_transit_secret_backend_key((a) => ({ ...attrs, backend: 'transit', name: 'autounseal' })[a] ?? '+', unset).map((r) => r.path)).toContain('transit/keys/autounseal');
  });
});
