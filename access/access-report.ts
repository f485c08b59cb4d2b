import { parse } from '@cdktf/hcl2json';
import { AclRule, effectiveCapabilities, mergeRules } from './path-matcher';

/**
 * Who can do what in each Vault, computed from the synthesized Terraform JSON alone: every
 * `vault_policy`, `vault_kubernetes_auth_backend_role`, `vault_jwt_auth_backend_role` (CI's jwt roles,
 * people's oidc roles), `vault_token_auth_backend_role` and userpass identity alias of every stack,
 * whoever's construct created them. Pure functions except the HCL parse.
 */

/** One synthesized stack (`cdktf.out/stacks/<name>/cdk.tf.json`). */
export interface SynthesizedStackJson {
  readonly stack: string;
  readonly json: { provider?: Record<string, any[]>; resource?: Record<string, Record<string, any>>; [key: string]: unknown };
}

export interface AccessGrant {
  /** Policy path pattern, as written in the policies. */
  readonly path: string;
  /** Capabilities on that pattern, merged across the identity's policies (`deny` alone when denied). */
  readonly capabilities: string[];
}

export interface AccessRow {
  /**
   * `namespace/serviceaccount` for Kubernetes, `owner/repo@ref` for CI, `token-role:<name>` for a token
   * role's tokens, `forge-group:<org[:team]>` for people logging in through the forge's OIDC,
   * `userpass:<user>` for a password account (the break-glass one).
   */
  readonly identity: string;
  readonly identityKind: 'kubernetes' | 'ci' | 'token' | 'forge-group' | 'userpass';
  /** `auth/<mount>/role/<name>`, `auth/token/roles/<name>`, or `auth/<mount>/users/<name>`. */
  readonly role: string;
  readonly policies: string[];
  readonly grants: AccessGrant[];
}

export interface VaultAccess {
  /** The Vault's address (from the stacks' vault provider). */
  readonly vault: string;
  readonly stacks: string[];
  readonly rows: AccessRow[];
  /** Rules of every policy of this Vault by name (for `canAccess`). */
  readonly policies: Record<string, AclRule[]>;
}

export interface AccessReport {
  readonly vaults: VaultAccess[];
}

/** Builds the report; `parseHcl` turns a policy's HCL into rules (the real HCL parser by default). */
export async function buildAccessReport(
  stacks: readonly SynthesizedStackJson[],
  parseHcl: (hcl: string) => Promise<AclRule[]> = parsePolicyRules,
): Promise<AccessReport> {
  const byVault = new Map<string, SynthesizedStackJson[]>();
  for (const s of stacks) {
    const address = s.json.provider?.vault?.find((p) => p.alias === undefined)?.address;
    if (typeof address !== 'string') continue;
    byVault.set(address, [...(byVault.get(address) ?? []), s]);
  }
  const vaults: VaultAccess[] = [];
  for (const [vault, members] of [...byVault.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const policies: Record<string, AclRule[]> = {};
    for (const s of members) {
      for (const block of Object.values(s.json.resource?.vault_policy ?? {})) {
        policies[block.name] = await parseHcl(String(block.policy));
      }
    }
    const rows = members.flatMap((s) => roleRows(s.json, policies));
    rows.sort((a, b) => (a.identity + a.role < b.identity + b.role ? -1 : 1));
    vaults.push({ vault, stacks: members.map((s) => s.stack).sort(), rows, policies });
  }
  return { vaults };
}

/** A policy's rules as Vault's HCL parser reads them. */
export async function parsePolicyRules(hcl: string): Promise<AclRule[]> {
  const parsed = (await parse('policy.hcl', hcl)) as { path?: Record<string, Array<{ capabilities?: string[] }>> };
  return mergeRules([
    Object.entries(parsed.path ?? {}).map(([path, blocks]) => ({ path, capabilities: blocks.flatMap((b) => b.capabilities ?? []) })),
  ]);
}

function roleRows(json: SynthesizedStackJson['json'], policies: Record<string, AclRule[]>): AccessRow[] {
  const rows: AccessRow[] = [];
  const add = (kind: AccessRow['identityKind'], identities: string[], role: string, policyList: unknown) => {
    const tokenPolicies: string[] = Array.isArray(policyList) ? policyList.map(String).sort() : [];
    const grants = mergeRules(tokenPolicies.map((p) => policies[p] ?? [])).map((r) => ({ path: r.path, capabilities: [...r.capabilities] }));
    for (const identity of identities) rows.push({ identity, identityKind: kind, role, policies: tokenPolicies, grants });
  };
  const roleOf = (block: any, defaultMount: string) => `auth/${resolveReference(json, block.backend) ?? defaultMount}/role/${block.role_name}`;
  for (const block of Object.values(json.resource?.vault_kubernetes_auth_backend_role ?? {})) {
    const namespaces = listOf(block.bound_service_account_namespaces);
    const names = listOf(block.bound_service_account_names);
    add('kubernetes', namespaces.flatMap((ns) => names.map((sa) => `${ns}/${sa}`)), roleOf(block, 'kubernetes'), block.token_policies);
  }
  for (const block of Object.values(json.resource?.vault_jwt_auth_backend_role ?? {})) {
    const claims = (block.bound_claims ?? {}) as Record<string, unknown>;
    // A role without role_type is an oidc role (hashicorp/vault-plugin-auth-jwt path_role.go): people
    // in the browser or `vault login -method=oidc`, admitted by the groups their forge puts in the
    // role's groups claim; the provider splits a bound claim's value on commas.
    if (block.role_type !== 'jwt') {
      const groupsClaim = String(block.groups_claim ?? 'groups');
      const groups = claims[groupsClaim] !== undefined ? String(claims[groupsClaim]).split(',') : ['*'];
      add('forge-group', groups.map((g) => `forge-group:${g.trim()}`), roleOf(block, 'oidc'), block.token_policies);
      continue;
    }
    const repos = claims.repository !== undefined ? String(claims.repository).split(',') : ['*'];
    const refs = claims.ref !== undefined ? String(claims.ref).split(',') : ['*'];
    add('ci', repos.flatMap((repo) => refs.map((ref) => `${repo.trim()}@${ref.trim()}`)), roleOf(block, 'jwt'), block.token_policies);
  }
  // Whoever holds a token created from a token role (`vault token create -role=<name>`, e.g. the NAS's
  // snapshot timer) gets at most the role's allowed_policies (hashicorp/vault vault/token_store.go,
  // handleCreateCommon); `default` is left out here, as for the other roles.
  for (const block of Object.values(json.resource?.vault_token_auth_backend_role ?? {})) {
    add('token', [`token-role:${block.role_name}`], `auth/token/roles/${block.role_name}`, block.allowed_policies);
  }
  // A userpass account whose policies come from its identity entity (the break-glass login,
  // constructs/break-glass-login.ts): the alias ties the user name on that method to the entity.
  for (const alias of Object.values(json.resource?.vault_identity_entity_alias ?? {})) {
    const backend = referencedBlock(json, alias.mount_accessor);
    const entity = referencedBlock(json, alias.canonical_id);
    if (backend?.type !== 'userpass' || !entity) continue;
    add('userpass', [`userpass:${alias.name}`], `auth/${backend.path}/users/${alias.name}`, entity.policies);
  }
  return rows;
}

function listOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : value === undefined ? ['*'] : [String(value)];
}

const REFERENCE = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$/;

/** `${vault_auth_backend.<id>.path}` → that resource's `path` in the same stack; a plain string as is. */
function resolveReference(json: SynthesizedStackJson['json'], value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ref = REFERENCE.exec(value);
  if (!ref) return value;
  const target = json.resource?.[ref[1]]?.[ref[2]]?.[ref[3]];
  return typeof target === 'string' ? target : value;
}

/** The resource block a reference (`${vault_identity_entity.<id>.id}`) points to in the same stack. */
function referencedBlock(json: SynthesizedStackJson['json'], value: unknown): Record<string, any> | undefined {
  const ref = typeof value === 'string' ? REFERENCE.exec(value) : null;
  return ref ? json.resource?.[ref[1]]?.[ref[2]] : undefined;
}

/** What `identity` may do on `requestPath` in `vault`, over all roles it can log in with. */
export function canAccess(vault: VaultAccess, identity: string, requestPath: string): string[] {
  const caps = new Set<string>();
  for (const row of vault.rows.filter((r) => r.identity === identity)) {
    effectiveCapabilities([row.grants], requestPath).forEach((c) => caps.add(c));
  }
  return [...caps].sort();
}

// ---------- rendering ----------

interface FlatLine {
  vault: string;
  identity: string;
  role: string;
  policies: string;
  path: string;
  capabilities: string;
}

function flatten(report: AccessReport): FlatLine[] {
  return report.vaults.flatMap((v) =>
    v.rows.flatMap((r) =>
      (r.grants.length ? r.grants : [{ path: '(none)', capabilities: [] }]).map((g) => ({
        vault: v.vault,
        identity: r.identity,
        role: r.role,
        policies: r.policies.join(', '),
        path: g.path,
        capabilities: g.capabilities.join(', '),
      })),
    ),
  );
}

const COLUMNS: Array<[keyof FlatLine, string]> = [
  ['identity', 'Identity'],
  ['role', 'Role'],
  ['policies', 'Policies'],
  ['path', 'Path'],
  ['capabilities', 'Capabilities'],
];

/** A plain-text table per Vault, for a terminal. */
export function renderTable(report: AccessReport): string {
  const lines = flatten(report);
  return report.vaults
    .map((v) => {
      const rows = lines.filter((l) => l.vault === v.vault);
      if (rows.length === 0) return `Vault ${v.vault} (stacks: ${v.stacks.join(', ')})\n(no auth roles)`;
      const widths = COLUMNS.map(([k, title]) => Math.max(title.length, ...rows.map((r) => r[k].length)));
      const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
      return [
        `Vault ${v.vault} (stacks: ${v.stacks.join(', ')})`,
        fmt(COLUMNS.map(([, t]) => t)),
        fmt(widths.map((w) => '-'.repeat(w))),
        ...rows.map((r) => fmt(COLUMNS.map(([k]) => r[k]))),
      ].join('\n');
    })
    .join('\n\n');
}

/** Markdown tables per Vault, for pull-request reviews. */
export function renderMarkdown(report: AccessReport): string {
  const lines = flatten(report);
  const cell = (s: string) => `\`${s.replace(/\|/g, '\\|')}\``;
  return report.vaults
    .map((v) =>
      [
        `### Vault \`${v.vault}\``,
        '',
        `Stacks: ${v.stacks.join(', ')}`,
        '',
        ...(v.rows.length === 0 ? ['(no auth roles)'] : []),
      ].concat(v.rows.length === 0 ? [] : [
        `| ${COLUMNS.map(([, t]) => t).join(' | ')} |`,
        `|${COLUMNS.map(() => '---').join('|')}|`,
        ...lines.filter((l) => l.vault === v.vault).map((l) => `| ${COLUMNS.map(([k]) => (l[k] ? cell(l[k]) : '')).join(' | ')} |`),
      ]).join('\n'),
    )
    .join('\n\n');
}

/** The report as JSON (`--json`); `--diff` reads it back. Policies are omitted: rows carry the grants. */
export function toJson(report: AccessReport): string {
  return JSON.stringify({ vaults: report.vaults.map(({ vault, stacks, rows }) => ({ vault, stacks, rows })) }, null, 2);
}

export interface AccessChange {
  readonly vault: string;
  readonly identity: string;
  readonly role: string;
  readonly path: string;
  readonly capabilities: string[];
}

/** What `current` grants that `base` did not (`granted`) and the reverse (`revoked`), per capability. */
export function diffReports(base: Pick<AccessReport, 'vaults'>, current: Pick<AccessReport, 'vaults'>): { granted: AccessChange[]; revoked: AccessChange[] } {
  const index = (report: Pick<AccessReport, 'vaults'>) => {
    const map = new Map<string, Set<string>>();
    for (const v of report.vaults) {
      for (const r of v.rows) {
        for (const g of r.grants) map.set(JSON.stringify([v.vault, r.identity, r.role, g.path]), new Set(g.capabilities));
      }
    }
    return map;
  };
  const before = index(base);
  const after = index(current);
  const changes = (from: Map<string, Set<string>>, to: Map<string, Set<string>>): AccessChange[] =>
    [...to.entries()]
      .map(([key, caps]) => {
        const old = from.get(key) ?? new Set<string>();
        const [vault, identity, role, path] = JSON.parse(key) as string[];
        return { vault, identity, role, path, capabilities: [...caps].filter((c) => !old.has(c)).sort() };
      })
      .filter((c) => c.capabilities.length > 0)
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return { granted: changes(before, after), revoked: changes(after, before) };
}

export function renderDiff(diff: { granted: AccessChange[]; revoked: AccessChange[] }, markdown = false): string {
  if (diff.granted.length + diff.revoked.length === 0) return 'No change in access.';
  const line = (sign: string, c: AccessChange) =>
    markdown
      ? `| ${sign} | \`${c.vault}\` | \`${c.identity}\` | \`${c.role}\` | \`${c.path}\` | \`${c.capabilities.join(', ')}\` |`
      : `${sign} ${c.vault}  ${c.identity}  ${c.role}  ${c.path}  [${c.capabilities.join(', ')}]`;
  const body = [...diff.granted.map((c) => line('+', c)), ...diff.revoked.map((c) => line('-', c))];
  const summary = `${diff.granted.length} grant(s) added, ${diff.revoked.length} revoked`;
  return markdown
    ? [summary, '', '| | Vault | Identity | Role | Path | Capabilities |', '|---|---|---|---|---|---|', ...body].join('\n')
    : [summary, ...body].join('\n');
}
