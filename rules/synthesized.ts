import {
  DefaultTokenResolver,
  StringConcat,
  TerraformBackend,
  TerraformDataSource,
  TerraformElement,
  TerraformOutput,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  Token,
  Tokenization,
} from 'cdktf';
import { IConstruct } from 'constructs';

/** A stack's Terraform JSON as `toTerraform()` resolves it (overrides and escape hatches applied). */
export interface StackJson {
  terraform?: { backend?: Record<string, Record<string, unknown>>; [key: string]: unknown };
  provider?: Record<string, Array<Record<string, unknown>>>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  [key: string]: unknown;
}

/**
 * The renderings of this synthesis, one per stack. Rendering a 1000-app stack costs seconds, so the
 * checks share one rendering and a `CheckedStack` writes it instead of rendering a third time.
 */
const renderings = new WeakMap<TerraformStack, SynthesizedStack>();

/**
 * The resolved JSON of a stack, with the construct behind each block, so rules can check what
 * Terraform will really receive and still report the construct path a developer can act on.
 */
export class SynthesizedStack {
  /**
   * Starts a new synthesis of `stack`: its next `of` renders afresh. The checks' aspects call it;
   * aspects run at the start of every synthesis, before any validation.
   */
  public static forget(stack: TerraformStack): void {
    renderings.delete(stack);
  }

  /**
   * The rendering of `stack` in this synthesis, made on first use. The checks run as validations,
   * after every aspect (some aspects still add policy rules), so it is what synthesis writes.
   */
  public static of(stack: TerraformStack): SynthesizedStack {
    let rendering = renderings.get(stack);
    if (!rendering) {
      rendering = new SynthesizedStack(stack);
      renderings.set(stack, rendering);
    }
    return rendering;
  }

  /** Takes the rendering `of` made in this synthesis, if any, so it is written at most once. */
  public static take(stack: TerraformStack): StackJson | undefined {
    const rendering = renderings.get(stack);
    renderings.delete(stack);
    return rendering?.json;
  }

  public readonly json: StackJson;
  private readonly owners = new Map<string, IConstruct>();

  public constructor(public readonly stack: TerraformStack) {
    this.json = (stack instanceof CheckedStack ? stack.render() : stack.toTerraform()) as StackJson;
    const providerCount = new Map<string, number>();
    for (const c of stack.node.findAll()) {
      if (c instanceof TerraformProvider) {
        const i = providerCount.get(c.terraformResourceType) ?? 0;
        providerCount.set(c.terraformResourceType, i + 1);
        this.owners.set(`provider.${c.terraformResourceType}.${i}`, c);
      } else if (c instanceof TerraformBackend) {
        this.owners.set('terraform.backend', c);
      } else if (c instanceof TerraformResource || c instanceof TerraformDataSource) {
        this.owners.set(`${sectionOf(c)}.${c.terraformResourceType}.${c.friendlyUniqueId}`, c);
      } else if (c instanceof TerraformElement) {
        // Outputs, variables, remote states: unique ids within their section.
        this.owners.set(`any.${c.friendlyUniqueId}`, c);
      }
    }
  }

  /** The resolved block of a resource or data source construct. */
  public blockOf(element: IConstruct): Record<string, unknown> | undefined {
    if (!(element instanceof TerraformResource || element instanceof TerraformDataSource)) return undefined;
    const blocks = sectionOf(element) === 'resource' ? this.json.resource : this.json.data;
    return blocks?.[element.terraformResourceType]?.[element.friendlyUniqueId];
  }

  /**
   * The construct behind a JSON location (`['resource', type, id, …]`, `['provider', type, i, …]`,
   * `['terraform', 'backend', …]`), else the stack itself.
   */
  public ownerOf(location: readonly (string | number)[]): IConstruct {
    const [section, a, b] = location.map(String);
    const keys: string[] = [];
    if (section === 'provider') keys.push(`provider.${a}.${b}`);
    else if (section === 'terraform' && a === 'backend') keys.push('terraform.backend');
    else if (section === 'resource' || section === 'data') keys.push(`${section}.${a}.${b}`, `any.${b}`);
    else keys.push(`any.${a}`);
    const key = keys.find((k) => this.owners.has(k));
    return (key && this.owners.get(key)) || this.stack;
  }
}

function sectionOf(element: TerraformResource | TerraformDataSource): 'resource' | 'data' {
  return element instanceof TerraformDataSource ? 'data' : 'resource';
}

/**
 * A stack that writes the rendering its checks ran on (see `SynthesizedStack.of`): nothing changes
 * the tree between the checks and the write, so rendering again would only repeat the same work.
 *
 * It prepares and renders with less work than cdktf, for the same result:
 * - Before any stack is rendered, cdktf resolves every value of every block once in "preparing"
 *   mode, only so that a token of another stack can add an output there and a remote-state read
 *   here. Plain values cannot do that, so a CheckedStack prepares just the values that hold a token.
 * - cdktf renders each block by resolving it, merges the blocks and the stack's overrides, and then
 *   resolves the whole merged document a second time. A CheckedStack resolves with cdktf's resolver
 *   only the values that hold a token, copies the rest as resolving would return it, and resolves
 *   again only what the stack's overrides put in.
 * `__tests__/cross-stack-references.test.ts` and `__tests__/rendering.test.ts` compare both with
 * cdktf's own.
 *
 * It uses cdktf's public API only: cdktf keeps the stack's overrides and version in private fields
 * and its resolver's path-taking entry point in `lib/tokens/private`, which the fork keeps no promise
 * about (`__tests__/cdktf-public-api.test.ts`).
 */
export class CheckedStack extends TerraformStack {
  /**
   * The version cdktf writes into the metadata: the `cdktfVersion` context its `App` sets and its
   * stack reads at construction (hashicorp/terraform-cdk packages/cdktf/lib/app.ts, terraform-stack.ts).
   */
  private readonly frameworkVersion: unknown = this.node.tryGetContext('cdktfVersion');
  /** What `addOverride` put in, the same tree as cdktf's own copy (a private field of `TerraformStack`). */
  private readonly stackOverrides: Record<string, unknown> = {};

  public addOverride(path: string, value: any): void {
    super.addOverride(path, value);
    recordOverride(this.stackOverrides, path, value);
  }

  public prepareStack(): void {
    this.ensureBackendExists();
    for (const element of elementsOf(this)) prepareTokens(this, element.toTerraform(), []);
  }

  public toTerraform(): any {
    return SynthesizedStack.take(this) ?? this.render();
  }

  /** A fresh rendering: what `TerraformStack.toTerraform()` returns. */
  public render(): any {
    const overrides = this.stackOverrides;
    const elements = elementsOf(this);
    // `cloud` keeps its place before `overrides`, as in cdktf, and goes if no backend sets it.
    const metadata: Record<string, unknown> = { version: this.frameworkVersion, stackName: this.node.id, backend: 'local', cloud: undefined };
    if (Object.keys(overrides).length > 0) metadata.overrides = { stack: Object.keys(overrides) };
    for (const element of elements) mergeInto(metadata, copyResolvingTokens(this, element.toMetadata(), []) as Record<string, unknown>);
    const outputs: Record<string, unknown> = {};
    for (const element of elements.filter(TerraformOutput.isTerraformOutput)) {
      mergeInto(outputs, element.node.path.split('/').reduceRight<unknown>((inner, part) => ({ [part]: inner }), element.friendlyUniqueId) as Record<string, unknown>);
    }
    const json: Record<string, unknown> = { '//': { metadata, outputs } };
    for (const element of elements) mergeInto(json, copyResolvingTokens(this, element.toTerraform(), []) as Record<string, unknown>);
    mergeInto(json, overrides);
    // What cdktf resolves a second time and was not resolved yet, in document order as cdktf does.
    json['//'] = copyResolvingTokens(this, json['//'], ['//']);
    resolveOverridden(this, json, overrides, []);
    return json;
  }
}

/**
 * Records `value` at the dotted `path` in `overrides` as cdktf's `TerraformStack.addOverride` does
 * (hashicorp/terraform-cdk packages/cdktf/lib/terraform-stack.ts): every key but the last names an
 * object, and one that held anything else (a list, a scalar, null) is replaced by an empty object.
 */
function recordOverride(overrides: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let parent = overrides;
  for (const key of keys) {
    if (!isObjectNotList(parent[key])) parent[key] = {};
    parent = parent[key] as Record<string, unknown>;
  }
  parent[last] = value;
}

function isObjectNotList(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Merges `source` into `target` as cdktf merges a stack's fragments and overrides (its `deepMerge`,
 * hashicorp/terraform-cdk packages/cdktf/lib/util.ts, not exported): objects merge key by key unless
 * resolvable, lists append to lists, anything else replaces. cdktf deletes a key set to `undefined`;
 * here it stays until `resolveOverridden` resolves it to nothing, the same result.
 */
function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (isObjectNotList(value) && !Tokenization.isResolvable(value)) {
      // Like cdktf, only a target that is not an object at all is replaced (a null one is not).
      if (typeof target[key] !== 'object') target[key] = {};
      mergeInto(target[key] as Record<string, unknown>, value as Record<string, unknown>);
    } else if (Array.isArray(value) && Array.isArray(target[key])) {
      target[key] = [...(target[key] as unknown[]), ...value];
    } else {
      target[key] = value;
    }
  }
}

/** The stack's elements in cdktf's order (depth first), without those of nested stacks. */
function elementsOf(stack: TerraformStack): TerraformElement[] {
  const elements: TerraformElement[] = [];
  const visit = (construct: IConstruct): void => {
    if (TerraformElement.isTerraformElement(construct)) elements.push(construct);
    for (const child of construct.node.children) if (!TerraformStack.isStack(child)) visit(child);
  };
  visit(stack);
  return elements;
}

/**
 * Resolves, in `json` at `path`, what `overrides` were merged into it (the rest is resolved
 * already), in document order. An override that deleted a key (`undefined`) left nothing to resolve.
 */
function resolveOverridden(stack: TerraformStack, json: Record<string, unknown>, overrides: Record<string, unknown>, path: string[]): void {
  for (const key of Object.keys(json)) {
    if (!Object.prototype.hasOwnProperty.call(overrides, key)) continue;
    const override = overrides[key];
    path.push(key);
    if (path.length <= CDKTF_MAX_DEPTH && isPlainRecord(override) && !resolvedByCdktf(override) && isPlainRecord(json[key])) {
      resolveOverridden(stack, json[key] as Record<string, unknown>, override as Record<string, unknown>, path);
    } else {
      const resolved = copyResolvingTokens(stack, json[key], path);
      if (resolved === undefined) delete json[key];
      else json[key] = resolved;
    }
    path.pop();
  }
}

/** cdktf's resolver refuses a value deeper than this in a document, taking it for a circular tree. */
const CDKTF_MAX_DEPTH = 200;

/**
 * A fresh copy of `value` (at `path` in the document) as cdktf's resolve returns it. The parts that
 * hold a token, anything that is not plain data, and anything deeper than cdktf resolves go to
 * cdktf's resolver with their path, so it resolves or fails exactly as it would, naming the field;
 * the rest is copied, leaving out `undefined` entries as resolving does.
 */
function copyResolvingTokens(stack: TerraformStack, value: unknown, path: string[]): unknown {
  if (path.length > CDKTF_MAX_DEPTH || resolvedByCdktf(value)) return resolveAt(stack, value, path, false);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const list: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      path.push(String(i));
      const resolved = copyResolvingTokens(stack, value[i], path);
      path.pop();
      if (resolved !== undefined) list.push(resolved);
    }
    return list;
  }
  const record: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    path.push(key);
    const resolved = copyResolvingTokens(stack, (value as Record<string, unknown>)[key], path);
    path.pop();
    if (resolved !== undefined) record[key] = resolved;
  }
  return record;
}

/**
 * What only cdktf's resolver may resolve: a value that holds a token, a list with a token element,
 * a map with a token key, and anything that is not plain data (functions, constructs, class
 * instances), which cdktf rejects or treats in its own way.
 */
function resolvedByCdktf(value: unknown): boolean {
  if (holdsToken(value) || holdsTokenElementOrKey(value)) return true;
  return value !== null && (typeof value === 'object' || typeof value === 'function') && !Array.isArray(value) && !isPlainRecord(value);
}

/** An object with no class of its own, which cdktf would not mistake for a construct. */
function isPlainRecord(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  const record = value as { _children?: unknown; _metadata?: unknown };
  return (prototype === Object.prototype || prototype === null) && (record._children === undefined || record._metadata === undefined);
}

/**
 * `value`, found at `path` in the document, resolved by cdktf's resolver as if the whole document
 * were resolved. The public `Tokenization.resolve` starts at the root, so the value goes in under its
 * path: cdktf's errors then name the field (`at '/locals/x'`), and its depth limit counts from the
 * document's root.
 */
function resolveAt(stack: TerraformStack, value: unknown, path: readonly string[], preparing: boolean): unknown {
  let document = value;
  for (let i = path.length - 1; i >= 0; i--) document = { [path[i]]: document };
  let resolved = Tokenization.resolve(document, { scope: stack, preparing, resolver: DEFAULT_TOKEN_RESOLVER });
  for (const key of path) resolved = resolved[key];
  return resolved;
}

/** The resolver cdktf itself renders with: tokens to `${…}` text, fragments concatenated. */
export const DEFAULT_TOKEN_RESOLVER = new DefaultTokenResolver(new StringConcat());

/** Resolves, in preparing mode, each part of `value` (at `path`) that cdktf's resolver must see. */
function prepareTokens(stack: TerraformStack, value: unknown, path: string[]): void {
  if (path.length > CDKTF_MAX_DEPTH || resolvedByCdktf(value)) {
    resolveAt(stack, value, path, true);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, part] of Object.entries(value)) {
      path.push(key);
      prepareTokens(stack, part, path);
      path.pop();
    }
  }
}

/** A list with a token element or a map with a token key: cdktf resolves those whole (list and map tokens). */
function holdsTokenElementOrKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsToken);
  return value !== null && typeof value === 'object' && Object.keys(value).some(holdsToken);
}

/**
 * Text cdktf reads as a number token: a mantissa and an exponent, as a number token is written
 * (-1.888e+289). cdktf looks each such number up and fails on one it did not issue. The character
 * classes are cdktf's own (NUMBER_TOKEN_REGEX in its encoding.js), `|` included, so that exactly
 * the strings cdktf would look at go to its resolver.
 */
const NUMBER_TOKEN_TEXT = /[-|\d.+]e[-|\d.eE+]/;

/**
 * A string with an encoded token (string, list or map marker, or text cdktf reads as a number
 * token), a number token (scalar or list element), a resolvable object, or one of the values cdktf
 * puts in place of a map token's entries (resolving one is an error).
 */
function holdsToken(value: unknown): boolean {
  if (typeof value === 'string') {
    return value.includes('TfToken[') || NUMBER_TOKEN_TEXT.test(value) || value === Token.STRING_MAP_TOKEN_VALUE || value === Token.ANY_MAP_TOKEN_VALUE;
  }
  if (typeof value === 'number') return value === Token.NUMBER_MAP_TOKEN_VALUE || Token.isUnresolved(value) || Token.isUnresolved([value]);
  return value !== null && typeof value === 'object' && Tokenization.isResolvable(value);
}
