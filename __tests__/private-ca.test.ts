import { X509Certificate, generateKeyPairSync } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from '@cdktf/hcl2json';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Aspects, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { parse as parseYaml } from 'yaml';
import { loadVaultCaCertificate } from '../config/vault-ca';
import { VAULT_CHART, VSO_CHART } from '../constructs/charts';
import { renderKubernetesObjects } from '../constructs/kubernetes-objects';
import { VaultRelease } from '../constructs/vault-release';
import { LeastPrivilegeRules } from '../rules';
import { addVaultProvider } from '../stacks/vault-provider';
import { synthErrors } from './support/annotations';
import { validateAgainstCrd } from './support/crd';
import { describeWithSchemas } from './support/schemas';
import { buildTestLab, exampleConfig, exampleConfigError, exampleConfigWith, resourcesOf, synthStack, TerraformJson } from './support/synth';

const PROJECT = path.resolve(__dirname, '..');
const EXAMPLE_CA_FILE = 'config/qnap-ca.pem';
const SERVER_CERT_FIXTURE = path.join(__dirname, 'fixtures', 'server-cert-not-ca.pem');

/** The example CA's certificates as X.509 DER, so PEM layout (comments, line breaks) does not matter. */
function certificatesOf(pemText: string): Buffer[] {
  return [...pemText.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]).raw);
}
const EXAMPLE_CA = certificatesOf(fs.readFileSync(path.join(PROJECT, EXAMPLE_CA_FILE), 'utf8'));

/** The example lab's stacks, synthesized once for this file. */
let lab: { qnap: TerraformJson; main: TerraformJson; mainCluster: TerraformJson; mainBootstrap: TerraformJson } | undefined;
function exampleLab() {
  if (!lab) {
    const { stacks } = buildTestLab();
    Object.values(stacks).forEach((s) => s.prepareStack());
    lab = { qnap: synthStack(stacks.qnap), main: synthStack(stacks.main), mainCluster: synthStack(stacks.mainCluster), mainBootstrap: synthStack(stacks.mainBootstrap) };
  }
  return lab;
}

function vaultConnections(json: TerraformJson): any[] {
  return Object.values(resourcesOf(json, 'kubernetes_manifest'))
    .map((m: any) => m.manifest)
    .filter((m) => m.kind === 'VaultConnection');
}

/** A Secret's namespace by name: main-cluster names it through its namespace resource. */
function namespaceOf(json: TerraformJson, secret: any): string {
  const reference = /^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(secret.metadata.namespace);
  return reference ? resourcesOf(json, 'kubernetes_namespace_v1')[reference[1]].metadata.name : secret.metadata.namespace;
}

/** The Secrets of a stack as [address, block], with their namespace by name. */
function secretsOf(json: TerraformJson): Array<{ address: string; name: string; namespace: string; data: Record<string, string> }> {
  return Object.entries(resourcesOf(json, 'kubernetes_secret_v1')).map(([id, s]: [string, any]) => ({
    address: `kubernetes_secret_v1.${id}`,
    name: s.metadata.name,
    namespace: namespaceOf(json, s),
    data: s.data,
  }));
}

function vaultReleaseValues(json: TerraformJson): { release: any; values: any } {
  const release = (Object.values(resourcesOf(json, 'helm_release')) as any[]).find((r) => r.chart === VAULT_CHART.chart);
  return { release, values: parseYaml(release.values[0]) };
}

/** A throwaway project folder holding `files` (path → content), removed after the test. */
const projects: string[] = [];
function projectWith(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-ca-'));
  projects.push(root);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}
afterAll(() => projects.forEach((p) => fs.rmSync(p, { recursive: true, force: true })));

describe('the Vault provider trusts the configured CA (ca_cert_file)', () => {
  test('GIVEN the QNAP endpoint with caCert WHEN its stack is synthesized THEN ca_cert_file names a file in the stack folder holding that CA', () => {
    const stack = new TerraformStack(Testing.app(), 'qnap');
    addVaultProvider(stack, exampleConfig().environments.qnap.vault);
    const outdir = Testing.fullSynth(stack);
    const stackDir = path.join(outdir, 'stacks', 'qnap');
    const provider = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')).provider.vault[0];
    // Terraform runs in the stack folder; the provider reads a relative ca_cert_file from there.
    expect(path.isAbsolute(provider.ca_cert_file)).toBe(false);
    const file = path.resolve(stackDir, provider.ca_cert_file);
    expect(path.relative(stackDir, file).startsWith('..')).toBe(false);
    expect(certificatesOf(fs.readFileSync(file, 'utf8'))).toEqual(EXAMPLE_CA);
  });

  test("GIVEN a CA file with text around its certificate WHEN the provider's copy is synthesized THEN the copy holds the certificates only", () => {
    // The example file starts with a comment: nothing of the file but its checked certificates reaches the output.
    expect(fs.readFileSync(path.join(PROJECT, EXAMPLE_CA_FILE), 'utf8')).toMatch(/EXAMPLE/);
    const stack = new TerraformStack(Testing.app(), 'qnap');
    addVaultProvider(stack, exampleConfig().environments.qnap.vault);
    const stackDir = path.join(Testing.fullSynth(stack), 'stacks', 'qnap');
    const provider = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')).provider.vault[0];
    const copy = fs.readFileSync(path.resolve(stackDir, provider.ca_cert_file), 'utf8');
    expect(copy).toBe(loadVaultCaCertificate(EXAMPLE_CA_FILE, PROJECT).pem);
  });

  test('GIVEN the example lab THEN the qnap stack trusts its CA and main, which names none, leaves VAULT_CACERT to the environment', () => {
    const { qnap, main } = exampleLab();
    expect(qnap.provider!.vault[0].ca_cert_file).toMatch(/^assets\/[^.][^/]*\/[0-9A-F]+\/qnap-ca\.pem$/);
    expect(main.provider!.vault[0]).not.toHaveProperty('ca_cert_file');
  });

  test('GIVEN a second Vault in one stack WHEN added with an alias THEN each provider has its own address and CA', () => {
    const stack = new TerraformStack(Testing.app(), 'main');
    addVaultProvider(stack, { address: 'https://vault.lab.example.net:8200' });
    addVaultProvider(stack, exampleConfig().environments.qnap.vault, { id: 'vault-qnap', alias: 'qnap' });
    const providers = synthStack(stack).provider!.vault;
    expect(providers).toHaveLength(2);
    expect(providers.find((p: any) => p.alias === undefined)).not.toHaveProperty('ca_cert_file');
    expect(providers.find((p: any) => p.alias === 'qnap')).toMatchObject({ address: 'https://qnap.lab.example.net:8200', ca_cert_file: expect.stringMatching(/qnap-ca\.pem$/) });
  });
});

describe('VaultConnections to the QNAP Vault verify it with its CA', () => {
  test('GIVEN the example lab THEN every VaultConnection to the QNAP names a Secret in its own namespace whose ca.crt is the CA', () => {
    const { mainBootstrap, mainCluster } = exampleLab();
    const qnapAddress = exampleConfig().environments.qnap.vault.address;
    const connections = vaultConnections(mainBootstrap).filter((c) => c.spec.address === qnapAddress);
    expect(connections.length).toBeGreaterThan(1);
    const secrets = secretsOf(mainCluster);
    for (const connection of connections) {
      expect(connection.spec.skipTLSVerify).toBe(false);
      const secret = secrets.find((s) => s.name === connection.spec.caCertSecretRef && s.namespace === connection.metadata.namespace)!;
      expect({ namespace: connection.metadata.namespace, found: secret !== undefined }).toEqual({ namespace: connection.metadata.namespace, found: true });
      expect(certificatesOf(secret.data['ca.crt'])).toEqual(EXAMPLE_CA);
    }
  });

  describeWithSchemas('against the VSO CRD', () => {
    test('GIVEN the example lab THEN each VaultConnection with caCertSecretRef is valid for VSO 1.4.1', () => {
      for (const connection of vaultConnections(exampleLab().mainBootstrap)) {
        expect(validateAgainstCrd('vso/VaultConnection.yaml', connection)).toEqual([]);
      }
    });
  });

  test('GIVEN a QNAP Vault without caCert THEN no connection names a CA Secret and no CA Secret is written', () => {
    const config = exampleConfigWith((raw) => delete raw.environments.qnap.vault.caCert);
    const { stacks } = buildTestLab(config);
    Object.values(stacks).forEach((s) => s.prepareStack());
    expect(vaultConnections(synthStack(stacks.mainBootstrap)).filter((c) => 'caCertSecretRef' in c.spec)).toEqual([]);
    expect(secretsOf(synthStack(stacks.mainCluster)).filter((s) => s.name === 'qnap-vault-ca')).toEqual([]);
  });
});

describe("the main Vault's transit seal verifies the QNAP Vault with its CA", () => {
  test("GIVEN the example lab THEN the seal's tls_ca_cert is ca.crt of the CA Secret as mounted in the Vault pods", async () => {
    const { mainCluster } = exampleLab();
    const { values } = vaultReleaseValues(mainCluster);
    const hcl = (await parse('config.hcl', values.server.ha.raft.config)) as any;
    const caFile: string = hcl.seal.transit[0].tls_ca_cert;
    const mount = values.server.volumeMounts.find((m: any) => caFile.startsWith(`${m.mountPath}/`));
    const volume = values.server.volumes.find((v: any) => v.name === mount.name);
    expect(path.posix.basename(caFile)).toBe('ca.crt');
    expect(path.posix.dirname(caFile)).toBe(mount.mountPath);
    const secret = secretsOf(mainCluster).find((s) => s.name === volume.secret.secretName && s.namespace === 'vault')!;
    expect(certificatesOf(secret.data['ca.crt'])).toEqual(EXAMPLE_CA);
  });

  test('GIVEN the example lab THEN the Vault release waits for the CA Secret its pods mount', () => {
    const { mainCluster } = exampleLab();
    const { release, values } = vaultReleaseValues(mainCluster);
    const caVolume = values.server.volumes.find((v: any) => v.name === 'transit-seal-ca');
    const secret = secretsOf(mainCluster).find((s) => s.name === caVolume.secret.secretName && s.namespace === 'vault')!;
    expect(release.depends_on).toContain(secret.address);
  });

  test("fails when the seal's CA Secret would be mounted over the server certificate's folder", () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const seal = { stanza: { address: 'https://qnap.example:8200', mountPath: 't', keyName: 'k' }, tokenSecretName: 's', tokenSecretKey: 'token', caCertSecretName: 'tls' };
    expect(() => new VaultRelease(stack, 'Vault', { chart: VAULT_CHART, namespace: 'vault', tls: { secretName: 'vault-server-tls' }, transitSeal: seal })).toThrow(
      /'transitSeal.caCertSecretName' \("tls"\) must be .*other than "tls" \(the server certificate's folder\)/,
    );
  });

  test("fails when a seal is given both a CA Secret and the stanza's own tlsCaCert", () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const seal = { stanza: { address: 'https://qnap.example:8200', mountPath: 't', keyName: 'k', tlsCaCert: '/etc/ca.pem' }, tokenSecretName: 's', tokenSecretKey: 'token', caCertSecretName: 'qnap-vault-ca' };
    expect(() => new VaultRelease(stack, 'Vault', { chart: VAULT_CHART, namespace: 'vault', tls: { secretName: 'tls' }, transitSeal: seal })).toThrow(
      /'transitSeal.caCertSecretName' \("qnap-vault-ca"\) is set together with the stanza's tlsCaCert/,
    );
  });
});

describe('CA files the config names', () => {
  const caText = fs.readFileSync(path.join(PROJECT, EXAMPLE_CA_FILE), 'utf8');

  test('GIVEN the example CA THEN it loads as its certificates only, without the comment above them', () => {
    const ca = loadVaultCaCertificate(EXAMPLE_CA_FILE, PROJECT);
    expect(certificatesOf(ca.pem)).toEqual(EXAMPLE_CA);
    expect(ca.pem).not.toMatch(/EXAMPLE/);
  });

  test('fails when the file does not exist, naming the field and the value', () => {
    const error = exampleConfigError((raw) => (raw.environments.qnap.vault.caCert = { file: 'config/missing-ca.pem' }));
    expect(error.message).toMatch(/environments\.qnap\.vault\.caCert\.file = "config\/missing-ca\.pem": config\/missing-ca\.pem cannot be read \(.*ENOENT.*\); the path is relative to the project root/);
  });

  test('fails when the file holds a private key, without echoing it', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const root = projectWith({ 'ca.pem': caText + keyPem });
    let message = '';
    expect(() => {
      try {
        loadVaultCaCertificate('ca.pem', root);
      } catch (e) {
        message = (e as Error).message;
        throw e;
      }
    }).toThrow(/ca\.pem holds a private key: a CA file holds only the public CA certificate/);
    expect(message).not.toContain(keyPem.split('\n')[1]);
  });

  test('fails when the certificate is not a CA (a server certificate)', () => {
    const root = projectWith({ 'server.pem': fs.readFileSync(SERVER_CERT_FIXTURE, 'utf8') });
    expect(() => loadVaultCaCertificate('server.pem', root)).toThrow(/server\.pem its certificate \(CN=vault\.example\.test\) is not a CA certificate \(no basicConstraints CA:TRUE\)/);
  });

  test('fails when the file holds no PEM certificate', () => {
    const root = projectWith({ 'ca.pem': 'not a certificate\n' });
    expect(() => loadVaultCaCertificate('ca.pem', root)).toThrow(/ca\.pem holds no PEM certificate/);
  });

  test('fails when a block is not a certificate', () => {
    const root = projectWith({ 'ca.pem': `${caText}-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n` });
    expect(() => loadVaultCaCertificate('ca.pem', root)).toThrow(/ca\.pem holds a 'X509 CRL' block; a CA file holds CERTIFICATE blocks only/);
  });

  test('fails when a symbolic link leads out of the project', () => {
    const outside = projectWith({ 'ca.pem': caText });
    const root = projectWith({});
    fs.symlinkSync(path.join(outside, 'ca.pem'), path.join(root, 'ca.pem'));
    expect(() => loadVaultCaCertificate('ca.pem', root)).toThrow(/ca\.pem leads outside the project root .* \(through '\.\.' or a symbolic link\)/);
  });

  test("fails when a bootstrap consumer's Secret takes the CA Secret's name", () => {
    const error = exampleConfigError((raw) => (raw.environments.qnap.bootstrap.consumers[0].secretName = 'qnap-vault-ca'));
    expect(error.message).toMatch(/environments\.qnap\.bootstrap\.consumers\[0\]\.secretName = "qnap-vault-ca": Secret cert-manager\/qnap-vault-ca already belongs to the QNAP Vault's CA certificate/);
  });
});

describe('VP-TLS-1: no VaultConnection skips TLS verification', () => {
  const connection = (skipTLSVerify: boolean) => ({
    apiVersion: 'secrets.hashicorp.com/v1beta1',
    kind: 'VaultConnection',
    metadata: { name: 'qnap', namespace: 'backup' },
    spec: { address: 'https://qnap.lab.example.net:8200', skipTLSVerify },
  });
  const tlsFindings = (stack: TerraformStack) => synthErrors(stack).filter((e) => e.message.startsWith('[VP-TLS-1]'));
  function packedStack(): TerraformStack {
    const stack = new TerraformStack(Testing.app(), 'cluster');
    new KubernetesProvider(stack, 'kubernetes', {});
    new HelmProvider(stack, 'helm', {});
    Aspects.of(stack).add(new LeastPrivilegeRules());
    return stack;
  }

  test('GIVEN a kubernetes_manifest VaultConnection with skipTLSVerify: true THEN the pack reports it at the manifest', () => {
    const stack = packedStack();
    new Manifest(stack, 'Connection', { manifest: connection(true) });
    expect(tlsFindings(stack)).toEqual([{ path: 'cluster/Connection', message: expect.stringMatching(/^\[VP-TLS-1\] VaultConnection backup\/qnap has skipTLSVerify: true; set skipTLSVerify: false/) }]);
  });

  test('GIVEN a VaultConnection that verifies THEN there is no finding', () => {
    const stack = packedStack();
    new Manifest(stack, 'Connection', { manifest: connection(false) });
    expect(tlsFindings(stack)).toEqual([]);
  });

  test("GIVEN the VSO chart's default connection with skipTLSVerify: true THEN the pack reports the release", () => {
    const stack = packedStack();
    new Release(stack, 'Vso', { name: 'vso', chart: VSO_CHART.chart, repository: VSO_CHART.repository, version: VSO_CHART.version, values: ['defaultVaultConnection:\n  skipTLSVerify: true\n'] });
    expect(tlsFindings(stack)).toEqual([{ path: 'cluster/Vso', message: expect.stringMatching(/defaultVaultConnection\.skipTLSVerify: true/) }]);
  });

  test("GIVEN the VSO chart's default connection set to skip verification through a helm set entry THEN the pack reports the release", () => {
    const stack = packedStack();
    new Release(stack, 'Vso', { name: 'vso', chart: VSO_CHART.chart, repository: VSO_CHART.repository, version: VSO_CHART.version, set: [{ name: 'defaultVaultConnection.skipTLSVerify', value: 'true' }] });
    expect(tlsFindings(stack)).toEqual([{ path: 'cluster/Vso', message: expect.stringMatching(/defaultVaultConnection\.skipTLSVerify: true/) }]);
  });

  test("GIVEN the VSO chart named by an OCI reference with skipTLSVerify: true THEN the pack reports the release", () => {
    const stack = packedStack();
    new Release(stack, 'Vso', { name: 'vso', chart: `oci://registry.lab.example.net/charts/${VSO_CHART.chart}`, version: VSO_CHART.version, values: ['defaultVaultConnection:\n  skipTLSVerify: true\n'] });
    expect(tlsFindings(stack)).toEqual([{ path: 'cluster/Vso', message: expect.stringMatching(/defaultVaultConnection\.skipTLSVerify: true/) }]);
  });

  test('GIVEN a GitOps file with a VaultConnection that skips verification THEN the pack reports the file', () => {
    const stack = packedStack();
    renderKubernetesObjects(new Construct(stack, 'Delivery'), [connection(true)], { mode: 'gitops', file: 'manifests/main/qnap.yaml' });
    expect(tlsFindings(stack)).toEqual([{ path: 'cluster', message: expect.stringMatching(/GitOps file manifests\/main\/qnap\.yaml: VaultConnection backup\/qnap has skipTLSVerify: true/) }]);
  });

  test('GIVEN the example lab THEN no stack has a VP-TLS-1 finding', () => {
    const { stacks } = buildTestLab();
    for (const stack of [stacks.mainCluster, stacks.mainBootstrap]) expect(tlsFindings(stack)).toEqual([]);
  });
});
