import type { ConfigIssue } from './issues';
import { BOOTSTRAP_NAMES, SNAPSHOT_NAMES } from './platform-names';
import { CLUSTER_ENVIRONMENTS, LabConfig } from './schema';
import { BOOTSTRAP_DEFAULTS, bootstrapServiceAccounts, consumerSecretName } from './schema-bootstrap';

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
    const namespace = server.namespace ?? BOOTSTRAP_DEFAULTS.vaultNamespace;
    // The chart names the server's ServiceAccount after the release (hashicorp/vault-helm
    // templates/_helpers.tpl vault.fullname and vault.serviceAccount.name): the Vault pods run as it.
    owners.set(`${namespace}/${BOOTSTRAP_NAMES.vaultReleaseName}`, "the in-cluster Vault's server pods");
    if (server.snapshots) owners.set(`${namespace}/${SNAPSHOT_NAMES.serviceAccount}`, `the ${env} Vault's raft snapshot job`);
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
    // Whoever deploys an app may read its namespace's Secrets: in a Vault's namespace, the seal token and server key.
    const vaultOf = CLUSTER_ENVIRONMENTS.find((env) => (config.environments[env].vaultServer.namespace ?? BOOTSTRAP_DEFAULTS.vaultNamespace) === app.namespace);
    if (vaultOf !== undefined) {
      issues.push({
        path: `apps[${i}].namespace`,
        value: app.namespace,
        message: `is the ${vaultOf} Vault's namespace (environments.${vaultOf}.vaultServer.namespace), which holds its seal token and certificate Secrets; run the app in a namespace of its own`,
      });
    }
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

/**
 * Secrets the platform writes in the main cluster's Vault namespace (the transit seal token, the
 * server certificate, the snapshot storage keys) are nobody else's, and two bootstrap consumers
 * never share a Secret: VSO would write a consumer's QNAP values over the platform's Secret, or,
 * since it takes over no Secret it did not create, leave one of the two owners failing.
 */
export function reservedSecretIssues(config: LabConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const server = config.environments.main.vaultServer;
  const vaultNamespace = server.namespace ?? BOOTSTRAP_DEFAULTS.vaultNamespace;
  const owners = new Map<string, string>();
  if (server.unseal === 'transit') owners.set(`${vaultNamespace}/${BOOTSTRAP_NAMES.transitTokenSecretName}`, "the main Vault's transit seal token");
  owners.set(`${vaultNamespace}/${server.tls.source === 'qnap-pki' ? BOOTSTRAP_NAMES.qnapTlsSecretName : server.tls.secretName}`, "the main Vault's server certificate");
  const storage = server.snapshots?.storage.credentials;
  if (storage?.source === 'existing-secret') owners.set(`${vaultNamespace}/${storage.secretName}`, "the main Vault's snapshot storage keys");
  config.environments.qnap.bootstrap.consumers.forEach((consumer, i) => {
    const field = `environments.qnap.bootstrap.consumers[${i}]`;
    const secret = `${consumer.namespace}/${consumerSecretName(consumer)}`;
    // Every consumer's namespace holds the QNAP CA's Secret (stacks/cluster-vault.ts).
    if (config.environments.qnap.vault.caCert) owners.set(`${consumer.namespace}/${BOOTSTRAP_NAMES.qnapCaSecretName}`, "the QNAP Vault's CA certificate");
    const owner = owners.get(secret);
    if (owner === undefined) {
      owners.set(secret, `${field} (${consumer.name})`);
      return;
    }
    issues.push({
      path: `${field}.${consumer.secretName === undefined ? 'name' : 'secretName'}`,
      value: consumerSecretName(consumer),
      message: `Secret ${secret} already belongs to ${owner}; give the consumer a secretName of its own`,
    });
  });
  return issues;
}
