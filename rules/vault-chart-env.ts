import { Release } from '@cdktf/provider-helm/lib/release';
import { parse as parseYaml } from 'yaml';
import { VAULT_CHART } from '../constructs/charts';
import { Rule } from './rule-pack';

/**
 * What the hashicorp/vault chart does with the values that reach a Vault pod at start, as data: the
 * server container's env list in order, and the names its start-up script substitutes in the HCL
 * config. Read in hashicorp/vault-helm at v0.34.1 (aa1c92e4adddbce9660e536dfe5222a88eda6d52):
 * templates/server-statefulset.yaml (env) and templates/_helpers.tpl (`vault.args`, `vault.config`,
 * `vault.extraEnvironmentVars`, `vault.extraSecretEnvironmentVars`). Another chart version needs a
 * fresh reading, so VP-HELM-1 refuses any other version until this model is updated.
 */
export const MODELED_VAULT_CHART_VERSION = '0.34.1';

type Values = Record<string, unknown>;

/** Where a variable's value comes from in the rendered pod spec. */
type RenderedSource = { readonly fieldPath: string } | { readonly literal: string } | { readonly secretKeyRef: string };
/** ... or, in the template, a values key (dotted path) with the `fallback` its `if … else` renders when unset. */
type EnvSource = RenderedSource | { readonly valuesKey: string; readonly fallback?: string };

interface ChartEnvVar {
  readonly name: string;
  readonly source: EnvSource;
  /** The template renders the variable only when this holds. @default - always rendered */
  readonly when?: (values: Values) => boolean;
}

/** The value at a dotted values key (`server.ha.apiAddr`), undefined when any part is missing. */
export function valueAt(values: Values, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Values)[part] : undefined), values);
}

const isTrue = (values: Values, key: string) => String(valueAt(values, key)) === 'true';
const isSet = (values: Values, key: string) => Boolean(valueAt(values, key));

/** server-statefulset.yaml, container `vault`, `env:` in order (the dev-mode-only entries left out). */
const SERVER_ENV: readonly ChartEnvVar[] = [
  { name: 'HOST_IP', source: { fieldPath: 'status.hostIP' } },
  { name: 'POD_IP', source: { fieldPath: 'status.podIP' } },
  { name: 'VAULT_K8S_POD_NAME', source: { fieldPath: 'metadata.name' } },
  { name: 'VAULT_K8S_NAMESPACE', source: { fieldPath: 'metadata.namespace' } },
  { name: 'VAULT_ADDR', source: { literal: 'https://127.0.0.1:8200' } },
  { name: 'VAULT_API_ADDR', source: { valuesKey: 'server.ha.apiAddr', fallback: 'https://$(POD_IP):8200' } },
  { name: 'SKIP_CHOWN', source: { literal: 'true' } },
  { name: 'SKIP_SETCAP', source: { literal: 'true' } },
  { name: 'HOSTNAME', source: { fieldPath: 'metadata.name' } },
  { name: 'VAULT_CLUSTER_ADDR', source: { valuesKey: 'server.ha.clusterAddr', fallback: 'https://$(HOSTNAME).<fullname>-internal:8201' } },
  { name: 'VAULT_RAFT_NODE_ID', source: { fieldPath: 'metadata.name' }, when: (v) => isTrue(v, 'server.ha.raft.enabled') && isTrue(v, 'server.ha.raft.setNodeId') },
  {
    name: 'VAULT_REDUNDANCY_ZONE',
    source: { fieldPath: "metadata.labels['topology.kubernetes.io/zone']" },
    when: (v) => isTrue(v, 'server.ha.raft.enabled') && isTrue(v, 'server.ha.raft.redundancyZones.enabled'),
  },
  { name: 'HOME', source: { literal: '/home/vault' } },
  { name: 'VAULT_LOG_LEVEL', source: { valuesKey: 'server.logLevel' }, when: (v) => isSet(v, 'server.logLevel') },
  { name: 'VAULT_LOG_FORMAT', source: { valuesKey: 'server.logFormat' }, when: (v) => isSet(v, 'server.logFormat') },
  {
    name: 'VAULT_LICENSE_PATH',
    source: { literal: '/vault/license/<key>' },
    when: (v) => isSet(v, 'server.enterpriseLicense.secretName') && isSet(v, 'server.enterpriseLicense.secretKey'),
  },
];

/**
 * The `sed` lines of `vault.args`, in order: each replaces every occurrence of the name in the HCL
 * config with the value of the env variable of the same name, when that variable is non-empty.
 */
export const STARTUP_SCRIPT_PLACEHOLDERS = ['HOST_IP', 'POD_IP', 'HOSTNAME', 'API_ADDR', 'TRANSIT_ADDR', 'RAFT_ADDR'] as const;

/** One variable of the server container, in the order the chart renders it. */
export interface ServerEnvVar {
  readonly name: string;
  readonly source: RenderedSource;
  /** The values key the variable's value comes from, if any. */
  readonly valuesKey?: string;
}

/** The server container's env for these (merged) values, in order. */
export function vaultServerEnv(values: Values): ServerEnvVar[] {
  const env: ServerEnvVar[] = SERVER_ENV.filter((e) => !e.when || e.when(values)).map((e) => {
    if (!('valuesKey' in e.source)) return { name: e.name, source: e.source };
    const value = valueAt(values, e.source.valuesKey);
    if (value === undefined || value === null || value === '') return { name: e.name, source: { literal: e.source.fallback ?? '' } };
    return { name: e.name, source: { literal: String(value) }, valuesKey: e.source.valuesKey };
  });
  // Go templates range over a map in sorted key order; each key becomes `replace "." "_" | upper`.
  const extra = (valueAt(values, 'server.extraEnvironmentVars') ?? {}) as Values;
  for (const key of Object.keys(extra).sort()) {
    env.push({ name: key.replace(/\./g, '_').toUpperCase(), source: { literal: String(extra[key]) }, valuesKey: `server.extraEnvironmentVars.${key}` });
  }
  const secretVars = (valueAt(values, 'server.extraSecretEnvironmentVars') ?? []) as Array<{ envName: string; secretName: string; secretKey: string }>;
  for (const s of secretVars) env.push({ name: s.envName, source: { secretKeyRef: `${s.secretName}/${s.secretKey}` } });
  return env;
}

/**
 * Kubernetes' `$(VAR)` expansion of one env value (kubernetes/kubernetes
 * third_party/forked/golang/expansion/expand.go): `$$` is a literal `$`, `$(NAME)` becomes the value
 * of NAME when `defined` has it and stays as written otherwise. Returns the names left unexpanded.
 */
export function expandEnvValue(value: string, defined: ReadonlyMap<string, string>): { expanded: string; unresolved: string[] } {
  const unresolved: string[] = [];
  const expanded = value.replace(/\$(\$|\(([^)]*)\))/g, (match, escapeOrRef: string, name: string | undefined) => {
    if (escapeOrRef === '$') return '$';
    const found = defined.get(name!);
    if (found === undefined) unresolved.push(name!);
    return found ?? match;
  });
  return { expanded, unresolved };
}

/** How the kubelet fills a variable that is not a plain value (a field of the pod, a Secret key). */
export type EnvResolver = (source: { fieldPath: string } | { secretKeyRef: string }) => string;

/** One variable as the container receives it, and the `$(NAME)` references left unexpanded in it. */
export interface PodEnvVar {
  readonly value: string;
  readonly unresolved: readonly string[];
}

/**
 * The environment the kubelet builds for the server container: variables in declaration order, each
 * value expanded only with the variables before it (kubernetes/kubernetes pkg/kubelet/kubelet_pods.go,
 * `makeEnvironmentVariables`). Service links are left out: VP-HELM-1 does not rely on them.
 */
export function podEnvironment(env: readonly ServerEnvVar[], resolve: EnvResolver): Map<string, PodEnvVar> {
  const defined = new Map<string, string>();
  const result = new Map<string, PodEnvVar>();
  for (const e of env) {
    const { expanded, unresolved } = 'literal' in e.source ? expandEnvValue(e.source.literal, defined) : { expanded: resolve(e.source), unresolved: [] };
    defined.set(e.name, expanded);
    result.set(e.name, { value: expanded, unresolved });
  }
  return result;
}

/** The HCL config the chart writes into its ConfigMap (`vault.config`): raft's, else the mode's. */
function serverConfigOf(values: Values): { key: string; hcl: string } | undefined {
  const key = isTrue(values, 'server.ha.raft.enabled') ? 'server.ha.raft.config' : isTrue(values, 'server.ha.enabled') ? 'server.ha.config' : 'server.standalone.config';
  const hcl = valueAt(values, key);
  return typeof hcl === 'string' ? { key, hcl } : undefined;
}

/** The values helm renders a `helm_release` block with: its values documents, merged. */
export function releaseValues(block: Record<string, unknown>): Values {
  const documents = Array.isArray(block.values) ? block.values : [];
  return documents.reduce<Values>((merged, doc) => mergeValues(merged, (parseYaml(String(doc)) ?? {}) as Values), {});
}

/** Helm's merge of several values documents: later ones win, maps merge key by key. */
function mergeValues(target: Values, source: Values): Values {
  for (const [k, v] of Object.entries(source)) {
    const t = target[k];
    const bothMaps = [t, v].every((x) => x !== null && typeof x === 'object' && !Array.isArray(x));
    target[k] = bothMaps ? mergeValues({ ...(t as Values) }, v as Values) : v;
  }
  return target;
}

/** An all-caps name such as `POD_NAME` (or a substituted one such as `HOSTNAME`): what a placeholder looks like. */
const PLACEHOLDER_LIKE = new RegExp(`\\b(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|${STARTUP_SCRIPT_PLACEHOLDERS.join('|')})\\b`, 'g');
/** `$(NAME)` or `${NAME}`: nothing expands these in a config file. */
const VARIABLE_REFERENCE = /\$[({][^)}]*[)}]/g;

/** How to fix a reference to `name`: an earlier variable holding the same pod field, else every earlier one. */
function earlierAlternative(env: readonly ServerEnvVar[], name: string, before: number): string {
  const target = env.find((e) => e.name === name);
  const same = target && 'fieldPath' in target.source ? env.slice(0, before).find((e) => 'fieldPath' in e.source && e.source.fieldPath === (target.source as { fieldPath: string }).fieldPath) : undefined;
  if (same) return `use $(${same.name}), which holds the same ${(same.source as { fieldPath: string }).fieldPath} and comes before it`;
  return `use one of ${env.slice(0, before).map((e) => e.name).join(', ')}`;
}

/** Findings for one Vault release's values; empty when every address a pod advertises is expanded. */
export function checkVaultChartValues(values: Values): string[] {
  const env = vaultServerEnv(values);
  const messages: string[] = [];
  const received = podEnvironment(env, (source) => ('fieldPath' in source ? `<${source.fieldPath}>` : `<secret ${source.secretKeyRef}>`));
  env.forEach((e, i) => {
    if (!e.valuesKey) return;
    for (const name of received.get(e.name)!.unresolved) {
      const where = env.some((x) => x.name === name) ? `which the chart defines after ${e.name}` : 'which the container never defines';
      messages.push(
        `${e.valuesKey} (${JSON.stringify((e.source as { literal: string }).literal)}) becomes env ${e.name} and refers to $(${name}), ${where}: Kubernetes expands $(VAR) only from variables defined earlier, so the pod gets the literal text; ${earlierAlternative(env, name, i)}`,
      );
    }
  });
  const config = serverConfigOf(values);
  if (config) {
    const substituted = STARTUP_SCRIPT_PLACEHOLDERS.filter((p) => received.has(p));
    const onlyWhenSet = STARTUP_SCRIPT_PLACEHOLDERS.filter((p) => !received.has(p));
    const references = config.hcl.match(VARIABLE_REFERENCE) ?? [];
    for (const ref of new Set(references)) {
      messages.push(`${config.key} contains ${JSON.stringify(ref)}: nothing expands variables in the config file (the start-up script replaces bare names only); write the bare name, one of ${substituted.join(', ')}`);
    }
    for (const word of new Set(config.hcl.replace(VARIABLE_REFERENCE, '').match(PLACEHOLDER_LIKE) ?? [])) {
      if ((substituted as readonly string[]).includes(word)) continue;
      const rest = onlyWhenSet.length > 0 ? `, and ${onlyWhenSet.join(', ')} once an env variable of that name is set` : '';
      messages.push(`${config.key} contains ${JSON.stringify(word)}, which the chart's start-up script does not substitute: it replaces only ${substituted.join(', ')}${rest}`);
    }
  }
  return messages;
}

export const vaultChartAddressesExpand: Rule = {
  id: 'VP-HELM-1',
  summary: "a hashicorp/vault release's values only use `$(VAR)` the chart's env order expands, and only HCL placeholders its start-up script substitutes",
  check(construct, { synthesized }) {
    if (!(construct instanceof Release)) return [];
    const block = synthesized.blockOf(construct) ?? {};
    if (block.chart !== VAULT_CHART.chart || block.repository !== VAULT_CHART.repository) return [];
    if (block.version !== MODELED_VAULT_CHART_VERSION) {
      return [
        `chart version ${JSON.stringify(block.version)}: the server env order and start-up script are modeled for ${MODELED_VAULT_CHART_VERSION} only; re-read templates/server-statefulset.yaml and templates/_helpers.tpl at that version and update rules/vault-chart-env.ts`,
      ];
    }
    return checkVaultChartValues(releaseValues(block));
  },
};
