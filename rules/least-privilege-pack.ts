import { LEAST_PRIVILEGE_RULES } from './least-privilege-rules';
import { ORDERING_RULES } from './ordering-rules';
import { LeastPrivilegeRulesProps, RulePack } from './rule-pack';

/**
 * The least-privilege rule pack (with the ordering rules), for any TerraformStack:
 * `Aspects.of(stack).add(new LeastPrivilegeRules({ ceilings: { tokenTtl: 1800 } }))`.
 * A finding fails synthesis with the rule id and the construct path; `RuleSuppressions.add`
 * accepts one per construct and rule id, with a reason. Rule ids: docs/security.md.
 */
export class LeastPrivilegeRules extends RulePack {
  public constructor(props: LeastPrivilegeRulesProps = {}) {
    super([...LEAST_PRIVILEGE_RULES, ...ORDERING_RULES], props);
  }
}
