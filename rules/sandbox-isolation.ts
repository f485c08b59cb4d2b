import * as path from 'path';
import { Annotations, Aspects, IAspect, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { groupsShareMembers, isForgeGroup, mentionsEndpoint, normalizeDirectory, ProductionEndpoint } from '../config/isolation';
import { StackJson, SynthesizedStack } from './synthesized';

/** A state location production uses, which a sandbox stack may neither write nor read. */
export interface ProductionStateLocation {
  /**
   * The location as `stateLocation` (config/isolation.ts) spells it: `local:<directory>`,
   * `pg:<schema prefix>` (a stack's schema is `<prefix>_<stack>`), `s3:<endpoint host or aws>/<bucket>/<key prefix>`.
   */
  readonly location: string;
  /** Where it is configured, named in findings (`environments.main.state`). */
  readonly configuredAt: string;
}

/** What production is, for the isolation checks. */
export interface SandboxIsolationProps {
  /** Host names, IP addresses and kube contexts (lowercase) no sandbox value may name, each with where it is configured. */
  readonly productionEndpoints: readonly ProductionEndpoint[];
  /** State locations of production: no sandbox backend or remote state read may use one. */
  readonly productionStateLocations: readonly ProductionStateLocation[];
  /**
   * What production's people log in with (config/isolation.ts `productionHumanLogins`): OIDC client
   * ids, forge groups, break-glass account names, which no sandbox login may accept.
   * @default - none
   */
  readonly productionHumanLogins?: readonly ProductionEndpoint[];
}

/**
 * Keeps a sandbox stack away from production: `Aspects.of(stack).add(new SandboxIsolation(props))`.
 * Not suppressible: a rehearsal that can reach production is not a rehearsal. Checks the resolved
 * JSON of the stack, so an override or an escape hatch is caught as surely as a construct prop:
 *   VP-ISO-1  no value names a production endpoint;
 *   VP-ISO-2  the stack's state does not live in a production state location;
 *   VP-ISO-3  no cross-stack reference into a stack without this aspect, no remote state read from
 *             a production state location;
 *   VP-ISO-4  no login of people accepts production's OIDC client, forge groups or break-glass account.
 */
export class SandboxIsolation implements IAspect {
  /** A stack the isolation checks apply to: this aspect is on it or on one of its scopes. */
  public static isSandbox(stack: TerraformStack): boolean {
    return stack.node.scopes.some((scope) => Aspects.of(scope).all.some((aspect) => aspect instanceof SandboxIsolation));
  }

  private readonly registered = new WeakSet<TerraformStack>();
  private readonly checked = new WeakSet<TerraformStack>();

  public constructor(private readonly props: SandboxIsolationProps) {}

  public visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) return;
    SynthesizedStack.forget(node);
    if (this.registered.has(node)) return;
    this.registered.add(node);
    // Checked as a validation: after every aspect, on the rendering synthesis writes. Once per
    // stack, so synthesizing twice does not repeat the annotations.
    node.node.addValidation({
      validate: () => {
        if (this.checked.has(node)) return [];
        this.checked.add(node);
        for (const v of isolationViolations(node, this.props, SynthesizedStack.of(node))) {
          Annotations.of(v.construct).addError(`[${v.ruleId}] ${v.message}`);
        }
        return [];
      },
    });
  }
}

export interface IsolationViolation {
  readonly ruleId: 'VP-ISO-1' | 'VP-ISO-2' | 'VP-ISO-3' | 'VP-ISO-4';
  readonly construct: IConstruct;
  readonly message: string;
}

/**
 * Every way `stack` reaches production, computed from its resolved JSON and dependencies.
 * `synthesized` defaults to a fresh rendering of `stack`.
 */
export function isolationViolations(
  stack: TerraformStack,
  props: SandboxIsolationProps,
  synthesized: SynthesizedStack = new SynthesizedStack(stack),
): IsolationViolation[] {
  const violations: IsolationViolation[] = [];

  walk(synthesized.json, [], (value, location) => {
    if (location[0] === 'terraform' && location[1] === 'backend') return; // VP-ISO-2 compares locations
    for (const endpoint of props.productionEndpoints) {
      if (mentionsEndpoint(value, endpoint.value)) {
        violations.push({
          ruleId: 'VP-ISO-1',
          construct: synthesized.ownerOf(location),
          message: `${location.join('.')} = ${JSON.stringify(value)} refers to the production endpoint ${endpoint.value} (${endpoint.configPath})`,
        });
      }
    }
  });

  const productionStates = props.productionStateLocations;
  const backend = synthesized.json.terraform?.backend ?? {};
  for (const [type, settings] of Object.entries(backend)) {
    const location = backendLocation(type, settings, stack.node.id);
    const shared = productionStates.filter((p) => p.location === location);
    if (shared.length > 0) {
      violations.push({
        ruleId: 'VP-ISO-2',
        construct: synthesized.ownerOf(['terraform', 'backend']),
        message: `the ${type} state backend ${JSON.stringify(settings)} is in the production state location (${location}) of ${shared.map((p) => p.configuredAt).join(' and ')}`,
      });
    }
  }

  for (const [id, remote] of Object.entries(synthesized.json.data?.terraform_remote_state ?? {})) {
    const type = String(remote.backend);
    const settings = (remote.config ?? {}) as Record<string, unknown>;
    const shared = productionStates.filter((p) => p.location === backendLocation(type, settings) || remoteMatchesPg(type, settings, p.location));
    if (shared.length > 0) {
      violations.push({
        ruleId: 'VP-ISO-3',
        construct: synthesized.ownerOf(['data', 'terraform_remote_state', id]),
        message: `remote state ${id} reads ${type} ${JSON.stringify(settings)} from the production state location of ${shared.map((p) => p.configuredAt).join(' and ')}`,
      });
    }
  }
  for (const login of humanLoginValues(synthesized.json)) {
    // A bound group also clashes with a production group it shares members with (an organization and its team).
    const boundGroup = login.location.includes('bound_claims');
    for (const hit of (props.productionHumanLogins ?? []).filter((p) => p.value === login.value || (boundGroup && isForgeGroup(p) && groupsShareMembers(p.value, login.value)))) {
      violations.push({
        ruleId: 'VP-ISO-4',
        construct: synthesized.ownerOf(login.location),
        message: `${login.location.join('.')} = ${JSON.stringify(login.value)} accepts production's login ${hit.configPath}; a production login must not open the sandbox`,
      });
    }
  }
  for (const dependency of stack.dependencies) {
    if (!SandboxIsolation.isSandbox(dependency)) {
      violations.push({
        ruleId: 'VP-ISO-3',
        construct: stack,
        message: `depends on the production stack ${dependency.node.id} (a cross-stack reference); pass sandbox objects only`,
      });
    }
  }
  return violations;
}

/**
 * The state location (as `stateLocation` spells it) a synthesized backend block uses. For `pg` the
 * schema is `<prefix>_<stack>`, so the prefix is recovered with the stack's own name.
 */
export function backendLocation(type: string, settings: Record<string, unknown>, stackName?: string): string {
  switch (type) {
    case 'local': {
      const dir = path.posix.dirname(String(settings.path ?? 'terraform.tfstate')).replace(/^(\.\.\/)+/, '');
      return `local:${normalizeDirectory(dir)}`;
    }
    case 'pg': {
      const schema = String(settings.schema_name ?? 'terraform_remote_state');
      const suffix = stackName ? `_${stackName.replace(/-/g, '_')}` : undefined;
      return suffix && schema.endsWith(suffix) ? `pg:${schema.slice(0, -suffix.length)}` : `pg-schema:${schema}`;
    }
    case 's3': {
      const endpoints = settings.endpoints as { s3?: string } | undefined;
      const host = endpoints?.s3 && URL.canParse(endpoints.s3) ? new URL(endpoints.s3).host : 'aws';
      return `s3:${host}/${String(settings.bucket)}/${path.posix.dirname(String(settings.key ?? ''))}`;
    }
    default:
      return `${type}:${JSON.stringify(settings)}`;
  }
}

/** A remote `pg` state is production when its schema carries a production schema prefix. */
function remoteMatchesPg(type: string, settings: Record<string, unknown>, productionLocation: string): boolean {
  return type === 'pg' && productionLocation.startsWith('pg:') && String(settings.schema_name ?? '').startsWith(`${productionLocation.slice(3)}_`);
}

/**
 * The values a sandbox login of people is admitted by: the OIDC method's client id, its oidc roles'
 * audiences and bound claim values (the provider splits those on commas), and entity alias names.
 */
function humanLoginValues(json: StackJson): Array<{ value: string; location: (string | number)[] }> {
  const found: Array<{ value: string; location: (string | number)[] }> = [];
  const resources = json.resource ?? {};
  for (const [id, block] of Object.entries(resources.vault_jwt_auth_backend ?? {})) {
    if (typeof block.oidc_client_id === 'string') found.push({ value: block.oidc_client_id, location: ['resource', 'vault_jwt_auth_backend', id, 'oidc_client_id'] });
  }
  for (const [id, block] of Object.entries(resources.vault_jwt_auth_backend_role ?? {})) {
    // CI's jwt roles bind repositories, not people (an org named like a forge group is no clash);
    // a role without role_type is an oidc role (hashicorp/vault-plugin-auth-jwt path_role.go).
    if (block.role_type === 'jwt') continue;
    const at = ['resource', 'vault_jwt_auth_backend_role', id];
    (Array.isArray(block.bound_audiences) ? block.bound_audiences : []).forEach((v, i) => found.push({ value: String(v), location: [...at, 'bound_audiences', i] }));
    for (const [claim, v] of Object.entries((block.bound_claims ?? {}) as Record<string, unknown>)) {
      for (const value of String(v).split(',')) found.push({ value: value.trim(), location: [...at, 'bound_claims', claim] });
    }
  }
  for (const [id, block] of Object.entries(resources.vault_identity_entity_alias ?? {})) {
    if (typeof block.name === 'string') found.push({ value: block.name, location: ['resource', 'vault_identity_entity_alias', id, 'name'] });
  }
  return found;
}

function walk(value: unknown, location: (string | number)[], visit: (value: string, location: (string | number)[]) => void): void {
  if (typeof value === 'string') {
    visit(value, location);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, [...location, i], visit));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k !== '//') walk(v, [...location, k], visit); // cdktf metadata, not configuration
    }
  }
}
