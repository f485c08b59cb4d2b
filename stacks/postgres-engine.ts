import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterEnvironmentName, LabConfig } from '../config/schema';
import { DatabaseSecretsMount, IDatabaseSecretsMount } from '../constructs/database-secrets-mount';
import { IPostgresConnection, PostgresConnection } from '../constructs/postgres-connection';
import { PostgresGroupRoles } from '../constructs/postgres-group-roles';
import { appDatabaseGrants } from './postgres-group-roles';
import { PostgresqlProvider } from '@cdktf/provider-postgresql/lib/provider';
import { ephemeralSecretVariable } from './ephemeral-variable';

/** What app constructs need from an environment's database engine. */
export interface PostgresEngineRefs {
  readonly mount: IDatabaseSecretsMount;
  /** Connections by cluster name (only the clusters some app uses). */
  readonly connections: ReadonlyMap<string, IPostgresConnection>;
}

/** The Terraform variable carrying Vault's password on `cluster`, e.g. `postgres_apps_vault_password`. */
export function vaultPasswordVariableName(cluster: string): string {
  return `postgres_${cluster.replace(/-/g, '_')}_vault_password`;
}

/**
 * The `postgres` database engine of one environment with one connection per cluster that an app of
 * the config uses, each to that environment's own server (the sandbox never points at main's).
 * Returns undefined when no app uses PostgreSQL.
 */
export function addPostgresEngine(stack: TerraformStack, config: LabConfig, environment: ClusterEnvironmentName): PostgresEngineRefs | undefined {
  const used = [...new Set(config.apps.flatMap((a) => (a.postgres ? [a.postgres.cluster] : [])))].sort();
  if (used.length === 0) return undefined;
  const clusters = config.environments[environment].postgres?.clusters ?? {};
  const mount = new DatabaseSecretsMount(stack, 'Postgres', { mountPath: 'postgres' });
  const connections = new Map<string, IPostgresConnection>();
  // A namespace construct: connection ids are the cluster names, apart from the mount's own ids.
  const connectionsScope = new Construct(mount, 'Connections');
  for (const name of used) {
    const cluster = clusters[name];
    // The config loader already rejects apps naming an unknown cluster; this guards hand-built configs.
    if (!cluster) throw new Error(`environments.${environment}.postgres.clusters has no cluster '${name}', which an app uses; define it there`);
    const password = ephemeralSecretVariable(
      stack,
      vaultPasswordVariableName(name),
      `Password of Vault's login '${cluster.vaultUsername ?? 'vault'}' on PostgreSQL cluster '${name}' (${environment}). Only read when vaultPasswordVersion changes; see docs/postgres.md.`,
    );
    connections.set(
      name,
      new PostgresConnection(connectionsScope, name, {
        mount,
        connectionName: name,
        host: cluster.host,
        port: cluster.port,
        database: cluster.database,
        username: cluster.vaultUsername,
        sslMode: cluster.sslMode,
        password: password.stringValue,
        passwordVersion: cluster.vaultPasswordVersion,
      }),
    );
  }
  addManagedGroupRoles(stack, config, environment, used);
  return { mount, connections };
}

/**
 * For clusters with `manageGroupRoles`, a `postgresql` provider (alias = cluster name) and the app
 * group roles under `PostgresAdmin/<cluster>`. The provider's credentials come from PGUSER and
 * PGPASSWORD in the environment of whoever applies, never from the config.
 */
function addManagedGroupRoles(stack: TerraformStack, config: LabConfig, environment: ClusterEnvironmentName, used: readonly string[]): void {
  const managed = used.filter((name) => config.environments[environment].postgres?.clusters[name]?.manageGroupRoles);
  if (managed.length === 0) return;
  const admin = new Construct(stack, 'PostgresAdmin');
  for (const name of managed) {
    const cluster = config.environments[environment].postgres!.clusters[name];
    const scope = new Construct(admin, name);
    const provider = new PostgresqlProvider(scope, 'Provider', {
      alias: name,
      host: cluster.host,
      port: cluster.port ?? 5432,
      database: cluster.database ?? 'postgres',
      sslmode: cluster.sslMode ?? 'verify-full',
      superuser: false,
    });
    new PostgresGroupRoles(scope, 'GroupRoles', { provider, vaultUsername: cluster.vaultUsername ?? 'vault', apps: appDatabaseGrants(config, name) });
  }
}
