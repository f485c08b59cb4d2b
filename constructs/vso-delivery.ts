import { Construct } from 'constructs';
import { AppDelivery, AppDeliveryProps } from './app-delivery';
import { RolloutRestartTarget, vsoObjects } from './delivery-model';

export interface VsoDeliveryProps extends AppDeliveryProps {
  /** Workloads restarted when a delivered secret changes. @default - none */
  readonly rolloutRestartTargets?: readonly RolloutRestartTarget[];
  /**
   * Deliver dynamic PostgreSQL credentials from `<mountPath>/creds/<app>` as Secret `<app>-postgres`.
   * The Vault database role and the policy grant come from the Postgres constructs, not from here.
   * @default - none
   */
  readonly postgres?: { readonly mountPath?: string };
}

/**
 * Delivers an app's secrets with the Vault Secrets Operator: its ServiceAccount, a VaultAuth logging
 * in as the app's Kubernetes role, a VaultStaticSecret per delivered KV secret and, with Postgres, a
 * VaultDynamicSecret. Which Vault it reaches (address, CA) is the operator's default VaultConnection,
 * set per environment by the operator's chart release (`addSecretOperators`), not per app.
 * Give the app's role a `tokenPeriod`: VSO renews its token for as long as the VaultAuth exists,
 * where a max TTL would expire every lease and restart every workload at once.
 */
export class VsoDelivery extends AppDelivery {
  public constructor(scope: Construct, id: string, props: VsoDeliveryProps) {
    const appName = props.app.appName;
    super(scope, id, props, (common) =>
      vsoObjects({
        ...common,
        rolloutRestartTargets: props.rolloutRestartTargets,
        postgres: props.postgres ? { mountPath: props.postgres.mountPath ?? 'postgres', role: appName, secretName: `${appName}-postgres` } : undefined,
      }),
    );
  }
}
