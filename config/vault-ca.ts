import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import { ConfigIssue } from './issues';
import { OutsideProjectError, realPathInsideProject } from './project-files';
import { LabConfig } from './schema';
import { NotUtf8Error, readUtf8File } from './yaml-input';

/**
 * The private CA a Vault's certificate chains to (`environments.<env>.vault.caCert`): a PEM file
 * inside the project. A CA certificate is public, so it may sit in git, the synthesized JSON and
 * Terraform state; its key never may, so a file holding one is refused before anything is written.
 */

/** A CA file the config names, checked: certificates only, every one a CA. */
export interface VaultCaCertificate {
  /** The path as the config gives it, relative to the project root. */
  readonly file: string;
  /** Where the file really is, every symbolic link followed (always inside the project). */
  readonly realPath: string;
  /** The file's certificates re-encoded as PEM: nothing else the file may hold (comments, text dumps). */
  readonly pem: string;
}

/** Why a CA file cannot be used; the message names the file and the fix, never the file's content. */
export class VaultCaCertError extends Error {
  public constructor(
    public readonly file: string,
    problem: string,
  ) {
    super(problem.startsWith(file) ? problem : `${file} ${problem}`);
    this.name = 'VaultCaCertError';
  }
}

/** A CA bundle is a few certificates; 64 KiB, as the QNAP's `mainCluster.apiCaCert` allows. */
const MAX_BYTES = 65536;
const PEM_BLOCK = /-----BEGIN ([^-\r\n]+)-----([\s\S]*?)-----END \1-----/g;

/** Reads and checks a CA file relative to `projectRoot`; throws a VaultCaCertError. */
export function loadVaultCaCertificate(file: string, projectRoot: string = process.cwd()): VaultCaCertificate {
  let realPath: string;
  let text: string;
  try {
    realPath = realPathInsideProject(file, projectRoot);
    const size = fs.statSync(realPath).size;
    if (size > MAX_BYTES) throw new VaultCaCertError(file, `is ${size} bytes; a CA bundle is at most ${MAX_BYTES} bytes: name the file with the CA certificate(s) only`);
    text = readUtf8File(realPath);
  } catch (e) {
    if (e instanceof VaultCaCertError) throw e;
    if (e instanceof OutsideProjectError) throw new VaultCaCertError(file, e.message);
    if (e instanceof NotUtf8Error) throw new VaultCaCertError(file, 'is not text (a DER file?); convert it to PEM: openssl x509 -inform der -in <file> -out <file>.pem');
    throw new VaultCaCertError(file, `cannot be read (${(e as Error).message}); the path is relative to the project root`);
  }
  return { file, realPath, pem: caCertificatesPem(file, text) };
}

/** The certificates of a CA file's text, as PEM; throws a VaultCaCertError for anything but CA certificates. */
function caCertificatesPem(file: string, text: string): string {
  // Any key, in any PEM form (PKCS#8, RSA, EC, encrypted, OpenSSH): the file is committed and copied
  // into the output, so a key in it is a leaked key.
  if (/PRIVATE KEY/.test(text)) {
    throw new VaultCaCertError(file, 'holds a private key: a CA file holds only the public CA certificate; remove the key from the file (and from git history) and treat the CA as exposed');
  }
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) throw new VaultCaCertError(file, 'holds no PEM certificate (-----BEGIN CERTIFICATE-----); export the CA certificate as PEM');
  return blocks
    .map((block, i) => {
      const which = blocks.length === 1 ? 'its certificate' : `certificate ${i + 1}`;
      if (block[1] !== 'CERTIFICATE') throw new VaultCaCertError(file, `holds a '${block[1]}' block; a CA file holds CERTIFICATE blocks only`);
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(block[0]);
      } catch (e) {
        throw new VaultCaCertError(file, `${which} is not a valid X.509 certificate (${(e as Error).message})`);
      }
      if (!cert.ca) {
        throw new VaultCaCertError(
          file,
          `${which} (${cert.subject.replace(/\n/g, ', ')}) is not a CA certificate (no basicConstraints CA:TRUE): give the CA that issued the Vault's certificate, not the server certificate`,
        );
      }
      return cert.toString();
    })
    .join('');
}

/**
 * The CA file each checked config names, by its `caCert` object: validation reads and checks it once,
 * and the stacks build from exactly what was checked.
 */
const loaded = new WeakMap<object, VaultCaCertificate>();

/** The checked CA of a Vault endpoint of the config, or undefined when it trusts the system store. */
export function vaultCaCertificate(endpoint: { readonly caCert?: { readonly file: string } }, projectRoot?: string): VaultCaCertificate | undefined {
  if (!endpoint.caCert) return undefined;
  const known = loaded.get(endpoint.caCert);
  if (known) return known;
  const ca = loadVaultCaCertificate(endpoint.caCert.file, projectRoot);
  loaded.set(endpoint.caCert, ca);
  return ca;
}

/**
 * Every CA file problem, as lab-config issues at the field naming the file: each environment's
 * `vault.caCert.file`, and the forge's `operators.oidc.caCert.file` of the cluster Vaults.
 */
export function vaultCaCertIssues(config: LabConfig, projectRoot?: string): ConfigIssue[] {
  const endpoints = [
    ...(['qnap', 'main', 'sandbox'] as const).map((env) => ({ field: `environments.${env}.vault.caCert.file`, endpoint: config.environments[env].vault })),
    ...(['main', 'sandbox'] as const).flatMap((env) => {
      const oidc = config.environments[env].operators?.oidc;
      return oidc ? [{ field: `environments.${env}.operators.oidc.caCert.file`, endpoint: oidc }] : [];
    }),
  ];
  return endpoints.flatMap(({ field, endpoint }) => {
    try {
      vaultCaCertificate(endpoint, projectRoot);
      return [];
    } catch (e) {
      if (!(e instanceof VaultCaCertError)) throw e;
      return [{ path: field, value: e.file, message: e.message }];
    }
  });
}
