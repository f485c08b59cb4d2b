import { Annotations, IAspect, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { LabConfig } from '../config/schema';
import { TokenCeilings, tokenCeilings } from '../config/schema-rules';
import { SynthesizedStack } from './synthesized';

/** What a rule sees: the construct under test, its stack's resolved JSON, the lab's settings. */
export interface RuleContext {
  readonly synthesized: SynthesizedStack;
  readonly config: LabConfig;
  readonly ceilings: TokenCeilings;
}

/** One least-privilege rule. `check` returns one message per violation on `construct`, or none. */
export interface Rule {
  /** Stable id (`VP-POL-1`): suppressions and docs refer to it, so it never changes meaning. */
  readonly id: string;
  /** One line: what the rule requires. */
  readonly summary: string;
  check(construct: IConstruct, context: RuleContext): string[];
}

interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
}

const MIN_REASON_LENGTH = 10;
const suppressions = new WeakMap<IConstruct, Suppression[]>();

/**
 * Runs a set of rules over every construct of a stack, cdk-nag style: a violation is an error
 * annotation `[RULE-ID] message` on the offending construct (cdktf synth then fails with its
 * path); a suppressed one becomes a warning that names the rule and the written reason, so every
 * exception shows up in the synth output.
 */
export class RulePack implements IAspect {
  /**
   * Accepts a violation of `ruleId` on `construct` (or on the `Resource` child of an L2 construct)
   * for a written reason. There is no blanket suppression: one construct, one rule.
   */
  public static suppress(construct: IConstruct, ruleId: string, reason: string): void {
    if (!/^[A-Z]+(-[A-Z0-9]+)+$/.test(ruleId)) {
      throw new Error(`RulePack.suppress: 'ruleId' (${JSON.stringify(ruleId)}) must be a rule id such as VP-POL-1; see docs/security.md`);
    }
    if (reason.trim().length < MIN_REASON_LENGTH) {
      throw new Error(
        `RulePack.suppress: 'reason' (${JSON.stringify(reason)}) for ${ruleId} on ${construct.node.path} must explain the exception in at least ${MIN_REASON_LENGTH} characters`,
      );
    }
    const list = suppressions.get(construct) ?? [];
    list.push({ ruleId, reason: reason.trim() });
    suppressions.set(construct, list);
  }

  private readonly registered = new WeakSet<TerraformStack>();
  private readonly checked = new WeakSet<TerraformStack>();

  public constructor(
    private readonly rules: readonly Rule[],
    private readonly config: LabConfig,
  ) {
    const ids = rules.map((r) => r.id);
    const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
    if (duplicate) throw new Error(`RulePack: rule id ${duplicate} is used twice; rule ids must be unique`);
  }

  public visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) return;
    SynthesizedStack.forget(node);
    if (this.registered.has(node)) return;
    this.registered.add(node);
    // Checked as a validation: after every aspect, on the rendering synthesis writes. Once per
    // stack, so synthesizing twice does not repeat the annotations.
    node.node.addValidation({ validate: () => (this.checked.has(node) ? [] : this.check(node)) });
  }

  private check(stack: TerraformStack): string[] {
    this.checked.add(stack);
    const context: RuleContext = { synthesized: SynthesizedStack.of(stack), config: this.config, ceilings: tokenCeilings(this.config.policy) };
    const used = new Set<Suppression>();
    const constructs = stack.node.findAll();
    for (const construct of constructs) {
      for (const rule of this.rules) {
        for (const message of rule.check(construct, context)) {
          const suppression = findSuppression(construct, rule.id);
          if (suppression) {
            used.add(suppression);
            Annotations.of(construct).addWarning(`[${rule.id}] suppressed (${suppression.reason}): ${message}`);
          } else {
            Annotations.of(construct).addError(`[${rule.id}] ${message}`);
          }
        }
      }
    }
    // A suppression nothing needs any more would silently cover a future violation: say so.
    for (const construct of constructs) {
      for (const s of suppressions.get(construct) ?? []) {
        if (!used.has(s)) Annotations.of(construct).addWarning(`[${s.ruleId}] suppression no longer needed (${s.reason}); remove it`);
      }
    }
    // Violations are error annotations, which fail synthesis naming each construct's path.
    return [];
  }
}

function findSuppression(construct: IConstruct, ruleId: string): Suppression | undefined {
  const own = suppressions.get(construct)?.find((s) => s.ruleId === ruleId);
  if (own) return own;
  // An L2 construct's suppression covers its `Resource`, the L1 it wraps.
  const parent = construct.node.scope;
  return construct.node.id === 'Resource' && parent ? suppressions.get(parent)?.find((s) => s.ruleId === ruleId) : undefined;
}
