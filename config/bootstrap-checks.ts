import type { ConfigIssue } from './issues';
import { MAIN_CONSUMER_AUTH_PREFIX, QNAP_CONSUMER_AUTH_PREFIX, RESERVED_APP_NAMES } from './platform-names';
import { CLUSTER_ENVIRONMENTS, LabConfig } from './schema';
import { BOOTSTRAP_DEFAULTS, transitKeyName } from './schema-bootstrap';

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
  const firstByKvPath = new Map<string, number>();
  qnap.bootstrap.consumers.forEach((consumer, i) => {
    const same = firstByConsumer.get(consumer.name);
    if (same !== undefined) {
      issues.push({ path: `environments.qnap.bootstrap.consumers[${i}].name`, value: consumer.name, message: `already used by consumers[${same}]; consumer names must be unique` });
    } else {
      firstByConsumer.set(consumer.name, i);
    }
    // Each consumer owns its secret's metadata (and, moving, main's copy of the value): two on one
    // path would be two Terraform resources writing one Vault object, each undoing the other.
    const samePath = firstByKvPath.get(consumer.kvPath);
    if (samePath !== undefined) {
      issues.push({
        path: `environments.qnap.bootstrap.consumers[${i}].kvPath`,
        value: consumer.kvPath,
        message: `is already the secret of consumers[${samePath}] (${qnap.bootstrap.consumers[samePath].name}); consumer ${consumer.name} needs a secret of its own: give it another kvPath (write the value there too with vault kv put)`,
      });
    } else {
      firstByKvPath.set(consumer.kvPath, i);
    }
  });
  issues.push(...infraMigrationIssues(config), ...consumerVaultAuthIssues(config));
  return issues;
}

/**
 * An app's VaultAuth is named after the app (constructs/delivery-model.ts), a bootstrap consumer's
 * `qnap-<name>` and, once it moves, `main-<name>` (stacks/main-bootstrap-resources.ts). In one
 * namespace of the main cluster the two would be one object written by two stacks, each pointing it
 * at its own role and ServiceAccount.
 */
function consumerVaultAuthIssues(config: LabConfig): ConfigIssue[] {
  const owners = new Map<string, string>();
  config.environments.qnap.bootstrap.consumers.forEach((consumer, i) => {
    const owner = `environments.qnap.bootstrap.consumers[${i}] (${consumer.name})`;
    owners.set(`${consumer.namespace}/${QNAP_CONSUMER_AUTH_PREFIX}${consumer.name}`, owner);
    if (consumer.migration !== undefined) owners.set(`${consumer.namespace}/${MAIN_CONSUMER_AUTH_PREFIX}${consumer.name}`, owner);
  });
  return config.apps.flatMap((app, i) => {
    const owner = owners.get(`${app.namespace}/${app.name}`);
    if (owner === undefined) return [];
    return [
      {
        path: `apps[${i}].name`,
        value: app.name,
        message: `names the app's VaultAuth ${app.namespace}/${app.name}, which is the VaultAuth of ${owner}; rename the app or run it in another namespace`,
      },
    ];
  });
}

/** Where docs/runbook.md explains moving a consumer. */
const MIGRATION_DOCS = 'docs/runbook.md#moving-infrastructure-secrets-to-the-main-vault';

/**
 * A consumer moves to the main Vault only once the main Vault is configured to hold it
 * (`environments.main.infraSecrets`, declared after the main Vault is initialized and deployed), only
 * if the main Vault does not itself need the Secret before it can serve it, and only under names
 * that are free on the main Vault (its role `<name>` and policy `infra-<name>` sit next to the apps').
 */
export function infraMigrationIssues(config: LabConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (config.environments.sandbox.infraSecrets !== undefined) {
    issues.push({
      path: 'environments.sandbox.infraSecrets',
      value: config.environments.sandbox.infraSecrets,
      message: "the sandbox never holds the QNAP Vault's secrets (isolation from production); remove it",
    });
  }
  const main = config.environments.main;
  const vaultNamespace = main.vaultServer.namespace ?? BOOTSTRAP_DEFAULTS.vaultNamespace;
  config.environments.qnap.bootstrap.consumers.forEach((consumer, i) => {
    if (consumer.migration === undefined) return;
    const field = `environments.qnap.bootstrap.consumers[${i}]`;
    if (main.infraSecrets === undefined) {
      issues.push({
        path: `${field}.migration`,
        value: consumer.migration,
        message: `the main Vault is not configured to hold infrastructure secrets: once it is initialized and \`cdktf deploy main\` has run, add environments.main.infraSecrets (${MIGRATION_DOCS}); until then remove the migration`,
      });
    }
    if (consumer.namespace === vaultNamespace) {
      issues.push({
        path: `${field}.migration`,
        value: consumer.migration,
        message: `the consumer delivers into the main Vault's namespace ${vaultNamespace}, whose pods and jobs need their Secrets to start or restore the main Vault, before it can serve anything; keep it on the QNAP Vault`,
      });
    }
    // The moved consumer reads main through VSO's default connection (stacks/main-bootstrap-resources.ts),
    // which trusts main's certificate only through delivery.vaultCaSecret (stacks/secret-operators.ts);
    // the QNAP PKI that issues it is in no system trust store, so without it the sync never succeeds.
    if (main.vaultServer.tls.source === 'qnap-pki' && !main.delivery?.vaultCaSecret) {
      issues.push({
        path: `${field}.migration`,
        value: consumer.migration,
        message:
          "the consumer would read the main Vault through VSO's default connection, which could not verify main's certificate (issued by the QNAP PKI): set environments.main.delivery.vaultCaSecret to the Secret holding that CA (docs/delivery.md), or remove the migration",
      });
    }
    const roleOwner = RESERVED_APP_NAMES.get(consumer.name) ?? ownerOfAppName(config, consumer.name, (app) => app);
    if (roleOwner !== undefined) {
      issues.push({
        path: `${field}.name`,
        value: consumer.name,
        message: `the main Vault's Kubernetes auth role ${consumer.name} is already ${roleOwner}; rename the consumer before moving it`,
      });
    }
    const policy = `infra-${consumer.name}`;
    const policyOwner = ownerOfAppName(config, policy, (app) => app) ?? ownerOfAppName(config, policy, (app) => `${app}-ops`);
    if (policyOwner !== undefined) {
      issues.push({
        path: `${field}.name`,
        value: consumer.name,
        message: `the main Vault's policy ${policy} is already ${policyOwner}; rename the consumer before moving it`,
      });
    }
  });
  return issues;
}

/** Which app, if any, derives `name` (its role or a policy) from its own name. */
function ownerOfAppName(config: LabConfig, name: string, derive: (app: string) => string): string | undefined {
  const index = config.apps.findIndex((app) => derive(app.name) === name);
  return index < 0 ? undefined : `apps[${index}]'s (${config.apps[index].name})`;
}
