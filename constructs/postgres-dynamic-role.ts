import { DatabaseSecretBackendRole } from '@cdktf/provider-vault/lib/database-secret-backend-role';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { invalidProp, requireLiteral, ttlOrder } from './private/errors';
import { APP_NAME_RULE, isValidAppName } from './names';
import { IPostgresConnection } from './postgres-connection';
import {
  creationStatements,
  defaultSchemaName,
  PostgresAccess,
  POSTGRES_TTL,
  quoteIdent,
  renewStatements,
  revocationStatements,
  SQL_IDENTIFIER_RULE,
} from './postgres-sql';
import { READ } from './policy/capabilities';
import { IPolicyGrantee } from './vault-policy';

/** Properties of a {@link PostgresDynamicRole}. */
export interface PostgresDynamicRoleProps {
  /** The connection to the app's PostgreSQL cluster; the role is added to its `allowed_roles`. */
  readonly connection: IPostgresConnection;
  /** The app: Vault role `<app>` (or `<app>-ro`), group role `<app>_role` (or `<app>_ro_role`). */
  readonly appName: string;
  /** Database of the app; its logins get CONNECT on it. @default - the app name */
  readonly database?: string;
  /** Schema of the app, first on the logins' search_path. @default - the app name, '-' replaced by '_' */
  readonly schema?: string;
  /** `read-only` makes the role `<app>-ro`, granting `<app>_ro_role`. @default 'read-write' */
  readonly access?: PostgresAccess;
  /** Lease TTL of a login, seconds. @default 3600 */
  readonly defaultTtl?: number;
  /** Longest a login may be renewed to, seconds. @default 86400 */
  readonly maxTtl?: number;
}

/**
 * Dynamic PostgreSQL logins for one app: `vault read <mount>/creds/<role>` creates a login valid
 * until its lease ends, member of the app's group role, whose sessions run as that group role (so the
 * app's objects belong to the group role, not to a short-lived login). Revocation ends the login's
 * sessions, hands anything it still owns to `<app>_role` and drops it; it succeeds even when the
 * login is already gone. The statements are in `postgres-sql.ts` and proven on PostgreSQL 15.
 */
export class PostgresDynamicRole extends Construct {
  /** The Vault role: `<app>`, or `<app>-ro` for read-only access. */
  public readonly roleName: string;
  /** The app the logins are for. */
  public readonly appName: string;
  /** Whether the logins may write (`read-write`) or only read (`read-only`). */
  public readonly access: PostgresAccess;
  /** The connection the role issues logins through. */
  public readonly connection: IPostgresConnection;
  /** The `vault_database_secret_backend_role` resource. */
  public readonly resource: DatabaseSecretBackendRole;

  public constructor(scope: Construct, id: string, props: PostgresDynamicRoleProps) {
    super(scope, id);
    for (const prop of ['appName', 'database', 'schema'] as const) {
      // A reference would reach the SQL unquoted: statements are quoted and escaped at synthesis.
      requireLiteral('PostgresDynamicRole', prop, props[prop], "it is quoted into the role's SQL statements");
    }
    if (!isValidAppName(props.appName)) {
      throw new Error(invalidProp('PostgresDynamicRole', 'appName', props.appName, `must be ${APP_NAME_RULE}`));
    }
    const database = props.database ?? props.appName;
    const schema = props.schema ?? defaultSchemaName(props.appName);
    for (const [prop, value] of [['database', database], ['schema', schema]] as const) {
      try {
        quoteIdent(value);
      } catch {
        throw new Error(invalidProp('PostgresDynamicRole', prop, value, `must be ${SQL_IDENTIFIER_RULE}`));
      }
    }
    const access = props.access ?? 'read-write';
    const defaultTtl = props.defaultTtl ?? POSTGRES_TTL.defaultTtl;
    const maxTtl = props.maxTtl ?? POSTGRES_TTL.maxTtl;
    checkTtl('defaultTtl', defaultTtl, POSTGRES_TTL.defaultTtlCeiling);
    checkTtl('maxTtl', maxTtl, POSTGRES_TTL.maxTtlCeiling);
    if (!Token.isUnresolved(maxTtl) && !Token.isUnresolved(defaultTtl) && maxTtl < defaultTtl) throw new Error(ttlOrder('PostgresDynamicRole', 'maxTtl', maxTtl, 'defaultTtl', defaultTtl));

    this.appName = props.appName;
    this.access = access;
    this.connection = props.connection;
    this.roleName = access === 'read-only' ? `${props.appName}-ro` : props.appName;
    this.resource = new DatabaseSecretBackendRole(this, 'Resource', {
      backend: props.connection.mount.backend,
      name: this.roleName,
      dbName: props.connection.connectionName,
      defaultTtl,
      maxTtl,
      creationStatements: creationStatements(props.appName, database, schema, access),
      revocationStatements: revocationStatements(props.appName),
      renewStatements: renewStatements(),
    });
    props.connection.allowRole(this.roleName);
  }

  /** Path a client reads to get a login: `<mount>/creds/<role>`. */
  public get credentialsPath(): string {
    return `${this.connection.mount.mountPath}/creds/${this.roleName}`;
  }

  /** `read` on `<mount>/creds/<role>`: what an app needs to get its own logins, and nothing more. */
  public grantCredentials(grantee: IPolicyGrantee): void {
    grantee.allow(this.credentialsPath, READ);
  }
}

function checkTtl(prop: string, value: number, ceiling: number): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < POSTGRES_TTL.min || value > ceiling) {
    throw new Error(invalidProp('PostgresDynamicRole', prop, value, `must be whole seconds from ${POSTGRES_TTL.min} to ${ceiling}`));
  }
}
