import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { Construct } from 'constructs';

/**
 * The Vault provider of a stack. `token` is deliberately unset: the provider reads `VAULT_TOKEN`
 * (an operator) or logs in with CI's JWT, so no token is ever written to the synthesized JSON.
 * The CA bundle likewise comes from `VAULT_CACERT`.
 */
export function addVaultProvider(scope: Construct, address: string): VaultProvider {
  return new VaultProvider(scope, 'vault', {
    address,
    // Tokens the provider mints for itself live only as long as one run needs them.
    maxLeaseTtlSeconds: 1200,
  });
}
