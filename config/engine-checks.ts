import * as path from 'path';
import type { ConfigIssue } from './issues';
import { DEFAULT_ENGINE, ENGINE_BINARY_ENV, ENGINES, EngineName, TerraformSettingsConfig } from './schema-engine';

/**
 * The engine the config names against the program cdktf will run: `TERRAFORM_BINARY_NAME`, else
 * `terraform` (hashicorp/terraform-cdk packages/@cdktf/commons/src/terraform.ts). The cdktf CLI runs
 * the app with its own environment, so synthesis sees the variable a `cdktf deploy` will use; a
 * mismatch would plan and apply the stacks with an engine the lab does not use. A program that is
 * no engine's (by file name) is left to the operator.
 */
export function engineEnvironmentIssues(settings: TerraformSettingsConfig | undefined, env: NodeJS.ProcessEnv): ConfigIssue[] {
  const configured = settings?.engine ?? DEFAULT_ENGINE;
  const program = env[ENGINE_BINARY_ENV] || ENGINES[DEFAULT_ENGINE].binary;
  const running = (Object.keys(ENGINES) as EngineName[]).find((e) => ENGINES[e].binary === path.basename(program));
  if (running === undefined || running === configured) return [];
  const shown = env[ENGINE_BINARY_ENV] ? `${ENGINE_BINARY_ENV}=${env[ENGINE_BINARY_ENV]}` : `${ENGINE_BINARY_ENV} unset`;
  const fix = configured === DEFAULT_ENGINE ? `unset ${ENGINE_BINARY_ENV}` : `set ${ENGINE_BINARY_ENV}=${ENGINES[configured].binary}`;
  return [
    {
      path: 'terraform.engine',
      value: configured,
      message: `cdktf would run ${ENGINES[running].product} (${shown}), not ${ENGINES[configured].product}; ${fix}, or change terraform.engine if the lab moves to ${ENGINES[running].product} (docs/ci.md#terraform-or-opentofu)`,
    },
  ];
}
