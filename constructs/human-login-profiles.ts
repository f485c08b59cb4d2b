/** What a forge's OAuth2/OIDC provider puts in the ID token of a person logging in to Vault. */
export interface HumanLoginProfile {
  /** Claim whose value names the Vault entity alias: the immutable user id, so a renamed-and-reused login name gets nobody else's entity. */
  readonly userClaim: string;
  /** Claim holding the person's login name, copied into the token metadata so audit logs show who acted. */
  readonly usernameClaim: string;
  /** Claim listing the person's groups: organizations `org` and teams `org:team` (team lower-cased). */
  readonly groupsClaim: string;
  /** Scopes the login requests besides `openid` (which Vault always adds): without them the claims above are absent. */
  readonly scopes: readonly string[];
}

/**
 * The forges people log in through, by `environments.<env>.operators.oidc.profile`. Both build the ID
 * token in services/oauth2_provider/access_token.go (go-gitea/gitea; Forgejo's copy read in its GitHub
 * mirror offsoc/forgejo): `iss` is AppURL (ROOT_URL with its trailing slash), `sub` the numeric user
 * id, `preferred_username` only with scope `profile`, `groups` only with scope `groups`, filled by
 * GetOAuthGroupsForUser with `org` and `org:<team lower name>`.
 */
export const HUMAN_LOGIN_PROFILES = {
  forgejo: { userClaim: 'sub', usernameClaim: 'preferred_username', groupsClaim: 'groups', scopes: ['profile', 'groups'] },
  gitea: { userClaim: 'sub', usernameClaim: 'preferred_username', groupsClaim: 'groups', scopes: ['profile', 'groups'] },
} as const satisfies Record<string, HumanLoginProfile>;

/** The forges with a human login profile: `forgejo`, `gitea`. */
export type HumanLoginProfileName = keyof typeof HUMAN_LOGIN_PROFILES;
