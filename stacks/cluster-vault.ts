import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { Construct } from 'constructs';
import { ClusterEnvironmentName, LabConfig } from '../config/schema';
import { BOOTSTRAP_DEFAULTS, bootstrapServiceAccounts, VaultServerConfig } from '../config/schema-bootstrap';
import { TerraformExpression } from '../constructs/terraform-expression';
import { TransitUnsealMaster } from '../constructs/transit-unseal-master';
import { VaultExposure, VaultRelease, VaultReleaseMonitoring, VaultTlsSecret, VaultTransitSeal } from '../constructs/vault-release';
import { vaultAlertRules } from '../constructs/vault-alert-rules';
import { VaultNetworkPolicy } from '../constructs/vault-network-policy';
import { CA_CERT_KEY, ESO_NAMESPACE, VSO_NAMESPACE } from '../constructs/delivery-model';
import { OPERATIONS_DEFAULTS } from '../config/schema-operations';
import { DEFAULT_BREAK_GLASS_AUTH_PATH } from '../config/schema-break-glass';
import { addressHostPort, EXPOSURE_DEFAULTS } from '../config/schema-exposure';
import { SNAPSHOT_NAMES } from '../config/platform-names';
import { usesEso } from './secret-operators';
import { BOOTSTRAP_NAMES } from './bootstrap-names';
import { VAULT_CHART } from '../constructs/charts';
import { vaultCaCertificate } from '../config/vault-ca';

export interface VaultServerParts {
  readonly release: VaultRelease;
  readonly namespace: NamespaceV1;
  /** The Secret holding the transit seal token, when the Vault is auto-unsealed. */
  readonly transitTokenSecret?: SecretV1;
  /** The NetworkPolicy in front of the Vault pods, when `vaultServer.networkPolicy` is set. */
  readonly networkPolicy?: VaultNetworkPolicy;
}

/**
 * The in-cluster Vault of `environment`: its namespace, the seal token's Secret (transit unseal only)
 * and the helm release. The sandbox is built `isolated`, so it can never be handed a transit seal.
 */
export function addVaultServer(
  scope: Construct,
  config: LabConfig,
  environment: ClusterEnvironmentName,
  transitUnseal: TransitUnsealMaster | undefined,
): VaultServerParts {
  const server = config.environments[environment].vaultServer;
  const root = new Construct(scope, 'VaultServer');
  const namespaceName = server.namespace ?? BOOTSTRAP_DEFAULTS.vaultNamespace;
  const namespace = new NamespaceV1(root, 'Namespace', { metadata: { name: namespaceName } });

  // Only main connects to the QNAP Vault (the VaultConnection here, the seal); the sandbox never does.
  const qnapCa = environment === 'main' ? addQnapCaSecret(root, 'QnapCaCert', config, namespace.metadata.name) : undefined;
  let transitSeal: VaultTransitSeal | undefined;
  let transitTokenSecret: SecretV1 | undefined;
  if (transitUnseal) {
    // The token arrives by cross-stack reference (a sensitive output of `qnap`, read through its
    // remote state). It goes into a Secret only: never into helm values, which end in a ConfigMap.
    transitTokenSecret = new SecretV1(root, 'TransitUnsealToken', {
      metadata: {
        name: BOOTSTRAP_NAMES.transitTokenSecretName,
        namespace: namespace.metadata.name,
        labels: { 'app.kubernetes.io/part-of': 'vault', 'vault-platform/purpose': 'transit-unseal' },
      },
      type: 'Opaque',
      data: { [BOOTSTRAP_NAMES.transitTokenSecretKey]: transitUnseal.token },
    });
    transitSeal = {
      stanza: transitUnseal.sealStanza,
      tokenSecretName: BOOTSTRAP_NAMES.transitTokenSecretName,
      tokenSecretKey: BOOTSTRAP_NAMES.transitTokenSecretKey,
      caCertSecretName: qnapCa ? BOOTSTRAP_NAMES.qnapCaSecretName : undefined,
    };
  }

  const release = new VaultRelease(root, 'Release', {
    chart: VAULT_CHART,
    namespace: namespaceName,
    releaseName: BOOTSTRAP_NAMES.vaultReleaseName,
    replicas: server.replicas ?? BOOTSTRAP_DEFAULTS.vaultReplicas,
    tls: vaultTlsSecret(server),
    transitSeal,
    isolated: environment === 'sandbox',
    storageSize: server.storageSize ?? BOOTSTRAP_DEFAULTS.storageSize,
    monitoring: vaultMonitoring(config, environment),
    exposure: vaultExposure(config, environment),
  });
  // The release installs into the namespace and its pods read the token and CA Secrets by name, so
  // they come first. As `depends_on`: cdktf renders only a resource's dependsOn, never node.addDependency
  // (hashicorp/terraform-cdk packages/cdktf/lib/terraform-resource.ts, terraformMetaArguments).
  release.release.dependsOn = [namespace, ...(transitTokenSecret ? [transitTokenSecret] : []), ...(transitSeal?.caCertSecretName && qnapCa ? [qnapCa] : [])].map(
    TerraformExpression.address,
  );
  const networkPolicy = server.networkPolicy
    ? new VaultNetworkPolicy(root, 'NetworkPolicy', {
        namespace: namespaceName,
        releaseName: BOOTSTRAP_NAMES.vaultReleaseName,
        clientNamespaces: vaultClientNamespaces(config, environment),
        clientCidrs: server.networkPolicy.clientCidrs,
      })
    : undefined;
  if (networkPolicy) networkPolicy.resource.dependsOn = [TerraformExpression.address(namespace)];
  return { release, namespace, transitTokenSecret, networkPolicy };
}

/**
 * The namespaces whose pods call an environment's Vault: the secret operators (apps never do; the
 * operators log in on their behalf), Prometheus, the snapshot job in Vault's own namespace, and the
 * configured clients.
 */
export function vaultClientNamespaces(config: LabConfig, environment: ClusterEnvironmentName): string[] {
  const server = config.environments[environment].vaultServer;
  return [
    VSO_NAMESPACE,
    ...(usesEso(config) ? [ESO_NAMESPACE] : []),
    ...(server.monitoring ? [server.monitoring.prometheusNamespace] : []),
    ...(server.snapshots ? [server.namespace ?? BOOTSTRAP_DEFAULTS.vaultNamespace] : []),
    // With passthrough the Vault pod sees the connection come from the ingress controller's pod.
    ...(server.exposure?.type === 'ingress' ? [server.exposure.controllerNamespace ?? EXPOSURE_DEFAULTS.ingressControllerNamespace] : []),
    ...(server.networkPolicy?.clientNamespaces ?? []),
  ];
}

/** An environment's Vault exposed at the host and port of its `vault.address` (config/exposure-checks.ts keeps them equal). */
function vaultExposure(config: LabConfig, environment: ClusterEnvironmentName): VaultExposure | undefined {
  const { vault, vaultServer } = config.environments[environment];
  const exposure = vaultServer.exposure;
  if (!exposure) return undefined;
  const address = addressHostPort(vault.address);
  return exposure.type === 'loadBalancer'
    ? {
        type: 'loadBalancer',
        port: address.port,
        loadBalancerIP: exposure.loadBalancerIP,
        externalTrafficPolicy: exposure.externalTrafficPolicy,
        sourceRanges: exposure.sourceRanges,
      }
    : { type: 'ingress', host: address.host, className: exposure.className };
}

/** Metrics and the alert rules of an environment's Vault, from `vaultServer.monitoring`. */
function vaultMonitoring(config: LabConfig, environment: ClusterEnvironmentName): VaultReleaseMonitoring | undefined {
  const server = config.environments[environment].vaultServer;
  if (!server.monitoring) return undefined;
  const breakGlass = config.environments[environment].operators?.breakGlass;
  return {
    selectors: server.monitoring.selectors,
    alertRules: vaultAlertRules({
      namespace: server.namespace ?? BOOTSTRAP_DEFAULTS.vaultNamespace,
      releaseName: BOOTSTRAP_NAMES.vaultReleaseName,
      transitSeal: server.unseal === 'transit',
      certificateVaultPkiSecret: server.tls.source === 'qnap-pki' ? BOOTSTRAP_NAMES.qnapTlsSecretName : undefined,
      vso: true,
      eso: usesEso(config),
      snapshot: server.snapshots
        ? { cronJobName: SNAPSHOT_NAMES.cronJob, maxAgeHours: server.monitoring.snapshotMaxAgeHours ?? OPERATIONS_DEFAULTS.snapshotMaxAgeHours }
        : undefined,
      breakGlassAuthPath: breakGlass ? (breakGlass.authPath ?? DEFAULT_BREAK_GLASS_AUTH_PATH) : undefined,
    }),
  };
}

/** The Secret with the server's certificate, and the key of the CA that signed it. */
export function vaultTlsSecret(server: VaultServerConfig): Required<Pick<VaultTlsSecret, 'secretName' | 'caKey'>> {
  return server.tls.source === 'qnap-pki'
    ? // VSO's VaultPKISecret writes tls.crt/tls.key and the raw `issuing_ca` field.
      { secretName: BOOTSTRAP_NAMES.qnapTlsSecretName, caKey: 'issuing_ca' }
    : { secretName: server.tls.secretName, caKey: 'ca.crt' };
}

/**
 * The QNAP Vault's CA as the Secret `qnap-vault-ca` (key `ca.crt`, where VaultConnection's
 * `caCertSecretRef` and the seal's mount read it) in `namespace`; undefined when the QNAP Vault has
 * no `caCert`. A CA certificate is public, so it may sit in this stack's state; this stack runs
 * before main-bootstrap, whose VaultConnections name it.
 */
function addQnapCaSecret(scope: Construct, id: string, config: LabConfig, namespace: string): SecretV1 | undefined {
  const ca = vaultCaCertificate(config.environments.qnap.vault);
  if (!ca) return undefined;
  return new SecretV1(scope, id, {
    metadata: { name: BOOTSTRAP_NAMES.qnapCaSecretName, namespace, labels: { 'vault-platform/purpose': 'qnap-ca' } },
    type: 'Opaque',
    data: { [CA_CERT_KEY]: ca.pem },
  });
}

/**
 * The main cluster's identities that log in to the QNAP Vault: one ServiceAccount per bootstrap
 * consumer and one for the Vault server certificate. The QNAP Vault reviews their tokens with the
 * tokens themselves (client JWT as reviewer), so each needs `system:auth-delegator`, and nothing more.
 */
export function addBootstrapIdentities(scope: Construct, config: LabConfig, vaultNamespaceResource: NamespaceV1): ServiceAccountV1[] {
  const root = new Construct(scope, 'BootstrapIdentities');
  const vaultNamespace = config.environments.main.vaultServer.namespace ?? BOOTSTRAP_DEFAULTS.vaultNamespace;
  const accounts = bootstrapServiceAccounts(config);
  // Consumer namespaces other than Vault's are created here, so the accounts have a home on first
  // deploy; accounts reference them by attribute, so Terraform creates each namespace first.
  const namespaces = new Map<string, string>([[vaultNamespace, vaultNamespaceResource.metadata.name]]);
  for (const ns of new Set(accounts.map((a) => a.namespace))) {
    if (ns === vaultNamespace) continue;
    namespaces.set(ns, new NamespaceV1(root, `Namespace-${ns}`, { metadata: { name: ns } }).metadata.name);
  }
  for (const [ns, name] of namespaces) {
    if (ns !== vaultNamespace) addQnapCaSecret(root, `QnapCaCert-${ns}`, config, name);
  }
  const serviceAccounts = accounts.map(
    (a) =>
      new ServiceAccountV1(root, a.id, {
        metadata: { name: a.name, namespace: namespaces.get(a.namespace)!, labels: { 'vault-platform/purpose': 'qnap-bootstrap' } },
        automountServiceAccountToken: false,
      }),
  );
  new ClusterRoleBindingV1(root, 'AuthDelegator', {
    metadata: { name: 'vault-platform-qnap-bootstrap-auth-delegator' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
    subject: accounts.map((a) => ({ kind: 'ServiceAccount', name: a.name, namespace: a.namespace })),
  });
  return serviceAccounts;
}
