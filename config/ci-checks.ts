import { CI_CLAIM_PROFILES } from '../constructs/ci-claim-profiles';
import type { ConfigIssue } from './issues';
import { CLUSTER_ENVIRONMENTS, LabConfig } from './schema';
import { claimNamesOf } from './schema-ci';

/**
 * CI settings checked against the forge each environment names: its issuer, and the claims its
 * tokens carry. Either mismatch would make Vault refuse every CI login.
 */
export function ciProfileIssues(config: LabConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const withoutRefProtected: string[] = [];
  for (const env of CLUSTER_ENVIRONMENTS) {
    const oidc = config.environments[env].ci.oidc;
    const profile = oidc.claims?.profile ?? 'forgejo';
    if (profile !== 'custom') {
      // Vault compares `iss` with bound_issuer exactly, and discovers keys at the same URL.
      const { issuerPath } = CI_CLAIM_PROFILES[profile];
      if (!oidc.issuer.endsWith(issuerPath)) {
        issues.push({
          path: `environments.${env}.ci.oidc.issuer`,
          value: oidc.issuer,
          message: `must be the forge's ROOT_URL followed by ${issuerPath}, which is how profile '${profile}' builds the 'iss' of its tokens (e.g. https://git.example.net${issuerPath}, no trailing slash); fix the issuer or the claims profile (docs/ci.md)`,
        });
      }
    }
    if (claimNamesOf(oidc.claims).refProtected === undefined) withoutRefProtected.push(`environments.${env}.ci.oidc.claims.profile ('${profile}')`);
  }
  if (withoutRefProtected.length > 0) {
    const why = `the forge of ${withoutRefProtected.join(' and ')} sends no ref-protected claim, so Vault would refuse every login of a role binding it; remove the key and protect the branch in the forge instead (docs/ci.md)`;
    if (config.ci?.platform.refProtected === true) issues.push({ path: 'ci.platform.refProtected', value: true, message: why });
    config.apps.forEach((app, i) => {
      if (app.ci?.refProtected === true) issues.push({ path: `apps[${i}].ci.refProtected`, value: true, message: why });
    });
  }
  return issues;
}
