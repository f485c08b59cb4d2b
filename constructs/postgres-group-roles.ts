import { DefaultPrivileges } from '@cdktf/provider-postgresql/lib/default-privileges';
import { Grant } from '@cdktf/provider-postgresql/lib/grant';
import { GrantRole } from '@cdktf/provider-postgresql/lib/grant-role';
import { Role } from '@cdktf/provider-postgresql/lib/role';
import { Schema } from '@cdktf/provider-postgresql/lib/schema';
import { TerraformProvider, Token } from 'cdktf';
import { Construct } from 'constructs';
import { invalidProp, requireLiteral } from './private/errors';
import { AppDatabaseGrant, groupRoleName, quoteIdent, readOnlyGroupRoleName, SQL_IDENTIFIER_RULE } from './postgres-sql';

export interface PostgresGroupRolesProps {
  /** A `postgresql` provider connected to the cluster as an administrator. */
  readonly provider: TerraformProvider;
  /** Vault's login on the cluster; it gets admin on the group roles. It must exist already. */
  readonly vaultUsername: string;
  /** The apps of the cluster. */
  readonly apps: readonly AppDatabaseGrant[];
}

/**
 * The same group roles and grants as the DBA script (`groupRoleScript`), managed by Terraform
 * through `@cdktf/provider-postgresql` instead, for clusters that opt in (`manageGroupRoles`).
 * Vault's own login is not managed here (its password must never pass through Terraform).
 *
 * Destroying a group role never destroys data: `skip_reassign_owned` keeps the provider from
 * dropping what the role owns, so PostgreSQL refuses to drop a role that still owns tables.
 */
export class PostgresGroupRoles extends Construct {
  public constructor(scope: Construct, id: string, props: PostgresGroupRolesProps) {
    super(scope, id);
    checkIdentifier('vaultUsername', props.vaultUsername);
    const provider = props.provider;
    const vault = props.vaultUsername;

    const databases = new Construct(this, 'Databases');
    for (const database of [...new Set(props.apps.map((a) => a.database))].sort()) {
      requireLiteral('PostgresGroupRoles', 'apps[].database', database, 'it names a construct (and so a resource address)');
      checkIdentifier('apps[].database', database);
      const scope = new Construct(databases, database);
      // No CONNECT or TEMPORARY for PUBLIC: an empty privilege list revokes them.
      new Grant(scope, 'RevokePublic', { provider, database, role: 'public', objectType: 'database', privileges: [] });
      new Grant(scope, 'VaultConnect', { provider, database, role: vault, objectType: 'database', privileges: ['CONNECT'], withGrantOption: true });
    }

    const apps = new Construct(this, 'Apps');
    for (const app of props.apps) {
      requireLiteral('PostgresGroupRoles', 'apps[].appName', app.appName, 'it names a construct (and so a resource address)');
      checkIdentifier('apps[].schema', app.schema);
      const scope = new Construct(apps, app.appName);
      const readWrite = new Role(scope, 'Role', { provider, name: groupRoleName(app.appName), login: false, skipReassignOwned: true });
      new GrantRole(scope, 'VaultAdmin', { provider, role: vault, grantRole: readWrite.name, withAdminOption: true });
      new Grant(scope, 'Database', { provider, database: app.database, role: readWrite.name, objectType: 'database', privileges: ['CONNECT', 'TEMPORARY'] });
      const schema = new Schema(scope, 'Schema', { provider, database: app.database, name: app.schema, owner: readWrite.name, ifNotExists: true, dropCascade: false });
      if (!app.readOnly) continue;
      const readOnly = new Role(scope, 'ReadOnlyRole', { provider, name: readOnlyGroupRoleName(app.appName), login: false, skipReassignOwned: true });
      new GrantRole(scope, 'VaultAdminReadOnly', { provider, role: vault, grantRole: readOnly.name, withAdminOption: true });
      const common = { provider, database: app.database, role: readOnly.name };
      new Grant(scope, 'ReadOnlyDatabase', { ...common, objectType: 'database', privileges: ['CONNECT'] });
      new Grant(scope, 'ReadOnlySchema', { ...common, schema: schema.name, objectType: 'schema', privileges: ['USAGE'] });
      new Grant(scope, 'ReadOnlyTables', { ...common, schema: schema.name, objectType: 'table', objects: [], privileges: ['SELECT'] });
      new DefaultPrivileges(scope, 'ReadOnlyFutureTables', { ...common, schema: schema.name, owner: readWrite.name, objectType: 'table', privileges: ['SELECT'] });
    }
  }
}

function checkIdentifier(prop: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  try {
    quoteIdent(value);
  } catch {
    throw new Error(invalidProp('PostgresGroupRoles', prop, value, `must be ${SQL_IDENTIFIER_RULE}`));
  }
}
