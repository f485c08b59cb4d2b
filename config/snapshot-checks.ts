import type { ConfigIssue } from './issues';
import { CLUSTER_ENVIRONMENTS, LabConfig } from './schema';
import { BOOTSTRAP_DEFAULTS } from './schema-bootstrap';

/**
 * The snapshot job reads its storage keys from a Secret in its own namespace (a pod can reference no
 * other namespace's Secret), so a QNAP consumer that supplies them must deliver there; and the
 * sandbox never takes anything from the QNAP Vault.
 */
export function snapshotConfigIssues(config: LabConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const consumers = config.environments.qnap.bootstrap.consumers;
  for (const env of CLUSTER_ENVIRONMENTS) {
    const server = config.environments[env].vaultServer;
    const credentials = server.snapshots?.storage.credentials;
    if (credentials?.source !== 'qnap-consumer') continue;
    const field = `environments.${env}.vaultServer.snapshots.storage.credentials`;
    if (env === 'sandbox') {
      issues.push({ path: `${field}.source`, value: credentials.source, message: "the sandbox must never read from the QNAP Vault; use source 'existing-secret' with a secretName" });
      continue;
    }
    const namespace = server.namespace ?? BOOTSTRAP_DEFAULTS.vaultNamespace;
    const index = consumers.findIndex((c) => c.name === credentials.consumer);
    if (index < 0) {
      issues.push({
        path: `${field}.consumer`,
        value: credentials.consumer,
        message: `names no consumer of environments.qnap.bootstrap.consumers (${consumers.map((c) => c.name).join(', ') || 'none'}); add one with namespace ${namespace}`,
      });
    } else if (consumers[index].namespace !== namespace) {
      issues.push({
        path: `${field}.consumer`,
        value: credentials.consumer,
        message: `delivers into namespace ${consumers[index].namespace} (environments.qnap.bootstrap.consumers[${index}].namespace), but the snapshot job runs in the Vault namespace ${namespace}; use a consumer with namespace ${namespace}`,
      });
    }
  }
  return issues;
}
