import { TerraformDataSource, TerraformResource, TerraformStack } from 'cdktf';

/**
 * What one app may cost, per environment, with every feature on. Each managed resource is a Vault
 * API read on every plan and a line in every state; each data source is an API call on every plan
 * that no state caches. Raise this only with a reason recorded in docs/performance.md.
 */
export const APP_RESOURCE_BUDGET = 8;
/** Data sources per app: none. Platform objects are imported by path, never looked up. */
export const APP_DATA_SOURCE_BUDGET = 0;

export interface AppCost {
  readonly resources: number;
  readonly dataSources: number;
}

/**
 * Resources and data sources per environment and app, counted by construct path `Apps/<app>/…`
 * inside each stack. A stack belongs to the environment its name starts with (`main`,
 * `main-cluster`, `main-apps-0` are all `main`).
 */
export function appCosts(stacks: readonly TerraformStack[]): Map<string, Map<string, AppCost>> {
  const result = new Map<string, Map<string, AppCost>>();
  for (const stack of stacks) {
    const environment = stack.node.id.split('-')[0];
    const stackDepth = stack.node.scopes.length;
    for (const construct of stack.node.findAll()) {
      const kind = TerraformResource.isTerraformResource(construct)
        ? 'resources'
        : TerraformDataSource.isTerraformDataSource(construct)
          ? 'dataSources'
          : undefined;
      if (!kind) continue;
      const [namespace, app] = construct.node.scopes.slice(stackDepth).map((s) => s.node.id);
      if (namespace !== 'Apps' || app === undefined) continue;
      const apps = result.get(environment) ?? new Map<string, AppCost>();
      result.set(environment, apps);
      const cost = apps.get(app) ?? { resources: 0, dataSources: 0 };
      apps.set(app, { ...cost, [kind]: cost[kind] + 1 });
    }
  }
  return result;
}
