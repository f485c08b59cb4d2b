import { Token } from '@cdktf/provider-vault/lib/token';
import { TransitSecretBackendKey } from '@cdktf/provider-vault/lib/transit-secret-backend-key';
import { Token as CdktfToken } from 'cdktf';
import { Construct } from 'constructs';
import { invalidProp, requireLiteral } from './private/errors';
import { isDns1123Label, DNS1123_LABEL_RULE } from './names';
import { grantTokenSelfCalls, TOKEN_SELF_CALLS } from './policy/token-self';
import { ITransitMount } from './transit-mount';
import { VaultPolicy } from './vault-policy';
import { TransitSealStanza } from './vault-server-config';

/** Properties of a {@link TransitUnsealMaster}. */
export interface TransitUnsealMasterProps {
  /** The transit engine on the unsealing (QNAP) Vault that holds the key. */
  readonly mount: ITransitMount;
  /** Name of the Vault being unsealed, e.g. `main`: names its policy `unseal-<name>` and token. */
  readonly unsealedVaultName: string;
  /** API address of the Vault being unsealed; it must not be the unsealing Vault itself. */
  readonly unsealedVaultAddress: string;
  /** Address of the unsealing Vault as the unsealed Vault's pods reach it. */
  readonly sealAddress: string;
  /** Transit key name; one per unsealed Vault. @default 'unseal-<unsealedVaultName>' */
  readonly keyName?: string;
  /**
   * Renewal period of the seal's token, in hours. The unsealed Vault renews it for as long as it
   * runs; if it is down for longer than this, the token expires and must be reissued (runbook).
   * @default 168
   */
  readonly tokenPeriodHours?: number;
  /** PEM CA file inside the unsealed Vault's pods that verifies `sealAddress`. @default - system trust store */
  readonly tlsCaCert?: string;
  /** Name to verify on the unsealing Vault's certificate. @default - the host of `sealAddress` */
  readonly tlsServerName?: string;
}

/**
 * Auto-unseal of one Vault by another through transit: on the unsealing Vault, a key that can never
 * be exported, backed up in plaintext, deleted or trimmed; a policy that may only encrypt and decrypt
 * with it; and a periodic orphan token with that policy alone and no max TTL, so the seal never
 * stops working because a parent token or a TTL ran out.
 *
 * The unsealed Vault gets `sealStanza` (configuration, safe for a ConfigMap) and `token` (a secret:
 * deliver it only through a Kubernetes Secret as `VAULT_TOKEN`). The token is kept in this stack's
 * Terraform state, marked sensitive.
 */
export class TransitUnsealMaster extends Construct {
  /** Name of the Vault being unsealed, e.g. `main`. */
  public readonly unsealedVaultName: string;
  /** Name of the transit key. */
  public readonly keyName: string;
  /** Policy `unseal-<name>`: encrypt and decrypt with the key, nothing else. */
  public readonly policyName: string;
  /** What the unsealed Vault's `seal "transit"` stanza says. Contains no token. */
  public readonly sealStanza: TransitSealStanza;
  /** The `vault_transit_secret_backend_key` resource. */
  public readonly key: TransitSecretBackendKey;
  /** The seal's policy. */
  public readonly policy: VaultPolicy;
  /** The seal's periodic orphan `vault_token`; its value is a secret kept in this stack's state. */
  public readonly tokenResource: Token;

  public constructor(scope: Construct, id: string, props: TransitUnsealMasterProps) {
    super(scope, id);
    const name = 'TransitUnsealMaster';
    requireLiteral(name, 'unsealedVaultName', props.unsealedVaultName);
    if (!isDns1123Label(props.unsealedVaultName)) {
      throw new Error(invalidProp(name, 'unsealedVaultName', props.unsealedVaultName, `must be ${DNS1123_LABEL_RULE}`));
    }
    const sealUrl = parseHttpUrl(name, 'sealAddress', props.sealAddress);
    const unsealedUrl = parseHttpUrl(name, 'unsealedVaultAddress', props.unsealedVaultAddress);
    if (sealUrl && unsealedUrl && sealUrl.origin === unsealedUrl.origin) {
      throw new Error(
        invalidProp(name, 'sealAddress', props.sealAddress, `is the address of the Vault it unseals ('unsealedVaultAddress'): a Vault cannot unseal itself; point it at the bootstrap Vault`),
      );
    }
    const keyName = props.keyName ?? `unseal-${props.unsealedVaultName}`;
    requireLiteral(name, 'keyName', keyName);
    if (!/^[a-z0-9][a-z0-9_\-]*$/.test(keyName)) {
      throw new Error(invalidProp(name, 'keyName', keyName, "must be lowercase letters, digits, '_' or '-'"));
    }
    const periodHours = props.tokenPeriodHours ?? 168;
    if (!CdktfToken.isUnresolved(periodHours) && (!Number.isInteger(periodHours) || periodHours < 1 || periodHours > 768)) {
      throw new Error(invalidProp(name, 'tokenPeriodHours', periodHours, 'must be a whole number of hours from 1 to 768 (the default system max TTL)'));
    }
    props.mount.claimKeyName(name, 'keyName', keyName, this.node.path);

    this.unsealedVaultName = props.unsealedVaultName;
    this.keyName = keyName;
    this.key = new TransitSecretBackendKey(this, 'Key', {
      backend: props.mount.backend,
      name: keyName,
      type: 'aes256-gcm96',
      exportable: false,
      allowPlaintextBackup: false,
      deletionAllowed: false,
      // Every version stays decryptable: a trimmed version would make old seal-wrapped data unreadable.
      minDecryptionVersion: 1,
    });

    this.policyName = `unseal-${props.unsealedVaultName}`;
    this.policy = new VaultPolicy(this, 'Policy', { policyName: this.policyName });
    props.mount.grantEncryptDecrypt(this.policy, keyName);
    // The token has no default policy, so this policy alone must let the seal renew it; without
    // renew-self it dies after one period and the unsealed Vault cannot start again.
    grantTokenSelfCalls(this.policy, TOKEN_SELF_CALLS.transitSeal);

    this.tokenResource = new Token(this, 'Token', {
      policies: [this.policy.resource.name],
      noDefaultPolicy: true,
      // An orphan survives the revocation of whoever created it (the operator's or CI's token).
      noParent: true,
      // Vault's default too (vault/token_store.go), but stated: the seal renews the token itself,
      // and the provider never does unless `renew_min_lease` is set, then only during a refresh; an
      // expired token it drops from state (hashicorp/terraform-provider-vault vault/resource_token.go).
      renewable: true,
      // A number token stays a token inside the string (cdktf lib/tokens/private/encoding.ts, numbers in strings).
      period: `${periodHours}h`,
      displayName: `transit-unseal-${props.unsealedVaultName}`,
      metadata: { purpose: 'transit auto-unseal', unsealed_vault: props.unsealedVaultName },
      // The key must exist before a token that can use it is handed out. Not a reference: any new
      // attribute value would replace the token the unsealed Vault runs on.
      dependsOn: [this.key],
    });
    this.node.defaultChild = this.key;

    this.sealStanza = {
      address: props.sealAddress,
      mountPath: props.mount.mountPath,
      keyName,
      tlsCaCert: props.tlsCaCert,
      tlsServerName: props.tlsServerName,
    };
  }

  /** The seal's token (sensitive): hand it to the unsealed Vault only through a Kubernetes Secret. */
  public get token(): string {
    return this.tokenResource.clientToken;
  }
}

/** The parsed URL of a literal; `undefined` for a token, which is only known when Terraform runs. */
function parseHttpUrl(construct: string, prop: string, value: string): URL | undefined {
  if (CdktfToken.isUnresolved(value)) return undefined;
  if (!/^https?:\/\/[^\s/]+/.test(value) || !URL.canParse(value)) {
    throw new Error(invalidProp(construct, prop, value, 'must be an absolute http(s) URL, e.g. https://qnap.lab.example.net:8200'));
  }
  return new URL(value);
}
