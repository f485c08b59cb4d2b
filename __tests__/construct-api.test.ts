import * as fs from 'fs';
import * as path from 'path';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { PostgresqlProvider } from '@cdktf/provider-postgresql/lib/provider';
import { TerraformResource, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { IConstruct } from 'constructs';
import { AppSecretsModule } from '../constructs/app-secrets-module';
import { AuditDevice } from '../constructs/audit-device';
import { BootstrapPki } from '../constructs/bootstrap-pki';
import { VAULT_CHART } from '../constructs/charts';
import { CiJwtAuthBackend } from '../constructs/ci-jwt-auth-backend';
import { ContractSecret } from '../constructs/contract-secret';
import { DatabaseSecretsMount } from '../constructs/database-secrets-mount';
import { EphemeralResource } from '../constructs/ephemeral-resource';
import { GiteaCicdRole } from '../constructs/gitea-cicd-role';
import { InfraSecretConsumer } from '../constructs/infra-secret-consumer';
import { KubernetesAuthBackend } from '../constructs/kubernetes-auth-backend';
import { KubernetesAuthRole } from '../constructs/kubernetes-auth-role';
import { KvV1Mount } from '../constructs/kv-v1-mount';
import { IKvV2Mount, KvV2Mount } from '../constructs/kv-v2-mount';
import { PostgresConnection } from '../constructs/postgres-connection';
import { PostgresDynamicRole } from '../constructs/postgres-dynamic-role';
import { PostgresGroupRoles } from '../constructs/postgres-group-roles';
import { GeneratedValue } from '../constructs/secret-generator';
import { TransitMount } from '../constructs/transit-mount';
import { TransitUnsealMaster } from '../constructs/transit-unseal-master';
import { VaultPolicy } from '../constructs/vault-policy';
import { VaultRelease } from '../constructs/vault-release';
import { RULE_SUPPRESSIONS_METADATA, RuleSuppressions } from '../rules/suppressions';
import { parsePolicyHcl } from './support/hcl';
import { findResource, resourcesOf, synthStack, TerraformJson, vaultTestStack } from './support/synth';

const QNAP = 'https://qnap.lab.example.net:8200';
const MAIN = 'https://vault.lab.example.net:8200';

/** A stack with a Vault and a helm provider, and string and number inputs that are tokens until apply. */
function stackWithInputs() {
  const stack = vaultTestStack();
  new HelmProvider(stack, 'helm', {});
  const text = new TerraformVariable(stack, 'text', { type: 'string' });
  const number = new TerraformVariable(stack, 'number', { type: 'number' });
  const password = new TerraformVariable(stack, 'password', { type: 'string', sensitive: true });
  return { stack, text: text.stringValue, number: number.numberValue, password: password.stringValue };
}

async function policyRules(json: TerraformJson, name: string): Promise<Record<string, string[]>> {
  return parsePolicyHcl(findResource(json, 'vault_policy', { name }).policy);
}

describe('VaultPolicy.fromPolicyName', () => {
  test('a Kubernetes auth role bound to an imported policy attaches it by name and creates no policy', () => {
    // GIVEN a policy managed elsewhere, imported by name
    const { stack } = stackWithInputs();
    const shared = VaultPolicy.fromPolicyName(stack, 'SharedReader', 'shared-reader');
    // WHEN a role attaches it
    new KubernetesAuthRole(stack, 'Role', {
      backend: KubernetesAuthBackend.fromMountPath(stack, 'Auth', 'kubernetes'),
      roleName: 'reporting',
      serviceAccountNames: ['reporting'],
      namespaces: ['reporting'],
      policies: [shared],
    });
    // THEN the role's tokens carry that policy, and this stack does not manage it
    const json = synthStack(stack);
    const role = findResource(json, 'vault_kubernetes_auth_backend_role', { role_name: 'reporting' });
    expect(role.token_policies).toEqual(['shared-reader']);
    expect(role.backend).toBe('kubernetes');
    expect(resourcesOf(json, 'vault_policy')).toEqual({});
  });

  test('a CI role bound to an imported policy attaches it by name', () => {
    // GIVEN an imported JWT backend and an imported policy
    const { stack } = stackWithInputs();
    const backend = CiJwtAuthBackend.fromMountPath(stack, 'CiAuth', 'gitea-actions', [MAIN]);
    // WHEN a CI role is bound to them
    new GiteaCicdRole(stack, 'Ci', { appName: 'reporting', backend, policies: [VaultPolicy.fromPolicyName(stack, 'Ops', 'reporting-ops')], repository: 'lab/reporting' });
    // THEN the role names the policy and the backend path
    const role = findResource(synthStack(stack), 'vault_jwt_auth_backend_role', { role_name: 'gitea_cicd_reporting' });
    expect(role.token_policies).toEqual(['reporting-ops']);
    expect(role.backend).toBe('gitea-actions');
  });

  test('fails when the imported name is root', () => {
    const { stack } = stackWithInputs();
    expect(() => VaultPolicy.fromPolicyName(stack, 'Root', 'root')).toThrow(/VaultPolicy\.fromPolicyName: 'policyName' \("root"\) .*not 'root' or 'default'/);
  });
});

describe('imported mounts work where owned ones do', () => {
  test('KV v1: grants on an imported mount are the grants on an owned one at the same path', async () => {
    // GIVEN an owned and an imported KV v1 mount at the same path, in two stacks
    const owned = stackWithInputs();
    const imported = stackWithInputs();
    const mounts = [new KvV1Mount(owned.stack, 'Kv', { mountPath: 'legacy' }), KvV1Mount.fromMountPath(imported.stack, 'Kv', 'legacy')];
    // WHEN each grants read and list on one secret
    mounts.forEach((kv, i) => {
      const policy = new VaultPolicy([owned, imported][i].stack, 'Reader', { policyName: 'legacy-reader' });
      kv.grantRead(policy, 'team/db');
      kv.grantList(policy, 'team/');
    });
    // THEN both render the KV v1 API paths (values at <mount>/<path>, no data/ prefix)
    const expected = { 'legacy/team/db': ['read'], 'legacy/team/': ['read', 'list'] };
    expect(await policyRules(synthStack(owned.stack), 'legacy-reader')).toEqual(expected);
    expect(await policyRules(synthStack(imported.stack), 'legacy-reader')).toEqual(expected);
  });

  test('transit: an unseal key in an imported mount names the mount path; in an owned one it references the mount', () => {
    // GIVEN seal masters on an imported and on an owned transit mount
    const imported = stackWithInputs();
    new TransitUnsealMaster(imported.stack, 'Main', { mount: TransitMount.fromMountPath(imported.stack, 'Transit', 'transit-unseal'), unsealedVaultName: 'main', unsealedVaultAddress: MAIN, sealAddress: QNAP });
    const owned = stackWithInputs();
    new TransitUnsealMaster(owned.stack, 'Main', { mount: new TransitMount(owned.stack, 'Transit', { mountPath: 'transit-unseal' }), unsealedVaultName: 'main', unsealedVaultAddress: MAIN, sealAddress: QNAP });
    // WHEN synthesized
    const keyOf = (json: TerraformJson) => findResource(json, 'vault_transit_secret_backend_key', { name: 'unseal-main' });
    const ownedJson = synthStack(owned.stack);
    // THEN the imported key lives at the literal path, the owned one waits for its mount
    expect(keyOf(synthStack(imported.stack)).backend).toBe('transit-unseal');
    const [mountId] = Object.keys(resourcesOf(ownedJson, 'vault_mount'));
    expect(keyOf(ownedJson).backend).toBe(`\${vault_mount.${mountId}.path}`);
  });

  test('transit: fails when two owners claim one key of an imported mount', () => {
    const { stack } = stackWithInputs();
    const mount = TransitMount.fromMountPath(stack, 'Transit', 'transit-unseal');
    new TransitUnsealMaster(stack, 'Main', { mount, unsealedVaultName: 'main', unsealedVaultAddress: MAIN, sealAddress: QNAP });
    expect(() => new TransitUnsealMaster(stack, 'Again', { mount, unsealedVaultName: 'other', keyName: 'unseal-main', unsealedVaultAddress: 'https://other.lab.example.net:8200', sealAddress: QNAP })).toThrow(
      /'keyName' \("unseal-main"\) is already used in transit mount 'transit-unseal' by test\/Main/,
    );
  });

  test('PKI: an imported engine grants issuing from its role', async () => {
    // GIVEN the bootstrap PKI imported by mount path (default role)
    const { stack } = stackWithInputs();
    const policy = new VaultPolicy(stack, 'Tls', { policyName: 'vault-server-tls' });
    // WHEN it grants issue
    BootstrapPki.fromMountPath(stack, 'Pki', 'pki-bootstrap').grantIssue(policy);
    // THEN the policy may request a certificate from that role only (pki issue endpoint)
    expect(await policyRules(synthStack(stack), 'vault-server-tls')).toEqual({ 'pki-bootstrap/issue/vault-server': ['update'] });
  });

  test('database: a connection in an imported engine names the mount path', () => {
    const { stack, password } = stackWithInputs();
    const mount = DatabaseSecretsMount.fromMountPath(stack, 'Postgres', 'postgres');
    new PostgresConnection(stack, 'Apps', { mount, connectionName: 'apps', host: 'pg.test.example', password });
    expect(findResource(synthStack(stack), 'vault_database_secret_backend_connection', { name: 'apps' }).backend).toBe('postgres');
  });

  test('KV v2: an infrastructure secret in an imported engine waits for no mount; in an owned one it does', () => {
    // GIVEN consumers of an imported and of an owned infra engine
    const consumer = (kv: IKvV2Mount, stack: TerraformStack) =>
      new InfraSecretConsumer(stack, 'Dns', { kv, consumerName: 'cert-manager', secretPath: 'dns/provider', kubernetesAuth: KubernetesAuthBackend.fromMountPath(stack, 'Auth', 'kubernetes'), namespace: 'cert-manager', serviceAccountName: 'cert-manager' });
    const imported = stackWithInputs();
    consumer(KvV2Mount.fromMountPath(imported.stack, 'Infra', 'infra'), imported.stack);
    const owned = stackWithInputs();
    consumer(new KvV2Mount(owned.stack, 'Infra', { mountPath: 'infra' }), owned.stack);
    // WHEN synthesized
    const metadataOf = (json: TerraformJson) => findResource(json, 'vault_generic_endpoint', { path: 'infra/metadata/dns/provider' });
    const ownedJson = synthStack(owned.stack);
    // THEN only the owned engine orders the metadata write after its mount
    expect(metadataOf(synthStack(imported.stack)).depends_on).toBeUndefined();
    expect(metadataOf(ownedJson).depends_on).toEqual(Object.keys(resourcesOf(ownedJson, 'vault_mount')).map((id) => `vault_mount.${id}`));
  });

  test('audit: fails when an imported device path is not a path', () => {
    const { stack } = stackWithInputs();
    expect(() => AuditDevice.fromDevicePath(stack, 'Audit', '/file/')).toThrow(/AuditDevice\.fromDevicePath: 'devicePath' \("\/file\/"\) must be path segments/);
  });
});

describe('renamed props', () => {
  test('the deprecated path still names the mount', () => {
    const { stack } = stackWithInputs();
    new KvV2Mount(stack, 'Kv', { path: 'old-kv' });
    expect(findResource(synthStack(stack), 'vault_mount', { path: 'old-kv' }).type).toBe('kv');
  });

  test('fails when both mountPath and its deprecated name path are set', () => {
    const { stack } = stackWithInputs();
    expect(() => new TransitMount(stack, 'Transit', { mountPath: 'transit', path: 'transit-old' })).toThrow(/TransitMount: 'path' \("transit-old"\) is the deprecated name of 'mountPath' \("transit"\); set only 'mountPath'/);
  });
});

/** Each L2 construct and the Terraform type of its main resource. */
const MAIN_RESOURCES: ReadonlyArray<[string, (s: ReturnType<typeof stackWithInputs>) => IConstruct, string]> = [
  ['KvV2Mount', ({ stack }) => new KvV2Mount(stack, 'X'), 'vault_mount'],
  ['KvV1Mount', ({ stack }) => new KvV1Mount(stack, 'X'), 'vault_mount'],
  ['TransitMount', ({ stack }) => new TransitMount(stack, 'X'), 'vault_mount'],
  ['DatabaseSecretsMount', ({ stack }) => new DatabaseSecretsMount(stack, 'X'), 'vault_mount'],
  ['BootstrapPki', ({ stack }) => new BootstrapPki(stack, 'X', { allowedDnsNames: ['vault.lab.example.net'] }), 'vault_mount'],
  ['KubernetesAuthBackend', ({ stack }) => new KubernetesAuthBackend(stack, 'X', { kubernetesHost: 'https://kubernetes.default.svc' }), 'vault_auth_backend'],
  ['CiJwtAuthBackend', ({ stack }) => new CiJwtAuthBackend(stack, 'X', { issuer: 'https://git.example.test/api/actions', audiences: [MAIN] }), 'vault_jwt_auth_backend'],
  ['AuditDevice', ({ stack }) => new AuditDevice(stack, 'X'), 'vault_audit'],
  ['VaultPolicy', ({ stack }) => new VaultPolicy(stack, 'X', { policyName: 'x' }).allow('kvv2/data/x', ['read']), 'vault_policy'],
  [
    'KubernetesAuthRole',
    ({ stack }) => new KubernetesAuthRole(stack, 'X', { backend: KubernetesAuthBackend.fromMountPath(stack, 'A', 'kubernetes'), roleName: 'x', serviceAccountNames: ['x'], namespaces: ['x'], policies: [VaultPolicy.fromPolicyName(stack, 'P', 'x')] }),
    'vault_kubernetes_auth_backend_role',
  ],
  [
    'GiteaCicdRole',
    ({ stack }) => new GiteaCicdRole(stack, 'X', { appName: 'x', backend: CiJwtAuthBackend.fromMountPath(stack, 'A', 'gitea-actions', [MAIN]), policies: [VaultPolicy.fromPolicyName(stack, 'P', 'x-ops')], repository: 'lab/x' }),
    'vault_jwt_auth_backend_role',
  ],
  ['TransitUnsealMaster', ({ stack }) => new TransitUnsealMaster(stack, 'X', { mount: TransitMount.fromMountPath(stack, 'T', 'transit'), unsealedVaultName: 'main', unsealedVaultAddress: MAIN, sealAddress: QNAP }), 'vault_transit_secret_backend_key'],
  ['PostgresConnection', ({ stack, password }) => new PostgresConnection(stack, 'X', { mount: DatabaseSecretsMount.fromMountPath(stack, 'M', 'postgres'), connectionName: 'apps', host: 'pg.test.example', password }), 'vault_database_secret_backend_connection'],
  [
    'PostgresDynamicRole',
    ({ stack }) => new PostgresDynamicRole(stack, 'X', { connection: { mount: DatabaseSecretsMount.fromMountPath(stack, 'M', 'postgres'), connectionName: 'apps', allowRole: () => undefined }, appName: 'x' }),
    'vault_database_secret_backend_role',
  ],
  ['ContractSecret', ({ stack }) => new ContractSecret(stack, 'X', { kv: KvV2Mount.fromMountPath(stack, 'K', 'kvv2'), secretPath: 'x/seed', generatedPath: 'x/_generated/seed', staticKeys: [{ key: 'user', value: 'x' }] }), 'vault_kv_secret_v2'],
  ['VaultRelease', ({ stack }) => new VaultRelease(stack, 'X', { chart: VAULT_CHART, namespace: 'vault', tls: { secretName: 'vault-server-tls' } }), 'helm_release'],
];

describe('node.defaultChild is the main resource', () => {
  test.each(MAIN_RESOURCES)('%s: an override through defaultChild lands on the main resource', (_name, build, type) => {
    // GIVEN the construct WHEN its defaultChild is protected from destroy
    const inputs = stackWithInputs();
    (build(inputs).node.defaultChild as TerraformResource).addOverride('lifecycle.prevent_destroy', true);
    // THEN exactly the main resource carries it
    const json = synthStack(inputs.stack);
    const protectedTypes = Object.entries(json.resource ?? {}).flatMap(([t, blocks]) => Object.values(blocks).filter((b: any) => b.lifecycle?.prevent_destroy).map(() => t));
    expect(protectedTypes).toEqual([type]);
  });
});

test('a rule suppression on an L2 construct lands on its main resource', () => {
  // GIVEN a transit mount, whose main resource is its `Mount` child
  const { stack } = stackWithInputs();
  const transit = new TransitMount(stack, 'Transit', { mountPath: 'transit-unseal' });
  // WHEN a rule is suppressed on the construct
  RuleSuppressions.add(transit, [{ id: 'VP-ORD-1', reason: 'created by the bootstrap runbook first' }]);
  // THEN the written vault_mount block carries it in its // comment
  stack.prepareStack();
  const written = JSON.parse(fs.readFileSync(path.join(Testing.fullSynth(stack), 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8'));
  expect(findResource(written, 'vault_mount', { path: 'transit-unseal' })['//'][RULE_SUPPRESSIONS_METADATA]).toEqual([{ id: 'VP-ORD-1', reason: 'created by the bootstrap runbook first' }]);
});

type Inputs = ReturnType<typeof stackWithInputs>;
/** A prop set to a token (accepted: only Terraform knows the value) and to a bad literal (refused). */
const TOKEN_CASES: ReadonlyArray<[string, (s: Inputs, value: any) => unknown, (s: Inputs) => unknown, unknown, RegExp]> = [
  ['KvV2Mount maxVersions', ({ stack }, v) => new KvV2Mount(stack, 'X', { maxVersions: v }), (s) => s.number, 0, /KvV2Mount: 'maxVersions' \(0\)/],
  ['KubernetesAuthBackend kubernetesHost', ({ stack }, v) => new KubernetesAuthBackend(stack, 'X', { kubernetesHost: v }), (s) => s.text, 'http://k8s', /'kubernetesHost' \("http:\/\/k8s"\) must be an https:\/\/ URL/],
  [
    'KubernetesAuthRole serviceAccountNames',
    ({ stack }, v) => new KubernetesAuthRole(stack, 'X', { backend: KubernetesAuthBackend.fromMountPath(stack, 'A', 'kubernetes'), roleName: 'x', serviceAccountNames: [v], namespaces: ['x'], policies: [VaultPolicy.fromPolicyName(stack, 'P', 'x')] }),
    (s) => s.text,
    '*',
    /KubernetesAuthRole: 'serviceAccountNames' \(\["\*"\]\) has "\*"/,
  ],
  [
    'KubernetesAuthRole tokenTtl',
    ({ stack }, v) => new KubernetesAuthRole(stack, 'X', { backend: KubernetesAuthBackend.fromMountPath(stack, 'A', 'kubernetes'), roleName: 'x', serviceAccountNames: ['x'], namespaces: ['x'], policies: [VaultPolicy.fromPolicyName(stack, 'P', 'x')], tokenTtl: v, tokenMaxTtl: 600 }),
    (s) => s.number,
    -5,
    /KubernetesAuthRole: 'tokenTtl' \(-5\)/,
  ],
  ['CiJwtAuthBackend issuer', ({ stack }, v) => new CiJwtAuthBackend(stack, 'X', { issuer: v, audiences: [MAIN] }), (s) => s.text, 'http://git', /CiJwtAuthBackend: 'issuer' \("http:\/\/git"\)/],
  [
    'GiteaCicdRole repository',
    ({ stack }, v) => new GiteaCicdRole(stack, 'X', { appName: 'x', backend: CiJwtAuthBackend.fromMountPath(stack, 'A', 'gitea-actions', [MAIN]), policies: [VaultPolicy.fromPolicyName(stack, 'P', 'x-ops')], repository: v }),
    (s) => s.text,
    'lab/*',
    /'repository' \("lab\/\*"\) contains a glob/,
  ],
  ['AuditDevice filePath', ({ stack }, v) => new AuditDevice(stack, 'X', { filePath: v }), (s) => s.text, 'audit.log', /AuditDevice: 'filePath' \("audit.log"\)/],
  ['BootstrapPki allowedDnsNames', ({ stack }, v) => new BootstrapPki(stack, 'X', { allowedDnsNames: [v] }), (s) => s.text, '*.lab', /BootstrapPki: 'allowedDnsNames' .* has "\*\.lab"/],
  ['BootstrapPki certMaxTtlHours', ({ stack }, v) => new BootstrapPki(stack, 'X', { allowedDnsNames: ['vault.lab'], certMaxTtlHours: v }), (s) => s.number, 0.5, /BootstrapPki: 'certMaxTtlHours' \(0.5\)/],
  [
    'TransitUnsealMaster sealAddress',
    ({ stack }, v) => {
      // The seal stanza reaches the output through the unsealed Vault's release.
      const master = new TransitUnsealMaster(stack, 'X', { mount: TransitMount.fromMountPath(stack, 'T', 'transit'), unsealedVaultName: 'main', unsealedVaultAddress: MAIN, sealAddress: v });
      new VaultRelease(stack, 'Vault', { chart: VAULT_CHART, namespace: 'vault', tls: { secretName: 'tls' }, transitSeal: { stanza: master.sealStanza, tokenSecretName: 'unseal', tokenSecretKey: 'token' } });
    },
    (s) => s.text,
    MAIN,
    /'sealAddress' .* a Vault cannot unseal itself/,
  ],
  [
    'TransitUnsealMaster tokenPeriodHours',
    ({ stack }, v) => new TransitUnsealMaster(stack, 'X', { mount: TransitMount.fromMountPath(stack, 'T', 'transit'), unsealedVaultName: 'main', unsealedVaultAddress: MAIN, sealAddress: QNAP, tokenPeriodHours: v }),
    (s) => s.number,
    1000,
    /'tokenPeriodHours' \(1000\)/,
  ],
  [
    'PostgresConnection port',
    ({ stack, password }, v) => new PostgresConnection(stack, 'X', { mount: DatabaseSecretsMount.fromMountPath(stack, 'M', 'postgres'), connectionName: 'apps', host: 'pg.test.example', port: v, password }),
    (s) => s.number,
    70000,
    /PostgresConnection: 'port' \(70000\)/,
  ],
  [
    'PostgresDynamicRole maxTtl',
    ({ stack }, v) => new PostgresDynamicRole(stack, 'X', { connection: { mount: DatabaseSecretsMount.fromMountPath(stack, 'M', 'postgres'), connectionName: 'apps', allowRole: () => undefined }, appName: 'x', maxTtl: v }),
    (s) => s.number,
    1,
    /PostgresDynamicRole: 'maxTtl' \(1\)/,
  ],
  [
    'AppSecretsModule namespace',
    ({ stack }, v) => new AppSecretsModule(stack, 'X', { appName: 'x', namespace: v, kv: KvV2Mount.fromMountPath(stack, 'K', 'kvv2'), kubernetesAuth: KubernetesAuthBackend.fromMountPath(stack, 'A', 'kubernetes') }),
    (s) => s.text,
    'Team_X',
    /AppSecretsModule: 'namespace' \("Team_X"\)/,
  ],
  [
    'PostgresGroupRoles vaultUsername',
    ({ stack }, v) => new PostgresGroupRoles(stack, 'X', { provider: new PostgresqlProvider(stack, 'pg', {}), vaultUsername: v, apps: [{ appName: 'x', database: 'x', schema: 'x', readOnly: false }] }),
    (s) => s.text,
    'Vault Admin',
    /PostgresGroupRoles: 'vaultUsername' \("Vault Admin"\)/,
  ],
  ['GeneratedValue length', ({ stack }, v) => new GeneratedValue(stack, 'X', { generate: 'token', length: v }), (s) => s.number, 0, /GeneratedValue: 'length' \(0\)/],
  ['VaultRelease namespace', ({ stack }, v) => new VaultRelease(stack, 'X', { chart: VAULT_CHART, namespace: v, tls: { secretName: 'tls' } }), (s) => s.text, 'Vault', /VaultRelease: 'namespace' \("Vault"\)/],
];

describe('validation skips tokens and still refuses bad literals', () => {
  test.each(TOKEN_CASES)('%s: a reference reaches the output unchecked', (_name, build, token) => {
    // GIVEN a prop that is a Terraform variable WHEN the construct is built and synthesized
    const inputs = stackWithInputs();
    build(inputs, token(inputs));
    // THEN the variable is referenced in the output (no check ran on the placeholder)
    const used = JSON.stringify({ ...synthStack(inputs.stack), variable: undefined });
    expect(used).toMatch(/\$\{var\.(text|number)\}/);
  });

  test.each(TOKEN_CASES)('fails when %s is a bad literal', (_name, build, _token, bad, message) => {
    const inputs = stackWithInputs();
    expect(() => build(inputs, bad)).toThrow(message);
  });
});

/** Props the naming rule makes literals (`…Path`, `…Name`), and props that shape the output: a token is refused. */
const LITERAL_CASES: ReadonlyArray<[string, (s: Inputs) => unknown, RegExp]> = [
  ['VaultPolicy policyName', (s) => new VaultPolicy(s.stack, 'X', { policyName: s.text }), /VaultPolicy: 'policyName' must be a literal value known at synthesis.*policies, reports and delivery files/],
  ['KvV2Mount mountPath', (s) => new KvV2Mount(s.stack, 'X', { mountPath: s.text }), /KvV2Mount: 'mountPath' must be a literal value/],
  ['KubernetesAuthBackend.fromMountPath mountPath', (s) => KubernetesAuthBackend.fromMountPath(s.stack, 'X', s.text), /KubernetesAuthBackend\.fromMountPath: 'mountPath' must be a literal value/],
  ['AppSecretsModule appName', (s) => new AppSecretsModule(s.stack, 'X', { appName: s.text, namespace: 'x', kv: KvV2Mount.fromMountPath(s.stack, 'K', 'kvv2'), kubernetesAuth: KubernetesAuthBackend.fromMountPath(s.stack, 'A', 'kubernetes') }), /AppSecretsModule: 'appName' must be a literal value/],
  [
    'InfraSecretConsumer secretPath',
    (s) => new InfraSecretConsumer(s.stack, 'X', { kv: KvV2Mount.fromMountPath(s.stack, 'K', 'infra'), consumerName: 'x', secretPath: s.text, kubernetesAuth: KubernetesAuthBackend.fromMountPath(s.stack, 'A', 'kubernetes'), namespace: 'x', serviceAccountName: 'x' }),
    /InfraSecretConsumer: 'secretPath' must be a literal value/,
  ],
  ['TransitUnsealMaster keyName', (s) => new TransitUnsealMaster(s.stack, 'X', { mount: TransitMount.fromMountPath(s.stack, 'T', 'transit'), unsealedVaultName: 'main', unsealedVaultAddress: MAIN, sealAddress: QNAP, keyName: s.text }), /TransitUnsealMaster: 'keyName' must be a literal value/],
  ['VaultRelease replicas', (s) => new VaultRelease(s.stack, 'X', { chart: VAULT_CHART, namespace: 'vault', tls: { secretName: 'tls' }, replicas: s.number }), /VaultRelease: 'replicas' must be a literal value.*retry_join/],
  [
    'PostgresDynamicRole appName',
    (s) => new PostgresDynamicRole(s.stack, 'X', { connection: { mount: DatabaseSecretsMount.fromMountPath(s.stack, 'M', 'postgres'), connectionName: 'apps', allowRole: () => undefined }, appName: s.text }),
    /PostgresDynamicRole: 'appName' must be a literal value.*SQL statements/,
  ],
  [
    'PostgresGroupRoles apps[].database',
    (s) => new PostgresGroupRoles(s.stack, 'X', { provider: new PostgresqlProvider(s.stack, 'pg', {}), vaultUsername: 'vault', apps: [{ appName: 'x', database: s.text, schema: 'x', readOnly: false }] }),
    /PostgresGroupRoles: 'apps\[\]\.database' must be a literal value.*resource address/,
  ],
  [
    'KubernetesAuthRole roleName',
    (s) => new KubernetesAuthRole(s.stack, 'X', { backend: KubernetesAuthBackend.fromMountPath(s.stack, 'A', 'kubernetes'), roleName: s.text, serviceAccountNames: ['x'], namespaces: ['x'], policies: [VaultPolicy.fromPolicyName(s.stack, 'P', 'x')] }),
    /KubernetesAuthRole: 'roleName' must be a literal value/,
  ],
  [
    'GiteaCicdRole appName',
    (s) => new GiteaCicdRole(s.stack, 'X', { appName: s.text, backend: CiJwtAuthBackend.fromMountPath(s.stack, 'A', 'gitea-actions', [MAIN]), policies: [VaultPolicy.fromPolicyName(s.stack, 'P', 'x-ops')], repository: 'lab/x' }),
    /GiteaCicdRole: 'appName' must be a literal value.*workflow files/,
  ],
  [
    'a ContractSecret key',
    (s) => new ContractSecret(s.stack, 'X', { kv: KvV2Mount.fromMountPath(s.stack, 'K', 'kvv2'), secretPath: 'x/seed', generatedPath: 'x/_generated/seed', staticKeys: [{ key: s.text, value: 'x' }] }),
    /ContractSecret: 'staticKeys\/generatedKeys\[\]\.key' must be a literal value/,
  ],
  ['EphemeralResource type', (s) => new EphemeralResource(s.stack, 'X', { type: s.text, config: {} }), /EphemeralResource: 'type' must be a literal value/],
  ['BootstrapPki caTtlHours', (s) => new BootstrapPki(s.stack, 'X', { allowedDnsNames: ['vault.lab'], caTtlHours: s.number }), /BootstrapPki: 'caTtlHours' must be a literal value/],
  [
    'a ContractSecret generated version',
    (s) => new ContractSecret(s.stack, 'X', { kv: KvV2Mount.fromMountPath(s.stack, 'K', 'kvv2'), secretPath: 'x/seed', generatedPath: 'x/_generated/seed', generatedKeys: [{ key: 'pw', generate: 'token', length: 16, version: s.number }] }),
    /ContractSecret: 'generatedKeys\[pw\]\.version' must be a literal value/,
  ],
];

describe('literal props refuse tokens', () => {
  test.each(LITERAL_CASES)('fails when %s is a token', (_name, build, message) => {
    expect(() => build(stackWithInputs())).toThrow(message);
  });
});
