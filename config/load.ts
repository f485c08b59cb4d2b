import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { deliveryIssues } from './delivery-rules';
import { sandboxIsolationIssues } from './isolation';
import { bootstrapConfigIssues } from './bootstrap-checks';
import { ciProfileIssues } from './ci-checks';
import { ConfigIssue, formatPath } from './issues';
import { isInsideFolder, OutsideProjectError, realPathInsideProject } from './project-files';
import { reservedIdentityIssues, reservedSecretIssues } from './reserved-identities';
import { CLUSTER_ENVIRONMENTS, LabConfig, labConfigSchema } from './schema';
import { secretContractIssues } from './secret-contract';
import { vaultCaCertIssues } from './vault-ca';
import { templateTextIssues } from './terraform-text';
import { NotUtf8Error, readUtf8File, yamlValue } from './yaml-input';
import { shardingIssues } from './shards';
import { snapshotConfigIssues } from './snapshot-checks';
import { operatorsConfigIssues } from './operators-checks';
import { exposureConfigIssues } from './exposure-checks';

/** The example lab, used when `LAB_CONFIG` is not set. */
export const DEFAULT_CONFIG_FILE = path.join(__dirname, 'lab.yaml');

export class ConfigError extends Error {
  public constructor(
    public readonly source: string,
    public readonly issues: readonly ConfigIssue[],
  ) {
    super(
      `invalid lab config ${source}:\n` +
        issues.map((i) => `  - ${i.path || '(root)'}${describeValue(i.value)}: ${i.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/**
 * Loads, parses and validates the lab config: `file`, else `$LAB_CONFIG`, else the example. A file
 * inside the project (`projectRoot`, where cdktf runs) must really be there: a committed symbolic
 * link leading out of it is refused before anything is read. A file named outside the project is
 * the operator's explicit choice and is read as named.
 */
export function loadLabConfig(file: string = process.env.LAB_CONFIG || DEFAULT_CONFIG_FILE, projectRoot: string = process.cwd()): LabConfig {
  let text: string;
  try {
    const named = path.resolve(projectRoot, file);
    const inProject = isInsideFolder(named, path.resolve(projectRoot)) || isInsideFolder(named, fs.realpathSync(projectRoot));
    text = readUtf8File(inProject ? realPathInsideProject(file, projectRoot) : named);
  } catch (e) {
    const message = e instanceof OutsideProjectError || e instanceof NotUtf8Error ? e.message : `cannot read the file (${(e as Error).message}); set LAB_CONFIG to an existing YAML file`;
    throw new ConfigError(file, [{ path: '', value: undefined, message }]);
  }
  return parseLabConfig(text, file);
}

/** Parses YAML text and validates it; `source` names the file in error messages. */
export function parseLabConfig(text: string, source = '<inline>'): LabConfig {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => ({ path: '', value: undefined, message: `YAML syntax: ${e.message.split('\n')[0]}` })),
    );
  }
  const parsed = yamlValue(doc);
  if ('problem' in parsed) throw new ConfigError(source, [{ path: '', value: undefined, message: parsed.problem }]);
  return validateLabConfig(parsed.value, source);
}

/** Validates an already parsed object: schema first, then the rules that span several fields. */
export function validateLabConfig(input: unknown, source = '<inline>'): LabConfig {
  if (input === null || input === undefined || typeof input !== 'object' || Array.isArray(input)) {
    const found = input === null || input === undefined ? 'the file is empty' : `the file holds a ${Array.isArray(input) ? 'list' : typeof input}`;
    throw new ConfigError(source, [
      { path: '', value: undefined, message: `${found}; a lab config is a mapping with the keys environments and apps (start from config/lab.yaml)` },
    ]);
  }
  const parsed = labConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(source, parsed.error.issues.flatMap((i) => toConfigIssues(i, input)));
  }
  const crossIssues = [...crossFieldIssues(parsed.data), ...templateTextIssues(parsed.data), ...secretContractIssues(parsed.data), ...vaultCaCertIssues(parsed.data)];
  if (crossIssues.length > 0) throw new ConfigError(source, crossIssues);
  return parsed.data;
}

function crossFieldIssues(config: LabConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { qnap } = config.environments;

  if (qnap.vault.address.startsWith('http://') && !qnap.vault.allowInsecureHttp) {
    issues.push({
      path: 'environments.qnap.vault.address',
      value: qnap.vault.address,
      message: 'plain http needs an explicit opt-in: set environments.qnap.vault.allowInsecureHttp: true, or use https',
    });
  }
  for (const env of CLUSTER_ENVIRONMENTS) {
    const vault = config.environments[env].vault;
    if (vault.address.startsWith('http://')) {
      issues.push({ path: `environments.${env}.vault.address`, value: vault.address, message: `the ${env} Vault must be reached over https` });
    }
    if (vault.allowInsecureHttp !== undefined) {
      issues.push({
        path: `environments.${env}.vault.allowInsecureHttp`,
        value: vault.allowInsecureHttp,
        message: 'only the bootstrap (qnap) Vault may opt into plain http; remove the key',
      });
    }
  }

  issues.push(...sandboxIsolationIssues(config));

  const firstIndexByName = new Map<string, number>();
  const firstIndexByIdentity = new Map<string, number>();
  config.apps.forEach((app, i) => {
    const seen = firstIndexByName.get(app.name);
    if (seen !== undefined) {
      issues.push({ path: `apps[${i}].name`, value: app.name, message: `duplicate app name: apps[${seen}] already uses it; app names must be unique` });
    } else {
      firstIndexByName.set(app.name, i);
    }
    // Two apps bound to the same ServiceAccount could each log in as the other.
    const identity = `${app.namespace}/${app.serviceAccount ?? app.name}`;
    const sameIdentity = firstIndexByIdentity.get(identity);
    if (sameIdentity !== undefined && seen === undefined) {
      issues.push({
        path: `apps[${i}].serviceAccount`,
        value: app.serviceAccount ?? app.name,
        message: `ServiceAccount ${identity} is already bound to apps[${sameIdentity}]; each app needs its own ServiceAccount`,
      });
    } else {
      firstIndexByIdentity.set(identity, i);
    }
    if (app.postgres) {
      for (const env of CLUSTER_ENVIRONMENTS) {
        const clusters = config.environments[env].postgres?.clusters ?? {};
        // Own keys only: `in` would also find `constructor` on every object.
        if (!Object.hasOwn(clusters, app.postgres.cluster)) {
          const known = Object.keys(clusters);
          issues.push({
            path: `apps[${i}].postgres.cluster`,
            value: app.postgres.cluster,
            message: `no such cluster in environments.${env}.postgres.clusters (${known.length ? `known: ${known.join(', ')}` : 'none defined'}); define it there or fix the name`,
          });
        }
      }
    }
  });
  issues.push(...deliveryIssues(config));
  issues.push(...bootstrapConfigIssues(config));
  issues.push(...snapshotConfigIssues(config));
  issues.push(...operatorsConfigIssues(config));
  issues.push(...exposureConfigIssues(config));
  issues.push(...shardingIssues(config));
  issues.push(...reservedIdentityIssues(config));
  issues.push(...reservedSecretIssues(config));
  issues.push(...ciProfileIssues(config));
  return issues;
}

function toConfigIssues(issue: z.core.$ZodIssue, input: unknown): ConfigIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: formatPath([...issue.path, key]),
      value: valueAt(input, [...issue.path, key]),
      message: `unknown key '${key}'; check the spelling against config/lab.schema.json`,
    }));
  }
  if (issue.code === 'invalid_union' && issue.path.length > 0) {
    const value = valueAt(input, issue.path);
    return [{ path: formatPath(issue.path), value, message: issue.message }];
  }
  if (issue.code === 'invalid_key') {
    // A record key (a cluster or shard name) broke its rule: say which rule, not just 'Invalid key'.
    const key = String(issue.path[issue.path.length - 1]);
    return [{ path: formatPath(issue.path), value: key, message: `the key ${issue.issues.map((i) => `must be ${i.message}`).join('; ')}` }];
  }
  let message = issue.message;
  if (issue.code === 'invalid_value') message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) message = `is required (${issue.expected})`;
  return [{ path: formatPath(issue.path), value: valueAt(input, issue.path), message }];
}

function valueAt(input: unknown, segments: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const s of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[s];
  }
  return current;
}

function describeValue(value: unknown): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return ` = ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`;
}
