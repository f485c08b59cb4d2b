import { Construct } from 'constructs';
import { AppConfig, ClusterEnvironmentName, LabConfig } from '../config/schema';
import { AppSecretsModule } from '../constructs/app-secrets-module';
import { IKubernetesAuthBackend } from '../constructs/kubernetes-auth-backend';
import { IKvV2Mount } from '../constructs/kv-v2-mount';
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
}

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
  });
  // Registers delivered secrets: keep it before anything that composes delivery.
  addSecretContract(module, app);
  return module;
}
