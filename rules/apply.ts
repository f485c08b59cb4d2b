import { Aspects, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { LabConfig } from '../config/schema';
import { LEAST_PRIVILEGE_RULES } from './least-privilege-rules';
import { ORDERING_RULES } from './ordering-rules';
import { RulePack } from './rule-pack';
import { SandboxIsolation } from './sandbox-isolation';

/**
 * Applies the least-privilege rule pack to every stack of the lab and the isolation checks to
 * every sandbox stack (a stack whose `environment` is `sandbox`). Call it after all stacks exist.
 */
export function applyLabRules(scope: IConstruct, config: LabConfig): void {
  const pack = new RulePack([...LEAST_PRIVILEGE_RULES, ...ORDERING_RULES], config);
  for (const stack of scope.node.findAll().filter(TerraformStack.isStack)) {
    Aspects.of(stack).add(pack);
    if ((stack as { environment?: unknown }).environment === 'sandbox') SandboxIsolation.apply(stack, config);
  }
}
