import { effectiveCapabilities } from '../access/path-matcher';
import { DEFAULT_POLICY_SELF_GRANTS } from '../constructs/policy/token-self';
import { TransitMount } from '../constructs/transit-mount';
import { TransitUnsealMaster, TransitUnsealMasterProps } from '../constructs/transit-unseal-master';
import { parsePolicyHcl } from './support/hcl';
import { buildTestLab, resourcesOf, synthStack, vaultTestStack } from './support/synth';

const QNAP = 'https://qnap.lab.example.net:8200';
const MAIN = 'https://vault.lab.example.net:8200';

function masterIn(props: Partial<TransitUnsealMasterProps> = {}) {
  const stack = vaultTestStack();
  const mount = new TransitMount(stack, 'Transit', { path: 'transit-unseal' });
  const master = new TransitUnsealMaster(stack, 'Main', { mount, unsealedVaultName: 'main', unsealedVaultAddress: MAIN, sealAddress: QNAP, ...props });
  return { stack, mount, master };
}

describe('TransitUnsealMaster', () => {
  test('creates an aes256-gcm96 key that cannot be exported, backed up in plaintext, deleted or trimmed', () => {
    // GIVEN a seal master for main WHEN synthesized
    const json = synthStack(masterIn().stack);
    // THEN the key has every protection
    const keys = Object.values(resourcesOf(json, 'vault_transit_secret_backend_key'));
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({
      name: 'unseal-main',
      type: 'aes256-gcm96',
      exportable: false,
      allow_plaintext_backup: false,
      deletion_allowed: false,
      min_decryption_version: 1,
    });
    expect(keys[0].backend).toMatch(/vault_mount\.Transit_Mount_.*\.path/);
  });

  test('the policy grants exactly update on encrypt/<key>, decrypt/<key> and renew-self, as the HCL parser reads it', async () => {
    const json = synthStack(masterIn().stack);
    const policy = Object.values(resourcesOf(json, 'vault_policy'))[0] as any;
    expect(policy.name).toBe('unseal-main');
    expect(await parsePolicyHcl(policy.policy)).toEqual({
      'transit-unseal/encrypt/unseal-main': ['update'],
      'transit-unseal/decrypt/unseal-main': ['update'],
      'auth/token/renew-self': ['update'],
    });
  });

  test('the seal may renew its token: its policies, with the default policy only if the token keeps it, grant renew-self', async () => {
    // GIVEN the synthesized token and its policy, read by the real HCL parser
    const json = synthStack(masterIn().stack);
    const token = Object.values(resourcesOf(json, 'vault_token'))[0] as any;
    const policy = Object.values(resourcesOf(json, 'vault_policy'))[0] as any;
    const unsealRules = Object.entries(await parsePolicyHcl(policy.policy)).map(([path, capabilities]) => ({ path, capabilities }));
    // WHEN Vault evaluates the token's policies, with its default policy only if the token keeps it
    const policies = token.no_default_policy === true ? [unsealRules] : [unsealRules, DEFAULT_POLICY_SELF_GRANTS];
    // THEN the seal's renewal (go-kms-wrapping wrappers/transit/transit_client.go: renew-self) is allowed
    expect(effectiveCapabilities(policies, 'auth/token/renew-self')).toContain('update');
  });

  test('the token is periodic, orphan, renewable, carries only that policy and has no max TTL', () => {
    const json = synthStack(masterIn({ tokenPeriodHours: 72 }).stack);
    const tokens = Object.values(resourcesOf(json, 'vault_token')) as any[];
    expect(tokens).toHaveLength(1);
    const token = tokens[0];
    expect(token).toMatchObject({ period: '72h', no_parent: true, renewable: true, no_default_policy: true });
    expect(token.policies).toEqual([expect.stringMatching(/^\$\{vault_policy\.Main_Policy_.*\.name\}$/)]);
    expect(token.explicit_max_ttl).toBeUndefined();
    expect(token.ttl).toBeUndefined();
    expect(token.num_uses).toBeUndefined();
  });

  test('the seal stanza says where the key is and never carries the token', () => {
    const { master } = masterIn({ tlsServerName: 'qnap.lab.example.net' });
    expect(master.sealStanza).toEqual({ address: QNAP, mountPath: 'transit-unseal', keyName: 'unseal-main', tlsCaCert: undefined, tlsServerName: 'qnap.lab.example.net' });
    expect(JSON.stringify(master.sealStanza)).not.toMatch(/token/i);
  });

  test('one QNAP Vault serves several unsealed Vaults, each with its own key, policy and token', () => {
    const { stack, mount } = masterIn();
    new TransitUnsealMaster(stack, 'Other', { mount, unsealedVaultName: 'edge', unsealedVaultAddress: 'https://edge.lab.example.net:8200', sealAddress: QNAP });
    const json = synthStack(stack);
    expect(Object.values(resourcesOf(json, 'vault_transit_secret_backend_key')).map((k: any) => k.name).sort()).toEqual(['unseal-edge', 'unseal-main']);
    expect(Object.values(resourcesOf(json, 'vault_policy')).map((p: any) => p.name).sort()).toEqual(['unseal-edge', 'unseal-main']);
    expect(Object.keys(resourcesOf(json, 'vault_token'))).toHaveLength(2);
  });

  test('fails when two unsealed Vaults share a transit key name', () => {
    const { stack, mount } = masterIn();
    expect(
      () => new TransitUnsealMaster(stack, 'Other', { mount, unsealedVaultName: 'edge', unsealedVaultAddress: 'https://edge.lab.example.net:8200', sealAddress: QNAP, keyName: 'unseal-main' }),
    ).toThrow(/TransitUnsealMaster: 'keyName' \("unseal-main"\) is already used in transit mount 'transit-unseal' by test\/Main/);
  });

  test('fails when the seal address is the address of the Vault it unseals', () => {
    expect(() => masterIn({ sealAddress: `${MAIN}/` })).toThrow(/'sealAddress' \("https:\/\/vault\.lab\.example\.net:8200\/"\) is the address of the Vault it unseals/);
  });

  test('fails when the token period is beyond the system max TTL', () => {
    expect(() => masterIn({ tokenPeriodHours: 1000 })).toThrow(/'tokenPeriodHours' \(1000\) must be a whole number of hours from 1 to 768/);
  });
});

describe('the seal token across stacks', () => {
  test('qnap exports the token only as a sensitive output, and main-cluster reads it through remote state into a Secret', () => {
    // GIVEN the example lab, every stack prepared as `cdktf synth` does
    const { stacks } = buildTestLab();
    Object.values(stacks).forEach((s) => s.prepareStack());
    const qnap = synthStack(stacks.qnap);
    const cluster = synthStack(stacks.mainCluster);
    // THEN the qnap output that carries the token is sensitive
    const outputs = Object.values(qnap.output ?? {}) as any[];
    const tokenOutputs = outputs.filter((o) => /vault_token\..*\.client_token/.test(o.value));
    expect(tokenOutputs).toHaveLength(1);
    expect(tokenOutputs[0].sensitive).toBe(true);
    // AND main-cluster puts it in a Secret from the remote state, nowhere else
    // (main-cluster also writes the QNAP's CA certificate, a public value, into Secrets)
    const secrets = Object.values(resourcesOf(cluster, 'kubernetes_secret_v1')) as any[];
    const fromRemoteState = secrets.filter((s) => JSON.stringify(s).includes('terraform_remote_state'));
    expect(fromRemoteState).toHaveLength(1);
    expect(fromRemoteState[0].data.token).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-qnap\.outputs\./);
    const release = Object.values(resourcesOf(cluster, 'helm_release'))[0] as any;
    expect(release.values.join('\n')).not.toMatch(/remote_state|client_token/);
    expect(JSON.stringify(resourcesOf(cluster, 'kubernetes_config_map_v1'))).toBe('{}');
  });
});
