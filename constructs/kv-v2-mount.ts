import { KvSecretBackendV2 } from '@cdktf/provider-vault/lib/kv-secret-backend-v2';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { invalidProp, renamedProp, requireLiteral } from './private/errors';
import { MOUNT_PATH } from './names';
import { READ, READ_LIST, READ_WRITE, UPDATE } from './policy/capabilities';
import { IPolicyGrantee } from './vault-policy';

/**
 * A KV version 2 secrets engine, created here or imported with `KvV2Mount.fromMountPath`.
 *
 * Grant methods know the engine's real API paths
 * (https://developer.hashicorp.com/vault/docs/secrets/kv/kv-v2#acl-rules): values are read and
 * written under `<mount>/data/`, listed and versioned under `<mount>/metadata/`, and soft delete,
 * undelete and destroy are separate `update` endpoints. `secretPath` may end in `/*` (Vault's prefix
 * glob); note that `app/*` does not match `app` itself.
 */
export interface IKvV2Mount extends IConstruct {
  /** Path the engine is mounted at, e.g. `kvv2`: a literal, usable in policies. */
  readonly mountPath: string;
  /** The API path that holds a secret's values: `<mount>/data/<secretPath>`. */
  dataPath(secretPath: string): string;
  /** The API path that holds a secret's versions and custom metadata: `<mount>/metadata/<secretPath>`. */
  metadataPath(secretPath: string): string;
  /** Read the current (or a given) version of a secret. */
  grantRead(grantee: IPolicyGrantee, secretPath: string): void;
  /** Create, replace, patch and read a secret, and read its version metadata. Never delete. */
  grantReadWrite(grantee: IPolicyGrantee, secretPath: string): void;
  /** List the keys below a folder and read version metadata there. */
  grantList(grantee: IPolicyGrantee, secretPath: string): void;
  /** Soft-delete versions (recoverable with undelete). */
  grantSoftDelete(grantee: IPolicyGrantee, secretPath: string): void;
  /** Restore soft-deleted versions. */
  grantUndelete(grantee: IPolicyGrantee, secretPath: string): void;
  /** Permanently destroy versions and delete all metadata. Never give this to an app. */
  grantDestroy(grantee: IPolicyGrantee, secretPath: string): void;
}

/** Properties of a {@link KvV2Mount}. */
export interface KvV2MountProps {
  /** Path the engine is mounted at. @default 'kvv2' */
  readonly mountPath?: string;
  /** Former name of `mountPath`. @deprecated use `mountPath` */
  readonly path?: string;
  /** Versions kept per secret. @default 10 */
  readonly maxVersions?: number;
  /** Require check-and-set on every write. @default false */
  readonly casRequired?: boolean;
  /** Description of the engine in Vault. @default 'KV v2 secrets' */
  readonly description?: string;
}

abstract class KvV2MountBase extends Construct implements IKvV2Mount {
  public abstract readonly mountPath: string;

  public grantRead(grantee: IPolicyGrantee, secretPath: string): void {
    grantee.allow(this.dataPath(secretPath), READ);
  }

  public grantReadWrite(grantee: IPolicyGrantee, secretPath: string): void {
    grantee.allow(this.dataPath(secretPath), READ_WRITE);
    grantee.allow(this.metadataPath(secretPath), READ);
  }

  public grantList(grantee: IPolicyGrantee, secretPath: string): void {
    grantee.allow(this.metadataPath(secretPath), READ_LIST);
  }

  public grantSoftDelete(grantee: IPolicyGrantee, secretPath: string): void {
    grantee.allow(this.dataPath(secretPath), ['delete']);
    grantee.allow(`${this.mountPath}/delete/${secretPath}`, UPDATE);
  }

  public grantUndelete(grantee: IPolicyGrantee, secretPath: string): void {
    grantee.allow(`${this.mountPath}/undelete/${secretPath}`, UPDATE);
  }

  public grantDestroy(grantee: IPolicyGrantee, secretPath: string): void {
    grantee.allow(`${this.mountPath}/destroy/${secretPath}`, UPDATE);
    grantee.allow(this.metadataPath(secretPath), ['delete']);
  }

  public dataPath(secretPath: string): string {
    return `${this.mountPath}/data/${secretPath}`;
  }

  public metadataPath(secretPath: string): string {
    return `${this.mountPath}/metadata/${secretPath}`;
  }
}

/** A KV version 2 engine: versioned secrets, data at `<mount>/data/<path>`, metadata at `<mount>/metadata/<path>`. */
export class KvV2Mount extends KvV2MountBase {
  /** A KV v2 engine created elsewhere (another stack, or by hand). */
  public static fromMountPath(scope: Construct, id: string, mountPath: string): IKvV2Mount {
    validateMountPath('KvV2Mount.fromMountPath', 'mountPath', mountPath);
    class Imported extends KvV2MountBase {
      public readonly mountPath = mountPath;
    }
    return new Imported(scope, id);
  }

  /** Path the engine is mounted at. */
  public readonly mountPath: string;
  /** The engine's `vault_mount`. */
  public readonly mount: Mount;

  public constructor(scope: Construct, id: string, props: KvV2MountProps = {}) {
    super(scope, id);
    const mountPath = renamedProp('KvV2Mount', 'mountPath', props.mountPath, 'path', props.path) ?? 'kvv2';
    validateMountPath('KvV2Mount', 'mountPath', mountPath);
    const maxVersions = props.maxVersions ?? 10;
    if (!Token.isUnresolved(maxVersions) && (!Number.isInteger(maxVersions) || maxVersions < 1)) {
      throw new Error(invalidProp('KvV2Mount', 'maxVersions', maxVersions, "must be a whole number >= 1 (0 would not mean 'unlimited': Vault keeps its default of 10 versions)"));
    }
    this.mountPath = mountPath;
    this.mount = new Mount(this, 'Mount', {
      path: mountPath,
      type: 'kv',
      options: { version: '2' },
      description: props.description ?? 'KV v2 secrets',
    });
    new KvSecretBackendV2(this, 'Config', {
      mount: this.mount.path,
      maxVersions,
      casRequired: props.casRequired ?? false,
    });
    this.node.defaultChild = this.mount;
  }
}

/** Checks a mount path: a literal, since grants, reports and delivery files name paths under it. */
export function validateMountPath(construct: string, prop: string, value: string): void {
  requireLiteral(construct, prop, value);
  if (!MOUNT_PATH.test(value)) {
    throw new Error(invalidProp(construct, prop, value, "must be path segments of [A-Za-z0-9_.-] without leading or trailing '/'"));
  }
}
