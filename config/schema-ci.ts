import { z } from 'zod';
import { gitRef, repository, singleLine, uniqueList, url } from './fields';
import { CI_CLAIM_PROFILES, CiClaimNames } from '../constructs/ci-claim-profiles';

/**
 * CI settings: how the forge's Actions OIDC tokens are verified, which claims the Vault roles bind,
 * and which repository and refs may act for each app and for this project. Imported by schema.ts.
 */

const CLAIM_NAME = /^(\/)?[A-Za-z0-9_.\-]+(\/[A-Za-z0-9_.\-~]+)*$/;
const CLAIM_NAME_RULE = "must be a claim name such as 'repository', or a JSON pointer such as '/nested/claim'";

/** A written justification for an explicit exception; short phrases like "ok" do not count. */
export const writtenReason = singleLine('a written reason', 500).refine((v) => v.trim().length >= 10, {
  message: 'must explain the exception in at least 10 characters',
});
/** Refs a role accepts; at most a handful in practice, each bound as a claim value. */
const gitRefs = uniqueList(gitRef, 32).min(1, { message: 'must list at least one ref' });
/** The forge's numeric repository id. */
const repositoryId = z.string().regex(/^[0-9]{1,20}$/, { message: 'must be the numeric repository id' });

/** The forge's claim names, for `profile: custom`. */
export const ciClaimNamesSchema = z.strictObject({
  /** Claim holding `owner/repo`. */
  repository: z.string().regex(CLAIM_NAME, { message: CLAIM_NAME_RULE }),
  /** Claim holding the immutable repository id. @default - none: ids are not bound */
  repositoryId: z.string().regex(CLAIM_NAME, { message: CLAIM_NAME_RULE }).optional(),
  /** Claim holding the full git ref (`refs/heads/main`). */
  ref: z.string().regex(CLAIM_NAME, { message: CLAIM_NAME_RULE }),
  /** Claim holding "true" when the ref is protected. @default - none: refProtected cannot be bound */
  refProtected: z.string().regex(CLAIM_NAME, { message: CLAIM_NAME_RULE }).optional(),
  /** Claim holding the triggering event (`push`, `pull_request`). @default - none: events are not bound */
  eventName: z.string().regex(CLAIM_NAME, { message: CLAIM_NAME_RULE }).optional(),
  /** Claim holding a pull request's target branch name (`main`). @default - none: no pull-request roles */
  baseRef: z.string().regex(CLAIM_NAME, { message: CLAIM_NAME_RULE }).optional(),
});

export const ciClaimsSchema = z.discriminatedUnion('profile', [
  /** Forgejo Actions (`enable-openid-connect: true`); issuer `<ROOT_URL>/api/actions` (constructs/ci-claim-profiles.ts). */
  z.strictObject({ profile: z.literal('forgejo') }),
  /** A Gitea build with Actions OIDC (`permissions: id-token: write`); issuer `<ROOT_URL>/api/actions/oidc`, no `ref_protected`. */
  z.strictObject({ profile: z.literal('gitea') }),
  /** Any other issuer: name every claim. */
  z.strictObject({ profile: z.literal('custom'), names: ciClaimNamesSchema }),
]);

/** Fields added to `environments.<env>.ci.oidc`. */
export const ciOidcExtraShape = {
  /**
   * Base URL for OIDC discovery (`/.well-known/openid-configuration` is appended by Vault).
   * @default - the issuer
   */
  discoveryUrl: url('OIDC discovery', 'https', 'https://git.lab.example.net/api/actions').optional(),
  /** JWKS URL, for a forge without discovery. Exclusive with discoveryUrl. @default - discovery is used */
  jwksUrl: url('the JWKS', 'https', 'https://git.lab.example.net/api/actions/keys').optional(),
  /** Mount path of the JWT auth method under `auth/`. @default 'gitea-actions' */
  authPath: z.string().regex(/^[a-z0-9][a-z0-9\-_]*$/, { message: "must be lowercase letters, digits, '-' or '_'" }).optional(),
  /** Which claim names the forge uses. @default { profile: forgejo } */
  claims: ciClaimsSchema.optional(),
};

/** Checks across the fields of `ci.oidc`: discovery and a JWKS URL are alternatives. */
export function checkCiOidc(oidc: { discoveryUrl?: string; jwksUrl?: string }, ctx: z.RefinementCtx): void {
  if (oidc.discoveryUrl !== undefined && oidc.jwksUrl !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['jwksUrl'], message: 'cannot be set together with discoveryUrl: Vault fetches keys from one of them; remove one' });
  }
}

/** Per-app CI settings (`apps[].ci`). */
export const appCiSchema = z.strictObject({
  /** Refs whose runs may write the app's secrets. @default ['refs/heads/main'] */
  refs: gitRefs.optional(),
  /** Also require the forge to report the ref as protected. @default false */
  refProtected: z.boolean().optional(),
  /** The repository's immutable id, bound next to its name so a renamed-and-reused name gets nothing. @default - not bound */
  repositoryId: repositoryId.optional(),
  /** Opt out of a CI role for this app; the reason is kept in the config for review. @default - the app gets gitea_cicd_<app> */
  disabled: z.strictObject({ reason: writtenReason }).optional(),
}).superRefine((ci, ctx) => {
  if (ci.disabled === undefined) return;
  for (const key of ['refs', 'refProtected', 'repositoryId'] as const) {
    if (ci[key] !== undefined) {
      ctx.addIssue({ code: 'custom', path: [key], message: 'has no effect while ci.disabled is set (no CI role is created); remove it, or remove disabled' });
    }
  }
});

/** This project's own repository, whose CI runs `cdktf diff`/`cdktf deploy` (`ci.platform`). */
export const platformCiSchema = z.strictObject({
  repository,
  /** @default - not bound */
  repositoryId: repositoryId.optional(),
  /** Refs that may deploy. @default ['refs/heads/main'] */
  refs: gitRefs.optional(),
  /** Also require the forge to report the ref as protected. @default - true when the claim profile has a ref-protected claim (forgejo), else false */
  refProtected: z.boolean().optional(),
  /** Runner label of the workflow jobs. @default 'docker' */
  runsOn: singleLine('a runner label', 64).optional(),
});

/** The top-level `ci` key. */
export const labCiSchema = z.strictObject({
  platform: platformCiSchema,
});

export type CiClaimsConfig = z.infer<typeof ciClaimsSchema>;
export type AppCiConfig = z.infer<typeof appCiSchema>;
export type PlatformCiConfig = z.infer<typeof platformCiSchema>;

/** The claim names a profile stands for. */
export function claimNamesOf(claims: CiClaimsConfig | undefined): CiClaimNames {
  if (!claims || claims.profile !== 'custom') return { ...CI_CLAIM_PROFILES[claims?.profile ?? 'forgejo'].names };
  return { ...claims.names };
}

export const DEFAULT_CI_AUTH_PATH = 'gitea-actions';
