import { LabConfig } from '../config/schema';

/** Terraform types of Vault auth roles (`vault_kubernetes_auth_backend_role`, `vault_jwt_auth_backend_role`, …). */
export const ROLE_TYPES = /^vault_.*auth_backend_role$/;

export type SecretOperator = 'vso' | 'eso';

const appsByConfig = new WeakMap<LabConfig, ReadonlyMap<string, SecretOperator>>();

/** The operator delivering each app (once per config: there is a role per app to check). */
function operatorByApp(config: LabConfig): ReadonlyMap<string, SecretOperator> {
  let apps = appsByConfig.get(config);
  if (!apps) {
    apps = new Map(config.apps.map((a) => [a.name, a.delivery]));
    appsByConfig.set(config, apps);
  }
  return apps;
}

/**
 * The secrets operator that logs in with a synthesized Kubernetes auth role: the role of an app
 * delivered by VSO or ESO (roles are named after their app), or a role bound to the
 * `vault-secrets-operator*` ServiceAccount; undefined for anything else.
 */
export function operatorOfRole(block: Record<string, unknown>, config: LabConfig): SecretOperator | undefined {
  const fromApp = operatorByApp(config).get(String(block.role_name));
  if (fromApp) return fromApp;
  const names = Array.isArray(block.bound_service_account_names) ? block.bound_service_account_names : [];
  return names.some((n) => String(n).startsWith('vault-secrets-operator')) ? 'vso' : undefined;
}
