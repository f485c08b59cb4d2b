import type { ConfigIssue } from './issues';
import type { LabConfig } from './schema';

/** Delivery rules that span several keys of an app. */
export function deliveryIssues(config: LabConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  config.apps.forEach((app, i) => {
    if (app.delivery === 'eso' && app.rolloutRestartTargets !== undefined) {
      issues.push({
        path: `apps[${i}].rolloutRestartTargets`,
        value: app.rolloutRestartTargets,
        message: `app '${app.name}' uses delivery: eso, and the External Secrets Operator restarts no workloads; remove the key (the app must reload its Secret) or use delivery: vso`,
      });
    }
  });
  return issues;
}
