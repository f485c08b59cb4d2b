import { TerraformStack } from 'cdktf';

/**
 * Write-only attributes (`*_wo`) and ephemeral values, which keep secrets out of state and plan
 * files, arrived in Terraform 1.11 and in OpenTofu 1.11. OpenTofu before 1.12 checks this constraint
 * against its own version; from 1.12 on it ignores `required_version` in a `.tf.json` file
 * (opentofu/opentofu internal/configs/diagnostics.go), so one floor serves both engines
 * (__tests__/engines.test.ts).
 */
export const MINIMUM_TERRAFORM_VERSION = '1.11.0';

/** Settings every stack of the lab shares. */
export function applyTerraformSettings(stack: TerraformStack): void {
  stack.addOverride('terraform.required_version', `>= ${MINIMUM_TERRAFORM_VERSION}`);
}
