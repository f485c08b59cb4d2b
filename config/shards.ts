import { createHash } from 'crypto';
import type { ConfigIssue } from './issues';
import type { AppConfig, LabConfig } from './schema';
import type { ShardingConfig } from './schema-shards';

/** The stack that holds one shard of an environment's apps: `main-apps-0`, `sandbox-apps-billing`. */
export function shardStackName(environment: string, shard: string): string {
  return `${environment}-apps-${shard}`;
}

/**
 * The shard of one app under `shards: N`, by rendezvous (highest random weight) hashing: every shard
 * scores `sha256(shard + '/' + app)` and the highest score wins. The result depends only on the app's
 * name and N, so adding or removing other apps never moves it; growing N to N+1 moves only the apps
 * whose new winner is the new shard.
 */
export function hashedShardOf(appName: string, shards: number): string {
  let best = -1;
  let bestScore = '';
  for (let i = 0; i < shards; i++) {
    const score = createHash('sha256').update(`${i}/${appName}`).digest('hex');
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return String(best);
}

/**
 * The apps of each shard, shards in a stable order (numeric for `shards`, as written for `groups`),
 * apps in config order; a shard may be empty. Apps in no shard are not listed; they stay in the environment stack.
 */
export function assignShards(apps: readonly AppConfig[], sharding: ShardingConfig | undefined): Map<string, AppConfig[]> {
  const result = new Map<string, AppConfig[]>();
  if (!sharding) return result;
  if (sharding.shards !== undefined) {
    for (let i = 0; i < sharding.shards; i++) result.set(String(i), []);
    for (const app of apps) result.get(hashedShardOf(app.name, sharding.shards))!.push(app);
    // Every shard keeps its stack even when empty: a stack that vanished would leave the Vault
    // objects of its last apps orphaned in its state instead of destroying them.
    return result;
  }
  const byName = new Map(apps.map((a) => [a.name, a]));
  for (const [shard, names] of Object.entries(sharding.groups ?? {})) {
    result.set(shard, names.map((n) => byName.get(n)).filter((a): a is AppConfig => a !== undefined));
  }
  return result;
}

/** The apps that no shard takes, which the environment stack composes itself. */
export function unshardedApps(config: LabConfig): AppConfig[] {
  const sharded = new Set<string>();
  for (const members of assignShards(config.apps, config.sharding).values()) for (const a of members) sharded.add(a.name);
  return config.apps.filter((a) => !sharded.has(a.name));
}

/**
 * Rules spanning `sharding` and `apps`: exactly one of `shards` and `groups`, every listed app
 * exists, and sits in one group only.
 */
export function shardingIssues(config: LabConfig): ConfigIssue[] {
  const sharding = config.sharding;
  if (!sharding) return [];
  if ((sharding.shards === undefined) === (sharding.groups === undefined)) {
    return [{ path: 'sharding', value: sharding, message: "give exactly one of 'shards' (a count) or 'groups' (shards by name), or remove 'sharding'" }];
  }
  if (!sharding.groups) return [];
  const issues: ConfigIssue[] = [];
  const known = new Set(config.apps.map((a) => a.name));
  const groupOf = new Map<string, string>();
  for (const [shard, names] of Object.entries(sharding.groups)) {
    names.forEach((name, i) => {
      const path = `sharding.groups.${shard}[${i}]`;
      if (!known.has(name)) {
        issues.push({ path, value: name, message: 'no app of that name under apps; fix the name or remove it from the group' });
        return;
      }
      const other = groupOf.get(name);
      if (other !== undefined) {
        issues.push({
          path,
          value: name,
          message: `the app is already in group '${other}'; an app belongs to one shard only (its Vault objects live in one state)`,
        });
        return;
      }
      groupOf.set(name, shard);
    });
  }
  return issues;
}
