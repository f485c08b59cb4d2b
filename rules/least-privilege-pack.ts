import { IAspect } from 'cdktf';
import { IConstruct } from 'constructs';
import { LEAST_PRIVILEGE_RULES } from './least-privilege-rules';
import { ORDERING_RULES } from './ordering-rules';
import { LeastPrivilegeRulesProps, RulePack } from './rule-pack';

/**
 * The least-privilege rule pack (with the ordering rules), for any TerraformStack:
 * `Aspects.of(stack).add(new LeastPrivilegeRules({ ceilings: { tokenTtl: 1800 } }))`.
 * A finding fails synthesis with the rule id and the construct path; `RuleSuppressions.add`
 * accepts one per construct and rule id, with a reason. Rule ids: docs/security.md.
 */
export class LeastPrivilegeRules implements IAspect {
  // Wraps the generic pack rather than extending it, so the package's API is this Aspect and its
  // props, not the rule engine's internals.
  private readonly pack: RulePack;

  /** @param props - what the rules need to know about the stacks they check; every field has a default */
  public constructor(props: LeastPrivilegeRulesProps = {}) {
    this.pack = new RulePack([...LEAST_PRIVILEGE_RULES, ...ORDERING_RULES], props);
  }

  /** Called by cdktf for every construct of a stack the pack was added to (`Aspects.of(stack).add`). */
  public visit(node: IConstruct): void {
    this.pack.visit(node);
  }
}
