import { DatabaseSecretBackendConnection } from '@cdktf/provider-vault/lib/database-secret-backend-connection';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { DataTerraformRemoteStateLocal, DataTerraformRemoteStatePg, TerraformOutput } from 'cdktf';
import { LabConfig } from '../config/schema';
import { productionEndpoints } from '../config/isolation';
import { sandboxIsolationProps } from '../rules/apply';
import { isolationViolations } from '../rules/sandbox-isolation';
import { synthErrors } from './support/annotations';
import { buildTestLab, exampleConfig, exampleConfigWith } from './support/synth';

const isolationErrors = (errors: Array<{ path: string; message: string }>) => errors.filter((e) => e.message.startsWith('[VP-ISO-'));

/** The example lab with every state in local files (the sandbox in its own folder), as a lab without a database starts. */
const localStateConfig = () =>
  exampleConfigWith((c) => {
    c.environments.main.state = { type: 'local' };
    c.environments.sandbox.state = { type: 'local', directory: 'state/sandbox' };
  });

function prepared(config: LabConfig = localStateConfig()) {
  const lab = buildTestLab(config);
  return { ...lab, prepare: () => Object.values(lab.stacks).forEach((s) => s.prepareStack()) };
}

describe('production endpoints come from the config', () => {
  test('the example lab lists the main and QNAP Vaults, the production context and the production Postgres host', () => {
    const values = productionEndpoints(exampleConfig()).map((e) => [e.value, e.configPath]);
    expect(values).toEqual(
      expect.arrayContaining([
        ['qnap.lab.example.net', 'environments.qnap.vault.address'],
        ['vault.lab.example.net', 'environments.main.vault.address'],
        ['lab-main', 'environments.main.kubernetes.context'],
        ['pg-main.lab.example.net', 'environments.main.postgres.clusters.apps.host'],
      ]),
    );
  });

  test('the shared forge and cluster-relative names are not production endpoints', () => {
    const values = productionEndpoints(exampleConfig()).map((e) => e.value);
    expect(values).not.toContain('git.lab.example.net');
    expect(values).not.toContain('kubernetes.default.svc');
  });

  test('the sandbox cannot make a production endpoint "shared" by declaring it as its own CI issuer', () => {
    const config = exampleConfig();
    const sneaky = { ...config, environments: { ...config.environments, sandbox: { ...config.environments.sandbox, ci: { oidc: { issuer: 'https://vault.lab.example.net', audiences: ['x'] } } } } };
    expect(productionEndpoints(sneaky as LabConfig).map((e) => e.value)).toContain('vault.lab.example.net');
  });

  test('a new endpoint field is covered without code changes', () => {
    const config = exampleConfig();
    const withRegistry = { ...config, environments: { ...config.environments, main: { ...config.environments.main, registry: { url: 'https://registry.lab.example.net/v2' } } } };
    expect(productionEndpoints(withRegistry as LabConfig)).toContainEqual({ value: 'registry.lab.example.net', configPath: 'environments.main.registry.url' });
  });
});

describe('the isolation aspect on the sandbox stacks', () => {
  test('the example sandbox and sandbox-cluster stacks refer to no production endpoint', () => {
    const { stacks, prepare } = prepared();
    prepare();
    expect(isolationViolations(stacks.sandbox, sandboxIsolationProps(exampleConfig()))).toEqual([]);
    expect(isolationViolations(stacks.sandboxCluster, sandboxIsolationProps(exampleConfig()))).toEqual([]);
  });

  test('fails when the sandbox Vault provider points at the main Vault, naming the provider and the value', () => {
    const { stacks, prepare } = prepared();
    const provider = stacks.sandbox.node.findAll().find((c) => c instanceof VaultProvider) as VaultProvider;
    provider.addOverride('address', 'https://vault.lab.example.net:8200');
    prepare();
    expect(isolationErrors(synthErrors(stacks.sandbox))).toEqual([
      {
        path: 'sandbox/vault',
        message: '[VP-ISO-1] provider.vault.0.address = "https://vault.lab.example.net:8200" refers to the production endpoint vault.lab.example.net (environments.main.vault.address)',
      },
    ]);
  });

  test('fails when a sandbox value refers to the QNAP Vault (the sandbox never unseals through production)', () => {
    const { stacks, prepare } = prepared();
    new TerraformOutput(stacks.sandbox, 'SealAddress', { value: 'https://qnap.lab.example.net:8200/v1/transit' });
    prepare();
    const errors = isolationErrors(synthErrors(stacks.sandbox));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toEqual({ path: 'sandbox/SealAddress', message: expect.stringMatching(/qnap.lab.example.net \(environments.qnap.vault.address\)/) });
  });

  test('fails when the sandbox cluster stack selects the production kube context', () => {
    const { stacks, prepare } = prepared();
    const provider = stacks.sandboxCluster.node.findAll().find((c) => c instanceof KubernetesProvider) as KubernetesProvider;
    provider.addOverride('config_context', 'lab-main');
    prepare();
    expect(isolationErrors(synthErrors(stacks.sandboxCluster))).toEqual([
      { path: 'sandbox-cluster/kubernetes', message: expect.stringMatching(/^\[VP-ISO-1\] .*"lab-main" refers to the production endpoint lab-main \(environments.main.kubernetes.context\)/) },
    ]);
  });

  test('fails when a sandbox database connection targets the production Postgres host', () => {
    const { stacks, prepare } = prepared();
    new DatabaseSecretBackendConnection(stacks.sandbox, 'InjectedPostgres', {
      backend: 'postgres',
      name: 'apps',
      postgresql: { connectionUrl: 'postgresql://{{username}}:{{password}}@pg-main.lab.example.net:5432/postgres' },
    });
    prepare();
    expect(isolationErrors(synthErrors(stacks.sandbox))).toEqual([
      { path: 'sandbox/InjectedPostgres', message: expect.stringMatching(/production endpoint pg-main.lab.example.net \(environments.main.postgres.clusters.apps.host\)/) },
    ]);
  });

  test('a host that only contains a production name is another host and passes', () => {
    const { stacks, prepare } = prepared();
    new TerraformOutput(stacks.sandbox, 'Other', { value: 'https://vault.lab.example.net.sandbox.test:8200' });
    prepare();
    expect(isolationErrors(synthErrors(stacks.sandbox))).toEqual([]);
  });

  test('fails when the sandbox state is written to the production state folder', () => {
    const { stacks, prepare } = prepared();
    stacks.sandbox.addOverride('terraform.backend.local.path', '../../../state/sandbox.tfstate');
    prepare();
    expect(isolationErrors(synthErrors(stacks.sandbox))).toEqual([
      {
        path: 'sandbox/backend',
        message: expect.stringMatching(/^\[VP-ISO-2\] the local state backend .* is in the production state location \(local:state\) of environments.qnap.state and environments.main.state/),
      },
    ]);
  });

  test('fails when the sandbox state uses the production pg schema prefix', () => {
    const config = exampleConfigWith((c) => {
      c.environments.main.state = { type: 'pg', schemaPrefix: 'lab' };
    });
    const { stacks, prepare } = prepared(config);
    stacks.sandbox.addOverride('terraform.backend', { pg: { schema_name: 'lab_sandbox' } });
    prepare();
    expect(isolationViolations(stacks.sandbox, sandboxIsolationProps(config)).map((v) => [v.ruleId, v.message])).toEqual([
      ['VP-ISO-2', expect.stringMatching(/production state location \(pg:lab\) of environments.main.state$/)],
    ]);
  });

  test('fails when a sandbox construct uses a token from a production stack (cross-stack reference)', () => {
    const { stacks, prepare } = prepared();
    new TerraformOutput(stacks.sandbox, 'Borrowed', { value: stacks.main.kv.mount.path });
    prepare();
    const errors = isolationErrors(synthErrors(stacks.sandbox));
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'sandbox', message: '[VP-ISO-3] depends on the production stack main (a cross-stack reference); pass sandbox objects only' },
        { path: expect.stringMatching(/^sandbox\//), message: expect.stringMatching(/^\[VP-ISO-3\] remote state .* from the production state location of environments.qnap.state and environments.main.state/) },
      ]),
    );
  });

  test('fails when the sandbox reads a remote state of a production stack', () => {
    const { stacks, prepare } = prepared();
    new DataTerraformRemoteStateLocal(stacks.sandbox, 'MainState', { path: '../../../state/main.tfstate' });
    prepare();
    expect(isolationErrors(synthErrors(stacks.sandbox)).map((e) => e.path)).toEqual(['sandbox/MainState']);
  });

  test('a remote state in the sandbox folder passes', () => {
    const { stacks, prepare } = prepared();
    new DataTerraformRemoteStateLocal(stacks.sandbox, 'ClusterState', { path: '../../../state/sandbox/sandbox-cluster.tfstate' });
    new DataTerraformRemoteStatePg(stacks.sandboxCluster, 'Other', { connStr: '', schemaName: 'sandbox_only' });
    prepare();
    expect(isolationErrors(synthErrors(stacks.sandbox))).toEqual([]);
    expect(isolationErrors(synthErrors(stacks.sandboxCluster))).toEqual([]);
  });

  test('the production stacks are not subject to the isolation checks', () => {
    const { stacks, prepare } = prepared();
    new TerraformOutput(stacks.main, 'Qnap', { value: 'https://qnap.lab.example.net:8200' });
    prepare();
    expect(isolationErrors(synthErrors(stacks.main))).toEqual([]);
  });
});

describe('config-level isolation checks', () => {
  test.each([
    ['vault.address', (c: any) => (c.environments.sandbox.vault.address = c.environments.main.vault.address), /environments.sandbox.vault.address = "https:\/\/vault.lab.example.net:8200": is the production endpoint vault.lab.example.net \(environments.main.vault.address\)/],
    ['vault.address (QNAP)', (c: any) => (c.environments.sandbox.vault.address = 'https://qnap.lab.example.net:8200'), /environments.sandbox.vault.address .* \(environments.qnap.vault.address\)/],
    ['kubernetes.context', (c: any) => (c.environments.sandbox.kubernetes.context = 'lab-main'), /environments.sandbox.kubernetes.context = "lab-main": is the production endpoint lab-main/],
    ['postgres host', (c: any) => (c.environments.sandbox.postgres.clusters.apps.host = 'pg-main.lab.example.net'), /environments.sandbox.postgres.clusters.apps.host .* \(environments.main.postgres.clusters.apps.host\)/],
    ['CI audience', (c: any) => (c.environments.sandbox.ci.oidc.audiences = ['https://vault.lab.example.net']), /environments.sandbox.ci.oidc.audiences .*production endpoint vault.lab.example.net/],
    ['local state folder', (c: any) => {
      c.environments.main.state = { type: 'local' };
      delete c.environments.sandbox.state;
    }, /environments.sandbox.state = .*shares the state location of environments.main.state \(local:state\)/],
    ['pg schema prefix', (c: any) => {
      c.environments.main.state = { type: 'pg', schemaPrefix: 'lab' };
      c.environments.sandbox.state = { type: 'pg', schemaPrefix: 'lab' };
    }, /environments.sandbox.state .*shares the state location of environments.main.state \(pg:lab\)/],
    ['s3 bucket and prefix', (c: any) => {
      c.environments.qnap.state = { type: 's3', bucket: 'tf-state', region: 'garage', endpoint: 'https://s3.lab.example.net' };
      c.environments.sandbox.state = { type: 's3', bucket: 'tf-state', region: 'garage', endpoint: 'https://s3.lab.example.net' };
    }, /shares the state location of environments.qnap.state/],
  ])('fails when the sandbox reuses the production %s', (_what, change, message) => {
    expect(() => exampleConfigWith(change)).toThrow(message);
  });

  test('the sandbox may share the forge (CI issuer) and keep state in its own bucket prefix', () => {
    expect(() =>
      exampleConfigWith((c) => {
        c.environments.main.state = { type: 's3', bucket: 'tf-state', region: 'garage', endpoint: 'https://s3.lab.example.net' };
        c.environments.sandbox.state = { type: 's3', bucket: 'tf-state', keyPrefix: 'sandbox', region: 'garage', endpoint: 'https://s3.lab.example.net' };
      }),
    ).not.toThrow();
  });
});
