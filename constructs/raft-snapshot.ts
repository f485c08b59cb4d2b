import { CronJobV1 } from '@cdktf/provider-kubernetes/lib/cron-job-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { invalidProp } from './private/errors';
import { DNS1123_LABEL_RULE, isDns1123Label } from './names';
import { READ } from './policy/capabilities';
import { PolicyRule } from './policy/policy-document';
import type { IPolicyGrantee } from './vault-policy';

/**
 * What taking a raft snapshot needs: `vault operator raft snapshot save` makes one GET of
 * sys/storage/raft/snapshot (hashicorp/vault command/operator_raft_snapshot_save.go,
 * api/sys_raft.go `RaftSnapshotWithContext`), a path that is not root-protected (no `sudo`:
 * vault/logical_system.go `PathsSpecial.Root`). The client never renews or looks up its token.
 */
export const RAFT_SNAPSHOT_READ: PolicyRule = { path: 'sys/storage/raft/snapshot', capabilities: READ };

/** Grants `grantee` exactly the snapshot read. */
export function grantRaftSnapshotRead(grantee: IPolicyGrantee): void {
  grantee.allow(RAFT_SNAPSHOT_READ.path, RAFT_SNAPSHOT_READ.capabilities);
}

/**
 * The uploader's image, pinned to a release tag (minio/mc docker-buildx.sh pushes
 * `quay.io/minio/mc:<release>`). Its base, ubi-micro, has a shell: Dockerfile.release runs `chmod`
 * in the final stage.
 */
export const MC_IMAGE = 'quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z';

/** Keys of the storage credentials Secret (the `infra` KV fields operators write, docs/runbook.md). */
export const STORAGE_KEYS = { accessKeyId: 'access-key-id', secretAccessKey: 'secret-access-key' } as const;

/** The S3-compatible bucket the snapshots are uploaded to. */
export interface RaftSnapshotStorage {
  /** The S3 API, e.g. https://s3.lab.example.net. */
  readonly endpoint: string;
  /** Bucket name. */
  readonly bucket: string;
  /** Key prefix: objects are `<prefix>/vault-<UTC time>.snap`. */
  readonly prefix: string;
  /** Secret in `namespace` with the keys `access-key-id` and `secret-access-key`. */
  readonly credentialsSecretName: string;
}

/** Properties of a {@link RaftSnapshotCronJob}. */
export interface RaftSnapshotCronJobProps {
  /** Namespace of the Vault release; the job, its ServiceAccount and the Secrets it reads live there. */
  readonly namespace: string;
  /** Name of the CronJob and its ServiceAccount (alerts key on the CronJob's name). @default 'vault-raft-snapshot' */
  readonly name?: string;
  /** The active Vault node, e.g. https://vault-active.vault.svc:8200 (a name its certificate carries). */
  readonly vaultAddress: string;
  /** Secret and key of the CA that signed the Vault's certificate; only that key is mounted. */
  readonly vaultCa: { readonly secretName: string; readonly key: string };
  /** Mount path of the Kubernetes auth method, e.g. `kubernetes`. */
  readonly authPath: string;
  /** Kubernetes auth role bound to this job's ServiceAccount. */
  readonly roleName: string;
  /** Audience of the projected ServiceAccount token (the role's `audience`). @default 'vault' */
  readonly audience?: string;
  /** The Vault CLI image, pinned: the version the server runs, e.g. `hashicorp/vault:2.0.4`. */
  readonly vaultImage: string;
  /** The S3 client image, pinned. @default MC_IMAGE */
  readonly uploaderImage?: string;
  /** Five-field cron schedule. */
  readonly schedule: string;
  /** Time zone of `schedule`. @default 'Etc/UTC' */
  readonly timeZone?: string;
  /** Snapshots older than this are removed after each successful upload. */
  readonly retentionDays: number;
  /** Where the snapshots go. */
  readonly storage: RaftSnapshotStorage;
}

const SNAPSHOT_DIR = '/snapshot';
const TOKEN_DIR = '/var/run/secrets/vault';
const CA_DIR = '/vault/tls';
const MC_CONFIG_DIR = '/mc';

/*
 * The scripts read every setting from the environment, so no config text is ever shell code, and
 * use `$NAME` (never `${NAME}`), which Terraform leaves alone. Nothing secret is echoed: the token
 * goes from `vault write` into a variable, the storage keys from the environment into mc's stdin.
 */

// The Vault CLI has no Kubernetes login handler (hashicorp/vault command/commands.go,
// loginHandlers), so the job writes to the login endpoint itself.
const SAVE_SCRIPT = [
  'set -eu',
  `VAULT_TOKEN="$(vault write -field=token "auth/$VAULT_AUTH_PATH/login" role="$VAULT_ROLE" jwt=@${TOKEN_DIR}/token)"`,
  'export VAULT_TOKEN',
  `vault operator raft snapshot save "${SNAPSHOT_DIR}/vault-$(date -u +%Y%m%dT%H%M%SZ).snap"`,
].join('\n');

// mc reads keys piped to `alias set` (minio/mc cmd/alias-set.go, fetchAliasKeys). Its own errors
// would print an invalid secret key, so they are replaced by one line naming the Secret.
const UPLOAD_SCRIPT = [
  'set -eu',
  'printf \'%s\\n%s\\n\' "$ACCESS_KEY_ID" "$SECRET_ACCESS_KEY" | mc alias set --api S3v4 backup "$S3_ENDPOINT" >/dev/null 2>&1 ||',
  '  { echo "mc alias set failed for $S3_ENDPOINT: check the keys of Secret $CREDENTIALS_SECRET" >&2; exit 1; }',
  `mc cp --recursive "${SNAPSHOT_DIR}/" "backup/$S3_BUCKET/$S3_PREFIX/"`,
  'mc rm --recursive --force --older-than "$RETENTION" "backup/$S3_BUCKET/$S3_PREFIX/"',
].join('\n');

/** A tag other than `latest`, or a digest: an image that cannot change under the job. */
const PINNED_IMAGE = /^[a-z0-9][a-z0-9._\-/:]*(@sha256:[a-f0-9]{64}|:(?!latest$)[A-Za-z0-9_][A-Za-z0-9._\-]{0,127})$/;

/**
 * Scheduled raft snapshots of an in-cluster Vault, written to S3-compatible object storage: a
 * CronJob whose init container logs in with its own Kubernetes auth role (a projected token for the
 * role's audience, nothing automounted) and saves a snapshot, and whose container uploads it with
 * keys from a Secret and prunes what is older than the retention. One job at a time.
 */
export class RaftSnapshotCronJob extends Construct {
  /** Name of the CronJob, which alerts key on. */
  public readonly cronJobName: string;
  /** Namespace of the job and its ServiceAccount. */
  public readonly namespace: string;
  /** The job's ServiceAccount, which the Kubernetes auth role must bind. */
  public readonly serviceAccountName: string;
  /** Five-field cron schedule. */
  public readonly schedule: string;
  /** Snapshots older than this many days are removed after each upload. */
  public readonly retentionDays: number;
  /** Where the snapshots go (no keys: those stay in the Secret). */
  public readonly storage: RaftSnapshotStorage;
  /** The `kubernetes_service_account_v1` resource. */
  public readonly serviceAccount: ServiceAccountV1;
  /** The `kubernetes_cron_job_v1` resource. */
  public readonly resource: CronJobV1;

  public constructor(scope: Construct, id: string, props: RaftSnapshotCronJobProps) {
    super(scope, id);
    const construct = 'RaftSnapshotCronJob';
    const name = props.name ?? 'vault-raft-snapshot';
    for (const [prop, value] of [['namespace', props.namespace], ['name', name], ['storage.credentialsSecretName', props.storage.credentialsSecretName], ['vaultCa.secretName', props.vaultCa.secretName]]) {
      if (!Token.isUnresolved(value) && !isDns1123Label(value)) throw new Error(invalidProp(construct, prop, value, `must be ${DNS1123_LABEL_RULE}`));
    }
    const uploaderImage = props.uploaderImage ?? MC_IMAGE;
    for (const [prop, value] of [['vaultImage', props.vaultImage], ['uploaderImage', uploaderImage]]) {
      if (!PINNED_IMAGE.test(value)) throw new Error(invalidProp(construct, prop, value, 'must be pinned by an exact tag or an @sha256 digest (not :latest, not untagged)'));
    }
    if (!/^https:\/\//.test(props.vaultAddress)) throw new Error(invalidProp(construct, 'vaultAddress', props.vaultAddress, 'must be an https:// address of the active Vault node'));
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 1) {
      throw new Error(invalidProp(construct, 'retentionDays', props.retentionDays, 'must be a whole number of days >= 1'));
    }
    this.cronJobName = name;
    this.namespace = props.namespace;
    this.serviceAccountName = name;
    this.schedule = props.schedule;
    this.retentionDays = props.retentionDays;
    this.storage = { ...props.storage };

    this.serviceAccount = new ServiceAccountV1(this, 'ServiceAccount', {
      metadata: { name, namespace: props.namespace, labels: { 'vault-platform/purpose': 'raft-snapshot' } },
      automountServiceAccountToken: false,
    });

    const securityContext = {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    };
    const snapshotMount = { name: 'snapshot', mountPath: SNAPSHOT_DIR };
    this.resource = new CronJobV1(this, 'Resource', {
      metadata: { name, namespace: props.namespace, labels: { 'app.kubernetes.io/part-of': 'vault', 'vault-platform/purpose': 'raft-snapshot' } },
      spec: {
        schedule: props.schedule,
        timezone: props.timeZone ?? 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        // A run missed by more than an hour is skipped; the next one comes at the next slot.
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels: { 'vault-platform/purpose': 'raft-snapshot' } },
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 1800,
            template: {
              metadata: { labels: { 'vault-platform/purpose': 'raft-snapshot' } },
              spec: {
                serviceAccountName: this.serviceAccount.metadata.name,
                automountServiceAccountToken: false,
                restartPolicy: 'Never',
                // The vault image's own user, as the chart runs the server (hashicorp/vault-helm
                // values.yaml server.uid/gid); mc needs no user of its own.
                securityContext: { runAsNonRoot: true, runAsUser: '100', runAsGroup: '1000', seccompProfile: { type: 'RuntimeDefault' } },
                initContainer: [
                  {
                    name: 'save',
                    image: props.vaultImage,
                    command: ['/bin/sh', '-c', SAVE_SCRIPT],
                    env: [
                      { name: 'VAULT_ADDR', value: props.vaultAddress },
                      { name: 'VAULT_CACERT', value: `${CA_DIR}/ca.crt` },
                      { name: 'VAULT_AUTH_PATH', value: props.authPath },
                      { name: 'VAULT_ROLE', value: props.roleName },
                    ],
                    securityContext,
                    volumeMount: [snapshotMount, { name: 'vault-token', mountPath: TOKEN_DIR, readOnly: true }, { name: 'vault-ca', mountPath: CA_DIR, readOnly: true }],
                  },
                ],
                container: [
                  {
                    name: 'upload',
                    image: uploaderImage,
                    command: ['/bin/sh', '-c', UPLOAD_SCRIPT],
                    env: [
                      { name: 'S3_ENDPOINT', value: props.storage.endpoint },
                      { name: 'S3_BUCKET', value: props.storage.bucket },
                      { name: 'S3_PREFIX', value: props.storage.prefix },
                      { name: 'RETENTION', value: `${props.retentionDays}d` },
                      { name: 'CREDENTIALS_SECRET', value: props.storage.credentialsSecretName },
                      { name: 'MC_CONFIG_DIR', value: MC_CONFIG_DIR },
                      ...[
                        ['ACCESS_KEY_ID', STORAGE_KEYS.accessKeyId],
                        ['SECRET_ACCESS_KEY', STORAGE_KEYS.secretAccessKey],
                      ].map(([envName, key]) => ({ name: envName, valueFrom: { secretKeyRef: { name: props.storage.credentialsSecretName, key } } })),
                    ],
                    securityContext,
                    volumeMount: [{ ...snapshotMount, readOnly: true }, { name: 'mc-config', mountPath: MC_CONFIG_DIR }],
                  },
                ],
                volume: [
                  { name: 'snapshot', emptyDir: {} },
                  // mc's alias (with the keys) lives in memory only, for the pod's lifetime.
                  { name: 'mc-config', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
                  {
                    name: 'vault-token',
                    projected: [{ sources: [{ serviceAccountToken: { path: 'token', audience: props.audience ?? 'vault', expirationSeconds: 600 } }] }],
                  },
                  { name: 'vault-ca', secret: { secretName: props.vaultCa.secretName, items: [{ key: props.vaultCa.key, path: 'ca.crt' }] } },
                ],
              },
            },
          },
        },
      },
    });
  }
}
