import { Release } from '@cdktf/provider-helm/lib/release';
import { Construct } from 'constructs';
import { LabConfig } from '../config/schema';
import { ESO_NAMESPACE, VSO_NAMESPACE } from '../constructs/delivery-model';
import { ChartPin, ESO_CHART, helmValues, VSO_CHART } from './charts';

/** The VSO chart values the lab sets (keys of the chart's values.yaml). */
export interface VsoChartValues {
  readonly controller: { readonly replicas: number };
  /** Off: each app's VaultAuth names its own VaultConnection; nothing falls back to a default. */
  readonly defaultVaultConnection: { readonly enabled: boolean };
  /** Off: a default VaultAuth would let any namespace without its own VaultAuth log in with it. */
  readonly defaultAuthMethod: { readonly enabled: boolean };
}

/** The ESO chart values the lab sets. */
export interface EsoChartValues {
  readonly installCRDs: boolean;
  /** Off: apps use namespaced SecretStores only; a ClusterSecretStore someone adds is ignored. */
  readonly processClusterStore: boolean;
  readonly processClusterExternalSecret: boolean;
}

export const VSO_VALUES: VsoChartValues = {
  controller: { replicas: 1 },
  defaultVaultConnection: { enabled: false },
  defaultAuthMethod: { enabled: false },
};

export const ESO_VALUES: EsoChartValues = { installCRDs: true, processClusterStore: false, processClusterExternalSecret: false };

/** Whether any app of the lab delivers with ESO (the chart is installed only then). */
export function usesEso(config: LabConfig): boolean {
  return config.apps.some((a) => a.delivery === 'eso');
}

/**
 * Installs the secret operators into a cluster stack: VSO always (the default delivery), ESO only
 * where an app uses it. Their CRDs come with the releases, so no custom resource may live in this
 * stack (`kubernetes_manifest` needs the CRD at plan time); the Vault configuration stack holds them.
 */
export function addSecretOperators(scope: Construct, config: LabConfig): void {
  release(scope, 'VaultSecretsOperator', VSO_CHART, VSO_NAMESPACE, VSO_VALUES);
  if (usesEso(config)) release(scope, 'ExternalSecrets', ESO_CHART, ESO_NAMESPACE, ESO_VALUES);
}

function release(scope: Construct, id: string, pin: ChartPin, namespace: string, values: object): Release {
  return new Release(scope, id, {
    name: pin.chart,
    repository: pin.repository,
    chart: pin.chart,
    version: pin.version,
    namespace,
    createNamespace: true,
    // A failed upgrade rolls back instead of leaving the operator half-installed.
    atomic: true,
    values: helmValues(values),
  });
}
