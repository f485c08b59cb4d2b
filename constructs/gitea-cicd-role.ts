import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { ICiJwtAuthBackend } from './ci-jwt-auth-backend';
import { invalidProp, requireLiteral, ttlOrder } from './private/errors';
import { IVaultPolicy } from './vault-policy';

/**
 * Exceptions to the role's safety rules. Each needs a written reason (at least 10 characters), which
 * stays next to the role in code review.
 */
export interface GiteaCicdRoleRiskAcceptance {
  /** Allow `boundSubject` without a repository binding. */
  readonly subjectOnly?: string;
  /** Allow `*` in the repository (switches bound_claims_type to glob). */
  readonly repositoryGlob?: string;
  /** Allow a role without bound audiences (any audience the issuer signs is accepted). */
  readonly noAudience?: string;
}

/** Which runs may log in: pushes to exact refs, or pull requests into exact target branches. */
export type GiteaCicdTrigger =
  | {
      readonly kind: 'push';
      /** @default ['refs/heads/main'] */
      readonly refs?: readonly string[];
      /**
       * Events allowed on those refs. `workflow_dispatch` (a manual run by someone with write access)
       * runs the workflow of the chosen ref, so with refs bound it runs reviewed code too.
       * @default ['push']
       */
      readonly events?: readonly ('push' | 'workflow_dispatch')[];
    }
  | { readonly kind: 'pull_request'; readonly baseBranches: readonly string[] };

/** Properties of a {@link GiteaCicdRole}. */
export interface GiteaCicdRoleProps {
  /** The app (or `platform`): the role is `gitea_cicd_<appName>` and errors name it. */
  readonly appName: string;
  /** The JWT auth method of the forge. */
  readonly backend: ICiJwtAuthBackend;
  /** Policies of the issued token, e.g. the app's `<app>-ops`. */
  readonly policies: readonly IVaultPolicy[];
  /** The repository (`owner/repo`) whose runs may log in. @default - none: refused unless acceptRisks.subjectOnly */
  readonly repository?: string;
  /** Immutable repository id, bound next to the name. @default - not bound */
  readonly repositoryId?: string;
  /** Which runs may log in. @default { kind: 'push', refs: ['refs/heads/main'] } */
  readonly trigger?: GiteaCicdTrigger;
  /** Also require `ref_protected` = "true". @default false */
  readonly refProtected?: boolean;
  /** Audiences the token must carry (any one). @default - the backend's audiences */
  readonly audiences?: readonly string[];
  /** Exact `sub` to require in addition. @default - not bound */
  readonly boundSubject?: string;
  /** Token TTL in seconds: one CI job. @default 1200 */
  readonly tokenTtl?: number;
  /** Hard ceiling in seconds; renewals never go past it. @default - tokenTtl (no renewal) */
  readonly tokenMaxTtl?: number;
  /** Exceptions to the role's safety rules, each with a written reason. @default - none */
  readonly acceptRisks?: GiteaCicdRoleRiskAcceptance;
}

const REPOSITORY = /^[A-Za-z0-9_.\-]+\/[A-Za-z0-9_.\-]+$/;
const REPOSITORY_GLOB = /^[A-Za-z0-9_.\-*]+\/[A-Za-z0-9_.\-*]+$/;
const GIT_REF = /^refs\/(heads|tags)\/[A-Za-z0-9_.\-/]+$/;
const BRANCH = /^[A-Za-z0-9_.\-/]+$/;
/** Claims that change on every run: an identity built on them gives every run a new entity. */
export const PER_RUN_CLAIMS = ['jti', 'run_id', 'run_number', 'run_attempt', 'sha', 'job', 'iat', 'exp', 'nbf', 'sub'];
/** Upper bound for a CI token's life. */
const MAX_TTL_LIMIT = 3600;

/**
 * The Vault role `gitea_cicd_<app>` a forge workflow logs in with: a JWT role bound to the audience,
 * the repository (and its immutable id), and exact refs or pull-request targets. Its tokens are
 * short, non-renewable past their TTL, carry no default policy, and map to one stable identity (the
 * repository, never a per-run claim).
 */
export class GiteaCicdRole extends Construct {
  /** The role's name, `gitea_cicd_<appName>`. */
  public readonly roleName: string;
  /** Mount path of the JWT auth method the role lives in. */
  public readonly backendPath: string;
  /** The `vault_jwt_auth_backend_role` resource. */
  public readonly resource: JwtAuthBackendRole;

  public constructor(scope: Construct, id: string, props: GiteaCicdRoleProps) {
    super(scope, id);
    requireLiteral('GiteaCicdRole', 'appName', props.appName, 'the role gitea_cicd_<appName> is named in workflow files');
    const name = `GiteaCicdRole(${props.appName})`;
    const claims = props.backend.claims;
    const risks = props.acceptRisks ?? {};
    for (const [rule, reason] of Object.entries(risks)) {
      if (reason !== undefined && reason.trim().length < 10) {
        throw new Error(invalidProp(name, `acceptRisks.${rule}`, reason, 'must give a written reason of at least 10 characters'));
      }
    }

    const audiences = [...(props.audiences ?? props.backend.audiences)];
    if (audiences.some((a) => !Token.isUnresolved(a) && a.trim() === '')) {
      throw new Error(invalidProp(name, 'audiences', audiences, 'must not contain an empty audience'));
    }
    if (audiences.length === 0 && !risks.noAudience) {
      throw new Error(invalidProp(name, 'audiences', audiences, 'is empty: a role without bound audiences accepts a token minted for any other service; list the Vault audience, or set acceptRisks.noAudience with a reason'));
    }

    let useGlobs = false;
    if (props.repository === undefined) {
      if (!(props.boundSubject && risks.subjectOnly)) {
        throw new Error(invalidProp(name, 'repository', props.repository, "is required: bind the 'owner/repo' whose CI may log in (binding on 'sub' alone needs acceptRisks.subjectOnly with a reason)"));
      }
    } else if (!Token.isUnresolved(props.repository) && !REPOSITORY.test(props.repository)) {
      if (REPOSITORY_GLOB.test(props.repository) && props.repository.includes('*')) {
        if (!risks.repositoryGlob) {
          throw new Error(invalidProp(name, 'repository', props.repository, "contains a glob: 'lab/webapp*' also matches 'lab/webapp-evil'; name one exact 'owner/repo', or set acceptRisks.repositoryGlob with a reason"));
        }
        useGlobs = true;
      } else {
        throw new Error(invalidProp(name, 'repository', props.repository, "must be 'owner/repo' (letters, digits, '.', '_', '-')"));
      }
    }
    if (props.repositoryId !== undefined && !Token.isUnresolved(props.repositoryId) && !/^[0-9]+$/.test(props.repositoryId)) {
      throw new Error(invalidProp(name, 'repositoryId', props.repositoryId, 'must be the numeric repository id'));
    }
    if (props.repositoryId !== undefined && !claims.repositoryId) {
      throw new Error(invalidProp(name, 'repositoryId', props.repositoryId, "cannot be bound: the forge's claim profile has no repository id claim"));
    }

    const boundClaims: Record<string, string> = {};
    if (props.repository !== undefined) boundClaims[claims.repository] = props.repository;
    if (props.repositoryId !== undefined && claims.repositoryId) boundClaims[claims.repositoryId] = props.repositoryId;

    const trigger: GiteaCicdTrigger = props.trigger ?? { kind: 'push', refs: ['refs/heads/main'] };
    if (trigger.kind === 'push') {
      const refs = trigger.refs ?? ['refs/heads/main'];
      if (refs.length === 0 || refs.some((r) => !Token.isUnresolved(r) && !GIT_REF.test(r))) {
        throw new Error(invalidProp(name, 'trigger.refs', refs, "must list full refs such as 'refs/heads/main' (no globs, no commas)"));
      }
      boundClaims[claims.ref] = refs.join(',');
      const events = trigger.events ?? ['push'];
      if (events.length === 0 || events.some((e) => e !== 'push' && e !== 'workflow_dispatch')) {
        throw new Error(invalidProp(name, 'trigger.events', events, "must list 'push' and/or 'workflow_dispatch' (never pull_request or pull_request_target: they run proposed code)"));
      }
      if (claims.eventName) boundClaims[claims.eventName] = events.join(',');
    } else {
      if (!claims.eventName || !claims.baseRef) {
        throw new Error(invalidProp(name, 'trigger', trigger, "needs the claim profile's eventName and baseRef claims to bind pull requests"));
      }
      if (trigger.baseBranches.length === 0 || trigger.baseBranches.some((b) => !Token.isUnresolved(b) && !BRANCH.test(b))) {
        throw new Error(invalidProp(name, 'trigger.baseBranches', trigger.baseBranches, "must list branch names such as 'main'"));
      }
      boundClaims[claims.eventName] = 'pull_request';
      boundClaims[claims.baseRef] = trigger.baseBranches.join(',');
    }
    if (props.refProtected) {
      if (!claims.refProtected) {
        throw new Error(invalidProp(name, 'refProtected', true, "cannot be bound: the forge's claim profile has no ref-protected claim"));
      }
      boundClaims[claims.refProtected] = 'true';
    }

    if (props.policies.length === 0) {
      throw new Error(invalidProp(name, 'policies', [], `must name at least one policy, e.g. ${props.appName}-ops`));
    }
    const tokenTtl = props.tokenTtl ?? 1200;
    const tokenMaxTtl = props.tokenMaxTtl ?? tokenTtl;
    for (const [prop, v] of [['tokenTtl', tokenTtl], ['tokenMaxTtl', tokenMaxTtl]] as const) {
      if (!Token.isUnresolved(v) && (!Number.isInteger(v) || v <= 0 || v > MAX_TTL_LIMIT)) {
        throw new Error(invalidProp(name, prop, v, `must be a whole number of seconds between 1 and ${MAX_TTL_LIMIT}: a CI token lives for one job`));
      }
    }
    if (!Token.isUnresolved(tokenMaxTtl) && !Token.isUnresolved(tokenTtl) && tokenMaxTtl < tokenTtl) throw new Error(ttlOrder(name, 'tokenMaxTtl', tokenMaxTtl, 'tokenTtl', tokenTtl));

    // The identity is the repository (its immutable id when known), the same for every run.
    const userClaim = props.repositoryId !== undefined && claims.repositoryId ? claims.repositoryId : claims.repository;
    if (PER_RUN_CLAIMS.includes(userClaim)) {
      throw new Error(invalidProp(name, 'backend.claims', userClaim, 'would make the per-run claim the identity; map repository to a stable claim'));
    }

    this.roleName = `gitea_cicd_${props.appName}`;
    this.backendPath = props.backend.mountPath;
    this.resource = new JwtAuthBackendRole(this, 'Resource', {
      backend: props.backend.backendPath,
      roleName: this.roleName,
      roleType: 'jwt',
      boundAudiences: audiences,
      boundClaims,
      boundClaimsType: useGlobs ? 'glob' : 'string',
      boundSubject: props.boundSubject,
      userClaim,
      userClaimJsonPointer: userClaim.startsWith('/') ? true : undefined,
      tokenPolicies: props.policies.map((p) => p.policyName),
      tokenNoDefaultPolicy: true,
      tokenTtl,
      tokenMaxTtl,
      tokenExplicitMaxTtl: tokenMaxTtl,
    });
  }
}
