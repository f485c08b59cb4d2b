import { stringify } from 'yaml';
import { escapeTemplateMarkers } from './terraform-expression';

/**
 * Helm charts the lab installs, pinned in this one file: a chart upgrade is a reviewed change here,
 * never a side effect of a new upstream release. The pins sit with the constructs because the values
 * and custom resources the constructs render are written for exactly these chart versions.
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

/** Vault Secrets Operator; CRDs match ../shared/schemas/vso (v1.4.1). */
export const VSO_CHART: ChartPin = {
  repository: 'https://helm.releases.hashicorp.com',
  chart: 'vault-secrets-operator',
  version: '1.4.1',
  appVersion: '1.4.1',
};

/** External Secrets Operator; CRDs match ../shared/schemas/eso (v2.9.0, `external-secrets.io/v1`). */
export const ESO_CHART: ChartPin = {
  repository: 'https://charts.external-secrets.io',
  chart: 'external-secrets',
  version: '2.9.0',
  appVersion: 'v2.9.0',
};

/**
 * Typed chart values as the one YAML document `helm_release.values` takes. That document is a
 * Terraform string like any other, so its text is escaped: template sequences in a value reach helm
 * as written instead of running in Terraform.
 */
export function helmValues(values: object): string[] {
  return [escapeTemplateMarkers(stringify(values))];
}
