import { Construct } from 'constructs';
import { AppConfig, ClusterEnvironmentName, LabConfig } from '../config/schema';
import { AppSecretsModule } from '../constructs/app-secrets-module';
import { ICiJwtAuthBackend } from '../constructs/ci-jwt-auth-backend';
import { GiteaCicdRole } from '../constructs/gitea-cicd-role';
import { IKubernetesAuthBackend } from '../constructs/kubernetes-auth-backend';
import { IKvV2Mount } from '../constructs/kv-v2-mount';
import { composeDelivery, VSO_TOKEN_PERIOD_SECONDS } from './compose-delivery';
import { PostgresEngineRefs } from './postgres-engine';
import { addPostgresRoles } from './postgres-app';
import { addSecretContract } from './secret-contracts';

/**
 * What an app's constructs need from the Vault they live in. The stack that owns the engines passes
 * its own constructs; a stack holding only apps can pass imports (`KvV2Mount.fromMountPath`).
 */
export interface VaultPlatformRefs {
  readonly environment: ClusterEnvironmentName;
  readonly config: LabConfig;
  readonly kv: IKvV2Mount;
  readonly kubernetesAuth: IKubernetesAuthBackend;
  /** The forge's JWT auth method: each app gets `gitea_cicd_<app>` there. @default - no CI roles */
  readonly ciAuth?: ICiJwtAuthBackend;
  /** The `postgres` database engine and its connections; absent when no app uses PostgreSQL. */
  readonly postgres?: PostgresEngineRefs;
}

/** ESO logs in on every reconcile and revokes the token after: it never needs to renew one. */
const ESO_TOKEN_MAX_TTL_SECONDS = 3600;

/**
 * Builds everything one app of the config needs in one Vault. The construct id is the app name under
 * the given scope, so an app's resource addresses never depend on its position in the list.
 */
export function composeApp(scope: Construct, app: AppConfig, platform: VaultPlatformRefs): AppSecretsModule {
  const module = new AppSecretsModule(scope, app.name, {
    appName: app.name,
    namespace: app.namespace,
    serviceAccountName: app.serviceAccount,
    kv: platform.kv,
    kubernetesAuth: platform.kubernetesAuth,
    // VSO renews a periodic token forever; a max TTL would expire it and restart every workload at
    // once. ESO logs in per reconcile and revokes, so its role keeps the plain TTL.
    tokenPeriod: app.delivery === 'vso' ? VSO_TOKEN_PERIOD_SECONDS : undefined,
    tokenMaxTtl: app.delivery === 'vso' ? undefined : ESO_TOKEN_MAX_TTL_SECONDS,
  });
  // Registers delivered secrets: keep it before anything that composes delivery.
  addSecretContract(module, app);
  if (platform.ciAuth && !app.ci?.disabled) {
    new GiteaCicdRole(module, 'GiteaCicdRole', {
      appName: app.name,
      backend: platform.ciAuth,
      policies: [module.opsPolicy],
      repository: app.repository,
      repositoryId: app.ci?.repositoryId,
      // The app template also runs by hand (workflow_dispatch) after the config secret changes.
      trigger: { kind: 'push', refs: app.ci?.refs ?? ['refs/heads/main'], events: ['push', 'workflow_dispatch'] },
      refProtected: app.ci?.refProtected ?? false,
    });
  }
  addPostgresRoles(module, app, platform);
  // Delivery reads module.deliveredSecrets: keep it after every addDeliveredSecret.
  composeDelivery(module, app, platform.config, platform.environment);
  return module;
}
