import { stringify } from 'yaml';

/** A Helm chart pinned to an exact version. */
export interface ChartPin {
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
}

/** Every Helm chart the lab installs, pinned in this one file. */

/** Vault Secrets Operator; CRDs match ../shared/schemas/vso (v1.4.1). */
export const VSO_CHART: ChartPin = { repository: 'https://helm.releases.hashicorp.com', chart: 'vault-secrets-operator', version: '1.4.1' };

/** External Secrets Operator; CRDs match ../shared/schemas/eso (v2.9.0, `external-secrets.io/v1`). */
export const ESO_CHART: ChartPin = { repository: 'https://charts.external-secrets.io', chart: 'external-secrets', version: '2.9.0' };

/** Typed chart values as the one YAML document `helm_release.values` takes. */
export function helmValues(values: object): string[] {
  return [stringify(values)];
}
