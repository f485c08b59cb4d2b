import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AppConfig } from '../config/schema';
import { generatedVersion, loadAppSecretContract } from '../config/secret-contract';
import { AppSecretsModule } from '../constructs/app-secrets-module';
import { ContractSecret } from '../constructs/contract-secret';

/**
 * KV folder (under the app's prefix) holding each generated value on its own. `_` is not allowed in
 * a DNS-1123 name, so no contract secret can collide with it.
 */
export const GENERATED_FOLDER = '_generated';

/**
 * Adds an app's SecretContract (if the config names one): each contract secret becomes the KV v2
 * secret `<app>/<secret>`, readable by the app's runtime policy and delivered by the app's operator
 * as the Kubernetes Secret `<secret>` in the app's namespace. Call it before delivery is composed.
 */
export function addSecretContract(app: AppSecretsModule, config: AppConfig): void {
  const contract = loadAppSecretContract(config);
  if (!contract) return;
  ensureRandomProvider(TerraformStack.of(app));
  const scope = new Construct(app, 'SecretContract');
  for (const secret of contract.secrets) {
    app.addDeliveredSecret(secret.name, secret.name);
    new ContractSecret(scope, secret.name, {
      kv: app.kv,
      secretPath: app.secretPath(secret.name),
      generatedPath: app.secretPath(`${GENERATED_FOLDER}/${secret.name}`),
      staticKeys: secret.staticData,
      generatedKeys: secret.generated.map((g) => ({ ...g, version: generatedVersion(config, secret.name, g.key) })),
    });
  }
}

/**
 * The stack's random provider (it has no settings), created once. cdktf pins it, like every provider,
 * to the exact release the bindings were generated for (@cdktf/provider-random 12.0.1: 3.7.2), which
 * has `ephemeral "random_password"` (new in 3.7.0, hashicorp/terraform-provider-random CHANGELOG.md).
 */
function ensureRandomProvider(stack: TerraformStack): void {
  if (stack.node.tryFindChild('random')) return;
  new RandomProvider(stack, 'random');
}
