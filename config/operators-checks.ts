import type { ConfigIssue } from './issues';
import { CLUSTER_ENVIRONMENTS, LabConfig } from './schema';
import { mountsOverlap } from './fields';
import { DEFAULT_BREAK_GLASS_AUTH_PATH } from './schema-break-glass';
import { DEFAULT_CI_AUTH_PATH } from './schema-ci';
import { DEFAULT_OPERATORS_AUTH_PATH } from './schema-operators';

/**
 * A human login role may read the config of an app the lab has, by its name; anything else is a typo.
 * A Vault people log in to has its address written as a browser's origin, the form the UI's OIDC
 * callback takes. People's auth methods take paths no other auth method of that Vault holds.
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
    if (operators) issues.push(...authPathIssues(config, env));
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

/**
 * Vault refuses to enable an auth method at a path equal to, inside or above another's
 * (hashicorp/vault vault/router.go MountConflict, "path is already in use"), so the OIDC and
 * break-glass methods keep clear of the ones the environment stack mounts: Kubernetes auth at its
 * default path (stacks/vault-environment-stack.ts), CI's JWT method and Vault's own token store
 * (from each other: config/schema-break-glass.ts).
 */
function authPathIssues(config: LabConfig, env: (typeof CLUSTER_ENVIRONMENTS)[number]): ConfigIssue[] {
  const { operators, ci } = config.environments[env];
  if (!operators) return [];
  const taken: Array<[string, string]> = [
    ['kubernetes', 'the Kubernetes auth method'],
    [ci.oidc.authPath ?? DEFAULT_CI_AUTH_PATH, `CI's JWT auth method (environments.${env}.ci.oidc.authPath)`],
    ['token', "Vault's token store"],
  ];
  const ours: Array<[string, string]> = [[`environments.${env}.operators.oidc.authPath`, operators.oidc.authPath ?? DEFAULT_OPERATORS_AUTH_PATH]];
  if (operators.breakGlass) ours.push([`environments.${env}.operators.breakGlass.authPath`, operators.breakGlass.authPath ?? DEFAULT_BREAK_GLASS_AUTH_PATH]);
  const issues: ConfigIssue[] = [];
  for (const [field, path] of ours) {
    const clash = taken.find(([other]) => mountsOverlap(path, other));
    if (clash) {
      issues.push({ path: field, value: path, message: `collides with ${clash[1]} at auth/${clash[0]}: Vault refuses an auth method at, inside or above another's path; choose another path` });
    }
  }
  return issues;
}
