import { KubernetesAuthBackendRole } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-role';
import { Token } from '@cdktf/provider-vault/lib/token';
import { TerraformResource } from 'cdktf';
import { IConstruct } from 'constructs';
import { effectiveCapabilities } from '../access/path-matcher';
import { PolicyRule } from '../constructs/policy/policy-document';
import { DEFAULT_POLICY_SELF_GRANTS, RENEW_SELF, TOKEN_SELF_CALLS } from '../constructs/policy/token-self';
import { TransitUnsealMaster } from '../constructs/transit-unseal-master';
import { VaultPolicy } from '../constructs/vault-policy';
import { operatorOfRole, ROLE_TYPES, SecretOperator } from './auth-roles';
import { Rule } from './rule-pack';
import { SynthesizedStack } from './synthesized';

type Holder = keyof typeof TOKEN_SELF_CALLS;

const HOLDERS: Record<Holder, string> = {
  transitSeal: "the unsealed Vault's transit seal",
  periodic: 'the holder of a periodic token',
  vso: 'the Vault Secrets Operator',
  eso: 'External Secrets',
};

/** Who holds the tokens a `vault_token` or an auth role issues, by what makes them call themselves. */
function holdersOf(construct: TerraformResource, block: Record<string, unknown>, secretOperators: ReadonlyMap<string, SecretOperator>): Holder[] {
  const holders: Holder[] = [];
  if (construct instanceof Token) {
    if (construct.node.scope instanceof TransitUnsealMaster) holders.push('transitSeal');
    if (isSet(block.period)) holders.push('periodic');
  } else {
    // The operator first: its calls include the renewal, so the suggested fix names it.
    const operator = construct instanceof KubernetesAuthBackendRole ? operatorOfRole(block, secretOperators) : undefined;
    if (operator) holders.push(operator);
    if (isSet(block.token_period)) holders.push('periodic');
  }
  return holders;
}

/** A period or TTL that is there: a non-zero number or a duration string other than "0". */
function isSet(value: unknown): boolean {
  return (typeof value === 'number' && value > 0) || (typeof value === 'string' && value !== '' && !/^0+[a-z]*$/.test(value));
}

const policiesByStack = new WeakMap<SynthesizedStack, ReadonlyMap<string, VaultPolicy>>();

/**
 * The VaultPolicies of a stack by the two ways a token or role names them: the policy name
 * (`token_policies = ["unseal-main"]`) and the reference to its resource (`${vault_policy.<id>.name}`).
 * Built on first use: most stacks have no token that needs it.
 */
export function policiesOf(synthesized: SynthesizedStack): ReadonlyMap<string, VaultPolicy> {
  let policies = policiesByStack.get(synthesized);
  if (!policies) {
    const byKey = new Map<string, VaultPolicy>();
    for (const c of synthesized.stack.node.findAll()) {
      if (!(c instanceof VaultPolicy)) continue;
      byKey.set(c.policyName, c);
      byKey.set(`\${vault_policy.${c.resource.friendlyUniqueId}.name}`, c);
    }
    policies = byKey;
    policiesByStack.set(synthesized, policies);
  }
  return policies;
}

/**
 * VP-TOK-1. A token whose holder calls the token store on itself (renews it, looks it up, revokes
 * it) must be allowed to: by Vault's `default` policy, or, when the token opts out of it, by its own
 * policies. Evaluated as Vault does (access/path-matcher.ts) over the typed rules of the token's
 * VaultPolicies plus the default policy's grants (constructs/policy/token-self.ts), so a `deny`
 * in any of them counts too.
 */
export const tokenSelfCalls: Rule = {
  id: 'VP-TOK-1',
  summary: 'a token or auth role whose holder renews, looks up or revokes its own token is allowed to (default policy, or a policy granting auth/token/renew-self, …)',
  check(construct: IConstruct, { synthesized, secretOperators }) {
    if (!(construct instanceof TerraformResource)) return [];
    const isToken = construct instanceof Token;
    if (!isToken && !ROLE_TYPES.test(construct.terraformResourceType)) return [];
    const block = synthesized.blockOf(construct);
    if (!block) return [];
    const holders = holdersOf(construct, block, secretOperators);
    if (holders.length === 0) return [];

    const policiesKey = isToken ? 'policies' : 'token_policies';
    const noDefaultKey = isToken ? 'no_default_policy' : 'token_no_default_policy';
    const named = Array.isArray(block[policiesKey]) ? (block[policiesKey] as unknown[]).map(String) : [];
    const known = policiesOf(synthesized);
    const grants: Array<readonly PolicyRule[]> = named.flatMap((name) => (known.has(name) ? [known.get(name)!.rules] : []));
    const keepsDefault = block[noDefaultKey] !== true;
    if (keepsDefault) grants.push(DEFAULT_POLICY_SELF_GRANTS);
    const unread = named.filter((name) => !known.has(name));
    const policyNames = named.map((name) => known.get(name)?.policyName ?? name);

    // One finding per endpoint, naming every holder that calls it.
    const callers = new Map<PolicyRule, Holder[]>();
    for (const holder of holders) {
      for (const call of TOKEN_SELF_CALLS[holder]) callers.set(call, [...(callers.get(call) ?? []), holder]);
    }
    const why = keepsDefault ? 'its policies deny it' : `${noDefaultKey} = true and its policies ${JSON.stringify(policyNames)} do not grant it`;
    const unreadNote = unread.length > 0 ? ` (not read: no VaultPolicy of this stack is named ${unread.map((n) => JSON.stringify(n)).join(' or ')})` : '';
    const messages: string[] = [];
    for (const [call, by] of callers) {
      const allowed = effectiveCapabilities(grants, call.path);
      const missing = call.capabilities.filter((c) => !allowed.includes(c));
      if (missing.length === 0) continue;
      messages.push(
        `${by.map((h) => HOLDERS[h]).join(' and ')} call${by.length === 1 ? 's' : ''} ${call.path} (${missing.join(', ')}) with this token, but ${why}${unreadNote}; ` +
          `grant it with grantTokenSelfCalls(policy, TOKEN_SELF_CALLS.${by[0]}) or keep the default policy`,
      );
    }
    if (isToken && block.renewable === false && holders.some((h) => TOKEN_SELF_CALLS[h].includes(RENEW_SELF))) {
      messages.push(`renewable = false, but ${holders.map((h) => HOLDERS[h]).join(' and ')} must renew this token; remove renewable = false`);
    }
    return messages;
  },
};
