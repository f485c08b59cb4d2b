import { Mount } from '@cdktf/provider-vault/lib/mount';
import { Construct } from 'constructs';
import { validateMountPath } from './kv-v2-mount';
import { UPDATE } from './policy/capabilities';
import { IPolicyGrantee } from './vault-policy';

export interface TransitMountProps {
  /** Path the engine is mounted at. @default 'transit' */
  readonly path?: string;
  /** @default 'Transit encryption as a service' */
  readonly description?: string;
}

/** A transit secrets engine. Keys are created by the constructs that own them. */
export class TransitMount extends Construct {
  public readonly mountPath: string;
  public readonly mount: Mount;

  public constructor(scope: Construct, id: string, props: TransitMountProps = {}) {
    super(scope, id);
    this.mountPath = props.path ?? 'transit';
    validateMountPath('TransitMount', 'path', this.mountPath);
    this.mount = new Mount(this, 'Mount', {
      path: this.mountPath,
      type: 'transit',
      description: props.description ?? 'Transit encryption as a service',
    });
  }

  /** `update` on `<mount>/encrypt/<key>` and `<mount>/decrypt/<key>`: exactly what a seal or an app needs. */
  public grantEncryptDecrypt(grantee: IPolicyGrantee, keyName: string): void {
    grantee.allow(`${this.mountPath}/encrypt/${keyName}`, UPDATE);
    grantee.allow(`${this.mountPath}/decrypt/${keyName}`, UPDATE);
  }
}
