import { TokenAuthBackendRole } from '@cdktf/provider-vault/lib/token-auth-backend-role';
import { Construct } from 'constructs';
import { ClusterEnvironmentName, LabConfig } from '../config/schema';
import { BOOTSTRAP_DEFAULTS, consumerSecretName } from '../config/schema-bootstrap';
import { SNAPSHOT_DEFAULTS } from '../config/schema-snapshots';
import { SNAPSHOT_NAMES } from '../config/platform-names';
import { VAULT_CHART } from '../constructs/charts';
import { IKubernetesAuthBackend } from '../constructs/kubernetes-auth-backend';
import { KubernetesAuthRole } from '../constructs/kubernetes-auth-role';
import { grantRaftSnapshotRead, RaftSnapshotCronJob } from '../constructs/raft-snapshot';
import { VaultPolicy } from '../constructs/vault-policy';
import { VaultServerParts, vaultTlsSecret } from './cluster-vault';

/**
 * Backups of the Vaults (docs/runbook.md, "Backups and restore"): the snapshot CronJob of an
 * in-cluster Vault (its cluster stack), the role and policy it logs in with (that Vault's stack),
 * and the token role the NAS's snapshot timer uses on the QNAP Vault (the qnap stack).
 */

/** The Kubernetes auth mount of the cluster Vaults (the environment stack's KubernetesAuthBackend, default path). */
export const CLUSTER_KUBERNETES_AUTH_PATH = 'kubernetes';

/** The CronJob `vault-raft-snapshot` in the Vault namespace, when `vaultServer.snapshots` is set. */
export function addRaftSnapshotJob(scope: Construct, config: LabConfig, environment: ClusterEnvironmentName, vaultServer: VaultServerParts): RaftSnapshotCronJob | undefined {
  const server = config.environments[environment].vaultServer;
  const snapshots = server.snapshots;
  if (!snapshots) return undefined;
  const { credentials } = snapshots.storage;
  const credentialsSecretName =
    credentials.source === 'existing-secret'
      ? credentials.secretName
      : consumerSecretName(config.environments.qnap.bootstrap.consumers.find((c) => c.name === credentials.consumer)!);
  const tls = vaultTlsSecret(server);
  const release = vaultServer.release;
  return new RaftSnapshotCronJob(scope, 'RaftSnapshots', {
    namespace: vaultServer.namespace.metadata.name,
    name: SNAPSHOT_NAMES.cronJob,
    // The chart's Service for the active node (hashicorp/vault-helm templates/server-ha-active-service.yaml);
    // the server certificate names it (stacks/bootstrap-names.ts).
    vaultAddress: `https://${release.releaseName}-active.${release.namespace}.svc:8200`,
    vaultCa: { secretName: tls.secretName, key: tls.caKey },
    authPath: CLUSTER_KUBERNETES_AUTH_PATH,
    roleName: SNAPSHOT_NAMES.role,
    // The image the chart runs (its values.yaml `server.image.tag`): the CLI speaks the server's API.
    vaultImage: `hashicorp/vault:${VAULT_CHART.appVersion}`,
    schedule: snapshots.schedule ?? SNAPSHOT_DEFAULTS.schedule,
    timeZone: snapshots.timeZone,
    retentionDays: snapshots.retentionDays,
    storage: {
      endpoint: snapshots.storage.endpoint,
      bucket: snapshots.storage.bucket,
      prefix: snapshots.storage.prefix ?? environment,
      credentialsSecretName,
    },
  });
}

/**
 * The snapshot job's identity in its Vault: a policy granting exactly `read` on
 * sys/storage/raft/snapshot and a Kubernetes auth role bound to the job's ServiceAccount. Its tokens
 * live ten minutes and are never renewed: the job logs in, saves, and ends.
 */
export function addRaftSnapshotRole(scope: Construct, config: LabConfig, environment: ClusterEnvironmentName, kubernetesAuth: IKubernetesAuthBackend): KubernetesAuthRole | undefined {
  const server = config.environments[environment].vaultServer;
  if (!server.snapshots) return undefined;
  const root = new Construct(scope, 'RaftSnapshots');
  const policy = new VaultPolicy(root, 'Policy', { policyName: SNAPSHOT_NAMES.policy });
  grantRaftSnapshotRead(policy);
  return new KubernetesAuthRole(root, 'Role', {
    backend: kubernetesAuth,
    roleName: SNAPSHOT_NAMES.role,
    serviceAccountNames: [SNAPSHOT_NAMES.serviceAccount],
    namespaces: [server.namespace ?? BOOTSTRAP_DEFAULTS.vaultNamespace],
    policies: [policy],
    tokenTtl: 600,
    tokenMaxTtl: 600,
  });
}

/** The QNAP Vault's snapshot identity: what the NAS's timer holds. */
export interface QnapSnapshotIdentity {
  /** The token role's name: `vault token create -role=<tokenRoleName>`. */
  readonly tokenRoleName: string;
  readonly policy: VaultPolicy;
  readonly tokenRole: TokenAuthBackendRole;
}

/**
 * The NAS has no Kubernetes, so its timer holds a token: periodic, orphan (it outlives the operator
 * token that created it), created from this role, whose only policy grants the snapshot read. The
 * timer renews it on every run (`vault token renew`, allowed by the default policy); the token dies
 * one period after the last successful run.
 */
export function addQnapSnapshotRole(scope: Construct, config: LabConfig): QnapSnapshotIdentity | undefined {
  const snapshots = config.environments.qnap.snapshots;
  if (!snapshots) return undefined;
  const root = new Construct(scope, 'RaftSnapshots');
  const policy = new VaultPolicy(root, 'Policy', { policyName: SNAPSHOT_NAMES.qnapPolicy });
  grantRaftSnapshotRead(policy);
  const tokenRole = new TokenAuthBackendRole(root, 'TokenRole', {
    roleName: SNAPSHOT_NAMES.qnapTokenRole,
    allowedPolicies: [policy.policyName],
    orphan: true,
    renewable: true,
    tokenPeriod: snapshots.tokenPeriod ?? SNAPSHOT_DEFAULTS.qnapTokenPeriod,
    tokenType: 'service',
    dependsOn: [policy.resource],
  });
  return { tokenRoleName: SNAPSHOT_NAMES.qnapTokenRole, policy, tokenRole };
}
