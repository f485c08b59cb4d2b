import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformStack, Testing } from 'cdktf';
import { ConfigError } from '../config/load';
import { DatabaseSecretsMount } from '../constructs/database-secrets-mount';
import { PostgresConnection } from '../constructs/postgres-connection';
import { PostgresDynamicRole } from '../constructs/postgres-dynamic-role';
import { quoteIdent } from '../constructs/postgres-sql';
import { VaultPolicy } from '../constructs/vault-policy';
import { ephemeralSecretVariable } from '../stacks/ephemeral-variable';
import { postgresGroupRoleScript } from '../stacks/postgres-group-roles';
import { synthesizeLab } from '../stacks/synth';
import { parsePolicyHcl } from './support/hcl';
import { buildTestLab, exampleConfig, exampleConfigWith, exampleStackJson, findResource, resourcesOf, synthStack, vaultTestStack } from './support/synth';

function connectionStack(): { stack: TerraformStack; connection: PostgresConnection } {
  const stack = vaultTestStack();
  const mount = new DatabaseSecretsMount(stack, 'Postgres');
  const password = ephemeralSecretVariable(stack, 'pg_password', 'test');
  const connection = new PostgresConnection(mount, 'Connection', { mount, connectionName: 'apps', host: 'pg.test.example', password: password.stringValue });
  return { stack, connection };
}

describe('the postgres database engine in the lab stacks', () => {
  test('one connection per used cluster, postgresql-database-plugin, verified, Vault credentials templated into the URL', () => {
    const json = exampleStackJson('main');
    const connections = Object.values(resourcesOf(json, 'vault_database_secret_backend_connection'));
    expect(connections.map((c) => c.name)).toEqual(['apps']);
    const [apps] = connections;
    expect(apps.plugin_name).toBe('postgresql-database-plugin');
    expect(apps.verify_connection).toBe(true);
    expect(apps.postgresql.connection_url).toBe('postgresql://{{username}}:{{password}}@pg-main.lab.example.net:5432/postgres?sslmode=verify-full');
    expect(apps.postgresql.username).toBe('vault');
    expect(apps.postgresql.password_authentication).toBe('scram-sha-256');
    expect(findResource(json, 'vault_mount', { path: 'postgres' }).type).toBe('database');
  });

  test('the sandbox connection points at the sandbox cluster, never at main', () => {
    const json = exampleStackJson('sandbox');
    const [apps] = Object.values(resourcesOf(json, 'vault_database_secret_backend_connection'));
    expect(apps.postgresql.connection_url).toContain('@pg-sandbox.lab.example.net:5432/');
    expect(JSON.stringify(json)).not.toContain('pg-main.lab.example.net');
  });

  test("Vault's password goes only through write-only password_wo, from a sensitive ephemeral variable; no password in the JSON", () => {
    const json = exampleStackJson('main');
    const [apps] = Object.values(resourcesOf(json, 'vault_database_secret_backend_connection'));
    expect(apps.postgresql.password_wo).toBe('${var.postgres_apps_vault_password}');
    expect(apps.postgresql.password_wo_version).toBe(1);
    expect(apps.postgresql).not.toHaveProperty('password');
    expect(json.variable?.postgres_apps_vault_password).toMatchObject({ sensitive: true, ephemeral: true, type: 'string' });
  });

  test('bumping vaultPasswordVersion in the config bumps password_wo_version', () => {
    const config = exampleConfigWith((c) => {
      c.environments.main.postgres.clusters.apps.vaultPasswordVersion = 3;
    });
    const json = synthStack(buildTestLab(config).stacks.main);
    expect(findResource(json, 'vault_database_secret_backend_connection', { name: 'apps' }).postgresql.password_wo_version).toBe(3);
  });

  test('allowed_roles are exactly the Vault roles of the apps on that cluster', () => {
    const config = exampleConfigWith((c) => {
      for (const env of ['main', 'sandbox']) c.environments[env].postgres.clusters.analytics = { host: `pg-analytics.${env}.example.net` };
      c.apps.push({ name: 'reports', namespace: 'reports', repository: 'lab/reports', delivery: 'vso', postgres: { cluster: 'analytics', readOnly: true } });
    });
    const json = synthStack(buildTestLab(config).stacks.main);
    expect(findResource(json, 'vault_database_secret_backend_connection', { name: 'apps' }).allowed_roles).toEqual(['billing-worker', 'webapp', 'webapp-ro']);
    expect(findResource(json, 'vault_database_secret_backend_connection', { name: 'analytics' }).allowed_roles).toEqual(['reports', 'reports-ro']);
    expect(findResource(json, 'vault_database_secret_backend_role', { name: 'reports' }).db_name).toBe('analytics');
  });

  test('no app with postgres: no database mount, no connection, no password variable', () => {
    const config = exampleConfigWith((c) => {
      for (const app of c.apps) delete app.postgres;
      // A consumer being copied to main has a token variable of its own (infra-migration.test.ts).
      for (const consumer of c.environments.qnap.bootstrap.consumers) delete consumer.migration;
      // So has people's login, its OIDC client secret (operator-access.test.ts).
      delete c.environments.main.operators;
    });
    const json = synthStack(buildTestLab(config).stacks.main);
    expect(Object.values(resourcesOf(json, 'vault_mount')).map((m) => m.type)).not.toContain('database');
    expect(json.variable ?? {}).toEqual({});
  });

  test('TTLs: defaults 1h / 24h, or the values of the config', () => {
    const json = exampleStackJson('main');
    const webapp = findResource(json, 'vault_database_secret_backend_role', { name: 'webapp' });
    expect([webapp.default_ttl, webapp.max_ttl]).toEqual([3600, 86400]);
    const billing = findResource(json, 'vault_database_secret_backend_role', { name: 'billing-worker' });
    expect([billing.default_ttl, billing.max_ttl]).toEqual([900, 28800]);
  });

  test('the read-only variant exists only for apps that ask for it, and grants the read-only group role', () => {
    const json = exampleStackJson('main');
    const names = Object.values(resourcesOf(json, 'vault_database_secret_backend_role')).map((r) => r.name).sort();
    expect(names).toEqual(['billing-worker', 'webapp', 'webapp-ro']);
    const ro = findResource(json, 'vault_database_secret_backend_role', { name: 'webapp-ro' });
    expect(ro.creation_statements).toContain('GRANT "webapp_ro_role" TO "{{name}}";');
    expect(ro.creation_statements.join('\n')).not.toMatch(/"webapp_role"/);
  });

  test("the app's runtime policy reads its own credentials only; its CI (ops) policy gets none", async () => {
    const json = exampleStackJson('main');
    const runtime = await parsePolicyHcl(findResource(json, 'vault_policy', { name: 'webapp' }).policy);
    const postgresPaths = Object.entries(runtime).filter(([p]) => p.startsWith('postgres/'));
    expect(postgresPaths).toEqual([
      ['postgres/creds/webapp', ['read']],
      ['postgres/creds/webapp-ro', ['read']],
    ]);
    const billing = await parsePolicyHcl(findResource(json, 'vault_policy', { name: 'billing-worker' }).policy);
    expect(Object.keys(billing).filter((p) => p.startsWith('postgres/'))).toEqual(['postgres/creds/billing-worker']);
    for (const ops of ['webapp-ops', 'billing-worker-ops']) {
      const policy = await parsePolicyHcl(findResource(json, 'vault_policy', { name: ops }).policy);
      expect(Object.keys(policy).filter((p) => p.startsWith('postgres'))).toEqual([]);
    }
    const notifier = await parsePolicyHcl(findResource(json, 'vault_policy', { name: 'notifier' }).policy);
    expect(Object.keys(notifier).filter((p) => p.startsWith('postgres'))).toEqual([]);
  });

  test('every identifier in the statements is double-quoted', () => {
    const json = exampleStackJson('main');
    const role = findResource(json, 'vault_database_secret_backend_role', { name: 'billing-worker' });
    const all = [...role.creation_statements, ...role.revocation_statements, ...role.renew_statements].join('\n');
    // Every role name and every database/schema name appears inside double quotes.
    expect(all).not.toMatch(/(?<!")billing-worker_role(?!")/);
    expect(all).not.toMatch(/(?<!")\{\{name\}\}(?!")(?!')/);
    expect(all).toContain('GRANT CONNECT ON DATABASE "billing" TO "{{name}}";');
    expect(all).toContain('SET search_path = "billing"');
  });
});

describe('group roles through the postgresql provider (manageGroupRoles)', () => {
  const managed = () =>
    synthStack(
      buildTestLab(
        exampleConfigWith((c) => {
          c.environments.main.postgres.clusters.apps.manageGroupRoles = true;
        }),
      ).stacks.main,
    );

  test('off by default: no postgresql provider or resource in any stack', () => {
    for (const name of ['main', 'sandbox'] as const) {
      const json = exampleStackJson(name);
      expect(json.provider?.postgresql).toBeUndefined();
      expect(Object.keys(json.resource ?? {}).filter((t) => t.startsWith('postgresql_'))).toEqual([]);
    }
  });

  test("when on: a provider per cluster aliased by its name, on the environment's host, credentials left to PGUSER/PGPASSWORD", () => {
    const json = managed();
    expect(json.provider?.postgresql).toEqual([
      { alias: 'apps', host: 'pg-main.lab.example.net', port: 5432, database: 'postgres', sslmode: 'verify-full', superuser: false },
    ]);
  });

  test('when on: NOLOGIN group roles that never drop owned data, administered by Vault, owning their schemas', () => {
    const json = managed();
    const roles = Object.values(resourcesOf(json, 'postgresql_role'));
    expect(roles.map((r) => r.name).sort()).toEqual(['billing-worker_role', 'webapp_ro_role', 'webapp_role']);
    for (const role of roles) {
      expect(role).toMatchObject({ login: false, skip_reassign_owned: true, provider: 'postgresql.apps' });
      expect(role).not.toHaveProperty('password');
    }
    const admin = Object.values(resourcesOf(json, 'postgresql_grant_role'));
    expect(admin).toHaveLength(3);
    for (const grant of admin) expect(grant).toMatchObject({ role: 'vault', with_admin_option: true });
    const schema = findResource(json, 'postgresql_schema', { name: 'billing' });
    expect(schema.owner).toMatch(/^\$\{postgresql_role\.PostgresAdmin_apps_GroupRoles_Apps_billing-worker_Role_[0-9A-F]+\.name\}$/);
    expect(findResource(json, 'postgresql_grant', { database: 'webapp', role: 'public' }).privileges).toEqual([]);
  });
});

describe('PostgresDynamicRole', () => {
  test('grantCredentials grants read on <mount>/creds/<role> to the given policy and nothing else', async () => {
    const { stack, connection } = connectionStack();
    const role = new PostgresDynamicRole(stack, 'Role', { connection, appName: 'webapp' });
    const policy = new VaultPolicy(stack, 'Policy', { policyName: 'webapp' });
    role.grantCredentials(policy);
    const json = synthStack(stack);
    expect(await parsePolicyHcl(findResource(json, 'vault_policy', { name: 'webapp' }).policy)).toEqual({ 'postgres/creds/webapp': ['read'] });
    expect(findResource(json, 'vault_database_secret_backend_connection', { name: 'apps' }).allowed_roles).toEqual(['webapp']);
  });

  describe('fails when props are invalid', () => {
    test('fails when the app name could break out of a quoted identifier', () => {
      const { stack, connection } = connectionStack();
      expect(() => new PostgresDynamicRole(stack, 'Role', { connection, appName: 'web"; DROP ROLE vault; --' })).toThrow(/'appName' \("web\\"; DROP ROLE vault; --"\) must be lowercase letters/);
    });

    test('fails when the database name contains a quote', () => {
      const { stack, connection } = connectionStack();
      expect(() => new PostgresDynamicRole(stack, 'Role', { connection, appName: 'webapp', database: 'web"app' })).toThrow(/'database' \("web\\"app"\) must be lowercase letters/);
    });

    test('fails when maxTtl is below defaultTtl', () => {
      const { stack, connection } = connectionStack();
      expect(() => new PostgresDynamicRole(stack, 'Role', { connection, appName: 'webapp', defaultTtl: 7200, maxTtl: 3600 })).toThrow(/'maxTtl' \(3600\) must be >= 'defaultTtl' \(7200\)/);
    });

    test('fails when defaultTtl is above its ceiling', () => {
      const { stack, connection } = connectionStack();
      expect(() => new PostgresDynamicRole(stack, 'Role', { connection, appName: 'webapp', defaultTtl: 3 * 86400, maxTtl: 3 * 86400 })).toThrow(/'defaultTtl' \(259200\) must be whole seconds from 60 to 86400/);
    });

    test('fails when the connection password is a literal instead of a variable reference', () => {
      const stack = vaultTestStack();
      const mount = new DatabaseSecretsMount(stack, 'Postgres');
      expect(() => new PostgresConnection(mount, 'Connection', { mount, connectionName: 'apps', host: 'pg.test.example', password: 'hunter2' })).toThrow(/'password' \("<redacted>"\) must be a reference to a sensitive ephemeral Terraform variable/);
    });
  });
});

describe('ephemeralSecretVariable', () => {
  test('declares a sensitive, ephemeral, nullable string variable that defaults to null', () => {
    const stack = new TerraformStack(Testing.app(), 'vars');
    ephemeralSecretVariable(stack, 'db_password', 'a password');
    const json = JSON.parse(Testing.synth(stack));
    expect(json.variable.db_password).toEqual({ type: 'string', description: 'a password', sensitive: true, ephemeral: true, nullable: true, default: null });
  });
});

describe('postgres config', () => {
  const rejected = (change: (raw: any) => void): ConfigError => {
    try {
      exampleConfigWith(change);
    } catch (e) {
      if (e instanceof ConfigError) return e;
      throw e;
    }
    throw new Error('expected the config to be rejected');
  };

  test('fails when maxTtl is below defaultTtl, naming the field', () => {
    const error = rejected((c) => {
      c.apps[0].postgres.defaultTtl = 7200;
      c.apps[0].postgres.maxTtl = 3600;
    });
    expect(error.message).toMatch(/apps\[0\]\.postgres\.maxTtl = 3600: maxTtl \(3600\) must be >= defaultTtl \(7200\)/);
  });

  test('fails when maxTtl is above the ceiling of 7 days', () => {
    const error = rejected((c) => {
      c.apps[0].postgres.maxTtl = 30 * 86400;
    });
    expect(error.message).toMatch(/apps\[0\]\.postgres\.maxTtl = 2592000: maxTtl must be at most 604800 seconds/);
  });

  test('fails when a schema name could break out of its quotes', () => {
    const error = rejected((c) => {
      c.apps[0].postgres.schema = 'app"; DROP SCHEMA public; --';
    });
    expect(error.message).toMatch(/apps\[0\]\.postgres\.schema = .*must be lowercase letters/);
  });
});

describe('the group-role script (text)', () => {
  test('targets the cluster database first, then each app database; sets no password and grants no SUPERUSER', () => {
    const script = postgresGroupRoleScript(exampleConfig(), 'sandbox', 'apps');
    expect(script).toContain('pg-sandbox.lab.example.net');
    expect(script.match(/^\\connect .*$/gm)).toEqual(['\\connect "postgres"', '\\connect "webapp"', '\\connect "billing"']);
    expect(script).not.toMatch(/\bPASSWORD\b/);
    expect([...new Set(script.match(/\b\w*SUPERUSER\b/g))]).toEqual(['NOSUPERUSER']);
  });

  test('synthesis writes one script per environment and used cluster to <outdir>/sql/<env>/<cluster>.sql', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-sql-'));
    try {
      synthesizeLab(path.join(dir, 'out'), path.join(__dirname, '..', 'config', 'lab.yaml'));
      const files = fs.readdirSync(path.join(dir, 'out', 'sql'), { recursive: true }).map(String).sort();
      expect(files).toEqual(['main', path.join('main', 'apps.sql'), 'sandbox', path.join('sandbox', 'apps.sql')]);
      expect(fs.readFileSync(path.join(dir, 'out', 'sql', 'sandbox', 'apps.sql'), 'utf8')).toContain('pg-sandbox.lab.example.net');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fails when the cluster is not in the environment', () => {
    expect(() => postgresGroupRoleScript(exampleConfig(), 'main', 'nope')).toThrow(/no PostgreSQL cluster 'nope' in environments\.main\.postgres\.clusters \(known: apps\)/);
  });
});

describe('quoteIdent', () => {
  test('double-quotes a safe name', () => {
    expect(quoteIdent('billing-worker_role')).toBe('"billing-worker_role"');
  });

  test.each([['a"b'], ["a'b"], ['A'], ['a b'], ['x'.repeat(64)], ['']])('fails when the name is %j', (name) => {
    expect(() => quoteIdent(name)).toThrow(/SQL identifier .* is not allowed: use lowercase letters/);
  });
});
