import { ESO_NAMESPACE, VSO_NAMESPACE } from '../constructs/delivery-model';

/**
 * Names the platform gives its own Vault policies and roles and its own Kubernetes identities,
 * defined once here: the stacks create them under these names, and the config refuses an app or a
 * bootstrap consumer whose derived names would land on one of them (a second `vault_policy` of the
 * same name overwrites the first; a role bound to the platform's ServiceAccount lets the platform's
 * pods, or whoever runs as that account, log in as the app).
 */

/**
 * Vault's own policies: `default` is attached to every token, `root`, `response-wrapping` and
 * `control-group` cannot be written (hashicorp/vault vault/policy_store.go defaultPolicyName,
 * immutablePolicies).
 */
export const VAULT_BUILTIN_POLICIES = ['default', 'root', 'response-wrapping', 'control-group'] as const;

/** Role stems of this project's own CI in each cluster Vault (`gitea_cicd_platform`, `gitea_cicd_platform-diff`). */
export const PLATFORM_CI_NAMES = { deploy: 'platform', diff: 'platform-diff' } as const;
/** Policies of those roles: what deploying the stack needs, and its read-only share for `cdktf diff`. */
export const PLATFORM_CI_POLICIES = { deploy: 'platform-deploy', diff: 'platform-diff' } as const;

/**
 * Names the bootstrap stacks share (qnap, main-cluster, main-bootstrap): each is used on both sides
 * of a trust relationship, so it is defined once here.
 */
export const BOOTSTRAP_NAMES = {
  /** Helm release of the in-cluster Vault: pods `vault-<n>`, Services `vault`, `vault-active`, `vault-internal`. */
  vaultReleaseName: 'vault',
  /** ServiceAccount (Vault namespace) that VSO uses to request the server certificate. */
  tlsServiceAccount: 'vault-tls-bootstrap',
  /** PKI role on the QNAP Vault that issues the in-cluster Vault's server certificate. */
  pkiRoleName: 'vault-server',
  /** Kubernetes auth role and policy on the QNAP Vault that may issue the server certificate. */
  tlsRoleName: 'vault-server-tls',
  /** Secret VSO writes the certificate to, and the release mounts, when TLS comes from the QNAP PKI. */
  qnapTlsSecretName: 'vault-server-tls',
  /** Secret (Vault namespace) holding the transit seal token. */
  transitTokenSecretName: 'vault-transit-unseal-token',
  transitTokenSecretKey: 'token',
  /** VaultConnection (Vault namespace) to the QNAP Vault. */
  qnapConnectionName: 'qnap-bootstrap',
  /**
   * Secret (key `ca.crt`) with the QNAP Vault's CA, in every namespace of the main cluster that
   * connects to it, when `environments.qnap.vault.caCert` is set.
   */
  qnapCaSecretName: 'qnap-vault-ca',
  /** Audience the QNAP Vault's roles require. */
  vaultAudience: 'vault',
} as const;

/**
 * The raft snapshot identities: in each cluster the CronJob and its ServiceAccount, in its Vault the
 * Kubernetes auth role and policy they log in with; on the QNAP Vault the token role and policy of
 * the NAS's snapshot timer. Alerts key on the CronJob's name (kube_cronjob_status_last_successful_time).
 */
export const SNAPSHOT_NAMES = {
  cronJob: 'vault-raft-snapshot',
  serviceAccount: 'vault-raft-snapshot',
  role: 'vault-raft-snapshot',
  policy: 'raft-snapshot',
  qnapTokenRole: 'raft-snapshot',
  qnapPolicy: 'raft-snapshot',
} as const;

/**
 * App names taken in the cluster Vaults, with what owns each. An app gets policies `<app>` and
 * `<app>-ops` and roles `<app>` and `gitea_cicd_<app>`, so its name must be none of the platform's
 * policy names or CI role stems (the `-ops`/`-ro` suffixes are refused by the app name rule).
 */
export const RESERVED_APP_NAMES: ReadonlyMap<string, string> = new Map<string, string>([
  ...VAULT_BUILTIN_POLICIES.map((p): [string, string] => [p, `Vault's built-in policy '${p}'`]),
  ...Object.values(PLATFORM_CI_POLICIES).map((p): [string, string] => [p, `this project's CI policy '${p}'`]),
  ...Object.values(PLATFORM_CI_NAMES).map((n): [string, string] => [n, `this project's CI role gitea_cicd_${n}`]),
  [SNAPSHOT_NAMES.role, "the raft snapshot job's Kubernetes auth role"],
  [SNAPSHOT_NAMES.policy, "the raft snapshot job's policy"],
]);

/**
 * Consumer names taken in the QNAP Vault: a consumer gets the Kubernetes auth role `<name>` (and
 * policy `infra-<name>`), next to the roles that issue the in-cluster Vault's certificate.
 */
export const RESERVED_CONSUMER_NAMES: ReadonlyMap<string, string> = new Map<string, string>([
  [BOOTSTRAP_NAMES.tlsRoleName, "the QNAP Vault's role that issues the in-cluster Vault's certificate"],
  [BOOTSTRAP_NAMES.pkiRoleName, "the QNAP PKI role for the in-cluster Vault's certificate"],
  [SNAPSHOT_NAMES.qnapPolicy, "the QNAP Vault's snapshot policy and token role"],
]);

/**
 * Namespaces of the secret operators as stacks/secret-operators.ts installs them. Their
 * ServiceAccounts are the operators' own: an app role bound there would authenticate the operator.
 */
export const OPERATOR_NAMESPACES: ReadonlyMap<string, string> = new Map<string, string>([
  [VSO_NAMESPACE, "the Vault Secrets Operator's namespace"],
  [ESO_NAMESPACE, "the External Secrets Operator's namespace"],
]);

/**
 * Secrets engine mounts of the cluster Vaults: the environment stack's own (stacks/vault-environment-stack.ts,
 * stacks/postgres-engine.ts) and Vault's protected ones, which cannot be mounted over
 * (hashicorp/vault vault/mount.go protectedMounts). A mount the config adds must be none of them.
 */
export const RESERVED_CLUSTER_VAULT_MOUNTS: ReadonlyMap<string, string> = new Map<string, string>([
  ['kvv2', "the apps' KV v2 engine"],
  ['kv', 'the KV v1 engine'],
  ['transit', 'the transit engine'],
  ['postgres', 'the PostgreSQL database engine'],
  ...['audit', 'auth', 'sys', 'cubbyhole', 'identity'].map((m): [string, string] => [m, `Vault's protected path ${m}/`]),
]);

/**
 * Where a bootstrap consumer moved to the main Vault logs in (docs/runbook.md#moving-infrastructure-secrets-to-the-main-vault):
 * the VaultAuth `main-<consumer>` next to the QNAP one, `qnap-<consumer>`.
 */
export const MAIN_CONSUMER_AUTH_PREFIX = 'main-';
/** The VaultAuth a bootstrap consumer logs in to the QNAP Vault with: `qnap-<consumer>`. */
export const QNAP_CONSUMER_AUTH_PREFIX = 'qnap-';
