import { TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * The hashicorp/vault provider every stack runs with. The prebuilt binding (@cdktf/provider-vault
 * 15.6.1, its last release) writes 5.6.0; 5.7.0 adds the write-only `oidc_client_secret_wo` of
 * `vault_jwt_auth_backend` (hashicorp/terraform-provider-vault CHANGELOG.md 5.7.0, #2714) and lists
 * no breaking change. Import IDs of the types we adopt are the same in both (website/docs/r/*.html.md).
 */
export const VAULT_PROVIDER_VERSION = '5.7.0';

/**
 * Pins the hashicorp/vault provider of `scope`'s stack to {@link VAULT_PROVIDER_VERSION}, over the
 * version the binding writes; attributes newer than the binding are then set with `addOverride`.
 */
export function pinVaultProviderVersion(scope: IConstruct): void {
  TerraformStack.of(scope).addOverride('terraform.required_providers.vault.version', VAULT_PROVIDER_VERSION);
}
