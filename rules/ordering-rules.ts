import { TerraformDataSource, TerraformResource, TerraformStack } from 'cdktf';
import { Rule } from './rule-pack';
import { SynthesizedStack } from './synthesized';

/**
 * Ordering that Terraform actually sees. Terraform orders a stack's blocks only by references and
 * `depends_on`; whatever else a construct declares never reaches it.
 */

/**
 * cdktf 0.21 renders `depends_on` from a resource's own `dependsOn` only and never reads
 * `node.addDependency` (hashicorp/terraform-cdk packages/cdktf/lib/terraform-resource.ts,
 * `terraformMetaArguments`). Refused rather than translated by an Aspect: a translation would run in
 * aspect order (a dependency added later would still be lost), could point at a construct of another
 * stack (no `depends_on` can name it) or at a subtree, while `dependsOn` is visible in the code and
 * checked by the type system. Stack-level ordering is `stack.addDependency`, which is not this.
 */
export const noConstructDependencies: Rule = {
  id: 'VP-ORD-1',
  summary: 'no node.addDependency inside a stack (cdktf drops it): use the resource\'s dependsOn or an attribute reference',
  check(construct) {
    if (TerraformStack.isStack(construct)) return [];
    return construct.node.dependencies.map(
      (target) =>
        `node.addDependency(${target.node.path}) never reaches Terraform: cdktf writes depends_on only from a resource's dependsOn; ` +
        `set dependsOn: [<the resource>] on the resource (or refer to one of its attributes), or, across stacks, use stack.addDependency`,
    );
  },
};

type MountKind = 'secrets' | 'auth';

interface MountBlock {
  readonly address: string;
  readonly path: string;
  readonly kind: MountKind;
  readonly constructPath: string;
}

/**
 * Resource types that enable a secrets engine or an auth method, with the attribute holding the
 * mount path (terraform-provider-vault: vault/resource_mount.go, resource_auth_backend.go (path
 * defaults to the type), the `vault_<name>_secret_backend` / `vault_<name>_auth_backend` mounts).
 */
function mountOf(type: string, block: Record<string, unknown>): { path: unknown; kind: MountKind } | undefined {
  if (type === 'vault_mount' || type === 'vault_database_secrets_mount' || /^vault_[a-z0-9]+_secret_backend$/.test(type)) {
    return { path: block.path ?? block.backend, kind: 'secrets' };
  }
  const auth = /^vault_([a-z0-9]+)_auth_backend$/.exec(type);
  if (type === 'vault_auth_backend' || auth) return { path: block.path ?? block.type ?? auth?.[1], kind: 'auth' };
  return undefined;
}

/** Types whose `path` is a full API path (terraform-provider-vault vault/resource_generic_endpoint.go writes it as given). */
const API_PATH_TYPES = new Set(['vault_generic_endpoint', 'vault_generic_secret', 'vault_kv_secret']);

/** Auth methods answer under `auth/<mount>/` (hashicorp/vault vault/auth.go, credentialRoutePrefix). */
const AUTH_ROUTE_PREFIX = 'auth/';

const trimSlashes = (path: string): string => path.replace(/^\/+|\/+$/g, '');

/** A value's literal text before any `${…}` interpolation, and whether it is all literal. */
function literalPart(value: string): { text: string; whole: boolean } {
  const at = value.indexOf('${');
  return at < 0 ? { text: value, whole: true } : { text: value.slice(0, at), whole: false };
}

/** What a stack's JSON says about mounts and about which block refers to or depends on which. */
class StackOrdering {
  private readonly mounts: MountBlock[] = [];
  private readonly references = new Map<string, ReadonlySet<string>>();

  public constructor(private readonly synthesized: SynthesizedStack) {
    for (const [type, blocks] of Object.entries(synthesized.json.resource ?? {})) {
      if (!/^vault_(.*_)?(backend|mount)$/.test(type)) continue;
      for (const [id, block] of Object.entries(blocks)) {
        const mount = mountOf(type, block);
        if (mount && typeof mount.path === 'string' && !mount.path.includes('${')) {
          const constructPath = synthesized.ownerOf(['resource', type, id]).node.path;
          this.mounts.push({ address: `${type}.${id}`, path: trimSlashes(mount.path), kind: mount.kind, constructPath });
        }
      }
    }
    // Longest first: Vault routes a path to the longest mount prefix.
    this.mounts.sort((a, b) => b.path.length - a.path.length);
  }

  /** The same-stack mounts `type`'s block writes under, with the attribute that says so. */
  public mountsWrittenBy(type: string, block: Record<string, unknown>): Array<{ mount: MountBlock; attribute: string; value: string }> {
    if (!type.startsWith('vault_') || mountOf(type, block)) return [];
    const found: Array<{ mount: MountBlock; attribute: string; value: string }> = [];
    const kind: MountKind = /_auth_backend_/.test(type) ? 'auth' : 'secrets';
    for (const attribute of ['mount', 'backend']) {
      const value = block[attribute];
      if (typeof value !== 'string' || !literalPart(value).whole) continue;
      const mount = this.mounts.find((m) => m.kind === kind && m.path === trimSlashes(value));
      if (mount) found.push({ mount, attribute, value });
    }
    const value = block.path;
    if (API_PATH_TYPES.has(type) && typeof value === 'string') {
      const { text, whole } = literalPart(trimSlashes(value));
      const mount = this.mounts.find((m) => {
        const route = m.kind === 'auth' ? `${AUTH_ROUTE_PREFIX}${m.path}` : m.path;
        return (whole && text === route) || text.startsWith(`${route}/`);
      });
      if (mount) found.push({ mount, attribute: 'path', value });
    }
    return found;
  }

  /** Whether `address` refers to or depends on `target`, directly or through other blocks of the stack. */
  public reaches(address: string, target: string): boolean {
    // Most writers name the mount in depends_on: no need to read their whole block.
    const dependsOn = this.blockAt(address)?.depends_on;
    if (Array.isArray(dependsOn) && dependsOn.includes(target)) return true;
    const seen = new Set<string>([address]);
    const pending = [address];
    while (pending.length > 0) {
      for (const next of this.referencesOf(pending.pop()!)) {
        if (next === target) return true;
        if (!seen.has(next)) {
          seen.add(next);
          pending.push(next);
        }
      }
    }
    return false;
  }

  /** The resource (`type.id`) or data source (`data.type.id`) block at `address`, if the stack has one. */
  private blockAt(address: string): Record<string, unknown> | undefined {
    const data = address.startsWith('data.');
    const [type, id] = (data ? address.slice('data.'.length) : address).split('.');
    return (data ? this.synthesized.json.data : this.synthesized.json.resource)?.[type]?.[id];
  }

  /** The blocks `address` names in an expression or in `depends_on` (both render as `type.id`). */
  private referencesOf(address: string): ReadonlySet<string> {
    let found = this.references.get(address);
    if (!found) {
      const text = JSON.stringify(this.blockAt(address) ?? {});
      found = new Set([...text.matchAll(/\b(?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*/g)].map((m) => m[0]).filter((a) => a !== address && this.blockAt(a) !== undefined));
      this.references.set(address, found);
    }
    return found;
  }
}

const orderings = new WeakMap<SynthesizedStack, StackOrdering>();

function orderingOf(synthesized: SynthesizedStack): StackOrdering {
  let ordering = orderings.get(synthesized);
  if (!ordering) {
    ordering = new StackOrdering(synthesized);
    orderings.set(synthesized, ordering);
  }
  return ordering;
}

export const writesFollowTheirMount: Rule = {
  id: 'VP-ORD-2',
  summary: 'a block writing under a mount of the same stack (mount, backend, API path) refers to or depends on that mount',
  check(construct, { synthesized }) {
    if (!(construct instanceof TerraformResource || construct instanceof TerraformDataSource)) return [];
    const block = synthesized.blockOf(construct);
    if (!block) return [];
    const ordering = orderingOf(synthesized);
    const address = `${construct instanceof TerraformDataSource ? 'data.' : ''}${construct.terraformResourceType}.${construct.friendlyUniqueId}`;
    return ordering
      .mountsWrittenBy(construct.terraformResourceType, block)
      .filter(({ mount }) => !ordering.reaches(address, mount.address))
      .map(
        ({ mount, attribute, value }) =>
          `${attribute} (${JSON.stringify(value)}) is under mount ${JSON.stringify(mount.path)} (${mount.constructPath}) of this stack, but nothing orders ` +
          `this block after it, so a first apply can write before the mount exists; build ${attribute} from the mount's path attribute or set dependsOn: [<${mount.address}>]`,
      );
  },
};

export const ORDERING_RULES: readonly Rule[] = [noConstructDependencies, writesFollowTheirMount];
