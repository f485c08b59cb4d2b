import * as fs from 'fs';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { parse, parseAllDocuments } from 'yaml';
import { AppSecretsModule } from '../constructs/app-secrets-module';
import { KubernetesObject, OPERATOR_DURATION, RESTART_TARGET_KINDS, vsoObjects } from '../constructs/delivery-model';
import { EsoDelivery } from '../constructs/eso-delivery';
import { KubernetesAuthBackend } from '../constructs/kubernetes-auth-backend';
import { KvV2Mount } from '../constructs/kv-v2-mount';
import { VsoDelivery } from '../constructs/vso-delivery';
import { LabConfig } from '../config/schema';
import { VSO_CHART } from '../constructs/charts';
import { vsoValues } from '../stacks/secret-operators';
import { validateAgainstCrd } from './support/crd';
import { describeWithSchemas, schemaPath } from './support/schemas';
import { buildTestLab, exampleConfig, exampleConfigWith, resourcesOf, synthStack, vaultTestStack } from './support/synth';

/** The upstream CRD file of each custom resource kind the project generates. */
const CRD_FILES: Record<string, string> = {
  VaultAuth: 'vso/VaultAuth.yaml',
  VaultStaticSecret: 'vso/VaultStaticSecret.yaml',
  VaultDynamicSecret: 'vso/VaultDynamicSecret.yaml',
  SecretStore: 'eso/SecretStore.yaml',
  ExternalSecret: 'eso/ExternalSecret.yaml',
};

/** Every object the lab's Vault stacks hand to Terraform (`kubernetes_manifest`), with its address. */
function labObjects(config: LabConfig): Array<{ where: string; object: KubernetesObject }> {
  const { stacks } = buildTestLab(config);
  return [stacks.main, stacks.sandbox].flatMap((stack) =>
    Object.entries(resourcesOf(synthStack(stack), 'kubernetes_manifest')).map(([id, r]) => ({ where: `${stack.node.id} ${id}`, object: r.manifest })),
  );
}

/** Validates every custom resource; core objects (ServiceAccount) have no CRD and are skipped. */
function crdErrors(objects: Array<{ where: string; object: KubernetesObject }>): string[] {
  return objects
    .filter(({ object }) => object.apiVersion !== 'v1')
    .flatMap(({ where, object }) => {
      const file = CRD_FILES[object.kind];
      if (!file) return [`${where}: no upstream CRD known for kind ${object.kind}`];
      return validateAgainstCrd(file, object as any).map((e) => `${where}: ${e}`);
    });
}

const ALL_ON = (raw: any) => {
  raw.environments.main.delivery = { mode: 'terraform', vaultCaSecret: 'vault-ca' };
  raw.environments.sandbox.delivery = { mode: 'terraform', vaultCaSecret: 'vault-ca' };
  for (const app of raw.apps) {
    app.createServiceAccount = true;
    app.refreshInterval = '90s';
    if (app.delivery === 'vso') app.rolloutRestartTargets = RESTART_TARGET_KINDS.map((kind, i) => ({ kind, name: `workload-${i}` }));
    app.postgres = { cluster: 'apps' };
  }
};
const ALL_OFF = (raw: any) => {
  delete raw.environments.main.delivery;
  delete raw.environments.sandbox.delivery;
  // Without delivery's vaultCaSecret no consumer may move to main (config/bootstrap-checks.ts).
  for (const consumer of raw.environments.qnap.bootstrap.consumers) delete consumer.migration;
  for (const app of raw.apps) {
    app.createServiceAccount = false;
    delete app.refreshInterval;
    delete app.rolloutRestartTargets;
    delete app.postgres;
  }
};

describeWithSchemas('delivery objects against the operators\' upstream CRDs', () => {
  test('every custom resource of every app of the example lab is valid for its CRD', () => {
    // GIVEN the example lab WHEN its delivery objects are generated
    const objects = labObjects(exampleConfig());
    // THEN every kind the project can generate appears, and each validates
    expect(new Set(objects.map((o) => o.object.kind))).toEqual(new Set([...Object.keys(CRD_FILES), 'ServiceAccount']));
    expect(crdErrors(objects)).toEqual([]);
  });

  test('every custom resource is valid with every option on, for VSO and ESO apps', () => {
    const objects = labObjects(exampleConfigWith(ALL_ON));
    expect(objects.some((o) => o.object.kind === 'SecretStore' && JSON.stringify(o.object).includes('caProvider'))).toBe(true);
    expect(objects.some((o) => o.object.kind === 'VaultDynamicSecret' && JSON.stringify(o.object).includes('argo.Rollout'))).toBe(true);
    expect(crdErrors(objects)).toEqual([]);
  });

  test('every custom resource is valid with every option off', () => {
    const objects = labObjects(exampleConfigWith(ALL_OFF));
    expect(objects.some((o) => o.object.kind === 'ServiceAccount')).toBe(false);
    expect(crdErrors(objects)).toEqual([]);
  });

  test('extra delivered secrets of a module become valid VaultStaticSecrets and ExternalSecrets', () => {
    // GIVEN modules with a second delivered secret
    const stack = vaultTestStack();
    new KubernetesProvider(stack, 'kubernetes', {});
    const kv = new KvV2Mount(stack, 'Kv');
    const auth = new KubernetesAuthBackend(stack, 'Auth', { kubernetesHost: 'https://k8s.test:6443' });
    const make = (name: string) => {
      const m = new AppSecretsModule(stack, name, { appName: name, namespace: name, kv, kubernetesAuth: auth });
      m.addDeliveredSecret('db-seed', `${name}-db-seed`);
      return m;
    };
    const a = make('a');
    const b = make('b');
    // WHEN each is delivered
    const vso = new VsoDelivery(a, 'Delivery', { app: a });
    const eso = new EsoDelivery(b, 'Delivery', { app: b, vaultAddress: 'https://vault.test:8200' });
    const objects = [...vso.objects, ...eso.objects].map((object) => ({ where: object.metadata.name, object }));
    // THEN each operator has one resource per delivered secret, all valid
    expect(vso.objects.filter((o) => o.kind === 'VaultStaticSecret').map((o) => o.spec?.path)).toEqual(['a/config', 'a/db-seed']);
    expect(eso.objects.filter((o) => o.kind === 'ExternalSecret').map((o) => (o.spec as any).dataFrom[0].extract.key)).toEqual(['b/config', 'b/db-seed']);
    expect(crdErrors(objects)).toEqual([]);
  });

  test('fails when a generated object carries a field its CRD does not know', () => {
    const [, auth] = labObjects(exampleConfig()).filter((o) => o.object.kind === 'VaultAuth').map((o) => o.object);
    const bad = { ...auth, spec: { ...auth.spec, vaultConectionRef: 'x/y' } };
    expect(crdErrors([{ where: 'bad', object: bad }]).join('\n')).toMatch(/additional properties[\s\S]*vaultConectionRef/);
  });

  test('fails when a generated object has a value outside a CRD enum', () => {
    const store = labObjects(exampleConfig()).find((o) => o.object.kind === 'SecretStore')!.object as any;
    const bad = JSON.parse(JSON.stringify(store));
    bad.spec.provider.vault.version = 'v3';
    expect(crdErrors([{ where: 'bad', object: bad }]).join('\n')).toMatch(/provider\/vault\/version/);
  });

  test('the restart kinds and the duration rule the project checks are the CRDs\' own', () => {
    // GIVEN the VaultStaticSecret and VaultDynamicSecret CRDs as published
    for (const file of ['vso/VaultStaticSecret.yaml', 'vso/VaultDynamicSecret.yaml']) {
      const crd = parseAllDocuments(fs.readFileSync(schemaPath(file), 'utf8')).map((d) => d.toJS()).find((d) => d?.kind === 'CustomResourceDefinition');
      const spec = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties;
      // THEN the project's lists match them exactly
      expect(spec.rolloutRestartTargets.items.properties.kind.enum).toEqual([...RESTART_TARGET_KINDS]);
      expect(spec.refreshAfter.pattern).toBe(OPERATOR_DURATION.source);
    }
  });

  test.each(['main', 'sandbox'] as const)('the VSO chart values the lab sets for %s exist in the chart\'s values.yaml, with the same types', (environment) => {
    const upstream = parse(fs.readFileSync(schemaPath('vso-helm', 'values.yaml'), 'utf8'));
    const missing: string[] = [];
    const walk = (ours: any, theirs: any, at: string) => {
      for (const [k, v] of Object.entries(ours)) {
        if (theirs === null || typeof theirs !== 'object' || !(k in theirs)) missing.push(`${at}${k}`);
        else if (v !== null && typeof v === 'object') walk(v, theirs[k], `${at}${k}.`);
        else expect(typeof v).toBe(typeof theirs[k]);
      }
    };
    walk(vsoValues(exampleConfig(), environment), upstream, '');
    expect(missing).toEqual([]);
  });

  test('a VaultAuth without vaultConnectionRef uses the default connection the chart creates in the operator\'s namespace', () => {
    // GIVEN the VaultAuth CRD and the chart's values.yaml as published
    const crd = parseAllDocuments(fs.readFileSync(schemaPath('vso/VaultAuth.yaml'), 'utf8')).map((d) => d.toJS()).find((d) => d?.kind === 'CustomResourceDefinition');
    const spec = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec;
    const values = fs.readFileSync(schemaPath('vso-helm', 'values.yaml'), 'utf8');
    // THEN the reference is optional, its absence means `default` in the operator's namespace, and
    // that is the name and namespace of the connection `defaultVaultConnection` creates
    expect(spec.required ?? []).not.toContain('vaultConnectionRef');
    expect(spec.properties.vaultConnectionRef.description).toMatch(/no value is specified for VaultConnectionRef[\s\S]*default to the `default` VaultConnection, configured in the operator's namespace/);
    expect(values).toMatch(/default VaultConnection CR[^\n]*\n# if they do not specify a VaultConnection reference\. The name is 'default' and will\n# always be installed in the same namespace as the operator\.[\s\S]*?^defaultVaultConnection:/m);
  });

  test('the pinned VSO chart version is the one the CRDs were taken from', () => {
    const chart = parse(fs.readFileSync(schemaPath('vso-helm', 'Chart.yaml'), 'utf8').replace(/^[\s\S]*?^---$/m, ''));
    expect(VSO_CHART.version).toBe(chart.version);
  });

  test('the model alone (no constructs) also yields valid objects', () => {
    const objects = vsoObjects({
      appName: 'solo',
      namespace: 'solo',
      serviceAccount: { name: 'solo', namespace: 'solo', create: false },
      kubernetesAuth: { mountPath: 'k8s/lab', role: 'solo', audience: 'https://vault.test' },
      kvMountPath: 'kvv2',
      secrets: [{ kvPath: 'solo/config', secretName: 'solo-config' }],
    });
    expect(crdErrors(objects.map((object) => ({ where: object.kind, object })))).toEqual([]);
  });
});
