import type { IPolicyGrantee } from '../vault-policy';
import { READ, UPDATE } from './capabilities';
import { PolicyRule } from './policy-document';

/*
 * What a token does to itself through Vault's token store (hashicorp/vault vault/token_store.go):
 * `renew-self` and `revoke-self` take a PUT/POST (`update`), `lookup-self` a GET (`read`).
 */
/** The rule that lets a token renew itself. */
export const RENEW_SELF: PolicyRule = { path: 'auth/token/renew-self', capabilities: UPDATE };
/** The rule that lets a token look itself up. */
export const LOOKUP_SELF: PolicyRule = { path: 'auth/token/lookup-self', capabilities: READ };
/** The rule that lets a token revoke itself. */
export const REVOKE_SELF: PolicyRule = { path: 'auth/token/revoke-self', capabilities: UPDATE };

/**
 * The grants of Vault's built-in `default` policy that concern a token's own lifetime, as Vault
 * writes that policy (hashicorp/vault vault/policy_store.go, `defaultPolicy`). A token issued with
 * `no_default_policy` / `token_no_default_policy` has none of them unless another policy grants them
 * (Vault strips `default` even when listed: vault/token_store.go, handleCreateCommon).
 */
export const DEFAULT_POLICY_SELF_GRANTS: readonly PolicyRule[] = [LOOKUP_SELF, RENEW_SELF, REVOKE_SELF];

/** The self-calls a client makes with the token it holds, as each client's source makes them. */
export const TOKEN_SELF_CALLS = {
  /**
   * Vault's transit seal renews its token with renew-self at start and then through the API's
   * lifetime watcher (hashicorp/go-kms-wrapping wrappers/transit/transit_client.go:
   * `RenewTokenAsSelf`; hashicorp/vault api/lifetime_watcher.go). It never looks itself up.
   */
  transitSeal: [RENEW_SELF],
  /** Whoever holds a periodic token keeps it only by renewing it within each period. */
  periodic: [RENEW_SELF],
  /**
   * The Vault Secrets Operator renews with renew-self and, for a client it suspects, reads
   * lookup-self (hashicorp/vault-secrets-operator vault/client.go: `renew`, `Validate`).
   */
  vso: [RENEW_SELF, LOOKUP_SELF],
  /**
   * External Secrets never renews: it looks its token up to decide whether to log in again and
   * revokes it when done (external-secrets/external-secrets providers/v1/vault/auth.go: `checkToken`,
   * `revokeTokenIfValid`).
   */
  eso: [LOOKUP_SELF, REVOKE_SELF],
} as const satisfies Record<string, readonly PolicyRule[]>;

/**
 * The Terraform Vault provider looks its token up on every run, before any resource
 * (hashicorp/terraform-provider-vault internal/provider/meta.go: `setClient`).
 */
export const TERRAFORM_PROVIDER_SELF_CALLS: readonly PolicyRule[] = [LOOKUP_SELF];

/**
 * True when `rule` grants no more than Vault's `default` policy does on a token's own endpoints:
 * those act on the caller's token alone, so they reach no one else's object.
 */
export function isDefaultSelfGrant(rule: PolicyRule): boolean {
  const grant = DEFAULT_POLICY_SELF_GRANTS.find((g) => g.path === rule.path);
  return grant !== undefined && rule.capabilities.every((c) => grant.capabilities.includes(c));
}

/** Grants `grantee` the self-calls of one client (`TOKEN_SELF_CALLS.transitSeal`, …). */
export function grantTokenSelfCalls(grantee: IPolicyGrantee, calls: readonly PolicyRule[]): void {
  calls.forEach((call) => grantee.allow(call.path, call.capabilities));
}
