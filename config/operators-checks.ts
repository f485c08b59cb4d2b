import type { ConfigIssue } from './issues';
import { CLUSTER_ENVIRONMENTS, LabConfig } from './schema';

/**
 * A human login role may read the config of an app the lab has, by its name; anything else is a typo.
 * A Vault people log in to has its address written as a browser's origin, the form the UI's OIDC
 * callback takes.
 */
export function operatorsConfigIssues(config: LabConfig): ConfigIssue[] {
  const apps = new Set(config.apps.map((a) => a.name));
  const issues: ConfigIssue[] = [];
  for (const env of CLUSTER_ENVIRONMENTS) {
    const { vault, operators } = config.environments[env];
    // The UI sends window.location.origin plus its callback route as redirect_uri (hashicorp/vault
    // ui/app/adapters/role-jwt.js), and Vault matches it against the roles' allowed_redirect_uris,
    // built from this address, as an exact string (hashicorp/vault-plugin-auth-jwt path_oidc.go,
    // validRedirect): a capital letter, the default port or a path would never match.
    const origin = new URL(vault.address).origin;
    if (operators && vault.address.replace(/\/$/, '') !== origin) {
      issues.push({
        path: `environments.${env}.vault.address`,
        value: vault.address,
        message: `is not written as a browser's origin, so the Vault UI's OIDC login would be refused (its callback URL starts with ${origin}); write ${origin}`,
      });
    }
    operators?.roles.forEach((role, i) => {
      role.readAppConfig?.forEach((app, j) => {
        if (!apps.has(app)) {
          issues.push({
            path: `environments.${env}.operators.roles[${i}].readAppConfig[${j}]`,
            value: app,
            message: `names no app of apps (${[...apps].join(', ') || 'none'}); use an app's name, or remove the entry`,
          });
        }
      });
    });
  }
  return issues;
}
