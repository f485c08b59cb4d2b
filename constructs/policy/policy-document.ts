import { Capability, isCapability, LIST, READ, READ_LIST, READ_WRITE } from './capabilities';
import { invalidAllowedParameters, invalidPolicyPath, mixedAllowedParameters, unknownCapability } from '../private/errors';

/** One `path "…" { capabilities = [...] }` stanza of a Vault policy. */
export interface PolicyRule {
  /** The request path, with Vault's `*` (prefix, at the end only) and `+` (one segment) globs. */
  readonly path: string;
  /** What the rule allows on the path. */
  readonly capabilities: readonly Capability[];
  /**
   * The only request parameters a create or update on the path may send, with any value (Vault's
   * `allowed_parameters`; hashicorp/vault vault/acl.go, AllowOperation refuses any other key).
   * @default - any parameter
   */
  readonly allowedParameters?: readonly string[];
}

/** A request parameter name as an API endpoint takes it, e.g. `password`; no `*`, which would allow all. */
const PARAMETER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

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
  private readonly parametersByPath = new Map<string, readonly string[]>();

  public constructor(rules: readonly PolicyRule[] = []) {
    rules.forEach((r) => this.allow(r.path, r.capabilities, r.allowedParameters));
  }

  /**
   * Grants `capabilities` on `path`; capabilities of a path already present are combined. With
   * `allowedParameters`, a create or update on the path may send only those parameters; every grant
   * of one path must then name the same ones, since one stanza holds them all.
   */
  public allow(path: string, capabilities: readonly Capability[], allowedParameters?: readonly string[]): this {
    if (!VALID_PATH.test(path)) {
      throw new Error(invalidPolicyPath(path));
    }
    for (const c of capabilities) {
      if (!isCapability(c)) throw new Error(unknownCapability(path, c));
    }
    const parameters = allowedParameters === undefined ? undefined : [...new Set(allowedParameters)].sort();
    const badParameter = parameters?.find((p) => !PARAMETER_NAME.test(p));
    if (parameters?.length === 0 || badParameter !== undefined) {
      throw new Error(invalidAllowedParameters(path, allowedParameters ?? []));
    }
    const existing = this.byPath.get(path);
    if (existing && String(this.parametersByPath.get(path)) !== String(parameters)) {
      throw new Error(mixedAllowedParameters(path, this.parametersByPath.get(path), parameters));
    }
    const caps = existing ?? new Set<Capability>();
    capabilities.forEach((c) => caps.add(c));
    this.byPath.set(path, caps);
    if (parameters) this.parametersByPath.set(path, parameters);
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
    other.rules.forEach((r) => this.allow(r.path, r.capabilities, r.allowedParameters));
    return this;
  }

  /** A copy of the rules, sorted by path, capabilities in canonical order. */
  public get rules(): PolicyRule[] {
    return [...this.byPath.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([path, caps]) => {
        const allowedParameters = this.parametersByPath.get(path);
        return { path, capabilities: canonicalOrder(caps), ...(allowedParameters ? { allowedParameters: [...allowedParameters] } : {}) };
      });
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
