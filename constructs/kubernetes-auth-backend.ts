import { AuthBackend } from '@cdktf/provider-vault/lib/auth-backend';
import { KubernetesAuthBackendConfig } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-config';
import { Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { invalidProp, renamedProp } from './private/errors';
import { validateMountPath } from './kv-v2-mount';

/** A Kubernetes auth method, created here or imported with `KubernetesAuthBackend.fromMountPath`. */
export interface IKubernetesAuthBackend extends IConstruct {
  /** Mount path under `auth/`, e.g. `kubernetes`: a literal, usable in policies and reports. */
  readonly mountPath: string;
  /** Former name of `mountPath`. @deprecated use `mountPath` */
  readonly path: string;
  /** The same path as a reference, so Terraform creates roles after the backend they live in. */
  readonly backendPath: string;
}

/** Properties of a {@link KubernetesAuthBackend}. */
export interface KubernetesAuthBackendProps {
  /** Mount path under `auth/`. @default 'kubernetes' */
  readonly mountPath?: string;
  /** Former name of `mountPath`. @deprecated use `mountPath` */
  readonly path?: string;
  /** Kubernetes API address as Vault reaches it, e.g. https://kubernetes.default.svc:443. */
  readonly kubernetesHost: string;
  /**
   * PEM CA of the Kubernetes API.
   * @default - Vault running in the cluster uses its pod's mounted CA
   */
  readonly kubernetesCaCert?: string;
  /** Description of the auth method in Vault. @default 'Kubernetes service accounts' */
  readonly description?: string;
}

/**
 * Kubernetes auth: pods log in with their ServiceAccount token. No reviewer JWT is configured, so a
 * Vault inside the cluster reviews tokens with its own, automatically rotated pod token, and a Vault
 * outside uses the client's JWT as reviewer (the client's ServiceAccount then needs
 * `system:auth-delegator`). Either way no long-lived reviewer token sits in Terraform state.
 */
export class KubernetesAuthBackend extends Construct implements IKubernetesAuthBackend {
  /** A Kubernetes auth method enabled elsewhere (another stack, or by hand). */
  public static fromMountPath(scope: Construct, id: string, mountPath: string): IKubernetesAuthBackend {
    validateMountPath('KubernetesAuthBackend.fromMountPath', 'mountPath', mountPath);
    class Imported extends Construct implements IKubernetesAuthBackend {
      public readonly mountPath = mountPath;
      public readonly path = mountPath;
      public readonly backendPath = mountPath;
    }
    return new Imported(scope, id);
  }

  /** Former name of `fromMountPath`. @deprecated use `fromMountPath` */
  public static fromPath(scope: Construct, id: string, path: string): IKubernetesAuthBackend {
    return KubernetesAuthBackend.fromMountPath(scope, id, path);
  }

  public readonly mountPath: string;
  /** Former name of `mountPath`. @deprecated use `mountPath` */
  public readonly path: string;
  public readonly backendPath: string;
  /** The `vault_auth_backend` resource. */
  public readonly backend: AuthBackend;
  /** The backend's `vault_kubernetes_auth_backend_config`. */
  public readonly config: KubernetesAuthBackendConfig;

  public constructor(scope: Construct, id: string, props: KubernetesAuthBackendProps) {
    super(scope, id);
    this.mountPath = renamedProp('KubernetesAuthBackend', 'mountPath', props.mountPath, 'path', props.path) ?? 'kubernetes';
    this.path = this.mountPath;
    validateMountPath('KubernetesAuthBackend', 'mountPath', this.mountPath);
    if (!Token.isUnresolved(props.kubernetesHost) && !/^https:\/\//.test(props.kubernetesHost)) {
      throw new Error(invalidProp('KubernetesAuthBackend', 'kubernetesHost', props.kubernetesHost, 'must be an https:// URL of the Kubernetes API'));
    }
    this.backend = new AuthBackend(this, 'Backend', {
      type: 'kubernetes',
      path: this.mountPath,
      description: props.description ?? 'Kubernetes service accounts',
    });
    this.node.defaultChild = this.backend;
    this.backendPath = this.backend.path;
    this.config = new KubernetesAuthBackendConfig(this, 'Config', {
      backend: this.backendPath,
      kubernetesHost: props.kubernetesHost,
      kubernetesCaCert: props.kubernetesCaCert,
    });
  }
}
