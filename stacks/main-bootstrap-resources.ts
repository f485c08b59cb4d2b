import { LabConfig } from '../config/schema';
import { MAIN_CONSUMER_AUTH_PREFIX, QNAP_CONSUMER_AUTH_PREFIX } from '../config/platform-names';
import { BOOTSTRAP_DEFAULTS, BootstrapConsumerConfig, consumerSecretName, consumerServiceAccount } from '../config/schema-bootstrap';
import { INFRA_MIGRATION_DEFAULTS } from '../config/schema-infra-migration';
import { BOOTSTRAP_NAMES, vaultServerTlsNames } from './bootstrap-names';
import { CLUSTER_KUBERNETES_AUTH_PATH } from './vault-snapshots';

/** A Kubernetes object as applied by `kubernetes_manifest`. */
export interface BootstrapCustomResource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: Record<string, unknown>;
}

const VSO_API = 'secrets.hashicorp.com/v1beta1';

/**
 * The Vault Secrets Operator resources that pull from the QNAP Vault into the main cluster: a
 * connection to the QNAP Vault, one VaultAuth per identity (Kubernetes auth on the QNAP Vault), the
 * main Vault's server certificate (VaultPKISecret, renewed by VSO; its key never passes through
 * Terraform), and one VaultStaticSecret per infrastructure-secret consumer.
 */
export function mainBootstrapResources(config: LabConfig): BootstrapCustomResource[] {
  const qnap = config.environments.qnap;
  const bootstrap = qnap.bootstrap;
  const vaultNamespace = config.environments.main.vaultServer.namespace ?? BOOTSTRAP_DEFAULTS.vaultNamespace;
  const authMount = bootstrap.mainCluster.authPath ?? BOOTSTRAP_DEFAULTS.kubernetesAuthPath;
  // With the client JWT as reviewer the API server must accept the token too, hence both audiences.
  const audiences = [BOOTSTRAP_NAMES.vaultAudience, bootstrap.mainCluster.apiServerAudience ?? BOOTSTRAP_DEFAULTS.apiServerAudience];
  // A VaultConnection in every namespace that logs in: VSO reports the cross-namespace
  // `<ns>/<name>` reference as unresolved in some releases (hashicorp/vault-secrets-operator#670),
  // and the bootstrap is the one path that must not depend on that.
  const connection = (namespace: string): BootstrapCustomResource => ({
    apiVersion: VSO_API,
    kind: 'VaultConnection',
    metadata: { name: BOOTSTRAP_NAMES.qnapConnectionName, namespace },
    // VSO reads `ca.crt` of the Secret named here, in the connection's own namespace
    // (hashicorp/vault-secrets-operator api/v1beta1/vaultconnection_types.go, CACertSecretRef, and its
    // VaultConnection controller, K8sNamespace); main-cluster writes one in each such namespace.
    spec: { address: qnap.vault.address, skipTLSVerify: false, ...(qnap.vault.caCert ? { caCertSecretRef: BOOTSTRAP_NAMES.qnapCaSecretName } : {}) },
  });

  const vaultAuth = (namespace: string, name: string, role: string, serviceAccount: string): BootstrapCustomResource => ({
    apiVersion: VSO_API,
    kind: 'VaultAuth',
    metadata: { name, namespace },
    spec: {
      vaultConnectionRef: BOOTSTRAP_NAMES.qnapConnectionName,
      method: 'kubernetes',
      mount: authMount,
      kubernetes: { role, serviceAccount, audiences, tokenExpirationSeconds: 600 },
    },
  });

  const resources: BootstrapCustomResource[] = [connection(vaultNamespace)];

  if (config.environments.main.vaultServer.tls.source === 'qnap-pki') {
    const names = vaultServerTlsNames(config, 'main');
    const ttlHours = bootstrap.pki?.certMaxTtlHours ?? BOOTSTRAP_DEFAULTS.certMaxTtlHours;
    const authName = 'qnap-vault-server-tls';
    resources.push(vaultAuth(vaultNamespace, authName, BOOTSTRAP_NAMES.tlsRoleName, BOOTSTRAP_NAMES.tlsServiceAccount), {
      apiVersion: VSO_API,
      kind: 'VaultPKISecret',
      metadata: { name: BOOTSTRAP_NAMES.qnapTlsSecretName, namespace: vaultNamespace },
      spec: {
        vaultAuthRef: authName,
        mount: bootstrap.pki?.mountPath ?? BOOTSTRAP_DEFAULTS.pkiMountPath,
        role: BOOTSTRAP_NAMES.pkiRoleName,
        commonName: names.commonName,
        altNames: names.dnsNames.filter((n) => n !== names.commonName),
        ipSans: names.ipSans,
        format: 'pem',
        ttl: `${ttlHours}h`,
        // Renew with a third of the lifetime left, so a weekend outage of the NAS is survivable.
        expiryOffset: `${Math.floor(ttlHours / 3)}h`,
        // Revoking needs pki revoke rights the issuing policy deliberately lacks; the short TTL bounds it.
        revoke: false,
        destination: { name: BOOTSTRAP_NAMES.qnapTlsSecretName, create: true, type: 'kubernetes.io/tls' },
        // Vault reads its certificate at start: roll the pods (auto-unsealed, they come back alone).
        rolloutRestartTargets: [{ kind: 'StatefulSet', name: BOOTSTRAP_NAMES.vaultReleaseName }],
      },
    });
  }

  for (const consumer of bootstrap.consumers) {
    const qnapAuthName = `${QNAP_CONSUMER_AUTH_PREFIX}${consumer.name}`;
    // Until `done` the QNAP objects stay, so taking `migration: copy` back points the consumer at the QNAP again.
    if (consumer.migration !== 'done') {
      if (!resources.some((r) => r.kind === 'VaultConnection' && r.metadata.namespace === consumer.namespace)) {
        resources.push(connection(consumer.namespace));
      }
      resources.push(vaultAuth(consumer.namespace, qnapAuthName, consumer.name, consumerServiceAccount(consumer)));
    }
    const mainAuth = consumer.migration === undefined ? undefined : mainVaultAuth(consumer);
    if (mainAuth) resources.push(mainAuth);
    resources.push({
      apiVersion: VSO_API,
      kind: 'VaultStaticSecret',
      metadata: { name: consumer.name, namespace: consumer.namespace },
      spec: {
        vaultAuthRef: mainAuth ? mainAuth.metadata.name : qnapAuthName,
        type: 'kv-v2',
        mount: mainAuth ? (config.environments.main.infraSecrets?.mountPath ?? INFRA_MIGRATION_DEFAULTS.mountPath) : (bootstrap.infraKvPath ?? BOOTSTRAP_DEFAULTS.infraKvPath),
        path: consumer.kvPath,
        refreshAfter: '1h',
        hmacSecretData: true,
        destination: { name: consumerSecretName(consumer), create: true, type: consumer.secretType ?? 'Opaque' },
      },
    });
  }
  return resources;
}

/**
 * The VaultAuth of a consumer moved to the main Vault (docs/runbook.md#moving-infrastructure-secrets-to-the-main-vault),
 * for its role `<name>` on the main Vault's Kubernetes auth (stacks/infra-migration.ts). Like every
 * app's, it names no `vaultConnectionRef`: VSO's default VaultConnection reaches the main Vault
 * (constructs/delivery-model.ts, vsoObjects).
 */
function mainVaultAuth(consumer: BootstrapConsumerConfig): BootstrapCustomResource {
  return {
    apiVersion: VSO_API,
    kind: 'VaultAuth',
    metadata: { name: `${MAIN_CONSUMER_AUTH_PREFIX}${consumer.name}`, namespace: consumer.namespace },
    spec: {
      method: 'kubernetes',
      mount: CLUSTER_KUBERNETES_AUTH_PATH,
      kubernetes: { role: consumer.name, serviceAccount: consumerServiceAccount(consumer), audiences: [BOOTSTRAP_NAMES.vaultAudience], tokenExpirationSeconds: 600 },
    },
  };
}
