/**
 * Helm charts the lab installs, pinned: a chart upgrade is a reviewed change of this file, never a
 * side effect of a new upstream release.
 */
export interface ChartPin {
  /** Helm repository URL. */
  readonly repository: string;
  /** Chart name in that repository. */
  readonly chart: string;
  /** Exact chart version. */
  readonly version: string;
  /** The application version the chart ships (informational; the chart picks the image). */
  readonly appVersion: string;
}

/** hashicorp/vault: its values.schema.json is in ../shared/schemas/vault-helm (the same version). */
export const VAULT_CHART: ChartPin = {
  repository: 'https://helm.releases.hashicorp.com',
  chart: 'vault',
  version: '0.34.1',
  appVersion: '2.0.4',
};
