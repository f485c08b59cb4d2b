import { Aspects, TerraformStack } from 'cdktf';
import { ClusterEnvironmentName, LabConfig } from '../config/schema';
import { PLATFORM_CI_NAMES, PLATFORM_CI_POLICIES } from '../config/platform-names';
import { claimNamesOf, DEFAULT_CI_AUTH_PATH } from '../config/schema-ci';
import { CiJwtAuthBackend, ICiJwtAuthBackend } from '../constructs/ci-jwt-auth-backend';
import { GiteaCicdRole } from '../constructs/gitea-cicd-role';
import { PolicyDocument } from '../constructs/policy/policy-document';
import { VaultPolicy } from '../constructs/vault-policy';
import { CiLogin } from './vault-provider';
import { PlatformPolicyAspect, PROVIDER_BASE_RULES } from './platform-policy';

export const PLATFORM_DEPLOY_ROLE = `gitea_cicd_${PLATFORM_CI_NAMES.deploy}`;
export const PLATFORM_DIFF_ROLE = `gitea_cicd_${PLATFORM_CI_NAMES.diff}`;

/** The auth path and roles CI logs in with for an environment's stack, or undefined without `ci.platform`. */
export function platformCiLogin(config: LabConfig, environment: ClusterEnvironmentName): CiLogin | undefined {
  if (!config.ci) return undefined;
  return { mount: config.environments[environment].ci.oidc.authPath ?? DEFAULT_CI_AUTH_PATH, roles: [PLATFORM_DEPLOY_ROLE, PLATFORM_DIFF_ROLE] };
}

/** The forge's JWT auth method of one environment, from `environments.<env>.ci.oidc`. */
export function addCiJwtAuthBackend(stack: TerraformStack, config: LabConfig, environment: ClusterEnvironmentName): CiJwtAuthBackend {
  const oidc = config.environments[environment].ci.oidc;
  return new CiJwtAuthBackend(stack, 'CiAuth', {
    issuer: oidc.issuer,
    audiences: oidc.audiences,
    discoveryUrl: oidc.discoveryUrl,
    jwksUrl: oidc.jwksUrl,
    mountPath: oidc.authPath ?? DEFAULT_CI_AUTH_PATH,
    claims: claimNamesOf(oidc.claims),
  });
}

export interface PlatformCi {
  readonly deployPolicy: VaultPolicy;
  readonly diffPolicy: VaultPolicy;
  readonly deployRole: GiteaCicdRole;
  readonly diffRole: GiteaCicdRole;
  readonly aspect: PlatformPolicyAspect;
}

/**
 * This project's own CI in one Vault: `gitea_cicd_platform` (push to the deploy refs, policy
 * `platform-deploy`: what deploying this stack needs) and `gitea_cicd_platform-diff` (pull requests
 * into main, policy `platform-diff`: the read-only share, for `cdktf diff`). Both policies are derived
 * from the stack's resources when it is complete.
 */
export function addPlatformCi(stack: TerraformStack, config: LabConfig, backend: ICiJwtAuthBackend): PlatformCi | undefined {
  const platform = config.ci?.platform;
  if (!platform) return undefined;
  // No app can hold these names: the config refuses them (config/platform-names.ts RESERVED_APP_NAMES).
  // Both start with what the provider itself calls; the aspect adds the stack's resources at synthesis.
  const deployPolicy = new VaultPolicy(stack, 'PlatformDeployPolicy', { policyName: PLATFORM_CI_POLICIES.deploy, document: new PolicyDocument(PROVIDER_BASE_RULES) });
  const diffPolicy = new VaultPolicy(stack, 'PlatformDiffPolicy', { policyName: PLATFORM_CI_POLICIES.diff, document: new PolicyDocument(PROVIDER_BASE_RULES) });
  const deployRole = new GiteaCicdRole(stack, 'PlatformDeployRole', {
    appName: PLATFORM_CI_NAMES.deploy,
    backend,
    policies: [deployPolicy],
    repository: platform.repository,
    repositoryId: platform.repositoryId,
    trigger: { kind: 'push', refs: platform.refs ?? ['refs/heads/main'] },
    // Bound by default where the forge sends the claim (config/ci-checks.ts refuses an explicit true elsewhere).
    refProtected: platform.refProtected ?? backend.claims.refProtected !== undefined,
  });
  const diffRole = new GiteaCicdRole(stack, 'PlatformDiffRole', {
    appName: PLATFORM_CI_NAMES.diff,
    backend,
    policies: [diffPolicy],
    repository: platform.repository,
    repositoryId: platform.repositoryId,
    trigger: { kind: 'pull_request', baseBranches: ['main'] },
  });
  const aspect = new PlatformPolicyAspect(stack, deployPolicy, diffPolicy);
  Aspects.of(stack).add(aspect);
  return { deployPolicy, diffPolicy, deployRole, diffRole, aspect };
}
