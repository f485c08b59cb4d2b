/** The claim names a forge's Actions OIDC tokens use for what the CI roles bind. */
export interface CiClaimNames {
  /** Claim holding `owner/repo`. */
  readonly repository: string;
  /** Claim holding the immutable repository id. @default - none: ids are not bound */
  readonly repositoryId?: string;
  /** Claim holding the full git ref (`refs/heads/main`). */
  readonly ref: string;
  /** Claim holding "true" when the ref is protected. @default - none: refProtected cannot be bound */
  readonly refProtected?: string;
  /** Claim holding the triggering event (`push`, `pull_request`). @default - none: events are not bound */
  readonly eventName?: string;
  /** Claim holding a pull request's target branch name (`main`). @default - none: no pull-request roles */
  readonly baseRef?: string;
}

/** GitHub-shaped claim names (GitHub Actions, Forgejo, Gitea). */
export const GITHUB_SHAPED_CLAIMS: CiClaimNames = {
  repository: 'repository',
  repositoryId: 'repository_id',
  ref: 'ref',
  refProtected: 'ref_protected',
  eventName: 'event_name',
  baseRef: 'base_ref',
};

/** What one forge's Actions OIDC tokens look like, as read in the forge's source. */
export interface CiClaimProfile {
  /** `iss` is the forge's ROOT_URL (AppURL) without its trailing slash, followed by this path. */
  readonly issuerPath: string;
  /** Default life of an ID token in seconds: the job must log in to Vault before it runs out. */
  readonly tokenLifetimeSeconds: number;
  /** Every claim of the token: a role binding any other claim refuses every login. */
  readonly claims: readonly string[];
  /** The names the CI roles bind, all among `claims`. */
  readonly names: CiClaimNames;
}

/** Claims every JWT carries (RFC 7519). */
const REGISTERED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat'];

const { refProtected: _giteaHasNoRefProtected, ...GITEA_NAMES } = GITHUB_SHAPED_CLAIMS;

/** The forges whose tokens this project knows, by `ci.oidc.claims.profile`. */
export const CI_CLAIM_PROFILES = {
  /**
   * Forgejo Actions (forgejo/forgejo on Codeberg, read in its GitHub mirrors): the claims are the
   * json tags of IDTokenCustomClaims (services/actions/auth.go), all strings; `iss` is
   * AppURL + "/api/actions" (routers/api/actions/id_token.go); the lifetime is
   * `[actions] ID_TOKEN_EXPIRATION_TIME`, 3600 s by default (modules/setting/actions.go).
   */
  forgejo: {
    issuerPath: '/api/actions',
    tokenLifetimeSeconds: 3600,
    claims: [
      ...REGISTERED_CLAIMS,
      'actor', 'actor_id', 'base_ref', 'event_name', 'head_ref', 'ref', 'ref_protected', 'ref_type',
      'repository', 'repository_id', 'repository_owner', 'repository_owner_id',
      'run_attempt', 'run_id', 'run_number', 'sha', 'workflow', 'workflow_ref',
    ],
    names: GITHUB_SHAPED_CLAIMS,
  },
  /**
   * Gitea Actions OIDC, not in a Gitea release: the open pull request go-gitea/gitea#39052
   * (https://github.com/go-gitea/gitea/pull/39052, services/actions/oidc.go): actionsOIDCClaims has
   * no ref_protected; `iss` is AppURL + "/api/actions/oidc"; tokens live 5 minutes
   * (actionsOIDCTokenExpiry). `ref` and `base_ref` are omitted when empty.
   */
  gitea: {
    issuerPath: '/api/actions/oidc',
    tokenLifetimeSeconds: 300,
    claims: [
      ...REGISTERED_CLAIMS, 'jti',
      'actor', 'actor_id', 'repository', 'repository_id', 'repository_owner', 'repository_owner_id',
      'run_id', 'run_number', 'run_attempt', 'workflow', 'workflow_repository', 'workflow_repository_id',
      'workflow_ref', 'workflow_sha', 'job_workflow_repository', 'job_workflow_repository_id',
      'job_workflow_ref', 'job_workflow_sha', 'repository_visibility', 'event_name', 'ref', 'ref_type',
      'sha', 'job_id', 'base_ref', 'head_ref', 'runner_environment',
    ],
    names: GITEA_NAMES,
  },
} as const satisfies Record<string, CiClaimProfile>;

/** The forges with a claim profile: `forgejo`, `gitea`. */
export type CiClaimProfileName = keyof typeof CI_CLAIM_PROFILES;
