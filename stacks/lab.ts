import { App } from 'cdktf';
import { LabConfig } from '../config/schema';
import { applyLabRules } from '../rules/apply';
import { addAppShardStacks } from './app-shard-stack';
import { ClusterStack } from './cluster-stack';
import { MainBootstrapStack } from './main-bootstrap-stack';
import { QnapStack } from './qnap-stack';
import { VaultEnvironmentStack } from './vault-environment-stack';

/** The stacks of a lab, by their names on the `cdktf` command line. */
export interface LabStacks {
  readonly qnap: QnapStack;
  readonly main: VaultEnvironmentStack;
  readonly mainCluster: ClusterStack;
  readonly mainBootstrap: MainBootstrapStack;
  readonly sandbox: VaultEnvironmentStack;
  readonly sandboxCluster: ClusterStack;
}

/**
 * Stack names are API: `cdktf deploy <name>`, state keys and CI jobs all use them. A sharded config
 * adds `<env>-apps-<shard>` stacks (config/shards.ts `shardStackName`).
 */
export const STACK_NAMES = ['qnap', 'main-cluster', 'main-bootstrap', 'main', 'sandbox-cluster', 'sandbox'] as const;

export function buildLab(app: App, config: LabConfig): LabStacks {
  const qnap = new QnapStack(app, 'qnap', { config });
  const mainCluster = new ClusterStack(app, 'main-cluster', { config, environment: 'main', transitUnseal: qnap.transitUnsealMasters.get('main') });
  // VSO's CRDs come from main-cluster; these custom resources need them at plan time.
  const mainBootstrap = new MainBootstrapStack(app, 'main-bootstrap', { config });
  mainBootstrap.addDependency(mainCluster);
  const main = new VaultEnvironmentStack(app, 'main', { config, environment: 'main' });
  const sandboxCluster = new ClusterStack(app, 'sandbox-cluster', { config, environment: 'sandbox' });
  const sandbox = new VaultEnvironmentStack(app, 'sandbox', { config, environment: 'sandbox' });
  // The Vault stacks hold the operators' custom resources, whose CRDs the cluster stacks install.
  main.addDependency(mainCluster);
  sandbox.addDependency(sandboxCluster);
  // With `sharding`, apps live in `<env>-apps-<shard>` stacks instead (docs/sharding.md).
  addAppShardStacks(app, config, main);
  addAppShardStacks(app, config, sandbox);
  // Least-privilege rules on every stack, isolation on the sandbox ones: violations fail synthesis.
  applyLabRules(app, config);
  return { qnap, main, mainCluster, mainBootstrap, sandbox, sandboxCluster };
}
