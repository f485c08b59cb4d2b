import type { IPolicyGrantee } from '../vault-policy';
import { Capability, LIST, READ, UPDATE } from './capabilities';
import { PolicyRule } from './policy-document';

/*
 * What people who run a Vault may do with it outside Terraform, as typed rules. Terraform (CI) owns
 * mounts, auth methods, roles and policies; a person inspects them, and in an incident revokes leases
 * and tokens or seals. Endpoints that need `sudo` are the ones hashicorp/vault lists in
 * api/sudo_paths.go; sudo is granted only on such exact paths, never on a glob.
 */

const UPDATE_SUDO: readonly Capability[] = ['update', 'sudo'];
const LIST_SUDO: readonly Capability[] = ['list', 'sudo'];

/**
 * Read-only inspection: the engines and auth methods mounted (`GET sys/mounts`, `GET sys/auth`, which
 * need no sudo; one auth method's `sys/auth/<path>` does, so it is left out), every ACL policy, a
 * lease by id (`PUT sys/leases/lookup`; listing lease prefixes, `sys/leases/lookup/<prefix>`, needs
 * sudo on a glob and is left out), the server's health, seal, HA and raft state, and the identity
 * store's entities, aliases and groups (the forge groups people log in through).
 */
export const OPERATOR_RULES: readonly PolicyRule[] = [
  { path: 'sys/mounts', capabilities: READ },
  { path: 'sys/mounts/*', capabilities: READ },
  { path: 'sys/auth', capabilities: READ },
  { path: 'sys/policies/acl', capabilities: LIST },
  { path: 'sys/policies/acl/*', capabilities: READ },
  { path: 'sys/leases/lookup', capabilities: UPDATE },
  { path: 'sys/health', capabilities: READ },
  { path: 'sys/seal-status', capabilities: READ },
  { path: 'sys/ha-status', capabilities: READ },
  { path: 'sys/leader', capabilities: READ },
  { path: 'sys/storage/raft/configuration', capabilities: READ },
  { path: 'sys/storage/raft/autopilot/state', capabilities: READ },
  ...['entity', 'entity-alias', 'group', 'group-alias'].flatMap((kind): PolicyRule[] => [
    { path: `identity/${kind}/id`, capabilities: LIST },
    { path: `identity/${kind}/id/*`, capabilities: READ },
  ]),
  { path: 'identity/entity/name', capabilities: LIST },
  { path: 'identity/entity/name/*', capabilities: READ },
  { path: 'identity/group/name', capabilities: LIST },
  { path: 'identity/group/name/*', capabilities: READ },
];

/**
 * The operator's rules, plus the changes an incident needs and Terraform never makes: renew or revoke
 * one lease, tidy the lease store, look up and revoke a token by accessor and list accessors
 * (`auth/token/accessors`, sudo on that exact path), seal the Vault and make the active node step down
 * (`sys/seal`, `sys/step-down`: sudo on those exact paths), take a raft snapshot, and read the OIDC
 * method's config. Nothing that writes policies, roles, identity groups or entities (each could hand its
 * holder more policies), nor the OIDC method's config (pointed at another identity provider, it would
 * keep logging its writer in after the forge dropped them; Terraform writes it, secret included), and
 * no `sys/*` glob with sudo.
 */
export function adminRules(oidcMountPath: string): PolicyRule[] {
  return [
    ...OPERATOR_RULES,
    { path: 'sys/leases/renew', capabilities: UPDATE },
    { path: 'sys/leases/revoke', capabilities: UPDATE },
    { path: 'sys/leases/tidy', capabilities: UPDATE },
    { path: 'auth/token/lookup-accessor', capabilities: UPDATE },
    { path: 'auth/token/revoke-accessor', capabilities: UPDATE },
    { path: 'auth/token/accessors', capabilities: LIST_SUDO },
    { path: 'sys/seal', capabilities: UPDATE_SUDO },
    { path: 'sys/step-down', capabilities: UPDATE_SUDO },
    { path: 'sys/storage/raft/snapshot', capabilities: READ },
    { path: `auth/${oidcMountPath}/config`, capabilities: READ },
  ];
}

/** Grants `grantee` the read-only inspection rules ({@link OPERATOR_RULES}). */
export function grantOperatorAccess(grantee: IPolicyGrantee): void {
  OPERATOR_RULES.forEach((r) => grantee.allow(r.path, r.capabilities));
}

/** Grants `grantee` the admin rules ({@link adminRules}) for the OIDC auth method at `oidcMountPath`. */
export function grantAdminAccess(grantee: IPolicyGrantee, oidcMountPath: string): void {
  adminRules(oidcMountPath).forEach((r) => grantee.allow(r.path, r.capabilities));
}
