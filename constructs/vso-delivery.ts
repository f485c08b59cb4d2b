import { Construct } from 'constructs';
import { AppSecretsModule } from './app-secrets-module';
import { DEFAULT_REFRESH_INTERVAL, KubernetesObject, RolloutRestartTarget, vsoObjects } from './delivery-model';
import { DeliveryOutput, renderKubernetesObjects, requireAllSecretsDelivered } from './kubernetes-objects';

export interface VsoDeliveryProps {
  /** The app whose delivered secrets (config first) reach its namespace. */
  readonly app: AppSecretsModule;
  /**
   * Namespace of the custom resources; must be the ServiceAccount's (the app's) namespace.
   * @default - the app's namespace
   */
  readonly namespace?: string;
  /** Create the app's ServiceAccount. @default true */
  readonly createServiceAccount?: boolean;
  /** How often static secrets are re-read (VSO `refreshAfter`). @default '10m' */
  readonly refreshInterval?: string;
  /** Workloads restarted when a delivered secret changes. @default - none */
  readonly rolloutRestartTargets?: readonly RolloutRestartTarget[];
  /**
   * Deliver dynamic PostgreSQL credentials from `<mountPath>/creds/<app>` as Secret `<app>-postgres`.
   * The Vault database role and the policy grant come from the Postgres constructs, not from here.
   * @default - none
   */
  readonly postgres?: { readonly mountPath?: string };
  /** Terraform-managed objects or a GitOps file. @default { mode: 'terraform' } */
  readonly output?: DeliveryOutput;
}

/**
 * Delivers an app's secrets with the Vault Secrets Operator: its ServiceAccount, a VaultAuth logging
 * in as the app's Kubernetes role, a VaultStaticSecret per delivered KV secret and, with Postgres, a
 * VaultDynamicSecret. Which Vault it reaches (address, CA) is the operator's default VaultConnection,
 * set per environment by the operator's chart release (`addSecretOperators`), not per app.
 * Give the app's role a `tokenPeriod`: VSO renews its token for as long as the VaultAuth exists,
 * where a max TTL would expire every lease and restart every workload at once.
 */
export class VsoDelivery extends Construct {
  private readonly model: KubernetesObject[];

  public constructor(scope: Construct, id: string, props: VsoDeliveryProps) {
    super(scope, id);
    const app = props.app;
    const secrets = app.deliveredSecrets;
    requireAllSecretsDelivered(this, app, secrets.length);
    this.model = vsoObjects({
      appName: app.appName,
      namespace: props.namespace ?? app.namespace,
      serviceAccount: { name: app.serviceAccountName, namespace: app.namespace, create: props.createServiceAccount ?? true },
      kubernetesAuth: { mountPath: app.kubernetesRole.backendPath, role: app.kubernetesRole.roleName, audience: app.kubernetesRole.audience },
      kvMountPath: app.kv.mountPath,
      secrets,
      refreshInterval: props.refreshInterval ?? DEFAULT_REFRESH_INTERVAL,
      rolloutRestartTargets: props.rolloutRestartTargets,
      postgres: props.postgres ? { mountPath: props.postgres.mountPath ?? 'postgres', role: app.appName, secretName: `${app.appName}-postgres` } : undefined,
    });
    renderKubernetesObjects(this, this.model, props.output ?? { mode: 'terraform' });
  }

  /** The Kubernetes objects delivered, in apply order (a copy). */
  public get objects(): KubernetesObject[] {
    return JSON.parse(JSON.stringify(this.model));
  }
}
