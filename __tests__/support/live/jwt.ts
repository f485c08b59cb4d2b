import { createSign, generateKeyPairSync, KeyObject } from 'crypto';

/** An RSA key pair made for one test run: Vault's JWT backend gets the public half as a PEM. */
export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
}

export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** A compact RS256 JWT over `claims`. */
export function signJwt(claims: Record<string, unknown>, key: SigningKey): string {
  const signingInput = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(key.privateKey);
  return `${signingInput}.${base64url(signature)}`;
}

/** The claims a Vault JWT role binds, read from the synthesized `vault_jwt_auth_backend_role`. */
export interface RoleBinding {
  readonly issuer?: string;
  readonly audience: string;
  readonly subject?: string;
  readonly userClaim: string;
  readonly boundClaims: Readonly<Record<string, string>>;
}

/**
 * A CI token that satisfies the role, valid for five minutes from `now` (seconds): the claims a
 * Gitea/Forgejo Actions token carries that the role binds, plus a user claim.
 */
export function matchingClaims(binding: RoleBinding, now: number = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    ...(binding.issuer ? { iss: binding.issuer } : {}),
    aud: binding.audience,
    sub: binding.subject ?? 'repo:live/acceptance:ref:refs/heads/main',
  };
  if (!(binding.userClaim in claims)) claims[binding.userClaim] = 'live-acceptance';
  return { ...claims, ...binding.boundClaims, iat: now, nbf: now - 5, exp: now + 300 };
}

/** The same token with one claim changed to a value the role must refuse. */
export function withClaim(claims: Record<string, unknown>, name: string, value: unknown): Record<string, unknown> {
  return { ...claims, [name]: value };
}

/** Reads the binding out of a synthesized role and its backend. */
export function roleBinding(role: any, backend: any): RoleBinding {
  const boundClaims: Record<string, string> = {};
  for (const [k, v] of Object.entries(role.bound_claims ?? {})) {
    const first = Array.isArray(v) ? v[0] : String(v).split(',')[0];
    // A glob binding (bound_claims_type = glob) is satisfied by a concrete value.
    boundClaims[k] = String(first).replace(/\*/g, 'main');
  }
  return {
    issuer: backend?.bound_issuer,
    audience: (role.bound_audiences ?? [])[0] ?? 'vault',
    subject: role.bound_subject,
    userClaim: role.user_claim ?? 'sub',
    boundClaims,
  };
}
