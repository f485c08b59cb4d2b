import { Mount } from '@cdktf/provider-vault/lib/mount';
import { Construct, IConstruct } from 'constructs';
import { renamedProp } from './private/errors';
import { validateMountPath } from './kv-v2-mount';
import { READ, READ_LIST } from './policy/capabilities';
import { IPolicyGrantee } from './vault-policy';

/** A KV version 1 engine, created here or imported with `KvV1Mount.fromMountPath`: values at `<mount>/<path>`. */
export interface IKvV1Mount extends IConstruct {
  /** Path the engine is mounted at, e.g. `kv`: a literal, usable in policies. */
  readonly mountPath: string;
  /** Read a secret. */
  grantRead(grantee: IPolicyGrantee, secretPath: string): void;
  /** Read a secret and list the keys below it. */
  grantList(grantee: IPolicyGrantee, secretPath: string): void;
}

/** Properties of a {@link KvV1Mount}. */
export interface KvV1MountProps {
  /** Path the engine is mounted at. @default 'kv' */
  readonly mountPath?: string;
  /** Former name of `mountPath`. @deprecated use `mountPath` */
  readonly path?: string;
  /** Description of the engine in Vault. @default 'KV v1 secrets (unversioned)' */
  readonly description?: string;
}

abstract class KvV1MountBase extends Construct implements IKvV1Mount {
  public abstract readonly mountPath: string;

  public grantRead(grantee: IPolicyGrantee, secretPath: string): void {
    grantee.allow(`${this.mountPath}/${secretPath}`, READ);
  }

  public grantList(grantee: IPolicyGrantee, secretPath: string): void {
    grantee.allow(`${this.mountPath}/${secretPath}`, READ_LIST);
  }
}

/** A KV version 1 engine: unversioned, values at `<mount>/<path>`. */
export class KvV1Mount extends KvV1MountBase {
  /** A KV v1 engine created elsewhere (another stack, or by hand). */
  public static fromMountPath(scope: Construct, id: string, mountPath: string): IKvV1Mount {
    validateMountPath('KvV1Mount.fromMountPath', 'mountPath', mountPath);
    class Imported extends KvV1MountBase {
      public readonly mountPath = mountPath;
    }
    return new Imported(scope, id);
  }

  /** Path the engine is mounted at. */
  public readonly mountPath: string;
  /** The engine's `vault_mount`. */
  public readonly mount: Mount;

  public constructor(scope: Construct, id: string, props: KvV1MountProps = {}) {
    super(scope, id);
    this.mountPath = renamedProp('KvV1Mount', 'mountPath', props.mountPath, 'path', props.path) ?? 'kv';
    validateMountPath('KvV1Mount', 'mountPath', this.mountPath);
    this.mount = new Mount(this, 'Mount', {
      path: this.mountPath,
      type: 'kv',
      options: { version: '1' },
      description: props.description ?? 'KV v1 secrets (unversioned)',
    });
    this.node.defaultChild = this.mount;
  }
}
