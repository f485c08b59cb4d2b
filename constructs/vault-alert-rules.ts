import { invalidProp } from './private/errors';
import { validateMountPath } from './kv-v2-mount';
import { DNS1123_LABEL_RULE, isDns1123Label } from './names';

/** One Prometheus alerting rule, as a PrometheusRule (or a `promtool` rule file) holds it. */
export interface PrometheusAlertRule {
  /** Name of the alert. */
  readonly alert: string;
  /** PromQL; the alert fires for every series it returns. */
  readonly expr: string;
  /** How long the expression must hold before the alert fires. */
  readonly for: string;
  /** Labels of the alert; `severity` routes it. */
  readonly labels: { readonly severity: 'critical' | 'warning' };
  /** What the alert means and what to do about it. */
  readonly annotations: { readonly summary: string; readonly action: string };
}

export interface VaultAlertRulesProps {
  /** Namespace of the Vault release: Vault's own metrics and volumes are selected by it. */
  readonly namespace: string;
  /** Helm release name: pods `<name>-<n>`, audit volumes `audit-<name>-<n>`. @default 'vault' */
  readonly releaseName?: string;
  /** Alert when the transit seal cannot reach its key (auto-unsealed Vaults only). @default false */
  readonly transitSeal?: boolean;
  /**
   * The VaultPKISecret that renews the server certificate, when VSO issues it.
   * @default - no certificate alert: whoever provides the certificate watches its expiry
   */
  readonly certificateVaultPkiSecret?: string;
  /** Alert on Vault Secrets Operator errors. @default false */
  readonly vso?: boolean;
  /** Alert on External Secrets errors. @default false */
  readonly eso?: boolean;
  /**
   * The raft snapshot CronJob (in `namespace`) and how old its last success may get.
   * @default - no snapshot alert
   */
  readonly snapshot?: { readonly cronJobName: string; readonly maxAgeHours: number };
  /** Fraction of the audit volume left below which to warn. @default 0.1 */
  readonly auditVolumeFreeRatio?: number;
  /**
   * Mount path of the break-glass userpass method (constructs/break-glass-login.ts): alert on every
   * login attempt and every change of its account.
   * @default - no break-glass alert
   */
  readonly breakGlassAuthPath?: string;
}

const selector = (labels: Record<string, string>): string =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;

/**
 * The alerts that keep a Vault alive: sealed, down, no active node, raft peer unhealthy, audit
 * failing, audit volume filling, and optionally the transit seal, the server certificate, the secret
 * operators and the snapshot CronJob. Metric names are Vault's, VSO's, ESO's and kube-state-metrics'
 * own, each cited where used; docs/runbook.md says what to do for each alert.
 */
export function vaultAlertRules(props: VaultAlertRulesProps): PrometheusAlertRule[] {
  const name = 'vaultAlertRules';
  const release = props.releaseName ?? 'vault';
  if (!isDns1123Label(props.namespace)) throw new Error(invalidProp(name, 'namespace', props.namespace, `must be ${DNS1123_LABEL_RULE}`));
  const freeRatio = props.auditVolumeFreeRatio ?? 0.1;
  if (!(freeRatio > 0 && freeRatio < 1)) throw new Error(invalidProp(name, 'auditVolumeFreeRatio', freeRatio, 'must be a fraction between 0 and 1, e.g. 0.1'));
  if (props.snapshot && !(Number.isInteger(props.snapshot.maxAgeHours) && props.snapshot.maxAgeHours >= 1)) {
    throw new Error(invalidProp(name, 'snapshot.maxAgeHours', props.snapshot.maxAgeHours, 'must be a whole number of hours >= 1 (the schedule plus slack, e.g. 26 for a daily job)'));
  }
  const ns = selector({ namespace: props.namespace });
  const rules: PrometheusAlertRule[] = [
    {
      // Vault refreshes this gauge on every node, sealed or not (hashicorp/vault vault/core_metrics.go).
      alert: 'VaultSealed',
      expr: `vault_core_unsealed${ns} == 0`,
      for: '5m',
      labels: { severity: 'critical' },
      annotations: { summary: 'Vault pod {{ $labels.pod }} is sealed', action: 'see docs/runbook.md#vaultsealed' },
    },
    {
      alert: 'VaultDown',
      expr: `up${selector({ namespace: props.namespace, service: `${release}-internal` })} == 0`,
      for: '5m',
      labels: { severity: 'critical' },
      annotations: { summary: 'Prometheus cannot scrape Vault pod {{ $labels.pod }}', action: 'see docs/runbook.md#vaultdown' },
    },
    {
      // `vault.core.active` is 1 on the active node only (hashicorp/vault vault/core_metrics.go).
      alert: 'VaultNoActiveNode',
      expr: `sum(vault_core_active${ns}) < 1`,
      for: '2m',
      labels: { severity: 'critical' },
      annotations: { summary: 'No Vault node is active: raft has no leader', action: 'see docs/runbook.md#vaultnoactivenode' },
    },
    {
      // The leader reports each raft peer's health (hashicorp/vault physical/raft/raft_autopilot.go, NotifyState).
      alert: 'VaultRaftPeerUnhealthy',
      expr: `vault_autopilot_node_healthy${ns} == 0`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: { summary: 'Raft peer {{ $labels.node_id }} is unhealthy or lost', action: 'see docs/runbook.md#vaultraftpeerunhealthy' },
    },
    {
      // Counted when no audit device took the entry: Vault then refuses the request
      // (hashicorp/vault audit/broker.go, LogRequest/LogResponse).
      alert: 'VaultAuditRequestsRefused',
      expr: `increase(vault_audit_log_request_failure${ns}[5m]) > 0 or increase(vault_audit_log_response_failure${ns}[5m]) > 0`,
      for: '0m',
      labels: { severity: 'critical' },
      annotations: { summary: 'Vault refuses requests: no audit device can write', action: 'see docs/runbook.md#vaultauditrequestsrefused' },
    },
    {
      // One sink failing while another still writes (hashicorp/vault audit/sink_metric_counter.go).
      alert: 'VaultAuditSinkFailing',
      expr: `increase(vault_audit_sink_failure${ns}[5m]) > 0`,
      for: '0m',
      labels: { severity: 'warning' },
      annotations: { summary: 'An audit device of {{ $labels.pod }} fails; Vault serves on the other', action: 'see docs/runbook.md#vaultauditsinkfailing' },
    },
    {
      // The chart's audit volume claim template is `audit` (hashicorp/vault-helm templates/_helpers.tpl,
      // vault.volumeclaims), so the claims are `audit-<pod>`; kubelet reports their usage.
      alert: 'VaultAuditVolumeFilling',
      expr: `kubelet_volume_stats_available_bytes{namespace=${JSON.stringify(props.namespace)},persistentvolumeclaim=~"audit-${release}-[0-9]+"} / kubelet_volume_stats_capacity_bytes < ${freeRatio}`,
      for: '15m',
      labels: { severity: 'warning' },
      annotations: { summary: 'Audit volume {{ $labels.persistentvolumeclaim }} is almost full', action: 'see docs/runbook.md#vaultauditvolumefilling' },
    },
  ];
  if (props.transitSeal) {
    rules.push({
      // Vault tests the seal every 10 minutes (every minute once unhealthy) with the token it holds; a
      // dead or unrenewable token fails that test long before the next restart needs the key
      // (hashicorp/vault vault/seal_autoseal.go, StartHealthCheck; vault/seal/seal.go encrypt/decrypt errors).
      alert: 'VaultTransitSealFailing',
      expr: `vault_seal_unreachable_time${ns} > 0 or increase(vault_seal_encrypt_error${ns}[15m]) > 0 or increase(vault_seal_decrypt_error${ns}[15m]) > 0`,
      for: '0m',
      labels: { severity: 'critical' },
      annotations: { summary: 'The transit seal of {{ $labels.pod }} cannot use the QNAP Vault key (token expired, revoked or unrenewable, or QNAP unreachable)', action: 'see docs/runbook.md#vaulttransitsealfailing' },
    });
  }
  if (props.certificateVaultPkiSecret) {
    rules.push({
      // VSO marks a VaultPKISecret invalid when issuing fails (hashicorp/vault-secrets-operator
      // internal/metrics/metrics.go, controller_resource_status; controllers/vaultpkisecret_controller.go).
      // It renews at `expiryOffset` before expiry, so a failing renewal means the certificate is near expiry.
      alert: 'VaultServerCertificateRenewalFailing',
      expr: `controller_resource_status${selector({ controller: 'vaultpkisecret', name: props.certificateVaultPkiSecret })} == 0`,
      for: '30m',
      labels: { severity: 'critical' },
      annotations: { summary: "VSO cannot renew the Vault server certificate; it expires when the remaining third of its lifetime runs out", action: 'see docs/runbook.md#vaultservercertificaterenewalfailing' },
    });
  }
  if (props.vso) {
    rules.push({
      // Vault client errors per operation (login, read, renew) and connection
      // (hashicorp/vault-secrets-operator internal/vault/client_metrics.go).
      alert: 'VaultSecretsOperatorSyncErrors',
      expr: 'sum by (operation, vault_connection) (increase(vso_client_operations_errors_total[15m])) > 0',
      for: '15m',
      labels: { severity: 'warning' },
      annotations: { summary: 'VSO keeps failing to {{ $labels.operation }} through {{ $labels.vault_connection }}', action: 'see docs/runbook.md#vaultsecretsoperatorsyncerrors' },
    });
  }
  if (props.eso) {
    rules.push({
      // One gauge per ExternalSecret condition (external-secrets pkg/controllers/externalsecret/esmetrics/esmetrics.go).
      alert: 'ExternalSecretNotReady',
      expr: 'externalsecret_status_condition{condition="Ready",status="False"} == 1',
      for: '15m',
      labels: { severity: 'warning' },
      annotations: { summary: 'ExternalSecret {{ $labels.name }} cannot sync', action: 'see docs/runbook.md#externalsecretnotready' },
    });
  }
  if (props.breakGlassAuthPath !== undefined) {
    validateMountPath(name, 'breakGlassAuthPath', props.breakGlassAuthPath);
    // Vault times every request per mount as `vault.route.<operation>.<mount, '/' -> '-'>`
    // (hashicorp/vault vault/router.go, routeCommon); a login is an update on auth/<path>/login/<user>.
    // The Prometheus sink turns '.', '-' and '/' into '_' (armon/go-metrics prometheus/prometheus.go,
    // flattenKey) and a timing into a summary with `_count`. The series appears with the first request
    // after a restart, and again after prometheus_retention_time without one: `increase` alone misses
    // that first count, hence the `unless … offset` term for a series that is new.
    const count = `vault_route_update_auth_${props.breakGlassAuthPath.replace(/[.\-/]/g, '_')}__count${ns}`;
    rules.push({
      alert: 'VaultBreakGlassUsed',
      expr: `sum by (pod) (increase(${count}[10m])) > 0 or sum by (pod) (${count} unless ${count} offset 10m) > 0`,
      for: '0m',
      labels: { severity: 'critical' },
      annotations: { summary: `Someone logged in with, or changed, the break-glass account on auth/${props.breakGlassAuthPath} ({{ $labels.pod }})`, action: 'see docs/runbook.md#vaultbreakglassused' },
    });
  }
  if (props.snapshot) {
    const job = selector({ namespace: props.namespace, cronjob: props.snapshot.cronJobName });
    const maxAge = props.snapshot.maxAgeHours * 3600;
    rules.push({
      // kube-state-metrics: last success of the CronJob, or its creation when it never succeeded
      // (kubernetes/kube-state-metrics internal/store/cronjob.go).
      alert: 'VaultSnapshotMissed',
      expr: `time() - kube_cronjob_status_last_successful_time${job} > ${maxAge} or (time() - kube_cronjob_created${job} > ${maxAge} unless on (namespace, cronjob) kube_cronjob_status_last_successful_time${job})`,
      for: '0m',
      labels: { severity: 'warning' },
      annotations: { summary: `No successful raft snapshot for ${props.snapshot.maxAgeHours}h`, action: 'see docs/runbook.md#vaultsnapshotmissed' },
    });
  }
  return rules;
}
