import { Annotations, IAspect, TerraformResource, TerraformStack, Token, Tokenization } from 'cdktf';
import { IConstruct } from 'constructs';
import { IPolicyGrantee } from '../constructs/vault-policy';
import { Capability, READ } from '../constructs/policy/capabilities';
import { PolicyRule } from '../constructs/policy/policy-document';
import { TERRAFORM_PROVIDER_SELF_CALLS } from '../constructs/policy/token-self';
import { DEFAULT_TOKEN_RESOLVER } from '../rules/synthesized';

/**
 * What `cdktf deploy` needs from Vault, derived from the resources a stack manages: each Terraform
 * resource type maps to the Vault API paths the provider calls to create, read, update and delete
 * it, restricted to the resource's own mount path or name. Paths are from the Vault API docs
 * (sys/mounts, sys/auth, sys/audit, sys/policies/acl, auth/<jwt|kubernetes>/role, database,
 * transit, kv-v2). A resource type missing here is reported by `unmappedResourceTypes` and fails
 * the platform-policy test, so whoever adds a resource type also adds what deploying it needs.
 */

/** Reads one attribute of a resource as a literal: a path segment, or `+` when it is only known at apply. */
export type AttributeReader = (attribute: string) => string;
/** Whether a resource sets an attribute: a flag that is not false, a block or value that is there. */
export type AttributeTest = (attribute: string) => boolean;

const CRUD: readonly Capability[] = ['create', 'read', 'update', 'delete'];
const CRUD_SUDO: readonly Capability[] = ['create', 'read', 'update', 'delete', 'sudo'];
const CRU: readonly Capability[] = ['create', 'read', 'update'];
const READ_UPDATE: readonly Capability[] = ['read', 'update'];
const CREATE_UPDATE: readonly Capability[] = ['create', 'update'];
const DELETE: readonly Capability[] = ['delete'];

const mountRules = (path: string): PolicyRule[] => [
  { path: `sys/mounts/${path}`, capabilities: CRUD },
  { path: `sys/mounts/${path}/tune`, capabilities: READ_UPDATE },
];
// Enabling, reading and tuning auth methods are root-protected endpoints: they need sudo.
const authMountRules = (path: string): PolicyRule[] => [
  { path: 'sys/auth', capabilities: ['read'] },
  { path: `sys/auth/${path}`, capabilities: CRUD_SUDO },
  { path: `sys/auth/${path}/tune`, capabilities: ['read', 'update', 'sudo'] },
];
const policyRules = (name: string): PolicyRule[] => [
  // The API client has used both the legacy and the current endpoint.
  { path: `sys/policies/acl/${name}`, capabilities: CRUD },
  { path: `sys/policy/${name}`, capabilities: CRUD },
];

/** Resource type → the rules managing one such resource needs. */
export const VAULT_RESOURCE_RULES: Readonly<Record<string, (attr: AttributeReader, isSet: AttributeTest) => PolicyRule[]>> = {
  vault_mount: (a) => mountRules(a('path')),
  vault_kv_secret_backend_v2: (a) => [{ path: `${a('mount')}/config`, capabilities: CRU }],
  vault_auth_backend: (a) => authMountRules(a('path')),
  vault_kubernetes_auth_backend_config: (a) => [{ path: `auth/${a('backend')}/config`, capabilities: CRU }],
  vault_kubernetes_auth_backend_role: (a) => [{ path: `auth/${a('backend')}/role/${a('role_name')}`, capabilities: CRUD }],
  vault_jwt_auth_backend: (a) => [...authMountRules(a('path')), { path: `auth/${a('path')}/config`, capabilities: CRU }],
  vault_jwt_auth_backend_role: (a) => [{ path: `auth/${a('backend')}/role/${a('role_name')}`, capabilities: CRUD }],
  vault_policy: (a) => policyRules(a('name')),
  // Audit devices are root-protected; listing them needs sudo too.
  vault_audit: (a) => [
    { path: 'sys/audit', capabilities: ['read', 'sudo'] },
    { path: `sys/audit/${a('path')}`, capabilities: CRUD_SUDO },
  ],
  vault_database_secrets_mount: (a) => [
    ...mountRules(a('path')),
    { path: `${a('path')}/config/+`, capabilities: CRUD },
  ],
  vault_database_secret_backend_connection: (a) => [
    ...mountRules(a('backend')),
    { path: `${a('backend')}/config/${a('name')}`, capabilities: CRUD },
  ],
  vault_database_secret_backend_role: (a) => [{ path: `${a('backend')}/roles/${a('name')}`, capabilities: CRUD }],
  // Values are written (PUT), read back and, on destroy, soft-deleted at data/; metadata/ is read for
  // custom metadata, written only with custom_metadata, and deleted (every version) instead of the
  // soft delete only with delete_all_versions. With disable_read the provider reads neither data/ nor
  // metadata/ (hashicorp/terraform-provider-vault vault/resource_kv_secret_v2.go, kvSecretV2Read), so
  // the deploy role may write a value it can never read back.
  vault_kv_secret_v2: (a, isSet) => {
    const read = isSet('disable_read') ? [] : READ;
    const data: Capability[] = ['create', ...read, 'update', ...(isSet('delete_all_versions') ? [] : DELETE)];
    const metadata: Capability[] = [...read, ...(isSet('custom_metadata') ? CREATE_UPDATE : []), ...(isSet('delete_all_versions') ? DELETE : [])];
    return [
      { path: `${a('mount')}/data/${a('name')}`, capabilities: data },
      ...(metadata.length > 0 ? [{ path: `${a('mount')}/metadata/${a('name')}`, capabilities: metadata }] : []),
    ];
  },
  vault_transit_secret_backend_key: (a) => [
    { path: `${a('backend')}/keys/${a('name')}`, capabilities: CRUD },
    { path: `${a('backend')}/keys/${a('name')}/config`, capabilities: ['update'] },
  ],
  // Identity objects are created at the collection path and then addressed by their id, known only
  // at apply; an entity is also looked up by name (hashicorp/terraform-provider-vault
  // vault/resource_identity_entity.go, resource_identity_entity_alias.go).
  vault_identity_entity: (a) => [
    { path: 'identity/entity', capabilities: CREATE_UPDATE },
    { path: 'identity/entity/id/+', capabilities: CRUD },
    { path: `identity/entity/name/${a('name')}`, capabilities: READ },
  ],
  vault_identity_entity_alias: () => [
    { path: 'identity/entity-alias', capabilities: CREATE_UPDATE },
    { path: 'identity/entity-alias/id/+', capabilities: CRUD },
  ],
  vault_token: () => [
    { path: 'auth/token/create', capabilities: ['update'] },
    { path: 'auth/token/lookup-accessor', capabilities: ['update'] },
    { path: 'auth/token/revoke-accessor', capabilities: ['update'] },
  ],
};

/** Resources of other providers: managing them needs nothing from Vault. */
export const NON_VAULT_RESOURCE_PREFIXES = ['kubernetes_', 'helm_', 'random_', 'postgresql_', 'null_', 'time_', 'terraform_'];

/**
 * What the provider calls on every run before any resource (hashicorp/terraform-provider-vault
 * internal/provider/meta.go, `setClient`): a lookup-self, then its child token unless
 * `skip_child_token` is set.
 */
export function providerRules(skipChildToken: boolean): PolicyRule[] {
  const childToken: PolicyRule = { path: 'auth/token/create', capabilities: ['update'] };
  return [...(skipChildToken ? [] : [childToken]), ...TERRAFORM_PROVIDER_SELF_CALLS];
}

/** What the platform stacks' provider calls on every run: it mints a child token. */
export const PROVIDER_BASE_RULES: readonly PolicyRule[] = providerRules(false);

/** KV v2 secret values (`<mount>/data/<path>`), the only secret-bearing paths in the table above. */
const KV_V2_DATA_PATH = /^[^/]+\/data\//;

/**
 * The read-only share of a rule, for `cdktf diff` (plan reads, never writes). `sudo` stays where a
 * read needs it. Secret values are left out: a pull request runs its own code with this policy, and
 * no plan needs them (every `vault_kv_secret_v2` here sets `disable_read`, and contract read-backs
 * are deferred to apply).
 */
export function readOnlyRule(rule: PolicyRule): PolicyRule | undefined {
  if (KV_V2_DATA_PATH.test(rule.path)) return undefined;
  const caps = rule.capabilities.filter((c) => c === 'read' || c === 'list' || c === 'sudo');
  if (!caps.some((c) => c !== 'sudo')) return undefined;
  return { path: rule.path, capabilities: caps };
}

/** Every Terraform resource of a stack (not of stacks nested in it) with its address. */
function resourcesOf(stack: TerraformStack): Array<{ resource: TerraformResource; address: string }> {
  const found: Array<{ resource: TerraformResource; address: string }> = [];
  const visit = (construct: IConstruct): void => {
    if (TerraformResource.isTerraformResource(construct)) {
      found.push({ resource: construct, address: `${construct.terraformResourceType}.${construct.friendlyUniqueId}` });
    }
    for (const child of construct.node.children) if (!TerraformStack.isStack(child)) visit(child);
  };
  visit(stack);
  return found;
}

/**
 * Grants a stack's deploy policy (and its read-only diff policy) what managing the stack's resources
 * needs. Runs as an Aspect, when the stack is complete; the policies render their HCL later.
 */
export class PlatformPolicyAspect implements IAspect {
  private readonly unmapped = new Set<string>();
  private applied = false;

  public constructor(
    private readonly stack: TerraformStack,
    private readonly deploy: IPolicyGrantee,
    private readonly diff: IPolicyGrantee,
  ) {}

  public visit(node: IConstruct): void {
    if (node !== this.stack || this.applied) return;
    this.applied = true;
    for (const rule of derivePlatformRules(this.stack, this.unmapped)) {
      this.deploy.allow(rule.path, rule.capabilities);
      const read = readOnlyRule(rule);
      if (read) this.diff.allow(read.path, read.capabilities);
    }
    for (const type of this.unmapped) {
      Annotations.of(this.stack).addWarning(`platform CI policy: no rules for resource type ${type}; add it to VAULT_RESOURCE_RULES in stacks/platform-policy.ts`);
    }
  }
}

/**
 * The rules deploying `stack` needs. Resource types neither mapped nor known to need nothing from
 * Vault are added to `unmapped`.
 */
export function derivePlatformRules(stack: TerraformStack, unmapped: Set<string> = new Set()): PolicyRule[] {
  return [...PROVIDER_BASE_RULES, ...deriveResourceRules(stack, unmapped).flatMap((r) => r.rules)];
}

/** What managing one resource of a stack needs from Vault. */
export interface ResourceRules {
  /** `<type>.<logical id>`, as in the synthesized JSON. */
  readonly address: string;
  readonly rules: PolicyRule[];
}

/**
 * The rules managing each Vault resource of `stack` needs (not the provider's own calls). Resource
 * types neither mapped nor known to need nothing from Vault are added to `unmapped`.
 */
export function deriveResourceRules(stack: TerraformStack, unmapped: Set<string> = new Set()): ResourceRules[] {
  const resources = resourcesOf(stack);
  const byAddress = new Map(resources.map(({ resource, address }) => [address, resource]));
  // Attributes are rendered on demand: only Vault resources and their references need them.
  const rendered = new Map<string, Record<string, unknown>>();
  const attributesOf = (address: string): Record<string, unknown> | undefined => {
    const resource = byAddress.get(address);
    if (!resource) return undefined;
    let attributes = rendered.get(address);
    if (!attributes) {
      attributes = (resource as unknown as { synthesizeAttributes(): Record<string, unknown> }).synthesizeAttributes();
      rendered.set(address, attributes);
    }
    return attributes;
  };
  // A reference such as `${vault_auth_backend.X.path}` reads the literal of that resource's attribute.
  const literal = (value: unknown, depth = 0): string => {
    const resolved = value === undefined || !Token.isUnresolved(value) ? value : Tokenization.resolve(value, { scope: stack, resolver: DEFAULT_TOKEN_RESOLVER });
    if (typeof resolved !== 'string' || resolved === '') return '+';
    const ref = /^\$\{([a-z0-9_]+\.[A-Za-z0-9_\-]+)\.([a-z_]+)\}$/.exec(resolved);
    if (ref) {
      const target = attributesOf(ref[1]);
      return target && depth < 3 ? literal(target[ref[2]], depth + 1) : '+';
    }
    return /^[A-Za-z0-9_.\-/]+$/.test(resolved) ? resolved : '+';
  };
  // Unknown until apply counts as set: the rules then cover either value.
  const isSet = (value: unknown): boolean => value !== undefined && value !== null && value !== false;
  const derived: ResourceRules[] = [];
  for (const { resource, address } of resources) {
    const type = resource.terraformResourceType;
    const derive = VAULT_RESOURCE_RULES[type];
    if (derive) {
      const attrs = attributesOf(address) ?? {};
      derived.push({ address, rules: derive((attribute) => literal(attrs[attribute]), (attribute) => isSet(attrs[attribute])) });
    } else if (!NON_VAULT_RESOURCE_PREFIXES.some((p) => type.startsWith(p))) {
      unmapped.add(type);
    }
  }
  return derived;
}
