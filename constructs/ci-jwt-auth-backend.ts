import { JwtAuthBackend } from '@cdktf/provider-vault/lib/jwt-auth-backend';
import { Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { CiClaimNames, GITHUB_SHAPED_CLAIMS } from './ci-claim-profiles';
import { invalidProp, renamedProp } from './private/errors';
import { validateMountPath } from './kv-v2-mount';

/** A JWT auth method that verifies the forge's Actions OIDC tokens, created here or imported with `CiJwtAuthBackend.fromMountPath`. */
export interface ICiJwtAuthBackend extends IConstruct {
  /** Mount path under `auth/`, e.g. `gitea-actions`: a literal, usable in policies and workflows. */
  readonly mountPath: string;
  /** Former name of `mountPath`. @deprecated use `mountPath` */
  readonly path: string;
  /** The same path as a reference, so Terraform creates roles after the backend. */
  readonly backendPath: string;
  /** Audiences roles bind unless they say otherwise. */
  readonly audiences: readonly string[];
  /** The claim names the forge's tokens use. */
  readonly claims: CiClaimNames;
}

/** Properties of a {@link CiJwtAuthBackend}. */
export interface CiJwtAuthBackendProps {
  /** The token issuer (`iss`), e.g. https://git.lab.example.net/api/actions; Vault requires an exact match. */
  readonly issuer: string;
  /** Audiences a CI token must carry (roles bind them). At least one. */
  readonly audiences: readonly string[];
  /** OIDC discovery base URL. @default - the issuer (unless jwksUrl is set) */
  readonly discoveryUrl?: string;
  /** JWKS URL, for a forge without discovery; exclusive with discoveryUrl. @default - discovery */
  readonly jwksUrl?: string;
  /** Mount path under `auth/`. @default 'gitea-actions' */
  readonly mountPath?: string;
  /** Former name of `mountPath`. @deprecated use `mountPath` */
  readonly path?: string;
  /** Claim names of the forge's tokens, e.g. `CI_CLAIM_PROFILES.gitea.names`. @default - Forgejo's (GITHUB_SHAPED_CLAIMS) */
  readonly claims?: CiClaimNames;
  /** Description of the auth method in Vault. @default 'Gitea/Forgejo Actions OIDC tokens' */
  readonly description?: string;
}

/**
 * The forge's Actions OIDC issuer as a Vault JWT auth method. Keys are fetched from the issuer (OIDC
 * discovery or a JWKS URL), so nothing secret is configured here; `bound_issuer` pins `iss`.
 */
export class CiJwtAuthBackend extends Construct implements ICiJwtAuthBackend {
  /** A backend enabled elsewhere (another stack, or by hand), with the audiences and claim names its roles bind. */
  public static fromMountPath(scope: Construct, id: string, mountPath: string, audiences: readonly string[], claims: CiClaimNames = GITHUB_SHAPED_CLAIMS): ICiJwtAuthBackend {
    validateMountPath('CiJwtAuthBackend.fromMountPath', 'mountPath', mountPath);
    class Imported extends Construct implements ICiJwtAuthBackend {
      public readonly mountPath = mountPath;
      public readonly path = mountPath;
      public readonly backendPath = mountPath;
      public readonly audiences = [...audiences];
      public readonly claims = { ...claims };
    }
    return new Imported(scope, id);
  }

  /** Former name of `fromMountPath`. @deprecated use `fromMountPath` */
  public static fromPath(scope: Construct, id: string, path: string, audiences: readonly string[], claims: CiClaimNames = GITHUB_SHAPED_CLAIMS): ICiJwtAuthBackend {
    return CiJwtAuthBackend.fromMountPath(scope, id, path, audiences, claims);
  }

  public readonly mountPath: string;
  /** Former name of `mountPath`. @deprecated use `mountPath` */
  public readonly path: string;
  public readonly backendPath: string;
  public readonly audiences: readonly string[];
  public readonly claims: CiClaimNames;
  /** The token issuer (`iss`) the backend pins. */
  public readonly issuer: string;
  /** The `vault_jwt_auth_backend` resource. */
  public readonly resource: JwtAuthBackend;

  public constructor(scope: Construct, id: string, props: CiJwtAuthBackendProps) {
    super(scope, id);
    const name = 'CiJwtAuthBackend';
    for (const [prop, value] of [['issuer', props.issuer], ['discoveryUrl', props.discoveryUrl], ['jwksUrl', props.jwksUrl]] as const) {
      if (value !== undefined && !Token.isUnresolved(value) && !/^https:\/\/[^\s/]+/.test(value)) {
        throw new Error(invalidProp(name, prop, value, 'must be an https:// URL: Vault fetches signing keys from it'));
      }
    }
    if (props.discoveryUrl !== undefined && props.jwksUrl !== undefined) {
      throw new Error(invalidProp(name, 'jwksUrl', props.jwksUrl, "cannot be set together with 'discoveryUrl'; set one of them"));
    }
    if (!Token.isUnresolved(props.audiences) && (props.audiences.length === 0 || props.audiences.some((a) => !Token.isUnresolved(a) && a.trim() === ''))) {
      throw new Error(invalidProp(name, 'audiences', props.audiences, 'must list at least one non-empty audience (e.g. the Vault address)'));
    }
    this.mountPath = renamedProp(name, 'mountPath', props.mountPath, 'path', props.path) ?? 'gitea-actions';
    this.path = this.mountPath;
    validateMountPath(name, 'mountPath', this.mountPath);
    this.issuer = props.issuer;
    this.audiences = [...props.audiences];
    this.claims = { ...(props.claims ?? GITHUB_SHAPED_CLAIMS) };
    this.resource = new JwtAuthBackend(this, 'Resource', {
      type: 'jwt',
      path: this.mountPath,
      description: props.description ?? 'Gitea/Forgejo Actions OIDC tokens',
      boundIssuer: props.issuer,
      ...(props.jwksUrl !== undefined ? { jwksUrl: props.jwksUrl } : { oidcDiscoveryUrl: props.discoveryUrl ?? props.issuer }),
    });
    this.backendPath = this.resource.path;
  }
}
