import { Mount } from '@cdktf/provider-vault/lib/mount';
import { Construct, IConstruct } from 'constructs';
import { addEngineMount } from './private/engine-mount';
import { invalidProp } from './private/errors';
import { validateMountPath } from './kv-v2-mount';
import { UPDATE } from './policy/capabilities';
import { IPolicyGrantee } from './vault-policy';

/** A transit secrets engine, created here or imported with `TransitMount.fromMountPath`. */
export interface ITransitMount extends IConstruct {
  /** Path the engine is mounted at, e.g. `transit`: a literal, usable in policies and seal stanzas. */
  readonly mountPath: string;
  /**
   * The path for the `backend` attribute of keys: a reference to the mount resource when this stack
   * owns it, so Terraform creates the mount first.
   */
  readonly backend: string;
  /**
   * Records that the construct at `ownerPath` owns key `keyName` in this mount. Two owners of one key
   * would share it silently (for unseal keys: one Vault's token could unseal the other), so a second
   * claim fails.
   */
  claimKeyName(construct: string, prop: string, keyName: string, ownerPath: string): void;
  /** `update` on `<mount>/encrypt/<key>` and `<mount>/decrypt/<key>`: exactly what a seal or an app needs. */
  grantEncryptDecrypt(grantee: IPolicyGrantee, keyName: string): void;
}

/** Properties of a {@link TransitMount}. */
export interface TransitMountProps {
  /** Path the engine is mounted at. @default 'transit' */
  readonly mountPath?: string;
  /** Former name of `mountPath`. @deprecated use `mountPath` */
  readonly path?: string;
  /** Description of the engine in Vault. @default 'Transit encryption as a service' */
  readonly description?: string;
}

abstract class TransitMountBase extends Construct implements ITransitMount {
  public abstract readonly mountPath: string;
  public abstract readonly backend: string;
  /** Key name → path of the construct that owns it. */
  private readonly keyOwners = new Map<string, string>();

  public claimKeyName(construct: string, prop: string, keyName: string, ownerPath: string): void {
    const owner = this.keyOwners.get(keyName);
    if (owner !== undefined) {
      throw new Error(invalidProp(construct, prop, keyName, `is already used in transit mount '${this.mountPath}' by ${owner}; give each key owner its own key name`));
    }
    this.keyOwners.set(keyName, ownerPath);
  }

  public grantEncryptDecrypt(grantee: IPolicyGrantee, keyName: string): void {
    grantee.allow(`${this.mountPath}/encrypt/${keyName}`, UPDATE);
    grantee.allow(`${this.mountPath}/decrypt/${keyName}`, UPDATE);
  }
}

/** A transit secrets engine. Keys are created by the constructs that own them. */
export class TransitMount extends TransitMountBase {
  /** A transit engine created elsewhere (another stack, or by hand). */
  public static fromMountPath(scope: Construct, id: string, mountPath: string): ITransitMount {
    validateMountPath('TransitMount.fromMountPath', 'mountPath', mountPath);
    class Imported extends TransitMountBase {
      public readonly mountPath = mountPath;
      public readonly backend = mountPath;
    }
    return new Imported(scope, id);
  }

  /** Path the engine is mounted at. */
  public readonly mountPath: string;
  /** The same path as a reference, so Terraform creates keys after the engine. */
  public readonly backend: string;
  /** The engine's `vault_mount`. */
  public readonly mount: Mount;

  public constructor(scope: Construct, id: string, props: TransitMountProps = {}) {
    super(scope, id);
    ({ mountPath: this.mountPath, mount: this.mount } = addEngineMount(this, 'TransitMount', props, {
      mountPath: 'transit',
      type: 'transit',
      description: 'Transit encryption as a service',
    }));
    this.backend = this.mount.path;
  }
}
