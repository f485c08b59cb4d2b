import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { AppConfig, ClusterEnvironmentName, LabConfig } from '../config/schema';
import { AppSecretsModule } from '../constructs/app-secrets-module';
import { EsoDelivery } from '../constructs/eso-delivery';
import { DeliveryOutput } from '../constructs/kubernetes-objects';
import { VsoDelivery } from '../constructs/vso-delivery';

/** VSO renews periodic tokens for as long as the VaultAuth exists; a day bounds an orphaned token. */
export const VSO_TOKEN_PERIOD_SECONDS = 24 * 3600;

/** Where an environment's delivery objects go; GitOps files are `manifests/<env>/<name>.yaml`. */
export function deliveryOutput(config: LabConfig, environment: ClusterEnvironmentName, name: string): DeliveryOutput {
  const mode = config.environments[environment].delivery?.mode ?? 'terraform';
  return mode === 'terraform' ? { mode } : { mode, file: `manifests/${environment}/${name}.yaml` };
}

/**
 * The environment-wide part of delivery, added to the Vault configuration stack: the kubernetes
 * provider (context from the config; the kubeconfig file comes from `KUBE_CONFIG_PATH`).
 */
export function addDeliveryPlatform(stack: Construct, config: LabConfig, environment: ClusterEnvironmentName): void {
  new KubernetesProvider(stack, 'kubernetes', { configContext: config.environments[environment].kubernetes.context });
}

/**
 * An app's delivery, as construct `Delivery` under its module. Call it after every
 * `addDeliveredSecret`: it delivers the module's secrets as they are at that moment.
 */
export function composeDelivery(module: AppSecretsModule, app: AppConfig, config: LabConfig, environment: ClusterEnvironmentName): VsoDelivery | EsoDelivery {
  const env = config.environments[environment];
  const output = deliveryOutput(config, environment, app.name);
  const common = { app: module, createServiceAccount: app.createServiceAccount, refreshInterval: app.refreshInterval, output };
  if (app.delivery === 'eso') {
    if (app.postgres) {
      // ESO revokes its login token after each read, and the database lease would go with it.
      Annotations.of(module).addWarning(
        `app '${app.name}' has postgres but delivery: eso; its dynamic database login is not delivered to the cluster (use delivery: vso, or let the app log in to Vault itself)`,
      );
    }
    return new EsoDelivery(module, 'Delivery', { ...common, vaultAddress: env.vault.address, vaultCaSecret: env.delivery?.vaultCaSecret });
  }
  // The Vault address and CA come from the operator's default VaultConnection (addSecretOperators).
  return new VsoDelivery(module, 'Delivery', {
    ...common,
    rolloutRestartTargets: app.rolloutRestartTargets,
    postgres: app.postgres ? {} : undefined,
  });
}
