import { LabStacks } from './lab';

/** Markers in docs/runbook.md between which `npm run docs:diagrams` writes the diagrams. */
export const DIAGRAM_BEGIN = '<!-- BEGIN GENERATED: bootstrap diagrams (npm run docs:diagrams) -->';
export const DIAGRAM_END = '<!-- END GENERATED: bootstrap diagrams -->';
/** Markers of the restore diagram, in the runbook's "Backups and restore" section. */
export const RESTORE_BEGIN = '<!-- BEGIN GENERATED: restore diagram (npm run docs:diagrams) -->';
export const RESTORE_END = '<!-- END GENERATED: restore diagram -->';

const nodeId = (text: string) => text.replace(/[^A-Za-z0-9]/g, '_');
const label = (text: string) => `"${text.replace(/"/g, "'")}"`;

/**
 * The deploy order of the production chain, read from the stack model: solid arrows are the stacks'
 * Terraform dependencies (declared or from cross-stack references), dotted arrows are the operator's
 * manual steps between them.
 */
export function renderDeployOrder(stacks: LabStacks): string {
  const chain = [stacks.qnap, stacks.mainCluster, stacks.mainBootstrap, stacks.main];
  const lines = ['flowchart TD'];
  for (const stack of chain) lines.push(`  ${nodeId(stack.node.id)}[${label(`cdktf deploy ${stack.node.id}`)}]`);
  for (const stack of chain) {
    for (const dependency of stack.dependencies) {
      lines.push(`  ${nodeId(dependency.node.id)} -->|${label('Terraform dependency')}| ${nodeId(stack.node.id)}`);
    }
  }
  const q = nodeId(stacks.qnap.node.id);
  const mc = nodeId(stacks.mainCluster.node.id);
  const mb = nodeId(stacks.mainBootstrap.node.id);
  const m = nodeId(stacks.main.node.id);
  if (stacks.qnap.consumers.length > 0) {
    const paths = stacks.qnap.consumers.map((c) => `${c.mountPath}/${c.secretPath}`).join(', ');
    lines.push(`  kv_put[/${label(`operator: vault kv put ${paths}`)}/]`, `  ${q} -.-> kv_put -.-> ${mc}`);
  }
  // One share, threshold one (docs/runbook.md#one-key-threshold-one).
  const recovery = stacks.mainCluster.vaultServer.transitTokenSecret ? 'recovery key' : 'unseal key';
  lines.push(
    `  init[/${label(`operator: vault operator init, once (${recovery})`)}/]`,
    `  ${mb} -.-> init -.->|${label('root token, then revoke it')}| ${m}`,
    `  ci[${label('from then on: CI deploys main')}]`,
    `  ${m} -.-> ci`,
  );
  return lines.join('\n');
}

/** Where each bootstrap secret starts, what carries it, and where it ends, read from the constructs. */
export function renderSecretFlow(stacks: LabStacks): string {
  const lines = ['flowchart LR'];
  const qnap = stacks.qnap.node.id;
  const release = stacks.mainCluster.vaultServer.release;
  const vault = `${release.namespace}/${release.releaseName}`;
  lines.push(`  vault_server[${label(`main Vault pods ${vault} (${stacks.mainCluster.node.id})`)}]`);

  for (const master of stacks.qnap.transitUnsealMasters.values()) {
    if (master.unsealedVaultName !== stacks.mainCluster.environment) continue;
    const key = nodeId(`key_${master.keyName}`);
    lines.push(
      `  ${key}[(${label(`${qnap}: transit key ${master.sealStanza.mountPath}/${master.keyName}`)})]`,
      `  ${key} -->|${label(`periodic orphan token, policy ${master.policyName} (in ${qnap} state)`)}| token_secret`,
    );
  }
  const tokenSecret = stacks.mainCluster.vaultServer.transitTokenSecret;
  if (tokenSecret) {
    lines.push(
      `  token_secret[${label(`Secret ${release.namespace}/${release.values.server.extraSecretEnvironmentVars[0]?.secretName}`)}]`,
      `  token_secret -->|VAULT_TOKEN| vault_server`,
    );
  }

  const connection = stacks.mainBootstrap.resources;
  const pkiSecret = connection.find((r) => r.kind === 'VaultPKISecret');
  if (pkiSecret) {
    lines.push(
      `  pki[(${label(`${qnap}: PKI ${stacks.qnap.pki.mountPath}/issue/${stacks.qnap.pki.roleName}`)})]`,
      `  pki -->|${label(`VaultPKISecret ${pkiSecret.metadata.namespace}/${pkiSecret.metadata.name} (VSO, renews)`)}| tls_secret`,
      `  tls_secret[${label(`Secret ${pkiSecret.metadata.namespace}/${pkiSecret.metadata.name}`)}]`,
      `  tls_secret -->|${label('TLS listener, raft retry_join')}| vault_server`,
    );
  }
  const moved = stacks.main.infraSecrets;
  for (const resource of connection.filter((r) => r.kind === 'VaultStaticSecret')) {
    const name = resource.metadata.name;
    const consumer = stacks.qnap.consumers.find((c) => c.consumerName === name);
    const movedConsumer = moved?.consumers.find((c) => c.consumerName === name);
    const target = nodeId(`secret_${name}`);
    const qnapSource = nodeId(`kv_${name}`);
    if (consumer) lines.push(`  ${qnapSource}[(${label(`${qnap}: ${consumer.mountPath}/${consumer.secretPath}`)})]`);
    if (moved && movedConsumer) {
      // Served by the main Vault; while in `copy` the QNAP still holds the value main copied.
      const mainSource = nodeId(`main_kv_${name}`);
      lines.push(
        `  ${mainSource}[(${label(`${stacks.main.node.id}: ${moved.kv.mountPath}/${movedConsumer.secretPath}`)})]`,
        `  ${mainSource} -->|${label(`VaultStaticSecret, policy ${movedConsumer.policy.policyName}`)}| ${target}`,
      );
      if (consumer) lines.push(`  ${qnapSource} -.->|${label(`copied by ${stacks.main.node.id} (write-only, never in state)`)}| ${mainSource}`);
    } else if (consumer) {
      lines.push(`  ${qnapSource} -->|${label(`VaultStaticSecret, policy ${consumer.policy.policyName}`)}| ${target}`);
    } else {
      continue;
    }
    const destination = (resource.spec.destination as { name: string }).name;
    lines.push(`  ${target}[${label(`Secret ${resource.metadata.namespace}/${destination}`)}]`);
  }
  return lines.join('\n');
}

/**
 * The restore order after losing both Vaults, read from the stack model: the QNAP Vault first (its
 * transit key decrypts the main Vault's root key, so main cannot unseal, nor read a restored
 * snapshot, before it), then a seal token main's pods can use, then the main Vault from its snapshot.
 */
export function renderRestoreOrder(stacks: LabStacks): string {
  const lines = ['flowchart TD'];
  const qnap = stacks.qnap;
  const release = stacks.mainCluster.vaultServer.release;
  const nasSnapshots = qnap.raftSnapshots
    ? `NAS timer, token role ${qnap.raftSnapshots.tokenRoleName}: raft snapshots of the QNAP Vault`
    : 'a copy of the QNAP Vault storage (no snapshot identity configured)';
  lines.push(
    `  qnap_backup[(${label(nasSnapshots)})]`,
    `  qnap_restore[${label(`1. QNAP Vault: vault operator raft snapshot restore -force, unseal (${qnap.node.id})`)}]`,
    '  qnap_backup --> qnap_restore',
  );
  const keys = [...qnap.transitUnsealMasters.values()].filter((m) => m.unsealedVaultName === stacks.mainCluster.environment);
  let previous = 'qnap_restore';
  for (const master of keys) {
    const key = nodeId(`key_${master.keyName}`);
    lines.push(`  ${key}{{${label(`transit key ${master.sealStanza.mountPath}/${master.keyName} is back`)}}}`, `  ${previous} --> ${key}`);
    previous = key;
  }
  const tokenSecret = stacks.mainCluster.vaultServer.transitTokenSecret;
  if (tokenSecret) {
    const secretName = release.values.server.extraSecretEnvironmentVars[0]?.secretName;
    lines.push(
      `  seal_token[${label(`2. seal token valid in the restored QNAP Vault, else cdktf deploy ${qnap.node.id}, then ${stacks.mainCluster.node.id} (Secret ${release.namespace}/${secretName})`)}]`,
      `  ${previous} --> seal_token`,
    );
    previous = 'seal_token';
  }
  lines.push(
    `  cluster[${label(`3. cdktf deploy ${stacks.mainCluster.node.id} ${stacks.mainBootstrap.node.id}: pods ${release.namespace}/${release.releaseName}-N start empty`)}]`,
    `  ${previous} --> cluster`,
  );
  const job = stacks.mainCluster.raftSnapshots;
  const source = job
    ? `CronJob ${release.namespace}/${job.cronJobName}: s3 ${job.storage.bucket}/${job.storage.prefix}/, ${job.retentionDays} days`
    : 'a raft snapshot of the main Vault (no snapshot job configured)';
  lines.push(
    `  main_backup[(${label(source)})]`,
    `  main_restore[${label(`4. vault operator init on ${release.releaseName}-0, then vault operator raft snapshot restore -force`)}]`,
    '  cluster --> main_restore',
    '  main_backup --> main_restore',
    `  main_deploy[${label(`5. cdktf deploy ${stacks.main.node.id} (CI): reconcile what changed since the snapshot`)}]`,
    '  main_restore --> main_deploy',
  );
  return lines.join('\n');
}

/** The generated restore block of docs/runbook.md, markers included. */
export function renderRestoreDiagram(stacks: LabStacks): string {
  return [RESTORE_BEGIN, '', '```mermaid', renderRestoreOrder(stacks), '```', '', RESTORE_END].join('\n');
}

/** The generated block of docs/runbook.md, markers included. */
export function renderRunbookDiagrams(stacks: LabStacks): string {
  return [
    DIAGRAM_BEGIN,
    '',
    '### Deploy order',
    '',
    '```mermaid',
    renderDeployOrder(stacks),
    '```',
    '',
    '### Secret flow',
    '',
    '```mermaid',
    renderSecretFlow(stacks),
    '```',
    '',
    DIAGRAM_END,
  ].join('\n');
}

/** Replaces the generated block between `begin` and `end` in a document; fails if the markers are missing. */
export function replaceGeneratedBlock(document: string, block: string, begin = DIAGRAM_BEGIN, end = DIAGRAM_END): string {
  const from = document.indexOf(begin);
  const to = document.indexOf(end);
  if (from < 0 || to < from) throw new Error(`the document has no generated block: add the lines ${begin} and ${end}`);
  return document.slice(0, from) + block + document.slice(to + end.length);
}
