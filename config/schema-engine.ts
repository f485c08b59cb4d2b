import { z } from 'zod';

/**
 * The CLIs that can plan and apply the synthesized stacks, and the program each one runs as. The
 * cdktf CLI runs `process.env.TERRAFORM_BINARY_NAME || "terraform"` for init, plan, apply and
 * `version -json` (hashicorp/terraform-cdk packages/@cdktf/commons/src/terraform.ts); OpenTofu's
 * `tofu version -json` keeps the key `terraform_version` that cdktf reads (opentofu/opentofu
 * internal/command/views/version.go).
 */
export const ENGINES = {
  terraform: { binary: 'terraform', product: 'Terraform' },
  opentofu: { binary: 'tofu', product: 'OpenTofu' },
} as const;

export type EngineName = keyof typeof ENGINES;

/** The environment variable that tells the cdktf CLI which program to run. */
export const ENGINE_BINARY_ENV = 'TERRAFORM_BINARY_NAME';

export const DEFAULT_ENGINE: EngineName = 'terraform';

/** Settings for the CLI that runs the synthesized stacks (docs/ci.md#terraform-or-opentofu). */
export const terraformSettingsSchema = z.strictObject({
  /**
   * `terraform` or `opentofu`. The generated workflows install this engine at the version pinned in
   * stacks/ci-workflows.ts and run cdktf with `TERRAFORM_BINARY_NAME` set for it; an operator sets
   * the same variable (`TERRAFORM_BINARY_NAME=tofu`) before running cdktf by hand.
   * @default 'terraform'
   */
  engine: z.enum(Object.keys(ENGINES) as [EngineName, ...EngineName[]]).optional(),
});

export type TerraformSettingsConfig = z.infer<typeof terraformSettingsSchema>;
