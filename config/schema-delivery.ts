import { z } from 'zod';
import { objectName, uniqueList } from './fields';
import { OPERATOR_DURATION, OPERATOR_DURATION_RULE, RESTART_TARGET_KINDS } from '../constructs/delivery-model';

/**
 * How an environment's delivery objects (ServiceAccounts, VSO and ESO custom resources) reach the
 * cluster: applied by Terraform from the Vault configuration stack (`terraform`), or written as
 * plain YAML to `cdktf.out/manifests/<env>/<app>.yaml` for Argo CD / Flux to apply (`gitops`).
 */
export const environmentDeliverySchema = z.strictObject({
  /** @default 'terraform' */
  mode: z.enum(['terraform', 'gitops']).optional(),
  /**
   * Name of a Secret holding the Vault CA as `ca.crt`. VSO reads it in its own namespace
   * (`vault-secrets-operator-system`, next to its default VaultConnection); ESO reads it in each
   * ESO app's namespace (a namespaced SecretStore can read no other namespace).
   * @default - the operators trust the system CA bundle
   */
  vaultCaSecret: objectName.optional(),
});

/** A workload the Vault Secrets Operator restarts when a delivered secret changes. */
export const rolloutRestartTargetSchema = z.strictObject({
  /** One of the kinds VSO can restart (the CRD's enum). */
  kind: z.enum(RESTART_TARGET_KINDS, { message: `must be one of ${RESTART_TARGET_KINDS.join(', ')} (the kinds the Vault Secrets Operator can restart)` }),
  name: objectName,
});

/** The app keys that shape delivery; spread into the app schema. */
export const appDeliveryFields = {
  /**
   * Create the app's ServiceAccount. Set false when the app's own chart owns it.
   * @default true
   */
  createServiceAccount: z.boolean().optional(),
  /**
   * Workloads restarted when a delivered secret changes (VSO only; ESO does not restart pods).
   * @default - none: the app must reload its Secret itself
   */
  rolloutRestartTargets: uniqueList(rolloutRestartTargetSchema, 32).optional(),
  /**
   * How often the operator re-reads the app's KV secrets, e.g. `10m`, `1h`.
   * @default '10m'
   */
  refreshInterval: z.string().max(16, { message: OPERATOR_DURATION_RULE }).regex(OPERATOR_DURATION, { message: OPERATOR_DURATION_RULE }).optional(),
};

export type EnvironmentDeliveryConfig = z.infer<typeof environmentDeliverySchema>;
export type RolloutRestartTargetConfig = z.infer<typeof rolloutRestartTargetSchema>;
