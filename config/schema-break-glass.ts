import { z } from 'zod';
import { mountPath, mountsOverlap, ttlSeconds } from './fields';

/**
 * The break-glass login of a cluster Vault (`environments.<env>.operators.breakGlass`), for when the
 * forge and with it OIDC login is down: a `userpass` method with one user whose password is set by
 * hand and kept in a sealed envelope, never in this file or in Terraform (constructs/break-glass-login.ts,
 * docs/runbook.md "Break-glass"). Off unless present. Hung on the operators schema.
 */
export const breakGlassSchema = z.strictObject({
  /** The `operators.roles` entry whose policy the account gets (usually the admin role). */
  role: z.string().max(40, { message: 'must be at most 40 characters (a role name of operators.roles)' }),
  /**
   * The account's user name. Lowercase: Vault's userpass method lowercases it at login.
   * @default 'emergency'
   */
  username: z
    .string()
    .max(64, { message: 'must be at most 64 characters' })
    .regex(/^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$/, { message: "must be lowercase letters, digits, '_', '-' or '.' (userpass lowercases the name at login), e.g. emergency" })
    .optional(),
  /** Mount path of the userpass method under `auth/`; not the OIDC method's. @default 'break-glass' */
  authPath: mountPath.optional(),
  /** Lifetime of a break-glass token, in seconds. @default 900 */
  tokenTtl: ttlSeconds('tokenTtl', 60).optional(),
  /** Longest a break-glass token can be renewed to, in seconds. @default 3600 */
  tokenMaxTtl: ttlSeconds('tokenMaxTtl', 60).optional(),
});

export type BreakGlassConfig = z.infer<typeof breakGlassSchema>;

/** Break-glass tokens live a quarter of an hour, renewable to one hour. */
export const DEFAULT_BREAK_GLASS_TOKEN_TTL = 900;
export const DEFAULT_BREAK_GLASS_TOKEN_MAX_TTL = 3600;
export const DEFAULT_BREAK_GLASS_AUTH_PATH = 'break-glass';
export const DEFAULT_BREAK_GLASS_USERNAME = 'emergency';

/**
 * The checks across `operators` (called from its schema): the role exists, the path is clear of the
 * OIDC method's, the TTLs are in order.
 */
export function checkBreakGlass(operators: { readonly breakGlass?: BreakGlassConfig; readonly roles: ReadonlyArray<{ readonly name: string }> }, ctx: z.RefinementCtx, oidcAuthPath: string): void {
  const breakGlass = operators.breakGlass;
  if (!breakGlass) return;
  const roles = operators.roles.map((r) => r.name);
  if (!roles.includes(breakGlass.role)) {
    ctx.addIssue({
      code: 'custom',
      path: ['breakGlass', 'role'],
      message: `names no entry of operators.roles (${roles.join(', ')}); name the role whose policy the break-glass account gets, usually the admin one`,
    });
  }
  const authPath = breakGlass.authPath ?? DEFAULT_BREAK_GLASS_AUTH_PATH;
  if (mountsOverlap(authPath, oidcAuthPath)) {
    ctx.addIssue({
      code: 'custom',
      path: ['breakGlass', 'authPath'],
      message: `${authPath === oidcAuthPath ? 'is also' : 'is inside or above'} operators.oidc.authPath (${oidcAuthPath}); the break-glass userpass method needs its own path, e.g. ${DEFAULT_BREAK_GLASS_AUTH_PATH}`,
    });
  }
  const ttl = breakGlass.tokenTtl ?? DEFAULT_BREAK_GLASS_TOKEN_TTL;
  const maxTtl = breakGlass.tokenMaxTtl ?? DEFAULT_BREAK_GLASS_TOKEN_MAX_TTL;
  if (ttl > maxTtl) {
    ctx.addIssue({
      code: 'custom',
      path: ['breakGlass', breakGlass.tokenMaxTtl === undefined ? 'tokenTtl' : 'tokenMaxTtl'],
      message: `tokenMaxTtl (${maxTtl}) must be at least tokenTtl (${ttl}); raise tokenMaxTtl or lower tokenTtl`,
    });
  }
}
