import type { ConfigIssue } from './issues';
import { CLUSTER_ENVIRONMENTS, LabConfig } from './schema';

/** A human login role may read the config of an app the lab has, by its name; anything else is a typo. */
export function operatorsConfigIssues(config: LabConfig): ConfigIssue[] {
  const apps = new Set(config.apps.map((a) => a.name));
  const issues: ConfigIssue[] = [];
  for (const env of CLUSTER_ENVIRONMENTS) {
    config.environments[env].operators?.roles.forEach((role, i) => {
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
