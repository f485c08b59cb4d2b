import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { stringify } from 'yaml';
import { AppConfig } from '../config/schema';
import { assignShards, hashedShardOf, unshardedApps } from '../config/shards';
import { resourceAddresses } from '../stacks/addresses';
import { appShardStacks } from '../stacks/app-shard-stack';
import { buildLab } from '../stacks/lab';
import { buildTestLab, exampleConfig, exampleConfigError, exampleConfigWith, synthStack } from './support/synth';

/** A small seeded PRNG (mulberry32), so a failing generated fleet can be reproduced. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generatedApp(name: string): AppConfig {
  return { name, namespace: name, repository: `lab/${name}`, delivery: 'vso' };
}

function generatedFleet(random: () => number, size: number, prefix: string): AppConfig[] {
  const names = new Set<string>();
  while (names.size < size) names.add(`${prefix}${Math.floor(random() * 1e9).toString(36)}`);
  return [...names].map(generatedApp);
}

function shardByApp(apps: readonly AppConfig[], shards: number): Map<string, string> {
  const result = new Map<string, string>();
  for (const [shard, members] of assignShards(apps, { shards })) for (const a of members) result.set(a.name, shard);
  return result;
}

describe('shard assignment', () => {
  test('the same fleet and shard count always give the same assignment', () => {
    // GIVEN a generated fleet
    const apps = generatedFleet(prng(1), 200, 'a');
    // WHEN it is assigned twice, once in reverse order
    const first = shardByApp(apps, 7);
    const reversed = shardByApp([...apps].reverse(), 7);
    // THEN every app lands in the same shard both times
    expect([...reversed.entries()].sort()).toEqual([...first.entries()].sort());
  });

  test('adding and removing apps never moves an app that stays (generated fleets)', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const random = prng(seed);
      const shards = 1 + Math.floor(random() * 12);
      // GIVEN a fleet and its assignment
      const before = generatedFleet(random, 20 + Math.floor(random() * 200), 'a');
      const assigned = shardByApp(before, shards);
      // WHEN some apps are removed and new ones added
      const kept = before.filter(() => random() > 0.3);
      const after = [...generatedFleet(random, Math.floor(random() * 100), 'b'), ...kept];
      const reassigned = shardByApp(after, shards);
      // THEN every kept app is still in its shard
      const moved = kept.filter((a) => reassigned.get(a.name) !== assigned.get(a.name)).map((a) => a.name);
      expect({ seed, shards, moved }).toEqual({ seed, shards, moved: [] });
    }
  });

  test('growing the shard count by one moves apps only into the new shard', () => {
    const apps = generatedFleet(prng(2), 500, 'a');
    for (let shards = 1; shards < 10; shards++) {
      const before = shardByApp(apps, shards);
      const after = shardByApp(apps, shards + 1);
      const movedTo = new Set(apps.filter((a) => before.get(a.name) !== after.get(a.name)).map((a) => after.get(a.name)));
      expect([...movedTo].filter((s) => s !== String(shards))).toEqual([]);
    }
  });

  test('hashing spreads a large fleet over every shard', () => {
    const apps = generatedFleet(prng(3), 1000, 'a');
    const sizes = [...assignShards(apps, { shards: 8 }).values()].map((m) => m.length);
    expect(sizes).toHaveLength(8);
    // 125 expected per shard; a standard deviation is about 10.
    for (const size of sizes) expect(size).toBeGreaterThan(80);
  });

  test('every shard keeps its stack even when no app hashes to it', () => {
    const shards = assignShards([generatedApp('only')], { shards: 4 });
    expect([...shards.keys()]).toEqual(['0', '1', '2', '3']);
    expect([...shards.values()].flat().map((a) => a.name)).toEqual(['only']);
    expect(shards.get(hashedShardOf('only', 4))?.map((a) => a.name)).toEqual(['only']);
  });

  test('explicit groups assign by name; apps in no group stay in the environment stack', () => {
    const config = exampleConfigWith((c) => {
      c.sharding = { groups: { billing: ['billing-worker'], web: ['webapp', 'docs-preview'] } };
    });
    const shards = assignShards(config.apps, config.sharding);
    expect([...shards].map(([s, apps]) => [s, apps.map((a) => a.name)])).toEqual([
      ['billing', ['billing-worker']],
      ['web', ['webapp', 'docs-preview']],
    ]);
    expect(unshardedApps(config).map((a) => a.name)).toEqual(['notifier']);
  });
});

describe('the sharding config', () => {
  test('fails when a group lists an app that does not exist', () => {
    const error = exampleConfigError((c) => (c.sharding = { groups: { web: ['webapp', 'web-app'] } }));
    expect(error.message).toMatch(/sharding\.groups\.web\[1\] = "web-app": no app of that name under apps/);
  });

  test('fails when an app is listed in two groups', () => {
    const error = exampleConfigError((c) => (c.sharding = { groups: { a: ['webapp'], b: ['notifier', 'webapp'] } }));
    expect(error.message).toMatch(/sharding\.groups\.b\[1\] = "webapp": the app is already in group 'a'/);
  });

  test('fails when a group name is not a DNS-1123 label', () => {
    const error = exampleConfigError((c) => (c.sharding = { groups: { Web_Apps: ['webapp'] } }));
    expect(error.message).toMatch(/sharding\.groups\.Web_Apps.*DNS-1123/);
  });

  test('fails when the shard count is not a whole number >= 1', () => {
    expect(exampleConfigError((c) => (c.sharding = { shards: 0 })).message).toMatch(/sharding\.shards = 0: must be at least 1/);
    expect(exampleConfigError((c) => (c.sharding = { shards: 2.5 })).message).toMatch(/sharding\.shards = 2\.5: must be a whole number/);
  });

  test('fails when both a shard count and groups are given', () => {
    const error = exampleConfigError((c) => (c.sharding = { shards: 2, groups: { web: ['webapp'] } }));
    expect(error.message).toMatch(/sharding = .*give exactly one of 'shards' \(a count\) or 'groups'/);
  });
});

describe('shard stacks', () => {
  const sharded = () => exampleConfigWith((c) => (c.sharding = { shards: 3 }));

  test('without sharding there are no shard stacks and the environment stack holds every app', () => {
    const { app, stacks } = buildTestLab();
    expect(appShardStacks(app)).toEqual([]);
    expect([...stacks.main.apps.keys()].sort()).toEqual(exampleConfig().apps.map((a) => a.name).sort());
  });

  test('with shards: 3, each environment gets stacks <env>-apps-0..2 holding every app exactly once', () => {
    const config = sharded();
    const { app, stacks } = buildTestLab(config);
    const shardStacks = appShardStacks(app);
    expect(shardStacks.map((s) => s.node.id).sort()).toEqual(
      ['main-apps-0', 'main-apps-1', 'main-apps-2', 'sandbox-apps-0', 'sandbox-apps-1', 'sandbox-apps-2'],
    );
    const mainApps = shardStacks.filter((s) => s.environment === 'main').flatMap((s) => [...s.apps.keys()]);
    expect(mainApps.sort()).toEqual(config.apps.map((a) => a.name).sort());
    expect(stacks.main.apps.size).toBe(0);
  });

  test('an app keeps its resource addresses when it moves into a shard (a state move, not a replace)', () => {
    const unsharded = resourceAddresses(exampleConfig());
    const addresses = resourceAddresses(sharded());
    const appAddresses = (list: string[]) => list.filter((a) => a.includes('.Apps_'));
    const fromShards = Object.entries(addresses).filter(([s]) => s.startsWith('main-apps-')).flatMap(([, a]) => a);
    expect(fromShards.sort()).toEqual(appAddresses(unsharded.main).sort());
    expect(appAddresses(addresses.main)).toEqual([]);
    // The platform's own resources stay where they were.
    expect(addresses.main).toEqual(unsharded.main.filter((a) => !a.includes('.Apps_')));
  });

  test('a shard stack talks to its environment Vault, has its own state and reads no other state', () => {
    const config = sharded();
    const { app } = buildTestLab(config);
    for (const stack of appShardStacks(app)) {
      const json = synthStack(stack);
      expect(json.provider?.vault[0].address).toBe(config.environments[stack.environment].vault.address);
      const prefix = stack.environment === 'sandbox' ? 'vault_sandbox' : 'vault_platform';
      expect(json.terraform?.backend).toEqual({ pg: { schema_name: `${prefix}_${stack.node.id.replace(/-/g, '_')}` } });
      expect(json.data ?? {}).toEqual({});
      expect(json.output ?? {}).toEqual({});
    }
  });

  test('shard apps use the environment engines by path: kvv2 in policies, kubernetes as the role backend', () => {
    const { app } = buildTestLab(sharded());
    const json = synthStack(appShardStacks(app).find((s) => s.apps.has('webapp'))!);
    const role = Object.values(json.resource?.vault_kubernetes_auth_backend_role ?? {}).find((r: any) => r.role_name === 'webapp') as any;
    expect(role.backend).toBe('kubernetes');
    const policy = Object.values(json.resource?.vault_policy ?? {}).find((p: any) => p.name === 'webapp') as any;
    expect(policy.policy).toContain('kvv2/data/webapp/config');
  });

  test('the synthesized manifest deploys each shard after its environment stack', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'shards-'));
    try {
      const app = new App({ outdir, skipValidation: false });
      buildLab(app, sharded());
      app.synth();
      const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
      expect(manifest.stacks['main-apps-1'].dependencies).toEqual(['main']);
      expect(manifest.stacks['sandbox-apps-2'].dependencies).toEqual(['sandbox']);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('npm run shards', () => {
  const root = path.join(__dirname, '..');
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shards-cli-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function writeConfig(name: string, sharding: unknown): string {
    const raw = JSON.parse(JSON.stringify(exampleConfig()));
    raw.sharding = sharding;
    const file = path.join(dir, name);
    fs.writeFileSync(file, stringify(raw));
    return file;
  }

  test('lists the apps that change stack between two configs and exits with status 1', () => {
    // GIVEN the deployed config groups webapp alone, and the new one moves notifier in with it
    const before = writeConfig('before.yaml', { groups: { web: ['webapp'] } });
    const after = writeConfig('after.yaml', { groups: { web: ['webapp', 'notifier'] } });
    // WHEN they are compared
    const result = spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/shards.ts', '--compare', before], {
      cwd: root,
      env: { ...process.env, LAB_CONFIG: after },
      encoding: 'utf8',
    });
    // THEN only notifier is reported, with both stacks
    expect(result.stdout).toMatch(/main-apps-web \(2\): webapp, notifier/);
    expect(result.stdout).toMatch(/1 app\(s\) change stack/);
    expect(result.stdout).toMatch(/notifier: main -> main-apps-web/);
    expect(result.stdout).not.toMatch(/webapp: /);
    expect(result.status).toBe(1);
  });
});

