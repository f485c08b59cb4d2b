import { parsePolicyHcl } from './support/hcl';
import { validateAgainstCrd } from './support/crd';
import { describeWithSchemas } from './support/schemas';
import { buildTestLab, exampleConfig, findResource, preparedExampleStackJson, resourcesOf, synthStack } from './support/synth';

function preparedLab() {
  const lab = buildTestLab();
  Object.values(lab.stacks).forEach((s) => s.prepareStack());
  return lab.stacks;
}

describe('the qnap stack', () => {
  test('mounts a KV v2 engine for infrastructure secrets and writes no secret value', () => {
    const json = preparedExampleStackJson('qnap');
    expect(findResource(json, 'vault_mount', { path: 'secret' })).toMatchObject({ type: 'kv', options: { version: '2' } });
    expect(resourcesOf(json, 'vault_kv_secret_v2')).toEqual({});
    expect(resourcesOf(json, 'vault_kv_secret')).toEqual({});
  });

  test('each consumer gets a policy that reads exactly its one secret', async () => {
    const config = exampleConfig();
    const json = preparedExampleStackJson('qnap');
    for (const consumer of config.environments.qnap.bootstrap.consumers) {
      const policy = findResource(json, 'vault_policy', { name: `infra-${consumer.name}` });
      expect(await parsePolicyHcl(policy.policy)).toEqual({ [`secret/data/${consumer.kvPath}`]: ['read'] });
    }
  });

  test("each consumer's role is bound to exactly its ServiceAccount and namespace on the main cluster's auth mount", () => {
    const config = exampleConfig();
    const json = preparedExampleStackJson('qnap');
    for (const consumer of config.environments.qnap.bootstrap.consumers) {
      const role = findResource(json, 'vault_kubernetes_auth_backend_role', { role_name: consumer.name });
      expect(role).toMatchObject({
        bound_service_account_names: [consumer.serviceAccount ?? `${consumer.name}-bootstrap`],
        bound_service_account_namespaces: [consumer.namespace],
        audience: 'vault',
      });
      expect(role.backend).toMatch(/vault_auth_backend\.MainClusterAuth_Backend_.*\.path/);
    }
  });

  test('infra secret metadata is managed (reader recorded) but never deleted by Terraform and carries no value', () => {
    const json = preparedExampleStackJson('qnap');
    const metadata = findResource(json, 'vault_generic_endpoint', { path: 'secret/metadata/dns/provider' });
    expect(metadata.disable_delete).toBe(true);
    expect(Object.keys(JSON.parse(metadata.data_json))).toEqual(['custom_metadata']);
    expect(JSON.parse(metadata.data_json).custom_metadata.reader).toBe('cert-manager/cert-manager-dns-bootstrap');
  });

  test('the Kubernetes auth backend trusts the main cluster from config with the client JWT as reviewer (no reviewer token)', () => {
    const config = exampleConfig();
    const json = preparedExampleStackJson('qnap');
    expect(findResource(json, 'vault_auth_backend', { path: 'kubernetes-main' }).type).toBe('kubernetes');
    const k8s = Object.values(resourcesOf(json, 'vault_kubernetes_auth_backend_config')) as any[];
    expect(k8s).toHaveLength(1);
    expect(k8s[0].kubernetes_host).toBe(config.environments.qnap.bootstrap.mainCluster.apiHost);
    expect(k8s[0].token_reviewer_jwt).toBeUndefined();
  });

  test('the root CA keeps its key in Vault (type internal), so state holds only the certificate', () => {
    const json = preparedExampleStackJson('qnap');
    const roots = Object.values(resourcesOf(json, 'vault_pki_secret_backend_root_cert')) as any[];
    expect(roots).toHaveLength(1);
    expect(roots[0].type).toBe('internal');
    expect(findResource(json, 'vault_mount', { path: 'pki-bootstrap' }).type).toBe('pki');
    expect(resourcesOf(json, 'vault_pki_secret_backend_cert')).toEqual({});
  });

  test("the PKI role issues exactly the main Vault's server names: no subdomains, globs, wildcards or localhost", () => {
    const json = preparedExampleStackJson('qnap');
    const role = findResource(json, 'vault_pki_secret_backend_role', { name: 'vault-server' });
    expect([...role.allowed_domains].sort()).toEqual(
      [
        'vault', 'vault.vault', 'vault.vault.svc', 'vault.vault.svc.cluster.local',
        'vault-active', 'vault-active.vault', 'vault-active.vault.svc', 'vault-active.vault.svc.cluster.local',
        'vault-0.vault-internal', 'vault-1.vault-internal', 'vault-2.vault-internal',
        'vault.lab.example.net',
      ].sort(),
    );
    expect(role).toMatchObject({ allow_bare_domains: true, allow_subdomains: false, allow_glob_domains: false, allow_wildcard_certificates: false, allow_localhost: false, allow_any_name: false, server_flag: true, client_flag: false, max_ttl: '720h' });
  });

  test('only the Vault server certificate identity may issue from the PKI role', async () => {
    const json = preparedExampleStackJson('qnap');
    const policy = findResource(json, 'vault_policy', { name: 'vault-server-tls' });
    expect(await parsePolicyHcl(policy.policy)).toEqual({ 'pki-bootstrap/issue/vault-server': ['update'] });
    expect(findResource(json, 'vault_kubernetes_auth_backend_role', { role_name: 'vault-server-tls' })).toMatchObject({
      bound_service_account_names: ['vault-tls-bootstrap'],
      bound_service_account_namespaces: ['vault'],
    });
  });

  test('unseals main with its own transit key, and never the sandbox', () => {
    const stacks = preparedLab();
    expect([...stacks.qnap.transitUnsealMasters.keys()]).toEqual(['main']);
    const json = synthStack(stacks.qnap);
    expect(Object.values(resourcesOf(json, 'vault_transit_secret_backend_key')).map((k: any) => k.name)).toEqual(['unseal-main']);
    expect(findResource(json, 'vault_mount', { path: 'transit-unseal' }).type).toBe('transit');
  });
});

describe('the main-cluster stack', () => {
  test('the bootstrap ServiceAccounts get system:auth-delegator (client JWT as reviewer) and nothing else', () => {
    const config = exampleConfig();
    const json = preparedExampleStackJson('mainCluster');
    const bindings = Object.values(resourcesOf(json, 'kubernetes_cluster_role_binding_v1')) as any[];
    expect(bindings).toHaveLength(1);
    expect(bindings[0].role_ref).toEqual({ api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' });
    const expected = [
      { kind: 'ServiceAccount', name: 'vault-tls-bootstrap', namespace: 'vault' },
      ...config.environments.qnap.bootstrap.consumers.map((c) => ({ kind: 'ServiceAccount', name: c.serviceAccount ?? `${c.name}-bootstrap`, namespace: c.namespace })),
    ];
    expect(bindings[0].subject).toEqual(expected);
    // Every other ServiceAccount of the stack is the snapshot job's, which logs in to the main Vault
    // (an in-cluster reviewer) and is bound to nothing.
    const accounts = Object.values(resourcesOf(json, 'kubernetes_service_account_v1')).map((a: any) => a.metadata.name).sort();
    expect(accounts).toEqual([...expected.map((e) => e.name), 'vault-raft-snapshot'].sort());
  });

  test('every bootstrap ServiceAccount is created after its namespace (referenced, not a literal name)', () => {
    const json = preparedExampleStackJson('mainCluster');
    for (const account of Object.values(resourcesOf(json, 'kubernetes_service_account_v1')) as any[]) {
      expect(account.metadata.namespace).toMatch(/^\$\{kubernetes_namespace_v1\.[^.]+\.metadata\[0\]\.name\}$/);
    }
  });

  test('the sandbox cluster has no bootstrap identities and no seal token', () => {
    const json = preparedExampleStackJson('sandboxCluster');
    expect(resourcesOf(json, 'kubernetes_cluster_role_binding_v1')).toEqual({});
    expect(resourcesOf(json, 'kubernetes_secret_v1')).toEqual({});
  });
});

describe('the main-bootstrap stack', () => {
  test('is deployed after main-cluster (VSO CRDs) and talks to the main cluster', () => {
    const stacks = preparedLab();
    expect(stacks.mainBootstrap.dependencies).toContain(stacks.mainCluster);
    const json = synthStack(stacks.mainBootstrap);
    expect(json.provider?.kubernetes[0]).toEqual({ config_context: exampleConfig().environments.main.kubernetes.context });
    // main's stacks keep their state in the environment's pg backend, each in its own schema; no credential.
    expect(json.terraform?.backend).toEqual({ pg: { schema_name: 'vault_platform_main_bootstrap' } });
  });

  test("delivers each consumer's secret through a VaultStaticSecret authenticated on the QNAP Vault", () => {
    const config = exampleConfig();
    const resources = preparedLab().mainBootstrap.resources;
    // Consumers moved to the main Vault are __tests__/infra-migration.test.ts's.
    for (const consumer of config.environments.qnap.bootstrap.consumers.filter((c) => c.migration === undefined)) {
      const vss = resources.find((r) => r.kind === 'VaultStaticSecret' && r.metadata.name === consumer.name)!;
      expect(vss.metadata.namespace).toBe(consumer.namespace);
      expect(vss.spec).toMatchObject({
        type: 'kv-v2',
        mount: 'secret',
        path: consumer.kvPath,
        destination: { name: consumer.secretName ?? consumer.name, create: true, type: consumer.secretType ?? 'Opaque' },
      });
      const auth = resources.find((r) => r.kind === 'VaultAuth' && r.metadata.name === vss.spec.vaultAuthRef && r.metadata.namespace === consumer.namespace)!;
      // The connection is referenced in the VaultAuth's own namespace, never across namespaces.
      expect(auth.spec).toMatchObject({ method: 'kubernetes', mount: 'kubernetes-main', vaultConnectionRef: 'qnap-bootstrap', kubernetes: { role: consumer.name } });
      const connection = resources.find((r) => r.kind === 'VaultConnection' && r.metadata.namespace === consumer.namespace && r.metadata.name === 'qnap-bootstrap')!;
      // The example QNAP has a private CA: each connection trusts it (__tests__/private-ca.test.ts).
      expect(connection.spec).toEqual({ address: config.environments.qnap.vault.address, skipTLSVerify: false, caCertSecretRef: 'qnap-vault-ca' });
    }
    for (const auth of resources.filter((r) => r.kind === 'VaultAuth')) expect(String(auth.spec.vaultConnectionRef)).not.toContain('/');
  });

  test("requests the main Vault's server certificate from the QNAP PKI into the Secret the release mounts", () => {
    const stacks = preparedLab();
    const pki = stacks.mainBootstrap.resources.find((r) => r.kind === 'VaultPKISecret')!;
    expect(pki.spec).toMatchObject({ mount: 'pki-bootstrap', role: 'vault-server', commonName: 'vault.vault.svc', ipSans: ['127.0.0.1'], destination: { name: 'vault-server-tls', type: 'kubernetes.io/tls' } });
    expect(stacks.mainCluster.vaultServer.release.values.server.volumes[0].secret.secretName).toBe((pki.spec.destination as any).name);
  });

  test('the bootstrap custom resources are applied as kubernetes_manifest with stable ids (namespace/kind/name)', () => {
    const json = preparedExampleStackJson('mainBootstrap');
    const ids = Object.keys(resourcesOf(json, 'kubernetes_manifest'));
    expect(ids).toEqual(expect.arrayContaining([expect.stringMatching(/^Resources_cert-manager_VaultStaticSecret-cert-manager-dns_/), expect.stringMatching(/^Resources_vault_VaultPKISecret-vault-server-tls_/)]));
  });
});

describeWithSchemas('the main-bootstrap custom resources against the upstream VSO CRDs', () => {
  test('every generated resource is valid for its CRD', () => {
    const resources = preparedLab().mainBootstrap.resources;
    expect(new Set(resources.map((r) => r.kind))).toEqual(new Set(['VaultConnection', 'VaultAuth', 'VaultPKISecret', 'VaultStaticSecret']));
    for (const resource of resources) {
      expect({ resource: `${resource.kind}/${resource.metadata.name}`, errors: validateAgainstCrd(`vso/${resource.kind}.yaml`, resource as any) }).toEqual({
        resource: `${resource.kind}/${resource.metadata.name}`,
        errors: [],
      });
    }
  });
});
