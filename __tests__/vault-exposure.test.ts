import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { Aspects, TerraformStack, Testing } from 'cdktf';
import { parse as parseYaml, stringify } from 'yaml';
import { LabConfig } from '../config/schema';
import { VAULT_CHART } from '../constructs/charts';
import { RulePack } from '../rules/rule-pack';
import { vaultExposedThroughActivePod } from '../rules/vault-exposure-rules';
import { synthErrors } from './support/annotations';
import { validateVaultHelmValues } from './support/helm-values';
import { describeWithSchemas } from './support/schemas';
import { buildTestLab, exampleConfig, exampleConfigError, exampleConfigWith, resourcesOf, synthStack, TerraformJson } from './support/synth';

/**
 * Issue 19: people reach the main and sandbox Vault at the host and port of `vault.address`, through a
 * LoadBalancer or an ingress-nginx TLS passthrough to the active pod, and the certificate names that host;
 * rule VP-HELM-2 holds any Vault release to that. The example lab is synthesized once; the ingress
 * variant once more.
 */

type Lab = { mainCluster: TerraformJson; sandboxCluster: TerraformJson; mainBootstrap: TerraformJson; qnap: TerraformJson };
const labs = new Map<LabConfig, Lab>();
function synthesized(config: LabConfig): Lab {
  if (!labs.has(config)) {
    const { stacks } = buildTestLab(config);
    Object.values(stacks).forEach((s) => s.prepareStack());
    labs.set(config, { mainCluster: synthStack(stacks.mainCluster), sandboxCluster: synthStack(stacks.sandboxCluster), mainBootstrap: synthStack(stacks.mainBootstrap), qnap: synthStack(stacks.qnap) });
  }
  return labs.get(config)!;
}
const example = exampleConfig();
const ingressConfig = exampleConfigWith((raw) => {
  raw.environments.main.vault.address = 'https://vault.lab.example.net';
  raw.environments.main.vaultServer.exposure = { type: 'ingress', className: 'nginx-passthrough', controllerNamespace: 'ingress-passthrough' };
});

function vaultValues(json: TerraformJson): any {
  const releases = (Object.values(resourcesOf(json, 'helm_release')) as any[]).filter((r) => r.chart === VAULT_CHART.chart);
  expect(releases).toHaveLength(1);
  return parseYaml(releases[0].values[0]);
}

/** Host and port as a client reads them from the configured address (https without a port: 443). */
function clientEndpoint(address: string): { host: string; port: number } {
  const url = new URL(address);
  return { host: url.hostname, port: url.port === '' ? 443 : Number(url.port) };
}

describe('LoadBalancer exposure (the example lab)', () => {
  test.each(['main', 'sandbox'] as const)('GIVEN the example lab WHEN %s-cluster is synthesized THEN the UI Service is a LoadBalancer on the port of vault.address, selecting the active pod only', (env) => {
    const values = vaultValues(synthesized(example)[`${env}Cluster`]);
    const { port } = clientEndpoint(example.environments[env].vault.address);
    // hashicorp/vault-helm templates/ui-service.yaml: `externalPort` is the Service port,
    // `activeVaultPodOnly` adds the selector vault-active: "true" in HA mode, and without
    // `publishNotReadyAddresses` only a ready (unsealed) pod is an endpoint.
    expect(values.ui).toMatchObject({ enabled: true, serviceType: 'LoadBalancer', activeVaultPodOnly: true, publishNotReadyAddresses: false, externalPort: port, targetPort: 8200 });
    expect(values.ui.loadBalancerIP).toBe((example.environments[env].vaultServer.exposure as { loadBalancerIP?: string }).loadBalancerIP);
    expect(values.server.ha.enabled).toBe(true);
    expect(values.server.ingress).toBeUndefined();
  });

  test('GIVEN a NetworkPolicy admitting client networks WHEN the exposure sets no traffic policy THEN it is Local, which keeps the client address the ipBlock matches', () => {
    expect(example.environments.main.vaultServer.networkPolicy?.clientCidrs?.length).toBeGreaterThan(0);
    expect(example.environments.main.vaultServer.exposure).not.toHaveProperty('externalTrafficPolicy');
    expect(vaultValues(synthesized(example).mainCluster).ui.externalTrafficPolicy).toBe('Local');
  });

  test('GIVEN sourceRanges WHEN synthesized THEN the Service admits only those networks', () => {
    const config = exampleConfigWith((raw) => {
      raw.environments.sandbox.vaultServer.exposure.sourceRanges = ['192.168.1.0/24'];
    });
    const { stacks } = buildTestLab(config);
    expect(stacks.sandboxCluster.vaultServer.release.values.ui.loadBalancerSourceRanges).toEqual(['192.168.1.0/24']);
  });

  test('GIVEN no exposure WHEN synthesized THEN the UI Service stays in-cluster (ClusterIP, the chart default)', () => {
    const config = exampleConfigWith((raw) => {
      delete raw.environments.sandbox.vaultServer.exposure;
    });
    const { stacks } = buildTestLab(config);
    expect(stacks.sandboxCluster.vaultServer.release.values.ui).toEqual({ enabled: true });
  });
});

describe('ingress exposure (TLS passthrough)', () => {
  test('GIVEN an ingress exposure WHEN main-cluster is synthesized THEN the chart Ingress routes the host of vault.address to the active Service with ssl-passthrough', () => {
    const values = vaultValues(synthesized(ingressConfig).mainCluster);
    const { host } = clientEndpoint(ingressConfig.environments.main.vault.address);
    // hashicorp/vault-helm templates/server-ingress.yaml: activeService selects `<release>-active` in HA mode.
    expect(values.server.ingress).toEqual({
      enabled: true,
      activeService: true,
      ingressClassName: 'nginx-passthrough',
      annotations: { 'nginx.ingress.kubernetes.io/ssl-passthrough': 'true' },
      hosts: [{ host, paths: [] }],
    });
    // No `tls` section: the controller must not terminate TLS, Vault does.
    expect(values.server.ingress).not.toHaveProperty('tls');
    expect(values.server.service).toEqual({ publishNotReadyAddresses: false });
    expect(values.ui).toEqual({ enabled: true });
  });

  test("GIVEN an ingress exposure and a NetworkPolicy WHEN synthesized THEN the controller's namespace reaches the API port (passthrough connections come from its pods)", () => {
    const policies = Object.values(resourcesOf(synthesized(ingressConfig).mainCluster, 'kubernetes_network_policy_v1')) as any[];
    expect(policies).toHaveLength(1);
    const namespaces = policies[0].spec.ingress.flatMap((r: any) => r.from.flatMap((f: any) => f.namespace_selector?.match_expressions?.[0]?.values ?? []));
    expect(namespaces).toContain('ingress-passthrough');
    const exampleNamespaces = (Object.values(resourcesOf(synthesized(example).mainCluster, 'kubernetes_network_policy_v1')) as any[])[0].spec.ingress.flatMap((r: any) =>
      r.from.flatMap((f: any) => f.namespace_selector?.match_expressions?.[0]?.values ?? []),
    );
    expect(exampleNamespaces).not.toContain('ingress-nginx');
  });
});

describe("the server certificate names the exposed host", () => {
  test('GIVEN tls.source qnap-pki WHEN main-bootstrap and qnap are synthesized THEN the VaultPKISecret requests, and the QNAP PKI role allows, the host of vault.address', () => {
    const { host } = clientEndpoint(example.environments.main.vault.address);
    const lab = synthesized(example);
    const manifests = (Object.values(resourcesOf(lab.mainBootstrap, 'kubernetes_manifest')) as any[]).map((m) => m.manifest);
    const pki = manifests.filter((m) => m.kind === 'VaultPKISecret');
    expect(pki).toHaveLength(1);
    expect([pki[0].spec.commonName, ...pki[0].spec.altNames]).toContain(host);
    const roles = Object.values(resourcesOf(lab.qnap, 'vault_pki_secret_backend_role')) as any[];
    expect(roles).toHaveLength(1);
    expect(roles[0].allowed_domains).toContain(host);
  });

  test('GIVEN an address naming an IP WHEN main-bootstrap is built THEN the certificate carries it as an IP SAN, the only SAN TLS clients check an IP against', () => {
    const config = exampleConfigWith((raw) => {
      raw.environments.main.vault.address = 'https://192.168.1.240:8200';
    });
    const pki = buildTestLab(config).stacks.mainBootstrap.resources.find((r) => r.kind === 'VaultPKISecret')!;
    // golang/go src/crypto/x509/verify.go, VerifyHostname: an IP host is matched against IP SANs only.
    expect(pki.spec.ipSans).toContain('192.168.1.240');
    expect(pki.spec.altNames).not.toContain('192.168.1.240');
  });
});

describeWithSchemas("exposure values against the chart's values.schema.json", () => {
  test('the LoadBalancer and the ingress values are valid chart values', () => {
    expect(validateVaultHelmValues(vaultValues(synthesized(example).mainCluster))).toEqual([]);
    expect(validateVaultHelmValues(vaultValues(synthesized(ingressConfig).mainCluster))).toEqual([]);
  });
});

describe('mismatches between exposure and address', () => {
  test('fails when exposure.host differs from the host of vault.address, naming both fields', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.vaultServer.exposure.host = 'vault.other.example.net';
    });
    expect(() => {
      throw error;
    }).toThrow(/environments\.main\.vaultServer\.exposure\.host = "vault\.other\.example\.net": differs from the host of environments\.main\.vault\.address \(vault\.lab\.example\.net\)/);
  });

  test('fails when exposure.port differs from the port of vault.address, naming both fields', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.sandbox.vaultServer.exposure.port = 443;
    });
    expect(() => {
      throw error;
    }).toThrow(/environments\.sandbox\.vaultServer\.exposure\.port = 443: differs from the port of environments\.sandbox\.vault\.address \(8200\)/);
  });

  test('fails when an ingress exposure meets an address on a port other than 443', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.vaultServer.exposure = { type: 'ingress' };
    });
    expect(() => {
      throw error;
    }).toThrow(/environments\.main\.vaultServer\.exposure\.type = "ingress": passes TLS through on port 443, but environments\.main\.vault\.address \(https:\/\/vault\.lab\.example\.net:8200\) names port 8200/);
  });

  test('fails when an ingress exposure meets an address naming an IP, which no Ingress rule can hold', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.vault.address = 'https://192.168.1.250';
      raw.environments.main.vaultServer.exposure = { type: 'ingress' };
    });
    expect(() => {
      throw error;
    }).toThrow(/environments\.main\.vaultServer\.exposure\.type = "ingress": routes by host name, but environments\.main\.vault\.address \(https:\/\/192\.168\.1\.250\) names an IP address/);
  });

  test("fails when the sandbox announces main's loadBalancerIP (the sandbox isolation check finds every production IP)", () => {
    const error = exampleConfigError((raw) => {
      raw.environments.sandbox.vaultServer.exposure.loadBalancerIP = raw.environments.main.vaultServer.exposure.loadBalancerIP;
    });
    expect(() => {
      throw error;
    }).toThrow(/environments\.sandbox\.vaultServer\.exposure\.loadBalancerIP = "192\.168\.1\.240": is the production endpoint 192\.168\.1\.240 \(environments\.main\.vaultServer\.exposure\.loadBalancerIP\)/);
  });

  test('fails when loadBalancerIP differs from the IP address vault.address names', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.vault.address = 'https://192.168.1.250:8200';
    });
    expect(() => {
      throw error;
    }).toThrow(/environments\.main\.vaultServer\.exposure\.loadBalancerIP = "192\.168\.1\.240": differs from the IP address environments\.main\.vault\.address names \(192\.168\.1\.250\)/);
  });

  test('fails when externalTrafficPolicy Cluster would hide client addresses from the NetworkPolicy clientCidrs', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.vaultServer.exposure.externalTrafficPolicy = 'Cluster';
    });
    expect(() => {
      throw error;
    }).toThrow(/environments\.main\.vaultServer\.exposure\.externalTrafficPolicy = "Cluster": .*networkPolicy\.clientCidrs \(192\.168\.1\.0\/24\) would never match; use 'Local'/);
  });

  test('fails when a NetworkPolicy admits no client network, so every connection through the LoadBalancer would be dropped', () => {
    // GIVEN the example's sandbox behind a LoadBalancer, WHEN its NetworkPolicy names in-cluster clients only
    const error = exampleConfigError((raw) => {
      delete raw.environments.sandbox.vaultServer.networkPolicy.clientCidrs;
    });
    // THEN
    expect(error.message).toMatch(/environments\.sandbox\.vaultServer\.networkPolicy\.clientCidrs = \[\]: admits no network outside the cluster, so the NetworkPolicy drops every connection through environments\.sandbox\.vaultServer\.exposure/);
  });

  test('fails when loadBalancerIP is not an IP address', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.vaultServer.exposure.loadBalancerIP = 'vault.lab.example.net';
    });
    expect(() => {
      throw error;
    }).toThrow(/environments\.main\.vaultServer\.exposure\.loadBalancerIP = "vault\.lab\.example\.net": must be an IPv4 or IPv6 address/);
  });

  test('fails when sourceRanges lists a network wider than any private one, which admits the internet while the list looks restrictive', () => {
    // GIVEN a LoadBalancer limited to the LAN, WHEN 0.0.0.0/0 joins its source ranges
    const error = exampleConfigError((raw) => {
      raw.environments.main.vaultServer.exposure.sourceRanges = ['192.168.1.0/24', '0.0.0.0/0'];
    });
    // THEN the entry is refused, and leaving the field out is named as the way to admit every network
    expect(() => {
      throw error;
    }).toThrow(/environments\.main\.vaultServer\.exposure\.sourceRanges\[1\] = "0\.0\.0\.0\/0": is wider than any private network .*so the load balancer would admit addresses on the internet .*or leave sourceRanges out to admit every network/);
  });
});

describe('VP-HELM-2: an exposed Vault answers only from the ready active pod, and terminates TLS itself', () => {
  /** VP-HELM-2's findings on a bare hashicorp/vault release with these values. */
  function findings(values: unknown): string[] {
    const stack = new TerraformStack(Testing.app(), 'test');
    new HelmProvider(stack, 'helm', {});
    new Release(stack, 'Vault', { name: 'vault', repository: VAULT_CHART.repository, chart: VAULT_CHART.chart, version: VAULT_CHART.version, values: [stringify(values)] });
    Aspects.of(stack).add(new RulePack([vaultExposedThroughActivePod]));
    return synthErrors(stack).map((e) => e.message);
  }
  const mainValues = () => JSON.parse(JSON.stringify(vaultValues(synthesized(example).mainCluster)));
  const ingressValues = () => JSON.parse(JSON.stringify(vaultValues(synthesized(ingressConfig).mainCluster)));

  test('GIVEN the lab releases (LoadBalancer in main and sandbox, the ingress variant) WHEN the rule runs THEN it finds nothing', () => {
    for (const values of [mainValues(), vaultValues(synthesized(example).sandboxCluster), ingressValues()]) expect(findings(values)).toEqual([]);
  });

  test('fails when the UI LoadBalancer selects every pod (activeVaultPodOnly unset)', () => {
    const values = mainValues();
    delete values.ui.activeVaultPodOnly;
    expect(findings(values)).toEqual([expect.stringMatching(/^\[VP-HELM-2\] ui\.serviceType is LoadBalancer without ui\.activeVaultPodOnly: true/)]);
  });

  test("fails when the UI LoadBalancer publishes unready pods (the chart's default)", () => {
    const values = mainValues();
    delete values.ui.publishNotReadyAddresses;
    expect(findings(values)).toEqual([expect.stringMatching(/^\[VP-HELM-2\] ui\.serviceType is LoadBalancer and ui\.publishNotReadyAddresses is not false/)]);
  });

  test('fails when server.service.type makes the main, active and standby Services external', () => {
    const values = mainValues();
    values.server.service = { type: 'NodePort' };
    expect(findings(values)).toEqual([expect.stringMatching(/^\[VP-HELM-2\] server\.service\.type is NodePort: it applies to the main, active and standby Services alike/)]);
  });

  test('fails when the Ingress lets the controller terminate TLS (no passthrough, a tls section)', () => {
    const values = ingressValues();
    values.server.ingress.annotations = {};
    values.server.ingress.tls = [{ hosts: ['vault.lab.example.net'], secretName: 'vault-ingress-tls' }];
    expect(findings(values)).toEqual([
      expect.stringMatching(/^\[VP-HELM-2\] server\.ingress has no nginx\.ingress\.kubernetes\.io\/ssl-passthrough: "true"/),
      expect.stringMatching(/^\[VP-HELM-2\] server\.ingress\.tls is set/),
    ]);
  });

  test("fails when the Ingress's Service publishes unready pods (the chart's default)", () => {
    const values = ingressValues();
    delete values.server.service;
    expect(findings(values)).toEqual([expect.stringMatching(/^\[VP-HELM-2\] server\.ingress is enabled and server\.service\.publishNotReadyAddresses is not false/)]);
  });

  test('fails when the Ingress routes to every pod (activeService false)', () => {
    const values = ingressValues();
    values.server.ingress.activeService = false;
    expect(findings(values)).toEqual([expect.stringMatching(/^\[VP-HELM-2\] server\.ingress\.activeService is false/)]);
  });
});
