/**
 * The portable rule pack, imported from `vault-platform/rules`: `LeastPrivilegeRules` is an Aspect that
 * holds any stack to the platform's least-privilege rules (a finding fails synthesis with its rule id
 * and the construct path), and `RuleSuppressions` records an accepted exception with its reason.
 * Rule ids and what each requires: docs/security.md.
 *
 * @module vault-platform/rules
 */

// One line per module, sorted by module path. The generic rule engine and the rules themselves stay
// internal; rules/sandbox-isolation.ts reads the lab's config and is not part of the package.
export { type SecretOperator } from './auth-roles';
export { LeastPrivilegeRules } from './least-privilege-pack';
export { type CiAuthClaimsProps, type LeastPrivilegeRulesProps, type TokenCeilingsProps } from './rule-pack';
export { RULE_SUPPRESSIONS_METADATA, type RuleSuppression, RuleSuppressions } from './suppressions';
