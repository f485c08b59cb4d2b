import * as fs from 'fs';
import * as path from 'path';
import {
  DIAGRAM_BEGIN,
  DIAGRAM_END,
  renderDeployOrder,
  renderRestoreDiagram,
  renderRestoreOrder,
  renderRunbookDiagrams,
  renderSecretFlow,
  replaceGeneratedBlock,
  RESTORE_BEGIN,
  RESTORE_END,
} from '../stacks/bootstrap-diagrams';
import { buildTestLab, exampleConfig, exampleConfigWith } from './support/synth';

function preparedStacks(config = exampleConfig()) {
  const { stacks } = buildTestLab(config);
  Object.values(stacks).forEach((s) => s.prepareStack());
  return stacks;
}

describe('the runbook diagrams', () => {
  test('the diagrams committed in docs/runbook.md are what the stack model produces now', () => {
    const runbook = fs.readFileSync(path.join(__dirname, '..', 'docs', 'runbook.md'), 'utf8');
    const committed = runbook.slice(runbook.indexOf(DIAGRAM_BEGIN), runbook.indexOf(DIAGRAM_END) + DIAGRAM_END.length);
    // If this fails: npm run docs:diagrams
    expect(committed).toBe(renderRunbookDiagrams(preparedStacks()));
  });

  test('the deploy order follows the stack dependencies: qnap → main-cluster → main-bootstrap, then init, then main', () => {
    const order = renderDeployOrder(preparedStacks());
    expect(order).toContain('qnap -->|"Terraform dependency"| main_cluster');
    expect(order).toContain('main_cluster -->|"Terraform dependency"| main_bootstrap');
    expect(order).toMatch(/main_bootstrap -.-> init -.->.*\| main/);
    expect(order).toMatch(/qnap -.-> kv_put -.-> main_cluster/);
  });

  test('the secret flow shows each consumer, the seal token and the certificate, from the constructs present', () => {
    const flow = renderSecretFlow(preparedStacks());
    for (const consumer of exampleConfig().environments.qnap.bootstrap.consumers) {
      expect(flow).toContain(`qnap: secret/${consumer.kvPath}`);
    }
    expect(flow).toContain('token_secret -->|VAULT_TOKEN| vault_server');
    expect(flow).toContain('Secret vault/vault-server-tls');
  });

  test('the pictures change with the model: no consumers means no kv put step and no static secrets', () => {
    const stacks = preparedStacks(
      exampleConfigWith((c) => {
        c.environments.qnap.bootstrap.consumers = [];
        delete c.environments.main.vaultServer.snapshots; // its storage keys come through a consumer
      }),
    );
    expect(renderDeployOrder(stacks)).not.toContain('kv_put');
    expect(renderSecretFlow(stacks)).not.toContain('VaultStaticSecret');
  });

  test('fails when the document has lost its markers', () => {
    expect(() => replaceGeneratedBlock('# no markers', 'x')).toThrow(/the document has no generated block/);
  });
});

let example: ReturnType<typeof preparedStacks> | undefined;
/** The example lab's stacks, built once for the restore tests. */
const exampleStacks = () => (example ??= preparedStacks());

/** Nodes reachable from `from` along the diagram's arrows. */
function reachable(diagram: string, from: string): Set<string> {
  const edges = [...diagram.matchAll(/^\s*(\w+) -->(?:\|[^|]*\|)? (\w+)$/gm)].map(([, a, b]) => [a, b]);
  const seen = new Set([from]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [a, b] of edges) if (seen.has(a) && !seen.has(b)) grew = Boolean(seen.add(b));
  }
  return seen;
}

describe('the restore diagram', () => {
  test('the diagram committed in docs/runbook.md is what the stack model produces now', () => {
    const runbook = fs.readFileSync(path.join(__dirname, '..', 'docs', 'runbook.md'), 'utf8');
    const committed = runbook.slice(runbook.indexOf(RESTORE_BEGIN), runbook.indexOf(RESTORE_END) + RESTORE_END.length);
    // If this fails: npm run docs:diagrams
    expect(committed).toBe(renderRestoreDiagram(exampleStacks()));
  });

  test("restores the QNAP Vault, and sees main's transit key back, before the main Vault; never the other way round", () => {
    const order = renderRestoreOrder(exampleStacks());
    expect([...reachable(order, 'qnap_restore')]).toEqual(expect.arrayContaining(['key_unseal_main', 'seal_token', 'main_restore', 'main_deploy']));
    expect([...reachable(order, 'key_unseal_main')]).toContain('main_restore');
    expect([...reachable(order, 'main_restore')]).not.toContain('qnap_restore');
  });

  test('names where each snapshot comes from, from the constructs present', () => {
    const order = renderRestoreOrder(exampleStacks());
    expect(order).toContain('NAS timer, token role raft-snapshot');
    expect(order).toContain('CronJob vault/vault-raft-snapshot: s3 vault-snapshots/main/, 30 days');
    const without = renderRestoreOrder(
      preparedStacks(
        exampleConfigWith((c) => {
          delete c.environments.qnap.snapshots;
          delete c.environments.main.vaultServer.snapshots;
        }),
      ),
    );
    expect(without).toContain('no snapshot identity configured');
    expect(without).toContain('no snapshot job configured');
  });

  test('fails when the document has lost the restore markers', () => {
    expect(() => replaceGeneratedBlock(`${DIAGRAM_BEGIN}\n${DIAGRAM_END}`, 'x', RESTORE_BEGIN, RESTORE_END)).toThrow(/no generated block: add the lines <!-- BEGIN GENERATED: restore diagram/);
  });
});

describe('the runbook text', () => {
  test("names the seal token's real resource address in its -replace command", () => {
    const runbook = fs.readFileSync(path.join(__dirname, '..', 'docs', 'runbook.md'), 'utf8');
    const stacks = preparedStacks();
    const master = stacks.qnap.transitUnsealMasters.get('main')!;
    const address = `vault_token.${stacks.qnap.getLogicalId(master.tokenResource)}`;
    expect(runbook).toContain(`-replace=${address}`);
  });
});
