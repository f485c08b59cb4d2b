import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { parse as parseYaml, stringify } from 'yaml';
import { VAULT_CHART } from '../constructs/charts';
import { vaultAlertRules } from '../constructs/vault-alert-rules';
import { validateVaultHelmValues } from './support/helm-values';
import { schemasAvailable } from './support/schemas';
import { buildTestLab, exampleConfig, exampleConfigError, exampleConfigWith, resourcesOf, synthStack, TerraformJson } from './support/synth';

/**
 * Day-2 operations of the in-cluster Vaults (issue 18): metrics, alert rules checked by the real
 * `promtool`, two audit sinks, and the NetworkPolicy. One synthesis of the example lab for the file.
 */

let lab: { mainCluster: TerraformJson; sandboxCluster: TerraformJson; main: TerraformJson } | undefined;
function synthesized() {
  if (!lab) {
    const { stacks } = buildTestLab();
    Object.values(stacks).forEach((s) => s.prepareStack());
    lab = { mainCluster: synthStack(stacks.mainCluster), sandboxCluster: synthStack(stacks.sandboxCluster), main: synthStack(stacks.main) };
  }
  return lab;
}

function vaultValues(json: TerraformJson): any {
  const releases = (Object.values(resourcesOf(json, 'helm_release')) as any[]).filter((r) => r.chart === VAULT_CHART.chart);
  return parseYaml(releases[0].values[0]);
}

describe('metrics', () => {
  test('GIVEN monitoring WHEN the server config is rendered THEN Vault keeps Prometheus metrics without host names and serves them without a token', async () => {
    const hcl = (await parseHcl('config.hcl', vaultValues(synthesized().mainCluster).server.ha.raft.config)) as any;
    expect(hcl.telemetry).toEqual([{ prometheus_retention_time: '24h', disable_hostname: true }]);
    expect(hcl.listener.tcp[0].telemetry).toEqual([{ unauthenticated_metrics_access: true }]);
  });

  test("GIVEN monitoring WHEN the chart renders its ServiceMonitor THEN every pod is scraped and verified against Vault's CA and a name in its certificate", () => {
    const values = vaultValues(synthesized().mainCluster);
    const monitor = values.serverTelemetry.serviceMonitor;
    expect(monitor.enabled).toBe(true);
    expect(monitor.matchLabels).toEqual({ 'vault-internal': 'true' });
    // The certificate's common name is `<release>.<namespace>.svc` (stacks/bootstrap-names.ts, checked in bootstrap-stacks.test.ts).
    expect(monitor.tlsConfig).toEqual({ ca: { secret: { name: values.server.volumes[0].secret.secretName, key: 'issuing_ca' } }, serverName: 'vault.vault.svc' });
    expect(monitor.tlsConfig.insecureSkipVerify).toBeUndefined();
  });

  test('GIVEN the sandbox without a PKI certificate WHEN its alerts are rendered THEN there is no certificate renewal alert and no transit seal alert', () => {
    const alerts = vaultValues(synthesized().sandboxCluster).serverTelemetry.prometheusRules.rules.map((r: any) => r.alert);
    expect(alerts).toContain('VaultSealed');
    expect(alerts).not.toContain('VaultServerCertificateRenewalFailing');
    expect(alerts).not.toContain('VaultTransitSealFailing');
  });

  test('GIVEN monitoring WHEN the operators are installed THEN VSO and ESO get their ServiceMonitors', () => {
    const releases = Object.values(resourcesOf(synthesized().mainCluster, 'helm_release')) as any[];
    const values = (chart: string) => parseYaml(releases.find((r) => r.chart === chart).values[0]);
    expect(values('vault-secrets-operator').telemetry.serviceMonitor.enabled).toBe(true);
    expect(values('external-secrets').serviceMonitor).toEqual({ enabled: true, additionalLabels: { release: 'prometheus' } });
  });

  (schemasAvailable() ? test : test.skip)("GIVEN monitoring WHEN the values are checked against the chart's values.schema.json THEN they are valid", () => {
    expect(validateVaultHelmValues(vaultValues(synthesized().mainCluster))).toEqual([]);
    expect(validateVaultHelmValues(vaultValues(synthesized().sandboxCluster))).toEqual([]);
  });
});

// ---- promtool -------------------------------------------------------------------------------------

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0 ? 'promtool' : undefined;
if (!promtool) console.warn("vault-operations.test.ts: promtool is not on PATH (Debian package 'prometheus', see .ci/run): the alert rule checks are skipped");
const withPromtool = promtool ? describe : describe.skip;

/** Runs promtool on files in a fresh folder; returns its exit status and output. */
function runPromtool(args: (dir: string) => string[], files: Record<string, unknown>): { status: number; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-rules-'));
  try {
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), stringify(content));
    const run = spawnSync(promtool!, args(dir), { cwd: dir, encoding: 'utf8' });
    return { status: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The rule file the chart renders into its PrometheusRule: one group of the configured rules. */
const ruleFile = (rules: unknown[]) => ({ groups: [{ name: 'vault', rules }] });
const mainRules = () => vaultValues(synthesized().mainCluster).serverTelemetry.prometheusRules.rules as any[];

/** A promtool unit test: input series, and the alerts expected at `evalTime` (none = quiet). */
interface AlertCase {
  readonly name: string;
  readonly series: ReadonlyArray<{ series: string; values: string }>;
  readonly alert: string;
  readonly evalTime: string;
  readonly fires: ReadonlyArray<Record<string, string>>;
}

function testRules(cases: readonly AlertCase[], rules: readonly any[] = mainRules()) {
  return runPromtool((dir) => ['test', 'rules', path.join(dir, 'tests.yaml')], {
    // Without annotations: promtool compares them too, and the cases test when an alert fires
    // (`promtool check rules` above checks the annotation templates).
    'rules.yaml': ruleFile(rules.map(({ annotations: _, ...rule }) => rule)),
    'tests.yaml': {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: cases.map((c) => ({
        name: c.name,
        interval: '1m',
        input_series: c.series,
        alert_rule_test: [{ eval_time: c.evalTime, alertname: c.alert, exp_alerts: c.fires.map((labels) => ({ exp_labels: labels })) }],
      })),
    },
  });
}

/** Runs the cases; promtool compares the firing alerts' labels exactly. */
function expectCases(cases: readonly AlertCase[], rules?: readonly any[]) {
  const { status, output } = testRules(cases, rules);
  expect(output).toMatch(/SUCCESS/);
  expect(status).toBe(0);
}

withPromtool('alert rules (promtool)', () => {
  test('GIVEN the rendered rules of main and the sandbox WHEN promtool checks them THEN every rule is valid', () => {
    for (const json of [synthesized().mainCluster, synthesized().sandboxCluster]) {
      const rules = vaultValues(json).serverTelemetry.prometheusRules.rules;
      const { status, output } = runPromtool((dir) => ['check', 'rules', path.join(dir, 'rules.yaml')], { 'rules.yaml': ruleFile(rules) });
      expect(output).toMatch(new RegExp(`SUCCESS: ${rules.length} rules found`));
      expect(status).toBe(0);
    }
  });

  test('fails when a rule does not parse: promtool rejects it, so a broken rule fails the suite', () => {
    const broken = [...mainRules(), { ...mainRules()[0], alert: 'Broken', expr: 'vault_core_unsealed{namespace="vault" == 0' }];
    const { status, output } = runPromtool((dir) => ['check', 'rules', path.join(dir, 'rules.yaml')], { 'rules.yaml': ruleFile(broken) });
    expect(status).not.toBe(0);
    expect(() => {
      if (status !== 0) throw new Error(output);
    }).toThrow(/parse error|unexpected|FAILED/);
  });

  test('GIVEN the example lab WHEN its alerts are listed THEN each failure the issue names has one', () => {
    expect(mainRules().map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'VaultSealed',
        'VaultNoActiveNode',
        'VaultRaftPeerUnhealthy',
        'VaultAuditRequestsRefused',
        'VaultAuditSinkFailing',
        'VaultTransitSealFailing',
        'VaultSecretsOperatorSyncErrors',
        'ExternalSecretNotReady',
        'VaultServerCertificateRenewalFailing',
        'VaultSnapshotMissed',
      ]),
    );
  });

  // Labels Prometheus attaches to a Vault pod's series when the ServiceMonitor scrapes it.
  const pod = (name: string) => `namespace="vault",pod="${name}",service="vault-internal"`;
  const labels = (name: string) => ({ namespace: 'vault', pod: name, service: 'vault-internal' });
  const severity = (s: string, l: Record<string, string>) => ({ severity: s, ...l });

  test('GIVEN a sealed standby WHEN 5 minutes pass THEN VaultSealed fires for that pod only; unsealed pods stay quiet', () => {
    expectCases([
      {
        name: 'sealed',
        series: [
          { series: `vault_core_unsealed{${pod('vault-0')}}`, values: '1x10' },
          { series: `vault_core_unsealed{${pod('vault-1')}}`, values: '0x10' },
        ],
        alert: 'VaultSealed',
        evalTime: '6m',
        fires: [severity('critical', labels('vault-1'))],
      },
      { name: 'healthy', series: [{ series: `vault_core_unsealed{${pod('vault-0')}}`, values: '1x10' }], alert: 'VaultSealed', evalTime: '6m', fires: [] },
    ]);
  });

  test('GIVEN no pod reports itself active WHEN 2 minutes pass THEN VaultNoActiveNode fires; with one active node it stays quiet', () => {
    const nodes = (active: string) => ['vault-0', 'vault-1', 'vault-2'].map((p, i) => ({ series: `vault_core_active{${pod(p)}}`, values: `${active[i]}x10` }));
    expectCases([
      { name: 'no leader', series: nodes('000'), alert: 'VaultNoActiveNode', evalTime: '5m', fires: [{ severity: 'critical' }] },
      { name: 'leader', series: nodes('010'), alert: 'VaultNoActiveNode', evalTime: '5m', fires: [] },
    ]);
  });

  test('GIVEN the leader reports a raft peer unhealthy WHEN 5 minutes pass THEN VaultRaftPeerUnhealthy names it', () => {
    expectCases([
      {
        name: 'peer lost',
        series: [
          { series: `vault_autopilot_node_healthy{${pod('vault-0')},node_id="vault-1"}`, values: '0x10' },
          { series: `vault_autopilot_node_healthy{${pod('vault-0')},node_id="vault-2"}`, values: '1x10' },
        ],
        alert: 'VaultRaftPeerUnhealthy',
        evalTime: '7m',
        fires: [severity('warning', { ...labels('vault-0'), node_id: 'vault-1' })],
      },
    ]);
  });

  test('GIVEN audit entries no device took WHEN the counter rises THEN VaultAuditRequestsRefused fires; a counter that only counts successes (0) stays quiet', () => {
    expectCases([
      { name: 'refused', series: [{ series: `vault_audit_log_request_failure{${pod('vault-0')}}`, values: '0 0 0 1 2 3 4 5' }], alert: 'VaultAuditRequestsRefused', evalTime: '6m', fires: [severity('critical', labels('vault-0'))] },
      { name: 'healthy', series: [{ series: `vault_audit_log_request_failure{${pod('vault-0')}}`, values: '0x10' }], alert: 'VaultAuditRequestsRefused', evalTime: '6m', fires: [] },
    ]);
  });

  test('GIVEN one audit sink fails WHEN Vault still serves THEN VaultAuditSinkFailing warns', () => {
    expectCases([
      { name: 'sink failing', series: [{ series: `vault_audit_sink_failure{${pod('vault-2')}}`, values: '0 1 2 3 4 5 6' }], alert: 'VaultAuditSinkFailing', evalTime: '5m', fires: [severity('warning', labels('vault-2'))] },
    ]);
  });

  test('GIVEN the seal health check fails (token expired or unrenewable) WHEN evaluated THEN VaultTransitSealFailing fires; a healthy seal (0 ms unreachable) stays quiet', () => {
    expectCases([
      { name: 'seal down', series: [{ series: `vault_seal_unreachable_time{${pod('vault-0')}}`, values: '0 0 60000 120000 180000' }], alert: 'VaultTransitSealFailing', evalTime: '4m', fires: [severity('critical', labels('vault-0'))] },
      { name: 'seal up', series: [{ series: `vault_seal_unreachable_time{${pod('vault-0')}}`, values: '0x10' }], alert: 'VaultTransitSealFailing', evalTime: '4m', fires: [] },
    ]);
  });

  test("GIVEN VSO cannot renew the server certificate WHEN 30 minutes pass THEN VaultServerCertificateRenewalFailing fires; another VaultPKISecret's failure does not", () => {
    const status = (name: string, v: string) => ({ series: `controller_resource_status{controller="vaultpkisecret",name="${name}",exported_namespace="vault"}`, values: `${v}x40` });
    expectCases([
      {
        name: 'renewal failing',
        series: [status('vault-server-tls', '0')],
        alert: 'VaultServerCertificateRenewalFailing',
        evalTime: '35m',
        fires: [{ severity: 'critical', controller: 'vaultpkisecret', name: 'vault-server-tls', exported_namespace: 'vault' }],
      },
      { name: 'other secret', series: [status('vault-server-tls', '1'), status('some-app-cert', '0')], alert: 'VaultServerCertificateRenewalFailing', evalTime: '35m', fires: [] },
    ]);
  });

  test('GIVEN VSO and ESO keep failing to sync WHEN 15 minutes pass THEN both alerts fire', () => {
    expectCases([
      {
        name: 'vso',
        series: [{ series: 'vso_client_operations_errors_total{operation="read",vault_connection="vault-secrets-operator-system/default"}', values: '0+1x40' }],
        alert: 'VaultSecretsOperatorSyncErrors',
        evalTime: '35m',
        fires: [{ severity: 'warning', operation: 'read', vault_connection: 'vault-secrets-operator-system/default' }],
      },
      { name: 'vso quiet', series: [{ series: 'vso_client_operations_errors_total{operation="read",vault_connection="x/default"}', values: '3x40' }], alert: 'VaultSecretsOperatorSyncErrors', evalTime: '35m', fires: [] },
      {
        name: 'eso',
        series: [{ series: 'externalsecret_status_condition{name="notifier",condition="Ready",status="False"}', values: '1x20' }],
        alert: 'ExternalSecretNotReady',
        evalTime: '16m',
        fires: [{ severity: 'warning', name: 'notifier', condition: 'Ready', status: 'False' }],
      },
    ]);
  });

  test('GIVEN the snapshot CronJob last succeeded 14 hours ago (limit 13) WHEN evaluated THEN VaultSnapshotMissed fires; 1 hour ago it stays quiet; never succeeded in 14 hours fires too', () => {
    const job = 'namespace="vault",cronjob="vault-raft-snapshot"';
    // promtool starts at time 0: a last success at -14h is a negative Unix time.
    expectCases([
      { name: 'late', series: [{ series: `kube_cronjob_status_last_successful_time{${job}}`, values: `${-14 * 3600}x5` }], alert: 'VaultSnapshotMissed', evalTime: '1m', fires: [{ severity: 'warning', namespace: 'vault', cronjob: 'vault-raft-snapshot' }] },
      { name: 'recent', series: [{ series: `kube_cronjob_status_last_successful_time{${job}}`, values: `${-3600}x5` }], alert: 'VaultSnapshotMissed', evalTime: '1m', fires: [] },
      { name: 'never', series: [{ series: `kube_cronjob_created{${job}}`, values: `${-14 * 3600}x5` }], alert: 'VaultSnapshotMissed', evalTime: '1m', fires: [{ severity: 'warning', namespace: 'vault', cronjob: 'vault-raft-snapshot' }] },
    ]);
  });
});

test("GIVEN the rendered alerts WHEN an operator follows an alert's action THEN docs/runbook.md has that alert's section", () => {
  const runbook = fs.readFileSync(path.join(__dirname, '..', 'docs', 'runbook.md'), 'utf8');
  const sections = new Set([...runbook.matchAll(/^### (\S+)$/gm)].map((m) => m[1]));
  const rules = [synthesized().mainCluster, synthesized().sandboxCluster].flatMap((json) => vaultValues(json).serverTelemetry.prometheusRules.rules) as any[];
  for (const rule of rules) {
    expect(sections).toContain(rule.alert);
    expect(rule.annotations.action).toBe(`see docs/runbook.md#${rule.alert.toLowerCase()}`);
  }
});

// ---- audit ------------------------------------------------------------------------------------------

describe('audit', () => {
  test('GIVEN the main Vault WHEN its stack is synthesized THEN it has a file device on the audit volume and a second device to stdout', () => {
    const devices = (Object.values(resourcesOf(synthesized().main, 'vault_audit')) as any[]).map((d) => ({ type: d.type, path: d.path, file_path: d.options.file_path }));
    expect(devices).toEqual(
      expect.arrayContaining([
        { type: 'file', path: 'file', file_path: '/vault/audit/audit.log' },
        { type: 'file', path: 'stdout', file_path: 'stdout' },
      ]),
    );
    expect(devices).toHaveLength(2);
  });
});

// ---- network policy -------------------------------------------------------------------------------

describe('network policy', () => {
  const policyOf = (json: TerraformJson) => {
    const policies = Object.values(resourcesOf(json, 'kubernetes_network_policy_v1')) as any[];
    expect(policies).toHaveLength(1);
    return policies[0];
  };

  test('GIVEN the example lab WHEN main-cluster is synthesized THEN the API port admits exactly the namespaces that call Vault, derived from the config', () => {
    const config = exampleConfig();
    const main = config.environments.main;
    // Independently of the stack code: the operators' fixed namespaces, ESO only when an app uses it,
    // Prometheus, Vault's own namespace when the snapshot job runs there, and the configured clients.
    const expected = [
      'vault-secrets-operator-system',
      ...(config.apps.some((a) => a.delivery === 'eso') ? ['external-secrets'] : []),
      main.vaultServer.monitoring!.prometheusNamespace,
      ...(main.vaultServer.snapshots ? [main.vaultServer.namespace ?? 'vault'] : []),
      ...(main.vaultServer.networkPolicy!.clientNamespaces ?? []),
    ].sort();
    const policy = policyOf(synthesized().mainCluster);
    const apiRule = policy.spec.ingress.find((r: any) => r.from.some((f: any) => f.namespace_selector));
    expect(apiRule.ports).toEqual([{ port: '8200', protocol: 'TCP' }]);
    const selector = apiRule.from.find((f: any) => f.namespace_selector).namespace_selector;
    expect(selector.match_expressions).toEqual([{ key: 'kubernetes.io/metadata.name', operator: 'In', values: expected }]);
    expect(apiRule.from.filter((f: any) => f.ip_block).map((f: any) => f.ip_block.cidr)).toEqual(main.vaultServer.networkPolicy!.clientCidrs);
  });

  test('GIVEN the policy WHEN it selects the Vault pods THEN only they reach the raft port 8201, and app namespaces are not admitted', () => {
    const policy = policyOf(synthesized().mainCluster);
    const vaultPods = { 'app.kubernetes.io/name': 'vault', 'app.kubernetes.io/instance': 'vault', component: 'server' };
    expect(policy.spec.pod_selector.match_labels).toEqual(vaultPods);
    expect(policy.spec.policy_types).toEqual(['Ingress']);
    const raftRules = policy.spec.ingress.filter((r: any) => r.ports.some((p: any) => p.port === '8201'));
    expect(raftRules).toEqual([{ from: [{ pod_selector: { match_labels: vaultPods } }], ports: [{ port: '8200', protocol: 'TCP' }, { port: '8201', protocol: 'TCP' }] }]);
    const admitted = JSON.stringify(policy.spec.ingress);
    for (const app of exampleConfig().apps) expect(admitted).not.toContain(`"${app.namespace}"`);
  });

  test('fails when a client network is not in CIDR notation', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.vaultServer.networkPolicy.clientCidrs = ['192.168.1.0'];
    });
    expect(() => {
      throw error;
    }).toThrow(/environments\.main\.vaultServer\.networkPolicy\.clientCidrs\[0\] = "192\.168\.1\.0": must be a network in CIDR notation/);
  });

  test('fails when a client network is the whole IPv4 internet', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.vaultServer.networkPolicy.clientCidrs = ['192.168.1.0/24', '0.0.0.0/0'];
    });
    expect(() => {
      throw error;
    }).toThrow(
      /environments\.main\.vaultServer\.networkPolicy\.clientCidrs\[1\] = "0\.0\.0\.0\/0": is wider than any private network .*would admit addresses on the internet .*; list the LAN networks people and tools connect from, e\.g\. 192\.168\.1\.0\/24, or remove networkPolicy/,
    );
  });

  test('fails when a client network is the whole IPv6 internet', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.sandbox.vaultServer.networkPolicy.clientCidrs = ['::/0'];
    });
    expect(() => {
      throw error;
    }).toThrow(/environments\.sandbox\.vaultServer\.networkPolicy\.clientCidrs\[0\] = "::\/0": is wider than any private network/);
  });

  test('fails when a client network is shorter than the widest private range (10.0.0.0/8)', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.vaultServer.networkPolicy.clientCidrs = ['0.0.0.0/7'];
    });
    expect(() => {
      throw error;
    }).toThrow(/clientCidrs\[0\] = "0\.0\.0\.0\/7": is wider than any private network/);
  });

  test('GIVEN the widest private ranges as client networks WHEN the config loads THEN they are accepted', () => {
    const config = exampleConfigWith((raw) => {
      raw.environments.main.vaultServer.networkPolicy.clientCidrs = ['10.0.0.0/8', 'fc00::/7'];
    });
    expect(config.environments.main.vaultServer.networkPolicy?.clientCidrs).toEqual(['10.0.0.0/8', 'fc00::/7']);
  });
});

withPromtool('the break-glass alert (promtool)', () => {
  // The rules of a Vault with a break-glass method at auth/break-glass, as the cluster stack renders them.
  const rules = () => vaultAlertRules({ namespace: 'vault', breakGlassAuthPath: 'break-glass' });
  // The login timing Vault's Prometheus sink exports for that mount (vault/router.go + go-metrics flattenKey).
  const logins = 'vault_route_update_auth_break_glass__count{namespace="vault",pod="vault-0",service="vault-internal"}';
  const fires = [{ severity: 'critical', pod: 'vault-0' }];

  test('GIVEN the rules WHEN promtool checks them THEN the break-glass rule is valid', () => {
    const { status, output } = runPromtool((dir) => ['check', 'rules', path.join(dir, 'rules.yaml')], { 'rules.yaml': ruleFile(rules()) });
    expect(output).toMatch(new RegExp(`SUCCESS: ${rules().length} rules found`));
    expect(status).toBe(0);
  });

  test('GIVEN a first login since the pod started (a new series) WHEN evaluated THEN VaultBreakGlassUsed fires for that pod', () => {
    expectCases([{ name: 'first login', series: [{ series: logins, values: '_x5 1x10' }], alert: 'VaultBreakGlassUsed', evalTime: '7m', fires }], rules());
  });

  test('GIVEN another login on a series already there WHEN evaluated THEN it fires', () => {
    expectCases([{ name: 'second login', series: [{ series: logins, values: '1x15 2x10' }], alert: 'VaultBreakGlassUsed', evalTime: '17m', fires }], rules());
  });

  test('GIVEN no login for longer than the window WHEN evaluated THEN it is quiet', () => {
    expectCases([{ name: 'old login', series: [{ series: logins, values: '1x30' }], alert: 'VaultBreakGlassUsed', evalTime: '25m', fires: [] }], rules());
  });

  test('fails when the mount path is no Vault path', () => {
    expect(() => vaultAlertRules({ namespace: 'vault', breakGlassAuthPath: '/break-glass' })).toThrow(/vaultAlertRules: 'breakGlassAuthPath' \("\/break-glass"\) must be path segments/);
  });
});
