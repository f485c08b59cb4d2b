import { AuthBackend } from '@cdktf/provider-vault/lib/auth-backend';
import { IdentityEntity } from '@cdktf/provider-vault/lib/identity-entity';
import { IdentityEntityAlias } from '@cdktf/provider-vault/lib/identity-entity-alias';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { validateMountPath } from './kv-v2-mount';
import { invalidProp, requireLiteral, ttlOrder } from './private/errors';
import { Capability } from './policy/capabilities';
import { IPolicyGrantee, IVaultPolicy } from './vault-policy';

/** Create the user (with its password), replace the password, remove the user. */
const MANAGE_USER: readonly Capability[] = ['create', 'update', 'delete'];

/** Properties of a {@link BreakGlassLogin}. */
export interface BreakGlassLoginProps {
  /** Mount path of the `userpass` auth method under `auth/`. @default 'break-glass' */
  readonly mountPath?: string;
  /**
   * The one account's user name, as typed at `vault login -method=userpass -path=<mountPath> username=<name>`.
   * Lowercase: the userpass method lowercases it at login (hashicorp/vault
   * builtin/credential/userpass/path_login.go), and the identity alias must match that.
   * @default 'emergency'
   */
  readonly username?: string;
  /** Policies the account's tokens get, through its identity entity. */
  readonly policies: IVaultPolicy[];
  /** Lifetime of a login token, in seconds (the mount's default lease TTL). @default 900 */
  readonly tokenTtl?: number;
  /** Longest a login token can be renewed to, in seconds (the mount's max lease TTL). @default 3600 */
  readonly tokenMaxTtl?: number;
}

/** A user name the userpass method accepts in its path (Vault's GenericNameRegex), in lowercase. */
const USERNAME = /^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$/;

/**
 * A break-glass login for when the forge (and with it OIDC login) is down: a `userpass` auth method
 * at its own path, whose one user gets its policies from an identity entity and its token lifetimes
 * from the mount's tune. The password never passes through Terraform: the operator creates the
 * user by hand with the password read from stdin and keeps it in a sealed envelope
 * (docs/runbook.md, "Break-glass"). Terraform writes nothing on the user itself, so a later password
 * change keeps everything this construct manages.
 *
 * Why this shape (hashicorp/vault builtin/credential/userpass/path_users.go): creating a user
 * requires a password (pathUserWrite refuses a create without one), so Terraform could only manage
 * the user by holding the password in state; an update without `password` keeps the stored hash.
 * A user without token_ttl gets the mount's default lease TTL, capped by its max lease TTL
 * (sdk/framework/lease.go, CalculateTTL), and logins to the mount are aliases of the entity,
 * whose policies the token carries.
 */
export class BreakGlassLogin extends Construct {
  /** Mount path under `auth/`. */
  public readonly mountPath: string;
  /** The account's user name. */
  public readonly username: string;
  /** Where the account logs in: `auth/<mountPath>/login/<username>` (the audit log's request path). */
  public readonly loginPath: string;
  /** The `vault_auth_backend` of type userpass. */
  public readonly backend: AuthBackend;
  /** The identity entity whose policies the account's tokens carry. */
  public readonly entity: IdentityEntity;

  public constructor(scope: Construct, id: string, props: BreakGlassLoginProps) {
    super(scope, id);
    this.mountPath = props.mountPath ?? 'break-glass';
    this.username = props.username ?? 'emergency';
    validateMountPath('BreakGlassLogin', 'mountPath', this.mountPath);
    requireLiteral('BreakGlassLogin', 'username', this.username);
    if (!USERNAME.test(this.username)) {
      throw new Error(invalidProp('BreakGlassLogin', 'username', this.username, "must be lowercase letters, digits, '_', '-' or '.' (userpass lowercases the name at login)"));
    }
    if (props.policies.length === 0) {
      throw new Error(invalidProp('BreakGlassLogin', 'policies', [], 'must name at least one policy: a token without one can do nothing in an emergency'));
    }
    const tokenTtl = props.tokenTtl ?? 900;
    const tokenMaxTtl = props.tokenMaxTtl ?? 3600;
    for (const [prop, value] of [['tokenTtl', tokenTtl], ['tokenMaxTtl', tokenMaxTtl]] as const) {
      if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value <= 0)) {
        throw new Error(invalidProp('BreakGlassLogin', prop, value, 'must be a whole number of seconds > 0'));
      }
    }
    if (!Token.isUnresolved(tokenTtl) && !Token.isUnresolved(tokenMaxTtl) && tokenMaxTtl < tokenTtl) {
      throw new Error(ttlOrder('BreakGlassLogin', 'tokenMaxTtl', tokenMaxTtl, 'tokenTtl', tokenTtl));
    }
    this.loginPath = `auth/${this.mountPath}/login/${this.username}`;

    this.backend = new AuthBackend(this, 'Resource', {
      type: 'userpass',
      path: this.mountPath,
      description: `Break-glass login for when the forge is down: user ${this.username} (docs/runbook.md, Break-glass)`,
      tune: [{ defaultLeaseTtl: `${tokenTtl}s`, maxLeaseTtl: `${tokenMaxTtl}s` }],
    });
    this.entity = new IdentityEntity(this, 'Entity', {
      name: `${this.mountPath}-${this.username}`,
      policies: props.policies.map((p) => p.policyName),
      metadata: { purpose: 'break-glass', login: this.loginPath },
    });
    new IdentityEntityAlias(this, 'Alias', {
      name: this.username,
      mountAccessor: this.backend.accessor,
      canonicalId: this.entity.id,
    });
  }

  /**
   * Lets `grantee` create the account with its password, replace the password and remove the
   * account (`auth/<mountPath>/users/<username>`): whoever prepares the sealed envelope and closes it
   * after use. Reading the user shows no password (path_users.go, pathUserRead). The write may send
   * `password` only: the same endpoint takes token_policies, token_period and token_ttl
   * (pathUserWrite), which would let the writer log in with any policy of the Vault or a token that
   * never expires.
   */
  public grantManageUser(grantee: IPolicyGrantee): void {
    grantee.allow(`auth/${this.mountPath}/users/${this.username}`, MANAGE_USER, ['password']);
  }
}
