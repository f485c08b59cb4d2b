import { loadAppSecretContract } from '../config/secret-contract';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AccessReport, buildAccessReport, canAccess, diffReports, renderDiff, renderMarkdown, renderTable, SynthesizedStackJson, toJson, VaultAccess } from '../access/access-report';
import { LabConfig } from '../config/schema';
import { main as accessReportMain } from '../scripts/access-report';
import { buildTestLab, exampleConfig, exampleConfigWith, synthStack } from './support/synth';

async function labReport(config: LabConfig): Promise<{ report: AccessReport; stacks: SynthesizedStackJson[] }> {
  const { stacks } = buildTestLab(config);
  Object.values(stacks).forEach((s) => s.prepareStack());
  const jsons = Object.values(stacks).map((s) => ({ stack: s.node.id, json: synthStack(s) as SynthesizedStackJson['json'] }));
  return { report: await buildAccessReport(jsons), stacks: jsons };
}

/** The app a role serves: Kubernetes role `<app>`, CI role `gitea_cicd_<app>`; undefined for platform roles. */
function appOfRole(role: string, apps: readonly string[]): string | undefined {
  const name = role.split('/').pop()!.replace(/^gitea_cicd_/, '');
  return apps.includes(name) ? name : undefined;
}

/** True when the synthesized JSON has a database secrets engine (added by the Postgres work). */
function hasDatabaseMount(stacks: SynthesizedStackJson[]): boolean {
  return stacks.some(
    (s) =>
      Object.keys(s.json.resource?.vault_database_secrets_mount ?? {}).length > 0 ||
      Object.values(s.json.resource?.vault_mount ?? {}).some((m: any) => m.type === 'database'),
  );
}

function generatedFleet(size: number): LabConfig {
  return exampleConfigWith((c) => {
    c.apps = Array.from({ length: size }, (_, i) => ({
      name: `app${String(i).padStart(2, '0')}`,
      // Several apps per namespace, so namespace alone never separates them.
      namespace: `team${i % 4}`,
      repository: `lab/app${i}`,
      delivery: i % 2 === 0 ? 'vso' : 'eso',
      ...(i % 3 === 0 ? { postgres: { cluster: 'apps' } } : {}),
    }));
  });
}

function clusterVaults(report: AccessReport, config: LabConfig): VaultAccess[] {
  const addresses = [config.environments.main.vault.address, config.environments.sandbox.vault.address];
  return report.vaults.filter((v) => addresses.includes(v.vault));
}

describe.each([
  ['the example config', exampleConfig()],
  ['a generated fleet of 30 apps', generatedFleet(30)],
])('access in %s', (_name, config) => {
  let report: AccessReport;
  let stacks: SynthesizedStackJson[];
  beforeAll(async () => {
    ({ report, stacks } = await labReport(config));
  });
  const apps = config.apps.map((a) => a.name);

  test('each cluster Vault lists one Kubernetes identity ns/sa per app, bound to the role <app>, and its snapshot job', () => {
    for (const vault of clusterVaults(report, config)) {
      const k8s = vault.rows.filter((r) => r.identityKind === 'kubernetes').map((r) => [r.identity, r.role]);
      // Both cluster Vaults of the example take snapshots (vaultServer.snapshots).
      const snapshotJob = ['vault/vault-raft-snapshot', 'auth/kubernetes/role/vault-raft-snapshot'];
      // The main Vault also serves the bootstrap consumers moved off the QNAP Vault (stacks/infra-migration.ts).
      const moved = vault.vault === config.environments.main.vault.address ? config.environments.qnap.bootstrap.consumers.filter((c) => c.migration) : [];
      const consumers = moved.map((c) => [`${c.namespace}/${c.serviceAccount ?? `${c.name}-bootstrap`}`, `auth/kubernetes/role/${c.name}`]);
      expect(k8s.sort()).toEqual([...config.apps.map((a) => [`${a.namespace}/${a.serviceAccount ?? a.name}`, `auth/kubernetes/role/${a.name}`]), ...consumers, snapshotJob].sort());
    }
  });

  test("no identity can read, list or write another app's paths", () => {
    for (const vault of clusterVaults(report, config)) {
      for (const row of vault.rows) {
        const own = appOfRole(row.role, apps);
        if (!own) continue;
        for (const other of apps.filter((a) => a !== own)) {
          for (const p of [`kvv2/data/${other}/config`, `kvv2/metadata/${other}/config`, `kvv2/data/${other}/x`, `postgres/creds/${other}`]) {
            expect({ identity: row.identity, path: p, caps: canAccess(vault, row.identity, p) }).toEqual({ identity: row.identity, path: p, caps: [] });
          }
        }
      }
    }
  });

  test('each cluster Vault lists the forge groups of its operators roles as identities, each with its role and policy', () => {
    for (const env of ['main', 'sandbox'] as const) {
      const vault = report.vaults.find((v) => v.vault === config.environments[env].vault.address)!;
      const people = vault.rows.filter((r) => r.identityKind === 'forge-group').map((r) => [r.identity, r.role, r.policies]);
      const expected = (config.environments[env].operators?.roles ?? []).flatMap((role) =>
        role.groups.map((group) => [`forge-group:${group}`, `auth/oidc/role/${role.name}`, [`human_${role.name}`]]),
      );
      expect(expected).not.toEqual([]);
      expect(people.sort()).toEqual(expected.sort());
    }
  });

  test("each app's runtime identity can read its own config, and its Postgres creds when it has a database", () => {
    expect(hasDatabaseMount(stacks)).toBe(true);
    for (const vault of clusterVaults(report, config)) {
      for (const app of config.apps) {
        const identity = `${app.namespace}/${app.serviceAccount ?? app.name}`;
        expect(canAccess(vault, identity, `kvv2/data/${app.name}/config`)).toContain('read');
        if (app.postgres) expect(canAccess(vault, identity, `postgres/creds/${app.name}`)).toContain('read');
        if (app.postgres?.readOnly) expect(canAccess(vault, identity, `postgres/creds/${app.name}-ro`)).toContain('read');
      }
    }
  });

  test('a runtime identity holds nothing it cannot use: read on its config, its contract secrets and, with a database, its creds', () => {
    for (const vault of clusterVaults(report, config)) {
      for (const app of config.apps) {
        const row = vault.rows.find((r) => r.identityKind === 'kubernetes' && r.role === `auth/kubernetes/role/${app.name}`)!;
        const contractSecrets = loadAppSecretContract(app)?.secrets.map((secret) => `kvv2/data/${app.name}/${secret.name}`) ?? [];
        const allowed = [
          `kvv2/data/${app.name}/config`,
          ...contractSecrets,
          ...(app.postgres ? [`postgres/creds/${app.name}`] : []),
          ...(app.postgres?.readOnly ? [`postgres/creds/${app.name}-ro`] : []),
        ];
        for (const grant of row.grants) {
          expect({ app: app.name, path: grant.path, inAllowed: allowed.includes(grant.path), caps: grant.capabilities }).toEqual({
            app: app.name,
            path: grant.path,
            inAllowed: true,
            caps: ['read'],
          });
        }
      }
    }
  });
});

/** A hand-written synthesized stack, as another developer's constructs would produce it. */
function fixtureStack(extraPolicy = ''): SynthesizedStackJson {
  return {
    stack: 'main',
    json: {
      provider: { vault: [{ address: 'https://vault.test.example:8200' }] },
      resource: {
        vault_jwt_auth_backend: { Jwt: { path: 'gitea' } },
        vault_policy: {
          Ops: { name: 'webapp-ops', policy: `path "kvv2/data/webapp/*" {\n  capabilities = ["create", "read"]\n}\n${extraPolicy}` },
          Runtime: { name: 'webapp', policy: 'path "kvv2/data/webapp/config" {\n  capabilities = ["read"]\n}\n' },
        },
        vault_jwt_auth_backend_role: {
          Ci: {
            backend: '${vault_jwt_auth_backend.Jwt.path}',
            role_name: 'gitea_cicd_webapp',
            // A CI role says so: without role_type the plugin makes it an oidc (people's) role.
            role_type: 'jwt',
            bound_claims: { repository: 'lab/webapp', ref: 'refs/heads/main' },
            token_policies: ['webapp-ops'],
          },
        },
        vault_kubernetes_auth_backend_role: {
          Pod: { backend: 'kubernetes', role_name: 'webapp', bound_service_account_names: ['webapp'], bound_service_account_namespaces: ['web'], token_policies: ['webapp'] },
        },
      },
    },
  };
}

describe('the access report from synthesized JSON', () => {
  test('a CI role appears as repository@ref on its auth mount, resolved through the backend reference', async () => {
    const report = await buildAccessReport([fixtureStack()]);
    const ci = report.vaults[0].rows.find((r) => r.identityKind === 'ci')!;
    expect(ci).toEqual({
      identity: 'lab/webapp@refs/heads/main',
      identityKind: 'ci',
      role: 'auth/gitea/role/gitea_cicd_webapp',
      policies: ['webapp-ops'],
      grants: [{ path: 'kvv2/data/webapp/*', capabilities: ['create', 'read'] }],
    });
  });

  test('a deny in a policy shows as the deciding rule and removes access', async () => {
    const report = await buildAccessReport([fixtureStack('path "kvv2/data/webapp/secret-key" {\n  capabilities = ["deny"]\n}\n')]);
    const vault = report.vaults[0];
    expect(canAccess(vault, 'lab/webapp@refs/heads/main', 'kvv2/data/webapp/secret-key')).toEqual([]);
    expect(canAccess(vault, 'lab/webapp@refs/heads/main', 'kvv2/data/webapp/other')).toEqual(['create', 'read']);
  });

  test('--diff lists what a change grants and what it revokes', async () => {
    const base = JSON.parse(toJson(await buildAccessReport([fixtureStack()])));
    const current = await buildAccessReport([fixtureStack('path "kvv2/metadata/webapp/*" {\n  capabilities = ["list"]\n}\n')]);
    current.vaults[0].rows.find((r) => r.identityKind === 'kubernetes')!.grants.splice(0, 1);
    const diff = diffReports(base, current);
    expect(diff.granted).toEqual([{ vault: 'https://vault.test.example:8200', identity: 'lab/webapp@refs/heads/main', role: 'auth/gitea/role/gitea_cicd_webapp', path: 'kvv2/metadata/webapp/*', capabilities: ['list'] }]);
    expect(diff.revoked).toEqual([{ vault: 'https://vault.test.example:8200', identity: 'web/webapp', role: 'auth/kubernetes/role/webapp', path: 'kvv2/data/webapp/config', capabilities: ['read'] }]);
    expect(renderDiff(diff)).toMatch(/^1 grant\(s\) added, 1 revoked\n\+ .*kvv2\/metadata\/webapp\/\* {2}\[list\]\n- .*web\/webapp/);
  });

  test('the table and the Markdown list identity, role, policies, path and capabilities per Vault', async () => {
    const report = await buildAccessReport([fixtureStack()]);
    const table = renderTable(report).split('\n');
    expect(table[0]).toBe('Vault https://vault.test.example:8200 (stacks: main)');
    expect(table[1].split(/\s{2,}/)).toEqual(['Identity', 'Role', 'Policies', 'Path', 'Capabilities']);
    expect(table.some((l) => l.split(/\s{2,}/).join('|') === 'web/webapp|auth/kubernetes/role/webapp|webapp|kvv2/data/webapp/config|read')).toBe(true);
    const md = renderMarkdown(report);
    expect(md).toContain('| Identity | Role | Policies | Path | Capabilities |');
    expect(md).toContain('| `lab/webapp@refs/heads/main` | `auth/gitea/role/gitea_cicd_webapp` | `webapp-ops` | `kvv2/data/webapp/*` | `create, read` |');
  });
});

describe('npm run access-report', () => {
  /** The script's own entry, in-process (one synthesis each); __tests__/script-args.test.ts runs real processes. */
  const run = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const status = await accessReportMain(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), writeFile: () => undefined });
    return { status, stdout, stderr };
  };

  test('--json writes a report that --diff against itself shows as unchanged', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'access-report-test-'));
    try {
      const json = await run('--json');
      expect(json.status).toBe(0);
      const report = JSON.parse(json.stdout);
      expect(report.vaults.map((v: { vault: string }) => v.vault)).toContain(exampleConfig().environments.main.vault.address);
      fs.writeFileSync(path.join(dir, 'base.json'), json.stdout);
      const diff = await run('--diff', path.join(dir, 'base.json'));
      expect(diff.stdout.trim()).toBe('No change in access.');
      expect(diff.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
