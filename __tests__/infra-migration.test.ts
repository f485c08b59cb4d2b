import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LabConfig } from '../config/schema';
import { parsePolicyHcl } from './support/hcl';
import { buildTestLab, exampleConfig, exampleConfigWith, findResource, resourcesOf, synthStack, TerraformJson } from './support/synth';
import { describeWithTerraform } from './support/terraform';
import { CI_ENGINE_VERSIONS } from '../stacks/ci-workflows';
import { MINIMUM_TERRAFORM_VERSION } from '../stacks/terraform-settings';

// The example lab moves one consumer (backup-storage) in `copy`; `done` is the same lab one step on.
const MOVED = 'backup-storage';

interface Synthesized {
  readonly config: LabConfig;
  readonly main: TerraformJson;
  readonly qnap: TerraformJson;
  readonly mainBootstrap: TerraformJson;
  /** The stacks synthesized (every one of the lab for `copy`), for walks over the output. */
  readonly all: Record<string, TerraformJson>;
}

function synthesize(config: LabConfig, every = false): Synthesized {
  const { stacks } = buildTestLab(config);
  const names = every ? Object.keys(stacks) : ['main', 'qnap', 'mainBootstrap'];
  const all = Object.fromEntries(names.map((name) => [name, synthStack((stacks as any)[name])]));
  return { config, main: all.main, qnap: all.qnap, mainBootstrap: all.mainBootstrap, all };
}

const copy = synthesize(exampleConfig(), true);
const done = synthesize(
  exampleConfigWith((c) => {
    c.environments.qnap.bootstrap.consumers.find((x: { name: string }) => x.name === MOVED).migration = 'done';
  }),
);
const consumer = copy.config.environments.qnap.bootstrap.consumers.find((c) => c.name === MOVED)!;
const qnapMount = copy.config.environments.qnap.bootstrap.infraKvPath!;
const mainMount = copy.config.environments.main.infraSecrets!.mountPath!;

/** Every string in `value` that contains `needle`, with its JSON path. */
function pathsContaining(value: unknown, needle: string, at = ''): string[] {
  if (typeof value === 'string') return value.includes(needle) ? [at] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => pathsContaining(v, needle, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => pathsContaining(v, needle, at ? `${at}.${k}` : k));
  return [];
}

/** The `kubernetes_manifest` objects of a stack. */
function manifests(json: TerraformJson): any[] {
  return Object.values(resourcesOf(json, 'kubernetes_manifest')).map((r) => r.manifest);
}

function copyWriterId(json: TerraformJson): string {
  const ids = Object.entries(resourcesOf(json, 'vault_kv_secret_v2'))
    .filter(([, r]) => r.mount === mainMount && r.name === consumer.kvPath)
    .map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('moving an infrastructure secret to the main Vault: copy', () => {
  test('GIVEN a consumer in copy WHEN main is synthesized THEN its value is read from the QNAP Vault through the aliased provider and written to main only through data_json_wo', () => {
    const writer = resourcesOf(copy.main, 'vault_kv_secret_v2')[copyWriterId(copy.main)];
    const [, readId] = /^\$\{jsonencode\(ephemeral\.vault_kv_secret_v2\.([^.]+)\.data\)\}$/.exec(writer.data_json_wo) ?? [];
    expect(readId).toBeDefined();
    expect((copy.main as any).ephemeral.vault_kv_secret_v2[readId]).toMatchObject({ provider: 'vault.qnap', mount: qnapMount, name: consumer.kvPath });
    expect(writer).not.toHaveProperty('data_json');
    expect(writer).toMatchObject({ disable_read: true, data_json_wo_version: 1 });
    const qnapProvider = copy.main.provider!.vault.find((p) => p.alias === 'qnap');
    expect(qnapProvider).toMatchObject({ address: copy.config.environments.qnap.vault.address });
    expect(qnapProvider!.token).toMatch(/^\$\{coalesce\(var\.qnap_migration_token, "[^"]+"\)\}$/);
  });

  test("GIVEN a consumer in copy WHEN TF_VAR_qnap_migration_token is unset THEN the QNAP provider's token is a non-empty placeholder, so the provider never falls back to the operator's VAULT_TOKEN", () => {
    const qnapProvider = copy.main.provider!.vault.find((p) => p.alias === 'qnap');
    const [, placeholder] = /"([^"]*)"\)\}$/.exec(String(qnapProvider!.token)) ?? [];
    expect(placeholder).toMatch(/\S/);
    // the runbook names what the QNAP receives instead
    expect(fs.readFileSync(path.join(__dirname, '..', 'docs', 'runbook.md'), 'utf8')).toContain(`\`${placeholder}\``);
    expect(copy.main.variable!.qnap_migration_token).toMatchObject({ default: null });
  });

  test("GIVEN a consumer in copy WHEN main is synthesized THEN the QNAP provider uses the migration token as given, so a token of the consumer's read-only policy suffices (no child token through auth/token/create)", () => {
    const qnapProvider = copy.main.provider!.vault.find((p) => p.alias === 'qnap');
    expect(qnapProvider).toMatchObject({ skip_child_token: true });
  });

  test('GIVEN a consumer in copy WHEN every stack is synthesized THEN the value read from the QNAP reaches nothing but data_json_wo, and the QNAP token nothing but the provider', () => {
    const readAddress = `ephemeral.vault_kv_secret_v2.${Object.keys((copy.main as any).ephemeral.vault_kv_secret_v2).find((id) => id.includes(MOVED))}`;
    const valueUses = Object.entries(copy.all).flatMap(([stack, json]) => pathsContaining(json, readAddress).map((p) => `${stack}: ${p}`));
    expect(valueUses).toEqual([`main: resource.vault_kv_secret_v2.${copyWriterId(copy.main)}.data_json_wo`]);
    const tokenUses = Object.entries(copy.all).flatMap(([stack, json]) => pathsContaining(json, 'var.qnap_migration_token').map((p) => `${stack}: ${p}`));
    const aliasIndex = copy.main.provider!.vault.findIndex((p) => p.alias === 'qnap');
    expect(tokenUses).toEqual([`main: provider.vault[${aliasIndex}].token`]);
    expect(copy.main.variable!.qnap_migration_token).toMatchObject({ ephemeral: true, sensitive: true });
  });

  test('GIVEN a consumer in copy WHEN main is planned THEN the QNAP read is deferred to apply (an argument unknown until then)', () => {
    const read = Object.values((copy.main as any).ephemeral.vault_kv_secret_v2 as Record<string, any>).find((r) => r.provider === 'vault.qnap');
    // timestamp() is unknown during plan (Terraform's function docs), so no plan, a pull request's
    // included, opens the read.
    expect(read.mount_id).toContain('timestamp()');
  });

  test("GIVEN a consumer in copy WHEN main is synthesized THEN main's policy for it reads exactly its secret in main's infra mount", async () => {
    const policy = findResource(copy.main, 'vault_policy', { name: `infra-${MOVED}` });
    expect(await parsePolicyHcl(policy.policy)).toEqual({ [`${mainMount}/data/${consumer.kvPath}`]: ['read'] });
  });

  test("GIVEN a consumer in copy WHEN main is synthesized THEN its role on main is bound as tightly as the QNAP's, with the same token lifetimes", () => {
    const pick = (r: any) => ({
      names: r.bound_service_account_names,
      namespaces: r.bound_service_account_namespaces,
      audience: r.audience,
      ttl: r.token_ttl,
      period: r.token_period,
      maxTtl: r.token_max_ttl,
      policies: r.token_policies,
    });
    const onQnap = findResource(copy.qnap, 'vault_kubernetes_auth_backend_role', { role_name: MOVED });
    const onMain = findResource(copy.main, 'vault_kubernetes_auth_backend_role', { role_name: MOVED });
    expect(pick(onMain)).toEqual(pick(onQnap));
    expect(onMain.backend).toMatch(/^\$\{vault_auth_backend\.KubernetesAuth_Backend_[^.]+\.path\}$/);
  });

  test('GIVEN a consumer in copy WHEN the QNAP stack is synthesized THEN its QNAP side stays (policy, role, metadata), so taking the migration back is safe', () => {
    expect(findResource(copy.qnap, 'vault_policy', { name: `infra-${MOVED}` })).toBeDefined();
    expect(findResource(copy.qnap, 'vault_kubernetes_auth_backend_role', { role_name: MOVED })).toBeDefined();
    expect(findResource(copy.qnap, 'vault_generic_endpoint', { path: `${qnapMount}/metadata/${consumer.kvPath}` })).toBeDefined();
  });

  test("GIVEN a consumer in copy WHEN main-bootstrap is synthesized THEN its VaultStaticSecret reads main's copy with main's role, through VSO's default connection", () => {
    const objects = manifests(copy.mainBootstrap);
    const vss = objects.find((o) => o.kind === 'VaultStaticSecret' && o.metadata.name === MOVED);
    const auth = objects.find((o) => o.kind === 'VaultAuth' && o.metadata.namespace === consumer.namespace && o.metadata.name === vss.spec.vaultAuthRef);
    const mainAuthPath = Object.values(resourcesOf(copy.main, 'vault_auth_backend')).find((b) => b.type === 'kubernetes').path;
    const mainRole = findResource(copy.main, 'vault_kubernetes_auth_backend_role', { role_name: MOVED });
    expect(vss.spec).toMatchObject({ type: 'kv-v2', mount: mainMount, path: consumer.kvPath, destination: { name: consumer.secretName } });
    expect(auth.spec).toMatchObject({
      method: 'kubernetes',
      mount: mainAuthPath,
      kubernetes: { role: mainRole.role_name, serviceAccount: mainRole.bound_service_account_names[0], audiences: [mainRole.audience] },
    });
    expect(auth.spec).not.toHaveProperty('vaultConnectionRef');
  });
});

describe('moving an infrastructure secret to the main Vault: done', () => {
  test('GIVEN a consumer in done WHEN the QNAP stack is synthesized THEN its policy, role and metadata are gone and the other consumers keep theirs', () => {
    expect(Object.values(resourcesOf(done.qnap, 'vault_policy')).map((p) => p.name)).not.toContain(`infra-${MOVED}`);
    expect(Object.values(resourcesOf(done.qnap, 'vault_kubernetes_auth_backend_role')).map((r) => r.role_name)).not.toContain(MOVED);
    expect(Object.values(resourcesOf(done.qnap, 'vault_generic_endpoint')).map((e) => e.path)).not.toContain(`${qnapMount}/metadata/${consumer.kvPath}`);
    for (const other of done.config.environments.qnap.bootstrap.consumers.filter((c) => c.name !== MOVED)) {
      expect(findResource(done.qnap, 'vault_policy', { name: `infra-${other.name}` })).toBeDefined();
    }
  });

  test("GIVEN a consumer in done WHEN main is synthesized THEN the copy's writer is forgotten by a removed block (destroy = false), never destroyed", () => {
    expect(Object.values(resourcesOf(done.main, 'vault_kv_secret_v2')).filter((r) => r.mount === mainMount)).toEqual([]);
    expect((done.main as any).removed).toEqual([{ from: `vault_kv_secret_v2.${copyWriterId(copy.main)}`, lifecycle: { destroy: false } }]);
  });

  test('GIVEN a consumer in done WHEN main is synthesized THEN it still serves the consumer (mount, policy, role)', () => {
    expect(findResource(done.main, 'vault_mount', { path: mainMount })).toMatchObject({ type: 'kv', options: { version: '2' } });
    expect(findResource(done.main, 'vault_policy', { name: `infra-${MOVED}` })).toBeDefined();
    expect(findResource(done.main, 'vault_kubernetes_auth_backend_role', { role_name: MOVED })).toBeDefined();
  });

  test('GIVEN every moved consumer in done WHEN main is synthesized THEN main no longer reads the QNAP Vault: no QNAP provider, read or token variable', () => {
    expect(done.main.provider!.vault.filter((p) => p.alias === 'qnap')).toEqual([]);
    expect(pathsContaining(done.main, 'vault.qnap')).toEqual([]);
    expect(done.main.variable).not.toHaveProperty('qnap_migration_token');
  });

  test('GIVEN a consumer in done WHEN main-bootstrap is synthesized THEN nothing of it points at the QNAP Vault any more', () => {
    const objects = manifests(done.mainBootstrap).filter((o) => o.metadata.namespace === consumer.namespace);
    // backup-storage is the only consumer in its namespace: its QNAP connection goes too.
    expect(objects.filter((o) => o.kind === 'VaultConnection')).toEqual([]);
    expect(objects.filter((o) => o.kind === 'VaultAuth').map((o) => o.spec.kubernetes.role)).toEqual([MOVED]);
    expect(objects.find((o) => o.kind === 'VaultStaticSecret').spec.mount).toBe(mainMount);
  });
});

describeWithTerraform("Terraform's reading of the removed block", () => {
  test('GIVEN the removed block main synthesizes for a done consumer WHEN Terraform loads it THEN it is valid configuration', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'removed-'));
    try {
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ locals: { loaded: true }, removed: (done.main as any).removed }));
      fs.writeFileSync(path.join(dir, 'cli.tfrc'), '');
      const run = spawnSync('terraform', ['console'], {
        cwd: dir,
        input: 'local.loaded\n',
        encoding: 'utf8',
        timeout: 30000,
        env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: path.join(dir, 'cli.tfrc'), TF_CLI_ARGS: '-no-color' },
      });
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the engines that run the removed block', () => {
  // First releases that read `lifecycle { destroy = false }` in a removed block: Terraform 1.7.0
  // (hashicorp/terraform CHANGELOG.md); OpenTofu 1.10.0 (opentofu/opentofu#2628; before it OpenTofu
  // refused the lifecycle block).
  const since: Record<string, number[]> = { terraform: [1, 7, 0], opentofu: [1, 10, 0] };
  const atLeast = (version: string, floor: number[]) => {
    const v = version.split('.').map(Number);
    const i = v.findIndex((part, k) => part !== floor[k]);
    return i < 0 || v[i] > floor[i];
  };

  test.each(Object.keys(since))('GIVEN the %s version CI pins and the stacks require WHEN main forgets a done writer THEN that engine reads the removed block', (engine) => {
    expect({ engine, ci: atLeast(CI_ENGINE_VERSIONS[engine as keyof typeof CI_ENGINE_VERSIONS], since[engine]) }).toEqual({ engine, ci: true });
    // One floor serves both engines (stacks/terraform-settings.ts).
    expect({ engine, floor: atLeast(MINIMUM_TERRAFORM_VERSION, since[engine]) }).toEqual({ engine, floor: true });
  });
});

describe('moving an infrastructure secret: refusals', () => {
  const moved = (c: any) => c.environments.qnap.bootstrap.consumers.find((x: { name: string }) => x.name === MOVED);

  test('fails when a consumer moves before the main Vault is configured to hold infrastructure secrets', () => {
    expect(() =>
      exampleConfigWith((c) => delete c.environments.main.infraSecrets),
    ).toThrow(/consumers\[1\]\.migration = "copy": the main Vault is not configured to hold infrastructure secrets: .*add environments\.main\.infraSecrets/);
  });

  test("fails when the moving consumer delivers into the main Vault's own namespace", () => {
    expect(() =>
      exampleConfigWith((c) => {
      c.environments.qnap.bootstrap.consumers.find((x: { name: string }) => x.name === 'registry').migration = 'copy';
    }),
    ).toThrow(/consumers\[2\]\.migration = "copy": the consumer delivers into the main Vault's namespace vault.*keep it on the QNAP Vault/);
  });

  test("fails when the main Vault's certificate comes from the QNAP PKI and VSO's default connection is given no CA to verify it", () => {
    expect(() =>
      exampleConfigWith((c) => {
        delete c.environments.main.delivery.vaultCaSecret;
      }),
    ).toThrow(/consumers\[1\]\.migration = "copy": the consumer would read the main Vault through VSO's default connection, .*set environments\.main\.delivery\.vaultCaSecret/);
  });

  test("fails when an app already has the moving consumer's role name on the main Vault", () => {
    expect(() =>
      exampleConfigWith((c) => c.apps.push({ ...c.apps[3], name: MOVED, namespace: 'other', repository: 'lab/other' })),
    ).toThrow(/consumers\[1\]\.name = "backup-storage": the main Vault's Kubernetes auth role backup-storage is already apps\[4\]'s/);
  });

  test("fails when an app in the moving consumer's namespace is named like the consumer's VaultAuth for the main Vault", () => {
    expect(() =>
      exampleConfigWith((c) => c.apps.push({ ...c.apps[3], name: `main-${MOVED}`, namespace: moved(c).namespace, repository: 'lab/other' })),
    ).toThrow(/apps\[4\]\.name = "main-backup-storage": names the app's VaultAuth backup\/main-backup-storage, which is the VaultAuth of environments\.qnap\.bootstrap\.consumers\[1\] \(backup-storage\)/);
  });

  test("fails when an app in a consumer's namespace is named like the consumer's VaultAuth for the QNAP Vault", () => {
    expect(() =>
      exampleConfigWith((c) => c.apps.push({ ...c.apps[3], name: `qnap-${MOVED}`, namespace: moved(c).namespace, repository: 'lab/other' })),
    ).toThrow(/apps\[4\]\.name = "qnap-backup-storage": names the app's VaultAuth backup\/qnap-backup-storage/);
  });

  test("fails when an app's ops policy is the moving consumer's policy name on the main Vault", () => {
    expect(() =>
      exampleConfigWith((c) => {
      moved(c).name = 'store-ops';
      c.apps.push({ ...c.apps[3], name: 'infra-store', namespace: 'other', repository: 'lab/other' });
    }),
    ).toThrow(/consumers\[1\]\.name = "store-ops": the main Vault's policy infra-store-ops is already apps\[4\]'s \(infra-store\)/);
  });

  test('fails when the sandbox declares an infrastructure secrets engine', () => {
    expect(() =>
      exampleConfigWith((c) => {
      c.environments.sandbox.infraSecrets = { mountPath: 'infra' };
    }),
    ).toThrow(/environments\.sandbox\.infraSecrets = .*the sandbox never holds the QNAP Vault's secrets/);
  });

  test("fails when the main Vault's infrastructure secrets engine would take the apps' engine path", () => {
    expect(() =>
      exampleConfigWith((c) => {
      c.environments.main.infraSecrets.mountPath = 'kvv2';
    }),
    ).toThrow(/environments\.main\.infraSecrets\.mountPath = "kvv2": is reserved: the apps' KV v2 engine/);
  });

  test("fails when the main Vault's infrastructure secrets engine would sit inside another engine's path", () => {
    expect(() =>
      exampleConfigWith((c) => {
        c.environments.main.infraSecrets.mountPath = 'kvv2/infra';
      }),
    ).toThrow(/environments\.main\.infraSecrets\.mountPath = "kvv2\/infra": is inside or above kvv2\/, the apps' KV v2 engine: Vault refuses/);
  });

  test("fails when the main Vault's infrastructure secrets engine would sit inside Vault's protected sys/ path", () => {
    expect(() =>
      exampleConfigWith((c) => {
        c.environments.main.infraSecrets.mountPath = 'sys/infra';
      }),
    ).toThrow(/environments\.main\.infraSecrets\.mountPath = "sys\/infra": is inside or above sys\/, Vault's protected path sys\//);
  });
});
