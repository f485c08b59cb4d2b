import { Release } from '@cdktf/provider-helm/lib/release';
import { Construct } from 'constructs';
import { ClusterEnvironmentName, LabConfig } from '../config/schema';
import { ESO_NAMESPACE, VSO_NAMESPACE } from '../constructs/delivery-model';
import { ChartPin, ESO_CHART, helmValues, VSO_CHART } from '../constructs/charts';

/**
 * The chart's `defaultVaultConnection`: the VaultConnection `default` in the operator's namespace,
 * used by every VaultAuth that names no `vaultConnectionRef` (every app's). It holds where Vault is
 * and how to trust it, no credential.
 */
export interface VsoDefaultVaultConnection {
  readonly enabled: boolean;
  /** The environment's Vault: a cluster's operator only ever reaches its own environment's Vault. */
  readonly address: string;
  /** Secret in the operator's namespace holding the Vault CA as `ca.crt`; '' = system CAs. */
  readonly caCertSecret: string;
  readonly skipTLSVerify: boolean;
}

/** The VSO chart values the lab sets (keys of the chart's values.yaml). */
export interface VsoChartValues {
  readonly controller: { readonly replicas: number };
  readonly defaultVaultConnection: VsoDefaultVaultConnection;
  /** Off: a default VaultAuth would let any namespace without its own VaultAuth log in with it. */
  readonly defaultAuthMethod: { readonly enabled: boolean };
  /** With `vaultServer.monitoring`: the chart's ServiceMonitor, so VSO's sync errors can alert. */
  readonly telemetry?: { readonly serviceMonitor: { readonly enabled: boolean; readonly selectors: Readonly<Record<string, string>> } };
}

/** The ESO chart values the lab sets. */
export interface EsoChartValues {
  readonly installCRDs: boolean;
  /** Off: apps use namespaced SecretStores only; a ClusterSecretStore someone adds is ignored. */
  readonly processClusterStore: boolean;
  readonly processClusterExternalSecret: boolean;
  /** With `vaultServer.monitoring`: the chart's ServiceMonitor, so ESO's sync errors can alert. */
  readonly serviceMonitor?: { readonly enabled: boolean; readonly additionalLabels: Readonly<Record<string, string>> };
}

/** The VSO values of one environment's cluster: its Vault's address and CA in the default connection. */
export function vsoValues(config: LabConfig, environment: ClusterEnvironmentName): VsoChartValues {
  const env = config.environments[environment];
  return {
    controller: { replicas: 1 },
    defaultVaultConnection: { enabled: true, address: env.vault.address, caCertSecret: env.delivery?.vaultCaSecret ?? '', skipTLSVerify: false },
    defaultAuthMethod: { enabled: false },
    ...(env.vaultServer.monitoring ? { telemetry: { serviceMonitor: { enabled: true, selectors: { ...env.vaultServer.monitoring.selectors } } } } : {}),
  };
}

export const ESO_VALUES: EsoChartValues = { installCRDs: true, processClusterStore: false, processClusterExternalSecret: false };

/** The ESO values of one environment's cluster. The chart's ServiceMonitor has no default selector labels. */
export function esoValues(config: LabConfig, environment: ClusterEnvironmentName): EsoChartValues {
  const monitoring = config.environments[environment].vaultServer.monitoring;
  return monitoring ? { ...ESO_VALUES, serviceMonitor: { enabled: true, additionalLabels: { release: 'prometheus', ...monitoring.selectors } } } : ESO_VALUES;
}

/** Whether any app of the lab delivers with ESO (the chart is installed only then). */
export function usesEso(config: LabConfig): boolean {
  return config.apps.some((a) => a.delivery === 'eso');
}

/**
 * Installs the secret operators into an environment's cluster stack: VSO always (the default
 * delivery, with its default VaultConnection to that environment's Vault), ESO only where an app
 * uses it. Their CRDs come with the releases, so no custom resource may live in this stack
 * (`kubernetes_manifest` needs the CRD at plan time); the Vault configuration stack holds them.
 * The chart's own default VaultConnection is a template of the release, not a custom resource of
 * this stack's plan, so it follows the CRDs the same release installs.
 */
export function addSecretOperators(scope: Construct, config: LabConfig, environment: ClusterEnvironmentName): void {
  release(scope, 'VaultSecretsOperator', VSO_CHART, VSO_NAMESPACE, vsoValues(config, environment));
  if (usesEso(config)) release(scope, 'ExternalSecrets', ESO_CHART, ESO_NAMESPACE, esoValues(config, environment));
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
