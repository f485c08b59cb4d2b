import { KvSecretV2 } from '@cdktf/provider-vault/lib/kv-secret-v2';
import { Fn, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { LabConfig } from '../config/schema';
import { BOOTSTRAP_DEFAULTS, BootstrapConsumerConfig, consumerServiceAccount } from '../config/schema-bootstrap';
import { INFRA_MIGRATION_DEFAULTS } from '../config/schema-infra-migration';
import { EphemeralResource } from '../constructs/ephemeral-resource';
import { INFRA_CONSUMER_TOKEN } from '../constructs/infra-secret-consumer';
import { IKubernetesAuthBackend } from '../constructs/kubernetes-auth-backend';
import { KubernetesAuthRole } from '../constructs/kubernetes-auth-role';
import { KvV2Mount } from '../constructs/kv-v2-mount';
import { TerraformExpression } from '../constructs/terraform-expression';
import { VaultPolicy } from '../constructs/vault-policy';
import { BOOTSTRAP_NAMES } from './bootstrap-names';
import { ephemeralSecretVariable } from './ephemeral-variable';
import { addVaultProvider } from './vault-provider';

/** `TF_VAR_qnap_migration_token`: a QNAP Vault token that reads the secrets being copied. */
export const QNAP_MIGRATION_TOKEN_VARIABLE = 'qnap_migration_token';
/** What the QNAP provider sends while `TF_VAR_qnap_migration_token` is unset: never another Vault's token. */
const UNSET_QNAP_MIGRATION_TOKEN = 'unset-TF_VAR_qnap_migration_token';
/** Alias of the QNAP Vault's provider in the `main` stack, while a consumer is copied. */
export const QNAP_PROVIDER_ALIAS = 'qnap';

/** A bootstrap consumer served by the main Vault. */
export interface MovedInfraSecret {
  readonly consumerName: string;
  /** Path of its secret inside the mount, as on the QNAP Vault. */
  readonly secretPath: string;
  readonly migration: 'copy' | 'done';
  /** Policy `infra-<name>`, which reads exactly the secret. */
  readonly policy: VaultPolicy;
  /** Kubernetes auth role `<name>`, bound to exactly the consumer's ServiceAccount. */
  readonly role: KubernetesAuthRole;
}

/** What {@link addInfraMigration} adds to the `main` stack. */
export interface InfraMigrationRefs {
  /** The KV v2 engine holding the moved secrets. */
  readonly kv: KvV2Mount;
  readonly consumers: readonly MovedInfraSecret[];
}

/**
 * The main Vault's side of moving infrastructure secrets off the QNAP Vault
 * (docs/runbook.md#moving-infrastructure-secrets-to-the-main-vault), when
 * `environments.main.infraSecrets` is set: its KV v2 engine and, per moved consumer, the same
 * identity as on the QNAP (policy `infra-<name>` reading exactly its secret, role `<name>` bound to
 * exactly its ServiceAccount).
 *
 * While a consumer is in `copy`, the value is read from the QNAP Vault by an ephemeral resource and
 * written through the write-only `data_json_wo`: it reaches neither plan nor state. In `done` the
 * writer leaves the configuration through a `removed` block that forgets it, since destroying a
 * `vault_kv_secret_v2` soft-deletes the secret's current version (hashicorp/terraform-provider-vault
 * vault/resource_kv_secret_v2.go, kvSecretV2Delete): main keeps its copy, and the stack no longer
 * reads the QNAP Vault.
 */
export function addInfraMigration(stack: TerraformStack, config: LabConfig, kubernetesAuth: IKubernetesAuthBackend): InfraMigrationRefs | undefined {
  const target = config.environments.main.infraSecrets;
  if (target === undefined) return undefined;
  const root = new Construct(stack, 'InfraSecrets');
  const kv = new KvV2Mount(root, 'Kv', { mountPath: target.mountPath ?? INFRA_MIGRATION_DEFAULTS.mountPath, description: 'Infrastructure secrets moved from the QNAP Vault' });

  const moving = config.environments.qnap.bootstrap.consumers.filter((c) => c.migration !== undefined);
  const readFromQnap = moving.some((c) => c.migration === 'copy') ? qnapReader(stack, config) : undefined;
  const consumersScope = new Construct(root, 'Consumers');
  const consumers: MovedInfraSecret[] = [];
  const forgotten: string[] = [];
  for (const consumer of moving) {
    const scope = new Construct(consumersScope, consumer.name);
    const policy = new VaultPolicy(scope, 'Policy', { policyName: `infra-${consumer.name}` });
    kv.grantRead(policy, consumer.kvPath);
    const role = new KubernetesAuthRole(scope, 'Role', {
      backend: kubernetesAuth,
      roleName: consumer.name,
      serviceAccountNames: [consumerServiceAccount(consumer)],
      namespaces: [consumer.namespace],
      policies: [policy],
      audience: BOOTSTRAP_NAMES.vaultAudience,
      ...INFRA_CONSUMER_TOKEN,
    });
    consumers.push({ consumerName: consumer.name, secretPath: consumer.kvPath, migration: consumer.migration!, policy, role });
    const copy = new KvSecretV2(scope, 'Copy', {
      mount: kv.mountPath,
      name: consumer.kvPath,
      dataJsonWo: consumer.migration === 'copy' ? readFromQnap?.(scope, consumer) : undefined,
      // Written once; Terraform never reads the value back into state.
      dataJsonWoVersion: 1,
      disableRead: true,
      dependsOn: [kv.mount],
    });
    if (consumer.migration === 'done') {
      // The writer is built only for its address (the one it had in `copy`), then left out.
      forgotten.push(TerraformExpression.address(copy));
      scope.node.tryRemoveChild(copy.node.id);
    }
  }
  if (forgotten.length > 0) {
    // `removed` with destroy = false: Terraform >= 1.7, OpenTofu >= 1.10 (opentofu/opentofu#2628;
    // before it OpenTofu forgot by default and refused the lifecycle block).
    stack.addOverride('removed', forgotten.map((from) => ({ from, lifecycle: { destroy: false } })));
  }
  return { kv, consumers };
}

/**
 * A second Vault provider in the stack, for the QNAP Vault, logged in with the ephemeral
 * `TF_VAR_qnap_migration_token` (provider blocks take ephemeral values); returns, per consumer, the
 * write-only JSON of its secret as read there.
 */
function qnapReader(stack: TerraformStack, config: LabConfig): (scope: Construct, consumer: BootstrapConsumerConfig) => string {
  const qnap = config.environments.qnap;
  const provider = addVaultProvider(stack, qnap.vault, { id: 'qnap-vault', alias: QNAP_PROVIDER_ALIAS });
  // Read only when the copy is opened, at apply: a plan (a pull request's `cdktf diff`) neither needs
  // nor reads it. An empty token would make the provider fall back to VAULT_TOKEN or the token helper
  // (hashicorp/terraform-provider-vault internal/provider/meta.go, GetToken), sending the operator's
  // main Vault token to the QNAP: unset, it is a placeholder the QNAP refuses instead.
  const token = ephemeralSecretVariable(
    stack,
    QNAP_MIGRATION_TOKEN_VARIABLE,
    'A QNAP Vault token that reads the infrastructure secrets being copied to the main Vault (consumers in migration: copy)',
  );
  provider.token = Fn.coalesce([token.stringValue, UNSET_QNAP_MIGRATION_TOKEN]);
  // The token itself reads the secret: otherwise the provider first derives a child token through
  // auth/token/create (hashicorp/terraform-provider-vault internal/provider/meta.go, createChildToken),
  // which Vault's default policy does not allow, so a token of the consumer's own read-only policy
  // `infra-<name>` would be refused and only a far broader QNAP token would do.
  provider.skipChildToken = true;
  const qnapMount = qnap.bootstrap.infraKvPath ?? BOOTSTRAP_DEFAULTS.infraKvPath;
  return (scope, consumer) => {
    const read = new EphemeralResource(scope, 'QnapValue', {
      type: 'vault_kv_secret_v2',
      config: {
        provider: `vault.${QNAP_PROVIDER_ALIAS}`,
        mount: qnapMount,
        name: consumer.kvPath,
        // Known only at apply, so the value is read at apply only and never by a plan (hashicorp/
        // terraform-provider-vault website/docs/ephemeral-resources/kv_secret_v2.html.md, mount_id).
        mount_id: TerraformExpression.unknownUntilApply().interpolation(),
      },
    });
    // `data`, the secret's keys and string values, is what the provider's own test reads back
    // (internal/vault/secrets/ephemeral/kv_secret_v2_test.go); infrastructure secrets are strings.
    return TerraformExpression.call('jsonencode', read.attribute('data')).interpolation();
  };
}
