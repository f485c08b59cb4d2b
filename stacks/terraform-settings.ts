import { TerraformStack } from 'cdktf';

/**
 * Write-only attributes (`*_wo`) and ephemeral values, which keep secrets out of state and plan
 * files, arrived in Terraform 1.11.
 */
export const MINIMUM_TERRAFORM_VERSION = '1.11.0';

/** Settings every stack of the lab shares. */
export function applyTerraformSettings(stack: TerraformStack): void {
  stack.addOverride('terraform.required_version', `>= ${MINIMUM_TERRAFORM_VERSION}`);
}
