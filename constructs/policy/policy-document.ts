import { Capability, isCapability, LIST, READ, READ_LIST, READ_WRITE } from './capabilities';
import { invalidPolicyPath, unknownCapability } from '../private/errors';

/** One `path "…" { capabilities = [...] }` stanza of a Vault policy. */
export interface PolicyRule {
  /** The request path, with Vault's `*` (prefix, at the end only) and `+` (one segment) globs. */
  readonly path: string;
  /** What the rule allows on the path. */
  readonly capabilities: readonly Capability[];
}

/**
 * Segments of letters, digits, `_`, `.`, `-` or a lone `+`, joined by single slashes, with an
 * optional trailing `*`: no leading slash, no quotes, no HCL interpolation.
 */
const VALID_PATH = /^(?:[A-Za-z0-9_.\-]+|\+)(?:\/(?:[A-Za-z0-9_.\-]+|\+))*\/?\*?$/;

/**
 * A Vault ACL policy as data. Rules are added through methods and rendered to HCL only by
 * `renderPolicyHcl`, so no HCL string is ever assembled anywhere else.
 */
export class PolicyDocument {
  private readonly byPath = new Map<string, Set<Capability>>();

  public constructor(rules: readonly PolicyRule[] = []) {
    rules.forEach((r) => this.allow(r.path, r.capabilities));
  }

  /** Grants `capabilities` on `path`; capabilities of a path already present are combined. */
  public allow(path: string, capabilities: readonly Capability[]): this {
    if (!VALID_PATH.test(path)) {
      throw new Error(invalidPolicyPath(path));
    }
    for (const c of capabilities) {
      if (!isCapability(c)) throw new Error(unknownCapability(path, c));
    }
    const existing = this.byPath.get(path) ?? new Set<Capability>();
    capabilities.forEach((c) => existing.add(c));
    this.byPath.set(path, existing);
    return this;
  }

  /** Grants {@link READ} on `path`. */
  public read(path: string): this {
    return this.allow(path, READ);
  }

  /** Grants {@link LIST} on `path`. */
  public list(path: string): this {
    return this.allow(path, LIST);
  }

  /** Grants {@link READ_LIST} on `path`. */
  public readList(path: string): this {
    return this.allow(path, READ_LIST);
  }

  /** Grants {@link READ_WRITE} on `path`. */
  public readWrite(path: string): this {
    return this.allow(path, READ_WRITE);
  }

  /** Adds every rule of another document. */
  public merge(other: PolicyDocument): this {
    other.rules.forEach((r) => this.allow(r.path, r.capabilities));
    return this;
  }

  /** A copy of the rules, sorted by path, capabilities in canonical order. */
  public get rules(): PolicyRule[] {
    return [...this.byPath.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([path, caps]) => ({ path, capabilities: canonicalOrder(caps) }));
  }

  /** Whether the document has no rule. */
  public get isEmpty(): boolean {
    return this.byPath.size === 0;
  }
}

function canonicalOrder(caps: Set<Capability>): Capability[] {
  // `deny` overrides everything else on the same path, so keep it alone.
  if (caps.has('deny')) return ['deny'];
  const order: Capability[] = ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo', 'subscribe', 'recover'];
  return order.filter((c) => caps.has(c));
}
