import { createHash } from 'crypto';
import { KvSecretV2 } from '@cdktf/provider-vault/lib/kv-secret-v2';
import { Construct } from 'constructs';
import { EphemeralResource } from './ephemeral-resource';
import { invalidProp, requireLiteral } from './private/errors';
import { MOUNT_PATH } from './names';
import { IKvV2Mount, KvV2Mount } from './kv-v2-mount';
import { GeneratedValue, GeneratorKind } from './secret-generator';
import { escapeTemplateMarkers, TerraformExpression } from './terraform-expression';

/** A key of a contract secret with a fixed value from the contract. */
export interface ContractSecretStaticKey {
  /** Data key of the secret. */
  readonly key: string;
  /** Its fixed value (configuration from a file in git, not a secret). */
  readonly value: string;
}

/** A key of a contract secret whose value is generated, never seen by Terraform state. */
export interface ContractSecretGeneratedKey {
  /** Data key of the secret. */
  readonly key: string;
  /** Character set and shape of the value. */
  readonly generate: GeneratorKind;
  /** Characters; ignored for uuid (always 36). */
  readonly length: number;
  /** Rotation version: the value is written when this changes, and only then. */
  readonly version: number;
}

/** Properties of a {@link ContractSecret}. */
export interface ContractSecretProps {
  /** The KV v2 engine both the secret and its generated values live in. */
  readonly kv: IKvV2Mount;
  /** KV path (inside the mount) of the secret the app receives, e.g. `webapp/db-seed`. */
  readonly secretPath: string;
  /**
   * KV folder where each generated value is kept on its own, e.g. `webapp/_generated/db-seed`.
   * Only Terraform (and the app's ops policy) reads it; the app reads `secretPath`.
   */
  readonly generatedPath: string;
  /** Keys with a fixed value from the contract. @default - none */
  readonly staticKeys?: readonly ContractSecretStaticKey[];
  /** Keys whose value is generated. @default - none */
  readonly generatedKeys?: readonly ContractSecretGeneratedKey[];
}

/**
 * One SecretContract secret written to KV v2 without any value passing through Terraform state or
 * plan files.
 *
 * Each generated key is its own KV secret `<generatedPath>/<key>`, written once from an ephemeral
 * random value through the write-only `data_json_wo` and rewritten only when its `version` changes.
 * The secret the app receives (`secretPath`) merges the static keys with the generated values read
 * back ephemerally from there. Its `data_json_wo_version` is a digest of the static values and the
 * generated versions, so a changed static value rewrites it with the same generated values, and a
 * bumped version rotates that one key and no other. Both writes set `disable_read`, so Terraform
 * never reads a value back into state (drift in Vault is not detected: rotate to repair).
 */
export class ContractSecret extends Construct {
  /** The KV secret the app receives. */
  public readonly secret: KvSecretV2;

  public constructor(scope: Construct, id: string, props: ContractSecretProps) {
    super(scope, id);
    for (const prop of ['secretPath', 'generatedPath'] as const) {
      requireLiteral('ContractSecret', prop, props[prop]);
      if (!MOUNT_PATH.test(props[prop])) {
        throw new Error(invalidProp('ContractSecret', prop, props[prop], "must be KV path segments of [A-Za-z0-9_.-] without leading or trailing '/'"));
      }
    }
    const staticKeys = props.staticKeys ?? [];
    const generatedKeys = props.generatedKeys ?? [];
    const keys = [...staticKeys, ...generatedKeys].map((k) => k.key);
    keys.forEach((key) => requireLiteral('ContractSecret', 'staticKeys/generatedKeys[].key', key, 'it is a data key of the secret and names the construct of a generated value'));
    const duplicate = keys.find((k, i) => keys.indexOf(k) !== i);
    if (duplicate !== undefined) {
      throw new Error(invalidProp('ContractSecret', 'staticKeys/generatedKeys', duplicate, 'is declared twice; each key of a secret needs one value'));
    }
    if (keys.length === 0) {
      throw new Error(invalidProp('ContractSecret', 'staticKeys/generatedKeys', [], 'must declare at least one key'));
    }
    for (const g of generatedKeys) {
      requireLiteral('ContractSecret', `generatedKeys[${g.key}].version`, g.version, "the secret's write version is a digest computed from it");
      if (!Number.isInteger(g.version) || g.version < 1) {
        throw new Error(invalidProp('ContractSecret', `generatedKeys[${g.key}].version`, g.version, 'must be a whole number >= 1'));
      }
    }
    // A KV secret must not be written before its engine is mounted in the same apply.
    const dependsOn = props.kv instanceof KvV2Mount ? [TerraformExpression.address(props.kv.mount)] : undefined;

    // Expressions as text, not cdktf tokens: see TerraformExpression.
    const unknownUntilApply = TerraformExpression.unknownUntilApply();
    const generatedScope = new Construct(this, 'Generated');
    const generatedValues = generatedKeys.map((g) => {
      const scopeOfKey = new Construct(generatedScope, g.key);
      const fresh = new GeneratedValue(scopeOfKey, 'Fresh', { generate: g.generate, length: g.length });
      const stored = new KvSecretV2(scopeOfKey, 'Value', {
        mount: props.kv.mountPath,
        name: `${props.generatedPath}/${g.key}`,
        dataJsonWo: TerraformExpression.call('jsonencode', TerraformExpression.object({ value: fresh.value })).interpolation(),
        dataJsonWoVersion: g.version,
        disableRead: true,
      });
      stored.dependsOn = dependsOn;
      const read = new EphemeralResource(scopeOfKey, 'Read', {
        type: 'vault_kv_secret_v2',
        config: {
          mount: props.kv.mountPath,
          name: TerraformExpression.attribute(stored, 'name').interpolation(),
          // Unknown during every plan (timestamp() is only known at apply), so the value is read
          // back at apply only: after the write on a first apply, and never by a plan, whose
          // identity (a pull request's) must not read secret values.
          mount_id: `${TerraformExpression.attribute(stored, 'id').interpolation()}${unknownUntilApply.interpolation()}`,
        },
      });
      return { key: g.key, value: read.attribute('data.value') };
    });

    this.secret = new KvSecretV2(this, 'Secret', {
      mount: props.kv.mountPath,
      name: props.secretPath,
      dataJsonWo: jsonTemplate(staticKeys, generatedValues),
      dataJsonWoVersion: contentVersion(staticKeys, generatedKeys),
      disableRead: true,
    });
    this.secret.dependsOn = dependsOn;
    this.node.defaultChild = this.secret;
  }
}

/**
 * A Terraform string template that renders a JSON object: static values as escaped JSON literals,
 * ephemeral values through `jsonencode`. Terraform template markers (`${`, `%{`) in a static value
 * are escaped so they stay text.
 */
function jsonTemplate(staticKeys: readonly ContractSecretStaticKey[], ephemeral: ReadonlyArray<{ key: string; value: TerraformExpression }>): string {
  const members = [
    ...staticKeys.map((s) => escapeTemplateMarkers(`${JSON.stringify(s.key)}:${JSON.stringify(s.value)}`)),
    ...ephemeral.map((e) => `${escapeTemplateMarkers(JSON.stringify(e.key))}:${TerraformExpression.call('jsonencode', e.value).interpolation()}`),
  ];
  return `{${members.join(',')}}`;
}

/** A number that changes whenever a static value, the set of keys or a generated version changes. */
function contentVersion(staticKeys: readonly ContractSecretStaticKey[], generatedKeys: readonly ContractSecretGeneratedKey[]): number {
  const canonical = JSON.stringify({
    static: [...staticKeys].map((s) => [s.key, s.value]).sort(),
    generated: [...generatedKeys].map((g) => [g.key, g.version]).sort(),
  });
  // 48 bits stay exact as a JSON number and as Terraform's integer.
  return parseInt(createHash('sha256').update(canonical).digest('hex').slice(0, 12), 16);
}
