import { Mount } from '@cdktf/provider-vault/lib/mount';
import { PkiSecretBackendRole } from '@cdktf/provider-vault/lib/pki-secret-backend-role';
import { PkiSecretBackendRootCert } from '@cdktf/provider-vault/lib/pki-secret-backend-root-cert';
import { Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { invalidProp, renamedProp, requireLiteral } from './private/errors';
import { validateMountPath } from './kv-v2-mount';
import { UPDATE } from './policy/capabilities';
import { IPolicyGrantee } from './vault-policy';

/** A PKI engine and its issuing role, created here or imported with `BootstrapPki.fromMountPath`. */
export interface IBootstrapPki extends IConstruct {
  /** Path the engine is mounted at, e.g. `pki-bootstrap`: a literal, usable in policies. */
  readonly mountPath: string;
  /** Name of the role that issues server certificates. */
  readonly roleName: string;
  /** `update` on `<mount>/issue/<role>`: request a certificate (and its key) from the role, nothing else. */
  grantIssue(grantee: IPolicyGrantee): void;
}

const DEFAULT_ROLE_NAME = 'vault-server';

/** Properties of a {@link BootstrapPki}. */
export interface BootstrapPkiProps {
  /** Mount path of the PKI engine. @default 'pki-bootstrap' */
  readonly mountPath?: string;
  /** Former name of `mountPath`. @deprecated use `mountPath` */
  readonly path?: string;
  /** Common name of the root CA. @default 'Lab bootstrap CA' */
  readonly caCommonName?: string;
  /** Lifetime of the root CA, in hours. @default 87600 (10 years) */
  readonly caTtlHours?: number;
  /** Name of the role that issues server certificates. @default 'vault-server' */
  readonly roleName?: string;
  /** The exact DNS names a certificate may carry: no subdomains, no globs, no wildcards. */
  readonly allowedDnsNames: readonly string[];
  /**
   * Whether IP SANs (e.g. 127.0.0.1 for the Vault CLI inside the pod) may be requested. Vault's PKI
   * role cannot restrict which IPs; only the holders of `grantIssue` can request any.
   * @default false
   */
  readonly allowIpSans?: boolean;
  /** Longest certificate lifetime, in hours. @default 720 */
  readonly certMaxTtlHours?: number;
}

/**
 * A small PKI on the bootstrap Vault that issues the main Vault's TLS server certificate, so that
 * certificate does not wait for cert-manager (which itself waits for secrets). The root key is
 * generated inside Vault (`type = internal`): Terraform state holds the CA certificate only, and the
 * server certificate's private key is requested by VSO at runtime, never by Terraform.
 */
abstract class BootstrapPkiBase extends Construct implements IBootstrapPki {
  public abstract readonly mountPath: string;
  public abstract readonly roleName: string;

  public grantIssue(grantee: IPolicyGrantee): void {
    grantee.allow(`${this.mountPath}/issue/${this.roleName}`, UPDATE);
  }
}

/** The bootstrap PKI engine with its internally generated root CA and the role that issues the main Vault's server certificate. */
export class BootstrapPki extends BootstrapPkiBase {
  /** A PKI engine and role created elsewhere (another stack, or by hand). */
  public static fromMountPath(scope: Construct, id: string, mountPath: string, roleName: string = DEFAULT_ROLE_NAME): IBootstrapPki {
    validateMountPath('BootstrapPki.fromMountPath', 'mountPath', mountPath);
    class Imported extends BootstrapPkiBase {
      public readonly mountPath = mountPath;
      public readonly roleName = roleName;
    }
    return new Imported(scope, id);
  }

  /** Mount path of the PKI engine. */
  public readonly mountPath: string;
  /** Name of the role that issues server certificates. */
  public readonly roleName: string;
  /** The PKI engine's `vault_mount`. */
  public readonly mount: Mount;
  /** The root CA; its private key never leaves Vault. */
  public readonly rootCa: PkiSecretBackendRootCert;
  /** The role that issues server certificates for `allowedDnsNames`. */
  public readonly role: PkiSecretBackendRole;

  public constructor(scope: Construct, id: string, props: BootstrapPkiProps) {
    super(scope, id);
    const name = 'BootstrapPki';
    this.mountPath = renamedProp(name, 'mountPath', props.mountPath, 'path', props.path) ?? 'pki-bootstrap';
    validateMountPath(name, 'mountPath', this.mountPath);
    const caTtlHours = props.caTtlHours ?? 87600;
    const certMaxTtlHours = props.certMaxTtlHours ?? 720;
    requireLiteral(name, 'caTtlHours', caTtlHours, "the mount's max lease TTL is computed from it");
    const certMaxTtlKnown = !Token.isUnresolved(certMaxTtlHours);
    if (certMaxTtlKnown && (!Number.isInteger(certMaxTtlHours) || certMaxTtlHours < 1)) {
      throw new Error(invalidProp(name, 'certMaxTtlHours', certMaxTtlHours, 'must be a whole number of hours >= 1'));
    }
    if (!Number.isInteger(caTtlHours) || (certMaxTtlKnown && caTtlHours <= certMaxTtlHours)) {
      throw new Error(invalidProp(name, 'caTtlHours', caTtlHours, `must be a whole number of hours greater than 'certMaxTtlHours' (${certMaxTtlHours})`));
    }
    if (!Token.isUnresolved(props.allowedDnsNames) && props.allowedDnsNames.length === 0) {
      throw new Error(invalidProp(name, 'allowedDnsNames', [], 'must list the exact names of the server'));
    }
    for (const dnsName of props.allowedDnsNames) {
      if (!Token.isUnresolved(dnsName) && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(dnsName)) {
        throw new Error(invalidProp(name, 'allowedDnsNames', props.allowedDnsNames, `has ${JSON.stringify(dnsName)}: each entry must be an exact lowercase DNS name, no '*' or globs`));
      }
    }
    this.roleName = props.roleName ?? DEFAULT_ROLE_NAME;
    requireLiteral(name, 'roleName', this.roleName);

    this.mount = new Mount(this, 'Mount', {
      path: this.mountPath,
      type: 'pki',
      description: 'Bootstrap PKI: the main Vault server certificate',
      maxLeaseTtlSeconds: caTtlHours * 3600,
    });
    this.rootCa = new PkiSecretBackendRootCert(this, 'RootCa', {
      backend: this.mount.path,
      // internal: the key is generated in Vault and never leaves it (exported would put it in state).
      type: 'internal',
      commonName: props.caCommonName ?? 'Lab bootstrap CA',
      ttl: `${caTtlHours}h`,
      keyType: 'ec',
      keyBits: 384,
      issuerName: 'bootstrap-root',
    });
    this.role = new PkiSecretBackendRole(this, 'Role', {
      backend: this.mount.path,
      name: this.roleName,
      issuerRef: this.rootCa.issuerId,
      allowedDomains: [...props.allowedDnsNames],
      allowBareDomains: true,
      allowSubdomains: false,
      allowGlobDomains: false,
      allowWildcardCertificates: false,
      allowLocalhost: false,
      allowAnyName: false,
      enforceHostnames: true,
      allowIpSans: props.allowIpSans ?? false,
      serverFlag: true,
      clientFlag: false,
      keyType: 'ec',
      keyBits: 256,
      ttl: `${certMaxTtlHours}h`,
      maxTtl: `${certMaxTtlHours}h`,
    });
    this.node.defaultChild = this.mount;
  }

  /** The root CA certificate (public), to trust the issued certificates. */
  public get caCertificate(): string {
    return this.rootCa.certificate;
  }
}
