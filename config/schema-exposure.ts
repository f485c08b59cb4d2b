import { isIP } from 'net';
import { z } from 'zod';
import { clientNetwork, dnsLabel, uniqueList } from './fields';

/**
 * How people and out-of-cluster tools reach an in-cluster Vault at the host and port of
 * `environments.<env>.vault.address`. Vault terminates TLS itself in both kinds (its certificate must
 * name that host), and both send traffic to the active pod only.
 */

const HOST_RULE = 'must be a lowercase DNS name such as vault.lab.example.net (the host of environments.<env>.vault.address)';
/** A DNS name: labels of at most 63 characters, 253 in all (kubernetes/apimachinery pkg/util/validation/validation.go, IsDNS1123Subdomain). */
const host = z
  .string()
  .max(253, { message: HOST_RULE })
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, { message: HOST_RULE });

export const vaultExposureSchema = z.discriminatedUnion('type', [
  z.strictObject({
    /** A Service of type LoadBalancer in front of the active pod (the chart's UI Service, which serves the whole API). */
    type: z.literal('loadBalancer'),
    /** The name clients use; only a check, it must equal the host of `vault.address`. @default - that host */
    host: host.optional(),
    /** Port of the Service; it must equal the port of `vault.address`. @default - that port (443 when the address names none) */
    port: z.number().int().min(1).max(65535).optional(),
    /**
     * The address the load balancer announces, for the DNS record of the host. The field is deprecated
     * in Kubernetes' API but still read by MetalLB and kube-vip. @default - one the load balancer picks
     */
    loadBalancerIP: z
      .string()
      .max(39, { message: 'must be an IPv4 or IPv6 address' })
      .refine((v) => isIP(v) !== 0, { message: 'must be an IPv4 or IPv6 address, e.g. 192.168.1.240' })
      .optional(),
    /**
     * `Local` keeps the client's address, so the NetworkPolicy's `clientCidrs` and Vault's audit log see
     * it; `Cluster` replaces it with a node's. @default 'Local'
     */
    externalTrafficPolicy: z.enum(['Local', 'Cluster']).optional(),
    /** Networks the load balancer admits (the Service's `loadBalancerSourceRanges`): LANs, never the internet. @default - any */
    sourceRanges: uniqueList(clientNetwork('the load balancer', 'leave sourceRanges out to admit every network'), 50).optional(),
  }),
  z.strictObject({
    /**
     * An ingress-nginx Ingress with TLS passthrough to the active pod's Service. The controller must run
     * with `--enable-ssl-passthrough` and serves passthrough on its HTTPS port, so the address's port must be 443.
     */
    type: z.literal('ingress'),
    /** The Ingress rule's host; it must equal the host of `vault.address`. @default - that host */
    host: host.optional(),
    /** IngressClass of the ingress-nginx controller. @default 'nginx' */
    className: dnsLabel.optional(),
    /** Namespace of the controller's pods, admitted by the Vault NetworkPolicy. @default 'ingress-nginx' */
    controllerNamespace: dnsLabel.optional(),
  }),
]);

export type VaultExposureConfig = z.infer<typeof vaultExposureSchema>;

export const EXPOSURE_DEFAULTS = {
  ingressControllerNamespace: 'ingress-nginx',
  /** ingress-nginx passes TLS through on its HTTPS port, 443 (kubernetes/ingress-nginx docs/user-guide/tls.md, "SSL Passthrough"). */
  ingressPort: 443,
} as const;

/** Host and port clients use, from an `https://host[:port]` address (443 when it names no port). */
export function addressHostPort(address: string): { host: string; port: number } {
  const url = new URL(address);
  // IPv6 literals keep their brackets in URL.hostname; the Service and the certificate name them without.
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80 };
}
