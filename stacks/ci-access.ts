/**
 * What a CI token may do: evaluates an Actions OIDC token's claims against the JWT roles of a
 * synthesized stack the way Vault's JWT auth method does at login (vault-plugin-auth-jwt):
 *
 * - `iss` must equal the backend's `bound_issuer` when one is set.
 * - `bound_audiences`: `aud` (a string or a list) must contain at least one of them; a role
 *   without bound audiences rejects a token that carries any `aud` (JWT roles are strict).
 * - `bound_subject`: `sub` must equal it exactly.
 * - `bound_claims`: every key must be present. A key starting with `/` is a JSON pointer into nested
 *   claims. The Terraform provider sends each value split on commas (unless
 *   `disable_bound_claims_parsing`), so a value is a list of alternatives. The token's claim must be a
 *   string, a boolean or a list of those (a number or object is refused), and any of its values
 *   must equal (type `string`: exact, type-sensitive, so `true` ≠ "true") or glob-match (type
 *   `glob`: `*` only) any alternative.
 * - `user_claim` must be present.
 *
 * Signature, expiry and not-before are not evaluated: this checks authorization, not a live token.
 */

export type Claims = Record<string, unknown>;

export interface TerraformJsonLike {
  resource?: Record<string, Record<string, any>>;
}

/** One JWT role of the synthesized JSON, with its backend resolved to a literal path. */
export interface JwtRole {
  readonly address: string;
  readonly backendPath: string;
  readonly boundIssuer?: string;
  readonly roleName: string;
  readonly roleType: string;
  readonly boundAudiences: readonly string[];
  readonly boundSubject?: string;
  readonly boundClaims: Readonly<Record<string, readonly string[]>>;
  readonly boundClaimsType: 'string' | 'glob';
  readonly userClaim: string;
  readonly userClaimJsonPointer: boolean;
  readonly policies: readonly string[];
}

export interface RoleDecision {
  readonly role: JwtRole;
  readonly granted: boolean;
  /** Why login is refused (empty when granted). */
  readonly reasons: readonly string[];
}

/** The JWT roles (`vault_jwt_auth_backend_role`) of a synthesized stack. */
export function jwtRolesOf(json: TerraformJsonLike): JwtRole[] {
  const backends = json.resource?.vault_jwt_auth_backend ?? {};
  return Object.entries(json.resource?.vault_jwt_auth_backend_role ?? {}).map(([id, r]) => {
    const ref = /^\$\{vault_jwt_auth_backend\.([^.]+)\.path\}$/.exec(String(r.backend ?? ''));
    const backend = ref ? backends[ref[1]] : Object.values(backends).find((b: any) => b.path === (r.backend ?? 'jwt'));
    const parse = r.disable_bound_claims_parsing !== true;
    const boundClaims: Record<string, string[]> = {};
    for (const [k, v] of Object.entries((r.bound_claims ?? {}) as Record<string, string>)) {
      boundClaims[k] = parse ? String(v).split(',').map((s) => s.trim()) : [String(v)];
    }
    return {
      address: `vault_jwt_auth_backend_role.${id}`,
      backendPath: backend?.path ?? String(r.backend ?? 'jwt'),
      boundIssuer: backend?.bound_issuer,
      roleName: r.role_name,
      roleType: r.role_type ?? 'oidc',
      boundAudiences: r.bound_audiences ?? [],
      boundSubject: r.bound_subject || undefined,
      boundClaims,
      boundClaimsType: r.bound_claims_type === 'glob' ? 'glob' : 'string',
      userClaim: r.user_claim,
      userClaimJsonPointer: r.user_claim_json_pointer === true,
      policies: [...(r.token_policies ?? [])],
    };
  });
}

/** Evaluates one role against a token's claims. */
export function evaluateRole(role: JwtRole, claims: Claims): RoleDecision {
  const reasons: string[] = [];
  if (role.roleType !== 'jwt') reasons.push(`role_type is ${role.roleType}: a CI token cannot log in to an oidc (browser) role`);
  if (role.boundIssuer !== undefined && claims.iss !== role.boundIssuer) {
    reasons.push(`iss ${JSON.stringify(claims.iss)} is not the bound issuer ${JSON.stringify(role.boundIssuer)}`);
  }
  const aud = claims.aud === undefined ? [] : Array.isArray(claims.aud) ? claims.aud.map(String) : [String(claims.aud)];
  if (role.boundAudiences.length === 0) {
    if (aud.length > 0) reasons.push('audience claim found in the token but no audiences bound to the role');
  } else if (!role.boundAudiences.some((a) => aud.includes(a))) {
    reasons.push(`aud ${JSON.stringify(claims.aud)} does not match any bound audience ${JSON.stringify(role.boundAudiences)}`);
  }
  if (role.boundSubject !== undefined && claims.sub !== role.boundSubject) {
    reasons.push(`sub ${JSON.stringify(claims.sub)} is not the bound subject ${JSON.stringify(role.boundSubject)}`);
  }
  for (const [name, expected] of Object.entries(role.boundClaims)) {
    const actual = claimValue(claims, name);
    if (actual === undefined || actual === null) {
      reasons.push(`claim ${JSON.stringify(name)} is missing`);
      continue;
    }
    const actualValues = normalizeList(actual);
    if (!actualValues) {
      reasons.push(`claim ${JSON.stringify(name)} is not a string, boolean or list (${JSON.stringify(actual)})`);
      continue;
    }
    const found = expected.some((exp) =>
      actualValues.some((act) => (role.boundClaimsType === 'glob' ? typeof act === 'string' && globMatch(exp, act) : act === exp)),
    );
    if (!found) reasons.push(`claim ${JSON.stringify(name)} (${JSON.stringify(actual)}) does not match any of ${JSON.stringify(expected)}`);
  }
  const user = role.userClaimJsonPointer || role.userClaim.startsWith('/') ? claimValue(claims, role.userClaim) : claims[role.userClaim];
  if (user === undefined || user === null || user === '') reasons.push(`user claim ${JSON.stringify(role.userClaim)} is missing`);
  return { role, granted: reasons.length === 0, reasons };
}

/** Every role of the stack with its decision. */
export function evaluateClaims(json: TerraformJsonLike, claims: Claims): RoleDecision[] {
  return jwtRolesOf(json).map((role) => evaluateRole(role, claims));
}

/** The roles (by `<backend>/<role>`) the token may log in to, with their policies. */
export function grantedAccess(json: TerraformJsonLike, claims: Claims): Array<{ role: string; policies: readonly string[] }> {
  return evaluateClaims(json, claims)
    .filter((d) => d.granted)
    .map((d) => ({ role: `${d.role.backendPath}/${d.role.roleName}`, policies: d.role.policies }));
}

function claimValue(claims: Claims, name: string): unknown {
  if (!name.startsWith('/')) return claims[name];
  // RFC 6901 JSON pointer.
  let current: unknown = claims;
  for (const raw of name.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = Array.isArray(current) ? current[Number(key)] : (current as Record<string, unknown>)[key];
  }
  return current;
}

function normalizeList(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string' || typeof value === 'boolean') return [value];
  return undefined;
}

/** `*`-only glob with the semantics of github.com/ryanuber/go-glob, which Vault uses. */
export function globMatch(pattern: string, subject: string): boolean {
  if (pattern === '') return subject === pattern;
  if (pattern === '*') return true;
  const parts = pattern.split('*');
  if (parts.length === 1) return subject === pattern;
  const leadingGlob = pattern.startsWith('*');
  const trailingGlob = pattern.endsWith('*');
  const end = parts.length - 1;
  let rest = subject;
  for (let i = 0; i < end; i++) {
    const idx = rest.indexOf(parts[i]);
    if (i === 0) {
      if (!leadingGlob && idx !== 0) return false;
    } else if (idx < 0) {
      return false;
    }
    rest = rest.slice(idx + parts[i].length);
  }
  return trailingGlob || rest.endsWith(parts[end]);
}
