import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { buildAccessReport, SynthesizedStackJson } from '../access/access-report';
import { RaftSnapshotCronJob, RaftSnapshotCronJobProps } from '../constructs/raft-snapshot';
import { synthErrors, warningsOf } from './support/annotations';
import { parsePolicyHcl } from './support/hcl';
import { describeWithSchemas, schemaPath } from './support/schemas';
import { buildTestLab, exampleConfigError, exampleConfigWith, resourcesOf, synthStack, TerraformJson } from './support/synth';

/**
 * Backups of the Vaults (docs/runbook.md, "Backups and restore"): the example lab's snapshot CronJob,
 * the identity it logs in with, what its scripts do with the token and the storage keys, and the
 * QNAP Vault's snapshot token role. One synthesis of the example lab for the whole file.
 */

let json: Record<'qnap' | 'mainCluster' | 'main' | 'mainBootstrap' | 'sandboxCluster', TerraformJson>;
let lab: ReturnType<typeof buildTestLab>['stacks'];
beforeAll(() => {
  const { stacks } = buildTestLab();
  lab = stacks;
  json = {
    qnap: synthStack(stacks.qnap),
    mainCluster: synthStack(stacks.mainCluster),
    main: synthStack(stacks.main),
    mainBootstrap: synthStack(stacks.mainBootstrap),
    sandboxCluster: synthStack(stacks.sandboxCluster),
  };
});

function cronJob(stack: TerraformJson): any {
  const jobs = Object.values(resourcesOf(stack, 'kubernetes_cron_job_v1'));
  expect(jobs).toHaveLength(1);
  return jobs[0];
}
const podSpec = (job: any) => job.spec.job_template.spec.template.spec;
const envOf = (container: any): Record<string, any> => Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.value_from]));
const literalEnv = (container: any): Record<string, string> => Object.fromEntries(container.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));

describe('the main Vault snapshot job', () => {
  test('is the CronJob vault-raft-snapshot in the Vault namespace (the missed-snapshot alert keys on that name)', () => {
    const job = cronJob(json.mainCluster);
    const [, namespace] = Object.entries(resourcesOf(json.mainCluster, 'kubernetes_namespace_v1')).find(([id]) => job.metadata.namespace === `\${kubernetes_namespace_v1.${id}.metadata[0].name}`)!;
    expect(job.metadata.name).toBe('vault-raft-snapshot');
    expect(namespace.metadata.name).toBe('vault');
    expect(job.spec.schedule).toBe('17 */6 * * *');
    expect(job.spec.concurrency_policy).toBe('Forbid');
  });

  test('logs in with the role main creates: same auth mount, ServiceAccount, namespace and token audience', () => {
    const job = cronJob(json.mainCluster);
    const save = podSpec(job).init_container[0];
    const role = Object.values(resourcesOf(json.main, 'vault_kubernetes_auth_backend_role')).find((r: any) => r.role_name === literalEnv(save).VAULT_ROLE) as any;
    const backend = Object.values(resourcesOf(json.main, 'vault_auth_backend')).find((b: any) => b.type === 'kubernetes') as any;
    const serviceAccount = Object.values(resourcesOf(json.mainCluster, 'kubernetes_service_account_v1')).find((sa: any) => sa.metadata.name === 'vault-raft-snapshot') as any;
    const projected = podSpec(job).volume.find((v: any) => v.name === 'vault-token').projected[0].sources[0].service_account_token;

    expect(literalEnv(save).VAULT_AUTH_PATH).toBe(backend.path);
    expect(role.bound_service_account_names).toEqual([serviceAccount.metadata.name]);
    expect(role.bound_service_account_namespaces).toEqual(['vault']);
    expect(podSpec(job).service_account_name).toContain('RaftSnapshots_ServiceAccount');
    expect(projected.audience).toBe(role.audience);
    // Nothing automounted: the only token in the pod is the short-lived one for Vault.
    expect(podSpec(job).automount_service_account_token).toBe(false);
    expect(serviceAccount.automount_service_account_token).toBe(false);
  });

  test("the role's tokens carry only the snapshot policy, which the real HCL parser reads as exactly read on sys/storage/raft/snapshot", async () => {
    const role = Object.values(resourcesOf(json.main, 'vault_kubernetes_auth_backend_role')).find((r: any) => r.role_name === 'vault-raft-snapshot') as any;
    const policy = Object.values(resourcesOf(json.main, 'vault_policy')).find((p: any) => p.name === role.token_policies[0]) as any;
    expect(role.token_policies).toEqual(['raft-snapshot']);
    expect(await parsePolicyHcl(policy.policy)).toEqual({ 'sys/storage/raft/snapshot': ['read'] });
    // Never renewed (the client makes no token self-call): a ten-minute token that cannot outlive the job.
    expect([role.token_ttl, role.token_max_ttl, role.token_period]).toEqual([600, 600, undefined]);
  });

  test('reaches the active node by a name the server certificate carries, trusting only the CA key of the TLS Secret', () => {
    const job = cronJob(json.mainCluster);
    const save = podSpec(job).init_container[0];
    const caVolume = podSpec(job).volume.find((v: any) => v.name === 'vault-ca').secret;
    const pkiSecret = Object.values(resourcesOf(json.mainBootstrap, 'kubernetes_manifest')).find((m: any) => m.manifest.kind === 'VaultPKISecret') as any;
    const host = new URL(literalEnv(save).VAULT_ADDR).hostname;
    expect(host).toBe('vault-active.vault.svc');
    expect([pkiSecret.manifest.spec.commonName, ...pkiSecret.manifest.spec.altNames]).toContain(host);
    expect(caVolume.secret_name).toBe(pkiSecret.manifest.spec.destination.name);
    expect(caVolume.items).toEqual([{ key: 'issuing_ca', path: 'ca.crt' }]);
    expect(literalEnv(save).VAULT_CACERT).toBe('/vault/tls/ca.crt');
  });

  test('takes the storage keys from the Secret VSO writes from the QNAP consumer, never as a value', () => {
    const upload = podSpec(cronJob(json.mainCluster)).container[0];
    const staticSecret = Object.values(resourcesOf(json.mainBootstrap, 'kubernetes_manifest')).find(
      (m: any) => m.manifest.kind === 'VaultStaticSecret' && m.manifest.metadata.name === 'vault-snapshot-storage',
    ) as any;
    const env = envOf(upload);
    expect(staticSecret.manifest.metadata.namespace).toBe('vault');
    expect(staticSecret.manifest.spec.path).toBe('backup/vault-snapshots');
    for (const name of ['ACCESS_KEY_ID', 'SECRET_ACCESS_KEY']) {
      expect(env[name]).toEqual({ secret_key_ref: { name: staticSecret.manifest.spec.destination.name, key: expect.any(String) } });
    }
    expect(Object.keys(literalEnv(upload)).filter((n) => /KEY|TOKEN|PASSWORD/.test(n))).toEqual([]);
  });

  test('pins both images: the uploader by an exact release tag', () => {
    const spec = podSpec(cronJob(json.mainCluster));
    expect(spec.container[0].image).toMatch(/^quay\.io\/minio\/mc:RELEASE\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
    expect(spec.init_container[0].image).toMatch(/^hashicorp\/vault:\d+\.\d+\.\d+$/);
  });

  test('the sandbox rehearses it with keys from its own Secret and its own bucket, nothing from the QNAP Vault', () => {
    const upload = podSpec(cronJob(json.sandboxCluster)).container[0];
    expect(envOf(upload).SECRET_ACCESS_KEY.secret_key_ref.name).toBe('vault-snapshot-storage');
    expect(literalEnv(upload).S3_ENDPOINT).toBe('https://s3.sandbox.lab.example.net');
    expect(literalEnv(upload).S3_PREFIX).toBe('sandbox');
    expect(JSON.stringify(json.sandboxCluster)).not.toContain('qnap');
  });
});

describeWithSchemas('the snapshot image and the chart', () => {
  test("runs the Vault CLI of the version the chart's server runs (vault-helm values.yaml server.image)", () => {
    const values = parse(fs.readFileSync(schemaPath('vault-helm', 'values.yaml'), 'utf8'));
    const save = podSpec(cronJob(json.mainCluster)).init_container[0];
    expect(save.image).toBe(`${values.server.image.repository}:${values.server.image.tag}`);
  });
});

/** Runs a job script under `sh` with fake binaries first on PATH; `fakes` maps a name to its sh body. */
function runScript(script: string, env: Record<string, string>, fakes: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-script-'));
  try {
    for (const [name, body] of Object.entries(fakes)) fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    const run = spawnSync('sh', ['-c', script], { env: { ...env, PATH: `${dir}:/usr/bin:/bin`, LOG: path.join(dir, 'log') }, encoding: 'utf8' });
    const log = fs.existsSync(path.join(dir, 'log')) ? fs.readFileSync(path.join(dir, 'log'), 'utf8') : '';
    return { status: run.status, output: run.stdout + run.stderr, log };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the job scripts, run by a real shell with fake vault and mc', () => {
  const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRET';
  const TOKEN = 'hvs.FAKE-snapshot-token';

  test('save: logs in at the configured mount and role, and hands the token to the snapshot call, never to the log', () => {
    const save = podSpec(cronJob(json.mainCluster)).init_container[0];
    const run = runScript(save.command[2], literalEnv(save), {
      vault: `if [ "$1" = write ]; then echo "write $*" >> "$LOG"; echo ${TOKEN}; else echo "token=$VAULT_TOKEN args=$*" >> "$LOG"; fi`,
    });
    expect(run.status).toBe(0);
    expect(run.log).toContain('write write -field=token auth/kubernetes/login role=vault-raft-snapshot jwt=@/var/run/secrets/vault/token');
    expect(run.log).toMatch(new RegExp(`token=${TOKEN} args=operator raft snapshot save /snapshot/vault-\\d{8}T\\d{6}Z\\.snap`));
    expect(run.output).not.toContain(TOKEN);
  });

  const upload = () => podSpec(cronJob(json.mainCluster)).container[0];
  const uploadEnv = () => ({ ...literalEnv(upload()), ACCESS_KEY_ID: 'AKIAFAKE', SECRET_ACCESS_KEY: SECRET });

  test('upload: the keys reach mc on stdin only; the snapshot is copied, then what is older than the retention is removed', () => {
    const run = runScript(upload().command[2], uploadEnv(), { mc: 'echo "args=$*" >> "$LOG"; [ "$1" = alias ] && cat >> "$LOG"; exit 0' });
    expect(run.status).toBe(0);
    const lines = run.log.split('\n').filter((l) => l.startsWith('args='));
    expect(lines).toEqual([
      'args=alias set --api S3v4 backup https://s3.qnap.lab.example.net',
      'args=cp --recursive /snapshot/ backup/vault-snapshots/main/',
      'args=rm --recursive --force --older-than 30d backup/vault-snapshots/main/',
    ]);
    expect(run.log).toContain(`AKIAFAKE\n${SECRET}\n`);
    expect(run.output).not.toContain(SECRET);
  });

  test('fails when mc refuses the keys, naming the Secret and never echoing the key mc would print', () => {
    const run = runScript(upload().command[2], uploadEnv(), { mc: 'read a; read s; echo "Invalid secret key `$s`." >&2; exit 1' });
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/mc alias set failed for https:\/\/s3\.qnap\.lab\.example\.net: check the keys of Secret vault-snapshot-storage/);
    expect(run.output).not.toContain(SECRET);
  });
});

describe('the least-privilege rule pack', () => {
  test('has no finding (and needs no suppression) on the snapshot identities of qnap, main-cluster and main', () => {
    const errors = [lab.qnap, lab.mainCluster, lab.main].flatMap((stack) => synthErrors(stack));
    const warnings = [lab.qnap, lab.mainCluster, lab.main].flatMap((stack) => warningsOf(stack));
    expect(errors).toEqual([]);
    expect(warnings.filter((f) => /RaftSnapshots|raft-snapshot/.test(f.path + f.message))).toEqual([]);
  });
});

describe("the QNAP Vault's snapshot identity", () => {
  test('is a periodic, orphan token role whose only policy reads sys/storage/raft/snapshot (real HCL parser)', async () => {
    const role = Object.values(resourcesOf(json.qnap, 'vault_token_auth_backend_role'))[0] as any;
    const policy = Object.values(resourcesOf(json.qnap, 'vault_policy')).find((p: any) => p.name === 'raft-snapshot') as any;
    expect(role).toMatchObject({ role_name: 'raft-snapshot', allowed_policies: ['raft-snapshot'], orphan: true, renewable: true, token_period: 86400 });
    // The timer renews its token with renew-self, which the default policy grants (rule VP-TOK-1).
    expect(role.token_no_default_policy).toBeUndefined();
    expect(await parsePolicyHcl(policy.policy)).toEqual({ 'sys/storage/raft/snapshot': ['read'] });
  });

  test('the access report shows the token role and the snapshot job with exactly the snapshot read', async () => {
    const stacks: SynthesizedStackJson[] = [
      { stack: 'qnap', json: json.qnap as SynthesizedStackJson['json'] },
      { stack: 'main', json: json.main as SynthesizedStackJson['json'] },
    ];
    const report = await buildAccessReport(stacks);
    const rows = report.vaults.flatMap((v) => v.rows).filter((r) => /raft-snapshot/.test(r.role));
    expect(rows.map((r) => [r.identity, r.role, r.grants])).toEqual(
      expect.arrayContaining([
        ['token-role:raft-snapshot', 'auth/token/roles/raft-snapshot', [{ path: 'sys/storage/raft/snapshot', capabilities: ['read'] }]],
        ['vault/vault-raft-snapshot', 'auth/kubernetes/role/vault-raft-snapshot', [{ path: 'sys/storage/raft/snapshot', capabilities: ['read'] }]],
      ]),
    );
    expect(rows).toHaveLength(2);
  });
});

describe('the snapshot config', () => {
  const CREDENTIALS = 'environments.main.vaultServer.snapshots.storage.credentials';

  test('fails when the credentials consumer delivers into another namespace than the Vault', () => {
    const error = exampleConfigError((c) => (c.environments.main.vaultServer.snapshots.storage.credentials.consumer = 'backup-storage'));
    expect(error.message).toMatch(new RegExp(`${CREDENTIALS}\\.consumer = "backup-storage": delivers into namespace backup .*use a consumer with namespace vault`));
  });

  test('fails when the credentials consumer does not exist', () => {
    const error = exampleConfigError((c) => (c.environments.main.vaultServer.snapshots.storage.credentials.consumer = 'nobody'));
    expect(error.message).toMatch(new RegExp(`${CREDENTIALS}\\.consumer = "nobody": names no consumer of environments\\.qnap\\.bootstrap\\.consumers`));
  });

  test('fails when the sandbox takes its storage keys from the QNAP Vault', () => {
    const error = exampleConfigError((c) => (c.environments.sandbox.vaultServer.snapshots.storage.credentials = { source: 'qnap-consumer', consumer: 'vault-snapshot-storage' }));
    expect(error.message).toMatch(/environments\.sandbox\.vaultServer\.snapshots\.storage\.credentials\.source = "qnap-consumer": the sandbox must never read from the QNAP Vault/);
  });

  test('fails when the schedule is not five cron fields', () => {
    const error = exampleConfigError((c) => (c.environments.main.vaultServer.snapshots.schedule = '@daily; rm -rf /'));
    expect(error.message).toMatch(/environments\.main\.vaultServer\.snapshots\.schedule = "@daily; rm -rf \/": must be five cron fields/);
  });

  test('fails when the QNAP token period is longer than the token ceiling the rule pack enforces', () => {
    const { stacks } = buildTestLab(exampleConfigWith((c) => (c.environments.qnap.snapshots.tokenPeriod = 2 * 86400)));
    expect(synthErrors(stacks.qnap)).toEqual([
      { path: 'qnap/RaftSnapshots/TokenRole', message: expect.stringMatching(/^\[VP-TTL-1\] token_period \(172800s\) exceeds the ceiling policy\.ceilings\.tokenPeriod/) },
    ]);
  });
});

describe('RaftSnapshotCronJob', () => {
  const props: RaftSnapshotCronJobProps = {
    namespace: 'vault',
    vaultAddress: 'https://vault-active.vault.svc:8200',
    vaultCa: { secretName: 'vault-server-tls', key: 'ca.crt' },
    authPath: 'kubernetes',
    roleName: 'vault-raft-snapshot',
    vaultImage: 'hashicorp/vault:2.0.4',
    schedule: '0 * * * *',
    retentionDays: 7,
    storage: { endpoint: 'https://s3.example', bucket: 'b', prefix: 'p', credentialsSecretName: 'keys' },
  };
  const build = (change: Partial<RaftSnapshotCronJobProps>) => new RaftSnapshotCronJob(Testing.app(), 'Job', { ...props, ...change });

  test('fails when an image floats (:latest or no tag)', () => {
    expect(() => build({ vaultImage: 'hashicorp/vault:latest' })).toThrow(/RaftSnapshotCronJob: 'vaultImage' \("hashicorp\/vault:latest"\) must be pinned by an exact tag or an @sha256 digest/);
    expect(() => build({ uploaderImage: 'quay.io/minio/mc' })).toThrow(/'uploaderImage' \("quay\.io\/minio\/mc"\) must be pinned/);
  });

  test('fails when the Vault address is not https', () => {
    expect(() => build({ vaultAddress: 'http://vault-active.vault.svc:8200' })).toThrow(/'vaultAddress' \("http:\/\/vault-active\.vault\.svc:8200"\) must be an https:\/\/ address/);
  });
});
