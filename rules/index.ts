// The portable rule pack: what an app team imports from `vault-platform/rules` to hold its own
// stacks to the platform's least-privilege rules (rule ids: docs/security.md). One line per module,
// sorted by module path; the generic rule engine and the rules themselves stay internal.
// rules/sandbox-isolation.ts reads the lab's config and is not part of it.
export { type SecretOperator } from './auth-roles';
export { LeastPrivilegeRules } from './least-privilege-pack';
export { type CiAuthClaimsProps, type LeastPrivilegeRulesProps, type TokenCeilingsProps } from './rule-pack';
export { RULE_SUPPRESSIONS_METADATA, type RuleSuppression, RuleSuppressions } from './suppressions';
