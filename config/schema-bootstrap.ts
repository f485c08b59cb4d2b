import { z } from 'zod';
import { dnsLabel, mountPath, notReserved, singleLine, url } from './fields';
import { BOOTSTRAP_NAMES, RESERVED_CONSUMER_NAMES } from './platform-names';
import { vaultSnapshotsSchema } from './schema-snapshots';
import { vaultMonitoringSchema, vaultNetworkPolicySchema } from './schema-operations';
import { vaultExposureSchema } from './schema-exposure';

/**
 * The bootstrap chain's part of the lab config: what the QNAP Vault serves to the main cluster
 * before the main Vault exists (infrastructure secrets, the main Vault's TLS certificate, the
 * transit key that unseals it), and how each in-cluster Vault is installed. No secret values:
 * operators write those with `vault kv put`.
 */

const label = dnsLabel;
const kvSecretPath = z
  .string()
  .max(255, { message: 'must be at most 255 characters (a KV secret path)' })
  .regex(/^[a-z0-9][a-z0-9_.\-]*(\/[a-z0-9][a-z0-9_.\-]*)*$/, { message: "must be lowercase path segments separated by '/', e.g. dns/provider (no globs)" });

/** A workload in the main cluster that reads one infrastructure secret from the QNAP Vault through VSO. */
export const bootstrapConsumerSchema = z.strictObject({
  /** Names the consumer's QNAP policy (`infra-<name>`) and Kubernetes auth role (`<name>`). */
  name: notReserved(label, RESERVED_CONSUMER_NAMES, 'rename the consumer'),
  /** Path of the secret inside the infra KV v2 mount, e.g. `dns/provider`. */
  kvPath: kvSecretPath,
  /** Namespace the Kubernetes Secret is written to (and where the ServiceAccount lives). */
  namespace: label,
  /** ServiceAccount VSO logs in as for this consumer. @default '<name>-bootstrap' */
  serviceAccount: label.optional(),
  /** Kubernetes Secret VSO writes. @default - the consumer name */
  secretName: label.optional(),
  /**
   * Type of that Secret: `kubernetes.io/dockerconfigjson` for registry pull credentials (the KV
   * secret then holds a `.dockerconfigjson` key). @default 'Opaque'
   */
  secretType: z.enum(['Opaque', 'kubernetes.io/dockerconfigjson', 'kubernetes.io/basic-auth']).optional(),
  /**
   * Moving the secret to the main Vault (docs/runbook.md#moving-infrastructure-secrets-to-the-main-vault),
   * in two steps because the QNAP side may only go once main holds the value and the consumer reads
   * from main. `copy`: the `main` stack copies the value from the QNAP Vault into main (never through
   * state or logs) and gets the consumer's policy and role, and the consumer's VSO objects read from
   * main; the QNAP side stays, so removing the field goes back. `done`: the QNAP Vault's policy, role
   * and metadata of the consumer go; main keeps its copy, and the `main` stack no longer reads the QNAP.
   * Needs `environments.main.infraSecrets`. @default - served by the QNAP Vault
   */
  migration: z.enum(['copy', 'done']).optional(),
});

/** One Vault the QNAP Vault auto-unseals through its transit engine: its own key and token. */
export const transitUnsealedVaultSchema = z.strictObject({
  /** Which environment's Vault. Only `main`: the sandbox must never depend on the QNAP Vault. */
  environment: z.enum(['main', 'sandbox']),
  /** Transit key name, unique per unsealed Vault. @default 'unseal-<environment>' */
  keyName: z
    .string()
    .max(128, { message: 'must be at most 128 characters (a transit key name)' })
    .regex(/^[a-z0-9][a-z0-9_\-]*$/, { message: "must be lowercase letters, digits, '_' or '-'" }).optional(),
});

export const qnapBootstrapSchema = z.strictObject({
  /** KV v2 mount for infrastructure secrets. @default 'infra' */
  infraKvPath: mountPath.optional(),
  transitUnseal: z.strictObject({
    /** Transit mount holding the unseal keys. @default 'transit-unseal' */
    mountPath: mountPath.optional(),
    /** The Vaults this QNAP Vault unseals. */
    unsealed: z.array(transitUnsealedVaultSchema),
  }),
  /** The main cluster as the QNAP Vault's Kubernetes auth backend sees it (from outside the cluster). */
  mainCluster: z.strictObject({
    /** Auth mount path on the QNAP Vault. @default 'kubernetes-main' */
    authPath: mountPath.optional(),
    /** The main cluster's API server as the NAS reaches it, e.g. https://k8s.lab.example.net:6443. */
    apiHost: url('the Kubernetes API as the QNAP Vault reaches it', 'https', 'https://k8s-main.lab.example.net:6443'),
    /** PEM CA of that API server (public). @default - the QNAP's system trust store */
    apiCaCert: z
      .string()
      .max(65536, { message: 'must be at most 65536 characters (a PEM CA bundle)' })
      .includes('BEGIN CERTIFICATE', { message: 'must be a PEM certificate' })
      .optional(),
    /**
     * The API server's own token audience. With the client JWT as reviewer, the token VSO sends must be
     * accepted by the API server too, so VaultAuth requests both this audience and `vault`.
     * @default 'https://kubernetes.default.svc.cluster.local'
     */
    apiServerAudience: singleLine('an audience', 255).optional(),
  }),
  pki: z
    .strictObject({
      /** PKI mount on the QNAP Vault. @default 'pki-bootstrap' */
      mountPath: mountPath.optional(),
      /** Root CA common name. @default 'Lab bootstrap CA' */
      caCommonName: singleLine('ub-common-name of X.509, RFC 5280 Appendix A', 64).optional(),
      /** Server certificate lifetime (role max TTL), in hours. @default 720 */
      certMaxTtlHours: z.number().int().min(24).max(2160).optional(),
    })
    .optional(),
  /** Workloads of the main cluster that read infrastructure secrets before the main Vault exists. */
  consumers: z.array(bootstrapConsumerSchema),
});

/** How a cluster's Vault is installed (the hashicorp/vault helm release in the `<env>-cluster` stack). */
export const vaultServerSchema = z.strictObject({
  /** Namespace of the release. @default 'vault' */
  namespace: label.optional(),
  /** Raft voters. @default 3 */
  replicas: z.number().int().min(1).max(7).optional(),
  /**
   * `transit`: auto-unseal by the QNAP Vault (main only). `shamir`: unseal keys held by operators
   * (the sandbox, which must never reach the QNAP Vault).
   */
  unseal: z.enum(['transit', 'shamir']),
  /**
   * Where the server's TLS certificate comes from. `qnap-pki`: issued by the QNAP Vault's PKI through
   * VSO (main only). `existing-secret`: a `kubernetes.io/tls` Secret (`tls.crt`, `tls.key`, `ca.crt`)
   * created by other means.
   */
  tls: z.discriminatedUnion('source', [
    z.strictObject({ source: z.literal('qnap-pki') }),
    z.strictObject({
      source: z.literal('existing-secret'),
      /** Name of the Secret in the release namespace. */
      secretName: label,
    }),
  ]),
  /** Size of each data (raft) and audit volume. @default '10Gi' */
  storageSize: z
    .string()
    .max(16, { message: "must be a Kubernetes quantity such as '10Gi'" })
    .regex(/^[1-9][0-9]*(Mi|Gi|Ti)$/, { message: "must be a Kubernetes quantity such as '10Gi'" }).optional(),
  /** Scheduled raft snapshots to object storage (config/schema-snapshots.ts). @default - none */
  snapshots: vaultSnapshotsSchema.optional(),
  /**
   * Prometheus metrics and alerts (docs/security.md#metrics-and-alerts): the telemetry stanza,
   * `/v1/sys/metrics` without a token, ServiceMonitors for Vault and the secret operators, and the
   * alert rules (docs/runbook.md#alerts). Needs the Prometheus operator's CRDs. @default - none
   */
  monitoring: vaultMonitoringSchema.optional(),
  /**
   * A NetworkPolicy admitting to the Vault pods only the Vault pods (raft), the secret operators,
   * Prometheus and the clients listed (docs/security.md#network-policy). @default - none: anything reaches Vault
   */
  networkPolicy: vaultNetworkPolicySchema.optional(),
  /**
   * How operators and out-of-cluster tools reach this Vault at the host and port of `vault.address`
   * (config/schema-exposure.ts, docs/runbook.md#reaching-the-vault). @default - none: in-cluster Services only
   */
  exposure: vaultExposureSchema.optional(),
});

export type QnapBootstrapConfig = z.infer<typeof qnapBootstrapSchema>;
export type BootstrapConsumerConfig = z.infer<typeof bootstrapConsumerSchema>;
export type VaultServerConfig = z.infer<typeof vaultServerSchema>;

/** Secure defaults of the bootstrap config, resolved in one place. */
export const BOOTSTRAP_DEFAULTS = {
  infraKvPath: 'infra',
  transitMountPath: 'transit-unseal',
  kubernetesAuthPath: 'kubernetes-main',
  apiServerAudience: 'https://kubernetes.default.svc.cluster.local',
  pkiMountPath: 'pki-bootstrap',
  caCommonName: 'Lab bootstrap CA',
  certMaxTtlHours: 720,
  vaultNamespace: 'vault',
  vaultReplicas: 3,
  storageSize: '10Gi',
} as const;

export function transitKeyName(entry: z.infer<typeof transitUnsealedVaultSchema>): string {
  return entry.keyName ?? `unseal-${entry.environment}`;
}

export function consumerServiceAccount(consumer: BootstrapConsumerConfig): string {
  return consumer.serviceAccount ?? `${consumer.name}-bootstrap`;
}

/** A ServiceAccount of the main cluster that logs in to the QNAP Vault. */
export interface BootstrapServiceAccount {
  /** Construct id of the account in the main-cluster stack. */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  /** What uses it, for messages. */
  readonly owner: string;
  /** The config field that names it; undefined for the platform's own. */
  readonly field?: string;
}

/** The parts of the lab config the bootstrap identities come from (a LabConfig is one). */
export interface BootstrapIdentitySources {
  readonly environments: { readonly main: { readonly vaultServer: VaultServerConfig }; readonly qnap: { readonly bootstrap: QnapBootstrapConfig } };
}

/** The main cluster's identities for the QNAP Vault: the Vault certificate's requester and one per consumer. */
export function bootstrapServiceAccounts(config: BootstrapIdentitySources): BootstrapServiceAccount[] {
  const vaultNamespace = config.environments.main.vaultServer.namespace ?? BOOTSTRAP_DEFAULTS.vaultNamespace;
  return [
    { id: 'VaultServerTls', namespace: vaultNamespace, name: BOOTSTRAP_NAMES.tlsServiceAccount, owner: "the requester of the in-cluster Vault's certificate" },
    ...config.environments.qnap.bootstrap.consumers.map((c, i) => ({
      id: `Consumer-${c.name}`,
      namespace: c.namespace,
      name: consumerServiceAccount(c),
      owner: `environments.qnap.bootstrap.consumers[${i}] (${c.name})`,
      field: `environments.qnap.bootstrap.consumers[${i}].${c.serviceAccount === undefined ? 'name' : 'serviceAccount'}`,
    })),
  ];
}

export function consumerSecretName(consumer: BootstrapConsumerConfig): string {
  return consumer.secretName ?? consumer.name;
}
