import { GenericEndpoint } from '@cdktf/provider-vault/lib/generic-endpoint';
import { Construct } from 'constructs';
import { invalidProp, requireLiteral } from './private/errors';
import { DNS1123_LABEL_RULE, isDns1123Label } from './names';
import { IKubernetesAuthBackend } from './kubernetes-auth-backend';
import { KubernetesAuthRole } from './kubernetes-auth-role';
import { IKvV2Mount, KvV2Mount } from './kv-v2-mount';
import { VaultPolicy } from './vault-policy';

/**
 * Token lifetimes of a consumer's role, on whichever Vault serves it: VSO renews the token while the
 * VaultStaticSecret exists; a stale one dies within the period.
 * @internal
 */
export const INFRA_CONSUMER_TOKEN = { tokenTtl: 900, tokenPeriod: 3600 } as const;

/** Properties of an {@link InfraSecretConsumer}. */
export interface InfraSecretConsumerProps {
  /** The KV v2 engine holding infrastructure secrets. */
  readonly kv: IKvV2Mount;
  /** Consumer name: policy `infra-<name>`, Kubernetes auth role `<name>`. */
  readonly consumerName: string;
  /** Path of the one secret it reads, inside the mount, e.g. `dns/provider`. */
  readonly secretPath: string;
  /** Kubernetes auth backend (on this Vault) that trusts the consumer's cluster. */
  readonly kubernetesAuth: IKubernetesAuthBackend;
  /** Namespace of the consumer's ServiceAccount. */
  readonly namespace: string;
  /** The consumer's ServiceAccount (VSO logs in as it). */
  readonly serviceAccountName: string;
  /** Audience the ServiceAccount token must carry. @default 'vault' */
  readonly audience?: string;
}

/**
 * One reader of one infrastructure secret: a policy that reads exactly that secret, a Kubernetes auth
 * role bound to exactly one ServiceAccount, and the secret's KV v2 metadata (who reads it, who writes
 * it). The value is never managed here: operators write it with `vault kv put`.
 */
export class InfraSecretConsumer extends Construct {
  /** Consumer name: policy `infra-<name>`, Kubernetes auth role `<name>`. */
  public readonly consumerName: string;
  /** Path of the secret it reads, inside the mount. */
  public readonly secretPath: string;
  /** Mount path of the KV v2 engine holding the secret. */
  public readonly mountPath: string;
  /** Policy `infra-<name>`, which reads exactly the secret. */
  public readonly policy: VaultPolicy;
  /** Kubernetes auth role `<name>`, bound to exactly the consumer's ServiceAccount. */
  public readonly role: KubernetesAuthRole;
  /** The secret's KV v2 metadata (who reads it, who writes it). */
  public readonly metadata: GenericEndpoint;

  public constructor(scope: Construct, id: string, props: InfraSecretConsumerProps) {
    super(scope, id);
    const name = 'InfraSecretConsumer';
    requireLiteral(name, 'consumerName', props.consumerName);
    requireLiteral(name, 'secretPath', props.secretPath);
    if (!isDns1123Label(props.consumerName)) {
      throw new Error(invalidProp(name, 'consumerName', props.consumerName, `must be ${DNS1123_LABEL_RULE}`));
    }
    if (!/^[a-z0-9][a-z0-9_.\-]*(\/[a-z0-9][a-z0-9_.\-]*)*$/.test(props.secretPath)) {
      throw new Error(invalidProp(name, 'secretPath', props.secretPath, "must be an exact path such as 'dns/provider': lowercase segments, no globs"));
    }
    this.consumerName = props.consumerName;
    this.secretPath = props.secretPath;
    this.mountPath = props.kv.mountPath;

    this.policy = new VaultPolicy(this, 'Policy', { policyName: `infra-${props.consumerName}` });
    props.kv.grantRead(this.policy, props.secretPath);

    this.role = new KubernetesAuthRole(this, 'Role', {
      backend: props.kubernetesAuth,
      roleName: props.consumerName,
      serviceAccountNames: [props.serviceAccountName],
      namespaces: [props.namespace],
      policies: [this.policy],
      audience: props.audience,
      ...INFRA_CONSUMER_TOKEN,
    });

    // Metadata only: creating it writes no version. Deleting metadata would destroy every version of
    // the value, so Terraform never deletes it.
    this.metadata = new GenericEndpoint(this, 'Metadata', {
      path: props.kv.metadataPath(props.secretPath),
      dataJson: JSON.stringify({
        custom_metadata: {
          reader: `${props.namespace}/${props.serviceAccountName}`,
          written_by: 'operator: vault kv put (never Terraform)',
        },
      }),
      disableRead: true,
      disableDelete: true,
      // The endpoint exists once the engine is mounted (the path stays the literal that policies grant);
      // an imported engine exists already.
      dependsOn: props.kv instanceof KvV2Mount ? [props.kv.mount] : undefined,
    });
  }
}
