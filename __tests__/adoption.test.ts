import { Mount } from '@cdktf/provider-vault/lib/mount';
import { Testing } from 'cdktf';
import { LabConfig } from '../config/schema';
import { AdoptionConfig } from '../config/schema-adoption';
import { adoptExistingObjects } from '../stacks/adoption';
import { appShardStacks } from '../stacks/app-shard-stack';
import { QnapStack } from '../stacks/qnap-stack';
import { VaultEnvironmentStack } from '../stacks/vault-environment-stack';
import { buildTestLab, exampleConfig, exampleConfigError, exampleConfigWith, findResource, synthStack, TerraformJson, vaultTestStack } from './support/synth';

// Import IDs are those terraform-provider-vault v5.7.0 documents in website/docs/r/<type>.html.md,
// section "Import"; ForceNew attributes are read in vault/resource_mount.go, resource_auth_backend.go
// and resource_jwt_auth_backend.go of that version (both unchanged from v5.6.0).

interface ImportBlock {
  readonly id: string;
  readonly to: string;
}

function importsOf(json: TerraformJson): ImportBlock[] {
  return (json.import as ImportBlock[] | undefined) ?? [];
}

/** The import block whose `to` is the resource of `type` with `match`, found by its address in the JSON. */
function importOf(json: TerraformJson, type: string, match: Record<string, unknown>): ImportBlock | undefined {
  const resource = findResource(json, type, match);
  const [id] = Object.entries(json.resource![type]).find(([, r]) => r === resource)!;
  return importsOf(json).find((i) => i.to === `${type}.${id}`);
}

/** The qnap stack of `config`, with `adopt` adopted, synthesized (cheaper than the whole lab). */
function qnapAdopting(adopt: AdoptionConfig, config: LabConfig = exampleConfig()): TerraformJson {
  const stack = new QnapStack(Testing.app(), 'qnap', { config });
  adoptExistingObjects([stack], adopt, 'environments.qnap.adopt');
  return synthStack(stack);
}

/** What adopting `adopt` on the example qnap stack is refused with. */
function qnapRefusal(adopt: AdoptionConfig): () => void {
  return () => adoptExistingObjects([new QnapStack(Testing.app(), 'qnap', { config: exampleConfig() })], adopt, 'environments.qnap.adopt');
}

describe('the example lab adopts the seed KV engine of the QNAP Vault', () => {
  const config = exampleConfig();
  let qnap: TerraformJson;
  beforeAll(() => {
    qnap = synthStack(buildTestLab(config).stacks.qnap);
  });

  test('GIVEN the seed secret mount declared WHEN synthesized THEN vault_mount secret is imported by its path', () => {
    expect(importOf(qnap, 'vault_mount', { path: 'secret' })).toEqual(expect.objectContaining({ id: 'secret' }));
  });

  test('its KV v2 settings are imported by <mount>/config', () => {
    const mount = Object.entries(qnap.resource!.vault_mount).find(([, m]) => m.path === 'secret')![0];
    expect(importOf(qnap, 'vault_kv_secret_backend_v2', { mount: `\${vault_mount.${mount}.path}` })).toEqual(expect.objectContaining({ id: 'secret/config' }));
  });

  test('every declared mount is the target of an import block, so no resource creates one afresh', () => {
    const declared = config.environments.qnap.adopt?.mounts ?? [];
    expect(declared.length).toBeGreaterThan(0);
    for (const mount of declared) expect(importOf(qnap, 'vault_mount', { path: mount.path })).toBeDefined();
  });

  test('no imported mount differs from what exists in an attribute that forces replacement', () => {
    // ForceNew in resource_mount.go: type, local, seal_wrap, external_entropy_access; and options.version
    // for kv (which Vault would upgrade or refuse, never keep).
    for (const mount of config.environments.qnap.adopt?.mounts ?? []) {
      const resource = findResource(qnap, 'vault_mount', { path: mount.path });
      expect({
        type: resource.type,
        version: resource.type === 'kv' ? Number(resource.options?.version ?? 1) : undefined,
        local: resource.local ?? false,
        externalEntropyAccess: resource.external_entropy_access ?? false,
        sealWrap: resource.seal_wrap ?? mount.sealWrap ?? false,
      }).toEqual({ type: mount.type, version: mount.version, local: mount.local ?? false, externalEntropyAccess: mount.externalEntropyAccess ?? false, sealWrap: mount.sealWrap ?? false });
    }
  });

  test('nothing else is imported (the other mounts are new on the NAS)', () => {
    expect(importsOf(qnap).map((i) => i.to.split('.')[0]).sort()).toEqual(['vault_kv_secret_backend_v2', 'vault_mount']);
  });
});

describe('import IDs per resource type', () => {
  test('a policy is imported by its name', () => {
    const json = qnapAdopting({ policies: ['infra-registry'] });
    expect(importOf(json, 'vault_policy', { name: 'infra-registry' })).toEqual(expect.objectContaining({ id: 'infra-registry' }));
  });

  test('an auth method is imported by its path, without auth/', () => {
    const json = qnapAdopting({ authMethods: [{ path: 'kubernetes-main', type: 'kubernetes' }] });
    expect(importOf(json, 'vault_auth_backend', { path: 'kubernetes-main' })).toEqual(expect.objectContaining({ id: 'kubernetes-main' }));
  });

  test("a kubernetes auth method's config is imported by auth/<path>/config", () => {
    const json = qnapAdopting({ authMethods: [{ path: 'kubernetes-main', type: 'kubernetes' }] });
    const [backend] = Object.keys(json.resource!.vault_auth_backend);
    expect(importOf(json, 'vault_kubernetes_auth_backend_config', { backend: `\${vault_auth_backend.${backend}.path}` })).toEqual(expect.objectContaining({ id: 'auth/kubernetes-main/config' }));
  });

  test('a JWT auth method is imported by its path', () => {
    const stack = new VaultEnvironmentStack(Testing.app(), 'main', { config: exampleConfig(), environment: 'main' });
    adoptExistingObjects([stack], { authMethods: [{ path: 'gitea-actions', type: 'jwt' }] }, 'environments.main.adopt');
    expect(importOf(synthStack(stack), 'vault_jwt_auth_backend', { path: 'gitea-actions' })).toEqual(expect.objectContaining({ id: 'gitea-actions' }));
  });

  test('a KV v2 mount whose path ends in a letter of "config" keeps its settings out of the import', () => {
    // The importer sets the mount to strings.TrimRight(id, "/config"), a character set (resource_kv_secret_backend_v2.go):
    // 'vault-info/config' would read back as 'vault-' and plan a replacement.
    const config = exampleConfigWith((c) => {
      c.environments.qnap.bootstrap.infraKvPath = 'vault-info';
    });
    const json = qnapAdopting({ mounts: [{ path: 'vault-info', type: 'kv', version: 2 }] }, config);
    expect(importsOf(json).map((i) => i.id)).toEqual(['vault-info']);
  });
});

describe("an environment's objects are adopted where its stacks create them", () => {
  test("with sharding, an app's existing policy is imported in its shard of the sandbox, not in main's", () => {
    const config = exampleConfigWith((c) => {
      c.sharding = { groups: { web: ['notifier'] } };
      c.environments.sandbox.adopt = { policies: ['notifier'] };
    });
    const { app } = buildTestLab(config);
    const importedIn = (stackName: string) => importsOf(synthStack(appShardStacks(app).find((s) => s.node.id === stackName)!)).map((i) => i.id);
    expect({ sandbox: importedIn('sandbox-apps-web'), main: importedIn('main-apps-web') }).toEqual({ sandbox: ['notifier'], main: [] });
  });
});

describe('adoption refuses what it cannot do safely', () => {
  test('fails when a declared mount is not one the stack creates', () => {
    expect(qnapRefusal({ mounts: [{ path: 'secrt', type: 'kv', version: 2 }] })).toThrow(
      /^environments\.qnap\.adopt\.mounts\[0\]\.path \("secrt"\): the qnap stack creates no mount at 'secrt' \(it creates: [^)]*\bsecret\b/,
    );
  });

  test('fails when a declared policy is not one the stack creates', () => {
    expect(qnapRefusal({ policies: ['infra-registy'] })).toThrow(/^environments\.qnap\.adopt\.policies\[0\] \("infra-registy"\): the qnap stack creates no policy named 'infra-registy' \(it creates: .*infra-registry/);
  });

  test('fails when a declared auth method is not one the stack creates', () => {
    expect(qnapRefusal({ authMethods: [{ path: 'kubernetes', type: 'kubernetes' }] })).toThrow(/authMethods\[0\]\.path \("kubernetes"\): the qnap stack creates no auth method at 'kubernetes' \(it creates: kubernetes-main\)/);
  });

  test('fails when the existing mount has another type than the stack', () => {
    expect(qnapRefusal({ mounts: [{ path: 'transit-unseal', type: 'kv', version: 2 }] })).toThrow(/mounts\[0\]\.type \("kv"\) differs from the stack's "transit": the provider replaces a mount whose type changes/);
  });

  test('fails when the existing KV engine is version 1 and the stack declares version 2', () => {
    expect(qnapRefusal({ mounts: [{ path: 'secret', type: 'kv', version: 1 }] })).toThrow(/mounts\[0\]\.version \("1"\) differs from the stack's "2"/);
  });

  test('fails when the existing mount is local and the stack would replace it with a replicated one', () => {
    expect(qnapRefusal({ mounts: [{ path: 'secret', type: 'kv', version: 2, local: true }] })).toThrow(/mounts\[0\]\.local \(true\) differs from the stack's false: .*'local' changes \(ForceNew\)/);
  });

  test('fails when the existing mount has external entropy access the stack would drop', () => {
    expect(qnapRefusal({ mounts: [{ path: 'secret', type: 'kv', version: 2, externalEntropyAccess: true }] })).toThrow(/mounts\[0\]\.externalEntropyAccess \(true\) differs/);
  });

  test('fails when the existing auth method is local and the stack would replace it with a replicated one', () => {
    expect(qnapRefusal({ authMethods: [{ path: 'kubernetes-main', type: 'kubernetes', local: true }] })).toThrow(/authMethods\[0\]\.local \(true\) differs from the stack's false/);
  });

  test('fails when the stack sets seal_wrap other than the existing mount has', () => {
    const stack = vaultTestStack();
    new Mount(stack, 'Kv', { path: 'secret', type: 'kv', options: { version: '2' }, sealWrap: false });
    expect(() => adoptExistingObjects([stack], { mounts: [{ path: 'secret', type: 'kv', version: 2, sealWrap: true }] }, 'adopt')).toThrow(/^adopt\.mounts\[0\]\.sealWrap \(true\) differs from the stack's false/);
  });

  test("fails when the stack's mount is of type kv-v2, which an import reads back as kv and replaces", () => {
    // resource_mount.go readMount keeps kv-v2 only when the state has it; an import starts from the ID alone.
    const stack = vaultTestStack();
    new Mount(stack, 'Kv', { path: 'secret', type: 'kv-v2' });
    expect(() => adoptExistingObjects([stack], { mounts: [{ path: 'secret', type: 'kv', version: 2 }] }, 'adopt')).toThrow(
      /^adopt\.mounts\[0\]\.type \("kv"\) differs from the stack's "kv-v2": an imported kv-v2 mount reads back as type 'kv'/,
    );
  });

  test('fails when the existing auth method has another type than the stack', () => {
    expect(qnapRefusal({ authMethods: [{ path: 'kubernetes-main', type: 'jwt' }] })).toThrow(/authMethods\[0\]\.type \("jwt"\) differs from the stack's "kubernetes"/);
  });
});

describe('the adoption config', () => {
  const withQnapAdopt = (adopt: unknown) => (c: any) => {
    c.environments.qnap.adopt = adopt;
  };

  test.each([
    ['a kv engine without its version', { mounts: [{ path: 'secret', type: 'kv' }] }, 'environments.qnap.adopt.mounts[0].version', /must be given for a kv engine/],
    ['a version on an engine that is not kv', { mounts: [{ path: 'pki-bootstrap', type: 'pki', version: 2 }] }, 'environments.qnap.adopt.mounts[0].version', /applies to a kv engine only/],
    ['one path twice', { mounts: [{ path: 'secret', type: 'kv', version: 2 }, { path: 'secret', type: 'kv', version: 1 }] }, 'environments.qnap.adopt.mounts[1].path', /repeats the path of entry \[0\]/],
    ['KV metadata, which the provider cannot import', { kvMetadata: [{ mount: 'secret', path: 'ovh-dns' }] }, 'environments.qnap.adopt.kvMetadata', /must be empty: the Vault provider cannot import KV metadata/],
  ])('fails when it declares %s', (_what, adopt, field, message) => {
    const line = exampleConfigError(withQnapAdopt(adopt)).message.split('\n').find((l) => l.includes(`- ${field}`));
    expect(line).toMatch(message);
  });
});
