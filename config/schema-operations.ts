import { isIP } from 'net';
import { z } from 'zod';
import { cidr, dnsLabel, labelKey, labelValue, uniqueList } from './fields';

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

/**
 * The shortest prefix of a private network per IP version: the largest private ranges are 10.0.0.0/8
 * (RFC 1918) and fc00::/7 (RFC 4193, unique local), so a shorter prefix always takes in internet addresses.
 */
const SHORTEST_PRIVATE_PREFIX: Record<number, number> = { 4: 8, 6: 7 };

/**
 * A network outside the cluster admitted to Vault's API: a LAN, not the internet. `0.0.0.0/0` would
 * turn the NetworkPolicy into an open door that still looks like a list of client networks.
 */
const clientNetwork = cidr.refine(
  (v) => {
    const slash = v.lastIndexOf('/');
    const family = isIP(v.slice(0, slash));
    // Not an address: the CIDR checks above already say so.
    return family === 0 || Number(v.slice(slash + 1)) >= SHORTEST_PRIVATE_PREFIX[family];
  },
  {
    message:
      'is wider than any private network (the widest are 10.0.0.0/8 and fc00::/7), so the NetworkPolicy would admit addresses on the internet (0.0.0.0/0 and ::/0 admit all of it) while looking restrictive; list the LAN networks people and tools connect from, e.g. 192.168.1.0/24, or remove networkPolicy if Vault is meant to be open to every network',
  },
);

export const vaultNetworkPolicySchema = z.strictObject({
  /** Namespaces of in-cluster clients, e.g. CI runners that run `cdktf deploy` or `vault kv put`. */
  clientNamespaces: uniqueList(dnsLabel, 50).optional(),
  /** Networks outside the cluster that reach Vault through its Service: operators, out-of-cluster runners. */
  clientCidrs: uniqueList(clientNetwork, 50).optional(),
});

export type VaultMonitoringConfig = z.infer<typeof vaultMonitoringSchema>;
export type VaultNetworkPolicyConfig = z.infer<typeof vaultNetworkPolicySchema>;

export const OPERATIONS_DEFAULTS = { snapshotMaxAgeHours: 25 } as const;
