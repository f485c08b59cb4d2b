import { Mount } from '@cdktf/provider-vault/lib/mount';
import { Construct } from 'constructs';
import { validateMountPath } from './kv-v2-mount';
import { READ, READ_LIST } from './policy/capabilities';
import { IPolicyGrantee } from './vault-policy';

export interface KvV1MountProps {
  /** Path the engine is mounted at. @default 'kv' */
  readonly path?: string;
  /** @default 'KV v1 secrets (unversioned)' */
  readonly description?: string;
}

/** A KV version 1 engine: unversioned, values at `<mount>/<path>`. */
export class KvV1Mount extends Construct {
  public readonly mountPath: string;
  public readonly mount: Mount;

  public constructor(scope: Construct, id: string, props: KvV1MountProps = {}) {
    super(scope, id);
    this.mountPath = props.path ?? 'kv';
    validateMountPath('KvV1Mount', 'path', this.mountPath);
    this.mount = new Mount(this, 'Mount', {
      path: this.mountPath,
      type: 'kv',
      options: { version: '1' },
      description: props.description ?? 'KV v1 secrets (unversioned)',
    });
  }

  public grantRead(grantee: IPolicyGrantee, secretPath: string): void {
    grantee.allow(`${this.mountPath}/${secretPath}`, READ);
  }

  public grantList(grantee: IPolicyGrantee, secretPath: string): void {
    grantee.allow(`${this.mountPath}/${secretPath}`, READ_LIST);
  }
}
