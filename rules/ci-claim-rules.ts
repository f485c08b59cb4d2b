import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
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
  summary: "a role on a CI auth method binds, and takes its identity from, only claims its forge's claim profile emits",
  check(construct, { synthesized, ciAuth }) {
    if (!(construct instanceof JwtAuthBackendRole)) return [];
    const block = synthesized.blockOf(construct) ?? {};
    const ci = ciAuth.get(String(backendPath(block.backend, synthesized.json)));
    // A custom issuer's claims are whatever its configuration names: there is nothing to compare with.
    if (!ci || ci.profile === 'custom') return [];
    const { profile, configuredAt } = ci;

    const emitted: readonly string[] = CI_CLAIM_PROFILES[profile].claims;
    const used = [
      ...Object.keys((block.bound_claims ?? {}) as Record<string, unknown>).map((claim) => ({ where: 'bound_claims', claim })),
      ...(typeof block.user_claim === 'string' ? [{ where: 'user_claim', claim: block.user_claim }] : []),
    ];
    return used
      .filter(({ claim }) => !emitted.includes(topLevelClaim(claim)))
      .map(
        ({ where, claim }) =>
          `${where} uses the claim '${claim}', which tokens of claims profile '${profile}' (${configuredAt}) do not carry, so Vault refuses every login; drop it, or name the forge's real claims with profile: custom (constructs/ci-claim-profiles.ts lists each profile's claims)`,
      );
  },
};
