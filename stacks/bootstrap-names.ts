import { ClusterEnvironmentName, LabConfig } from '../config/schema';
import { BOOTSTRAP_DEFAULTS } from '../config/schema-bootstrap';

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
  /** Audience the QNAP Vault's roles require. */
  vaultAudience: 'vault',
} as const;

export interface VaultServerTlsNames {
  readonly commonName: string;
  /** Every DNS name the server certificate carries, and nothing else. */
  readonly dnsNames: string[];
  readonly ipSans: string[];
}

/**
 * The names clients use to reach an in-cluster Vault: its Services, each pod by its stable name
 * (raft `retry_join`), the external address, and 127.0.0.1 (the CLI inside a pod).
 */
export function vaultServerTlsNames(config: LabConfig, environment: ClusterEnvironmentName): VaultServerTlsNames {
  const env = config.environments[environment];
  const ns = env.vaultServer.namespace ?? BOOTSTRAP_DEFAULTS.vaultNamespace;
  const replicas = env.vaultServer.replicas ?? BOOTSTRAP_DEFAULTS.vaultReplicas;
  const release = BOOTSTRAP_NAMES.vaultReleaseName;
  const services = [release, `${release}-active`];
  const dnsNames = [
    ...services.flatMap((s) => [s, `${s}.${ns}`, `${s}.${ns}.svc`, `${s}.${ns}.svc.cluster.local`]),
    ...Array.from({ length: replicas }, (_, i) => `${release}-${i}.${release}-internal`),
    new URL(env.vault.address).hostname,
  ];
  return { commonName: `${release}.${ns}.svc`, dnsNames: [...new Set(dnsNames)], ipSans: ['127.0.0.1'] };
}
