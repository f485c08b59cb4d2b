import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { Construct } from 'constructs';

/**
 * Set `VAULT_AUTH_METHOD=jwt` when synthesizing in CI: the provider then logs in with the forge's
 * OIDC token through `auth_login_jwt`. The token itself is read by the provider from
 * `TERRAFORM_VAULT_AUTH_JWT` at plan/apply time and never appears in the synthesized JSON.
 */
export const VAULT_AUTH_METHOD_ENV = 'VAULT_AUTH_METHOD';
/** Picks which of a stack's CI roles to log in with (e.g. the read-only diff role); must be one the stack offers. */
export const VAULT_AUTH_ROLE_ENV = 'VAULT_AUTH_ROLE';

/** The JWT roles a stack's CI may log in with; the first is the default. */
export interface CiLogin {
  /** Mount path of the JWT auth method, e.g. `gitea-actions`. */
  readonly mount: string;
  readonly roles: readonly string[];
}

/**
 * The Vault provider of a stack. `token` is deliberately unset: the provider reads `VAULT_TOKEN`
 * (an operator) or logs in with CI's JWT, so no token is ever written to the synthesized JSON.
 * The CA bundle likewise comes from `VAULT_CACERT`.
 */
export function addVaultProvider(scope: Construct, address: string, ciLogin?: CiLogin, env: NodeJS.ProcessEnv = process.env): VaultProvider {
  const login = ciLogin ? ciLoginFromEnvironment(ciLogin, env) : undefined;
  return new VaultProvider(scope, 'vault', {
    address,
    // Tokens the provider mints for itself live only as long as one run needs them.
    maxLeaseTtlSeconds: 1200,
    ...(login ? { authLoginJwt: [{ mount: login.mount, role: login.role }] } : {}),
  });
}

/** The JWT login a CI run asked for through the environment, or undefined for an operator's VAULT_TOKEN. */
export function ciLoginFromEnvironment(ciLogin: CiLogin, env: NodeJS.ProcessEnv): { mount: string; role: string } | undefined {
  const method = env[VAULT_AUTH_METHOD_ENV];
  if (method === undefined || method === '' || method === 'token') return undefined;
  if (method !== 'jwt') {
    throw new Error(`${VAULT_AUTH_METHOD_ENV} (${JSON.stringify(method)}) must be 'jwt' (CI login with the forge's OIDC token) or 'token'/unset (VAULT_TOKEN)`);
  }
  const role = env[VAULT_AUTH_ROLE_ENV] || ciLogin.roles[0];
  if (!ciLogin.roles.includes(role)) {
    throw new Error(`${VAULT_AUTH_ROLE_ENV} (${JSON.stringify(role)}) must be one of ${ciLogin.roles.join(', ')}`);
  }
  return { mount: ciLogin.mount, role };
}
