import { Construct } from 'constructs';
import { AppDelivery, AppDeliveryProps } from './app-delivery';
import { esoObjects } from './delivery-model';

export interface EsoDeliveryProps extends AppDeliveryProps {
  /** Address of the Vault the SecretStore logs in to, e.g. https://vault.lab.example.net:8200. */
  readonly vaultAddress: string;
  /** Secret in the app's namespace holding the Vault CA as `ca.crt`. @default - system CAs */
  readonly vaultCaSecret?: string;
}

/**
 * Delivers an app's secrets with the External Secrets Operator: its ServiceAccount, a namespaced
 * SecretStore logging in as the app's Kubernetes role, and an ExternalSecret per delivered KV secret.
 * ESO logs in on each reconcile and revokes the token afterwards; it never renews, so the app's role
 * keeps a plain short TTL with a max TTL (no `tokenPeriod`).
 */
export class EsoDelivery extends AppDelivery {
  public constructor(scope: Construct, id: string, props: EsoDeliveryProps) {
    super(scope, id, props, (common) => esoObjects({ ...common, vaultAddress: props.vaultAddress, vaultCaSecret: props.vaultCaSecret }));
  }
}
