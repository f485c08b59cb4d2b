import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { ConfigError, loadLabConfig, parseLabConfig } from '../config/load';
import { loadSecretContract, parseSecretContract } from '../config/secret-contract';
import { LabConfig } from '../config/schema';
import { gitRef } from '../config/fields';
import { humanPolicyName } from '../stacks/operator-access';
import { buildTestLab, EXAMPLE_CONFIG_FILE, exampleConfig, exampleConfigError, synthStack, TerraformJson } from './support/synth';

/**
 * Hostile configs: each is refused before anything is built, with the config field, the value and
 * the fix in a message that is not a stack trace. The example config (4 apps, 4 consumers) is the
 * base; `apps[4]` is an app a case adds.
 */

const root = path.join(__dirname, '..');
const STACK_TRACE = /\n\s+at \S/;

function hostileApp(fields: Record<string, unknown>): Record<string, unknown> {
  return { name: 'hostile', namespace: 'hostile', repository: 'lab/hostile', delivery: 'vso', ...fields };
}

interface HostileCase {
  readonly name: string;
  readonly change: (raw: any) => void;
  /** The field path the message must name, followed by what it must say. */
  readonly refusal: RegExp;
}

const HOSTILE: readonly HostileCase[] = [
  // Privilege by name collision
  { name: "an app is named like CI's deploy policy", change: (c) => c.apps.push(hostileApp({ name: 'platform-deploy' })), refusal: /apps\[4\]\.name = "platform-deploy": is reserved: this project's CI policy 'platform-deploy'; rename the app/ },
  { name: "an app is named like CI's diff role", change: (c) => c.apps.push(hostileApp({ name: 'platform-diff' })), refusal: /apps\[4\]\.name = "platform-diff": is reserved/ },
  { name: "an app is named like Vault's default policy", change: (c) => c.apps.push(hostileApp({ name: 'default' })), refusal: /apps\[4\]\.name = "default": is reserved: Vault's built-in policy 'default'/ },
  { name: "an app is bound to the Vault Secrets Operator's ServiceAccount", change: (c) => c.apps.push(hostileApp({ namespace: 'vault-secrets-operator-system', serviceAccount: 'vault-secrets-operator-controller-manager' })), refusal: /apps\[4\]\.namespace = "vault-secrets-operator-system": is reserved: the Vault Secrets Operator's namespace; run the app in a namespace of its own/ },
  { name: "an app is bound to External Secrets' ServiceAccount", change: (c) => c.apps.push(hostileApp({ namespace: 'external-secrets', serviceAccount: 'external-secrets' })), refusal: /apps\[4\]\.namespace = "external-secrets": is reserved: the External Secrets Operator's namespace/ },
  { name: "an app is bound to the Vault certificate's requester", change: (c) => c.apps.push(hostileApp({ namespace: 'vault', serviceAccount: 'vault-tls-bootstrap' })), refusal: /apps\[4\]\.serviceAccount = "vault-tls-bootstrap": ServiceAccount vault\/vault-tls-bootstrap belongs to the requester of the in-cluster Vault's certificate; give the app its own ServiceAccount/ },
  { name: "an app is bound to a bootstrap consumer's ServiceAccount", change: (c) => c.apps.push(hostileApp({ namespace: 'cert-manager', serviceAccount: 'cert-manager-dns-bootstrap' })), refusal: /apps\[4\]\.serviceAccount = "cert-manager-dns-bootstrap": ServiceAccount cert-manager\/cert-manager-dns-bootstrap belongs to environments\.qnap\.bootstrap\.consumers\[0\]/ },
  { name: "a consumer is named like the QNAP Vault's certificate role", change: (c) => c.environments.qnap.bootstrap.consumers.push({ name: 'vault-server-tls', kvPath: 'x/y', namespace: 'hostile' }), refusal: /environments\.qnap\.bootstrap\.consumers\[4\]\.name = "vault-server-tls": is reserved: .*; rename the consumer/ },
  { name: "an app runs in the Vault's namespace", change: (c) => c.apps.push(hostileApp({ namespace: 'vault' })), refusal: /apps\[4\]\.namespace = "vault": is the main Vault's namespace \(environments\.main\.vaultServer\.namespace\), which holds its seal token and certificate Secrets; run the app in a namespace of its own/ },
  { name: "an app runs in the sandbox Vault's own namespace", change: (c) => { c.environments.sandbox.vaultServer.namespace = 'vault-sandbox'; c.apps.push(hostileApp({ namespace: 'vault-sandbox' })); }, refusal: /apps\[4\]\.namespace = "vault-sandbox": is the sandbox Vault's namespace/ },
  { name: "an app is bound to the Vault server's own ServiceAccount", change: (c) => c.apps.push(hostileApp({ namespace: 'vault', serviceAccount: 'vault' })), refusal: /apps\[4\]\.serviceAccount = "vault": ServiceAccount vault\/vault belongs to the in-cluster Vault's server pods; give the app its own ServiceAccount/ },
  { name: "a consumer delivers into the main Vault's transit seal token Secret", change: (c) => c.environments.qnap.bootstrap.consumers.push({ name: 'thief', kvPath: 'x/y', namespace: 'vault', secretName: 'vault-transit-unseal-token' }), refusal: /environments\.qnap\.bootstrap\.consumers\[4\]\.secretName = "vault-transit-unseal-token": Secret vault\/vault-transit-unseal-token already belongs to the main Vault's transit seal token; give the consumer a secretName of its own/ },
  { name: "a consumer delivers into the snapshot job's existing storage Secret", change: (c) => { c.environments.main.vaultServer.snapshots.storage.credentials = { source: 'existing-secret', secretName: 'snapshot-keys' }; c.environments.qnap.bootstrap.consumers.push({ name: 'thief', kvPath: 'x/y', namespace: 'vault', secretName: 'snapshot-keys' }); }, refusal: /consumers\[4\]\.secretName = "snapshot-keys": Secret vault\/snapshot-keys already belongs to the main Vault's snapshot storage keys/ },
  { name: "a consumer takes the certificate requester's ServiceAccount", change: (c) => c.environments.qnap.bootstrap.consumers.push({ name: 'thief', kvPath: 'x/y', namespace: 'vault', serviceAccount: 'vault-tls-bootstrap' }), refusal: /environments\.qnap\.bootstrap\.consumers\[4\]\.serviceAccount = "vault-tls-bootstrap": ServiceAccount vault\/vault-tls-bootstrap already belongs to/ },
  { name: "a client network's address does not parse (two '::')", change: (c) => (c.environments.main.vaultServer.networkPolicy.clientCidrs = ['fd00::1::2/64']), refusal: /environments\.main\.vaultServer\.networkPolicy\.clientCidrs\[0\] = "fd00::1::2\/64": must be a network in CIDR notation, .*: the address does not parse/ },
  { name: "a client network is all colons", change: (c) => (c.environments.sandbox.vaultServer.networkPolicy.clientCidrs = [':::::::/64']), refusal: /environments\.sandbox\.vaultServer\.networkPolicy\.clientCidrs\[0\] = ":::::::\/64": .*the address does not parse/ },
  { name: "an app's database cluster is named like a property of every object ('constructor')", change: (c) => (c.apps[0].postgres.cluster = 'constructor'), refusal: /apps\[0\]\.postgres\.cluster = "constructor": no such cluster in environments\.main\.postgres\.clusters \(known: apps\)/ },
  // Credentials in addresses
  { name: 'a Vault address carries user:password@', change: (c) => (c.environments.main.vault.address = 'https://user:pass@vault.lab.example.net:8200'), refusal: /environments\.main\.vault\.address = "https:\/\/user:pass@vault\.lab\.example\.net:8200": must be an absolute http\(s\) URL of the Vault API without user:password@, \?query or #fragment/ },
  { name: 'a Vault address carries ?token=', change: (c) => (c.environments.qnap.vault.address = 'https://qnap.lab.example.net:8200/?token=hvs.x'), refusal: /environments\.qnap\.vault\.address = .*without user:password@, \?query/ },
  { name: 'a Vault address carries a #fragment', change: (c) => (c.environments.sandbox.vault.address = 'https://vault.sandbox.lab.example.net:8200/#x'), refusal: /environments\.sandbox\.vault\.address = .*#fragment/ },
  { name: 'the Kubernetes API host carries credentials', change: (c) => (c.environments.main.kubernetes.apiHost = 'https://admin:secret@kubernetes.default.svc:443'), refusal: /environments\.main\.kubernetes\.apiHost = .*without user:password@/ },
  { name: 'the Kubernetes API host is plain http (refused by the schema, not a construct)', change: (c) => (c.environments.main.kubernetes.apiHost = 'http://kubernetes.default.svc:80'), refusal: /environments\.main\.kubernetes\.apiHost = "http:\/\/kubernetes\.default\.svc:80": must be an absolute https URL of the Kubernetes API/ },
  { name: 'the OIDC issuer carries a query', change: (c) => (c.environments.main.ci.oidc.issuer = 'https://git.lab.example.net/api/actions?token=x'), refusal: /environments\.main\.ci\.oidc\.issuer = .*must be an absolute https URL of the OIDC issuer/ },
  { name: 'the JWKS URL is plain http', change: (c) => (c.environments.main.ci.oidc.jwksUrl = 'http://git.lab.example.net/keys'), refusal: /environments\.main\.ci\.oidc\.jwksUrl = "http:\/\/git\.lab\.example\.net\/keys": must be an absolute https URL/ },
  { name: "the QNAP Vault's view of the cluster API carries credentials", change: (c) => (c.environments.qnap.bootstrap.mainCluster.apiHost = 'https://u:p@k8s-main.lab.example.net:6443'), refusal: /environments\.qnap\.bootstrap\.mainCluster\.apiHost = .*without user:password@/ },
  { name: 'an S3 endpoint carries credentials', change: (c) => (c.environments.qnap.state = { type: 's3', bucket: 'lab-state', region: 'garage', endpoint: 'https://AKIA:secret@s3.lab.example.net' }), refusal: /environments\.qnap\.state\.endpoint = .*must be an absolute http\(s\) URL of the S3 endpoint without user:password@/ },
  { name: "the main Vault's host has a Cyrillic look-alike letter", change: (c) => (c.environments.main.vault.address = 'https://vault.lab.\u0435xample.net:8200'), refusal: /environments\.main\.vault\.address = "https:\/\/vault\.lab\.\u0435xample\.net:8200": must be visible ASCII only: a look-alike letter of another script would name another host; write an international domain in its xn-- form/ },
  { name: "the snapshot storage endpoint has a look-alike letter", change: (c) => (c.environments.main.vaultServer.snapshots.storage.endpoint = 'https://s3.qn\u0430p.lab.example.net'), refusal: /environments\.main\.vaultServer\.snapshots\.storage\.endpoint = .*must be visible ASCII only/ },
  { name: "the snapshot bucket's name has two adjacent periods", change: (c) => (c.environments.main.vaultServer.snapshots.storage.bucket = 'vault..snapshots'), refusal: /environments\.main\.vaultServer\.snapshots\.storage\.bucket = "vault\.\.snapshots": must be an S3 bucket name: .*no '\.\.', not an IP address/ },
  { name: "the snapshot bucket's name is an IP address", change: (c) => (c.environments.sandbox.vaultServer.snapshots.storage.bucket = '192.168.1.10'), refusal: /environments\.sandbox\.vaultServer\.snapshots\.storage\.bucket = "192\.168\.1\.10": must be an S3 bucket name/ },
  // Paths and refs
  { name: "a repository climbs with '..'", change: (c) => (c.apps[0].repository = '../evil'), refusal: /apps\[0\]\.repository = "\.\.\/evil": must be 'owner\/repo'/ },
  { name: "a repository is '..'", change: (c) => (c.ci.platform.repository = 'lab/..'), refusal: /ci\.platform\.repository = "lab\/\.\.": must be 'owner\/repo'/ },
  { name: "a ref climbs with '..'", change: (c) => (c.apps[0].ci.refs = ['refs/heads/../tags/v1']), refusal: /apps\[0\]\.ci\.refs\[0\] = "refs\/heads\/\.\.\/tags\/v1": must be a full ref/ },
  { name: "a ref ends in '.lock'", change: (c) => (c.ci.platform.refs = ['refs/heads/main.lock']), refusal: /ci\.platform\.refs\[0\] = "refs\/heads\/main\.lock": must be a full ref/ },
  { name: "a state directory climbs with '..'", change: (c) => (c.environments.qnap.state = { type: 'local', directory: 'state/../../elsewhere' }), refusal: /environments\.qnap\.state\.directory = "state\/\.\.\/\.\.\/elsewhere": must be a path relative to the project root, without '\.\.'/ },
  // Upper bounds
  { name: 'a common name is 1 MB long', change: (c) => (c.environments.qnap.bootstrap.pki.caCommonName = 'A'.repeat(1024 * 1024)), refusal: /environments\.qnap\.bootstrap\.pki\.caCommonName = "A{10,}\.\.\.: must be at most 64 characters \(ub-common-name/ },
  { name: 'a token ceiling is 1e15 seconds', change: (c) => (c.policy.ceilings.tokenMaxTtl = 1e15), refusal: /policy\.ceilings\.tokenMaxTtl = 1000000000000000: the token_max_ttl ceiling must be at most 2764800 seconds \(32 days, Vault's maximum lease TTL\)/ },
  { name: "the NAS snapshot timer's token period is 1e15 seconds", change: (c) => (c.environments.qnap.snapshots.tokenPeriod = 1e15), refusal: /environments\.qnap\.snapshots\.tokenPeriod = 1000000000000000: must be at most 2764800 seconds, the highest policy\.ceilings\.tokenPeriod there is/ },
  // Silent drops, duplicates, newlines
  { name: 'ci.disabled comes with refs', change: (c) => (c.apps[0].ci = { refs: ['refs/heads/main'], disabled: { reason: 'the app has no CI of its own' } }), refusal: /apps\[0\]\.ci\.refs = \["refs\/heads\/main"\]: has no effect while ci\.disabled is set/ },
  { name: 'a ref is listed twice', change: (c) => (c.apps[0].ci.refs = ['refs/heads/main', 'refs/heads/main']), refusal: /apps\[0\]\.ci\.refs\[1\] = "refs\/heads\/main": repeats entry \[0\]; remove the duplicate/ },
  { name: 'an audience is listed twice', change: (c) => c.environments.main.ci.oidc.audiences.push(c.environments.main.ci.oidc.audiences[0]), refusal: /environments\.main\.ci\.oidc\.audiences\[1\] = .*repeats entry \[0\]/ },
  { name: 'runsOn holds a newline', change: (c) => (c.ci.platform.runsOn = 'docker\n    steps: []'), refusal: /ci\.platform\.runsOn = "docker\\n    steps: \[\]": must be one line without control characters/ },
  { name: "the CA's common name holds a right-to-left override", change: (c) => (c.environments.qnap.bootstrap.pki.caCommonName = 'Lab \u202eAC pamtoob'), refusal: /environments\.qnap\.bootstrap\.pki\.caCommonName = .*or invisible ones \(zero-width, bidirectional override\)/ },
  { name: 'runsOn holds a zero-width space', change: (c) => (c.ci.platform.runsOn = 'dock\u200ber'), refusal: /ci\.platform\.runsOn = .*or invisible ones/ },
  { name: 'a kubeconfig context holds an escape character', change: (c) => (c.environments.main.kubernetes.context = 'lab-main\u001b[2J'), refusal: /environments\.main\.kubernetes\.context = .*must be one line without control characters/ },
];

describe('hostile lab configs', () => {
  test.each(HOSTILE)('fails when $name', ({ change, refusal }) => {
    // GIVEN the example config with one hostile change
    // WHEN it is loaded
    const error = exampleConfigError(change);
    // THEN it is refused naming the field, the value and the fix, and no stack trace is shown
    expect(() => {
      throw error;
    }).toThrow(refusal);
    expect(error.message).not.toMatch(STACK_TRACE);
  });

  test('fails when the config file is empty', () => {
    expect(() => parseLabConfig('# nothing here yet\n', 'empty.yaml')).toThrow(
      /invalid lab config empty\.yaml:\n  - \(root\): the file is empty; a lab config is a mapping with the keys environments and apps \(start from config\/lab\.yaml\)$/,
    );
  });

  test('fails when aliases multiply a small config into a huge one (a YAML alias bomb), without a crash', () => {
    // GIVEN nine levels of anchors, each listing the one before nine times, above the example config
    const levels = Array.from({ length: 9 }, (_, i) => `l${i}: &l${i} [${Array(9).fill(i === 0 ? '"x"' : `*l${i - 1}`).join(', ')}]`);
    const text = `${levels.join('\n')}\n${fs.readFileSync(EXAMPLE_CONFIG_FILE, 'utf8')}`;
    // WHEN it is parsed  THEN it is refused as a config error, not a ReferenceError from the YAML library
    expect(() => parseLabConfig(text, 'bomb.yaml')).toThrow(/^invalid lab config bomb\.yaml:\n  - \(root\): YAML: Excessive alias count .*; write the values out instead of repeating aliases$/);
  });

  test('fails when the config file is not UTF-8, naming the line', () => {
    // GIVEN the example config saved as Latin-1, with an 'é' in the CA's common name
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latin1-'));
    const lines = fs.readFileSync(EXAMPLE_CONFIG_FILE, 'utf8').replace('caCommonName: Lab bootstrap CA', 'caCommonName: Lab bootstrap CA é').split('\n');
    const line = lines.findIndex((l) => l.includes('é')) + 1;
    const file = path.join(dir, 'lab.yaml');
    fs.writeFileSync(file, Buffer.from(lines.join('\n'), 'latin1'));
    // WHEN it is loaded  THEN it is refused with the line, instead of a U+FFFD in the certificate's name
    expect(() => loadLabConfig(file)).toThrow(new RegExp(`lab\\.yaml is not UTF-8 text \\(an invalid byte on line ${line}\\); save it as UTF-8`));
    fs.rmSync(dir, { recursive: true });
  });

  test('fails when a SecretContract multiplies itself through YAML aliases', () => {
    const text = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]', ...Array.from({ length: 8 }, (_, i) => `b${i}: &b${i} [${Array(11).fill(i === 0 ? '*a' : `*b${i - 1}`).join(', ')}]`)].join('\n');
    expect(() => parseSecretContract(text, 'config/contracts/bomb.secrets.yaml')).toThrow(/\(yaml\).*YAML: Excessive alias count/);
  });

  test('fails when a SecretContract file is not UTF-8', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latin1-contract-'));
    fs.writeFileSync(path.join(dir, 'c.secrets.yaml'), Buffer.from('metadata:\n  name: café\n', 'latin1'));
    expect(() => loadSecretContract('c.secrets.yaml', dir)).toThrow(/c\.secrets\.yaml is not UTF-8 text \(an invalid byte on line 2\)/);
    fs.rmSync(dir, { recursive: true });
  });

  test('fails when a huge value is refused, showing only its beginning', () => {
    const error = exampleConfigError((c) => (c.environments.qnap.bootstrap.pki.caCommonName = 'A'.repeat(1024 * 1024)));
    // The whole message stays short enough to read.
    expect(error.message.length).toBeLessThan(400);
  });

  test('fails when a SecretContract generates a 10,000,000-character hex value', () => {
    const contract = stringify({
      apiVersion: 'hostk8s.io/v1',
      kind: 'SecretContract',
      metadata: { name: 'webapp' },
      spec: { secrets: [{ name: 'session', namespace: 'webapp', data: [{ key: 'signing_key', generate: 'hex', length: 10_000_000 }] }] },
    });
    expect(() => parseSecretContract(contract, 'config/contracts/webapp.secrets.yaml')).toThrow(/spec\.secrets\[0\]\.data\[0\]\.length.*must be at most 1024/);
  });

  test('the example config still loads unchanged', () => {
    expect(() => exampleConfig()).not.toThrow();
  });
});

describe('git refs', () => {
  // The real git CLI decides what a ref is (git/git Documentation/git-check-ref-format.adoc).
  const gitAccepts = (ref: string) => spawnSync('git', ['check-ref-format', ref]).status === 0;
  const SAMPLES = [
    'refs/heads/main',
    'refs/tags/v1.2.3',
    'refs/heads/release/2024-05',
    'refs/heads/../tags/v1',
    'refs/heads/.hidden',
    'refs/heads/x.lock',
    'refs/heads/a.lock/b',
    'refs/heads/a//b',
    'refs/heads/a/',
    'refs/heads/a.',
    'refs/heads/a..b',
  ];

  test.each(SAMPLES)('judges %s as git does', (ref) => {
    // GIVEN a ref of the config's character set  WHEN both judge it  THEN they agree
    expect(gitRef.safeParse(ref).success).toBe(gitAccepts(ref));
  });
});

describe('names the platform owns', () => {
  /** The example lab's synthesized stacks, built once. */
  let stacks: Record<string, TerraformJson>;
  let config: LabConfig;
  beforeAll(() => {
    config = exampleConfig();
    const lab = buildTestLab(config).stacks;
    stacks = Object.fromEntries(Object.values(lab).map((s) => [s.node.id, synthStack(s)]));
  });

  const resources = (json: TerraformJson, type: string): any[] => Object.values(json.resource?.[type] ?? {});

  /** Vault policy and role names of a stack. */
  function vaultNames(json: TerraformJson): string[] {
    return [
      ...resources(json, 'vault_policy').map((r) => r.name),
      ...resources(json, 'vault_jwt_auth_backend_role').map((r) => r.role_name),
      ...resources(json, 'vault_kubernetes_auth_backend_role').map((r) => r.role_name),
      ...resources(json, 'vault_database_secret_backend_role').map((r) => r.name),
      ...resources(json, 'vault_pki_secret_backend_role').map((r) => r.name),
    ];
  }

  /** `namespace/name` of every ServiceAccount a stack creates, the namespace resolved through its reference. */
  function serviceAccounts(json: TerraformJson): string[] {
    const namespaces = json.resource?.kubernetes_namespace_v1 ?? {};
    const namespaceOf = (ns: string) => ns.replace(/^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/, (_, id) => namespaces[id].metadata.name);
    return [
      ...resources(json, 'kubernetes_service_account_v1').map((r) => `${namespaceOf(r.metadata.namespace)}/${r.metadata.name}`),
      ...resources(json, 'kubernetes_manifest')
        .filter((r) => r.manifest.kind === 'ServiceAccount')
        .map((r) => `${r.manifest.metadata.namespace}/${r.manifest.metadata.name}`),
    ];
  }

  /** What the example's apps, consumers and unsealed Vaults give names to; everything else is the platform's. */
  function configDerived(): Set<string> {
    const { qnap } = config.environments;
    return new Set([
      ...config.apps.flatMap((a) => [a.name, `${a.name}-ops`, `${a.name}-ro`, `gitea_cicd_${a.name}`, `${a.namespace}/${a.serviceAccount ?? a.name}`]),
      ...qnap.bootstrap.consumers.flatMap((c) => [c.name, `infra-${c.name}`, `${c.namespace}/${c.serviceAccount ?? `${c.name}-bootstrap`}`]),
      ...qnap.bootstrap.transitUnseal.unsealed.map((u) => `unseal-${u.environment}`),
      // People's login roles live in the oidc mount, apart from the apps' roles, and their policies
      // (`human_<role>`) hold a '_' no app name can.
      ...(['main', 'sandbox'] as const).flatMap((env) => (config.environments[env].operators?.roles ?? []).flatMap((r) => [r.name, humanPolicyName(r.name)])),
    ]);
  }

  function refusal(change: (raw: any) => void): string {
    try {
      const raw = JSON.parse(JSON.stringify(config));
      change(raw);
      parseLabConfig(stringify(raw), 'bad.yaml');
    } catch (e) {
      if (e instanceof ConfigError) return e.message;
      throw e;
    }
    return 'accepted';
  }

  test('every policy and role the platform creates in a cluster Vault is refused as an app name', () => {
    const derived = configDerived();
    const owned = [...new Set(['main', 'sandbox'].flatMap((s) => vaultNames(stacks[s])).filter((n) => !derived.has(n)))];
    expect(owned.length).toBeGreaterThan(0);
    for (const name of owned) {
      const appName = name.replace(/^gitea_cicd_/, '');
      expect(`${name}: ${refusal((c) => c.apps.push(hostileApp({ name: appName })))}`).toMatch(/apps\[4\]\.name = .*is reserved/);
    }
  });

  test('every policy and role the platform creates in the QNAP Vault is refused as a consumer name', () => {
    const derived = configDerived();
    const owned = [...new Set(vaultNames(stacks.qnap).filter((n) => !derived.has(n)))];
    expect(owned.length).toBeGreaterThan(0);
    for (const name of owned) {
      const consumer = { name, kvPath: 'x/y', namespace: 'hostile' };
      expect(`${name}: ${refusal((c) => c.environments.qnap.bootstrap.consumers.push(consumer))}`).toMatch(/consumers\[4\]\.name = .*is reserved/);
    }
  });

  /** `namespace/name` of every Secret a stack writes: its own, and those it has an operator write. */
  function writtenSecrets(json: TerraformJson): string[] {
    const namespaces = json.resource?.kubernetes_namespace_v1 ?? {};
    const namespaceOf = (ns: string) => ns.replace(/^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/, (_, id) => namespaces[id].metadata.name);
    return [
      ...resources(json, 'kubernetes_secret_v1').map((r) => `${namespaceOf(r.metadata.namespace)}/${r.metadata.name}`),
      ...resources(json, 'kubernetes_manifest')
        .filter((r) => r.manifest.spec?.destination?.name !== undefined)
        .map((r) => `${r.manifest.metadata.namespace}/${r.manifest.spec.destination.name}`),
    ];
  }

  test('every Secret written in the main cluster is refused as another bootstrap consumer\'s Secret', () => {
    // GIVEN the Secrets the main cluster's stacks write (the platform's and the example's consumers')
    const written = [...new Set(['main-cluster', 'main-bootstrap'].flatMap((s) => writtenSecrets(stacks[s])))];
    expect(written).toContain('vault/vault-transit-unseal-token');
    // WHEN a new consumer delivers into one  THEN it is refused, naming its secretName
    for (const secret of written) {
      const [namespace, secretName] = secret.split('/');
      const consumer = { name: 'thief', kvPath: 'x/y', namespace, secretName };
      expect(`${secret}: ${refusal((c) => c.environments.qnap.bootstrap.consumers.push(consumer))}`).toMatch(/consumers\[4\]\.secretName = .*already belongs to/);
    }
  });

  test('every ServiceAccount the platform creates is refused as an app identity', () => {
    const derived = configDerived();
    const owned = [...new Set(Object.values(stacks).flatMap(serviceAccounts).filter((sa) => !derived.has(sa)))];
    expect(owned.length).toBeGreaterThan(0);
    for (const identity of owned) {
      const [namespace, serviceAccount] = identity.split('/');
      expect(`${identity}: ${refusal((c) => c.apps.push(hostileApp({ namespace, serviceAccount })))}`).toMatch(/apps\[4\]\.serviceAccount = .*belongs to/);
    }
  });
});

describe('synthesis of a hostile config', () => {
  test('fails when run through main.ts: exit 1, the field named, no stack trace, nothing written', () => {
    // GIVEN a config file with an app named like CI's deploy policy, and an empty output location
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
    const raw = JSON.parse(JSON.stringify(exampleConfig()));
    raw.apps.push(hostileApp({ name: 'platform-deploy' }));
    const file = path.join(dir, 'hostile.yaml');
    fs.writeFileSync(file, stringify(raw));
    const outdir = path.join(dir, 'out');
    try {
      // WHEN main.ts synthesizes it
      const result = spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), ['main.ts'], {
        cwd: root,
        env: { ...process.env, LAB_CONFIG: file, CDKTF_OUTDIR: outdir },
        encoding: 'utf8',
      });
      // THEN it exits 1 with the field and the fix, no stack trace, and writes nothing
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^synthesis failed: invalid lab config .*hostile\.yaml:\n  - apps\[4\]\.name = "platform-deploy": is reserved: this project's CI policy 'platform-deploy'; rename the app\n$/);
      expect(result.stderr).not.toMatch(STACK_TRACE);
      expect(fs.readdirSync(dir)).toEqual(['hostile.yaml']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
