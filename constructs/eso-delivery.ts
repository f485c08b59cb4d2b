import { Construct } from 'constructs';
import { AppSecretsModule } from './app-secrets-module';
import { DEFAULT_REFRESH_INTERVAL, esoObjects, KubernetesObject } from './delivery-model';
import { DeliveryOutput, renderKubernetesObjects, requireAllSecretsDelivered } from './kubernetes-objects';

export interface EsoDeliveryProps {
  /** The app whose delivered secrets (config first) reach its namespace. */
  readonly app: AppSecretsModule;
  /** Address of the Vault the SecretStore logs in to, e.g. https://vault.lab.example.net:8200. */
  readonly vaultAddress: string;
  /** Secret in the app's namespace holding the Vault CA as `ca.crt`. @default - system CAs */
  readonly vaultCaSecret?: string;
  /**
   * Namespace of the custom resources; must be the ServiceAccount's (the app's) namespace.
   * @default - the app's namespace
   */
  readonly namespace?: string;
  /** Create the app's ServiceAccount. @default true */
  readonly createServiceAccount?: boolean;
  /** How often the ExternalSecrets re-read Vault. @default '10m' */
  readonly refreshInterval?: string;
  /** Terraform-managed objects or a GitOps file. @default { mode: 'terraform' } */
  readonly output?: DeliveryOutput;
}

/**
 * Delivers an app's secrets with the External Secrets Operator: its ServiceAccount, a namespaced
 * SecretStore logging in as the app's Kubernetes role, and an ExternalSecret per delivered KV secret.
 * ESO logs in on each reconcile and revokes the token afterwards; it never renews, so the app's role
 * keeps a plain short TTL (no `tokenPeriod`).
 */
export class EsoDelivery extends Construct {
  private readonly model: KubernetesObject[];

  public constructor(scope: Construct, id: string, props: EsoDeliveryProps) {
    super(scope, id);
    const app = props.app;
    const secrets = app.deliveredSecrets;
    requireAllSecretsDelivered(this, app, secrets.length);
    this.model = esoObjects({
      appName: app.appName,
      namespace: props.namespace ?? app.namespace,
      serviceAccount: { name: app.serviceAccountName, namespace: app.namespace, create: props.createServiceAccount ?? true },
      kubernetesAuth: { mountPath: app.kubernetesRole.backendPath, role: app.kubernetesRole.roleName, audience: app.kubernetesRole.audience },
      kvMountPath: app.kv.mountPath,
      secrets,
      refreshInterval: props.refreshInterval ?? DEFAULT_REFRESH_INTERVAL,
      vaultAddress: props.vaultAddress,
      vaultCaSecret: props.vaultCaSecret,
    });
    renderKubernetesObjects(this, this.model, props.output ?? { mode: 'terraform' });
  }

  /** The Kubernetes objects delivered, in apply order (a copy). */
  public get objects(): KubernetesObject[] {
    return JSON.parse(JSON.stringify(this.model));
  }
}
