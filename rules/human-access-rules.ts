import { AuthBackend } from '@cdktf/provider-vault/lib/auth-backend';
import { GenericEndpoint } from '@cdktf/provider-vault/lib/generic-endpoint';
import { IdentityEntity } from '@cdktf/provider-vault/lib/identity-entity';
import { IdentityEntityPolicies } from '@cdktf/provider-vault/lib/identity-entity-policies';
import { IdentityGroup } from '@cdktf/provider-vault/lib/identity-group';
import { IdentityGroupPolicies } from '@cdktf/provider-vault/lib/identity-group-policies';
import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { TerraformResource } from 'cdktf';
import { IConstruct } from 'constructs';
import { Rule } from './rule-pack';
import { SynthesizedStack } from './synthesized';
import { policiesOf } from './token-self-calls';

/**
 * Rules for the logins of people (operators through the forge's OIDC, the break-glass account), whose
 * tokens must neither reach root-protected endpoints wholesale nor outlive a working session.
 */

/**
 * True when a policy path is a glob (`*`, or a `+` segment) that can match a path under `sys/`:
 * `sys/*`, `sys/leases/*`, `sys/+/x`, `*`, `s*`, `+/x`. An exact `sys/…` path is not.
 */
export function globReachesSys(path: string): boolean {
  const segments = path.split('/');
  const plus = segments.indexOf('+');
  const star = path.indexOf('*');
  if (plus < 0 && star < 0) return false;
  const plusAt = plus < 0 ? Infinity : segments.slice(0, plus).join('/').length + (plus > 0 ? 1 : 0);
  const literal = path.slice(0, Math.min(plusAt, star < 0 ? Infinity : star));
  return literal.startsWith('sys/') || 'sys/'.startsWith(literal);
}

/**
 * Where a human's token gets its policies, and the Terraform key that lists them: an `oidc` role of
 * a JWT/OIDC auth method (browser or `vault login -method=oidc`), identity entities and groups,
 * whose policies reach every token of the people they stand for (a forge group's external group, the
 * break-glass entity), and a userpass user written through `vault_generic_endpoint`. A `jwt` role is
 * a machine's (CI), checked by VP-JWT-1.
 */
function humanPolicies(construct: IConstruct, synthesized: SynthesizedStack): { what: string; policies: unknown } | undefined {
  if (!(construct instanceof TerraformResource)) return undefined;
  const block = synthesized.blockOf(construct);
  if (!block) return undefined;
  // A role without role_type is an oidc role: the plugin's default (hashicorp/vault-plugin-auth-jwt
  // path_role.go, pathRoleCreateUpdate).
  if (construct instanceof JwtAuthBackendRole) {
    return block.role_type === 'jwt' ? undefined : { what: `oidc role ${block.role_name}`, policies: block.token_policies };
  }
  if (construct instanceof IdentityEntity || construct instanceof IdentityEntityPolicies) {
    return { what: `identity entity ${block.name ?? block.entity_name ?? block.entity_id}`, policies: block.policies };
  }
  if (construct instanceof IdentityGroup || construct instanceof IdentityGroupPolicies) {
    return { what: `identity group ${block.name ?? block.group_name ?? block.group_id}`, policies: block.policies };
  }
  // A userpass user written through the generic endpoint: its token_policies (or the deprecated
  // policies) are the person's (hashicorp/vault builtin/credential/userpass/path_users.go).
  if (construct instanceof GenericEndpoint && typeof block.path === 'string' && USERPASS_USER.test(block.path)) {
    const data = parseJsonObject(block.data_json);
    return data ? { what: `user ${block.path}`, policies: data.token_policies ?? data.policies } : undefined;
  }
  return undefined;
}

/** `auth/<mount>/users/<name>`: the path of a userpass user. */
const USERPASS_USER = /^\/?auth\/.+\/users\/[^/]+$/;

function parseJsonObject(text: unknown): Record<string, unknown> | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export const noSudoOnSysGlobsForHumans: Rule = {
  id: 'VP-HUM-1',
  summary: "no policy a person logs in with (oidc roles, identity entities and groups, userpass users) grants 'sudo' on a glob reaching sys/ (sys/*, sys/+/…, *); its policies are VaultPolicies the pack can read",
  check(construct, { synthesized }) {
    const human = humanPolicies(construct, synthesized);
    if (!human || !Array.isArray(human.policies)) return [];
    const known = policiesOf(synthesized);
    const messages: string[] = [];
    for (const name of human.policies.map(String)) {
      if (name === 'default') continue;
      const policy = known.get(name);
      if (!policy) {
        messages.push(`${human.what} attaches ${JSON.stringify(name)}, which is no VaultPolicy of this stack, so its rules cannot be checked; build the policy with VaultPolicy (typed grants) in the same stack`);
        continue;
      }
      for (const rule of policy.rules) {
        if (rule.capabilities.includes('sudo') && globReachesSys(rule.path)) {
          messages.push(`${human.what} attaches policy ${policy.policyName}, which grants sudo on ${JSON.stringify(rule.path)}: every root-protected endpoint under it; grant sudo only on the exact sys/ paths that need it`);
        }
      }
    }
    return messages;
  },
};

/**
 * Seconds of a Vault duration string as the provider sends it to `sys/auth/<path>/tune`: whole
 * seconds (`"900"`) or Go units (`"15m"`, `"1h30m"`, `"3600s"`), as Vault's parseutil.ParseDurationSecond
 * reads them (hashicorp/go-secure-stdlib parseutil/parseutil.go); undefined when unreadable.
 */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const units: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };
  if (!/^(\d+[dhms])+$/.test(value)) return undefined;
  return [...value.matchAll(/(\d+)([dhms])/g)].reduce((sum, [, n, unit]) => sum + Number(n) * units[unit], 0);
}

export const humanTokensExpire: Rule = {
  id: 'VP-HUM-2',
  summary: 'tokens of people expire: oidc roles set no token_period; a userpass auth method (break-glass) tunes default_lease_ttl and max_lease_ttl under the ceilings',
  check(construct, { synthesized, ceilings }) {
    if (!(construct instanceof TerraformResource)) return [];
    const block = synthesized.blockOf(construct);
    if (!block) return [];
    if (construct instanceof JwtAuthBackendRole) {
      const period = block.token_period;
      return block.role_type !== 'jwt' && typeof period === 'number' && period > 0
        ? [`oidc role ${block.role_name} sets token_period (${period}s), so a person's token renews forever; set token_max_ttl instead`]
        : [];
    }
    if (!(construct instanceof AuthBackend) || block.type !== 'userpass') return [];
    // A user without token_ttl gets the mount's default lease TTL, capped by its max lease TTL
    // (hashicorp/vault sdk/framework/lease.go, CalculateTTL); without a tune that is 768h.
    const tune = (Array.isArray(block.tune) ? block.tune[0] : block.tune) as Record<string, unknown> | undefined;
    const messages: string[] = [];
    for (const [key, ceiling] of [['default_lease_ttl', 'tokenTtl'], ['max_lease_ttl', 'tokenMaxTtl']] as const) {
      const raw = tune?.[key];
      const seconds = durationSeconds(raw);
      if (raw === undefined || raw === '' || seconds === 0) {
        messages.push(`userpass auth method ${block.path} does not tune ${key}, so its tokens live up to the system's 768h; set tune.${key}`);
      } else if (seconds === undefined) {
        messages.push(`userpass auth method ${block.path}: tune.${key} ${JSON.stringify(raw)} is no duration the pack can read; write seconds ("900") or Go units ("15m")`);
      } else if (seconds > ceilings[ceiling]) {
        messages.push(`userpass auth method ${block.path}: tune.${key} (${seconds}s) exceeds the ceiling ${ceilings.configuredAt}.${ceiling} (${ceilings[ceiling]}s)`);
      }
    }
    return messages;
  },
};

export const HUMAN_ACCESS_RULES: readonly Rule[] = [noSudoOnSysGlobsForHumans, humanTokensExpire];
