import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pinVaultProviderVersion } from '../constructs/vault-provider-version';
import { VaultEndpointConfig } from '../config/schema';
import { VaultCaCertificate, vaultCaCertificate } from '../config/vault-ca';

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

/** Where a Vault listens and which CA verifies it: an `environments.<env>.vault` of the config. */
export type VaultEndpoint = Pick<VaultEndpointConfig, 'address' | 'caCert'>;

/** How {@link addVaultProvider} logs in and names the provider. */
export interface VaultProviderOptions {
  /** Construct id of the provider. @default 'vault' */
  readonly id?: string;
  /** Terraform alias, for a second Vault in one stack (resources name it in `provider`). @default - the stack's default Vault provider */
  readonly alias?: string;
  /** The stack's CI roles; `VAULT_AUTH_METHOD=jwt` in `env` logs in with one of them. @default - VAULT_TOKEN */
  readonly ciLogin?: CiLogin;
  /** Where `VAULT_AUTH_METHOD`/`VAULT_AUTH_ROLE` are read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * A Vault provider of a stack, trusting `endpoint.caCert` when the config names one. `token` is
 * deliberately unset: the provider reads `VAULT_TOKEN` (an operator) or logs in with CI's JWT, so no
 * token is ever written to the synthesized JSON. Without `caCert`, `VAULT_CACERT` or the system trust
 * store verifies the Vault. The stack runs the provider version the constructs are written for.
 */
export function addVaultProvider(scope: Construct, endpoint: VaultEndpoint, options: VaultProviderOptions = {}): VaultProvider {
  const login = options.ciLogin ? ciLoginFromEnvironment(options.ciLogin, options.env ?? process.env) : undefined;
  const id = options.id ?? 'vault';
  const ca = vaultCaCertificate(endpoint);
  // The PEM is copied into the stack's folder and named relative to it: Terraform runs there
  // (cdktf.out/stacks/<stack>), and the provider reads `ca_cert_file` from its working directory,
  // in preference to VAULT_CACERT, which is only its default (hashicorp/terraform-provider-vault
  // internal/provider/provider.go, "ca_cert_file"). A CA certificate is public: fine in the output.
  const caCertFile = ca ? new TerraformAsset(scope, `${id}-ca-cert`, { path: checkedCaFile(ca), type: AssetType.FILE }).path : undefined;
  pinVaultProviderVersion(scope);
  return new VaultProvider(scope, id, {
    address: endpoint.address,
    ...(options.alias ? { alias: options.alias } : {}),
    ...(caCertFile ? { caCertFile } : {}),
    // Tokens the provider mints for itself live only as long as one run needs them.
    maxLeaseTtlSeconds: 1200,
    ...(login ? { authLoginJwt: [{ mount: login.mount, role: login.role }] } : {}),
  });
}

/**
 * A file holding exactly the certificates the config's CA file was checked for (`ca.pem`), named like
 * it, for the copy into the output: whatever else that file holds (comments, a text dump, a key in a
 * form the check does not recognize) stays out. cdktf copies an asset when the stack is synthesized;
 * the file lives in this user's private folder, under the hash of its content, so runs (and parallel
 * test workers) share one copy per CA and leave nothing else behind.
 */
function checkedCaFile(ca: VaultCaCertificate): string {
  const { uid } = os.userInfo();
  const root = path.join(os.tmpdir(), `vault-platform-ca-${uid}`);
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  const owned = fs.lstatSync(root);
  if (!owned.isDirectory() || owned.uid !== uid || (owned.mode & 0o077) !== 0) {
    throw new Error(`${root} is not a folder private to this user; remove it and synthesize again`);
  }
  const folder = path.join(root, createHash('sha256').update(ca.pem).digest('hex').slice(0, 32));
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  const file = path.join(folder, path.basename(ca.file));
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== ca.pem) {
    // Written whole, then renamed: a parallel synthesis never copies half a file.
    const partial = `${file}.${process.pid}`;
    fs.writeFileSync(partial, ca.pem);
    fs.renameSync(partial, file);
  }
  return file;
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
