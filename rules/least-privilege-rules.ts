import { Audit } from '@cdktf/provider-vault/lib/audit';
import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { KubernetesAuthBackendRole } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-role';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { TransitSecretBackendKey } from '@cdktf/provider-vault/lib/transit-secret-backend-key';
import { TerraformResource, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { AppSecretsModule } from '../constructs/app-secrets-module';
import { isDefaultSelfGrant } from '../constructs/policy/token-self';
import { VaultPolicy } from '../constructs/vault-policy';
import { operatorOfRole, ROLE_TYPES } from './auth-roles';
import { jwtRolesBindEmittedClaims } from './ci-claim-rules';
import { HUMAN_ACCESS_RULES } from './human-access-rules';
import { Rule, RuleContext } from './rule-pack';
import { TLS_VERIFICATION_RULES } from './tls-verification-rules';
import { tokenSelfCalls } from './token-self-calls';
import { vaultChartAddressesExpand } from './vault-chart-env';
import { vaultExposedThroughActivePod } from './vault-exposure-rules';

/**
 * The least-privilege rule pack. Ids are stable API (suppressions and docs/security.md refer to
 * them); a new rule gets a new id, a retired id is never reused.
 */

/** The app a policy belongs to: its AppSecretsModule, or the `Apps/<app>` scope it lives under. */
export function appOfPolicy(policy: VaultPolicy): string | undefined {
  const scopes = policy.node.scopes;
  for (let i = scopes.length - 2; i >= 0; i--) {
    const scope = scopes[i];
    if (scope instanceof AppSecretsModule) return scope.appName;
    if (scope.node.id === 'Apps' && scopes[i + 1]) return scopes[i + 1].node.id;
  }
  return undefined;
}

function appPolicy(construct: IConstruct): { policy: VaultPolicy; app: string } | undefined {
  if (!(construct instanceof VaultPolicy)) return undefined;
  const app = appOfPolicy(construct);
  return app ? { policy: construct, app } : undefined;
}

export const noSudoInAppPolicies: Rule = {
  id: 'VP-POL-1',
  summary: "an app policy never grants 'sudo' (root-protected endpoints)",
  check(construct) {
    const found = appPolicy(construct);
    if (!found) return [];
    return found.policy.rules
      .filter((r) => r.capabilities.includes('sudo'))
      .map((r) => `app policy ${found.policy.policyName} (app ${found.app}) grants sudo on ${JSON.stringify(r.path)}; apps never need root-protected endpoints`);
  },
};

/**
 * A path stays inside the app's prefix when a literal segment after the mount is the app name (or
 * its read-only variant `<app>-ro`, a suffix no app name may take) and no glob comes before it:
 * `kvv2/data/webapp/*` and `postgres/creds/webapp-ro` stay, `kvv2/data/*`, `kvv2/data/web*`,
 * `kvv2/data/+/config` and `kvv2/data/billing/config` reach beyond.
 */
export function staysUnderAppPrefix(path: string, app: string): boolean {
  const segments = path.split('/');
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i];
    if (segment === app || segment === `${app}-ro`) return segments.slice(0, i).every((s) => !s.includes('*') && s !== '+');
    if (segment.includes('*') || segment === '+') return false;
  }
  return false;
}

export const appPathsStayInPrefix: Rule = {
  id: 'VP-POL-2',
  summary: "every path of an app policy stays under the app's own prefix (no glob reaching further); the token's own lookup-self, renew-self, revoke-self are exempt",
  check(construct) {
    const found = appPolicy(construct);
    if (!found) return [];
    return found.policy.rules
      .filter((r) => !r.capabilities.every((c) => c === 'deny') && !staysUnderAppPrefix(r.path, found.app) && !isDefaultSelfGrant(r))
      .map((r) => `app policy ${found.policy.policyName} grants ${r.capabilities.join(', ')} on ${JSON.stringify(r.path)}, which reaches beyond the app's own prefix '${found.app}/'`);
  },
};

export const noDestroyInAppPolicies: Rule = {
  id: 'VP-POL-3',
  summary: 'no app policy may destroy KV v2 versions or delete KV v2 metadata',
  check(construct) {
    const found = appPolicy(construct);
    if (!found) return [];
    return found.policy.rules
      .filter((r) => {
        const [, endpoint] = r.path.split('/');
        const grants = r.capabilities.filter((c) => c !== 'deny');
        return (endpoint === 'destroy' && grants.length > 0) || (endpoint === 'metadata' && grants.includes('delete'));
      })
      .map((r) => `app policy ${found.policy.policyName} can permanently destroy secrets at ${JSON.stringify(r.path)} (${r.capabilities.join(', ')}); use soft delete (grantSoftDelete) for apps`);
  },
};

export const appPoliciesTyped: Rule = {
  id: 'VP-POL-5',
  summary: 'an app policy is a VaultPolicy (typed rules the pack can check), never a raw vault_policy',
  check(construct) {
    if (!(construct instanceof Policy) || construct.node.scope instanceof VaultPolicy) return [];
    const inApps = construct.node.scopes.some((s) => s instanceof AppSecretsModule || s.node.id === 'Apps');
    return inApps ? ['a raw vault_policy under an app bypasses VP-POL-1..3; build it with VaultPolicy and grant methods'] : [];
  },
};

export const noRootPolicyOnRoles: Rule = {
  id: 'VP-POL-4',
  summary: "no auth role attaches the 'root' policy",
  check(construct, { synthesized }) {
    if (!(construct instanceof TerraformResource) || !ROLE_TYPES.test(construct.terraformResourceType)) return [];
    const policies = synthesized.blockOf(construct)?.token_policies;
    return Array.isArray(policies) && policies.includes('root') ? [`role attaches the root policy: ${JSON.stringify(policies)}`] : [];
  },
};

function hasGlob(value: unknown): boolean {
  return typeof value === 'string' && value.includes('*');
}

export const kubernetesRolesBoundExactly: Rule = {
  id: 'VP-K8S-1',
  summary: 'Kubernetes auth roles bind exact ServiceAccount names and namespaces (no * or selector)',
  check(construct, { synthesized }) {
    if (!(construct instanceof KubernetesAuthBackendRole)) return [];
    const block = synthesized.blockOf(construct) ?? {};
    const messages: string[] = [];
    for (const key of ['bound_service_account_names', 'bound_service_account_namespaces']) {
      const values = block[key];
      if (!Array.isArray(values) || values.length === 0) messages.push(`${key} is empty; bind exact names`);
      else if (values.some(hasGlob)) messages.push(`${key} ${JSON.stringify(values)} contains a glob; bind exact names`);
    }
    if (block.bound_service_account_namespace_selector !== undefined) {
      messages.push('bound_service_account_namespace_selector admits any namespace matching labels; bind exact namespaces');
    }
    return messages;
  },
};

export const jwtRolesBound: Rule = {
  id: 'VP-JWT-1',
  summary: 'JWT roles bind an audience, the repository and the ref (exact values)',
  check(construct, { synthesized }) {
    if (!(construct instanceof JwtAuthBackendRole)) return [];
    const block = synthesized.blockOf(construct) ?? {};
    // An oidc role is a person's browser login, which no CI token can use; VP-HUM-* check those.
    if (block.role_type === 'oidc') return [];
    const messages: string[] = [];
    const audiences = block.bound_audiences;
    if (!Array.isArray(audiences) || audiences.length === 0) messages.push('bound_audiences is empty; bind the audience CI tokens carry');
    else if (audiences.some(hasGlob)) messages.push(`bound_audiences ${JSON.stringify(audiences)} contains a glob`);
    const claims = (block.bound_claims ?? {}) as Record<string, unknown>;
    const subject = typeof block.bound_subject === 'string' ? block.bound_subject : '';
    // A pull-request role cannot bind `ref` (refs/pull/<n>/head changes per PR); the branch it
    // targets, `base_ref`, is its ref binding.
    const refClaim = claims.event_name === 'pull_request' && claims.base_ref ? 'base_ref' : 'ref';
    for (const claim of ['repository', refClaim]) {
      const value = claims[claim];
      const inSubject = claim === 'repository' ? /(^|:)repo:[^*:]+/.test(subject) : /:ref:[^*]+/.test(subject);
      if ((value === undefined || value === '') && !inSubject) messages.push(`bound_claims does not bind '${claim}'; any ${claim} of the forge could log in`);
      else if (hasGlob(value)) messages.push(`bound_claims.${claim} (${JSON.stringify(value)}) is a glob; bind the exact ${claim}`);
    }
    return messages;
  },
};

const TTL_KEYS: Array<[string, Exclude<keyof RuleContext['ceilings'], 'configuredAt'>]> = [
  ['token_ttl', 'tokenTtl'],
  ['token_max_ttl', 'tokenMaxTtl'],
  ['token_explicit_max_ttl', 'tokenMaxTtl'],
  ['token_period', 'tokenPeriod'],
];

export const tokenTtlsUnderCeilings: Rule = {
  id: 'VP-TTL-1',
  summary: 'auth roles set token_ttl and bound renewals (token_max_ttl or token_period), all under the configured ceilings',
  check(construct, { synthesized, ceilings }) {
    if (!(construct instanceof TerraformResource)) return [];
    const block = synthesized.blockOf(construct);
    if (!block) return [];
    const messages: string[] = [];
    const isRole = ROLE_TYPES.test(construct.terraformResourceType);
    const ttl = block.token_ttl;
    if (isRole && (ttl === undefined || ttl === 0) && (block.token_period === undefined || block.token_period === 0)) {
      messages.push('token_ttl is unset, so tokens live for the mount default (768h); set token_ttl (or token_period)');
    }
    const hasMax = [block.token_max_ttl, block.token_explicit_max_ttl].some((v) => typeof v === 'number' && v > 0);
    const periodic = typeof block.token_period === 'number' && block.token_period > 0;
    if (isRole && !hasMax && !periodic) {
      messages.push('neither token_max_ttl nor token_period is set, so tokens renew up to the mount maximum (768h by default); set token_max_ttl, or token_period for a client that renews (VSO)');
    }
    for (const [key, ceiling] of TTL_KEYS) {
      const value = block[key];
      if (typeof value === 'number' && value > ceilings[ceiling]) {
        messages.push(`${key} (${value}s) exceeds the ceiling ${ceilings.configuredAt}.${ceiling} (${ceilings[ceiling]}s)`);
      }
    }
    return messages;
  },
};

export const vsoRolesPeriodic: Rule = {
  id: 'VP-VSO-1',
  summary: "roles used by the Vault Secrets Operator issue periodic tokens (token_period), never token_max_ttl",
  check(construct, { synthesized, secretOperators }) {
    if (!(construct instanceof KubernetesAuthBackendRole)) return [];
    const block = synthesized.blockOf(construct) ?? {};
    if (operatorOfRole(block, secretOperators) !== 'vso') return [];
    const messages: string[] = [];
    if (typeof block.token_max_ttl === 'number' && block.token_max_ttl > 0) {
      messages.push(`VSO role ${block.role_name} sets token_max_ttl (${block.token_max_ttl}s): every workload would re-authenticate at once when it expires; use token_period`);
    }
    if (typeof block.token_period !== 'number' || block.token_period <= 0) {
      messages.push(`VSO role ${block.role_name} has no token_period; VSO renews periodic tokens for as long as it runs`);
    }
    return messages;
  },
};

export const transitKeysProtected: Rule = {
  id: 'VP-TRN-1',
  summary: 'transit keys are neither exportable, nor deletable, nor backed up in plaintext',
  check(construct, { synthesized }) {
    if (!(construct instanceof TransitSecretBackendKey)) return [];
    const block = synthesized.blockOf(construct) ?? {};
    return (['exportable', 'deletion_allowed', 'allow_plaintext_backup'] as const)
      .filter((key) => block[key] === true)
      .map((key) => `transit key ${block.name} sets ${key} = true; the key must never leave Vault or be deletable`);
  },
};

export const auditDeviceOnEveryVault: Rule = {
  id: 'VP-AUD-1',
  summary: 'every Vault a stack configures has an audit device (in that stack or another stack of the same Vault), or is one the pack was told is audited elsewhere',
  check(construct, { auditedVaults }) {
    if (!(construct instanceof VaultProvider) || construct.alias !== undefined) return [];
    const address = construct.address;
    if (address !== undefined && auditedVaults.has(address)) return [];
    // One walk of the whole app: the stacks configuring this Vault, and the stacks with an audit device.
    const configuring = new Set<TerraformStack>();
    const auditing = new Set<TerraformStack>();
    for (const c of construct.node.root.node.findAll()) {
      if (c instanceof VaultProvider && c.alias === undefined && c.address === address) configuring.add(TerraformStack.of(c));
      else if (c instanceof Audit) auditing.add(TerraformStack.of(c));
    }
    const audited = [...configuring].some((stack) => auditing.has(stack));
    return audited ? [] : [`no stack configuring the Vault at ${address} enables an audit device; add an AuditDevice`];
  },
};

export const LEAST_PRIVILEGE_RULES: readonly Rule[] = [
  noSudoInAppPolicies,
  appPathsStayInPrefix,
  noDestroyInAppPolicies,
  noRootPolicyOnRoles,
  appPoliciesTyped,
  kubernetesRolesBoundExactly,
  jwtRolesBound,
  jwtRolesBindEmittedClaims,
  tokenTtlsUnderCeilings,
  vsoRolesPeriodic,
  transitKeysProtected,
  auditDeviceOnEveryVault,
  tokenSelfCalls,
  vaultChartAddressesExpand,
  vaultExposedThroughActivePod,
  ...HUMAN_ACCESS_RULES,
  ...TLS_VERIFICATION_RULES,
];
