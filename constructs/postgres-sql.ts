import { APP_NAME_RULE, isValidAppName } from './names';

/**
 * The SQL that Vault's `postgresql-database-plugin` runs for an app, and the script a DBA runs once
 * to provision the group roles those statements rely on.
 *
 * How the plugin runs statements (and so how these are written): every statement of a list is split
 * on `;` unless it contains the keyword `END` (then it runs whole, which is how the `DO` block below
 * stays intact); all of them run in one transaction; `{{name}}`, `{{password}}` and `{{expiration}}`
 * (format `2006-01-02 15:04:05-0700`) are plain text substitutions. Identifiers are always double
 * quoted, and every name pasted into the SQL is validated first so it cannot close a quote.
 *
 * The design, in short:
 * - `<app>_role` (NOLOGIN) holds the app's privileges and owns the app's schema and objects.
 * - A Vault-issued login is NOINHERIT: on its own it may do nothing. Its session runs as the group
 *   role (`ALTER ROLE … SET role`), so every object it creates belongs to `<app>_role`, and it cannot
 *   create objects under its own name in the app's database even after `SET ROLE NONE`. That matters
 *   because Vault's connection sits in one database and `REASSIGN/DROP OWNED` only reach that one.
 * - Vault's own user has CREATEROLE and admin on the group roles, never SUPERUSER.
 */

/** TTL bounds of dynamic credentials, in seconds. */
export const POSTGRES_TTL = {
  defaultTtl: 3600,
  maxTtl: 86400,
  min: 60,
  /** A login valid longer than this is no longer short-lived. */
  defaultTtlCeiling: 86400,
  maxTtlCeiling: 7 * 86400,
} as const;

/** What a Vault role lets its logins do. */
export type PostgresAccess = 'read-write' | 'read-only';

/** SQL identifiers generated here: lowercase letters, digits, `_` and `-`, no quote can appear. */
const SAFE_IDENTIFIER = /^[a-z_][a-z0-9_\-]*$/;
/** PostgreSQL truncates identifiers beyond 63 bytes, which would silently merge names. */
const MAX_IDENTIFIER_BYTES = 63;

export const SQL_IDENTIFIER_RULE = `lowercase letters, digits, '_' or '-', starting with a letter or '_', at most ${MAX_IDENTIFIER_BYTES} characters`;

/** `"name"`, after checking the name cannot break out of the quotes or be truncated. */
export function quoteIdent(name: string): string {
  if (!SAFE_IDENTIFIER.test(name) || Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES) {
    throw new Error(`SQL identifier ${JSON.stringify(name)} is not allowed: use ${SQL_IDENTIFIER_RULE}`);
  }
  return `"${name}"`;
}

/** `'name'`, for the same safe names, where SQL needs a name as a string (catalog lookups). */
function quoteNameLiteral(name: string): string {
  quoteIdent(name);
  return `'${name}'`;
}

function checkAppName(appName: string): void {
  if (!isValidAppName(appName)) {
    throw new Error(`PostgreSQL statements: app name ${JSON.stringify(appName)} must be ${APP_NAME_RULE}`);
  }
}

/** `<app>_role`: owns the app's schema and objects and carries its read-write privileges. */
export function groupRoleName(appName: string): string {
  checkAppName(appName);
  return `${appName}_role`;
}

/** `<app>_ro_role`: read-only privileges on the app's schema. */
export function readOnlyGroupRoleName(appName: string): string {
  checkAppName(appName);
  return `${appName}_ro_role`;
}

/** The app's schema when the config names none: the app name with `-` turned into `_`. */
export function defaultSchemaName(appName: string): string {
  checkAppName(appName);
  return appName.replace(/-/g, '_');
}

export interface AppDatabaseGrant {
  readonly appName: string;
  /** Database holding the app's schema. */
  readonly database: string;
  /** Schema owned by `<app>_role`. */
  readonly schema: string;
  /** Also provision `<app>_ro_role`. */
  readonly readOnly: boolean;
}

/**
 * Granting CONNECT to a login and dropping it both rewrite the app database's row in the shared
 * catalog; two such transactions at once fail with "tuple concurrently updated". A transaction-level
 * advisory lock, taken first by creation and revocation, queues them instead (held only until commit).
 */
const GRANTS_LOCK = `pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('vault-platform: dynamic login grants'))`;

/**
 * Creation: a NOINHERIT login valid until the lease expires, member of the group role, whose
 * sessions start as the group role; Vault's user becomes a member so revocation may reassign its
 * objects and end its sessions; CONNECT on the app database is granted to the login itself (a
 * NOINHERIT role does not inherit it, and PUBLIC has none).
 */
export function creationStatements(appName: string, database: string, schema: string, access: PostgresAccess): string[] {
  const group = quoteIdent(access === 'read-only' ? readOnlyGroupRoleName(appName) : groupRoleName(appName));
  return [
    `SELECT ${GRANTS_LOCK};`,
    `CREATE ROLE "{{name}}" WITH LOGIN NOINHERIT PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
    `GRANT ${group} TO "{{name}}";`,
    `ALTER ROLE "{{name}}" SET role = ${group};`,
    `ALTER ROLE "{{name}}" SET search_path = ${quoteIdent(schema)};`,
    `GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO "{{name}}";`,
    `GRANT "{{name}}" TO CURRENT_USER;`,
  ];
}

/**
 * Revocation, one `DO` block so it can check first: a login already gone (dropped by hand, or a
 * retried revocation) is a success, not an error that would leave the lease stuck. Otherwise end
 * its sessions and wait for them (their temporary objects go with them), move whatever it owns to
 * the group role, drop its remaining privileges (including CONNECT on the app database, a shared
 * object), then drop it.
 */
export function revocationStatements(appName: string): string[] {
  const owner = quoteIdent(groupRoleName(appName));
  return [
    [
      'DO $$',
      'BEGIN',
      `  PERFORM ${GRANTS_LOCK};`,
      `  IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = '{{name}}') THEN`,
      `    PERFORM pg_catalog.pg_terminate_backend(pid, 10000) FROM pg_catalog.pg_stat_activity WHERE usename = '{{name}}' AND pid <> pg_catalog.pg_backend_pid();`,
      `    EXECUTE 'REASSIGN OWNED BY "{{name}}" TO ${owner}';`,
      `    EXECUTE 'DROP OWNED BY "{{name}}"';`,
      `    EXECUTE 'DROP ROLE IF EXISTS "{{name}}"';`,
      '  END IF;',
      'END',
      '$$;',
    ].join('\n'),
  ];
}

/** Renewal moves the password's expiry with the lease. */
export function renewStatements(): string[] {
  return [`ALTER ROLE "{{name}}" VALID UNTIL '{{expiration}}';`];
}

/** A psql script section: statements to run while connected to `database`. */
export interface SqlSection {
  readonly database: string;
  readonly statements: readonly string[];
}

export interface GroupRoleScriptProps {
  /** Database Vault's connection uses (the cluster's `database`). */
  readonly vaultDatabase: string;
  /** Vault's own login on the cluster. */
  readonly vaultUsername: string;
  readonly apps: readonly AppDatabaseGrant[];
}

function ensureRole(name: string, attributes: string): string[] {
  return [
    `DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ${quoteNameLiteral(name)}) THEN\n    CREATE ROLE ${quoteIdent(name)};\n  END IF;\nEND\n$$;`,
    `ALTER ROLE ${quoteIdent(name)} WITH ${attributes};`,
  ];
}

/**
 * The idempotent provisioning of one cluster, in sections by database. Running it again changes
 * nothing. Databases must exist beforehand (CREATE DATABASE cannot run inside the checks this script
 * needs); everything else is created if missing and set to the wanted state if present.
 */
export function groupRoleScript(props: GroupRoleScriptProps): SqlSection[] {
  const vault = quoteIdent(props.vaultUsername);
  const cluster: string[] = [
    // Vault's user: no password here (set apart, then rotated by Vault), never a superuser. It
    // inherits the roles it administers: ending a login's sessions and reassigning its objects need
    // the privileges of that login and of the group role, and admin on a role already allows
    // granting it to oneself, so inheritance widens nothing.
    ...ensureRole(props.vaultUsername, 'LOGIN INHERIT CREATEROLE NOSUPERUSER NOCREATEDB NOREPLICATION NOBYPASSRLS'),
  ];
  for (const app of props.apps) {
    const roles = [groupRoleName(app.appName), ...(app.readOnly ? [readOnlyGroupRoleName(app.appName)] : [])];
    for (const role of roles) {
      cluster.push(...ensureRole(role, 'NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS'));
      cluster.push(`GRANT ${quoteIdent(role)} TO ${vault} WITH ADMIN OPTION;`);
    }
  }
  // Revocation runs in Vault's database, and reaches objects only there: no login may leave one
  // elsewhere, and here PostgreSQL before 15 let everyone create in `public`.
  cluster.push('REVOKE CREATE ON SCHEMA public FROM PUBLIC;');
  const sections: SqlSection[] = [{ database: props.vaultDatabase, statements: cluster }];

  const byDatabase = new Map<string, AppDatabaseGrant[]>();
  for (const app of props.apps) byDatabase.set(app.database, [...(byDatabase.get(app.database) ?? []), app]);
  for (const [database, apps] of byDatabase) {
    const db = quoteIdent(database);
    const statements: string[] = [
      // Only the apps' group roles and the logins Vault grants it to may connect.
      `REVOKE ALL ON DATABASE ${db} FROM PUBLIC;`,
      `GRANT CONNECT ON DATABASE ${db} TO ${vault} WITH GRANT OPTION;`,
      // PostgreSQL before 15 let everyone create in `public`; keep it closed on upgraded servers.
      'REVOKE CREATE ON SCHEMA public FROM PUBLIC;',
    ];
    for (const app of apps) {
      const rw = quoteIdent(groupRoleName(app.appName));
      const schema = quoteIdent(app.schema);
      statements.push(
        `GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${rw};`,
        `CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${rw};`,
        `ALTER SCHEMA ${schema} OWNER TO ${rw};`,
        `REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC;`,
      );
      if (app.readOnly) {
        const ro = quoteIdent(readOnlyGroupRoleName(app.appName));
        statements.push(
          `GRANT CONNECT ON DATABASE ${db} TO ${ro};`,
          `GRANT USAGE ON SCHEMA ${schema} TO ${ro};`,
          `GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${ro};`,
          `GRANT SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${ro};`,
          `ALTER DEFAULT PRIVILEGES FOR ROLE ${rw} IN SCHEMA ${schema} GRANT SELECT ON TABLES TO ${ro};`,
          `ALTER DEFAULT PRIVILEGES FOR ROLE ${rw} IN SCHEMA ${schema} GRANT SELECT ON SEQUENCES TO ${ro};`,
        );
      }
    }
    sections.push({ database, statements });
  }
  return sections;
}

/** The script as psql runs it: `psql -v ON_ERROR_STOP=1 -f <file>`, as a superuser. */
export function renderPsqlScript(sections: readonly SqlSection[], header: readonly string[] = []): string {
  const lines = [...header.map((h) => `-- ${h}`), '\\set ON_ERROR_STOP on'];
  for (const section of sections) {
    lines.push('', `\\connect ${quoteIdent(section.database)}`, ...section.statements);
  }
  return `${lines.join('\n')}\n`;
}
