import { TerraformElement } from 'cdktf';
import { Construct } from 'constructs';
import { invalidProp, requireLiteral } from './private/errors';
import { TerraformExpression } from './terraform-expression';

/** Properties of an {@link EphemeralResource}. */
export interface EphemeralResourceProps {
  /** Terraform type of the ephemeral resource, e.g. `random_password`. */
  readonly type: string;
  /** Its arguments, with Terraform (snake_case) names; tokens are resolved at synth. */
  readonly config: Readonly<Record<string, unknown>>;
}

/**
 * A Terraform `ephemeral` block (Terraform >= 1.10), which cdktf 0.21 cannot express: its values
 * exist only while Terraform runs and are never written to state or plan files. Reference them
 * only from write-only arguments (`*_wo`), provider blocks or other ephemeral resources.
 *
 * The block's address is `ephemeral.<type>.<logical id>`, the id derived from the construct path
 * like any resource's. JSON synthesis only: cdktf's HCL renderer would silently drop the block.
 */
export class EphemeralResource extends TerraformElement {
  /** Terraform type of the ephemeral resource, e.g. `random_password`. */
  public readonly terraformType: string;
  private readonly config: Readonly<Record<string, unknown>>;

  public constructor(scope: Construct, id: string, props: EphemeralResourceProps) {
    super(scope, id, `ephemeral.${props.type}`);
    requireLiteral('EphemeralResource', 'type', props.type, 'it is the block type in the Terraform JSON');
    if (!/^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(props.type)) {
      throw new Error(invalidProp('EphemeralResource', 'type', props.type, "must be a Terraform resource type such as 'random_password'"));
    }
    this.terraformType = props.type;
    this.config = props.config;
  }

  /** Its address in expressions: `ephemeral.<type>.<logical id>`. */
  public get terraformAddress(): string {
    return `ephemeral.${this.terraformType}.${this.friendlyUniqueId}`;
  }

  /** A reference to one of its attributes, e.g. `result`; an ephemeral value (same stack only). */
  public attribute(name: string): TerraformExpression {
    return TerraformExpression.attribute(this, name);
  }

  /** The block in Terraform JSON, as cdktf's synthesizer asks every element for it. */
  public toTerraform(): any {
    return { ephemeral: { [this.terraformType]: { [this.friendlyUniqueId]: { ...this.config } } } };
  }

  /** Refuses: cdktf's HCL renderer cannot express an `ephemeral` block. */
  public toHclTerraform(): any {
    throw new Error(`EphemeralResource ${this.node.path}: HCL output is not supported; synthesize JSON (the cdktf default)`);
  }
}
