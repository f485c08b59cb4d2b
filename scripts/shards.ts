import { loadLabConfig } from '../config/load';
import { LabConfig } from '../config/schema';
import { assignShards, shardStackName, unshardedApps } from '../config/shards';
import { ExitCode, loadConfigArg, processIo, runAsProcess, runScript, ScriptIo } from './cli';

const spec = {
  name: 'shards',
  description:
    'Prints which stack holds each app of the lab config (LAB_CONFIG, else config/lab.yaml). With --compare,\n' +
    'lists the apps whose stack differs between the other config (e.g. the one deployed now, from git) and\n' +
    'this one: each such app needs its state moved before the next apply, or its Vault objects are\n' +
    'destroyed in one stack and created in another (docs/sharding.md).',
  options: {
    compare: { type: 'string', value: 'OTHER.yaml', description: 'the lab config to compare with (e.g. the deployed one)' },
  },
  exits: { ok: 'stacks printed; with --compare: no app changes stack', finding: 'with --compare: some app changes stack (listed)' },
} as const;

function stackOfEachApp(config: LabConfig, environment: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const app of unshardedApps(config)) result.set(app.name, environment);
  for (const [shard, apps] of assignShards(config.apps, config.sharding)) {
    for (const app of apps) result.set(app.name, shardStackName(environment, shard));
  }
  return result;
}

export function main(argv: readonly string[], io: ScriptIo = processIo): Promise<number> {
  return runScript(spec, argv, io, ({ values }) => {
    // Both configs load before anything is printed: a bad --compare file prints no table.
    const previousConfig = values.compare === undefined ? undefined : loadConfigArg('--compare', values.compare);
    const config = loadLabConfig();
    const current = stackOfEachApp(config, 'main');
    // Empty shards are listed too: their stacks exist (and would destroy what they held).
    const byStack = new Map<string, string[]>(
      [...assignShards(config.apps, config.sharding).keys()].map((shard) => [shardStackName('main', shard), []]),
    );
    for (const [app, stack] of current) byStack.set(stack, [...(byStack.get(stack) ?? []), app]);
    // One named locale: the same order on every machine.
    for (const [stack, apps] of [...byStack].sort(([a], [b]) => a.localeCompare(b, 'en'))) {
      io.stdout(`${stack} (${apps.length}): ${apps.join(', ')}\n`);
    }
    io.stdout('(sandbox stacks hold the same apps: sandbox, sandbox-apps-<shard>)\n');

    if (!previousConfig) return ExitCode.ok;
    const previous = stackOfEachApp(previousConfig, 'main');
    const moved = [...current].filter(([app, stack]) => previous.has(app) && previous.get(app) !== stack);
    if (moved.length === 0) {
      io.stdout('no app changes stack\n');
      return ExitCode.ok;
    }
    io.stdout(`\n${moved.length} app(s) change stack; move their state before applying (docs/sharding.md):\n`);
    for (const [app, stack] of moved) io.stdout(`  ${app}: ${previous.get(app)} -> ${stack}\n`);
    return ExitCode.finding;
  });
}

if (require.main === module) runAsProcess(main);
