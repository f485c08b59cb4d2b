import { AppConfig, ClusterEnvironmentName } from '../config/schema';
import { AppSecretsModule } from '../constructs/app-secrets-module';
import { PostgresDynamicRole } from '../constructs/postgres-dynamic-role';
import { PostgresEngineRefs } from './postgres-engine';

/**
 * An app's dynamic PostgreSQL roles (`<app>`, and `<app>-ro` when `readOnly`), inside the app's
 * module (`Apps/<app>/PostgresRole`, `Apps/<app>/PostgresReadOnlyRole`). Only the app's runtime
 * policy may read its credentials; its CI (ops policy) gets none.
 */
export function addPostgresRoles(
  module: AppSecretsModule,
  app: AppConfig,
  // The part of VaultPlatformRefs the roles use: compose-app.ts calls this, so it cannot be imported here.
  platform: { readonly environment: ClusterEnvironmentName; readonly postgres?: PostgresEngineRefs },
): PostgresDynamicRole[] {
  if (!app.postgres) return [];
  const connection = platform.postgres?.connections.get(app.postgres.cluster);
  if (!connection) {
    throw new Error(`app '${app.name}': no connection for PostgreSQL cluster '${app.postgres.cluster}' in the ${platform.environment} Vault; pass the engine built by addPostgresEngine in VaultPlatformRefs.postgres`);
  }
  const common = {
    connection,
    appName: app.name,
    database: app.postgres.database,
    schema: app.postgres.schema,
    defaultTtl: app.postgres.defaultTtl,
    maxTtl: app.postgres.maxTtl,
  };
  const roles = [new PostgresDynamicRole(module, 'PostgresRole', { ...common, access: 'read-write' })];
  if (app.postgres.readOnly) roles.push(new PostgresDynamicRole(module, 'PostgresReadOnlyRole', { ...common, access: 'read-only' }));
  for (const role of roles) role.grantCredentials(module.runtimePolicy);
  return roles;
}
