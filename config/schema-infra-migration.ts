import { z } from 'zod';
import { mountPath, notReserved } from './fields';
import { RESERVED_CLUSTER_VAULT_MOUNTS } from './platform-names';

/**
 * The main Vault's side of moving infrastructure secrets off the QNAP Vault
 * (docs/runbook.md#moving-infrastructure-secrets-to-the-main-vault): a KV v2 engine the moved
 * secrets live in. Declaring it is the operator's statement that the main Vault is initialized and
 * deployed; until then no consumer may move (config/bootstrap-checks.ts).
 */
export const mainInfraSecretsSchema = z.strictObject({
  /** KV v2 mount on the main Vault for the moved secrets. @default 'infra' */
  mountPath: notReserved(mountPath, RESERVED_CLUSTER_VAULT_MOUNTS, 'choose another mount path').optional(),
});

export type MainInfraSecretsConfig = z.infer<typeof mainInfraSecretsSchema>;

/** Secure defaults of the infra migration config, resolved in one place. */
export const INFRA_MIGRATION_DEFAULTS = {
  mountPath: 'infra',
} as const;
