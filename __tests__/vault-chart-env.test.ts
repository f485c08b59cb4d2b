import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { Aspects, TerraformStack, Testing } from 'cdktf';
import { parse as parseYaml } from 'yaml';
import { VaultRelease } from '../constructs/vault-release';
import { RulePack } from '../rules/rule-pack';
import { checkVaultChartValues, expandEnvValue, vaultChartAddressesExpand } from '../rules/vault-chart-env';
import { helmValues, VAULT_CHART } from '../constructs/charts';
import { LabStacks } from '../stacks/lab';
import { synthErrors } from './support/annotations';
import { buildTestLab, resourcesOf, synthStack } from './support/synth';

/**
 * VP-HELM-1 against what upstream does: Kubernetes' `$(VAR)` expansion (kubernetes/kubernetes
 * third_party/forked/golang/expansion/expand.go, pkg/kubelet/kubelet_pods.go) and the hashicorp/vault
 * chart 0.34.1 server env order and start-up `sed` (hashicorp/vault-helm
 * templates/server-statefulset.yaml, templates/_helpers.tpl `vault.args`).
 */

function lab(): LabStacks {
  const { stacks } = buildTestLab();
  Object.values(stacks).forEach((s) => s.prepareStack());
  return stacks;
}

let cleanLab: { stacks: LabStacks; values: Record<'mainCluster' | 'sandboxCluster', any> } | undefined;
/** The example lab, synthesized once for this file, with its Vault releases' values as helm receives them. */
function exampleLab(): NonNullable<typeof cleanLab> {
  if (!cleanLab) {
    const stacks = lab();
    const valuesOf = (stack: 'mainCluster' | 'sandboxCluster') => {
      const releases = Object.values(resourcesOf(synthStack(stacks[stack]), 'helm_release')).filter((r: any) => r.chart === 'vault');
      expect(releases).toHaveLength(1);
      return parseYaml((releases[0] as any).values[0]);
    };
    cleanLab = { stacks, values: { mainCluster: valuesOf('mainCluster'), sandboxCluster: valuesOf('sandboxCluster') } };
  }
  return cleanLab;
}

/** VP-HELM-1's findings on a bare hashicorp/vault release with these values documents and chart version. */
function releaseFindings(documents: string[], version = VAULT_CHART.version): string[] {
  const stack = new TerraformStack(Testing.app(), 'test');
  new HelmProvider(stack, 'helm', {});
  new Release(stack, 'Vault', { name: 'vault', repository: VAULT_CHART.repository, chart: VAULT_CHART.chart, version, values: documents });
  Aspects.of(stack).add(new RulePack([vaultChartAddressesExpand]));
  return synthErrors(stack).map((e) => e.message);
}

/** Lab values with `change` applied to a deep copy. */
function labValuesWith(change: (values: any) => void): any {
  const values = JSON.parse(JSON.stringify(exampleLab().values.mainCluster));
  change(values);
  return values;
}

describe("Kubernetes' $(VAR) expansion (expand.go)", () => {
  const defined = new Map([['VAR_A', 'A']]);

  test('a variable defined before is replaced by its value', () => {
    expect(expandEnvValue('https://$(VAR_A):8200', defined)).toEqual({ expanded: 'https://A:8200', unresolved: [] });
  });

  test('a variable not defined before stays as written, and is reported', () => {
    expect(expandEnvValue('https://$(HOSTNAME):8200', defined)).toEqual({ expanded: 'https://$(HOSTNAME):8200', unresolved: ['HOSTNAME'] });
  });

  test('$$ escapes the operator, so $$(VAR_A) is the literal $(VAR_A)', () => {
    expect(expandEnvValue('$$(VAR_A) $VAR_A $(VAR_A', defined)).toEqual({ expanded: '$(VAR_A) $VAR_A $(VAR_A', unresolved: [] });
  });
});

describe('VP-HELM-1 on the example lab', () => {
  test('the main and the sandbox Vault releases pass', () => {
    const { stacks } = exampleLab();
    const findings = [stacks.mainCluster, stacks.sandboxCluster].flatMap((s) => synthErrors(s)).filter((e) => e.message.startsWith('[VP-HELM-1]'));
    expect(findings).toEqual([]);
  });

  test('fails when the release is overridden to advertise $(HOSTNAME), which the chart defines after VAULT_API_ADDR', () => {
    const stacks = lab();
    const release = stacks.sandboxCluster.node.findAll().find((c): c is VaultRelease => c instanceof VaultRelease)!;
    const values = { ...release.values, server: { ...release.values.server, ha: { ...release.values.server.ha, apiAddr: 'https://$(HOSTNAME).vault-internal:8200' } } };
    release.release.addOverride('values', helmValues(values));
    expect(synthErrors(stacks.sandboxCluster)).toEqual([
      {
        path: 'sandbox-cluster/VaultServer/Release/Release',
        message: expect.stringMatching(
          /^\[VP-HELM-1\] server\.ha\.apiAddr \("https:\/\/\$\(HOSTNAME\)\.vault-internal:8200"\) becomes env VAULT_API_ADDR and refers to \$\(HOSTNAME\), which the chart defines after VAULT_API_ADDR: .*use \$\(VAULT_K8S_POD_NAME\)/,
        ),
      },
    ]);
  });

  test('fails when the release installs a chart version the env model was not read from', () => {
    expect(releaseFindings(helmValues(exampleLab().values.mainCluster), '0.35.0')).toEqual([expect.stringMatching(/^\[VP-HELM-1\] chart version "0\.35\.0": .* modeled for 0\.34\.1 only/)]);
  });

  test('fails when a later values document overrides apiAddr with $(HOSTNAME) (helm merges the documents in order)', () => {
    const override = helmValues({ server: { ha: { apiAddr: 'https://$(HOSTNAME).vault-internal:8200' } } });
    expect(releaseFindings([...helmValues(exampleLab().values.mainCluster), ...override])).toEqual([expect.stringMatching(/^\[VP-HELM-1\] server\.ha\.apiAddr .* refers to \$\(HOSTNAME\)/)]);
  });
});

describe('VP-HELM-1: env values', () => {
  test('fails when clusterAddr refers to a variable the container never defines', () => {
    const values = labValuesWith((v) => (v.server.ha.clusterAddr = 'https://$(POD_NAME).vault-internal:8201'));
    expect(checkVaultChartValues(values)).toEqual([expect.stringMatching(/^server\.ha\.clusterAddr .* refers to \$\(POD_NAME\), which the container never defines/)]);
  });

  test('fails when an extra env var refers to one rendered after it (the chart renders their keys sorted)', () => {
    const values = labValuesWith((v) => (v.server.extraEnvironmentVars = { b_zone: 'eu', a_addr: 'https://$(B_ZONE).example' }));
    expect(checkVaultChartValues(values)).toEqual([expect.stringMatching(/^server\.extraEnvironmentVars\.a_addr .* becomes env A_ADDR and refers to \$\(B_ZONE\), which the chart defines after A_ADDR/)]);
  });
});

describe('VP-HELM-1: placeholders in the HCL config', () => {
  const withConfigLine = (line: string, extraEnv?: Record<string, string>) =>
    labValuesWith((v) => {
      v.server.ha.raft.config += `${line}\n`;
      if (extraEnv) v.server.extraEnvironmentVars = extraEnv;
    });

  test('the lab config holds nothing that looks like a placeholder, so the start-up script leaves it as rendered', () => {
    for (const values of Object.values(exampleLab().values)) {
      expect(values.server.ha.raft.config).not.toMatch(/[A-Z]{2,}|\$/);
      expect(checkVaultChartValues(values)).toEqual([]);
    }
  });

  test('a bare name the start-up script substitutes (HOSTNAME) passes', () => {
    expect(checkVaultChartValues(withConfigLine('cluster_name = "lab-HOSTNAME"'))).toEqual([]);
  });

  test('fails when the config carries $(HOSTNAME): the script would leave $(vault-0)', () => {
    expect(checkVaultChartValues(withConfigLine('cluster_name = "$(HOSTNAME)"'))).toEqual([expect.stringMatching(/^server\.ha\.raft\.config contains "\$\(HOSTNAME\)": nothing expands variables in the config file/)]);
  });

  test('fails when the config carries a name the script does not substitute', () => {
    expect(checkVaultChartValues(withConfigLine('cluster_name = "POD_NAME"'))).toEqual([expect.stringMatching(/^server\.ha\.raft\.config contains "POD_NAME", which the chart's start-up script does not substitute: it replaces only HOST_IP, POD_IP, HOSTNAME, and API_ADDR/)]);
  });

  test('fails when the config carries API_ADDR without an env variable of that name, and passes with one', () => {
    expect(checkVaultChartValues(withConfigLine('cluster_name = "API_ADDR"'))).toEqual([expect.stringMatching(/contains "API_ADDR", which the chart's start-up script does not substitute/)]);
    expect(checkVaultChartValues(withConfigLine('cluster_name = "API_ADDR"', { api_addr: 'https://$(VAULT_K8S_POD_NAME).vault-internal:8200' }))).toEqual([]);
  });
});
