import { z } from 'zod';
import { mountPath, mountsOverlap, notReserved } from './fields';
import { RESERVED_CLUSTER_VAULT_MOUNTS } from './platform-names';

/**
 * The main Vault's side of moving infrastructure secrets off the QNAP Vault
 * (docs/runbook.md#moving-infrastructure-secrets-to-the-main-vault): a KV v2 engine the moved
 * secrets live in. Declaring it is the operator's statement that the main Vault is initialized and
 * deployed; until then no consumer may move (config/bootstrap-checks.ts).
 */
export const mainInfraSecretsSchema = z.strictObject({
  /** KV v2 mount on the main Vault for the moved secrets. @default 'infra' */
  mountPath: notReserved(mountPath, RESERVED_CLUSTER_VAULT_MOUNTS, 'choose another mount path')
    // Inside or above another engine's path Vault refuses it as well (hashicorp/vault vault/router.go, MountConflict).
    .refine((path) => reservedMountAround(path) === undefined, {
      error: (issue) => {
        const taken = reservedMountAround(String(issue.input))!;
        return `is inside or above ${taken}/, ${RESERVED_CLUSTER_VAULT_MOUNTS.get(taken)}: Vault refuses a mount at, inside or above another's path; choose a path of its own, e.g. infra`;
      },
    })
    .optional(),
});

/** The reserved mount a path lies inside or above (not equal: notReserved names that one). */
function reservedMountAround(path: string): string | undefined {
  return [...RESERVED_CLUSTER_VAULT_MOUNTS.keys()].find((taken) => taken !== path && mountsOverlap(path, taken));
}

export type MainInfraSecretsConfig = z.infer<typeof mainInfraSecretsSchema>;

/** Secure defaults of the infra migration config, resolved in one place. */
export const INFRA_MIGRATION_DEFAULTS = {
  mountPath: 'infra',
} as const;
