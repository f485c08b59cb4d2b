import { isIP } from 'net';
import { ClusterEnvironmentName, LabConfig } from '../config/schema';
import { BOOTSTRAP_NAMES } from '../config/platform-names';
import { BOOTSTRAP_DEFAULTS } from '../config/schema-bootstrap';
import { addressHostPort } from '../config/schema-exposure';

// Defined with the other names the platform owns, so the config can refuse collisions with them.
export { BOOTSTRAP_NAMES };

export interface VaultServerTlsNames {
  readonly commonName: string;
  /** Every DNS name the server certificate carries, and nothing else. */
  readonly dnsNames: string[];
  readonly ipSans: string[];
}

/**
 * The names clients use to reach an in-cluster Vault: its Services, each pod by its stable name
 * (raft `retry_join`), the external address's host (an IP SAN when it is an IP, which TLS clients
 * check only against IP SANs: golang/go src/crypto/x509/verify.go, VerifyHostname), and 127.0.0.1
 * (the CLI inside a pod).
 */
export function vaultServerTlsNames(config: LabConfig, environment: ClusterEnvironmentName): VaultServerTlsNames {
  const env = config.environments[environment];
  const ns = env.vaultServer.namespace ?? BOOTSTRAP_DEFAULTS.vaultNamespace;
  const replicas = env.vaultServer.replicas ?? BOOTSTRAP_DEFAULTS.vaultReplicas;
  const release = BOOTSTRAP_NAMES.vaultReleaseName;
  const services = [release, `${release}-active`];
  const { host } = addressHostPort(env.vault.address);
  const hostIsIp = isIP(host) !== 0;
  const dnsNames = [
    ...services.flatMap((s) => [s, `${s}.${ns}`, `${s}.${ns}.svc`, `${s}.${ns}.svc.cluster.local`]),
    ...Array.from({ length: replicas }, (_, i) => `${release}-${i}.${release}-internal`),
    ...(hostIsIp ? [] : [host]),
  ];
  return { commonName: `${release}.${ns}.svc`, dnsNames: [...new Set(dnsNames)], ipSans: [...new Set(['127.0.0.1', ...(hostIsIp ? [host] : [])])] };
}
