import { Audit } from '@cdktf/provider-vault/lib/audit';
import { Construct } from 'constructs';
import { invalidProp } from './errors';

export interface AuditDeviceProps {
  /**
   * Log file inside the Vault server. The helm chart's `server.auditStorage` volume is mounted at
   * `/vault/audit`.
   * @default '/vault/audit/audit.log'
   */
  readonly filePath?: string;
  /** Mount path of the device under `sys/audit/`. @default 'file' */
  readonly path?: string;
}

/**
 * A file audit device. Vault refuses requests it cannot audit once a device is enabled, so with a
 * single device a full disk stops Vault: size the audit volume accordingly.
 */
export class AuditDevice extends Construct {
  public readonly resource: Audit;

  public constructor(scope: Construct, id: string, props: AuditDeviceProps = {}) {
    super(scope, id);
    const filePath = props.filePath ?? '/vault/audit/audit.log';
    if (!filePath.startsWith('/')) {
      throw new Error(invalidProp('AuditDevice', 'filePath', filePath, 'must be an absolute path inside the Vault server'));
    }
    this.resource = new Audit(this, 'Resource', {
      type: 'file',
      path: props.path ?? 'file',
      options: { file_path: filePath, format: 'json' },
    });
  }
}
