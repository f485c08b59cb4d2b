import { JwtAuthBackend } from '@cdktf/provider-vault/lib/jwt-auth-backend';
import { Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { HUMAN_LOGIN_PROFILES, HumanLoginProfile } from './human-login-profiles';
import { validateMountPath } from './kv-v2-mount';
import { invalidProp, requireLiteral } from './private/errors';
import { pinVaultProviderVersion } from './vault-provider-version';

/**
 * Where the vault CLI listens for the forge's redirect during `vault login -method=oidc`: localhost,
 * port 8250 (hashicorp/vault-plugin-auth-jwt cli.go, defaultListenAddress/defaultPort). Vault matches
 * a loopback redirect without its port (path_oidc.go validRedirect, RFC 8252 7.3), but Gitea and Forgejo
 * compare a confidential client's redirect URI exactly, so `vault login` keeps the default port.
 */
export const OIDC_CLI_REDIRECT_URI = 'http://localhost:8250/oidc/callback';

/**
 * The mount path the vault CLI logs in at when `-path` is not given (hashicorp/vault-plugin-auth-jwt
 * cli.go, defaultMount), so `vault login -method=oidc role=<name>` needs nothing more.
 */
export const OIDC_DEFAULT_MOUNT_PATH = 'oidc';

/** An `oidc` auth method people log in through, created here or imported with `OidcAuthBackend.fromMountPath`. */
export interface IOidcAuthBackend extends IConstruct {
  /** Mount path under `auth/`, e.g. `oidc`: a literal, usable in policies, redirect URIs and docs. */
  readonly mountPath: string;
  /** The same path as a reference, so Terraform creates roles after the backend. */
  readonly backendPath: string;
  /** The OAuth2 client id registered in the forge: roles bind it as the audience. */
  readonly clientId: string;
  /** The claim names of the forge's ID tokens. */
  readonly profile: HumanLoginProfile;
  /** Where the forge may send people back: the Vault UI's callback and the CLI's localhost callback. */
  readonly redirectUris: readonly string[];
}

/** Properties of an {@link OidcAuthBackend}. */
export interface OidcAuthBackendProps {
  /** The address people open the Vault at (its UI is under `/ui`), e.g. https://vault.lab.example.net:8200. */
  readonly vaultAddress: string;
  /** The forge's issuer, its ROOT_URL with the trailing slash, e.g. https://git.lab.example.net/. */
  readonly discoveryUrl: string;
  /** The OAuth2 client id registered in the forge for this Vault. */
  readonly clientId: string;
  /** The claim names of the forge's ID tokens. @default HUMAN_LOGIN_PROFILES.forgejo */
  readonly profile?: HumanLoginProfile;
  /**
   * The OAuth2 client secret the forge issued: a reference to an ephemeral value, such as an
   * ephemeral variable's `value`, never a literal (it would be written into the synthesized JSON).
   * It reaches Vault only through the write-only `oidc_client_secret_wo`, so neither plan nor state
   * holds it; it must be set on every plan of the stack (see `clientSecretVersion`).
   */
  readonly clientSecret: string;
  /**
   * Version of the client secret: raise it to send a new secret to Vault (rotation). @default 1
   */
  readonly clientSecretVersion?: number;
  /**
   * The CA certificate(s), PEM, the forge's certificate chains to: Vault fetches the discovery
   * document and keys over TLS with them (`oidc_discovery_ca_pem`). @default - Vault's system trust store
   */
  readonly discoveryCaPem?: string;
  /** The role `vault login -method=oidc` uses without `role=`. @default - none: people name the role */
  readonly defaultRole?: string;
  /** Mount path under `auth/`; another than the default needs `-path=<mountPath>` at login. @default OIDC_DEFAULT_MOUNT_PATH ('oidc') */
  readonly mountPath?: string;
  /** Description of the auth method in Vault. @default 'People, through the forge's OIDC' */
  readonly description?: string;
}

/**
 * Vault's `oidc` auth method for people: the forge is the identity provider, roles
 * ({@link OidcLoginRole}) map forge groups to policies. Terraform manages the mount and its whole
 * config, the client secret through the write-only `oidc_client_secret_wo` of hashicorp/vault 5.7.0
 * (the stack's provider is pinned to it: {@link pinVaultProviderVersion}).
 *
 * The provider sends that secret with every write of the config once `oidc_client_secret_wo_version`
 * is set, and Vault needs it there: each config write replaces the whole config and refuses a client
 * id without its secret (hashicorp/vault-plugin-auth-jwt path_config.go, pathConfigWrite). The
 * provider also requires the write-only value whenever the version is set (RequiredWith in
 * hashicorp/terraform-provider-vault vault/resource_jwt_auth_backend.go, checked by
 * terraform-plugin-sdk helper/schema/schema.go validateRequiredWithAttribute), so every plan of the
 * stack needs the secret, not only the one that rotates it.
 */
export class OidcAuthBackend extends Construct implements IOidcAuthBackend {
  /** An `oidc` auth method enabled elsewhere (another stack, or by hand). */
  public static fromMountPath(scope: Construct, id: string, attrs: { mountPath: string; clientId: string; vaultAddress: string; profile?: HumanLoginProfile }): IOidcAuthBackend {
    validateMountPath('OidcAuthBackend.fromMountPath', 'mountPath', attrs.mountPath);
    const redirectUris = redirectUrisOf('OidcAuthBackend.fromMountPath', attrs.vaultAddress, attrs.mountPath);
    class Imported extends Construct implements IOidcAuthBackend {
      public readonly mountPath = attrs.mountPath;
      public readonly backendPath = attrs.mountPath;
      public readonly clientId = attrs.clientId;
      public readonly profile = { ...(attrs.profile ?? HUMAN_LOGIN_PROFILES.forgejo) };
      public readonly redirectUris = redirectUris;
    }
    return new Imported(scope, id);
  }

  public readonly mountPath: string;
  public readonly backendPath: string;
  public readonly clientId: string;
  public readonly profile: HumanLoginProfile;
  public readonly redirectUris: readonly string[];
  /** The forge's issuer (discovery URL and `bound_issuer`). */
  public readonly discoveryUrl: string;
  /** The `vault_jwt_auth_backend` resource of type `oidc`. */
  public readonly resource: JwtAuthBackend;

  public constructor(scope: Construct, id: string, props: OidcAuthBackendProps) {
    super(scope, id);
    const name = 'OidcAuthBackend';
    this.mountPath = props.mountPath ?? OIDC_DEFAULT_MOUNT_PATH;
    validateMountPath(name, 'mountPath', this.mountPath);
    for (const [prop, value] of [['discoveryUrl', props.discoveryUrl], ['clientId', props.clientId]] as const) {
      requireLiteral(name, prop, value, 'the method\'s config and the roles are built from it');
    }
    // The forge's `iss` is its AppURL with the trailing slash, and Vault's OIDC library requires the
    // discovery document's issuer to equal the discovery URL (coreos/go-oidc oidc.go, NewProvider).
    if (!/^https:\/\/[^\s/?#]+\/([^\s?#]*\/)?$/.test(props.discoveryUrl)) {
      throw new Error(invalidProp(name, 'discoveryUrl', props.discoveryUrl, "must be the forge's https ROOT_URL ending with '/', e.g. https://git.lab.example.net/"));
    }
    if (!/^[\x21-\x7e]+$/.test(props.clientId) || /[,*]/.test(props.clientId)) {
      throw new Error(invalidProp(name, 'clientId', props.clientId, "must be the forge application's client id: visible ASCII, without ',' or '*'"));
    }
    this.redirectUris = redirectUrisOf(name, props.vaultAddress, this.mountPath);
    this.discoveryUrl = props.discoveryUrl;
    this.clientId = props.clientId;
    this.profile = { ...(props.profile ?? HUMAN_LOGIN_PROFILES.forgejo) };
    // The message names the prop, never the value: it may be the secret.
    if (!Token.isUnresolved(props.clientSecret)) {
      throw new Error(`${name}: 'clientSecret' must be a reference to an ephemeral value (e.g. an ephemeral variable's value), not a literal: a literal would be written into the synthesized JSON`);
    }
    const clientSecretVersion = props.clientSecretVersion ?? 1;
    if (!Number.isInteger(clientSecretVersion) || clientSecretVersion < 1) {
      throw new Error(invalidProp(name, 'clientSecretVersion', clientSecretVersion, 'must be a whole number of at least 1; raise it to send a new client secret'));
    }
    if (props.defaultRole !== undefined) requireLiteral(name, 'defaultRole', props.defaultRole);
    this.resource = new JwtAuthBackend(this, 'Resource', {
      type: 'oidc',
      path: this.mountPath,
      description: props.description ?? "People, through the forge's OIDC",
      oidcDiscoveryUrl: this.discoveryUrl,
      boundIssuer: this.discoveryUrl,
      oidcClientId: this.clientId,
      ...(props.discoveryCaPem !== undefined ? { oidcDiscoveryCaPem: props.discoveryCaPem } : {}),
      ...(props.defaultRole !== undefined ? { defaultRole: props.defaultRole } : {}),
      // `unauth` lists the method on the UI's login page (hashicorp/vault vault/logical_system.go, listingVisibility).
      tune: [{ listingVisibility: 'unauth', tokenType: 'default-service' }],
    });
    // The binding predates these attributes (hashicorp/terraform-provider-vault 5.7.0 adds them).
    pinVaultProviderVersion(this);
    this.resource.addOverride('oidc_client_secret_wo', props.clientSecret);
    this.resource.addOverride('oidc_client_secret_wo_version', clientSecretVersion);
    this.backendPath = this.resource.path;
  }
}

function redirectUrisOf(construct: string, vaultAddress: string, mountPath: string): string[] {
  requireLiteral(construct, 'vaultAddress', vaultAddress, 'the UI callback URL is built from it');
  if (!/^https:\/\/[^\s/?#@]+\/?$/.test(vaultAddress)) {
    throw new Error(invalidProp(construct, 'vaultAddress', vaultAddress, 'must be the https address people open the Vault at, without a path, e.g. https://vault.lab.example.net:8200'));
  }
  // The UI sends people back to its origin + /ui/vault/auth/<mount>/oidc/callback (hashicorp/vault
  // ui/app/routes/vault/cluster/oidc-callback.js, the route of `vault.cluster.oidc-callback`; the origin
  // from ui/app/adapters/role-jwt.js), and Vault compares it as an exact string: written as the browser's
  // origin (lowercase host, no default port).
  return [`${new URL(vaultAddress).origin}/ui/vault/auth/${mountPath}/oidc/callback`, OIDC_CLI_REDIRECT_URI];
}
