import { Aspects, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { PRODUCTION_ENVIRONMENTS, productionEndpoints, productionHumanLogins, stateLocation } from '../config/isolation';
import { CLUSTER_ENVIRONMENTS, ClusterEnvironmentName, LabConfig } from '../config/schema';
import { DEFAULT_CI_AUTH_PATH } from '../config/schema-ci';
import { LeastPrivilegeRules } from './least-privilege-pack';
import { LeastPrivilegeRulesProps } from './rule-pack';
import { SandboxIsolation, SandboxIsolationProps } from './sandbox-isolation';

/**
 * Applies the least-privilege rule pack to every stack of the lab and the isolation checks to
 * every sandbox stack (a stack whose `environment` is `sandbox`). Call it after all stacks exist.
 */
export function applyLabRules(scope: IConstruct, config: LabConfig): void {
  const packs = new Map<string | undefined, LeastPrivilegeRules>();
  for (const stack of scope.node.findAll().filter(TerraformStack.isStack)) {
    const environment = (stack as { environment?: unknown }).environment;
    const key = CLUSTER_ENVIRONMENTS.find((e) => e === environment);
    if (!packs.has(key)) packs.set(key, new LeastPrivilegeRules(leastPrivilegeRulesProps(config, key)));
    Aspects.of(stack).add(packs.get(key)!);
    if (environment === 'sandbox') Aspects.of(stack).add(new SandboxIsolation(sandboxIsolationProps(config)));
  }
}

/** The rule pack's settings from the lab config, for a stack of `environment` (none: the QNAP Vault's). */
export function leastPrivilegeRulesProps(config: LabConfig, environment?: ClusterEnvironmentName): LeastPrivilegeRulesProps {
  const oidc = environment && config.environments[environment].ci.oidc;
  return {
    ceilings: { ...config.policy?.ceilings, configuredAt: 'policy.ceilings' },
    ciAuth: oidc
      ? { [oidc.authPath ?? DEFAULT_CI_AUTH_PATH]: { profile: oidc.claims?.profile ?? 'forgejo', configuredAt: `environments.${environment}.ci.oidc.claims` } }
      : {},
    secretOperators: Object.fromEntries(config.apps.map((a) => [a.name, a.delivery])),
  };
}

/** What production is, from the lab config: its endpoints, its people's logins and the state locations of `qnap` and `main`. */
export function sandboxIsolationProps(config: LabConfig): SandboxIsolationProps {
  return {
    productionEndpoints: productionEndpoints(config),
    productionHumanLogins: productionHumanLogins(config),
    productionStateLocations: PRODUCTION_ENVIRONMENTS.map((env) => ({ location: stateLocation(config.environments[env].state), configuredAt: `environments.${env}.state` })),
  };
}
