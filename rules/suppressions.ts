import { TerraformDataSource, TerraformProvider, TerraformResource, Token } from 'cdktf';
import { IConstruct } from 'constructs';

/** One accepted exception to a rule. */
export interface RuleSuppression {
  /** The rule id it accepts (`VP-POL-2`); there is no wildcard. */
  readonly id: string;
  /** Why the exception is acceptable, for the reviewer: at least 10 characters. */
  readonly reason: string;
}

/**
 * The construct metadata type of a suppression, and its key in the `//` comment of the Terraform
 * block. Terraform ignores a `//` property in any JSON body (hashicorp/hcl json/structure.go,
 * `Content` and `JustAttributes`), so the record is visible in the output and changes nothing.
 */
export const RULE_SUPPRESSIONS_METADATA = 'rule_suppressions';

const MIN_REASON_LENGTH = 10;
const RULE_ID = /^[A-Z]+(-[A-Z0-9]+)+$/;

/**
 * Suppressions of rule findings, recorded as construct metadata (cdk-nag v2 `NagSuppressions`
 * style): per construct and rule id, each with a written reason, and rendered into the `//` comment
 * of the construct's Terraform block so every exception shows in the synthesized JSON.
 */
export class RuleSuppressions {
  /**
   * Accepts findings of the given rules on `construct`. On an L2 construct the suppression is
   * recorded on its `node.defaultChild` (the resource it wraps) and covers findings on both.
   */
  public static add(construct: IConstruct, suppressions: readonly RuleSuppression[]): void {
    const target = construct.node.defaultChild ?? construct;
    if (!(target instanceof TerraformResource || target instanceof TerraformDataSource || target instanceof TerraformProvider)) {
      throw new Error(
        `RuleSuppressions.add: ${construct.node.path} writes no Terraform block (and has no node.defaultChild that does), so a suppression there would not show in the synthesized JSON; suppress on the resource, data source or provider the finding names`,
      );
    }
    for (const suppression of suppressions) {
      const problem = suppressionProblem(construct, suppression);
      if (problem) throw new Error(`RuleSuppressions.add: ${problem}`);
      target.node.addMetadata(RULE_SUPPRESSIONS_METADATA, Object.freeze({ id: suppression.id, reason: suppression.reason.trim() }));
    }
    target.addOverride(`//.${RULE_SUPPRESSIONS_METADATA}`, RuleSuppressions.of(target));
  }

  /** The suppressions recorded on `construct` itself, in the order they were added. */
  public static of(construct: IConstruct): RuleSuppression[] {
    return construct.node.metadata.filter((m) => m.type === RULE_SUPPRESSIONS_METADATA).map((m) => m.data as RuleSuppression);
  }
}

/** What is wrong with a suppression of `construct`, or undefined: the rule id and the reason. */
export function suppressionProblem(construct: IConstruct, suppression: RuleSuppression): string | undefined {
  const { id, reason } = suppression;
  if (typeof id !== 'string' || !RULE_ID.test(id)) {
    return `'id' (${JSON.stringify(id)}) must be a rule id such as VP-POL-1; see docs/security.md`;
  }
  if (typeof reason !== 'string' || Token.isUnresolved(reason) || reason.trim().length < MIN_REASON_LENGTH) {
    return `'reason' (${JSON.stringify(reason)}) for ${id} on ${construct.node.path} must explain the exception in at least ${MIN_REASON_LENGTH} characters of plain text`;
  }
  return undefined;
}
