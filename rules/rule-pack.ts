import { Annotations, IAspect, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { CI_CLAIM_PROFILES, CiClaimProfileName } from '../constructs/ci-claim-profiles';
import { invalidProp } from '../constructs/private/errors';
import type { SecretOperator } from './auth-roles';
import { RuleSuppression, RuleSuppressions, suppressionProblem } from './suppressions';
import { SynthesizedStack } from './synthesized';

/** Highest token lifetimes, in seconds, an auth role or token may set (VP-TTL-1). */
export interface TokenCeilingsProps {
  /** Highest `token_ttl`. @default 3600 */
  readonly tokenTtl?: number;
  /** Highest `token_max_ttl` and `token_explicit_max_ttl`. @default 86400 */
  readonly tokenMaxTtl?: number;
  /** Highest `token_period` (periodic tokens of long-running clients). @default 86400 */
  readonly tokenPeriod?: number;
  /** Where these ceilings are set, named in findings (the lab says `policy.ceilings`). @default 'ceilings' */
  readonly configuredAt?: string;
}

/** The forge whose CI tokens log in at one JWT auth method (VP-JWT-2). */
export interface CiAuthClaimsProps {
  /** The forge's claim profile (constructs/ci-claim-profiles.ts); a `custom` issuer is not checked. */
  readonly profile: CiClaimProfileName | 'custom';
  /** Where the profile is chosen, named in findings. @default - `ciAuth["<path>"]` */
  readonly configuredAt?: string;
}

/** What the least-privilege rules need to know about the stacks they check; all optional. */
export interface LeastPrivilegeRulesProps {
  /** Token lifetime ceilings. @default - 3600 s token_ttl, 86400 s token_max_ttl and token_period */
  readonly ceilings?: TokenCeilingsProps;
  /**
   * The JWT auth methods CI logs in with, by mount path (`gitea-actions`): their roles may bind,
   * and take their identity from, only claims the forge's tokens carry.
   * @default - none: no role is held to a claim profile
   */
  readonly ciAuth?: Readonly<Record<string, CiAuthClaimsProps>>;
  /**
   * The secrets operator that logs in with each Kubernetes auth role, by role name
   * (`{ invoicing: 'vso' }`): VSO's roles must issue periodic tokens, and each operator's token
   * must be allowed the calls it makes on itself.
   * @default - none: only a role bound to a `vault-secrets-operator*` ServiceAccount is VSO's
   */
  readonly secretOperators?: Readonly<Record<string, SecretOperator>>;
  /**
   * Vaults, by the `vault` provider's `address`, whose audit device is enabled outside this app
   * (the platform's own stacks), so a stack that only configures them needs none.
   * @default - none: some stack of this app configuring a Vault enables its audit device
   */
  readonly auditedVaults?: readonly string[];
}

/** What a rule sees: the construct under test, its stack's resolved JSON, the pack's settings. */
export interface RuleContext {
  readonly synthesized: SynthesizedStack;
  readonly ceilings: Required<TokenCeilingsProps>;
  readonly ciAuth: ReadonlyMap<string, Required<CiAuthClaimsProps>>;
  readonly secretOperators: ReadonlyMap<string, SecretOperator>;
  readonly auditedVaults: ReadonlySet<string>;
}

/** One least-privilege rule. `check` returns one message per violation on `construct`, or none. */
export interface Rule {
  /** Stable id (`VP-POL-1`): suppressions and docs refer to it, so it never changes meaning. */
  readonly id: string;
  /** One line: what the rule requires. */
  readonly summary: string;
  check(construct: IConstruct, context: RuleContext): string[];
}

type Settings = Omit<RuleContext, 'synthesized'>;

/** The props with their defaults, each value checked and named when wrong. */
function settingsOf(props: LeastPrivilegeRulesProps): Settings {
  const ceilings: Required<TokenCeilingsProps> = {
    tokenTtl: props.ceilings?.tokenTtl ?? 3600,
    tokenMaxTtl: props.ceilings?.tokenMaxTtl ?? 86400,
    tokenPeriod: props.ceilings?.tokenPeriod ?? 86400,
    configuredAt: props.ceilings?.configuredAt ?? 'ceilings',
  };
  for (const key of ['tokenTtl', 'tokenMaxTtl', 'tokenPeriod'] as const) {
    const value = ceilings[key];
    if (!Number.isInteger(value) || value <= 0) {
      throw new Error(invalidProp('LeastPrivilegeRules', `ceilings.${key}`, value, 'must be a whole number of seconds > 0'));
    }
  }
  const ciAuth = new Map<string, Required<CiAuthClaimsProps>>();
  for (const [path, claims] of Object.entries(props.ciAuth ?? {})) {
    if (claims.profile !== 'custom' && !Object.hasOwn(CI_CLAIM_PROFILES, claims.profile)) {
      const known = [...Object.keys(CI_CLAIM_PROFILES), 'custom'].join(', ');
      throw new Error(invalidProp('LeastPrivilegeRules', `ciAuth["${path}"].profile`, claims.profile, `must be one of ${known}`));
    }
    ciAuth.set(path, { profile: claims.profile, configuredAt: claims.configuredAt ?? `ciAuth["${path}"]` });
  }
  for (const [role, operator] of Object.entries(props.secretOperators ?? {})) {
    if (operator !== 'vso' && operator !== 'eso') {
      throw new Error(invalidProp('LeastPrivilegeRules', `secretOperators["${role}"]`, operator, "must be 'vso' or 'eso'"));
    }
  }
  return {
    ceilings,
    ciAuth,
    secretOperators: new Map(Object.entries(props.secretOperators ?? {})),
    auditedVaults: new Set(props.auditedVaults ?? []),
  };
}

/**
 * Runs a set of rules over every construct of each stack it is applied to, cdk-nag v2 style
 * (cdklabs/cdk-nag src/nag-pack.ts): a violation is an error annotation `[RULE-ID] message` on the
 * offending construct (synthesis then fails with its path); a suppressed one (`RuleSuppressions`,
 * read from construct metadata) becomes a warning that names the rule and the written reason, so
 * every exception shows up in the synth output.
 */
export class RulePack implements IAspect {
  private readonly settings: Settings;
  private readonly registered = new WeakSet<TerraformStack>();
  private readonly checked = new WeakSet<TerraformStack>();

  public constructor(
    private readonly rules: readonly Rule[],
    props: LeastPrivilegeRulesProps = {},
  ) {
    const ids = rules.map((r) => r.id);
    const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
    if (duplicate) throw new Error(`RulePack: rule id ${duplicate} is used twice; rule ids must be unique`);
    this.settings = settingsOf(props);
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
    const context: RuleContext = { synthesized: SynthesizedStack.of(stack), ...this.settings };
    const used = new Set<RuleSuppression>();
    const constructs = stack.node.findAll();
    for (const construct of constructs) {
      for (const rule of this.rules) {
        for (const message of rule.check(construct, context)) {
          const suppression = suppressionsCovering(construct).find((s) => s.id === rule.id);
          if (suppression) {
            used.add(suppression);
            Annotations.of(construct).addWarning(`[${rule.id}] suppressed (${suppression.reason}): ${message}`);
          } else {
            Annotations.of(construct).addError(`[${rule.id}] ${message}`);
          }
        }
      }
    }
    for (const construct of constructs) {
      for (const s of RuleSuppressions.of(construct)) {
        // Metadata written around `RuleSuppressions.add` is held to the same terms.
        const problem = suppressionProblem(construct, s);
        if (problem) Annotations.of(construct).addError(`invalid suppression: ${problem}`);
        // A suppression nothing needs any more would silently cover a future violation: say so.
        else if (!used.has(s)) Annotations.of(construct).addWarning(`[${s.id}] suppression no longer needed (${s.reason}); remove it`);
      }
    }
    // Violations are error annotations, which fail synthesis naming each construct's path.
    return [];
  }
}

/**
 * The valid suppressions that cover findings on `construct`: its own, and those of its
 * `node.defaultChild` (where `RuleSuppressions.add` records an L2 construct's).
 */
function suppressionsCovering(construct: IConstruct): RuleSuppression[] {
  const child = construct.node.defaultChild;
  const owners = child && child !== construct ? [construct, child] : [construct];
  return owners.flatMap((owner) => RuleSuppressions.of(owner).filter((s) => !suppressionProblem(owner, s)));
}
