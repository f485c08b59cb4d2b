import * as fs from 'fs';
import * as path from 'path';
import { resourceAddresses } from '../stacks/addresses';
import { STACK_NAMES } from '../stacks/lab';
import { buildTestLab, exampleConfig, exampleConfigWith, exampleStackJson, synthStack } from './support/synth';

describe('the lab stacks', () => {
  test('main.ts builds exactly the stacks qnap, main, sandbox, main-cluster, main-bootstrap and sandbox-cluster', () => {
    const { app } = buildTestLab();
    const names = app.node.children.map((c) => c.node.id).sort();
    expect(names).toEqual(['main', 'main-bootstrap', 'main-cluster', 'qnap', 'sandbox', 'sandbox-cluster']);
    expect([...STACK_NAMES].sort()).toEqual(names);
  });

  test("no Vault token is ever written: a stack's own vault provider leaves token unset, a second one takes it from an ephemeral variable", () => {
    for (const name of ['qnap', 'main', 'sandbox'] as const) {
      const json = exampleStackJson(name);
      const providers = json.provider?.vault ?? [];
      const own = providers.filter((p) => p.alias === undefined);
      expect(own).toHaveLength(1);
      expect(Object.keys(own[0])).not.toContain('token');
      // main's QNAP provider while a consumer is copied (stacks/infra-migration.ts).
      for (const aliased of providers.filter((p) => p.alias !== undefined)) {
        const [, variable] = /^\$\{(?:coalesce\()?var\.([a-z_]+)(?:, "[^"$%]*"\))?\}$/.exec(aliased.token) ?? [];
        expect(json.variable?.[variable]).toMatchObject({ ephemeral: true, sensitive: true });
      }
      expect(JSON.stringify(json)).not.toMatch(/hvs\.|VAULT_TOKEN/);
    }
  });

  test('each Vault stack talks to its own Vault address from the config', () => {
    const config = exampleConfig();
    const { stacks } = buildTestLab(config);
    expect(synthStack(stacks.qnap).provider?.vault[0].address).toBe(config.environments.qnap.vault.address);
    expect(synthStack(stacks.main).provider?.vault[0].address).toBe(config.environments.main.vault.address);
    expect(synthStack(stacks.sandbox).provider?.vault[0].address).toBe(config.environments.sandbox.vault.address);
  });

  test('cluster stacks select the kube context from the config and never write a kubeconfig path', () => {
    const config = exampleConfig();
    const { stacks } = buildTestLab(config);
    const json = synthStack(stacks.sandboxCluster);
    expect(json.provider?.kubernetes[0]).toEqual({ config_context: config.environments.sandbox.kubernetes.context });
    expect(JSON.stringify(json)).not.toMatch(/config_path/);
  });

  test('no synthesized stack contains a machine-specific absolute path', () => {
    const { stacks } = buildTestLab();
    for (const stack of Object.values(stacks)) {
      const text = JSON.stringify(synthStack(stack));
      expect(text).not.toContain(process.cwd());
      expect(text).not.toMatch(/"\/(home|root|tmp|work|Users)\//);
    }
  });

  test('local state: one file per stack, relative to the project root, sandbox in its own folder', () => {
    const config = exampleConfigWith((c) => {
      c.environments.main.state = { type: 'local' };
      c.environments.sandbox.state = { type: 'local', directory: 'state/sandbox' };
    });
    const { stacks } = buildTestLab(config);
    expect(synthStack(stacks.qnap).terraform?.backend).toEqual({ local: { path: '../../../state/qnap.tfstate' } });
    expect(synthStack(stacks.main).terraform?.backend).toEqual({ local: { path: '../../../state/main.tfstate' } });
    expect(synthStack(stacks.mainCluster).terraform?.backend).toEqual({ local: { path: '../../../state/main-cluster.tfstate' } });
    expect(synthStack(stacks.sandbox).terraform?.backend).toEqual({ local: { path: '../../../state/sandbox/sandbox.tfstate' } });
  });

  test('pg state: a schema per stack and no connection string (Terraform reads PG_CONN_STR)', () => {
    const config = exampleConfigWith((c) => {
      c.environments.main.state = { type: 'pg', schemaPrefix: 'lab' };
    });
    const { stacks } = buildTestLab(config);
    expect(synthStack(stacks.main).terraform?.backend).toEqual({ pg: { schema_name: 'lab_main' } });
    expect(synthStack(stacks.mainCluster).terraform?.backend).toEqual({ pg: { schema_name: 'lab_main_cluster' } });
  });

  test('s3 state: a key per stack on an S3-compatible endpoint, encrypted and locked, no credentials', () => {
    const config = exampleConfigWith((c) => {
      c.environments.sandbox.state = { type: 's3', bucket: 'tf-state', region: 'garage', endpoint: 'https://s3.lab.example.net', usePathStyle: true };
    });
    const backend = synthStack(buildTestLab(config).stacks.sandbox).terraform?.backend.s3;
    expect(backend).toMatchObject({
      bucket: 'tf-state',
      key: 'vault-platform/sandbox.tfstate',
      endpoints: { s3: 'https://s3.lab.example.net' },
      use_path_style: true,
      encrypt: true,
      use_lockfile: true,
    });
    expect(Object.keys(backend)).not.toEqual(expect.arrayContaining(['access_key']));
    expect(Object.keys(backend)).not.toContain('secret_key');
  });

  test('the sandbox has the same resource addresses, role names and policy names as main', () => {
    const addresses = resourceAddresses(exampleConfig());
    // Infrastructure secrets moved off the QNAP Vault are production's only (stacks/infra-migration.ts).
    expect(addresses.sandbox).toEqual(addresses.main.filter((a) => !a.includes('.InfraSecrets_')));
    const moved = new Set(exampleConfig().environments.qnap.bootstrap.consumers.filter((c) => c.migration).map((c) => `infra-${c.name}`));
    const names = (json: ReturnType<typeof synthStack>) =>
      Object.values(json.resource?.vault_policy ?? {}).map((p: any) => p.name).filter((n) => !moved.has(n)).sort();
    expect(names(exampleStackJson('sandbox'))).toEqual(names(exampleStackJson('main')));
  });

  test('each app of the config gets its runtime and ops policies and its role in main', () => {
    const config = exampleConfig();
    const json = synthStack(buildTestLab(config).stacks.main);
    const policyNames = Object.values(json.resource?.vault_policy ?? {}).map((p: any) => p.name);
    const roleNames = Object.values(json.resource?.vault_kubernetes_auth_backend_role ?? {}).map((r: any) => r.role_name);
    for (const app of config.apps) {
      expect(policyNames).toEqual(expect.arrayContaining([app.name, `${app.name}-ops`]));
      expect(roleNames).toContain(app.name);
    }
  });

  test('resource addresses are pinned per stack: a rename or a move fails here instead of replacing Vault objects', () => {
    const pinned = JSON.parse(fs.readFileSync(path.join(__dirname, 'pinned-addresses.json'), 'utf8'));
    const actual = resourceAddresses(exampleConfig());
    for (const stack of Object.keys({ ...pinned, ...actual })) {
      const removed = (pinned[stack] ?? []).filter((a: string) => !(actual[stack] ?? []).includes(a));
      const added = (actual[stack] ?? []).filter((a: string) => !(pinned[stack] ?? []).includes(a));
      // A removed address is a destroy in someone's state. If intended, run `npm run pin-addresses`.
      expect({ stack, removed, added }).toEqual({ stack, removed: [], added: [] });
    }
  });

  test('the main stack mounts kvv2 (KV v2), kv (KV v1) and transit, and enables Kubernetes auth', () => {
    const config = exampleConfig();
    const json = synthStack(buildTestLab(config).stacks.main);
    const mounts = Object.values(json.resource?.vault_mount ?? {}).map((m: any) => [m.path, m.type, m.options?.version]);
    expect(mounts).toEqual(expect.arrayContaining([['kvv2', 'kv', '2'], ['kv', 'kv', '1'], ['transit', 'transit', undefined]]));
    const auth = Object.values(json.resource?.vault_auth_backend ?? {}) as any[];
    expect(auth.map((a) => [a.type, a.path])).toContainEqual(['kubernetes', 'kubernetes']);
    const k8sConfig = Object.values(json.resource?.vault_kubernetes_auth_backend_config ?? {})[0] as any;
    expect(k8sConfig.kubernetes_host).toBe(config.environments.main.kubernetes.apiHost);
    expect(k8sConfig.token_reviewer_jwt).toBeUndefined();
  });

  test('every Vault (qnap, main, sandbox) enables a file audit device; the in-cluster ones a second to stdout', () => {
    for (const [name, expected] of [
      ['qnap', [['file', '/vault/audit/audit.log']]],
      ['main', [['file', '/vault/audit/audit.log'], ['file', 'stdout']]],
      ['sandbox', [['file', '/vault/audit/audit.log'], ['file', 'stdout']]],
    ] as const) {
      const devices = Object.values(exampleStackJson(name).resource?.vault_audit ?? {}) as any[];
      expect(devices.map((d) => [d.type, d.options.file_path]).sort()).toEqual(expected);
    }
  });

  test('every stack requires Terraform >= 1.11, the first with write-only attributes', () => {
    const { stacks } = buildTestLab();
    for (const stack of Object.values(stacks)) {
      expect(synthStack(stack).terraform?.required_version).toBe('>= 1.11.0');
    }
  });
});
