import { isIP } from 'net';
import type { ConfigIssue } from './issues';
import { CLUSTER_ENVIRONMENTS, LabConfig } from './schema';
import { addressHostPort, EXPOSURE_DEFAULTS } from './schema-exposure';

/**
 * An exposed Vault is reached at its configured address and nowhere else: the exposure's host and port
 * are those of `vault.address`, and the client addresses the NetworkPolicy admits survive the trip.
 */
export function exposureConfigIssues(config: LabConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const env of CLUSTER_ENVIRONMENTS) {
    const { vault, vaultServer } = config.environments[env];
    const exposure = vaultServer.exposure;
    if (!exposure) continue;
    const field = `environments.${env}.vaultServer.exposure`;
    const addressField = `environments.${env}.vault.address`;
    const address = addressHostPort(vault.address);
    const fix = `make them agree: clients, the certificate and the UI use ${addressField}`;

    if (exposure.host !== undefined && exposure.host !== address.host) {
      issues.push({ path: `${field}.host`, value: exposure.host, message: `differs from the host of ${addressField} (${address.host}); ${fix}` });
    }
    if (exposure.type === 'loadBalancer') {
      if (exposure.port !== undefined && exposure.port !== address.port) {
        issues.push({ path: `${field}.port`, value: exposure.port, message: `differs from the port of ${addressField} (${address.port}); ${fix}` });
      }
      if (exposure.loadBalancerIP !== undefined && isIP(address.host) !== 0 && exposure.loadBalancerIP !== address.host) {
        issues.push({ path: `${field}.loadBalancerIP`, value: exposure.loadBalancerIP, message: `differs from the IP address ${addressField} names (${address.host}); ${fix}` });
      }
      const clientCidrs = vaultServer.networkPolicy?.clientCidrs ?? [];
      // The NetworkPolicy admits namespaces and clientCidrs only, and the load balancer's traffic
      // arrives from outside the cluster: without a client network nobody reaches the address.
      if (vaultServer.networkPolicy && clientCidrs.length === 0) {
        issues.push({
          path: `environments.${env}.vaultServer.networkPolicy.clientCidrs`,
          value: vaultServer.networkPolicy.clientCidrs ?? [],
          message: `admits no network outside the cluster, so the NetworkPolicy drops every connection through ${field} (type loadBalancer); list the networks people and tools connect from, e.g. [192.168.1.0/24]`,
        });
      }
      if (exposure.externalTrafficPolicy === 'Cluster' && clientCidrs.length > 0) {
        issues.push({
          path: `${field}.externalTrafficPolicy`,
          value: exposure.externalTrafficPolicy,
          message: `replaces each client's address with a node's, so environments.${env}.vaultServer.networkPolicy.clientCidrs (${clientCidrs.join(', ')}) would never match; use 'Local'`,
        });
      }
    } else if (address.port !== EXPOSURE_DEFAULTS.ingressPort) {
      issues.push({
        path: `${field}.type`,
        value: exposure.type,
        message: `passes TLS through on port ${EXPOSURE_DEFAULTS.ingressPort}, but ${addressField} (${vault.address}) names port ${address.port}; drop the port from the address or use type 'loadBalancer'`,
      });
    } else if (isIP(address.host) !== 0) {
      // An Ingress rule's host "must be a DNS name, not an IP address" (kubernetes/kubernetes
      // pkg/apis/networking/validation/validation.go, validateIngressRules).
      issues.push({ path: `${field}.type`, value: exposure.type, message: `routes by host name, but ${addressField} (${vault.address}) names an IP address; use a DNS name in the address or type 'loadBalancer'` });
    }
  }
  return issues;
}
