import type { ConfigIssue } from './issues';
import { SNAPSHOT_NAMES } from './platform-names';
import { CLUSTER_ENVIRONMENTS, LabConfig } from './schema';
import { BOOTSTRAP_DEFAULTS, bootstrapServiceAccounts } from './schema-bootstrap';

/**
 * Kubernetes identities the platform owns in the clusters (the ServiceAccounts that log in to the
 * QNAP Vault, the raft snapshot job's) are nobody else's: an app role bound to one would let that account read the app's
 * secrets, and two consumers on one account would each read the other's secret.
 */
export function reservedIdentityIssues(config: LabConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const owners = new Map<string, string>();
  for (const env of CLUSTER_ENVIRONMENTS) {
    const server = config.environments[env].vaultServer;
    if (server.snapshots) owners.set(`${server.namespace ?? BOOTSTRAP_DEFAULTS.vaultNamespace}/${SNAPSHOT_NAMES.serviceAccount}`, `the ${env} Vault's raft snapshot job`);
  }
  for (const account of bootstrapServiceAccounts(config)) {
    const identity = `${account.namespace}/${account.name}`;
    const owner = owners.get(identity);
    if (owner === undefined) {
      owners.set(identity, account.owner);
    } else if (account.field !== undefined) {
      issues.push({ path: account.field, value: account.name, message: `ServiceAccount ${identity} already belongs to ${owner}; give the consumer its own ServiceAccount` });
    }
  }
  config.apps.forEach((app, i) => {
    const identity = `${app.namespace}/${app.serviceAccount ?? app.name}`;
    const owner = owners.get(identity);
    if (owner === undefined) return;
    issues.push({
      path: `apps[${i}].${app.serviceAccount === undefined ? 'name' : 'serviceAccount'}`,
      value: app.serviceAccount ?? app.name,
      message: `ServiceAccount ${identity} belongs to ${owner}; give the app its own ServiceAccount`,
    });
  });
  return issues;
}
