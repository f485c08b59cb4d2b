import { Annotations, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { LabConfig } from '../config/schema';
import { AuditDevice } from '../constructs/audit-device';
import { addStateBackend } from './state-backend';
import { applyTerraformSettings } from './terraform-settings';
import { addVaultProvider } from './vault-provider';

export interface QnapStackProps {
  readonly config: LabConfig;
}

/** The bootstrap Vault on the NAS: infrastructure secrets and the transit key that unseals main. */
export class QnapStack extends TerraformStack {
  public constructor(scope: Construct, id: string, props: QnapStackProps) {
    super(scope, id);
    applyTerraformSettings(this);
    const qnap = props.config.environments.qnap;
    addVaultProvider(this, qnap.vault.address);
    addStateBackend(this, id, qnap.state);
    new AuditDevice(this, 'Audit');
    if (qnap.vault.address.startsWith('http://')) {
      Annotations.of(this).addWarning(
        `the bootstrap Vault is reached over plain http (${qnap.vault.address}, allowed by environments.qnap.vault.allowInsecureHttp): tokens cross the network unencrypted`,
      );
    }
  }
}
