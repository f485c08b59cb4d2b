import { z } from 'zod';
import { dnsLabel, ttlSeconds } from './fields';
import { POSTGRES_TTL } from '../constructs/postgres-sql';

/**
 * PostgreSQL settings: the clusters of an environment (`environments.<env>.postgres.clusters`) and
 * an app's dynamic credentials (`apps[i].postgres`). Names used in SQL are restricted so they can
 * always be double-quoted safely.
 */

const sqlName = z
  .string()
  .max(63, { message: 'must be at most 63 characters (PostgreSQL truncates longer identifiers)' })
  .regex(/^[a-z_][a-z0-9_\-]*$/, { message: "must be lowercase letters, digits, '_' or '-', starting with a letter or '_'" });

export const postgresClusterSchema = z.strictObject({
  host: z.string().max(253, { message: 'must be at most 253 characters (a DNS name)' }).regex(/^[A-Za-z0-9.\-]+$/, { message: 'must be a host name or IP address' }),
  /** @default 5432 */
  port: z.number().int().min(1).max(65535).optional(),
  /** Database Vault connects to for role management. @default 'postgres' */
  database: sqlName.optional(),
  /** Vault's own login on that server (never a superuser). @default 'vault' */
  vaultUsername: z.string().max(63, { message: 'must be at most 63 characters (PostgreSQL truncates longer identifiers)' }).regex(/^[a-z_][a-z0-9_]*$/, { message: 'must be a lowercase SQL identifier' }).optional(),
  /** @default 'verify-full' */
  sslMode: z.enum(['disable', 'require', 'verify-ca', 'verify-full']).optional(),
  /**
   * Version of Vault's login password given to Terraform through the ephemeral variable
   * `postgres_<cluster>_vault_password`. Bump it to make Terraform send a new password (see
   * docs/postgres.md); unchanged, the variable is ignored.
   * @default 1
   */
  vaultPasswordVersion: z.number().int().min(1).max(1_000_000).optional(),
  /**
   * Also manage the app group roles and grants from the Vault stack through the `postgresql`
   * Terraform provider (credentials from PGUSER/PGPASSWORD of whoever applies). Otherwise the DBA
   * runs the generated script (`npm run postgres-sql`).
   * @default false
   */
  manageGroupRoles: z.boolean().optional(),
});

export const appPostgresSchema = z
  .strictObject({
    /** Name of a cluster under `environments.<env>.postgres.clusters`. */
    cluster: dnsLabel,
    /** The app's database. @default - the app name */
    database: sqlName.optional(),
    /** Schema owned by `<app>_role` in that database. @default - the app name, '-' replaced by '_' */
    schema: sqlName.optional(),
    /** Lease TTL of a login, in seconds. @default 3600 */
    defaultTtl: ttlSeconds('defaultTtl', POSTGRES_TTL.min, POSTGRES_TTL.defaultTtlCeiling).optional(),
    /** Longest a login may be renewed to, in seconds. @default 86400 */
    maxTtl: ttlSeconds('maxTtl', POSTGRES_TTL.min, POSTGRES_TTL.maxTtlCeiling).optional(),
    /** Also offer read-only logins: Vault role `<app>-ro`, group role `<app>_ro_role`. @default false */
    readOnly: z.boolean().optional(),
  })
  .superRefine((value, ctx) => {
    const defaultTtl = value.defaultTtl ?? POSTGRES_TTL.defaultTtl;
    const maxTtl = value.maxTtl ?? POSTGRES_TTL.maxTtl;
    if (maxTtl < defaultTtl) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxTtl'],
        message: `maxTtl (${maxTtl}) must be >= defaultTtl (${defaultTtl}); raise maxTtl or lower defaultTtl`,
      });
    }
  });

export type AppPostgresConfig = z.infer<typeof appPostgresSchema>;
