/**
 * Vault's server configuration as data, and the one place it becomes HCL. The helm chart ships the
 * HCL in a ConfigMap, so nothing secret may ever be part of it: the transit seal's token reaches the
 * server as the `VAULT_TOKEN` environment variable from a Kubernetes Secret instead.
 */

/** The `seal "transit"` stanza: where the unseal key lives. Never carries the token. */
export interface TransitSealStanza {
  /** Address of the Vault holding the transit key (the QNAP Vault). */
  readonly address: string;
  /** Transit mount path on that Vault. */
  readonly mountPath: string;
  /** Transit key name. */
  readonly keyName: string;
  /** PEM CA file inside the pod to verify that Vault's certificate. @default - system trust store */
  readonly tlsCaCert?: string;
  /** SNI / verified name, when it differs from the address host. @default - the address host */
  readonly tlsServerName?: string;
}

/** One `retry_join` block: how a raft node finds the leader over TLS. */
export interface RaftRetryJoin {
  /** API address of a node that may be the leader. */
  readonly leaderApiAddr: string;
  /** PEM CA file inside the pod that signed the leader's certificate. */
  readonly leaderCaCertFile: string;
  /** Name the leader's certificate must carry. */
  readonly leaderTlsServername: string;
}

/** The parts of a Vault server's configuration file that the platform sets. */
export interface VaultServerConfig {
  /** Serve the web UI. */
  readonly ui: boolean;
  /** The TCP listener: addresses, TLS files and minimum TLS version. */
  readonly listener: {
    readonly address: string;
    readonly clusterAddress: string;
    readonly tlsCertFile: string;
    readonly tlsKeyFile: string;
    readonly tlsMinVersion: 'tls12' | 'tls13';
    /**
     * Serve `/v1/sys/metrics` without a token. Vault then answers from its in-memory sink without a
     * token or seal check (hashicorp/vault http/sys_metrics.go, handleMetricsUnauthenticated), so a
     * sealed pod still reports `vault_core_unsealed 0`. @default false
     */
    readonly unauthenticatedMetricsAccess?: boolean;
  };
  /** Integrated (raft) storage: its data folder and how nodes find the leader. */
  readonly raft: {
    readonly path: string;
    readonly retryJoin: readonly RaftRetryJoin[];
  };
  /** Auto-unseal through another Vault's transit engine. @default - Shamir unseal (no seal stanza) */
  readonly transitSeal?: TransitSealStanza;
  /** Registers pods' active/sealed state as labels, for the `vault-active` Service. */
  readonly kubernetesServiceRegistration: boolean;
  /** The `telemetry` stanza. @default - no telemetry stanza: Vault serves no Prometheus metrics */
  readonly telemetry?: TelemetryStanza;
}

/** The `telemetry` stanza, for Prometheus. */
export interface TelemetryStanza {
  /** How long Vault keeps a metric for Prometheus, e.g. '24h'; Prometheus output is off without it. */
  readonly prometheusRetentionTime: string;
  /** Drop the host name prefix, so every pod reports the same metric names. */
  readonly disableHostname: boolean;
}

type HclValue = string | number | boolean;
/** An HCL body in order: attributes, and blocks with zero or more labels. */
type HclEntry =
  | { readonly kind: 'attribute'; readonly name: string; readonly value: HclValue }
  | { readonly kind: 'block'; readonly type: string; readonly labels: readonly string[]; readonly body: readonly HclEntry[] };

const attribute = (name: string, value: HclValue | undefined): HclEntry[] => (value === undefined ? [] : [{ kind: 'attribute', name, value }]);
const block = (type: string, labels: readonly string[], body: readonly HclEntry[]): HclEntry => ({ kind: 'block', type, labels, body });

/** Turns the server config into HCL. Pure; strings are JSON-quoted, which is valid HCL string syntax. */
export function renderVaultServerHcl(config: VaultServerConfig): string {
  const body: HclEntry[] = [
    ...attribute('ui', config.ui),
    block('listener', ['tcp'], [
      ...attribute('address', config.listener.address),
      ...attribute('cluster_address', config.listener.clusterAddress),
      ...attribute('tls_cert_file', config.listener.tlsCertFile),
      ...attribute('tls_key_file', config.listener.tlsKeyFile),
      ...attribute('tls_min_version', config.listener.tlsMinVersion),
      ...(config.listener.unauthenticatedMetricsAccess ? [block('telemetry', [], attribute('unauthenticated_metrics_access', true))] : []),
    ]),
    block('storage', ['raft'], [
      ...attribute('path', config.raft.path),
      ...config.raft.retryJoin.map((j) =>
        block('retry_join', [], [
          ...attribute('leader_api_addr', j.leaderApiAddr),
          ...attribute('leader_ca_cert_file', j.leaderCaCertFile),
          ...attribute('leader_tls_servername', j.leaderTlsServername),
        ]),
      ),
    ]),
    ...(config.transitSeal
      ? [
          block('seal', ['transit'], [
            ...attribute('address', config.transitSeal.address),
            ...attribute('mount_path', config.transitSeal.mountPath),
            ...attribute('key_name', config.transitSeal.keyName),
            ...attribute('tls_ca_cert', config.transitSeal.tlsCaCert),
            ...attribute('tls_server_name', config.transitSeal.tlsServerName),
            // Verification stays on: a seal that trusts any certificate hands its token to anyone.
            ...attribute('tls_skip_verify', false),
          ]),
        ]
      : []),
    ...(config.kubernetesServiceRegistration ? [block('service_registration', ['kubernetes'], [])] : []),
    ...(config.telemetry
      ? [
          block('telemetry', [], [
            ...attribute('prometheus_retention_time', config.telemetry.prometheusRetentionTime),
            ...attribute('disable_hostname', config.telemetry.disableHostname),
          ]),
        ]
      : []),
  ];
  return renderBody(body, '');
}

function renderBody(entries: readonly HclEntry[], indent: string): string {
  return entries
    .map((e) => {
      if (e.kind === 'attribute') return `${indent}${e.name} = ${renderValue(e.value)}\n`;
      const head = [e.type, ...e.labels.map((l) => JSON.stringify(l))].join(' ');
      if (e.body.length === 0) return `${indent}${head} {}\n`;
      return `${indent}${head} {\n${renderBody(e.body, `${indent}  `)}${indent}}\n`;
    })
    .join('');
}

function renderValue(value: HclValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
