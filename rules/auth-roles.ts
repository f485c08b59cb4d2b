/** Terraform types of Vault auth roles (`vault_kubernetes_auth_backend_role`, `vault_jwt_auth_backend_role`, …). */
export const ROLE_TYPES = /^vault_.*auth_backend_role$/;

/** The secrets operator that logs in with a Kubernetes auth role: Vault Secrets Operator or External Secrets. */
export type SecretOperator = 'vso' | 'eso';

/**
 * The secrets operator that logs in with a synthesized Kubernetes auth role: the one the pack's
 * `secretOperators` names for the role, or VSO for a role bound to the `vault-secrets-operator*`
 * ServiceAccount; undefined for anything else.
 */
export function operatorOfRole(block: Record<string, unknown>, secretOperators: ReadonlyMap<string, SecretOperator>): SecretOperator | undefined {
  const named = secretOperators.get(String(block.role_name));
  if (named) return named;
  const names = Array.isArray(block.bound_service_account_names) ? block.bound_service_account_names : [];
  return names.some((n) => String(n).startsWith('vault-secrets-operator')) ? 'vso' : undefined;
}
