import { z } from 'zod';
import { clientNetwork, dnsLabel, labelKey, labelValue, uniqueList } from './fields';

/**
 * Day-2 operations of an in-cluster Vault (`environments.<env>.vaultServer`): metrics and alerts,
 * and the NetworkPolicy in front of the Vault pods. No secret values.
 */

export const vaultMonitoringSchema = z.strictObject({
  /** Namespace of the Prometheus that scrapes Vault: the network policy admits it to port 8200. */
  prometheusNamespace: dnsLabel,
  /** Labels the Prometheus operator selects ServiceMonitors and PrometheusRules by. @default - the charts' `release: prometheus` */
  selectors: z.record(labelKey, labelValue).optional(),
  /** Hours without a successful raft snapshot before `VaultSnapshotMissed` fires. @default 25 */
  snapshotMaxAgeHours: z.number().int().min(1).max(744).optional(),
});

export const vaultNetworkPolicySchema = z.strictObject({
  /** Namespaces of in-cluster clients, e.g. CI runners that run `cdktf deploy` or `vault kv put`. */
  clientNamespaces: uniqueList(dnsLabel, 50).optional(),
  /** Networks outside the cluster that reach Vault through its Service: operators, out-of-cluster runners. */
  clientCidrs: uniqueList(clientNetwork('the NetworkPolicy', 'remove networkPolicy if Vault is meant to be open to every network'), 50).optional(),
});

export type VaultMonitoringConfig = z.infer<typeof vaultMonitoringSchema>;
export type VaultNetworkPolicyConfig = z.infer<typeof vaultNetworkPolicySchema>;

export const OPERATIONS_DEFAULTS = { snapshotMaxAgeHours: 25 } as const;
