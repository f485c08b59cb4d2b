import { Mount } from '@cdktf/provider-vault/lib/mount';
import { Construct, IConstruct } from 'constructs';
import { addEngineMount } from './private/engine-mount';
import { validateMountPath } from './kv-v2-mount';

/**
 * A database secrets engine (`vault secrets enable -path=<path> database`), created here or imported
 * with `DatabaseSecretsMount.fromMountPath`. Connections and roles are their own constructs
 * (`PostgresConnection`, `PostgresDynamicRole`) that take the mount as a prop.
 */
export interface IDatabaseSecretsMount extends IConstruct {
  /** The path as written in policies, e.g. `postgres`. */
  readonly mountPath: string;
  /**
   * The path for the `backend` attribute of connections and roles: a reference to the mount resource
   * when this stack owns it, so Terraform creates the mount first.
   */
  readonly backend: string;
}

/** Properties of a {@link DatabaseSecretsMount}. */
export interface DatabaseSecretsMountProps {
  /** Path the engine is mounted at. @default 'postgres' */
  readonly mountPath?: string;
  /** Former name of `mountPath`. @deprecated use `mountPath` */
  readonly path?: string;
  /** Description of the engine in Vault. @default 'Dynamic PostgreSQL credentials' */
  readonly description?: string;
}

export class DatabaseSecretsMount extends Construct implements IDatabaseSecretsMount {
  /** A database engine created elsewhere (another stack, or by hand). */
  public static fromMountPath(scope: Construct, id: string, mountPath: string): IDatabaseSecretsMount {
    validateMountPath('DatabaseSecretsMount.fromMountPath', 'mountPath', mountPath);
    class Imported extends Construct implements IDatabaseSecretsMount {
      public readonly mountPath = mountPath;
      public readonly backend = mountPath;
    }
    return new Imported(scope, id);
  }

  public readonly mountPath: string;
  public readonly backend: string;
  /** The engine's `vault_mount`. */
  public readonly mount: Mount;

  public constructor(scope: Construct, id: string, props: DatabaseSecretsMountProps = {}) {
    super(scope, id);
    ({ mountPath: this.mountPath, mount: this.mount } = addEngineMount(this, 'DatabaseSecretsMount', props, {
      mountPath: 'postgres',
      type: 'database',
      description: 'Dynamic PostgreSQL credentials',
    }));
    this.backend = this.mount.path;
  }
}
