import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { CheckedStack } from '../rules/synthesized';
import { Construct } from 'constructs';
import { ClusterEnvironmentName, LabConfig } from '../config/schema';
import { addSecretOperators } from './secret-operators';
import { TransitUnsealMaster } from '../constructs/transit-unseal-master';
import { addBootstrapIdentities, addVaultServer, VaultServerParts } from './cluster-vault';
import { addStateBackend } from './state-backend';
import { applyTerraformSettings } from './terraform-settings';
import { addRaftSnapshotJob } from './vault-snapshots';
import { RaftSnapshotCronJob } from '../constructs/raft-snapshot';

export interface ClusterStackProps {
  readonly config: LabConfig;
  readonly environment: ClusterEnvironmentName;
  /** The seal master on the QNAP Vault, when this cluster's Vault is auto-unsealed (main only). */
  readonly transitUnseal?: TransitUnsealMaster;
}

/**
 * Kubernetes installs for one cluster (operators, the Vault release). Kept apart from the Vault
 * configuration stacks because custom resources need their CRDs installed before they are planned.
 * The kubeconfig file comes from `KUBE_CONFIG_PATH`; only the context name is written.
 */
export class ClusterStack extends CheckedStack {
  public readonly environment: ClusterEnvironmentName;
  public readonly vaultServer: VaultServerParts;
  /** The raft snapshot CronJob, when `vaultServer.snapshots` is set. */
  public readonly raftSnapshots?: RaftSnapshotCronJob;

  public constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id);
    applyTerraformSettings(this);
    this.environment = props.environment;
    const env = props.config.environments[props.environment];
    new KubernetesProvider(this, 'kubernetes', { configContext: env.kubernetes.context });
    new HelmProvider(this, 'helm', { kubernetes: { configContext: env.kubernetes.context } });
    addStateBackend(this, id, env.state);
    addSecretOperators(this, props.config, props.environment);
    this.vaultServer = addVaultServer(this, props.config, props.environment, props.transitUnseal);
    if (props.environment === 'main') addBootstrapIdentities(this, props.config, this.vaultServer.namespace);
    this.raftSnapshots = addRaftSnapshotJob(this, props.config, props.environment, this.vaultServer);
  }
}
