import { Mount } from '@cdktf/provider-vault/lib/mount';
import { Construct } from 'constructs';
import { invalidProp } from './errors';
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
  /** Key name → path of the construct that owns it. */
  private readonly keyOwners = new Map<string, string>();

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

  /**
   * Records that the construct at `ownerPath` owns key `keyName` in this mount. Two owners of one key
   * would share it silently (for unseal keys: one Vault's token could unseal the other), so a second
   * claim fails.
   */
  public claimKeyName(construct: string, prop: string, keyName: string, ownerPath: string): void {
    const owner = this.keyOwners.get(keyName);
    if (owner !== undefined) {
      throw new Error(invalidProp(construct, prop, keyName, `is already used in transit mount '${this.mountPath}' by ${owner}; give each key owner its own key name`));
    }
    this.keyOwners.set(keyName, ownerPath);
  }

  /** `update` on `<mount>/encrypt/<key>` and `<mount>/decrypt/<key>`: exactly what a seal or an app needs. */
  public grantEncryptDecrypt(grantee: IPolicyGrantee, keyName: string): void {
    grantee.allow(`${this.mountPath}/encrypt/${keyName}`, UPDATE);
    grantee.allow(`${this.mountPath}/decrypt/${keyName}`, UPDATE);
  }
}
