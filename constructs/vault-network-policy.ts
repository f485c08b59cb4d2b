import { NetworkPolicyV1, NetworkPolicyV1SpecIngressFrom } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { Construct } from 'constructs';
import { invalidProp } from './private/errors';
import { DNS1123_LABEL_RULE, isDns1123Label } from './names';

export interface VaultNetworkPolicyProps {
  /** Namespace of the Vault release (where the policy lives). */
  readonly namespace: string;
  /** Helm release name of the Vault chart. @default 'vault' */
  readonly releaseName?: string;
  /** Namespaces whose pods may call Vault's API (port 8200): the secret operators, Prometheus, CI runners. */
  readonly clientNamespaces: readonly string[];
  /**
   * Networks outside the cluster that may call Vault's API. They match only where the client's address
   * reaches the pod: through a LoadBalancer with `externalTrafficPolicy: Local`, which delivers without
   * masquerading the source (kubernetes/api core/v1/types.go, ServiceExternalTrafficPolicy), not `Cluster`.
   * @default - none
   */
  readonly clientCidrs?: readonly string[];
}

/** Vault's API and raft ports as the chart's server listens (hashicorp/vault-helm values.yaml, server.service). */
const API_PORT = '8200';
const CLUSTER_PORT = '8201';

/**
 * A NetworkPolicy for the Vault server pods: ingress on the API port only from the given namespaces
 * and networks, and on both ports from the Vault pods themselves (raft and request forwarding use
 * 8201). Anything else, other namespaces included, is refused once a policy selects the pods.
 */
export class VaultNetworkPolicy extends Construct {
  /** Namespaces admitted to the API port, sorted. */
  public readonly clientNamespaces: readonly string[];
  public readonly resource: NetworkPolicyV1;

  public constructor(scope: Construct, id: string, props: VaultNetworkPolicyProps) {
    super(scope, id);
    const name = 'VaultNetworkPolicy';
    const releaseName = props.releaseName ?? 'vault';
    for (const [prop, value] of [['namespace', props.namespace], ['releaseName', releaseName], ...props.clientNamespaces.map((n) => ['clientNamespaces', n])]) {
      if (!isDns1123Label(value)) throw new Error(invalidProp(name, prop, value, `must be ${DNS1123_LABEL_RULE}`));
    }
    this.clientNamespaces = [...new Set(props.clientNamespaces)].sort();
    // The chart's StatefulSet selects its pods by these labels (hashicorp/vault-helm templates/server-statefulset.yaml).
    const vaultPods = { 'app.kubernetes.io/name': 'vault', 'app.kubernetes.io/instance': releaseName, component: 'server' };
    const clients: NetworkPolicyV1SpecIngressFrom[] = [
      // Every namespace carries its own name as this label (kubernetes/api core/v1/well_known_labels.go, LabelMetadataName).
      ...(this.clientNamespaces.length > 0
        ? [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...this.clientNamespaces] }] } }]
        : []),
      ...(props.clientCidrs ?? []).map((cidr) => ({ ipBlock: { cidr } })),
    ];
    this.resource = new NetworkPolicyV1(this, 'Resource', {
      metadata: { name: `${releaseName}-server`, namespace: props.namespace, labels: { 'app.kubernetes.io/part-of': 'vault' } },
      spec: {
        podSelector: { matchLabels: vaultPods },
        policyTypes: ['Ingress'],
        ingress: [
          { from: [{ podSelector: { matchLabels: vaultPods } }], ports: [API_PORT, CLUSTER_PORT].map((port) => ({ port, protocol: 'TCP' })) },
          ...(clients.length > 0 ? [{ from: clients, ports: [{ port: API_PORT, protocol: 'TCP' }] }] : []),
        ],
      },
    });
  }
}
