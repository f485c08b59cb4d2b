import type { ConfigIssue } from './issues';
import { CLUSTER_ENVIRONMENTS, LabConfig } from './schema';
import { transitKeyName } from './schema-bootstrap';

const UNSEALED = 'environments.qnap.bootstrap.transitUnseal.unsealed';

/**
 * Rules of the bootstrap chain that span several fields: the QNAP Vault is a separate server, each
 * unsealed Vault has its own transit key, and the sandbox never depends on the QNAP Vault.
 */
export function bootstrapConfigIssues(config: LabConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { qnap } = config.environments;

  const qnapOrigin = new URL(qnap.vault.address).origin;
  for (const env of CLUSTER_ENVIRONMENTS) {
    if (new URL(config.environments[env].vault.address).origin === qnapOrigin) {
      issues.push({
        path: 'environments.qnap.vault.address',
        value: qnap.vault.address,
        message: `is the address of the ${env} Vault (environments.${env}.vault.address): the bootstrap Vault must be a separate server outside the cluster it unseals`,
      });
    }
  }

  const firstByKey = new Map<string, number>();
  const firstByEnvironment = new Map<string, number>();
  qnap.bootstrap.transitUnseal.unsealed.forEach((entry, i) => {
    if (entry.environment === 'sandbox') {
      issues.push({
        path: `${UNSEALED}[${i}].environment`,
        value: entry.environment,
        message: 'the sandbox must never be unsealed by the QNAP Vault (it would reach production); remove this entry and use Shamir unseal for the sandbox',
      });
    }
    const sameEnvironment = firstByEnvironment.get(entry.environment);
    if (sameEnvironment !== undefined) {
      issues.push({ path: `${UNSEALED}[${i}].environment`, value: entry.environment, message: `already listed at ${UNSEALED}[${sameEnvironment}]; one entry per unsealed Vault` });
    } else {
      firstByEnvironment.set(entry.environment, i);
    }
    const key = transitKeyName(entry);
    const sameKey = firstByKey.get(key);
    if (sameKey !== undefined) {
      issues.push({
        path: `${UNSEALED}[${i}].keyName`,
        value: key,
        message: `transit key ${key} is already used by ${UNSEALED}[${sameKey}]; every unsealed Vault needs its own key (set a distinct keyName)`,
      });
    } else {
      firstByKey.set(key, i);
    }
  });

  const sandbox = config.environments.sandbox.vaultServer;
  if (sandbox.unseal === 'transit') {
    issues.push({
      path: 'environments.sandbox.vaultServer.unseal',
      value: sandbox.unseal,
      message: "the sandbox must never be unsealed by the QNAP Vault (isolation from production); use 'shamir'",
    });
  }
  if (sandbox.tls.source === 'qnap-pki') {
    issues.push({
      path: 'environments.sandbox.vaultServer.tls.source',
      value: sandbox.tls.source,
      message: "the sandbox must never take its certificate from the QNAP Vault; use source 'existing-secret' with a secretName",
    });
  }
  const main = config.environments.main.vaultServer;
  const mainListed = firstByEnvironment.get('main');
  if (main.unseal === 'transit' && mainListed === undefined) {
    issues.push({
      path: 'environments.main.vaultServer.unseal',
      value: main.unseal,
      message: `is 'transit' but ${UNSEALED} has no entry for main; add { environment: main } there or use 'shamir'`,
    });
  }
  if (main.unseal === 'shamir' && mainListed !== undefined) {
    issues.push({
      path: `${UNSEALED}[${mainListed}].environment`,
      value: 'main',
      message: "environments.main.vaultServer.unseal is 'shamir': remove this entry (an unused unseal token is a liability) or set unseal to 'transit'",
    });
  }

  const firstByConsumer = new Map<string, number>();
  qnap.bootstrap.consumers.forEach((consumer, i) => {
    const same = firstByConsumer.get(consumer.name);
    if (same !== undefined) {
      issues.push({ path: `environments.qnap.bootstrap.consumers[${i}].name`, value: consumer.name, message: `already used by consumers[${same}]; consumer names must be unique` });
    } else {
      firstByConsumer.set(consumer.name, i);
    }
  });
  return issues;
}
