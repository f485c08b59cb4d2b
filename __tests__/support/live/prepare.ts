/**
 * Adapts one synthesized stack to a disposable Vault, and says what it changed:
 * - the Vault provider reads VAULT_ADDR (the config's address is a production one);
 * - state goes to a local file in the run's temp folder, and remote-state reads follow it;
 * - file audit devices log to stdout (the dev server has no /vault/audit);
 * - JWT backends validate tokens with the run's own public key instead of the forge's OIDC discovery;
 * - resource types that need systems the run does not have (a PostgreSQL server, a cluster) are left out.
 */
export interface PrepareOptions {
  /** Folder that holds `<stack>.tfstate` for every stack of the run. */
  readonly stateDir: string;
  readonly stackName: string;
  /** PEM public key the JWT backends must trust. */
  readonly jwtPublicKeyPem: string;
}

/** Resource types that reach outside Vault; applying them needs more than a dev server. */
export const OUTSIDE_VAULT_TYPE = /^(vault_database_|kubernetes_|helm_|postgresql_)/;

export function prepareForDisposableVault(json: any, options: PrepareOptions): { json: any; notes: string[] } {
  const out = JSON.parse(JSON.stringify(json));
  const notes: string[] = [];
  delete out['//'];
  for (const provider of out.provider?.vault ?? []) delete provider.address;
  out.terraform = { ...out.terraform, backend: { local: { path: `${options.stateDir}/${options.stackName}.tfstate` } } };
  for (const remote of Object.values<any>(out.data?.terraform_remote_state ?? {})) {
    const name = String(remote.config?.path ?? '').match(/([^/]+)\.tfstate$/)?.[1];
    if (name) remote.config = { path: `${options.stateDir}/${name}.tfstate` };
    remote.backend = 'local';
  }
  for (const audit of Object.values<any>(out.resource?.vault_audit ?? {})) {
    if (audit.type === 'file') audit.options = { ...audit.options, file_path: 'stdout' };
  }
  for (const backend of Object.values<any>(out.resource?.vault_jwt_auth_backend ?? {})) {
    for (const k of ['oidc_discovery_url', 'oidc_discovery_ca_pem', 'jwks_url', 'jwks_ca_pem', 'jwks_pairs']) delete backend[k];
    backend.jwt_validation_pubkeys = [options.jwtPublicKeyPem];
  }
  for (const type of Object.keys(out.resource ?? {})) {
    if (OUTSIDE_VAULT_TYPE.test(type)) {
      notes.push(`left out ${type} (${Object.keys(out.resource[type]).length}): needs a system outside Vault`);
      delete out.resource[type];
    }
  }
  return { json: out, notes };
}
