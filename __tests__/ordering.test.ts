import { AuthBackend } from '@cdktf/provider-vault/lib/auth-backend';
import { GenericEndpoint } from '@cdktf/provider-vault/lib/generic-endpoint';
import { KubernetesAuthBackendRole } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-role';
import { KvSecretBackendV2 } from '@cdktf/provider-vault/lib/kv-secret-backend-v2';
import { KvSecretV2 } from '@cdktf/provider-vault/lib/kv-secret-v2';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { TransitSecretBackendKey } from '@cdktf/provider-vault/lib/transit-secret-backend-key';
import { Aspects, ITerraformDependable, TerraformStack, Testing } from 'cdktf';
import { KvV2Mount } from '../constructs/kv-v2-mount';
import { ORDERING_RULES } from '../rules/ordering-rules';
import { RulePack } from '../rules/rule-pack';
import { BOOTSTRAP_NAMES } from '../stacks/bootstrap-names';
import { synthErrors } from './support/annotations';
import { buildTestLab, resourcesOf, synthStack, TerraformJson, vaultTestStack } from './support/synth';

/** The address (`type.id`) of the one resource of `type` that `matches`. */
function addressOf(json: TerraformJson, type: string, matches: (block: any) => boolean): string {
  const ids = Object.entries(resourcesOf(json, type)).filter(([, block]) => matches(block)).map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one ${type} matching, found ${ids.length}`);
  return `${type}.${ids[0]}`;
}

/** What Terraform orders a block by: its depends_on and the blocks its expressions name. */
function ordersAfter(block: any, address: string): boolean {
  const escaped = address.replace(/\./g, '\\.');
  return (block.depends_on ?? []).includes(address) || new RegExp(`\\$\\{[^}]*\\b${escaped}\\.`).test(JSON.stringify(block));
}

const named = (name: string) => (block: any) => block.metadata?.[0]?.name === name || block.metadata?.name === name;

describe('ordering Terraform sees in the example lab', () => {
  const json: Record<'qnap' | 'mainCluster' | 'sandboxCluster', TerraformJson> = {} as never;
  beforeAll(() => {
    const { stacks } = buildTestLab();
    for (const stack of Object.values(stacks)) stack.prepareStack();
    json.qnap = synthStack(stacks.qnap);
    json.mainCluster = synthStack(stacks.mainCluster);
    json.sandboxCluster = synthStack(stacks.sandboxCluster);
  });

  test('main-cluster: the Vault helm release follows the vault namespace and the unseal-token Secret it reads', () => {
    // GIVEN the main cluster stack WHEN synthesized THEN the Vault release is ordered after both
    const release = Object.values(resourcesOf(json.mainCluster, 'helm_release')).find((r: any) => r.chart === 'vault');
    expect(ordersAfter(release, addressOf(json.mainCluster, 'kubernetes_namespace_v1', named('vault')))).toBe(true);
    expect(ordersAfter(release, addressOf(json.mainCluster, 'kubernetes_secret_v1', named(BOOTSTRAP_NAMES.transitTokenSecretName)))).toBe(true);
  });

  test('sandbox-cluster: the Vault helm release follows the vault namespace', () => {
    const release = Object.values(resourcesOf(json.sandboxCluster, 'helm_release')).find((r: any) => r.chart === 'vault');
    expect(ordersAfter(release, addressOf(json.sandboxCluster, 'kubernetes_namespace_v1', named('vault')))).toBe(true);
  });

  test('qnap: every metadata endpoint under the infra mount (secret/) follows that mount', () => {
    const infra = addressOf(json.qnap, 'vault_mount', (m) => m.path === 'secret');
    const endpoints = Object.values(resourcesOf(json.qnap, 'vault_generic_endpoint')).filter((e: any) => e.path.startsWith('secret/metadata/'));
    // One per bootstrap consumer of the example (4).
    expect(endpoints).toHaveLength(4);
    for (const endpoint of endpoints) expect(ordersAfter(endpoint, infra)).toBe(true);
  });

  test('qnap: the transit unseal token follows its key', () => {
    const key = addressOf(json.qnap, 'vault_transit_secret_backend_key', (k) => k.name === 'unseal-main');
    const token = Object.values(resourcesOf(json.qnap, 'vault_token')).find((t: any) => t.display_name === 'transit-unseal-main');
    expect(ordersAfter(token, key)).toBe(true);
  });
});

/** A Vault stack checked by the ordering rules only. */
function orderingStack(): TerraformStack {
  const stack = vaultTestStack();
  Aspects.of(stack).add(new RulePack(ORDERING_RULES));
  return stack;
}

const endpoint = (stack: TerraformStack, path: string, extra: { dependsOn?: ITerraformDependable[] } = {}) =>
  new GenericEndpoint(stack, 'Flags', { path, dataJson: '{}', disableRead: true, disableDelete: true, ...extra });

describe('VP-ORD-1: construct dependencies cdktf would drop', () => {
  test('cdktf 0.21 writes no depends_on for node.addDependency (why the rule exists)', () => {
    // GIVEN a token that declares a construct dependency on a key, without the rule pack
    const stack = vaultTestStack();
    const key = new TransitSecretBackendKey(stack, 'Key', { backend: 'transit', name: 'k' });
    new GenericEndpoint(stack, 'After', { path: 'sys/x', dataJson: '{}' }).node.addDependency(key);
    // WHEN synthesized THEN Terraform gets no ordering
    const after = Object.values(resourcesOf(synthStack(stack), 'vault_generic_endpoint'))[0];
    expect(after.depends_on).toBeUndefined();
  });

  test('fails when a construct declares node.addDependency, naming the dependency and the fix', () => {
    const stack = orderingStack();
    const key = new TransitSecretBackendKey(stack, 'Key', { backend: 'transit', name: 'k' });
    new GenericEndpoint(stack, 'After', { path: 'sys/x', dataJson: '{}' }).node.addDependency(key);
    stack.prepareStack();
    expect(() => Testing.fullSynth(stack)).toThrow(/test\/After\] \[VP-ORD-1\] node\.addDependency\(test\/Key\) never reaches Terraform.*set dependsOn/);
  });

  test('a resource dependsOn passes', () => {
    const stack = orderingStack();
    const key = new TransitSecretBackendKey(stack, 'Key', { backend: 'transit', name: 'k' });
    new GenericEndpoint(stack, 'After', { path: 'sys/x', dataJson: '{}', dependsOn: [key] });
    expect(synthErrors(stack)).toEqual([]);
  });

  test('a stack-level dependency (cdktf deploy order) is not refused', () => {
    const stack = orderingStack();
    stack.addDependency(new TerraformStack(stack.node.root, 'other'));
    expect(synthErrors(stack)).toEqual([]);
  });
});

describe('VP-ORD-2: writes under a mount of the same stack follow the mount', () => {
  test('fails when a generic endpoint writes under a same-stack mount with a literal path and no dependency', () => {
    const stack = orderingStack();
    new KvV2Mount(stack, 'Kvv2');
    endpoint(stack, 'kvv2/metadata/flags');
    stack.prepareStack();
    expect(() => Testing.fullSynth(stack)).toThrow(/test\/Flags\] \[VP-ORD-2\] path \("kvv2\/metadata\/flags"\) is under mount "kvv2" \(test\/Kvv2\/Mount\).*set dependsOn/);
  });

  test('an endpoint that depends on the mount passes', () => {
    const stack = orderingStack();
    const kv = new KvV2Mount(stack, 'Kvv2');
    endpoint(stack, 'kvv2/metadata/flags', { dependsOn: [kv.mount] });
    expect(synthErrors(stack)).toEqual([]);
  });

  test("a path built from the mount's path attribute passes", () => {
    const stack = orderingStack();
    const kv = new KvV2Mount(stack, 'Kvv2');
    endpoint(stack, `${kv.mount.path}/metadata/flags`);
    expect(synthErrors(stack)).toEqual([]);
  });

  test('an ordering through another block counts (the endpoint follows the engine config, which names the mount)', () => {
    const stack = orderingStack();
    const config = new KvV2Mount(stack, 'Kvv2').node.findChild('Config') as KvSecretBackendV2;
    endpoint(stack, 'kvv2/metadata/flags', { dependsOn: [config] });
    expect(synthErrors(stack)).toEqual([]);
  });

  test('fails when the endpoint follows other blocks, none of which follows the mount', () => {
    const stack = orderingStack();
    new KvV2Mount(stack, 'Kvv2');
    const unrelated = new TransitSecretBackendKey(stack, 'Key', { backend: 'transit', name: 'k' });
    endpoint(stack, 'kvv2/metadata/flags', { dependsOn: [unrelated] });
    expect(synthErrors(stack).map((e) => e.message)).toEqual([expect.stringMatching(/^\[VP-ORD-2\] path \("kvv2\/metadata\/flags"\)/)]);
  });

  test('fails when a KV v2 secret names a same-stack mount by a literal `mount`', () => {
    const stack = orderingStack();
    new KvV2Mount(stack, 'Kvv2');
    new KvSecretV2(stack, 'Secret', { mount: 'kvv2', name: 'flags', dataJson: '{}' });
    expect(synthErrors(stack).map((e) => e.message)).toEqual([expect.stringMatching(/^\[VP-ORD-2\] mount \("kvv2"\) is under mount "kvv2"/)]);
  });

  test('fails when an auth role names a same-stack auth backend by a literal `backend`', () => {
    const stack = orderingStack();
    new AuthBackend(stack, 'Kubernetes', { type: 'kubernetes' });
    new KubernetesAuthBackendRole(stack, 'Role', { backend: 'kubernetes', roleName: 'r', boundServiceAccountNames: ['r'], boundServiceAccountNamespaces: ['r'] });
    expect(synthErrors(stack).map((e) => e.message)).toEqual([expect.stringMatching(/^\[VP-ORD-2\] backend \("kubernetes"\) is under mount "kubernetes"/)]);
  });

  test('fails when a generic endpoint writes under auth/<path>/ of a same-stack auth method', () => {
    const stack = orderingStack();
    new AuthBackend(stack, 'Kubernetes', { type: 'kubernetes', path: 'kubernetes-main' });
    endpoint(stack, 'auth/kubernetes-main/role/r');
    expect(synthErrors(stack).map((e) => e.message)).toEqual([expect.stringMatching(/^\[VP-ORD-2\] path \("auth\/kubernetes-main\/role\/r"\)/)]);
  });

  test('a secrets mount does not claim the auth route of the same name', () => {
    const stack = orderingStack();
    new Mount(stack, 'Engine', { path: 'kubernetes', type: 'kubernetes' });
    endpoint(stack, 'auth/kubernetes/role/r');
    expect(synthErrors(stack)).toEqual([]);
  });

  test('a literal path under a mount of another stack passes (stack order covers it)', () => {
    const stack = orderingStack();
    KvV2Mount.fromMountPath(stack, 'Kvv2', 'kvv2');
    endpoint(stack, 'kvv2/metadata/flags');
    expect(synthErrors(stack)).toEqual([]);
  });
});
