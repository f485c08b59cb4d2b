import type { ConfigIssue } from './issues';
import { LabConfig, StateBackendConfig } from './schema';
import { DEFAULT_BREAK_GLASS_USERNAME } from './schema-break-glass';

/**
 * What "production" means for the sandbox, derived from the config alone so that a new endpoint
 * field is covered without code changes: every URL, host name, IP address or kube context found
 * anywhere under `environments.main` and `environments.qnap` is a production endpoint, except
 *   - state backends, which are compared as locations (`stateLocation`), not as strings;
 *   - cluster-relative names (`*.svc`, `*.cluster.local`, `localhost`), which every cluster
 *     resolves to itself;
 *   - endpoints shared by design (`SHARED_BY_DESIGN`): the forge that issues CI tokens serves both.
 */
export const PRODUCTION_ENVIRONMENTS = ['qnap', 'main'] as const;

/**
 * Config paths (inside an environment) whose endpoints production and sandbox share on purpose: the
 * forge issues CI tokens and people's OIDC logins to both, through separate clients and roles
 * (`humanLoginIsolationIssues`).
 */
export const SHARED_BY_DESIGN: readonly string[] = ['ci.oidc.issuer', 'operators.oidc.discoveryUrl'];

export interface ProductionEndpoint {
  /** Host name, IP address or kube context, lowercase. */
  readonly value: string;
  /** Where the config declares it, e.g. `environments.main.vault.address`. */
  readonly configPath: string;
}

/** Every production endpoint of the config, each once (the first place that declares it). */
export function productionEndpoints(config: LabConfig): ProductionEndpoint[] {
  // Only production's own declaration makes an endpoint shared: the sandbox cannot whitelist one.
  const shared = new Set<string>();
  for (const env of PRODUCTION_ENVIRONMENTS) {
    walkStrings(config.environments[env], [], (value, keys) => {
      if (SHARED_BY_DESIGN.includes(keys.join('.'))) {
        const endpoint = endpointOf(keys, value);
        if (endpoint) shared.add(endpoint);
      }
    });
  }
  const found = new Map<string, ProductionEndpoint>();
  for (const env of PRODUCTION_ENVIRONMENTS) {
    walkStrings(config.environments[env], [], (value, keys) => {
      if (keys[0] === 'state') return;
      const endpoint = endpointOf(keys, value);
      if (endpoint && !shared.has(endpoint) && !found.has(endpoint)) {
        found.set(endpoint, { value: endpoint, configPath: ['environments', env, ...keys].join('.') });
      }
    });
  }
  return [...found.values()];
}

/** The endpoint a config value names, if it names one: a URL's host, a host, an IP, a kube context. */
export function endpointOf(keys: readonly string[], value: string): string | undefined {
  let candidate: string | undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    candidate = URL.canParse(value) ? new URL(value).hostname : undefined;
  } else if (HOST_LIKE.test(value) || IPV4.test(value)) {
    candidate = value;
  } else if (/context/i.test(keys[keys.length - 1] ?? '') && value.trim() !== '') {
    candidate = value;
  }
  if (!candidate) return undefined;
  candidate = candidate.toLowerCase();
  return CLUSTER_RELATIVE.test(candidate) ? undefined : candidate;
}

const HOST_LIKE = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const CLUSTER_RELATIVE = /(^|\.)(svc|cluster\.local)$|^localhost$|^127\./;

/** True when `text` names `endpoint` as a whole name (`vault.lab.example.net` is not in `vault.lab.example.net.evil`). */
export function mentionsEndpoint(text: string, endpoint: string): boolean {
  let pattern = endpointPatterns.get(endpoint);
  if (!pattern) {
    const escaped = endpoint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    pattern = new RegExp(`(?<![A-Za-z0-9_.-])${escaped}(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])`, 'i');
    endpointPatterns.set(endpoint, pattern);
  }
  return pattern.test(text);
}

/** Compiled once per endpoint: the isolation check tests every string of every sandbox stack. */
const endpointPatterns = new Map<string, RegExp>();

/**
 * Where a backend keeps the states of an environment, as one comparable string: two environments
 * with the same location share a state folder, schema prefix or bucket prefix.
 */
export function stateLocation(backend: StateBackendConfig | undefined): string {
  const b = backend ?? { type: 'local' as const };
  switch (b.type) {
    case 'local':
      return `local:${normalizeDirectory(b.directory ?? 'state')}`;
    case 'pg':
      return `pg:${b.schemaPrefix ?? 'vault_platform'}`;
    case 's3':
      return `s3:${b.endpoint ? new URL(b.endpoint).host : 'aws'}/${b.bucket}/${b.keyPrefix ?? 'vault-platform'}`;
  }
}

export function normalizeDirectory(dir: string): string {
  return dir.split(/[\\/]+/).filter((s) => s !== '' && s !== '.').join('/');
}

/**
 * Config-level isolation: the sandbox must not reuse a production endpoint or state location.
 * Reported like every other cross-field rule, with the `environments.sandbox…` path.
 */
export function sandboxIsolationIssues(config: LabConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const production = productionEndpoints(config);
  walkStrings(config.environments.sandbox, [], (value, keys) => {
    if (keys[0] === 'state') return;
    const endpoint = endpointOf(keys, value);
    const hit = endpoint && production.find((p) => p.value === endpoint);
    if (hit) {
      issues.push({
        path: ['environments', 'sandbox', ...keys].join('.'),
        value,
        message: `is the production endpoint ${hit.value} (${hit.configPath}); the sandbox must have its own`,
      });
    }
  });
  issues.push(...humanLoginIsolationIssues(config));
  const sandboxState = stateLocation(config.environments.sandbox.state);
  for (const env of PRODUCTION_ENVIRONMENTS) {
    if (stateLocation(config.environments[env].state) === sandboxState) {
      issues.push({
        path: 'environments.sandbox.state',
        value: config.environments.sandbox.state ?? { type: 'local' },
        message: `shares the state location of environments.${env}.state (${sandboxState}); give the sandbox its own directory, schemaPrefix or bucket/keyPrefix`,
      });
    }
  }
  return issues;
}

/**
 * What production's people log in with, each value with where main declares it: the OIDC client id
 * (the audience Vault binds, so a forge token for one client is refused by the other Vault), the
 * forge groups its roles admit, and the break-glass account's name. The sandbox declaring one of them
 * would let a production login, or production's sealed envelope, open the sandbox and the reverse.
 */
export function productionHumanLogins(config: LabConfig): ProductionEndpoint[] {
  const operators = config.environments.main.operators;
  if (!operators) return [];
  const at = 'environments.main.operators';
  return [
    { value: operators.oidc.clientId, configPath: `${at}.oidc.clientId` },
    ...operators.roles.flatMap((role, i) => role.groups.map((group, j) => ({ value: group, configPath: `${at}.roles[${i}].groups[${j}]` }))),
    ...(operators.breakGlass ? [{ value: operators.breakGlass.username ?? DEFAULT_BREAK_GLASS_USERNAME, configPath: `${at}.breakGlass.username` }] : []),
  ];
}

/** The sandbox's human logins share no client id, forge group or break-glass account with main. */
function humanLoginIsolationIssues(config: LabConfig): ConfigIssue[] {
  const operators = config.environments.sandbox.operators;
  if (!operators) return [];
  const production = productionHumanLogins(config);
  const at = 'environments.sandbox.operators';
  const sandbox: Array<{ value: string; path: string; fix: string; group?: true }> = [
    { value: operators.oidc.clientId, path: `${at}.oidc.clientId`, fix: 'register an OAuth2 application of its own for the sandbox Vault (e.g. vault-sandbox)' },
    ...operators.roles.flatMap((role, i) =>
      role.groups.map((group, j) => ({ value: group, path: `${at}.roles[${i}].groups[${j}]`, fix: 'bind the sandbox roles to forge teams of their own (e.g. lab:vault-sandbox-operators)', group: true as const })),
    ),
    ...(operators.breakGlass
      ? [{ value: operators.breakGlass.username ?? DEFAULT_BREAK_GLASS_USERNAME, path: `${at}.breakGlass.username`, fix: 'give the sandbox account a name of its own (e.g. sandbox-emergency), with its own sealed envelope' }]
      : []),
  ];
  const productionGroups = production.filter(isForgeGroup);
  return sandbox.flatMap((login) => {
    const hit = production.find((p) => p.value === login.value);
    if (hit) return [{ path: login.path, value: login.value, message: `is also ${hit.configPath}; ${login.fix}` }];
    const wider = login.group ? productionGroups.find((p) => groupsShareMembers(p.value, login.value)) : undefined;
    return wider
      ? [{ path: login.path, value: login.value, message: `shares members with ${wider.configPath} (${wider.value}): an organization admits every member of its teams; ${login.fix}` }]
      : [];
  });
}

/** Whether a production human login is a forge group of a role (`….roles[i].groups[j]`). */
export function isForgeGroup(login: ProductionEndpoint): boolean {
  return /\.groups\[\d+\]$/.test(login.configPath);
}

/**
 * Whether two forge groups admit the same people: an organization (`lab`) and one of its teams
 * (`lab:ops`), whose members are all in the organization's groups claim too (go-gitea/gitea
 * services/oauth2_provider/access_token.go GetOAuthGroupsForUser). Organization names compare
 * without case, as the forge keeps them unique (its LowerName).
 */
export function groupsShareMembers(a: string, b: string): boolean {
  const org = (g: string) => g.split(':')[0].toLowerCase();
  const isOrg = (g: string) => !g.includes(':');
  return org(a) === org(b) && (isOrg(a) || isOrg(b));
}

/** Calls `visit` with every string leaf of `value` and the keys leading to it (array items by index). */
export function walkStrings(value: unknown, keys: string[], visit: (value: string, keys: string[]) => void): void {
  if (typeof value === 'string') {
    visit(value, keys);
  } else if (Array.isArray(value)) {
    value.forEach((v) => walkStrings(v, keys, visit));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walkStrings(v, [...keys, k], visit);
  }
}
