import { DatabaseSecretBackendConnection } from '@cdktf/provider-vault/lib/database-secret-backend-connection';
import { Lazy, Token } from 'cdktf';
import { Construct } from 'constructs';
import { IDatabaseSecretsMount } from './database-secrets-mount';
import { invalidProp, requireLiteral } from './private/errors';
import { DNS1123_LABEL_RULE, isDns1123Label } from './names';
import { quoteIdent, SQL_IDENTIFIER_RULE } from './postgres-sql';

/** A connection of a database engine to one PostgreSQL server, as roles see it. */
export interface IPostgresConnection {
  /** The database engine the connection belongs to. */
  readonly mount: IDatabaseSecretsMount;
  /** Name of the connection (`<mount>/config/<name>`), the `db_name` of its roles. */
  readonly connectionName: string;
  /** Lets the Vault role `roleName` issue logins through this connection. */
  allowRole(roleName: string): void;
}

/** How Vault's connection to PostgreSQL uses TLS (libpq's `sslmode`). */
export type PostgresSslMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

/** Properties of a {@link PostgresConnection}. */
export interface PostgresConnectionProps {
  /** The database engine the connection is configured in. */
  readonly mount: IDatabaseSecretsMount;
  /** Connection name, by convention the cluster name of the config. */
  readonly connectionName: string;
  /** Host name or IP address of the server. */
  readonly host: string;
  /** Port of the server. @default 5432 */
  readonly port?: number;
  /** Database Vault connects to; revocation statements run there. @default 'postgres' */
  readonly database?: string;
  /** Vault's own login (CREATEROLE, admin on the app group roles; never a superuser). @default 'vault' */
  readonly username?: string;
  /** TLS mode of Vault's connection. @default 'verify-full' */
  readonly sslMode?: PostgresSslMode;
  /**
   * Vault's password, sent through the write-only `password_wo`: never stored in Terraform state.
   * Pass a reference to a sensitive, ephemeral variable, never a literal.
   */
  readonly password: string;
  /** Bump to send `password` again; unchanged, Terraform does not send it. @default 1 */
  readonly passwordVersion?: number;
}

/**
 * A `postgresql-database-plugin` connection. Vault's credentials are templated into the URL
 * (`{{username}}`/`{{password}}`) so they never appear in it; the connection is verified when written;
 * only the roles given to `allowRole` may use it; logins' passwords reach PostgreSQL as SCRAM
 * verifiers only.
 */
export class PostgresConnection extends Construct implements IPostgresConnection {
  /** The database engine the connection belongs to. */
  public readonly mount: IDatabaseSecretsMount;
  public readonly connectionName: string;
  /** The `vault_database_secret_backend_connection` resource. */
  public readonly resource: DatabaseSecretBackendConnection;
  private readonly allowed = new Set<string>();

  public constructor(scope: Construct, id: string, props: PostgresConnectionProps) {
    super(scope, id);
    requireLiteral('PostgresConnection', 'connectionName', props.connectionName);
    if (!isDns1123Label(props.connectionName)) {
      throw new Error(invalidProp('PostgresConnection', 'connectionName', props.connectionName, `must be ${DNS1123_LABEL_RULE}`));
    }
    if (!Token.isUnresolved(props.host) && !/^[A-Za-z0-9.\-]+$/.test(props.host)) {
      throw new Error(invalidProp('PostgresConnection', 'host', props.host, 'must be a host name or IP address'));
    }
    const port = props.port ?? 5432;
    if (!Token.isUnresolved(port) && (!Number.isInteger(port) || port < 1 || port > 65535)) {
      throw new Error(invalidProp('PostgresConnection', 'port', port, 'must be a whole number from 1 to 65535'));
    }
    const database = props.database ?? 'postgres';
    const username = props.username ?? 'vault';
    for (const [prop, value] of [['database', database], ['username', username]] as const) {
      if (Token.isUnresolved(value)) continue;
      try {
        quoteIdent(value);
      } catch {
        throw new Error(invalidProp('PostgresConnection', prop, value, `must be ${SQL_IDENTIFIER_RULE}`));
      }
    }
    if (!Token.isUnresolved(props.password)) {
      throw new Error(invalidProp('PostgresConnection', 'password', '<redacted>', 'must be a reference to a sensitive ephemeral Terraform variable, never a literal'));
    }
    const passwordVersion = props.passwordVersion ?? 1;
    if (!Token.isUnresolved(passwordVersion) && (!Number.isInteger(passwordVersion) || passwordVersion < 1)) {
      throw new Error(invalidProp('PostgresConnection', 'passwordVersion', passwordVersion, 'must be a whole number >= 1'));
    }

    this.mount = props.mount;
    this.connectionName = props.connectionName;
    this.resource = new DatabaseSecretBackendConnection(this, 'Resource', {
      backend: props.mount.backend,
      name: props.connectionName,
      pluginName: 'postgresql-database-plugin',
      verifyConnection: true,
      allowedRoles: Lazy.listValue({ produce: () => [...this.allowed].sort() }),
      postgresql: {
        connectionUrl: `postgresql://{{username}}:{{password}}@${props.host}:${port}/${database}?sslmode=${props.sslMode ?? 'verify-full'}`,
        username,
        passwordWo: props.password,
        passwordWoVersion: passwordVersion,
        // Vault hashes each login's password before it goes into CREATE ROLE, so the clear text never
        // reaches PostgreSQL's logs or pg_stat_activity.
        passwordAuthentication: 'scram-sha-256',
      },
    });
  }

  public allowRole(roleName: string): void {
    this.allowed.add(roleName);
  }

  /** The Vault roles allowed so far (a copy). */
  public get allowedRoles(): string[] {
    return [...this.allowed].sort();
  }
}
