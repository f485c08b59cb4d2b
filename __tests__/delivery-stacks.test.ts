import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { App, TerraformStack, Testing } from 'cdktf';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { LabConfig } from '../config/schema';
import { ESO_API_GROUP, VSO_API_GROUP } from '../constructs/delivery-model';
import { EsoDelivery } from '../constructs/eso-delivery';
import { VsoDelivery } from '../constructs/vso-delivery';
import { ESO_CHART, VSO_CHART } from '../constructs/charts';
import { buildLab } from '../stacks/lab';
import { esoValues, vsoValues } from '../stacks/secret-operators';
import { synthesizeLab } from '../stacks/synth';
import { buildTestLab, exampleConfig, exampleConfigWith, exampleStackJson, findResource, resourcesOf, synthStack, TerraformJson } from './support/synth';

/** API groups whose CRDs each operator chart installs. */
const CRD_GROUPS_BY_CHART: Record<string, string> = { [VSO_CHART.chart]: VSO_API_GROUP, [ESO_CHART.chart]: ESO_API_GROUP };

/**
 * The ordering rule: a stack never holds both an operator's release and custom resources of that
 * operator's API groups, and a stack holding such resources depends on the stack that installs them.
 */
function crdOrderingViolations(stacks: readonly TerraformStack[]): string[] {
  const synthesized = new Map(stacks.map((s) => [s, synthStack(s)] as const));
  // Installs are per cluster: key them by the kube context the helm provider targets.
  const installer = new Map<string, TerraformStack>();
  for (const [stack, json] of synthesized) {
    const context = json.provider?.helm?.[0]?.kubernetes?.config_context;
    for (const release of Object.values(resourcesOf(json, 'helm_release'))) {
      const group = CRD_GROUPS_BY_CHART[release.chart];
      if (group) installer.set(`${context}|${group}`, stack);
    }
  }
  const violations: string[] = [];
  for (const [stack, json] of synthesized) {
    const context = json.provider?.kubernetes?.[0]?.config_context;
    for (const [id, r] of Object.entries(resourcesOf(json, 'kubernetes_manifest'))) {
      const group = String(r.manifest.apiVersion).split('/')[0];
      if (!Object.values(CRD_GROUPS_BY_CHART).includes(group)) continue;
      const from = installer.get(`${context}|${group}`);
      if (!from) violations.push(`${stack.node.id}: ${id} uses ${group}, which no stack installs in context ${context}`);
      else if (from === stack) violations.push(`${stack.node.id}: ${id} uses ${group}, whose CRDs the same stack installs`);
      else if (!stack.dependencies.includes(from)) violations.push(`${stack.node.id}: ${id} uses ${group} but does not depend on ${from.node.id}`);
    }
  }
  return violations;
}

/** A bare stack with the helm and kubernetes providers of one kube context. */
function clusterTestStack(app: App, id: string): TerraformStack {
  const stack = new TerraformStack(app, id);
  new HelmProvider(stack, 'helm', { kubernetes: { configContext: 'ctx' } });
  new KubernetesProvider(stack, 'kubernetes', { configContext: 'ctx' });
  return stack;
}

function manifestsOf(json: TerraformJson, prefix: string): any[] {
  return Object.entries(resourcesOf(json, 'kubernetes_manifest'))
    .filter(([id]) => id.startsWith(prefix))
    .map(([, r]) => r.manifest);
}

/**
 * References between delivery objects that leave the referring object's namespace: a `namespace/name`
 * form, or a VSO `vaultAuthRef` that names no VaultAuth of the same namespace.
 */
function foreignReferences(objects: readonly any[]): string[] {
  const auths = new Set(objects.filter((o) => o.kind === 'VaultAuth').map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
  const found: string[] = [];
  for (const o of objects) {
    const where = `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
    for (const [field, value] of Object.entries(o.spec ?? {})) {
      if (!field.endsWith('Ref') || typeof value !== 'string') continue;
      if (value.includes('/')) found.push(`${where}: ${field} "${value}" names another namespace`);
      else if (field === 'vaultAuthRef' && !auths.has(`${o.metadata.namespace}/${value}`)) found.push(`${where}: ${field} "${value}" names no VaultAuth in namespace ${o.metadata.namespace}`);
    }
  }
  return found;
}

const byKindAndName = (a: any, b: any) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`);

describe('the cluster stacks install the secret operators', () => {
  test('main-cluster installs VSO and ESO from the pinned charts with the typed values, once', () => {
    const json = exampleStackJson('mainCluster');
    const vso = findResource(json, 'helm_release', { chart: VSO_CHART.chart });
    expect(vso).toMatchObject({ repository: VSO_CHART.repository, version: VSO_CHART.version, namespace: 'vault-secrets-operator-system', create_namespace: true });
    expect(vso.values).toHaveLength(1);
    expect(parse(vso.values[0])).toEqual(vsoValues(exampleConfig(), 'main'));
    const eso = findResource(json, 'helm_release', { chart: ESO_CHART.chart });
    expect(eso.version).toBe('2.9.0');
    expect(parse(eso.values[0])).toEqual(esoValues(exampleConfig(), 'main'));
  });

  test('ESO is not installed when no app uses it', () => {
    const config = exampleConfigWith((c) => c.apps.forEach((a: any) => (a.delivery = 'vso')));
    const { stacks } = buildTestLab(config);
    for (const stack of [stacks.mainCluster, stacks.sandboxCluster]) {
      const charts = Object.values(resourcesOf(synthStack(stack), 'helm_release')).map((r) => r.chart);
      expect(charts).not.toContain(ESO_CHART.chart);
      expect(charts).toContain(VSO_CHART.chart);
    }
  });

  test('ESO does not reconcile cluster-wide stores (apps get namespaced stores only)', () => {
    const eso = findResource(exampleStackJson('sandboxCluster'), 'helm_release', { chart: ESO_CHART.chart });
    expect(parse(eso.values[0])).toMatchObject({ processClusterStore: false, installCRDs: true });
  });
});

describe('custom resources and the stacks that install their CRDs', () => {
  test('the Vault stacks run after their cluster stacks', () => {
    const { stacks } = buildTestLab();
    expect(stacks.main.dependencies).toContain(stacks.mainCluster);
    expect(stacks.sandbox.dependencies).toContain(stacks.sandboxCluster);
    expect(stacks.main.dependencies).not.toContain(stacks.sandboxCluster);
  });

  test.each([
    ['the example lab', exampleConfig()],
    ['a lab using only VSO', exampleConfigWith((c) => c.apps.forEach((a: any) => (a.delivery = 'vso')))],
    [
      'a lab using only ESO',
      exampleConfigWith((c) =>
        c.apps.forEach((a: any) => {
          a.delivery = 'eso';
          delete a.rolloutRestartTargets;
        }),
      ),
    ],
  ])('no stack of %s holds an operator release together with its custom resources, and CR stacks depend on it', (_name, config: LabConfig) => {
    const { stacks } = buildTestLab(config);
    const all = Object.values(stacks);
    // The rule is not vacuous: some stack does hold custom resources.
    expect(all.some((s) => Object.keys(resourcesOf(synthStack(s), 'kubernetes_manifest')).length > 0)).toBe(true);
    expect(crdOrderingViolations(all)).toEqual([]);
  });

  test('fails when a stack holds a release and custom resources of the same operator', () => {
    const stack = clusterTestStack(Testing.app(), 'mixed');
    new Release(stack, 'Vso', { name: 'vso', chart: VSO_CHART.chart });
    new Manifest(stack, 'Auth', { manifest: { apiVersion: `${VSO_API_GROUP}/v1beta1`, kind: 'VaultAuth', metadata: { name: 'x', namespace: 'x' } } });
    expect(crdOrderingViolations([stack])).toEqual([expect.stringMatching(/whose CRDs the same stack installs/)]);
  });

  test('fails when a stack with custom resources does not depend on the installing stack', () => {
    const app = Testing.app();
    const cluster = clusterTestStack(app, 'cluster');
    new Release(cluster, 'Eso', { name: 'eso', chart: ESO_CHART.chart });
    const vault = clusterTestStack(app, 'vault');
    new Manifest(vault, 'Store', { manifest: { apiVersion: `${ESO_API_GROUP}/v1`, kind: 'SecretStore', metadata: { name: 'x', namespace: 'x' } } });
    expect(crdOrderingViolations([cluster, vault])).toEqual([expect.stringMatching(/does not depend on cluster/)]);
  });
});

describe('delivery in the Vault stacks (Terraform mode)', () => {
  test('the Vault stack selects the environment\'s kube context and writes no kubeconfig path', () => {
    const json = exampleStackJson('sandbox');
    expect(json.provider?.kubernetes).toEqual([{ config_context: 'lab-sandbox' }]);
    expect(JSON.stringify(json)).not.toMatch(/config_path/);
  });

  test('Terraform applies exactly the objects of each app\'s delivery model', () => {
    const { stacks } = buildTestLab();
    const json = synthStack(stacks.main);
    const deliveries = stacks.main.node.findAll().filter((n): n is VsoDelivery | EsoDelivery => n instanceof VsoDelivery || n instanceof EsoDelivery);
    expect(deliveries).toHaveLength(exampleConfig().apps.length);
    for (const delivery of deliveries) {
      const app = delivery.node.scope!.node.id;
      expect(manifestsOf(json, `Apps_${app}_Delivery_`).sort(byKindAndName)).toEqual(delivery.objects.sort(byKindAndName));
    }
  });

  test.each(['main', 'sandbox'] as const)('the %s cluster\'s VSO release points its default VaultConnection at that environment\'s Vault, with its CA', (environment) => {
    // GIVEN the example lab, whose environments name a CA Secret
    const config = exampleConfig();
    const { stacks } = buildTestLab(config);
    const cluster = environment === 'main' ? stacks.mainCluster : stacks.sandboxCluster;
    // WHEN the cluster stack is synthesized
    const values = parse(findResource(synthStack(cluster), 'helm_release', { chart: VSO_CHART.chart }).values[0]);
    // THEN the chart creates one connection, to this environment's Vault, verifying TLS with the CA,
    // and still no default VaultAuth that namespaces could log in with
    expect(values.defaultVaultConnection).toEqual({
      enabled: true,
      address: config.environments[environment].vault.address,
      caCertSecret: config.environments[environment].delivery!.vaultCaSecret,
      skipTLSVerify: false,
    });
    expect(values.defaultAuthMethod).toEqual({ enabled: false });
  });

  test('without vaultCaSecret the default VaultConnection trusts the system CAs and still verifies TLS', () => {
    const config = exampleConfigWith((c) => {
      delete c.environments.main.delivery.vaultCaSecret;
      // A consumer moved to main is refused without it (config/bootstrap-checks.ts).
      for (const consumer of c.environments.qnap.bootstrap.consumers) delete consumer.migration;
    });
    const values = parse(findResource(synthStack(buildTestLab(config).stacks.mainCluster), 'helm_release', { chart: VSO_CHART.chart }).values[0]);
    expect(values.defaultVaultConnection).toMatchObject({ caCertSecret: '', skipTLSVerify: false });
  });

  test('no VSO app has a VaultConnection of its own or references another namespace\'s object', () => {
    // GIVEN the example lab WHEN its Vault stacks are synthesized
    const objects = (['main', 'sandbox'] as const).flatMap((name) => Object.values(resourcesOf(exampleStackJson(name), 'kubernetes_manifest')).map((r) => r.manifest));
    const vso = objects.filter((o) => String(o.apiVersion).startsWith(`${VSO_API_GROUP}/`));
    expect(vso.some((o) => o.kind === 'VaultAuth')).toBe(true);
    // THEN they hold no connection, no VaultAuth names one (so each uses the operator's default),
    // and every reference stays inside the object's own namespace
    expect(vso.map((o) => o.kind)).not.toContain('VaultConnection');
    expect(vso.filter((o) => o.kind === 'VaultAuth' && 'vaultConnectionRef' in o.spec)).toEqual([]);
    expect(foreignReferences(objects)).toEqual([]);
  });

  test('fails when a VSO object names a connection or VaultAuth of another namespace', () => {
    const auth = { apiVersion: `${VSO_API_GROUP}/v1beta1`, kind: 'VaultAuth', metadata: { name: 'a', namespace: 'a' }, spec: { vaultConnectionRef: 'vault-secrets-operator-system/default' } };
    const vss = { apiVersion: `${VSO_API_GROUP}/v1beta1`, kind: 'VaultStaticSecret', metadata: { name: 's', namespace: 'a' }, spec: { vaultAuthRef: 'b' } };
    expect(foreignReferences([auth, vss])).toEqual([
      expect.stringMatching(/VaultAuth a\/a: vaultConnectionRef "vault-secrets-operator-system\/default" names another namespace/),
      expect.stringMatching(/VaultStaticSecret a\/s: vaultAuthRef "b" names no VaultAuth in namespace a/),
    ]);
  });

  test('a VSO app logs in with its own role, ServiceAccount, mount and the audience its Vault role requires', () => {
    const json = exampleStackJson('main');
    const role = findResource(json, 'vault_kubernetes_auth_backend_role', { role_name: 'webapp' });
    const auth = manifestsOf(json, 'Apps_webapp_').find((m) => m.kind === 'VaultAuth');
    expect(auth.spec).toEqual({
      method: 'kubernetes',
      mount: 'kubernetes',
      kubernetes: { role: 'webapp', serviceAccount: role.bound_service_account_names[0], audiences: [role.audience] },
    });
  });

  test('VSO roles get a periodic token and no max TTL; ESO roles stay non-periodic', () => {
    const json = exampleStackJson('main');
    const vso = findResource(json, 'vault_kubernetes_auth_backend_role', { role_name: 'webapp' });
    expect(vso.token_period).toBe(86400);
    expect(vso.token_max_ttl).toBeUndefined();
    expect(findResource(json, 'vault_kubernetes_auth_backend_role', { role_name: 'notifier' }).token_period).toBeUndefined();
  });

  test('the VaultStaticSecret reads kvv2/<app>/config into an owned Secret and restarts the named workloads', () => {
    const vss = manifestsOf(exampleStackJson('main'), 'Apps_webapp_').find((m) => m.kind === 'VaultStaticSecret' && m.spec.path === 'webapp/config');
    expect(vss.spec).toMatchObject({
      vaultAuthRef: 'webapp',
      type: 'kv-v2',
      mount: 'kvv2',
      path: 'webapp/config',
      hmacSecretData: true,
      destination: { name: 'webapp-config', create: true, overwrite: false },
      rolloutRestartTargets: [{ kind: 'Deployment', name: 'webapp' }],
    });
    expect(vss.spec.refreshAfter).toMatch(/^[0-9]+(s|m|h)$/);
  });

  test('an app with Postgres gets a VaultDynamicSecret for postgres/creds/<app>; an app without gets none', () => {
    const json = exampleStackJson('main');
    const vds = manifestsOf(json, 'Apps_webapp_').find((m) => m.kind === 'VaultDynamicSecret');
    expect(vds.spec).toMatchObject({ vaultAuthRef: 'webapp', mount: 'postgres', path: 'creds/webapp', destination: { name: 'webapp-postgres', create: true } });
    expect(vds.spec.renewalPercent).toBeGreaterThanOrEqual(50);
    expect(vds.spec.renewalPercent).toBeLessThan(90);
    expect(manifestsOf(json, 'Apps_docs-preview_').map((m) => m.kind)).not.toContain('VaultDynamicSecret');
  });

  test('an ESO app with Postgres gets a synth warning that its database login is not delivered', () => {
    const config = exampleConfigWith((c) => {
      c.apps.find((a: any) => a.name === 'billing-worker').delivery = 'eso';
    });
    const { stacks } = buildTestLab(config);
    const warnings = stacks.main.apps.get('billing-worker')!.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(/app 'billing-worker' has postgres but delivery: eso/)]);
    expect(stacks.main.apps.get('notifier')!.node.metadata.filter((m) => m.type === '@cdktf/warn')).toEqual([]);
  });

  test('the example lab synthesizes without a single warning', () => {
    const { stacks } = buildTestLab();
    Object.values(stacks).forEach((stack) => synthStack(stack)); // runs the aspects, which warn too
    const stackList: TerraformStack[] = Object.values(stacks);
    const warnings = stackList.flatMap((stack) =>
      stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => `${c.node.path}: ${String(m.data)}`)),
    );
    expect(warnings).toEqual([]);
  });

  test('an ESO app gets its own SecretStore on its environment\'s Vault and an ExternalSecret for its config', () => {
    const config = exampleConfig();
    const json = synthStack(buildTestLab(config).stacks.sandbox);
    const objects = manifestsOf(json, 'Apps_notifier_');
    const store = objects.find((m) => m.kind === 'SecretStore');
    expect(store.metadata.namespace).toBe('notifier');
    expect(store.spec.provider.vault).toMatchObject({
      server: config.environments.sandbox.vault.address,
      path: 'kvv2',
      version: 'v2',
      auth: { kubernetes: { mountPath: 'kubernetes', role: 'notifier', serviceAccountRef: { name: 'notifier', audiences: ['vault'] } } },
    });
    const es = objects.find((m) => m.kind === 'ExternalSecret');
    expect(es.spec).toMatchObject({
      refreshInterval: '1h',
      secretStoreRef: { kind: 'SecretStore', name: store.metadata.name },
      target: { name: 'notifier-config', creationPolicy: 'Owner' },
      dataFrom: [{ extract: { key: 'notifier/config' } }],
    });
  });

  test('the sandbox never points an operator at the production Vault', () => {
    // GIVEN the example lab WHEN the sandbox's Vault and cluster stacks are synthesized
    const config = exampleConfig();
    const { stacks } = buildTestLab(config);
    const manifests = JSON.stringify(resourcesOf(synthStack(stacks.sandbox), 'kubernetes_manifest'));
    const releases = JSON.stringify(resourcesOf(synthStack(stacks.sandboxCluster), 'helm_release'));
    // THEN ESO stores and the VSO default connection name the sandbox Vault, never the main one
    for (const text of [manifests, releases]) {
      expect(text).toContain(config.environments.sandbox.vault.address);
      expect(text).not.toContain(config.environments.main.vault.address);
    }
  });

  test('createServiceAccount: false leaves the ServiceAccount to the app\'s chart but still logs in as it', () => {
    const objects = manifestsOf(exampleStackJson('main'), 'Apps_billing-worker_');
    expect(objects.map((m) => m.kind)).not.toContain('ServiceAccount');
    expect(objects.find((m) => m.kind === 'VaultAuth').spec.kubernetes.serviceAccount).toBe('billing-worker');
    expect(manifestsOf(exampleStackJson('main'), 'Apps_webapp_').find((m) => m.kind === 'ServiceAccount').metadata).toMatchObject({ name: 'webapp', namespace: 'webapp' });
  });

  test('no operator resource asks to revoke leases: no identity here holds sys/leases/revoke or a pki revoke right', async () => {
    const { stacks } = buildTestLab();
    for (const stack of [stacks.main, stacks.sandbox, stacks.mainBootstrap]) {
      const json = synthStack(stack);
      const manifests = Object.values(resourcesOf(json, 'kubernetes_manifest')).map((r) => r.manifest);
      expect(manifests.filter((m) => m.spec?.revoke === true).map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([]);
      // People's admin role revokes leases by hand in an incident (docs/operators.md); no operator runs as it.
      const human = new Set(Object.values(resourcesOf(json, 'vault_jwt_auth_backend_role')).filter((r) => r.role_type === 'oidc').flatMap((r) => r.token_policies));
      const policies = Object.values(resourcesOf(json, 'vault_policy')).filter((p) => !human.has(p.name)).map((p) => p.policy as string);
      expect(policies.filter((p) => /sys\/leases\/revoke|\/revoke"/.test(p))).toEqual([]);
    }
  });

  test('no Kubernetes Secret and no secret value is ever in the synthesized JSON', () => {
    const json = exampleStackJson('main');
    const manifests = Object.values(resourcesOf(json, 'kubernetes_manifest')).map((r) => r.manifest);
    expect(manifests.map((m) => m.kind)).not.toContain('Secret');
    expect(JSON.stringify(manifests)).not.toMatch(/"(data|stringData)"/);
  });
});

describe('delivery in GitOps mode', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const gitopsMain = () => exampleConfigWith((c) => (c.environments.main.delivery.mode = 'gitops'));

  function readObjects(file: string): any[] {
    return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS());
  }

  test('writes manifests/<env>/<app>.yaml and no kubernetes_manifest, only for the GitOps environment', () => {
    const app = new App({ outdir: dir, skipValidation: false });
    const stacks = buildLab(app, gitopsMain());
    app.synth();
    const files = fs.readdirSync(path.join(dir, 'manifests', 'main')).sort();
    expect(files).toEqual(exampleConfig().apps.map((a) => `${a.name}.yaml`).sort());
    expect(fs.existsSync(path.join(dir, 'manifests', 'sandbox'))).toBe(false);
    expect(Object.keys(resourcesOf(synthStack(stacks.main), 'kubernetes_manifest'))).toEqual([]);
    expect(Object.keys(resourcesOf(synthStack(stacks.sandbox), 'kubernetes_manifest')).length).toBeGreaterThan(0);
  });

  test('the GitOps files hold the same objects Terraform would apply', () => {
    const app = new App({ outdir: dir, skipValidation: false });
    buildLab(app, gitopsMain());
    app.synth();
    const terraform = exampleStackJson('main');
    for (const name of exampleConfig().apps.map((a) => a.name)) {
      expect(readObjects(path.join(dir, 'manifests', 'main', `${name}.yaml`)).sort(byKindAndName)).toEqual(manifestsOf(terraform, `Apps_${name}_`).sort(byKindAndName));
    }
  });

  test('synthesizeLab writes the GitOps files into the output folder', () => {
    const configFile = path.join(dir, 'lab.yaml');
    fs.writeFileSync(configFile, stringify(gitopsMain()));
    const outdir = path.join(dir, 'out');
    synthesizeLab(outdir, configFile);
    const objects = readObjects(path.join(outdir, 'manifests', 'main', 'webapp.yaml'));
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['VaultAuth', 'VaultStaticSecret', 'VaultDynamicSecret']));
    // Nothing but the output is left beside it (no staging folder).
    expect(fs.readdirSync(dir).sort()).toEqual(['lab.yaml', 'out']);
  });
});
