import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterEnvironmentName, LabConfig } from '../config/schema';
import { DEFAULT_OPERATORS_AUTH_PATH } from '../config/schema-operators';
import { vaultCaCertificate } from '../config/vault-ca';
import { HUMAN_LOGIN_PROFILES } from '../constructs/human-login-profiles';
import { IKvV2Mount } from '../constructs/kv-v2-mount';
import { OidcAuthBackend } from '../constructs/oidc-auth-backend';
import { OidcLoginRole } from '../constructs/oidc-login-role';
import { grantAdminAccess, grantOperatorAccess } from '../constructs/policy/operator-grants';
import { VaultPolicy } from '../constructs/vault-policy';
import { ephemeralSecretVariable } from './ephemeral-variable';

/** The policy of a human login role: `human_<role>`, a name no app policy can take (app names have no '_'). */
export function humanPolicyName(roleName: string): string {
  return `human_${roleName}`;
}

/** The Terraform variable of an environment's OIDC client secret: `TF_VAR_oidc_client_secret_<env>`. */
export function oidcClientSecretVariableName(environment: ClusterEnvironmentName): string {
  return `oidc_client_secret_${environment}`;
}

/** What `addOperatorAccess` created: the auth method and the roles by name. */
export interface OperatorAccess {
  readonly backend: OidcAuthBackend;
  readonly roles: ReadonlyMap<string, OidcLoginRole>;
}

/**
 * People's login to a cluster Vault (`environments.<env>.operators`, docs/operators.md): the `oidc`
 * auth method trusting the forge, and per configured role a policy of typed operator or admin grants
 * (plus read on the configs of `readAppConfig` apps) and the role bound to its forge groups. Nothing
 * when the environment configures no operators.
 */
export function addOperatorAccess(scope: Construct, config: LabConfig, environment: ClusterEnvironmentName, kv: IKvV2Mount): OperatorAccess | undefined {
  const env = config.environments[environment];
  const operators = env.operators;
  if (!operators) return undefined;
  // A namespace construct keeps role ids (`Operators/Roles/<name>/…`) apart from the platform's own.
  const operatorsScope = new Construct(scope, 'Operators');
  // Required on every plan of the stack, not only when the version changes (OidcAuthBackend explains why).
  const clientSecret = ephemeralSecretVariable(
    TerraformStack.of(scope),
    oidcClientSecretVariableName(environment),
    `The client secret of the forge's OAuth2 application ${operators.oidc.clientId} (docs/operators.md)`,
    { required: true },
  );
  const backend = new OidcAuthBackend(operatorsScope, 'OidcAuth', {
    vaultAddress: env.vault.address,
    discoveryUrl: operators.oidc.discoveryUrl,
    clientId: operators.oidc.clientId,
    clientSecret: clientSecret.stringValue,
    clientSecretVersion: operators.oidc.clientSecretVersion,
    defaultRole: operators.roles[0].name,
    discoveryCaPem: vaultCaCertificate(operators.oidc)?.pem,
    profile: HUMAN_LOGIN_PROFILES[operators.oidc.profile],
    mountPath: operators.oidc.authPath ?? DEFAULT_OPERATORS_AUTH_PATH,
  });
  const rolesScope = new Construct(operatorsScope, 'Roles');
  const roles = new Map<string, OidcLoginRole>();
  for (const role of operators.roles) {
    const roleScope = new Construct(rolesScope, role.name);
    const policy = new VaultPolicy(roleScope, 'Policy', { policyName: humanPolicyName(role.name) });
    if (role.access === 'admin') grantAdminAccess(policy, backend.mountPath);
    else grantOperatorAccess(policy);
    for (const app of role.readAppConfig ?? []) kv.grantRead(policy, `${app}/config`);
    roles.set(
      role.name,
      new OidcLoginRole(roleScope, 'Role', {
        backend,
        roleName: role.name,
        groups: role.groups,
        policies: [policy],
        tokenTtl: operators.tokenTtl,
        tokenMaxTtl: operators.tokenMaxTtl,
      }),
    );
  }
  return { backend, roles };
}
