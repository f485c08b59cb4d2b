import { Audit } from '@cdktf/provider-vault/lib/audit';
import { Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { invalidProp, renamedProp } from './private/errors';
import { validateMountPath } from './kv-v2-mount';

/** `filePath` of a file audit device that writes to the Vault server's standard output. */
export const AUDIT_STDOUT = 'stdout';

/** An audit device, created here or imported with `AuditDevice.fromDevicePath`. */
export interface IAuditDevice extends IConstruct {
  /** Path of the device under `sys/audit/`, e.g. `file`: a literal. */
  readonly devicePath: string;
}

/** Properties of an {@link AuditDevice}. */
export interface AuditDeviceProps {
  /**
   * Log file inside the Vault server. The helm chart's `server.auditStorage` volume is mounted at
   * `/vault/audit`. `AUDIT_STDOUT` writes to the server's standard output, where the cluster's log
   * collector picks it up (hashicorp/vault audit/backend_file.go).
   * @default '/vault/audit/audit.log'
   */
  readonly filePath?: string;
  /** Path of the device under `sys/audit/`. @default 'file' */
  readonly devicePath?: string;
  /** Former name of `devicePath`. @deprecated use `devicePath` */
  readonly path?: string;
}

/**
 * A file audit device. Vault refuses requests it cannot audit once a device is enabled, so with a
 * single device a full disk stops Vault: size the audit volume accordingly.
 */
export class AuditDevice extends Construct implements IAuditDevice {
  /** A device enabled elsewhere (another stack, or by hand). */
  public static fromDevicePath(scope: Construct, id: string, devicePath: string): IAuditDevice {
    validateMountPath('AuditDevice.fromDevicePath', 'devicePath', devicePath);
    class Imported extends Construct implements IAuditDevice {
      public readonly devicePath = devicePath;
    }
    return new Imported(scope, id);
  }

  public readonly devicePath: string;
  /** The `vault_audit` resource. */
  public readonly resource: Audit;

  public constructor(scope: Construct, id: string, props: AuditDeviceProps = {}) {
    super(scope, id);
    const filePath = props.filePath ?? '/vault/audit/audit.log';
    if (!Token.isUnresolved(filePath) && !filePath.startsWith('/') && filePath !== AUDIT_STDOUT) {
      throw new Error(invalidProp('AuditDevice', 'filePath', filePath, `must be an absolute path inside the Vault server, or '${AUDIT_STDOUT}'`));
    }
    this.devicePath = renamedProp('AuditDevice', 'devicePath', props.devicePath, 'path', props.path) ?? 'file';
    validateMountPath('AuditDevice', 'devicePath', this.devicePath);
    this.resource = new Audit(this, 'Resource', {
      type: 'file',
      path: this.devicePath,
      options: { file_path: filePath, format: 'json' },
    });
  }
}
