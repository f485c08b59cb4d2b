import { Annotations } from 'cdktf';
import { CheckedStack } from '../rules/synthesized';
import { Construct } from 'constructs';
import { LabConfig } from '../config/schema';
import { BOOTSTRAP_DEFAULTS, consumerServiceAccount, transitKeyName } from '../config/schema-bootstrap';
import { AuditDevice } from '../constructs/audit-device';
import { BootstrapPki } from '../constructs/bootstrap-pki';
import { InfraSecretConsumer } from '../constructs/infra-secret-consumer';
import { KubernetesAuthBackend } from '../constructs/kubernetes-auth-backend';
import { KubernetesAuthRole } from '../constructs/kubernetes-auth-role';
import { KvV2Mount } from '../constructs/kv-v2-mount';
import { TransitMount } from '../constructs/transit-mount';
import { escapeTemplateMarkers } from '../constructs/terraform-expression';
import { TransitUnsealMaster } from '../constructs/transit-unseal-master';
import { VaultPolicy } from '../constructs/vault-policy';
import { BOOTSTRAP_NAMES, vaultServerTlsNames } from './bootstrap-names';
import { addStateBackend } from './state-backend';
import { applyTerraformSettings } from './terraform-settings';
import { addVaultProvider } from './vault-provider';
import { addQnapSnapshotRole, QnapSnapshotIdentity } from './vault-snapshots';

export interface QnapStackProps {
  readonly config: LabConfig;
}

/**
 * The bootstrap Vault on the NAS: infrastructure secrets (paths, policies, metadata; never values),
 * the PKI that issues the main Vault's server certificate, a Kubernetes auth backend trusting the main
 * cluster, and the transit keys and tokens that auto-unseal the main Vault. Its state holds the seal
 * tokens (sensitive): see docs/bootstrap.md for how to protect it.
 */
export class QnapStack extends CheckedStack {
  public readonly infraKv: KvV2Mount;
  public readonly kubernetesAuth: KubernetesAuthBackend;
  public readonly pki: BootstrapPki;
  public readonly transit: TransitMount;
  /** Seal masters by the environment they unseal. */
  public readonly transitUnsealMasters: ReadonlyMap<string, TransitUnsealMaster>;
  public readonly consumers: readonly InfraSecretConsumer[];
  /** The NAS snapshot timer's token role and policy, when `environments.qnap.snapshots` is set. */
  public readonly raftSnapshots?: QnapSnapshotIdentity;

  public constructor(scope: Construct, id: string, props: QnapStackProps) {
    super(scope, id);
    applyTerraformSettings(this);
    const qnap = props.config.environments.qnap;
    const bootstrap = qnap.bootstrap;
    addVaultProvider(this, qnap.vault);
    addStateBackend(this, id, qnap.state);
    new AuditDevice(this, 'Audit');
    if (qnap.vault.address.startsWith('http://')) {
      Annotations.of(this).addWarning(
        `the bootstrap Vault is reached over plain http (${qnap.vault.address}, allowed by environments.qnap.vault.allowInsecureHttp): tokens cross the network unencrypted`,
      );
    }

    this.infraKv = new KvV2Mount(this, 'InfraKv', { mountPath: bootstrap.infraKvPath ?? BOOTSTRAP_DEFAULTS.infraKvPath, description: 'Infrastructure secrets (values written by operators)' });
    // Client JWT as reviewer: no token_reviewer_jwt, so no long-lived cluster token in this state.
    this.kubernetesAuth = new KubernetesAuthBackend(this, 'MainClusterAuth', {
      mountPath: bootstrap.mainCluster.authPath ?? BOOTSTRAP_DEFAULTS.kubernetesAuthPath,
      kubernetesHost: bootstrap.mainCluster.apiHost,
      kubernetesCaCert: bootstrap.mainCluster.apiCaCert,
      description: 'The main cluster (bootstrap consumers only)',
    });

    const consumersScope = new Construct(this, 'Consumers');
    // A consumer moved to the main Vault (migration: done) is served there: its identity here goes;
    // its metadata resource never deletes, so the value stays until `vault kv metadata delete`.
    this.consumers = bootstrap.consumers.filter((c) => c.migration !== 'done').map(
      (c) =>
        new InfraSecretConsumer(consumersScope, c.name, {
          kv: this.infraKv,
          consumerName: c.name,
          secretPath: c.kvPath,
          kubernetesAuth: this.kubernetesAuth,
          namespace: c.namespace,
          serviceAccountName: consumerServiceAccount(c),
          audience: BOOTSTRAP_NAMES.vaultAudience,
        }),
    );

    const tlsNames = vaultServerTlsNames(props.config, 'main');
    this.pki = new BootstrapPki(this, 'Pki', {
      mountPath: bootstrap.pki?.mountPath ?? BOOTSTRAP_DEFAULTS.pkiMountPath,
      // Free text from the config (config/terraform-text.ts): literal, never a Terraform expression.
      caCommonName: escapeTemplateMarkers(bootstrap.pki?.caCommonName ?? BOOTSTRAP_DEFAULTS.caCommonName),
      certMaxTtlHours: bootstrap.pki?.certMaxTtlHours ?? BOOTSTRAP_DEFAULTS.certMaxTtlHours,
      roleName: BOOTSTRAP_NAMES.pkiRoleName,
      allowedDnsNames: tlsNames.dnsNames,
      allowIpSans: true,
    });
    const tlsPolicy = new VaultPolicy(this, 'VaultServerTlsPolicy', { policyName: BOOTSTRAP_NAMES.tlsRoleName });
    this.pki.grantIssue(tlsPolicy);
    new KubernetesAuthRole(this, 'VaultServerTlsRole', {
      backend: this.kubernetesAuth,
      roleName: BOOTSTRAP_NAMES.tlsRoleName,
      serviceAccountNames: [BOOTSTRAP_NAMES.tlsServiceAccount],
      namespaces: [props.config.environments.main.vaultServer.namespace ?? BOOTSTRAP_DEFAULTS.vaultNamespace],
      policies: [tlsPolicy],
      audience: BOOTSTRAP_NAMES.vaultAudience,
      tokenTtl: 900,
      // VSO renews the token while the VaultPKISecret exists; a stale one dies within the period.
      tokenPeriod: 3600,
    });

    this.transit = new TransitMount(this, 'TransitUnseal', {
      mountPath: bootstrap.transitUnseal.mountPath ?? BOOTSTRAP_DEFAULTS.transitMountPath,
      description: 'Auto-unseal keys of the in-cluster Vaults',
    });
    const mastersScope = new Construct(this, 'UnsealMasters');
    const masters = new Map<string, TransitUnsealMaster>();
    for (const entry of bootstrap.transitUnseal.unsealed) {
      masters.set(
        entry.environment,
        new TransitUnsealMaster(mastersScope, entry.environment, {
          mount: this.transit,
          unsealedVaultName: entry.environment,
          unsealedVaultAddress: props.config.environments[entry.environment].vault.address,
          sealAddress: qnap.vault.address,
          keyName: transitKeyName(entry),
        }),
      );
    }
    this.transitUnsealMasters = masters;
    this.raftSnapshots = addQnapSnapshotRole(this, props.config);
  }
}
