import { loadLabConfig } from '../config/load';
import { LabConfig } from '../config/schema';
import { assignShards, shardStackName, unshardedApps } from '../config/shards';

/*
 * npm run shards [-- --compare <other-config.yaml>]
 *
 * Prints which stack holds each app of the lab config (LAB_CONFIG, else config/lab.yaml). With
 * --compare, lists the apps whose stack differs between the other config (e.g. the one deployed
 * now, from git) and this one: each such app needs its state moved before the next apply, or its
 * Vault objects are destroyed in one stack and created in another (docs/sharding.md).
 */

function stackOfEachApp(config: LabConfig, environment: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const app of unshardedApps(config)) result.set(app.name, environment);
  for (const [shard, apps] of assignShards(config.apps, config.sharding)) {
    for (const app of apps) result.set(app.name, shardStackName(environment, shard));
  }
  return result;
}

function main(args: string[]): number {
  const config = loadLabConfig();
  const current = stackOfEachApp(config, 'main');
  // Empty shards are listed too: their stacks exist (and would destroy what they held).
  const byStack = new Map<string, string[]>(
    [...assignShards(config.apps, config.sharding).keys()].map((shard) => [shardStackName('main', shard), []]),
  );
  for (const [app, stack] of current) byStack.set(stack, [...(byStack.get(stack) ?? []), app]);
  for (const [stack, apps] of [...byStack].sort(([a], [b]) => a.localeCompare(b))) {
    process.stdout.write(`${stack} (${apps.length}): ${apps.join(', ')}\n`);
  }
  process.stdout.write('(sandbox stacks hold the same apps: sandbox, sandbox-apps-<shard>)\n');

  const compareIndex = args.indexOf('--compare');
  if (compareIndex < 0) return 0;
  const previous = stackOfEachApp(loadLabConfig(args[compareIndex + 1]), 'main');
  const moved = [...current].filter(([app, stack]) => previous.has(app) && previous.get(app) !== stack);
  if (moved.length === 0) {
    process.stdout.write('no app changes stack\n');
    return 0;
  }
  process.stdout.write(`\n${moved.length} app(s) change stack; move their state before applying (docs/sharding.md):\n`);
  for (const [app, stack] of moved) process.stdout.write(`  ${app}: ${previous.get(app)} -> ${stack}\n`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
