import { Construct } from 'constructs';
import { AppSecretsModule } from './app-secrets-module';
import { AppDeliveryModel, DEFAULT_REFRESH_INTERVAL, KubernetesObject } from './delivery-model';
import { DeliveryOutput, renderKubernetesObjects, requireAllSecretsDelivered } from './kubernetes-objects';

/** What every operator's delivery of an app takes. */
export interface AppDeliveryProps {
  /** The app whose delivered secrets (config first) reach its namespace. */
  readonly app: AppSecretsModule;
  /**
   * Namespace of the custom resources; must be the ServiceAccount's (the app's) namespace.
   * @default - the app's namespace
   */
  readonly namespace?: string;
  /** Create the app's ServiceAccount. @default true */
  readonly createServiceAccount?: boolean;
  /** How often static secrets are re-read from Vault. @default '10m' */
  readonly refreshInterval?: string;
  /** Terraform-managed objects or a GitOps file. @default { mode: 'terraform' } */
  readonly output?: DeliveryOutput;
}

/**
 * The part of VSO and ESO delivery that is the same: the app's identity and secrets as the model
 * takes them, and the objects rendered as Terraform resources or a GitOps file.
 */
export abstract class AppDelivery extends Construct {
  private readonly model: KubernetesObject[];

  protected constructor(scope: Construct, id: string, props: AppDeliveryProps, build: (common: AppDeliveryModel) => KubernetesObject[]) {
    super(scope, id);
    const app = props.app;
    const secrets = app.deliveredSecrets;
    requireAllSecretsDelivered(this, app, secrets.length);
    this.model = build({
      appName: app.appName,
      namespace: props.namespace ?? app.namespace,
      serviceAccount: { name: app.serviceAccountName, namespace: app.namespace, create: props.createServiceAccount ?? true },
      kubernetesAuth: { mountPath: app.kubernetesRole.backendPath, role: app.kubernetesRole.roleName, audience: app.kubernetesRole.audience },
      kvMountPath: app.kv.mountPath,
      secrets,
      refreshInterval: props.refreshInterval ?? DEFAULT_REFRESH_INTERVAL,
    });
    renderKubernetesObjects(this, this.model, props.output ?? { mode: 'terraform' });
  }

  /** The Kubernetes objects delivered, in apply order (a copy). */
  public get objects(): KubernetesObject[] {
    return JSON.parse(JSON.stringify(this.model));
  }
}
