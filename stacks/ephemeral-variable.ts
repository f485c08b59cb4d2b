import { TerraformStack, TerraformVariable } from 'cdktf';

/**
 * A secret input that Terraform keeps out of its plan and state: `sensitive` hides it from output,
 * `ephemeral` (Terraform >= 1.10; cdktf 0.21 has no option for it, hence the override) lets only
 * write-only attributes such as `password_wo` take it. Unless `required`, it may be left unset
 * (null) on applies that do not send it. Set it with `TF_VAR_<name>`.
 */
export function ephemeralSecretVariable(stack: TerraformStack, name: string, description: string, options: { readonly required?: boolean } = {}): TerraformVariable {
  const variable = new TerraformVariable(stack, name, {
    type: 'string',
    description,
    sensitive: true,
    nullable: !options.required,
  });
  variable.addOverride('ephemeral', true);
  // Without a default, Terraform refuses a plan that does not set it, naming the variable.
  if (!options.required) variable.addOverride('default', null);
  return variable;
}
