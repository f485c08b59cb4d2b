import { Construct } from 'constructs';
import { ClusterEnvironmentName, LabConfig } from '../config/schema';
import { DEFAULT_BREAK_GLASS_AUTH_PATH, DEFAULT_BREAK_GLASS_TOKEN_MAX_TTL, DEFAULT_BREAK_GLASS_TOKEN_TTL, DEFAULT_BREAK_GLASS_USERNAME } from '../config/schema-break-glass';
import { BreakGlassLogin } from '../constructs/break-glass-login';
import { VaultPolicy } from '../constructs/vault-policy';
import { humanPolicyName } from './operator-access';

/**
 * The break-glass login of a cluster Vault (`environments.<env>.operators.breakGlass`,
 * docs/runbook.md "Break-glass"): a userpass account with the policy of the operators role it names,
 * created in this stack by `addOperatorAccess`, whose people may also set the account's password.
 * Nothing unless configured.
 */
export function addBreakGlass(scope: Construct, config: LabConfig, environment: ClusterEnvironmentName): BreakGlassLogin | undefined {
  const breakGlass = config.environments[environment].operators?.breakGlass;
  if (!breakGlass) return undefined;
  // The role's policy, which addOperatorAccess created in this stack (the config checks the role exists).
  const policyName = humanPolicyName(breakGlass.role);
  const policy = scope.node.findAll().find((c): c is VaultPolicy => c instanceof VaultPolicy && c.policyName === policyName);
  if (!policy) throw new Error(`addBreakGlass: no VaultPolicy ${policyName} in ${scope.node.path}; call addOperatorAccess first`);
  const login = new BreakGlassLogin(scope, 'BreakGlass', {
    mountPath: breakGlass.authPath ?? DEFAULT_BREAK_GLASS_AUTH_PATH,
    username: breakGlass.username ?? DEFAULT_BREAK_GLASS_USERNAME,
    tokenTtl: breakGlass.tokenTtl ?? DEFAULT_BREAK_GLASS_TOKEN_TTL,
    tokenMaxTtl: breakGlass.tokenMaxTtl ?? DEFAULT_BREAK_GLASS_TOKEN_MAX_TTL,
    policies: [policy],
  });
  // People of that role set the password and keep the envelope, while the forge is up.
  login.grantManageUser(policy);
  return login;
}
