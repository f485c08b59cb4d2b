import { Release } from '@cdktf/provider-helm/lib/release';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { ChartPin, helmValues } from './charts';
import { CA_CERT_KEY } from './delivery-model';
import { invalidProp, requireLiteral } from './private/errors';
import { DNS1123_LABEL_RULE, isDns1123Label } from './names';
import { PrometheusAlertRule } from './vault-alert-rules';
import { renderVaultServerHcl, TransitSealStanza, VaultServerConfig } from './vault-server-config';

/** Where the server's TLS certificate, key and CA sit in a Kubernetes Secret. */
export interface VaultTlsSecret {
  /** Secret name in the release namespace. */
  readonly secretName: string;
  /** Key of the certificate in the Secret. @default 'tls.crt' */
  readonly certKey?: string;
  /** Key of the private key in the Secret. @default 'tls.key' */
  readonly keyKey?: string;
  /** Key of the CA that signed the certificate (raft peers verify each other with it). @default 'ca.crt' */
  readonly caKey?: string;
}

/** Transit auto-unseal: the stanza (configuration) and the Secret that holds its token. */
export interface VaultTransitSeal {
  /** The `seal "transit"` stanza of the server configuration; it holds no token. */
  readonly stanza: TransitSealStanza;
  /** Kubernetes Secret (release namespace) holding the token. */
  readonly tokenSecretName: string;
  /** Key of the token in that Secret. */
  readonly tokenSecretKey: string;
  /**
   * Secret (release namespace) holding, as `ca.crt`, the PEM CA that verifies the unsealing Vault's
   * certificate. It is mounted at `/vault/userconfig/<name>` and becomes the stanza's `tls_ca_cert`.
   * @default - the stanza's `tlsCaCert`, else the pods' system trust store
   */
  readonly caCertSecretName?: string;
}

/**
 * How clients outside the cluster reach the active Vault pod. Vault terminates TLS in every kind, so
 * its certificate must name the host clients use.
 */
export type VaultExposure = VaultLoadBalancerExposure | VaultIngressExposure;

/** The chart's UI Service (it serves the whole API) as a LoadBalancer in front of the active pod. */
export interface VaultLoadBalancerExposure {
  /** Discriminates the kinds of {@link VaultExposure}. */
  readonly type: 'loadBalancer';
  /** Port of the Service: the port of the address clients use. */
  readonly port: number;
  /** The address the load balancer announces. @default - one the load balancer picks */
  readonly loadBalancerIP?: string;
  /**
   * `Local` delivers only to a node running the active pod and keeps the client's address; `Cluster`
   * replaces it with a node's, which NetworkPolicy `ipBlock`s and Vault's audit log then see.
   * @default 'Local'
   */
  readonly externalTrafficPolicy?: 'Local' | 'Cluster';
  /** Networks the load balancer admits. @default - any */
  readonly sourceRanges?: readonly string[];
}

/** An ingress-nginx Ingress that passes TLS through to the active pod's Service. */
export interface VaultIngressExposure {
  /** Discriminates the kinds of {@link VaultExposure}. */
  readonly type: 'ingress';
  /** Host of the Ingress rule: the host clients use. */
  readonly host: string;
  /** IngressClass of an ingress-nginx controller started with `--enable-ssl-passthrough`. @default 'nginx' */
  readonly className?: string;
}

/** Properties of a {@link VaultRelease}. */
export interface VaultReleaseProps {
  /** The pinned hashicorp/vault chart. */
  readonly chart: ChartPin;
  /** Namespace of the release (it must exist). */
  readonly namespace: string;
  /**
   * Helm release name; also the prefix of the pods and Services (`<name>-0`, `<name>-internal`), so it
   * must contain the chart name (`vault`, `vault-sandbox`).
   * @default 'vault'
   */
  readonly releaseName?: string;
  /** Raft voters. @default 3 */
  readonly replicas?: number;
  /** The Secret with the server certificate, mounted at `/vault/userconfig/tls` (listener and raft). */
  readonly tls: VaultTlsSecret;
  /** Auto-unseal through another Vault's transit engine. @default - Shamir unseal: operators unseal every pod after each restart */
  readonly transitSeal?: VaultTransitSeal;
  /**
   * An isolated Vault (the sandbox) depends on no other Vault, so `transitSeal` is refused.
   * @default false
   */
  readonly isolated?: boolean;
  /** Size of each pod's raft data volume and audit volume. @default '10Gi' */
  readonly storageSize?: string;
  /**
   * Prometheus metrics and alerts. Needs the Prometheus operator's CRDs in the cluster.
   * @default - no telemetry stanza, no ServiceMonitor, no alerts
   */
  readonly monitoring?: VaultReleaseMonitoring;
  /** How clients outside the cluster reach the active pod. @default - none: the chart's in-cluster Services only */
  readonly exposure?: VaultExposure;
}

/** Metrics of every Vault pod, scraped without a token, and the alerts on them. */
export interface VaultReleaseMonitoring {
  /** Labels the Prometheus operator selects ServiceMonitors and PrometheusRules by. @default - the chart's `release: prometheus` */
  readonly selectors?: Readonly<Record<string, string>>;
  /** Rules of the chart's PrometheusRule (e.g. `vaultAlertRules(...)`). @default - no PrometheusRule */
  readonly alertRules?: readonly PrometheusAlertRule[];
  /** How long Vault keeps a metric for Prometheus. @default '24h' */
  readonly retentionTime?: string;
  /** Name Prometheus verifies the pods' certificate against. @default '<releaseName>.<namespace>.svc' */
  readonly tlsServerName?: string;
}

/** The helm values this construct sets: a typed subset of the chart's values.yaml. */
export interface VaultHelmValues {
  /** The chart's `global` values: enabled, TLS on. */
  readonly global: { readonly enabled: boolean; readonly tlsDisable: boolean };
  /** The chart's `injector` values: the agent injector is off (the operators deliver secrets). */
  readonly injector: { readonly enabled: boolean };
  /** The chart's `server` values: HA raft, TLS volume, seal token, storage, update strategy. */
  readonly server: {
    readonly updateStrategyType: 'OnDelete' | 'RollingUpdate';
    readonly extraSecretEnvironmentVars: ReadonlyArray<{ readonly envName: string; readonly secretName: string; readonly secretKey: string }>;
    readonly volumes: ReadonlyArray<{ readonly name: string; readonly secret: { readonly secretName: string; readonly defaultMode: number } }>;
    readonly volumeMounts: ReadonlyArray<{ readonly name: string; readonly mountPath: string; readonly readOnly: boolean }>;
    readonly dataStorage: { readonly enabled: boolean; readonly size: string };
    readonly auditStorage: { readonly enabled: boolean; readonly size: string };
    readonly standalone: { readonly enabled: boolean };
    readonly ha: {
      readonly enabled: boolean;
      readonly replicas: number;
      readonly apiAddr: string;
      readonly clusterAddr: string;
      readonly raft: { readonly enabled: boolean; readonly setNodeId: boolean; readonly config: string };
      readonly disruptionBudget: { readonly enabled: boolean; readonly maxUnavailable: number };
    };
    /** The chart's Ingress, with an `ingress` exposure only. */
    readonly ingress?: {
      readonly enabled: boolean;
      readonly activeService: boolean;
      readonly ingressClassName: string;
      readonly annotations: Readonly<Record<string, string>>;
      readonly hosts: ReadonlyArray<{ readonly host: string; readonly paths: readonly string[] }>;
    };
    /** The chart's Services (main, active, standby), with an `ingress` exposure only. */
    readonly service?: { readonly publishNotReadyAddresses: boolean };
  };
  /** The chart's `ui` values: its Service is the LoadBalancer of a `loadBalancer` exposure. */
  readonly ui: {
    readonly enabled: boolean;
    readonly serviceType?: 'LoadBalancer';
    readonly activeVaultPodOnly?: boolean;
    readonly publishNotReadyAddresses?: boolean;
    readonly externalPort?: number;
    readonly targetPort?: number;
    readonly externalTrafficPolicy?: 'Local' | 'Cluster';
    readonly loadBalancerIP?: string;
    readonly loadBalancerSourceRanges?: readonly string[];
  };
  /** The chart's `serverTelemetry` values: ServiceMonitor and PrometheusRule, with `monitoring` only. */
  readonly serverTelemetry?: {
    readonly serviceMonitor: {
      readonly enabled: boolean;
      readonly selectors: Readonly<Record<string, string>>;
      readonly matchLabels: Readonly<Record<string, string>>;
      readonly tlsConfig: { readonly ca: { readonly secret: { readonly name: string; readonly key: string } }; readonly serverName: string };
    };
    readonly prometheusRules: { readonly enabled: boolean; readonly selectors: Readonly<Record<string, string>>; readonly rules: readonly PrometheusAlertRule[] };
  };
}

/** Folder inside the pods for files from Secrets, one subfolder each (hashicorp/vault-helm values.yaml, `server.extraVolumes`). */
const VAULT_USERCONFIG_DIR = '/vault/userconfig';
/** Folder inside the pods where the TLS Secret is mounted. */
export const VAULT_TLS_DIR = '/vault/userconfig/tls';

/**
 * The hashicorp/vault helm release: HA with integrated raft storage, TLS everywhere (listener and
 * raft `retry_join`), Kubernetes service registration, a disruption budget, audit storage, the UI,
 * no injector (VSO delivers secrets), and optionally transit auto-unseal. The server config is
 * rendered by `renderVaultServerHcl`; the seal token only ever travels as `VAULT_TOKEN` from a Secret.
 */
export class VaultRelease extends Construct {
  /** Helm release name, the prefix of the pods and Services. */
  public readonly releaseName: string;
  /** Namespace of the release. */
  public readonly namespace: string;
  /** Raft voters. */
  public readonly replicas: number;
  /** The server configuration the release renders (no secrets). */
  public readonly serverConfig: VaultServerConfig;
  /** The helm values, as passed to the chart. */
  public readonly values: VaultHelmValues;
  /** The `helm_release` resource. */
  public readonly release: Release;

  public constructor(scope: Construct, id: string, props: VaultReleaseProps) {
    super(scope, id);
    const name = 'VaultRelease';
    this.releaseName = props.releaseName ?? 'vault';
    this.namespace = props.namespace;
    this.replicas = props.replicas ?? 3;
    if (!Token.isUnresolved(props.namespace) && !isDns1123Label(props.namespace)) throw new Error(invalidProp(name, 'namespace', props.namespace, `must be ${DNS1123_LABEL_RULE}`));
    if (!Token.isUnresolved(this.releaseName) && !isDns1123Label(this.releaseName)) throw new Error(invalidProp(name, 'releaseName', this.releaseName, `must be ${DNS1123_LABEL_RULE}`));
    // The chart names pods and Services after the release only when the release name contains the
    // chart's name (hashicorp/vault-helm templates/_helpers.tpl, `vault.fullname`); otherwise they
    // are `<release>-vault-<n>`, and the addresses below would name no pod.
    if (!Token.isUnresolved(this.releaseName) && !this.releaseName.includes(props.chart.chart)) {
      throw new Error(invalidProp(name, 'releaseName', this.releaseName, `must contain the chart name "${props.chart.chart}" (e.g. "${props.chart.chart}-${this.releaseName}"), so pods are named "<releaseName>-<n>" as the addresses assume`));
    }
    requireLiteral(name, 'replicas', this.replicas, 'one raft retry_join block is rendered per replica');
    if (!Number.isInteger(this.replicas) || this.replicas < 1) {
      throw new Error(invalidProp(name, 'replicas', this.replicas, 'must be a whole number >= 1 (3 or 5 for a raft quorum that survives a node)'));
    }
    if (props.exposure?.type === 'loadBalancer' && !Token.isUnresolved(props.exposure.port) && !(Number.isInteger(props.exposure.port) && props.exposure.port >= 1 && props.exposure.port <= 65535)) {
      throw new Error(invalidProp(name, 'exposure.port', props.exposure.port, 'must be a TCP port from 1 to 65535: the port of the address clients use'));
    }
    if (props.isolated && props.transitSeal) {
      throw new Error(
        invalidProp(name, 'transitSeal', props.transitSeal.stanza.address, "is set on an isolated Vault: the sandbox must never be unsealed by another Vault; drop 'transitSeal' (Shamir unseal)"),
      );
    }
    const sealCa = props.transitSeal?.caCertSecretName;
    if (sealCa !== undefined && !Token.isUnresolved(sealCa) && (!isDns1123Label(sealCa) || sealCa === 'tls')) {
      throw new Error(invalidProp(name, 'transitSeal.caCertSecretName', sealCa, `must be ${DNS1123_LABEL_RULE}, other than "tls" (the server certificate's folder)`));
    }
    if (sealCa !== undefined && props.transitSeal?.stanza.tlsCaCert !== undefined) {
      throw new Error(invalidProp(name, 'transitSeal.caCertSecretName', sealCa, "is set together with the stanza's tlsCaCert; give one of them"));
    }
    const sealCaDir = `${VAULT_USERCONFIG_DIR}/${sealCa}`;
    const tls = { certKey: 'tls.crt', keyKey: 'tls.key', caKey: 'ca.crt', ...props.tls };
    const caFile = `${VAULT_TLS_DIR}/${tls.caKey}`;
    const internal = `${this.releaseName}-internal`;

    this.serverConfig = {
      ui: true,
      listener: {
        address: '[::]:8200',
        clusterAddress: '[::]:8201',
        tlsCertFile: `${VAULT_TLS_DIR}/${tls.certKey}`,
        tlsKeyFile: `${VAULT_TLS_DIR}/${tls.keyKey}`,
        tlsMinVersion: 'tls12',
        unauthenticatedMetricsAccess: props.monitoring !== undefined,
      },
      raft: {
        path: '/vault/data',
        retryJoin: Array.from({ length: this.replicas }, (_, i) => ({
          leaderApiAddr: `https://${this.releaseName}-${i}.${internal}:8200`,
          leaderCaCertFile: caFile,
          leaderTlsServername: `${this.releaseName}-${i}.${internal}`,
        })),
      },
      // Vault's transit seal hands tls_ca_cert to its API client's TLS config as the CA file
      // (hashicorp/go-kms-wrapping wrappers/transit/transit_client.go, newTransitClient).
      transitSeal: props.transitSeal && sealCa !== undefined ? { ...props.transitSeal.stanza, tlsCaCert: `${sealCaDir}/${CA_CERT_KEY}` } : props.transitSeal?.stanza,
      kubernetesServiceRegistration: true,
      // Without a retention time Vault serves no Prometheus format; without the host name every pod
      // reports the same metric names (hashicorp/vault website/content/docs/configuration/telemetry.mdx).
      telemetry: props.monitoring ? { prometheusRetentionTime: props.monitoring.retentionTime ?? '24h', disableHostname: true } : undefined,
    };

    const storageSize = props.storageSize ?? '10Gi';
    this.values = {
      global: { enabled: true, tlsDisable: false },
      injector: { enabled: false },
      server: {
        // With auto-unseal a restarted pod comes back by itself, so certificate rotation may roll the pods.
        updateStrategyType: props.transitSeal ? 'RollingUpdate' : 'OnDelete',
        // No VAULT_CACERT here: the transit seal's client reads it too, and would then check the
        // bootstrap Vault's certificate against this Vault's CA.
        extraSecretEnvironmentVars: props.transitSeal
          ? [{ envName: 'VAULT_TOKEN', secretName: props.transitSeal.tokenSecretName, secretKey: props.transitSeal.tokenSecretKey }]
          : [],
        volumes: [
          { name: 'tls', secret: { secretName: tls.secretName, defaultMode: 0o440 } },
          ...(sealCa !== undefined ? [{ name: 'transit-seal-ca', secret: { secretName: sealCa, defaultMode: 0o440 } }] : []),
        ],
        volumeMounts: [
          { name: 'tls', mountPath: VAULT_TLS_DIR, readOnly: true },
          ...(sealCa !== undefined ? [{ name: 'transit-seal-ca', mountPath: sealCaDir, readOnly: true }] : []),
        ],
        dataStorage: { enabled: true, size: storageSize },
        auditStorage: { enabled: true, size: storageSize },
        standalone: { enabled: false },
        ha: {
          enabled: true,
          replicas: this.replicas,
          // The chart's default is the pod IP, which no certificate names: standbys would redirect
          // clients to an address that fails TLS verification. The pod's stable name is in the cert.
          // These become VAULT_API_ADDR and VAULT_CLUSTER_ADDR, which Vault prefers to api_addr and
          // cluster_addr in the HCL (hashicorp/vault command/server.go). The chart defines
          // VAULT_API_ADDR before HOSTNAME, and Kubernetes expands $(VAR) only from variables defined
          // earlier, so the pod name comes from VAULT_K8S_POD_NAME, defined before both
          // (hashicorp/vault-helm templates/server-statefulset.yaml; rule VP-HELM-1 checks it).
          apiAddr: `https://$(VAULT_K8S_POD_NAME).${internal}:8200`,
          clusterAddr: `https://$(VAULT_K8S_POD_NAME).${internal}:8201`,
          raft: { enabled: true, setNodeId: true, config: renderVaultServerHcl(this.serverConfig) },
          disruptionBudget: { enabled: true, maxUnavailable: 1 },
        },
        ...(props.exposure?.type === 'ingress'
          ? {
              ingress: ingressValues(props.exposure),
              // ingress-nginx dials the passthrough backend's ClusterIP (kubernetes/ingress-nginx
              // internal/ingress/controller/nginx.go), so the `-active` Service must list only ready
              // (unsealed) pods; the chart publishes unready ones by default, and the setting is shared
              // by its main, active and standby Services (hashicorp/vault-helm values.yaml, server.service).
              service: { publishNotReadyAddresses: false },
            }
          : {}),
      },
      ui: props.exposure?.type === 'loadBalancer' ? loadBalancerValues(props.exposure) : { enabled: true },
      ...(props.monitoring ? { serverTelemetry: telemetryValues(props.monitoring, this.releaseName, props.namespace, tls.secretName, tls.caKey) } : {}),
    };

    this.release = new Release(this, 'Release', {
      name: this.releaseName,
      namespace: props.namespace,
      repository: props.chart.repository,
      chart: props.chart.chart,
      version: props.chart.version,
      createNamespace: false,
      // Pods stay unready until `vault operator init` (and, on first install, until the TLS Secret
      // exists), so helm must not wait for readiness.
      wait: false,
      values: helmValues(this.values),
    });
    this.node.defaultChild = this.release;
  }
}

/**
 * The UI Service as the LoadBalancer: unlike `server.service.type`, which would turn the main, active
 * and standby Services into load balancers alike, it is one Service, and `activeVaultPodOnly` selects
 * the pod labelled `vault-active: "true"` (hashicorp/vault-helm templates/ui-service.yaml; the
 * loadBalancer fields are read by templates/_helpers.tpl `service.loadBalancer`).
 */
function loadBalancerValues(exposure: VaultLoadBalancerExposure): VaultHelmValues['ui'] {
  return {
    enabled: true,
    serviceType: 'LoadBalancer',
    activeVaultPodOnly: true,
    externalPort: exposure.port,
    targetPort: 8200,
    // Only a ready pod: the chart's readiness probe is `vault status`, which fails while sealed
    // (hashicorp/vault-helm templates/server-statefulset.yaml), so a pod that is down or sealed while
    // still labelled active gets no external traffic; the chart's default publishes unready pods too.
    publishNotReadyAddresses: false,
    // `Cluster` masquerades the client's address as a node's; `Local` keeps it (kubernetes/api
    // core/v1/types.go, ServiceExternalTrafficPolicy), so NetworkPolicy ipBlocks and the audit log see the client.
    externalTrafficPolicy: exposure.externalTrafficPolicy ?? 'Local',
    ...(exposure.loadBalancerIP !== undefined ? { loadBalancerIP: exposure.loadBalancerIP } : {}),
    ...(exposure.sourceRanges?.length ? { loadBalancerSourceRanges: [...exposure.sourceRanges] } : {}),
  };
}

/**
 * The chart's Ingress to the `<release>-active` Service (hashicorp/vault-helm templates/server-ingress.yaml,
 * `activeService`), without a `tls` section: with ssl-passthrough ingress-nginx pipes the TLS stream,
 * chosen by SNI host, to the backend, so Vault terminates TLS and the Ingress's other annotations are
 * ignored (kubernetes/ingress-nginx docs/user-guide/tls.md and
 * docs/user-guide/nginx-configuration/annotations.md, "SSL Passthrough").
 */
function ingressValues(exposure: VaultIngressExposure): NonNullable<VaultHelmValues['server']['ingress']> {
  return {
    enabled: true,
    activeService: true,
    ingressClassName: exposure.className ?? 'nginx',
    annotations: { 'nginx.ingress.kubernetes.io/ssl-passthrough': 'true' },
    hosts: [{ host: exposure.host, paths: [] }],
  };
}

function telemetryValues(monitoring: VaultReleaseMonitoring, releaseName: string, namespace: string, tlsSecretName: string, caKey: string): VaultHelmValues['serverTelemetry'] {
  const selectors = { ...monitoring.selectors };
  return {
    serviceMonitor: {
      enabled: true,
      selectors,
      // The chart scrapes only the active node in HA mode unless told otherwise; the headless
      // `<release>-internal` Service lists every pod, sealed ones too (publishNotReadyAddresses),
      // so a sealed standby is seen (hashicorp/vault-helm templates/prometheus-servicemonitor.yaml,
      // templates/server-headless-service.yaml).
      matchLabels: { 'vault-internal': 'true' },
      // The chart's default skips certificate verification; verify against Vault's own CA and a name
      // every pod's certificate carries.
      tlsConfig: { ca: { secret: { name: tlsSecretName, key: caKey } }, serverName: monitoring.tlsServerName ?? `${releaseName}.${namespace}.svc` },
    },
    prometheusRules: { enabled: (monitoring.alertRules ?? []).length > 0, selectors, rules: monitoring.alertRules ?? [] },
  };
}
