import { isMap, isSeq, parseDocument } from 'yaml';
import { parseLabConfig } from './load';
import { versionKey } from './schema-secret-contract';
import { generatedVersion, loadSecretContract } from './secret-contract';

export interface RotateRequest {
  readonly app: string;
  readonly secret: string;
  readonly key: string;
}

export interface RotateResult {
  /** The lab config with the version bumped; comments and layout kept. */
  readonly text: string;
  /** `apps[i].secretContract.versions.<secret>/<key>` */
  readonly path: string;
  readonly from: number;
  readonly to: number;
}

/** The request names no generated key of the config: the app, secret or key named in `field` is wrong. */
export class RotateRequestError extends Error {
  public constructor(
    /** The part of the request at fault. */
    public readonly field: keyof RotateRequest,
    message: string,
  ) {
    super(message);
    this.name = 'RotateRequestError';
  }
}

/**
 * Bumps the rotation version of one generated key in the lab config text (YAML Document API, so
 * comments and formatting survive). The next apply writes a new value for that key and no other.
 */
export function rotateGeneratedKey(text: string, request: RotateRequest, source = '<inline>', projectRoot?: string): RotateResult {
  const config = parseLabConfig(text, source);
  const index = config.apps.findIndex((a) => a.name === request.app);
  if (index < 0) throw new RotateRequestError('app', `no app ${JSON.stringify(request.app)} in ${source} (apps: ${config.apps.map((a) => a.name).join(', ')})`);
  const app = config.apps[index];
  if (!app.secretContract) throw new RotateRequestError('app', `app ${request.app} has no secretContract in ${source}; nothing to rotate`);
  const contract = loadSecretContract(app.secretContract.file, projectRoot);
  const secret = contract.secrets.find((s) => s.name === request.secret);
  if (!secret) {
    throw new RotateRequestError('secret', `no secret ${JSON.stringify(request.secret)} in ${contract.file} (secrets: ${contract.secrets.map((s) => s.name).join(', ')})`);
  }
  if (secret.staticData.some((d) => d.key === request.key)) {
    throw new RotateRequestError('key', `${contract.file} secret '${secret.name}' key '${request.key}' is a static value: change it in the contract instead of rotating it`);
  }
  if (!secret.generated.some((d) => d.key === request.key)) {
    throw new RotateRequestError('key', `no key ${JSON.stringify(request.key)} in ${contract.file} secret '${secret.name}' (generated keys: ${secret.generated.map((d) => d.key).join(', ') || 'none'})`);
  }

  const from = generatedVersion(app, secret.name, request.key);
  const to = from + 1;
  const vk = versionKey(secret.name, request.key);
  const doc = parseDocument(text);
  const apps = doc.get('apps');
  if (!isSeq(apps) || !isMap(apps.items[index])) throw new Error(`${source}: apps[${index}] is not a mapping`);
  doc.setIn(['apps', index, 'secretContract', 'versions', vk], to);
  // Keep the file's own layout: no padding inside [a, b], no re-wrapping of long lines.
  const result = doc.toString({ flowCollectionPadding: false, lineWidth: 0 });
  parseLabConfig(result, source);
  return { text: result, path: `apps[${index}].secretContract.versions.${vk}`, from, to };
}
