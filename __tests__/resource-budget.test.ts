import { TerraformStack } from 'cdktf';
import { LabConfig } from '../config/schema';
import { generateFleetConfig } from '../scripts/fleet';
import { APP_DATA_SOURCE_BUDGET, APP_RESOURCE_BUDGET, appCosts } from '../stacks/resource-budget';
import { buildTestLab, exampleConfig, synthStack } from './support/synth';

function labStacks(config: LabConfig): TerraformStack[] {
  const { app } = buildTestLab(config);
  return app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
}

/** Data sources of every kind (remote state included) in the synthesized JSON of the whole lab. */
function countData(stacks: readonly TerraformStack[]): number {
  return stacks
    .map((s) => synthStack(s).data ?? {})
    .reduce((n, data) => n + Object.values(data).reduce((m, byId) => m + Object.keys(byId).length, 0), 0);
}

describe('the generated fleet', () => {
  test('gives every app every optional setting an example app uses, and alternates delivery', () => {
    const example = exampleConfig();
    const fleet = generateFleetConfig(4, example);
    const optionalKeys = new Set(example.apps.flatMap((a) => Object.keys(a)));
    for (const key of ['name', 'namespace', 'serviceAccount', 'repository', 'delivery']) optionalKeys.delete(key);
    expect(optionalKeys.size).toBeGreaterThan(0);
    for (const app of fleet.apps) {
      // ESO restarts no workloads: the config refuses restart targets on an ESO app.
      const expected = [...optionalKeys].filter((k) => !(app.delivery === 'eso' && k === 'rolloutRestartTargets'));
      expect(Object.keys(app)).toEqual(expect.arrayContaining(expected));
    }
    const deliveries = fleet.apps.map((a) => a.delivery);
    expect(new Set(deliveries)).toEqual(new Set(['vso', 'eso']));
    deliveries.slice(1).forEach((d, i) => expect(d).not.toBe(deliveries[i]));
    expect(new Set(fleet.apps.map((a) => a.postgres?.database)).size).toBe(4);
  });
});

describe('the per-app resource budget', () => {
  test(`every app of a generated fleet with all features on costs at most ${APP_RESOURCE_BUDGET} resources and ${APP_DATA_SOURCE_BUDGET} data sources per environment`, () => {
    // GIVEN a fleet where every app uses every feature of the example lab
    const config = generateFleetConfig(6);
    // WHEN the whole lab is synthesized
    const costs = appCosts(labStacks(config));
    // THEN each app has resources in both environments, within budget
    for (const environment of ['main', 'sandbox']) {
      const apps = costs.get(environment);
      expect([...(apps?.keys() ?? [])].sort()).toEqual(config.apps.map((a) => a.name).sort());
      for (const [app, cost] of apps!) {
        expect({ environment, app, overBudget: cost.resources > APP_RESOURCE_BUDGET }).toEqual({ environment, app, overBudget: false });
        expect({ environment, app, dataSources: cost.dataSources }).toEqual({ environment, app, dataSources: APP_DATA_SOURCE_BUDGET });
      }
    }
  });

  test('the number of data sources in the lab does not grow with the number of apps', () => {
    expect(countData(labStacks(generateFleetConfig(8)))).toBe(countData(labStacks(generateFleetConfig(2))));
  });

  test('sharding adds no per-app or per-shard data source', () => {
    const base = generateFleetConfig(9);
    const sharded = { ...base, sharding: { shards: 3 } };
    const stacks = labStacks(sharded);
    expect(stacks.map((s) => s.node.id)).toEqual(expect.arrayContaining(['main-apps-0', 'main-apps-1', 'main-apps-2']));
    expect(countData(stacks)).toBe(countData(labStacks(base)));
    const costs = appCosts(stacks).get('main')!;
    expect(costs.size).toBe(9);
    for (const cost of costs.values()) expect(cost.dataSources).toBe(0);
  });
});
