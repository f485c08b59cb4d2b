import { App } from 'cdktf';
import { LabConfig } from '../config/schema';
import { addAppShardStacks } from './app-shard-stack';
import { ClusterStack } from './cluster-stack';
import { QnapStack } from './qnap-stack';
import { VaultEnvironmentStack } from './vault-environment-stack';

/** The stacks of a lab, by their names on the `cdktf` command line. */
export interface LabStacks {
  readonly qnap: QnapStack;
  readonly main: VaultEnvironmentStack;
  readonly mainCluster: ClusterStack;
  readonly sandbox: VaultEnvironmentStack;
  readonly sandboxCluster: ClusterStack;
}

/**
 * Stack names are API: `cdktf deploy <name>`, state keys and CI jobs all use them. A sharded config
 * adds `<env>-apps-<shard>` stacks (config/shards.ts `shardStackName`).
 */
export const STACK_NAMES = ['qnap', 'main-cluster', 'main', 'sandbox-cluster', 'sandbox'] as const;

export function buildLab(app: App, config: LabConfig): LabStacks {
  const qnap = new QnapStack(app, 'qnap', { config });
  const mainCluster = new ClusterStack(app, 'main-cluster', { config, environment: 'main' });
  const main = new VaultEnvironmentStack(app, 'main', { config, environment: 'main' });
  const sandboxCluster = new ClusterStack(app, 'sandbox-cluster', { config, environment: 'sandbox' });
  const sandbox = new VaultEnvironmentStack(app, 'sandbox', { config, environment: 'sandbox' });
  // With `sharding`, apps live in `<env>-apps-<shard>` stacks instead (docs/sharding.md).
  addAppShardStacks(app, config, main);
  addAppShardStacks(app, config, sandbox);
  return { qnap, main, mainCluster, sandbox, sandboxCluster };
}
