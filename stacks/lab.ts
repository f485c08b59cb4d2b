import { App } from 'cdktf';
import { LabConfig } from '../config/schema';
import { applyLabRules } from '../rules/apply';
import { adoptExistingObjects } from './adoption';
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
  const mainShards = addAppShardStacks(app, config, main);
  const sandboxShards = addAppShardStacks(app, config, sandbox);
  // Objects that already exist on a Vault are imported, not created, once every stack is complete.
  adoptExistingObjects([qnap], config.environments.qnap.adopt, 'environments.qnap.adopt');
  adoptExistingObjects([main, ...mainShards], config.environments.main.adopt, 'environments.main.adopt');
  adoptExistingObjects([sandbox, ...sandboxShards], config.environments.sandbox.adopt, 'environments.sandbox.adopt');
  // Least-privilege rules on every stack, isolation on the sandbox ones: violations fail synthesis.
  applyLabRules(app, config);
  return { qnap, main, mainCluster, mainBootstrap, sandbox, sandboxCluster };
}
