/**
 * Vault ACL capabilities (https://developer.hashicorp.com/vault/docs/concepts/policies#capabilities).
 * Named sets below are what grant methods use, so a policy never spells capabilities by hand.
 */
export const CAPABILITIES = [
  'create',
  'read',
  'update',
  'patch',
  'delete',
  'list',
  'sudo',
  'deny',
  'subscribe',
  'recover',
] as const;

/** A Vault policy capability. */
export type Capability = (typeof CAPABILITIES)[number];

/** Read a path. */
export const READ: readonly Capability[] = ['read'];
/** List the keys under a path. */
export const LIST: readonly Capability[] = ['list'];
/** Read a path and list the keys under it. */
export const READ_LIST: readonly Capability[] = ['read', 'list'];
/** Write without delete: create a secret, replace it, patch it, and read it back. */
export const READ_WRITE: readonly Capability[] = ['create', 'read', 'update', 'patch'];
/** Endpoints that take a POST/PUT (transit encrypt, KV v2 delete/undelete/destroy). */
export const UPDATE: readonly Capability[] = ['update'];
/** Refuse a path, whatever other rules grant. */
export const DENY: readonly Capability[] = ['deny'];

export function isCapability(value: string): value is Capability {
  return (CAPABILITIES as readonly string[]).includes(value);
}
