import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { TerraformStack } from 'cdktf';
import { CLUSTER_ENVIRONMENTS, ClusterEnvironmentName } from '../config/schema';
import { DEFAULT_CI_AUTH_PATH } from '../config/schema-ci';
import { CI_CLAIM_PROFILES } from '../constructs/ci-claim-profiles';
import { Rule } from './rule-pack';
import { StackJson } from './synthesized';

const BACKEND_PATH_REFERENCE = /^\$\{vault_jwt_auth_backend\.([^.}]+)\.path\}$/;

/** The mount path a role's `backend` names: a literal, or a reference to a backend in the same stack. */
function backendPath(backend: unknown, json: StackJson): unknown {
  const reference = typeof backend === 'string' ? BACKEND_PATH_REFERENCE.exec(backend) : null;
  return reference ? json.resource?.vault_jwt_auth_backend?.[reference[1]]?.path : backend;
}

/** A claim name as the token's top level has it (Vault reads a `/`-prefixed name as a JSON pointer). */
function topLevelClaim(name: string): string {
  return name.startsWith('/') ? name.slice(1) : name;
}

export const jwtRolesBindEmittedClaims: Rule = {
  id: 'VP-JWT-2',
  summary: "a role on an environment's CI auth method binds, and takes its identity from, only claims its forge's claim profile emits",
  check(construct, { synthesized, config }) {
    if (!(construct instanceof JwtAuthBackendRole)) return [];
    const environment = (TerraformStack.of(construct) as { environment?: unknown }).environment as ClusterEnvironmentName;
    if (!CLUSTER_ENVIRONMENTS.includes(environment)) return [];
    const oidc = config.environments[environment].ci.oidc;
    const profile = oidc.claims?.profile ?? 'forgejo';
    // A custom issuer's claims are whatever the config names: there is nothing to compare with.
    if (profile === 'custom') return [];
    const block = synthesized.blockOf(construct) ?? {};
    const path = backendPath(block.backend, synthesized.json);
    if (typeof path === 'string' && path !== (oidc.authPath ?? DEFAULT_CI_AUTH_PATH)) return [];

    const emitted: readonly string[] = CI_CLAIM_PROFILES[profile].claims;
    const used = [
      ...Object.keys((block.bound_claims ?? {}) as Record<string, unknown>).map((claim) => ({ where: 'bound_claims', claim })),
      ...(typeof block.user_claim === 'string' ? [{ where: 'user_claim', claim: block.user_claim }] : []),
    ];
    return used
      .filter(({ claim }) => !emitted.includes(topLevelClaim(claim)))
      .map(
        ({ where, claim }) =>
          `${where} uses the claim '${claim}', which tokens of claims profile '${profile}' (environments.${environment}.ci.oidc.claims) do not carry, so Vault refuses every login; drop it, or name the forge's real claims with profile: custom (constructs/ci-claim-profiles.ts lists each profile's claims)`,
      );
  },
};
