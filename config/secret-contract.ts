import * as path from 'path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { OutsideProjectError, realPathInsideProject } from './project-files';
import { NotUtf8Error, readUtf8File, yamlValue } from './yaml-input';
import { DNS1123_LABEL, DNS1123_LABEL_RULE } from '../constructs/names';
import { GENERATOR_KINDS, GeneratorKind, MIN_PASSWORD_LENGTH } from '../constructs/secret-generator';
import type { AppConfig, LabConfig } from './schema';
import { versionKey } from './schema-secret-contract';

/**
 * A SecretContract (`apiVersion: hostk8s.io/v1`, `kind: SecretContract`): the secrets a team's app
 * needs, each a Kubernetes Secret whose keys hold either a static `value` or a `generate`d one.
 * Rules follow the hostk8s format: `value` xor `generate`; `password`, `token` and `hex` default to
 * 32 characters (passwords at least 8); `uuid` is always a 36-character UUID v4 and takes no length.
 */

export const DEFAULT_GENERATED_LENGTH = 32;
/** Far beyond any key's strength (a 1024-character hex is 4096 bits); longer only bloats the Secret. */
export const MAX_GENERATED_LENGTH = 1024;

/** Kubernetes Secret data keys: `[-._a-zA-Z0-9]`, at most 63 characters here (the contract's limit). */
export const CONTRACT_KEY_PATTERN = /^[-._a-zA-Z0-9]+$/;
export const CONTRACT_KEY_RULE = "letters, digits, '-', '_' or '.', at most 63 characters, not '.' or '..' (a Kubernetes Secret key)";

export interface StaticEntry {
  readonly key: string;
  readonly value: string;
}

export interface GeneratedEntry {
  readonly key: string;
  readonly generate: GeneratorKind;
  /** Characters; 36 for uuid. */
  readonly length: number;
}

export interface ContractSecret {
  readonly name: string;
  readonly namespace: string;
  readonly staticData: readonly StaticEntry[];
  readonly generated: readonly GeneratedEntry[];
}

export interface SecretContract {
  /** The file it was read from, as given (relative to the project root). */
  readonly file: string;
  /** `metadata.name`: the app the contract belongs to. */
  readonly name: string;
  readonly secrets: readonly ContractSecret[];
}

/** One problem in a contract, located by secret and key where it has them. */
export interface ContractIssue {
  readonly secret?: string;
  readonly key?: string;
  /** Field inside the contract or the lab config, e.g. `spec.secrets[0].data[1].length`. */
  readonly field: string;
  readonly message: string;
}

export class SecretContractError extends Error {
  public constructor(
    public readonly file: string,
    public readonly issues: readonly ContractIssue[],
  ) {
    super(`invalid SecretContract ${file}:\n${issues.map((i) => `  - ${formatContractIssue(file, i)}`).join('\n')}`);
    this.name = 'SecretContractError';
  }
}

export function formatContractIssue(file: string, issue: ContractIssue): string {
  const where = [issue.secret !== undefined ? `secret '${issue.secret}'` : '', issue.key !== undefined ? `key '${issue.key}'` : '']
    .filter(Boolean)
    .join(' ');
  return `${file}${where ? ` ${where}` : ''} (${issue.field}): ${issue.message}`;
}

const dataEntrySchema = z.strictObject({
  key: z
    .string()
    .max(63, { message: CONTRACT_KEY_RULE })
    .regex(CONTRACT_KEY_PATTERN, { message: CONTRACT_KEY_RULE })
    .refine((k) => k !== '.' && k !== '..', { message: CONTRACT_KEY_RULE }),
  value: z.string({ message: 'must be a string; quote numbers and booleans, e.g. "5432"' }).optional(),
  generate: z.enum(GENERATOR_KINDS, { message: `must be one of ${GENERATOR_KINDS.join(', ')}` }).optional(),
  length: z
    .number({ message: 'must be a whole number' })
    .int({ message: 'must be a whole number' })
    .min(1, { message: 'must be >= 1' })
    .max(MAX_GENERATED_LENGTH, { message: `must be at most ${MAX_GENERATED_LENGTH}` })
    .optional(),
});

const dns1123 = z.string().max(63, { message: `must be ${DNS1123_LABEL_RULE}` }).regex(DNS1123_LABEL, { message: `must be ${DNS1123_LABEL_RULE}` });

const contractSchema = z.strictObject({
  apiVersion: z.literal('hostk8s.io/v1', { message: "must be 'hostk8s.io/v1'" }),
  kind: z.literal('SecretContract', { message: "must be 'SecretContract'" }),
  metadata: z.object({ name: dns1123 }),
  spec: z.strictObject({
    secrets: z
      .array(
        z.strictObject({
          name: dns1123,
          namespace: dns1123,
          data: z.array(dataEntrySchema).min(1, { message: 'must list at least one key' }),
        }),
      )
      .min(1, { message: 'must list at least one secret' }),
  }),
});

/** Parses and validates contract text; `file` names it in every message. */
export function parseSecretContract(text: string, file: string): SecretContract {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SecretContractError(file, doc.errors.map((e) => ({ field: '(yaml)', message: `YAML syntax: ${e.message.split('\n')[0]}` })));
  }
  const value = yamlValue(doc);
  if ('problem' in value) throw new SecretContractError(file, [{ field: '(yaml)', message: value.problem }]);
  const input = value.value;
  const parsed = contractSchema.safeParse(input);
  if (!parsed.success) {
    throw new SecretContractError(
      file,
      parsed.error.issues.map((i) =>
        i.code === 'unrecognized_keys'
          ? { ...locate(input, i.path, ''), message: `unknown field(s) ${i.keys.join(', ')}; check the spelling against the hostk8s.io/v1 SecretContract format` }
          : locate(input, i.path, i.message),
      ),
    );
  }
  const issues: ContractIssue[] = [];
  const seenSecrets = new Set<string>();
  const secrets = parsed.data.spec.secrets.map((s, si): ContractSecret => {
    if (seenSecrets.has(s.name)) {
      issues.push({ secret: s.name, field: `spec.secrets[${si}].name`, message: 'duplicate secret name; each Kubernetes Secret is declared once' });
    }
    seenSecrets.add(s.name);
    const seenKeys = new Set<string>();
    const staticData: StaticEntry[] = [];
    const generated: GeneratedEntry[] = [];
    s.data.forEach((d, di) => {
      const at = (field: string, message: string) => issues.push({ secret: s.name, key: d.key, field: `spec.secrets[${si}].data[${di}]${field}`, message });
      if (seenKeys.has(d.key)) at('.key', 'duplicate key in this secret');
      seenKeys.add(d.key);
      if (d.value !== undefined && d.generate !== undefined) {
        at('', "set either 'value' (static) or 'generate', not both");
        return;
      }
      if (d.value === undefined && d.generate === undefined) {
        at('', "set 'value' (a static string) or 'generate' (password, token, hex or uuid)");
        return;
      }
      if (d.value !== undefined) {
        if (d.length !== undefined) at('.length', "'length' applies to generated values only; remove it");
        staticData.push({ key: d.key, value: d.value });
        return;
      }
      const kind = d.generate as GeneratorKind;
      if (kind === 'uuid' && d.length !== undefined) {
        at('.length', 'a uuid is always 36 characters; remove length');
        return;
      }
      const length = kind === 'uuid' ? 36 : (d.length ?? DEFAULT_GENERATED_LENGTH);
      if (kind === 'password' && length < MIN_PASSWORD_LENGTH) {
        at('.length', `(${length}) a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
        return;
      }
      generated.push({ key: d.key, generate: kind, length });
    });
    return { name: s.name, namespace: s.namespace, staticData, generated };
  });
  if (issues.length > 0) throw new SecretContractError(file, issues);
  return { file, name: parsed.data.metadata.name, secrets };
}

/** Where contract files are resolved: the project root, i.e. the folder cdktf and npm run in. */
export function resolveContractFile(file: string, projectRoot: string = process.cwd()): string {
  return path.resolve(projectRoot, file);
}

export function loadSecretContract(file: string, projectRoot: string = process.cwd()): SecretContract {
  let text: string;
  try {
    text = readUtf8File(realPathInsideProject(file, projectRoot));
  } catch (e) {
    const message = e instanceof OutsideProjectError || e instanceof NotUtf8Error ? e.message : `cannot read it (${(e as Error).message}); the path is relative to the project root`;
    throw new SecretContractError(file, [{ field: '(file)', message }]);
  }
  return parseSecretContract(text, file);
}

/**
 * The rules that tie a contract to its app: it names the app, lives in the app's namespace (the app's
 * Vault role is bound to that namespace and ServiceAccount, so its operator can deliver nowhere
 * else), leaves the app's own `config` alone, and `versions` names only generated keys.
 */
export function appContractIssues(app: AppConfig, contract: SecretContract): ContractIssue[] {
  const issues: ContractIssue[] = [];
  if (contract.name !== app.name) {
    issues.push({ field: 'metadata.name', message: `(${JSON.stringify(contract.name)}) must be the app name ${JSON.stringify(app.name)}` });
  }
  contract.secrets.forEach((s, si) => {
    if (s.namespace !== app.namespace) {
      issues.push({
        secret: s.name,
        field: `spec.secrets[${si}].namespace`,
        message: `(${JSON.stringify(s.namespace)}) must be the app's namespace ${JSON.stringify(app.namespace)}: the app's operator delivers only there; move the secret to a contract of an app in ${JSON.stringify(s.namespace)}`,
      });
    }
    if (s.name === 'config' || s.name === `${app.name}-config`) {
      issues.push({
        secret: s.name,
        field: `spec.secrets[${si}].name`,
        message: `collides with the app's own config (KV ${app.name}/config, Kubernetes Secret ${app.name}-config); rename the secret`,
      });
    }
  });
  for (const vk of Object.keys(app.secretContract?.versions ?? {})) {
    const [secretName, key] = [vk.slice(0, vk.indexOf('/')), vk.slice(vk.indexOf('/') + 1)];
    const secret = contract.secrets.find((s) => s.name === secretName);
    const field = `versions.${vk}`;
    if (!secret) {
      issues.push({ secret: secretName, key, field, message: `no such secret in the contract (secrets: ${contract.secrets.map((s) => s.name).join(', ')}); fix or remove the entry` });
    } else if (secret.staticData.some((d) => d.key === key)) {
      issues.push({ secret: secretName, key, field, message: "is a static value: it changes when the contract's value changes; remove the entry" });
    } else if (!secret.generated.some((d) => d.key === key)) {
      issues.push({ secret: secretName, key, field, message: `no such key in the secret (generated keys: ${secret.generated.map((d) => d.key).join(', ') || 'none'}); fix or remove the entry` });
    }
  }
  return issues;
}

/** Loads an app's contract and checks it against the app; throws a SecretContractError. */
export function loadAppSecretContract(app: AppConfig, projectRoot?: string): SecretContract | undefined {
  if (!app.secretContract) return undefined;
  const loaded = contractsByApp.get(app);
  if (loaded) return loaded;
  const contract = loadSecretContract(app.secretContract.file, projectRoot);
  const issues = appContractIssues(app, contract);
  if (issues.length > 0) throw new SecretContractError(app.secretContract.file, issues);
  contractsByApp.set(app, contract);
  return contract;
}

/**
 * The contract each loaded app config was checked with. Validation reads it, then each environment's
 * stack builds from it: one read and parse per loaded config, and the stacks build exactly what was
 * checked. A new load of the config reads the file again.
 */
const contractsByApp = new WeakMap<AppConfig, SecretContract>();

/** The rotation version of a generated key: what the lab config says, else 1. */
export function generatedVersion(app: AppConfig, secretName: string, key: string): number {
  return app.secretContract?.versions?.[versionKey(secretName, key)] ?? 1;
}

/** Every app's contract problems, as lab-config issues (`apps[i].secretContract…`). */
export function secretContractIssues(config: LabConfig, projectRoot?: string): Array<{ path: string; value: unknown; message: string }> {
  const result: Array<{ path: string; value: unknown; message: string }> = [];
  config.apps.forEach((app, i) => {
    if (!app.secretContract) return;
    const file = app.secretContract.file;
    try {
      loadAppSecretContract(app, projectRoot);
    } catch (e) {
      if (!(e instanceof SecretContractError)) throw e;
      for (const issue of e.issues) {
        const isVersion = issue.field.startsWith('versions.');
        result.push({
          path: `apps[${i}].secretContract.${isVersion ? issue.field : 'file'}`,
          value: isVersion ? app.secretContract.versions?.[issue.field.slice('versions.'.length)] : file,
          message: formatContractIssue(file, issue),
        });
      }
    }
  });
  return result;
}

/** Turns a zod path inside the contract into a located issue naming the secret and the key. */
function locate(input: any, segments: readonly PropertyKey[], message: string): ContractIssue {
  const field = segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : `${i === 0 ? '' : '.'}${String(s)}`)).join('') || '(root)';
  const secretIndex = segments[0] === 'spec' && segments[1] === 'secrets' && typeof segments[2] === 'number' ? segments[2] : undefined;
  const secret = secretIndex !== undefined ? input?.spec?.secrets?.[secretIndex] : undefined;
  const dataIndex = secretIndex !== undefined && segments[3] === 'data' && typeof segments[4] === 'number' ? segments[4] : undefined;
  const entry = dataIndex !== undefined ? secret?.data?.[dataIndex] : undefined;
  const value = segments.reduce<any>((cur, s) => (cur === null || typeof cur !== 'object' ? undefined : cur[s as any]), input);
  const shown = value === undefined || (entry && segments[5] === 'value') ? '' : `(${JSON.stringify(value)}) `;
  return {
    secret: typeof secret?.name === 'string' ? secret.name : undefined,
    key: typeof entry?.key === 'string' ? entry.key : undefined,
    field,
    message: value === undefined && !/at least/.test(message) ? 'is required' : `${shown}${message}`,
  };
}
