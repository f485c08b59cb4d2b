import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { IOidcAuthBackend } from './oidc-auth-backend';
import { invalidProp, requireLiteral, ttlOrder } from './private/errors';
import { IVaultPolicy } from './vault-policy';

/** Token lifetimes of a login role unless set: an hour, renewable to a working day. */
export const OIDC_LOGIN_ROLE_DEFAULTS = { tokenTtl: 3600, tokenMaxTtl: 8 * 3600 } as const;

/** Properties of an {@link OidcLoginRole}. */
export interface OidcLoginRoleProps {
  /** The `oidc` auth method the role lives in. */
  readonly backend: IOidcAuthBackend;
  /** The role people name at login: `vault login -method=oidc role=<roleName>`. */
  readonly roleName: string;
  /** Forge groups (`org`, `org:team`) whose members may log in; any one suffices. At least one. */
  readonly groups: readonly string[];
  /** Policies of the issued token. */
  readonly policies: readonly IVaultPolicy[];
  /** Lifetime of a login token in seconds. @default 3600 */
  readonly tokenTtl?: number;
  /** Longest a token may be renewed to, in seconds; a person logs in again after it. @default 28800 */
  readonly tokenMaxTtl?: number;
}

/**
 * A role people log in with through the forge (`role_type` oidc): the ID token must be issued to the
 * backend's client id, and its groups claim must hold one of `groups`. The entity alias is the forge's
 * immutable user id; the login name goes into the token's metadata, so audit logs show who acted.
 */
export class OidcLoginRole extends Construct {
  /** Name of the role in Vault. */
  public readonly roleName: string;
  /** The `vault_jwt_auth_backend_role` resource. */
  public readonly resource: JwtAuthBackendRole;

  public constructor(scope: Construct, id: string, props: OidcLoginRoleProps) {
    super(scope, id);
    const name = 'OidcLoginRole';
    requireLiteral(name, 'roleName', props.roleName);
    if (!/^[a-z0-9][a-z0-9_.-]*$/.test(props.roleName)) {
      throw new Error(invalidProp(name, 'roleName', props.roleName, "must be lowercase letters, digits, '_', '.' or '-'"));
    }
    requireLiteral(name, 'groups', props.groups, 'the role binds them and the access report lists them');
    if (props.groups.length === 0) {
      throw new Error(invalidProp(name, 'groups', props.groups, 'must list at least one forge group: a role without one would let every account of the forge in'));
    }
    // The provider splits a bound claim's value on commas (hashicorp/terraform-provider-vault
    // vault/resource_jwt_auth_backend_role.go), and a '*' would be a glob only with bound_claims_type glob.
    const bad = props.groups.find((g) => Token.isUnresolved(g) || g.trim() === '' || /[,*\s]/.test(g));
    if (bad !== undefined) {
      throw new Error(invalidProp(name, 'groups', props.groups, `holds ${JSON.stringify(bad)}: each group is an exact 'org' or 'org:team', without spaces, ',' or '*'`));
    }
    const tokenTtl = props.tokenTtl ?? OIDC_LOGIN_ROLE_DEFAULTS.tokenTtl;
    const tokenMaxTtl = props.tokenMaxTtl ?? OIDC_LOGIN_ROLE_DEFAULTS.tokenMaxTtl;
    if (!Token.isUnresolved(tokenTtl) && !Token.isUnresolved(tokenMaxTtl) && tokenMaxTtl < tokenTtl) {
      throw new Error(ttlOrder(name, 'tokenMaxTtl', tokenMaxTtl, 'tokenTtl', tokenTtl));
    }
    const profile = props.backend.profile;
    this.roleName = props.roleName;
    this.resource = new JwtAuthBackendRole(this, 'Resource', {
      backend: props.backend.backendPath,
      roleName: props.roleName,
      roleType: 'oidc',
      boundAudiences: [props.backend.clientId],
      userClaim: profile.userClaim,
      groupsClaim: profile.groupsClaim,
      // A list claim matches when any of its values equals any bound value (hashicorp/vault-plugin-auth-jwt
      // claims.go, validateBoundClaims).
      boundClaims: { [profile.groupsClaim]: props.groups.join(',') },
      claimMappings: { [profile.usernameClaim]: 'username' },
      oidcScopes: [...profile.scopes],
      allowedRedirectUris: [...props.backend.redirectUris],
      tokenPolicies: props.policies.map((p) => p.policyName),
      tokenTtl,
      tokenMaxTtl,
    });
  }
}
