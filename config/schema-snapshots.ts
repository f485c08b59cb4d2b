import { z } from 'zod';
import { dnsLabel, singleLine, url, VAULT_MAX_LEASE_TTL_SECONDS } from './fields';

/**
 * Backups of the Vaults' raft storage: scheduled snapshots of an in-cluster Vault
 * (`environments.<env>.vaultServer.snapshots`) and the identity the NAS uses to snapshot the QNAP
 * Vault (`environments.qnap.snapshots`). No secret values: object storage keys come from Vault.
 */

/**
 * A five-field cron schedule as the CronJob controller reads it (robfig/cron's standard parser:
 * kubernetes/kubernetes pkg/controller/cronjob/utils.go). Numbers, `*`, ranges, steps and lists only.
 */
const cronSchedule = singleLine('a cron schedule', 100).regex(/^[0-9*/,-]+( [0-9*/,-]+){4}$/, {
  message: "must be five cron fields of digits, '*', '/', ',' or '-' separated by single spaces, e.g. '17 */6 * * *'",
});

/**
 * An S3 bucket name (AWS "General purpose bucket naming rules": 3-63 lowercase letters, digits, '.',
 * '-'; no two adjacent periods; not formatted as an IP address).
 */
const bucketName = z
  .string()
  .max(63, { message: 'must be at most 63 characters (an S3 bucket name)' })
  .regex(/^(?!.*\.\.)(?![0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
    message: "must be an S3 bucket name: 3-63 lowercase letters, digits, '.' or '-', no '..', not an IP address",
  });

export const vaultSnapshotsSchema = z.strictObject({
  /** When the CronJob `vault-raft-snapshot` runs. @default '17 *\/6 * * *' (every 6 hours) */
  schedule: cronSchedule.optional(),
  /** IANA time zone of `schedule` (the CronJob's `timeZone`). @default 'Etc/UTC' */
  timeZone: singleLine('an IANA time zone', 64).regex(/^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/, { message: "must be an IANA time zone such as 'Etc/UTC' or 'Europe/Berlin'" }).optional(),
  /** Days a snapshot stays in the bucket; older ones are removed after each successful upload. */
  retentionDays: z.number().int().min(1, { message: 'must be at least 1 day' }).max(3650, { message: 'must be at most 3650 days' }),
  /** The S3-compatible bucket the snapshots are written to. */
  storage: z.strictObject({
    /** The object storage's S3 API, e.g. https://s3.qnap.lab.example.net. */
    endpoint: url('the S3 API', 'https', 'https://s3.lab.example.net'),
    bucket: bucketName,
    /** Key prefix inside the bucket: `<prefix>/vault-<time>.snap`. @default - the environment name */
    prefix: dnsLabel.optional(),
    /**
     * The Kubernetes Secret (Vault namespace, keys `access-key-id` and `secret-access-key`) holding
     * the storage keys. `qnap-consumer`: written by VSO from the QNAP `infra` KV through the named
     * bootstrap consumer, which must deliver into the Vault namespace (main only). `existing-secret`:
     * created by other means (the sandbox, which never reaches the QNAP Vault).
     */
    credentials: z.discriminatedUnion('source', [
      z.strictObject({ source: z.literal('qnap-consumer'), consumer: dnsLabel }),
      z.strictObject({ source: z.literal('existing-secret'), secretName: dnsLabel }),
    ]),
  }),
});

export const qnapSnapshotsSchema = z.strictObject({
  /**
   * Period of the NAS timer's token, in seconds: the timer renews it on every run, so it lives as
   * long as runs succeed within one period (under `policy.ceilings.tokenPeriod`). @default 86400
   */
  tokenPeriod: z
    .number()
    .int()
    .min(3600, { message: 'must be at least 3600 seconds' })
    .max(VAULT_MAX_LEASE_TTL_SECONDS, {
      message: `must be at most ${VAULT_MAX_LEASE_TTL_SECONDS} seconds, the highest policy.ceilings.tokenPeriod there is: a longer period always fails synthesis (rule VP-TTL-1)`,
    })
    .optional(),
});

export type VaultSnapshotsConfig = z.infer<typeof vaultSnapshotsSchema>;
export type QnapSnapshotsConfig = z.infer<typeof qnapSnapshotsSchema>;

/** Defaults of the snapshot settings, resolved in one place. */
export const SNAPSHOT_DEFAULTS = {
  schedule: '17 */6 * * *',
  qnapTokenPeriod: 86400,
} as const;
