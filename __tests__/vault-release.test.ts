import * as fs from 'fs';
import { parse } from '@cdktf/hcl2json';
import { TerraformStack, Testing } from 'cdktf';
import { parse as parseYaml } from 'yaml';
import { VaultRelease, VaultReleaseProps } from '../constructs/vault-release';
import { podEnvironment, vaultServerEnv } from '../rules/vault-chart-env';
import { VAULT_CHART } from '../constructs/charts';
import { validateVaultHelmValues } from './support/helm-values';
import { describeWithSchemas, schemaPath } from './support/schemas';
import { buildTestLab, exampleConfig, resourcesOf, synthStack } from './support/synth';

const SEAL = {
  stanza: { address: 'https://qnap.lab.example.net:8200', mountPath: 'transit-unseal', keyName: 'unseal-main' },
  tokenSecretName: 'vault-transit-unseal-token',
  tokenSecretKey: 'token',
};

function release(props: Partial<VaultReleaseProps> = {}): VaultRelease {
  const stack = new TerraformStack(Testing.app(), 'test');
  return new VaultRelease(stack, 'Vault', { chart: VAULT_CHART, namespace: 'vault', tls: { secretName: 'vault-server-tls' }, transitSeal: SEAL, ...props });
}

/** The values of the lab's main (or sandbox) Vault release as helm receives them. */
function labValues(stack: 'mainCluster' | 'sandboxCluster'): any {
  const { stacks } = buildTestLab();
  Object.values(stacks).forEach((s) => s.prepareStack());
  const json = synthStack(stacks[stack]);
  const releases = (Object.values(resourcesOf(json, 'helm_release')) as any[]).filter((r) => r.chart === VAULT_CHART.chart);
  expect(releases).toHaveLength(1);
  return { release: releases[0], values: parseYaml(releases[0].values[0]), json };
}

describe('VaultRelease', () => {
  test('installs the pinned hashicorp/vault chart', () => {
    const { release: r } = labValues('mainCluster');
    expect(r).toMatchObject({ chart: 'vault', repository: 'https://helm.releases.hashicorp.com', version: VAULT_CHART.version, namespace: 'vault', wait: false });
  });

  test('HA with integrated raft storage, 3 replicas, a disruption budget, no standalone mode', () => {
    const { values } = labValues('mainCluster');
    expect(values.server.ha).toMatchObject({ enabled: true, replicas: 3, raft: { enabled: true, setNodeId: true }, disruptionBudget: { enabled: true, maxUnavailable: 1 } });
    expect(values.server.standalone.enabled).toBe(false);
  });

  test("each pod advertises its stable name (in the certificate) as api and cluster address, once Kubernetes has expanded the chart's env", () => {
    for (const stack of ['mainCluster', 'sandboxCluster'] as const) {
      const { values } = labValues(stack);
      for (const pod of ['vault-0', 'vault-2']) {
        const fields: Record<string, string> = { 'metadata.name': pod, 'metadata.namespace': 'vault', 'status.podIP': '10.0.0.7', 'status.hostIP': '192.168.1.5' };
        const env = podEnvironment(vaultServerEnv(values), (source) => ('fieldPath' in source ? fields[source.fieldPath] : 'secret'));
        expect(env.get('VAULT_API_ADDR')).toEqual({ value: `https://${pod}.vault-internal:8200`, unresolved: [] });
        expect(env.get('VAULT_CLUSTER_ADDR')).toEqual({ value: `https://${pod}.vault-internal:8201`, unresolved: [] });
      }
    }
  });

  test('injector off, UI on, audit and data storage enabled, TLS on', () => {
    const { values } = labValues('mainCluster');
    expect(values.injector.enabled).toBe(false);
    expect(values.ui.enabled).toBe(true);
    expect(values.server.auditStorage.enabled).toBe(true);
    expect(values.server.dataStorage.enabled).toBe(true);
    expect(values.global.tlsDisable).toBe(false);
  });

  test('the server config in the values is HCL with the TLS listener, raft retry_join over TLS, the transit seal and kubernetes registration', async () => {
    const { values } = labValues('mainCluster');
    const hcl = (await parse('config.hcl', values.server.ha.raft.config)) as any;
    expect(hcl.listener.tcp[0]).toMatchObject({ tls_cert_file: '/vault/userconfig/tls/tls.crt', tls_key_file: '/vault/userconfig/tls/tls.key' });
    expect(hcl.listener.tcp[0].tls_disable).toBeUndefined();
    expect(hcl.storage.raft[0].retry_join.map((j: any) => j.leader_api_addr)).toEqual([0, 1, 2].map((i) => `https://vault-${i}.vault-internal:8200`));
    expect(hcl.storage.raft[0].retry_join.every((j: any) => j.leader_ca_cert_file === '/vault/userconfig/tls/issuing_ca')).toBe(true);
    const config = exampleConfig();
    expect(hcl.seal.transit[0]).toMatchObject({ address: config.environments.qnap.vault.address, mount_path: 'transit-unseal', key_name: 'unseal-main', tls_skip_verify: false });
    expect(hcl.service_registration.kubernetes).toEqual([{}]);
  });

  test('the seal token reaches the pods only as VAULT_TOKEN from the Secret, never in the values', () => {
    const { values, release: r } = labValues('mainCluster');
    expect(values.server.extraSecretEnvironmentVars).toEqual([{ envName: 'VAULT_TOKEN', secretName: 'vault-transit-unseal-token', secretKey: 'token' }]);
    expect(r.values[0]).not.toMatch(/\$\{|hvs\.|client_token|"token"\s*[:=]/);
    expect(values.server.volumes.map((v: any) => v.secret.secretName)).not.toContain('vault-transit-unseal-token');
  });

  test('the sandbox: Shamir unseal, its own TLS Secret, and no reference to the QNAP Vault anywhere', async () => {
    const { values, json } = labValues('sandboxCluster');
    const hcl = (await parse('config.hcl', values.server.ha.raft.config)) as any;
    expect(hcl.seal).toBeUndefined();
    expect(values.server.extraSecretEnvironmentVars).toEqual([]);
    const sandboxTls = exampleConfig().environments.sandbox.vaultServer.tls as { secretName: string };
    expect(values.server.volumes[0].secret.secretName).toBe(sandboxTls.secretName);
    const text = JSON.stringify(json);
    expect(text).not.toContain(new URL(exampleConfig().environments.qnap.vault.address).hostname);
    expect(text).not.toMatch(/remote_state|transit-unseal/);
  });

  test('fails when an isolated Vault (the sandbox) is given a transit seal', () => {
    expect(() => release({ isolated: true })).toThrow(/VaultRelease: 'transitSeal' \("https:\/\/qnap\.lab\.example\.net:8200"\) is set on an isolated Vault: the sandbox must never be unsealed by another Vault/);
  });

  test('fails when releaseName lacks the chart name, so the chart would name the pods <releaseName>-vault-<n>', () => {
    expect(() => release({ releaseName: 'secrets' })).toThrow(/VaultRelease: 'releaseName' \("secrets"\) must contain the chart name "vault"/);
  });

  test('fails when replicas is not a positive whole number', () => {
    expect(() => release({ replicas: 0 })).toThrow(/VaultRelease: 'replicas' \(0\) must be a whole number >= 1/);
  });
});

describeWithSchemas("VaultRelease values against the chart's values.schema.json", () => {
  test('the pinned chart version is the one whose values schema the tests use', () => {
    const chart = parseYaml(fs.readFileSync(schemaPath('vault-helm', 'Chart.yaml'), 'utf8'));
    expect(chart.version).toBe(VAULT_CHART.version);
    expect(chart.appVersion).toBe(VAULT_CHART.appVersion);
  });

  test('the generated values of main and the sandbox are valid', () => {
    expect(validateVaultHelmValues(release().values)).toEqual([]);
    expect(validateVaultHelmValues(release({ transitSeal: undefined, isolated: true }).values)).toEqual([]);
  });

  test('fails on an unknown key', () => {
    const values = JSON.parse(JSON.stringify(release().values));
    values.server.ha.raft.enabeld = true;
    expect(validateVaultHelmValues(values).join('\n')).toMatch(/\/server\/ha\/raft must NOT have additional properties.*enabeld/);
  });

  test('fails on a mistyped value', () => {
    const values = JSON.parse(JSON.stringify(release().values));
    values.server.ha.replicas = '3';
    expect(validateVaultHelmValues(values).join('\n')).toMatch(/\/server\/ha\/replicas must be integer/);
  });
});
