import { randomBytes } from 'crypto';
import { Client } from 'pg';
import { LabConfig } from '../config/schema';
import { postgresGroupRoleScript } from '../stacks/postgres-group-roles';
import { postgresAvailable, startPostgres, ThrowawayPostgres } from './support/postgres';
import { buildTestLab, exampleConfigWith, findResource, synthStack } from './support/synth';
import { runLikeVault, scramSha256Verifier, vaultExpiration, vaultPassword, vaultUserName } from './support/vault-plugin';

/**
 * The statements Vault runs, taken from the synthesized Terraform JSON of the main stack, executed
 * the way the postgresql-database-plugin executes them, on a PostgreSQL 15 this file starts itself.
 *
 * The lab: the example config plus an app `ledger` that shares webapp's database in its own schema,
 * so isolation is checked both across databases (billing) and across schemas (ledger).
 */

interface RoleStatements {
  creation: string[];
  revocation: string[];
  renew: string[];
}

const HOUR = 3600 * 1000;

function labConfig(): LabConfig {
  return exampleConfigWith((c) => {
    c.apps.push({ name: 'ledger', namespace: 'ledger', repository: 'lab/ledger', delivery: 'vso', postgres: { cluster: 'apps', database: 'webapp', schema: 'ledger' } });
  });
}

function statementsFromSynth(config: LabConfig): Record<string, RoleStatements> {
  const json = synthStack(buildTestLab(config).stacks.main);
  const result: Record<string, RoleStatements> = {};
  for (const name of ['webapp', 'webapp-ro', 'billing-worker', 'ledger']) {
    const role = findResource(json, 'vault_database_secret_backend_role', { name });
    result[name] = { creation: role.creation_statements, revocation: role.revocation_statements, renew: role.renew_statements };
  }
  return result;
}

const describePg = postgresAvailable() ? describe : describe.skip;
if (!postgresAvailable()) {
  // eslint-disable-next-line no-console
  console.warn('PostgreSQL 15 binaries not found under /usr/lib/postgresql/15/bin (set POSTGRES_BIN): real PostgreSQL tests skipped');
}

describePg('dynamic PostgreSQL credentials on a real PostgreSQL 15', () => {
  const config = labConfig();
  let pg: ThrowawayPostgres;
  let statements: Record<string, RoleStatements>;
  let vaultPasswordValue: string;
  let script: string;

  /** A connection as Vault's own restricted login, to the cluster's management database. */
  const asVault = () => pg.login('vault', vaultPasswordValue, 'postgres');

  /** `vault read postgres/creds/<role>`: a new login, as the plugin would create it. */
  async function issue(vault: Client, role: string, displayName = `kubernetes-${role}-${role}`): Promise<{ name: string; password: string }> {
    const name = vaultUserName(displayName, role);
    const password = vaultPassword();
    await runLikeVault(vault, statements[role].creation, { name, username: name, password: scramSha256Verifier(password), expiration: vaultExpiration(new Date(Date.now() + HOUR)) });
    return { name, password };
  }

  async function revoke(vault: Client, role: string, name: string): Promise<void> {
    await runLikeVault(vault, statements[role].revocation, { name, username: name });
  }

  async function scalar<T>(client: Client, sql: string, params: unknown[] = []): Promise<T> {
    const { rows } = await client.query(sql, params);
    return Object.values(rows[0])[0] as T;
  }

  beforeAll(async () => {
    statements = statementsFromSynth(config);
    script = postgresGroupRoleScript(config, 'main', 'apps');
    pg = await startPostgres();
    const su = await pg.superuser();
    await su.query('CREATE DATABASE "webapp"');
    await su.query('CREATE DATABASE "billing"');
    // A server upgraded from PostgreSQL 14, where everyone may still create in `public`.
    for (const db of ['postgres', 'webapp', 'billing']) {
      const client = await pg.superuser(db);
      await client.query('GRANT CREATE ON SCHEMA public TO PUBLIC');
      await client.end();
    }
    pg.psql(script);
    // What the operator does once: give Vault's login a password (then handed to Terraform).
    vaultPasswordValue = randomBytes(18).toString('base64url');
    await su.query(`ALTER ROLE "vault" PASSWORD '${vaultPasswordValue}'`);
    // Data of the other apps, owned by their group roles as their own logins would leave it.
    const billing = await pg.superuser('billing');
    await billing.query('SET ROLE "billing-worker_role"; CREATE TABLE billing.invoices (id int); INSERT INTO billing.invoices VALUES (1), (2), (3)');
    const webapp = await pg.superuser('webapp');
    await webapp.query("SET ROLE ledger_role; CREATE TABLE ledger.entries (amount int); INSERT INTO ledger.entries VALUES (10), (20)");
    await Promise.all([su.end(), billing.end(), webapp.end()]);
  }, 60000);

  afterAll(async () => {
    await pg?.stop();
  });

  test("Vault's login is restricted: no superuser, CREATEROLE, admin on exactly the apps' group roles", async () => {
    const su = await pg.superuser();
    const vault = (await su.query("SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = 'vault'")).rows[0];
    expect(vault).toEqual({ rolsuper: false, rolcreaterole: true, rolcreatedb: false, rolbypassrls: false });
    const administered = await su.query(
      "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles v ON v.oid = m.member WHERE v.rolname = 'vault' AND m.admin_option ORDER BY 1",
    );
    expect(administered.rows.map((r) => r.rolname)).toEqual(['billing-worker_role', 'ledger_role', 'webapp_ro_role', 'webapp_role']);
    await su.end();
  });

  describe('one login through its whole life', () => {
    let vault: Client;
    let login: { name: string; password: string };
    let session: Client;

    beforeAll(async () => {
      vault = await asVault();
    });
    afterAll(async () => {
      await vault?.end();
    });

    test('creation (as Vault) gives a login that signs in over TCP with its password, valid until the lease ends', async () => {
      const expiry = new Date(Date.now() + HOUR);
      // A CI token's display name: dots and dashes in the name, upper and lower case in the random part.
      const name = vaultUserName('oidc.ci-runner', 'webapp');
      expect(name).toMatch(/^v-oidc\.ci--webapp-[A-Za-z0-9]{20}-\d+$/);
      login = { name, password: vaultPassword() };
      await runLikeVault(vault, statements.webapp.creation, { name, username: name, password: scramSha256Verifier(login.password), expiration: vaultExpiration(expiry) });
      session = await pg.login(login.name, login.password, 'webapp');
      expect(await scalar(session, 'SELECT session_user')).toBe(login.name);
      const validUntil = await scalar<Date>(vault, 'SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1', [login.name]);
      expect(Math.abs(validUntil.getTime() - expiry.getTime())).toBeLessThan(1000);
    });

    test('the server holds only the SCRAM verifier Vault computed, never the clear-text password', async () => {
      const su = await pg.superuser();
      const stored = await scalar<string>(su, 'SELECT rolpassword FROM pg_authid WHERE rolname = $1', [login.name]);
      expect(stored).toMatch(/^SCRAM-SHA-256\$4096:/);
      expect(stored).not.toContain(login.password);
      await su.end();
    });

    test('a table the login creates belongs to webapp_role, not to the short-lived login', async () => {
      await session.query('CREATE TABLE items (id serial PRIMARY KEY, label text)');
      await session.query("INSERT INTO items (label) VALUES ('kept after revocation')");
      const owner = await scalar(session, "SELECT tableowner FROM pg_tables WHERE schemaname = 'webapp' AND tablename = 'items'");
      expect(owner).toBe('webapp_role');
    });

    test("the login cannot read or write another app's schema, nor take its role, nor enter its database", async () => {
      await expect(session.query('SELECT * FROM ledger.entries')).rejects.toThrow(/permission denied for schema ledger/);
      await expect(session.query('CREATE TABLE ledger.stolen (id int)')).rejects.toThrow(/permission denied for schema ledger/);
      await expect(session.query('SET ROLE ledger_role')).rejects.toThrow(/permission denied to set role/);
      await expect(pg.login(login.name, login.password, 'billing')).rejects.toThrow(/permission denied for database "billing"/);
    });

    test('without its group role (SET ROLE NONE) the login can create nothing in the app database', async () => {
      const bare = await pg.login(login.name, login.password, 'webapp');
      await bare.query('SET ROLE NONE');
      await expect(bare.query('CREATE TABLE webapp.mine (id int)')).rejects.toThrow(/permission denied for schema webapp/);
      await expect(bare.query('CREATE TABLE public.mine (id int)')).rejects.toThrow(/permission denied for schema public/);
      await bare.end();
    });

    test('renewal moves VALID UNTIL to the new expiration', async () => {
      const renewed = new Date(Date.now() + 5 * HOUR);
      await runLikeVault(vault, statements.webapp.renew, { name: login.name, username: login.name, expiration: vaultExpiration(renewed) });
      const validUntil = await scalar<Date>(vault, 'SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1', [login.name]);
      expect(Math.abs(validUntil.getTime() - renewed.getTime())).toBeLessThan(1000);
    });

    test('revocation succeeds while the login has open sessions and owns objects: login gone, objects moved to webapp_role, other data intact', async () => {
      // An object the login owns itself, in the database Vault's connection uses: on a server where
      // PUBLIC may still create in `public` (upgraded from PostgreSQL 14), and a temporary table.
      const su = await pg.superuser();
      await su.query('GRANT CREATE ON SCHEMA public TO PUBLIC');
      const own = await pg.login(login.name, login.password, 'postgres');
      await own.query('SET ROLE NONE');
      await own.query('CREATE TABLE public.left_behind (id int)');
      await own.query('CREATE TEMPORARY TABLE scratch (id int)');
      expect(await scalar(su, "SELECT tableowner FROM pg_tables WHERE tablename = 'left_behind'")).toBe(login.name);

      await revoke(vault, 'webapp', login.name);

      expect(await scalar(su, 'SELECT count(*)::int FROM pg_roles WHERE rolname = $1', [login.name])).toBe(0);
      expect(await scalar(su, 'SELECT count(*)::int FROM pg_stat_activity WHERE usename = $1', [login.name])).toBe(0);
      expect(await scalar(su, "SELECT tableowner FROM pg_tables WHERE tablename = 'left_behind'")).toBe('webapp_role');
      await expect(session.query('SELECT 1')).rejects.toThrow();
      const webappDb = await pg.superuser('webapp');
      expect(await scalar(webappDb, 'SELECT count(*)::int FROM webapp.items')).toBe(1);
      expect(await scalar(webappDb, 'SELECT sum(amount)::int FROM ledger.entries')).toBe(30);
      const billingDb = await pg.superuser('billing');
      expect(await scalar(billingDb, 'SELECT count(*)::int FROM billing.invoices')).toBe(3);
      await su.query('DROP TABLE public.left_behind; REVOKE CREATE ON SCHEMA public FROM PUBLIC');
      await Promise.all([su.end(), webappDb.end(), billingDb.end()]);
    });

    test('revoking a login that is already gone succeeds (a retried or manual revocation never sticks)', async () => {
      await expect(revoke(vault, 'webapp', login.name)).resolves.toBeUndefined();
    });
  });

  test('a read-only login (webapp-ro) reads the tables of webapp_role but cannot write or create', async () => {
    const vault = await asVault();
    const writer = await issue(vault, 'webapp');
    const rw = await pg.login(writer.name, writer.password, 'webapp');
    await rw.query('CREATE TABLE reports (n int); INSERT INTO reports VALUES (42)');
    const reader = await issue(vault, 'webapp-ro');
    const ro = await pg.login(reader.name, reader.password, 'webapp');
    expect(await scalar(ro, 'SELECT n FROM reports')).toBe(42);
    await expect(ro.query('INSERT INTO reports VALUES (1)')).rejects.toThrow(/permission denied for table reports/);
    await expect(ro.query('CREATE TABLE sneaky (n int)')).rejects.toThrow(/permission denied for schema webapp/);
    await revoke(vault, 'webapp-ro', reader.name);
    await revoke(vault, 'webapp', writer.name);
    await vault.end();
  });

  test('50+ create → login → revoke cycles, several at once, leave no login, session or dependency behind', async () => {
    const roles = ['webapp', 'webapp-ro', 'billing-worker', 'ledger'];
    const databases: Record<string, string> = { webapp: 'webapp', 'webapp-ro': 'webapp', 'billing-worker': 'billing', ledger: 'webapp' };
    const displayNames = ['kubernetes-webapp-webapp', 'oidc.ci-runner', 'token', 'userpass-Admin.Ops', 'approle.Batch-7'];
    const workers = 5;
    const cyclesPerWorker = 12;
    // allSettled: a failing worker must not leave the others running into the next test.
    const results = await Promise.allSettled(
      Array.from({ length: workers }, async (_, w) => {
        // Each worker has its own connection as Vault, so creations and revocations really overlap.
        const vault = await asVault();
        for (let i = 0; i < cyclesPerWorker; i++) {
          const role = roles[(w + i) % roles.length];
          const { name, password } = await issue(vault, role, displayNames[(w * cyclesPerWorker + i) % displayNames.length]);
          const app = await pg.login(name, password, databases[role]);
          if (role === 'webapp-ro') {
            await app.query('SELECT count(*) FROM pg_tables');
          } else {
            await app.query(`CREATE TEMPORARY TABLE t (id int); CREATE TABLE IF NOT EXISTS cycle_${w} (i int); INSERT INTO cycle_${w} VALUES (${i})`);
          }
          // Revoke while the session is still open, as an expiring lease would.
          await revoke(vault, role, name);
          await app.end().catch(() => undefined);
        }
        await vault.end();
      }),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const su = await pg.superuser();
    expect(await scalar(su, "SELECT count(*)::int FROM pg_roles WHERE rolname LIKE 'v-%'")).toBe(0);
    expect(await scalar(su, "SELECT count(*)::int FROM pg_stat_activity WHERE usename LIKE 'v-%'")).toBe(0);
    // No shared dependency (ownership, ACL entry) points to a role that no longer exists.
    expect(await scalar(su, 'SELECT count(*)::int FROM pg_shdepend d WHERE d.refclassid = \'pg_authid\'::regclass AND NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.oid = d.refobjid)')).toBe(0);
    await su.end();
  }, 60000);

  describe('the group-role script', () => {
    async function catalogState(): Promise<unknown> {
      const su = await pg.superuser();
      const webapp = await pg.superuser('webapp');
      const state = {
        roles: (await su.query("SELECT rolname, rolcanlogin, rolinherit, rolsuper, rolcreaterole FROM pg_roles WHERE rolname NOT LIKE 'pg\\_%' ORDER BY 1")).rows,
        members: (await su.query('SELECT r.rolname AS role, m.rolname AS member, a.admin_option FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member ORDER BY 1, 2')).rows,
        databases: (await su.query("SELECT datname, datacl::text FROM pg_database WHERE datname IN ('webapp', 'billing') ORDER BY 1")).rows,
        schemas: (await webapp.query("SELECT nspname, nspowner::regrole::text AS owner, nspacl::text FROM pg_namespace WHERE nspname IN ('webapp', 'ledger', 'public') ORDER BY 1")).rows,
        defaults: (await webapp.query('SELECT defaclrole::regrole::text, defaclnamespace::regnamespace::text, defaclobjtype, defaclacl::text FROM pg_default_acl ORDER BY 1, 2, 3')).rows,
      };
      await Promise.all([su.end(), webapp.end()]);
      return state;
    }

    test('running it again changes nothing (idempotent)', async () => {
      const before = await catalogState();
      pg.psql(script);
      pg.psql(script);
      expect(await catalogState()).toEqual(before);
    });

    test('grants: each group role reaches its own database and schema only; no one else may connect', async () => {
      const su = await pg.superuser();
      const privilege = (sql: string, ...params: string[]) => scalar<boolean>(su, sql, params);
      const db = 'SELECT has_database_privilege($1, $2, $3)';
      expect(await privilege(db, 'webapp_role', 'webapp', 'CONNECT')).toBe(true);
      expect(await privilege(db, 'billing-worker_role', 'billing', 'CONNECT')).toBe(true);
      expect(await privilege(db, 'billing-worker_role', 'webapp', 'CONNECT')).toBe(false);
      expect(await privilege(db, 'webapp_role', 'billing', 'CONNECT')).toBe(false);
      expect(await privilege(db, 'public', 'webapp', 'CONNECT')).toBe(false);
      // In Vault's database (where revocation runs) no one but owners may create in `public`.
      expect(await privilege('SELECT has_schema_privilege($1, $2, $3)', 'public', 'public', 'CREATE')).toBe(false);
      expect((await su.query("SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE '%\\_role' ORDER BY 1")).rows).toEqual([
        { rolname: 'billing-worker_role', rolcanlogin: false },
        { rolname: 'ledger_role', rolcanlogin: false },
        { rolname: 'webapp_ro_role', rolcanlogin: false },
        { rolname: 'webapp_role', rolcanlogin: false },
      ]);
      await su.end();
      const webapp = await pg.superuser('webapp');
      const schema = 'SELECT has_schema_privilege($1, $2, $3)';
      expect(await scalar(webapp, "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'webapp'")).toBe('webapp_role');
      expect(await scalar(webapp, "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'ledger'")).toBe('ledger_role');
      expect(await scalar(webapp, schema, ['webapp_ro_role', 'webapp', 'USAGE'])).toBe(true);
      expect(await scalar(webapp, schema, ['webapp_ro_role', 'webapp', 'CREATE'])).toBe(false);
      expect(await scalar(webapp, schema, ['ledger_role', 'webapp', 'USAGE'])).toBe(false);
      expect(await scalar(webapp, schema, ['webapp_role', 'ledger', 'USAGE'])).toBe(false);
      expect(await scalar(webapp, schema, ['webapp_role', 'public', 'CREATE'])).toBe(false);
      await webapp.end();
    });
  });
});
