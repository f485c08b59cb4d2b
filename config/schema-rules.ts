import { z } from 'zod';
import { ttlSeconds } from './fields';

const seconds = (what: string) => ttlSeconds(`the ${what}`, 1);

/**
 * Limits the least-privilege rule pack (rules/least-privilege-rules.ts) enforces on every token a
 * role issues. All values are seconds; a role above a ceiling fails synthesis with rule VP-TTL-1.
 * Passed to the pack as `LeastPrivilegeRulesProps.ceilings` (rules/apply.ts), which holds the defaults.
 */
export const tokenCeilingsSchema = z.strictObject({
  /** Highest `token_ttl` a role may set. @default 3600 */
  tokenTtl: seconds('token_ttl ceiling').optional(),
  /** Highest `token_max_ttl` a role may set. @default 86400 */
  tokenMaxTtl: seconds('token_max_ttl ceiling').optional(),
  /** Highest `token_period` a role may set (periodic tokens of long-running clients). @default 86400 */
  tokenPeriod: seconds('token_period ceiling').optional(),
});

export const policyRulesSchema = z.strictObject({
  /** @default - the defaults of each ceiling */
  ceilings: tokenCeilingsSchema.optional(),
});
