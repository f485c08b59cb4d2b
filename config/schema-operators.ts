import { z } from 'zod';
import { mountPath, projectRelativePath, singleLine, ttlSeconds, uniqueList, url } from './fields';
import { HUMAN_LOGIN_PROFILES } from '../constructs/human-login-profiles';
import { OIDC_DEFAULT_MOUNT_PATH } from '../constructs/oidc-auth-backend';
import { OIDC_LOGIN_ROLE_DEFAULTS } from '../constructs/oidc-login-role';
import { breakGlassSchema, checkBreakGlass } from './schema-break-glass';

/**
 * How people log in to a cluster Vault (`environments.<env>.operators`): the forge acts as the
 * OIDC provider, Vault's `oidc` auth method maps forge groups to roles, and each role gets typed
 * operator or admin grants (stacks/operator-access.ts). The OIDC client secret never goes here: it
 * comes from `TF_VAR_oidc_client_secret_<env>` (docs/operators.md). Imported by schema.ts.
 */

/**
 * A role name, as typed in `vault login -method=oidc role=<name>`; it also names the role's policy
 * `human_<name>`, which no app policy can take (app names have no '_').
 */
const roleName = z
  .string()
  .max(40, { message: 'must be at most 40 characters (it is also part of the policy name human_<role>)' })
  .regex(/^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$/, { message: "must be lowercase letters, digits and '-', starting with a letter, e.g. operator" });

/**
 * A forge group as its `groups` claim spells it: an organization (`lab`) or a team (`lab:vault-operators`).
 * Both forges build the claim from the organization's name and the team's lower-cased name
 * (go-gitea/gitea services/oauth2_provider/access_token.go GetOAuthGroupsForUser; Forgejo kept it),
 * so a team with a capital letter never matches. Organization names follow the user name rule
 * (`[A-Za-z0-9_.-]`, at most 40: go-gitea/gitea services/forms/user_form.go); no commas, no globs.
 */
const forgeGroup = z
  .string()
  .max(296, { message: 'must be at most 296 characters (an organization of 40 and a team of 255)' })
  .regex(/^[A-Za-z0-9_.\-]{1,40}(:[^\s,*:]+)?$/, {
    message: "must be a forge organization ('lab') or 'org:team' ('lab:vault-operators'), without spaces, commas or '*'",
  })
  .regex(/^[^:]*(:[^A-Z]*)?$/, { message: "names a team with a capital letter: the forge puts the team's lower-cased name in the groups claim; write the team part in lowercase" });

export const operatorRoleSchema = z.strictObject({
  /** The role people name at login: `vault login -method=oidc role=<name>`. */
  name: roleName,
  /**
   * What the role may do. `operator`: read-only inspection (mounts, auth methods, policies, leases,
   * health); `admin`: the changes Terraform does not make (lease revocation, seal, token and identity
   * housekeeping), never `sudo` on a `sys/*` wildcard (docs/operators.md lists the grants).
   */
  access: z.enum(['operator', 'admin']),
  /** Forge groups whose members may use the role (any one suffices). */
  groups: uniqueList(forgeGroup, 16).min(1, { message: 'must list at least one forge group (the role is bound to its members)' }),
  /** Apps whose config (`kvv2/<app>/config`) the role may read. @default - none */
  readAppConfig: uniqueList(singleLine('an app name', 40), 256).optional(),
});

export const operatorsOidcSchema = z.strictObject({
  /**
   * The forge's OIDC issuer: its ROOT_URL, where it serves `/.well-known/openid-configuration`
   * (go-gitea/gitea routers/web/web.go), e.g. https://git.lab.example.net/.
   */
  discoveryUrl: url('the forge (its ROOT_URL)', 'https', 'https://git.lab.example.net/').regex(/\/$/, {
    // The forge's `iss` is its AppURL with the trailing slash, and Vault's OIDC library requires the
    // discovery document's issuer to equal this URL exactly (coreos/go-oidc oidc.go NewProvider).
    message: "must end with '/': it is the forge's ROOT_URL, which the forge puts in 'iss' with its trailing slash, e.g. https://git.lab.example.net/",
  }),
  /** The client id of the OAuth2 application registered in the forge for this Vault: a UUID the forge generates (go-gitea/gitea models/auth/oauth2.go), shown on the application page. */
  clientId: singleLine('an OAuth2 client id', 255).regex(/^[\x21-\x7e]+$/, { message: "must be the forge application's client id: visible ASCII, no spaces" }).regex(/^[^,*]+$/, {
    // Roles bind it as their audience, a list the provider splits on commas (constructs/oidc-login-role.ts).
    message: "must not hold ',' or '*': roles bind the client id as their audience, which the provider would split or read as a glob",
  }),
  /** Which forge issues the tokens: the claim names follow from it (constructs/human-login-profiles.ts). */
  profile: z.enum(Object.keys(HUMAN_LOGIN_PROFILES) as [keyof typeof HUMAN_LOGIN_PROFILES, ...(keyof typeof HUMAN_LOGIN_PROFILES)[]]),
  /**
   * Version of the client secret (`TF_VAR_oidc_client_secret_<env>`): raise it to send a new secret
   * to Vault when the forge's application gets one (docs/operators.md, "Rotating the client secret"). @default 1
   */
  clientSecretVersion: z.number().int({ message: 'must be a whole number' }).min(1, { message: 'must be at least 1; raise it to send a new client secret' }).max(1_000_000).optional(),
  /**
   * The private CA the forge's certificate chains to, as a PEM file inside the project (public: it is
   * copied into the output). Vault fetches the forge's discovery document and keys over TLS with it
   * (`oidc_discovery_ca_pem`). @default - the Vault server's system trust store
   */
  caCert: z.strictObject({ file: projectRelativePath('config/forge-ca.pem') }).optional(),
  /** Mount path of the `oidc` auth method under `auth/`; another than the default needs `vault login -path=<authPath>`. @default 'oidc' */
  authPath: mountPath.optional(),
});

export const operatorsSchema = z
  .strictObject({
    oidc: operatorsOidcSchema,
    /** The roles people log in with; each is bound to forge groups. */
    roles: z.array(operatorRoleSchema).min(1, { message: 'must list at least one role' }).max(32, { message: 'must list at most 32 roles' }),
    /** Lifetime of a login token, in seconds (under `policy.ceilings.tokenTtl`). @default 3600 */
    tokenTtl: ttlSeconds('tokenTtl', 60).optional(),
    /** Longest a login token may be renewed to, in seconds (under `policy.ceilings.tokenMaxTtl`). @default 28800 */
    tokenMaxTtl: ttlSeconds('tokenMaxTtl', 60).optional(),
    /** A userpass login for when the forge is down (config/schema-break-glass.ts). @default - none */
    breakGlass: breakGlassSchema.optional(),
  })
  .superRefine((operators, ctx) => {
    checkBreakGlass(operators, ctx, operators.oidc.authPath ?? DEFAULT_OPERATORS_AUTH_PATH);
    const firstByName = new Map<string, number>();
    operators.roles.forEach((role, i) => {
      const first = firstByName.get(role.name);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['roles', i, 'name'], message: `repeats roles[${first}].name; role names must be unique` });
      else firstByName.set(role.name, i);
    });
    const ttl = operators.tokenTtl ?? OIDC_LOGIN_ROLE_DEFAULTS.tokenTtl;
    const maxTtl = operators.tokenMaxTtl ?? OIDC_LOGIN_ROLE_DEFAULTS.tokenMaxTtl;
    if (ttl > maxTtl) {
      ctx.addIssue({ code: 'custom', path: [operators.tokenMaxTtl === undefined ? 'tokenTtl' : 'tokenMaxTtl'], message: `tokenMaxTtl (${maxTtl}) must be at least tokenTtl (${ttl}); raise tokenMaxTtl or lower tokenTtl` });
    }
  });

export const DEFAULT_OPERATORS_AUTH_PATH = OIDC_DEFAULT_MOUNT_PATH;

export type OperatorsConfig = z.infer<typeof operatorsSchema>;
export type OperatorRoleConfig = z.infer<typeof operatorRoleSchema>;
