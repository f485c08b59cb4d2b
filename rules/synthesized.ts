import {
  DefaultTokenResolver,
  StringConcat,
  TerraformBackend,
  TerraformDataSource,
  TerraformElement,
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
 * It also prepares cheaply. Before any stack is rendered, cdktf resolves every value of every block
 * once in "preparing" mode, only so that a token of another stack can add an output there and a
 * remote-state read here. Plain values cannot do that, so a CheckedStack resolves just the values
 * that hold a token: the same outputs and remote-state reads, without a full extra resolution of a
 * large fleet.
 */
export class CheckedStack extends TerraformStack {
  public prepareStack(): void {
    this.ensureBackendExists();
    for (const element of this.node.findAll()) {
      if (element instanceof TerraformElement && TerraformStack.of(element) === this) prepareTokens(this, element.toTerraform());
    }
  }

  public toTerraform(): any {
    return SynthesizedStack.take(this) ?? this.render();
  }

  /** A fresh rendering. */
  public render(): any {
    return super.toTerraform();
  }
}

/** The resolver cdktf itself renders with: tokens to `${…}` text, fragments concatenated. */
export const DEFAULT_TOKEN_RESOLVER = new DefaultTokenResolver(new StringConcat());

/** Resolves, in preparing mode, each part of `value` that holds a token. */
function prepareTokens(stack: TerraformStack, value: unknown): void {
  if (holdsToken(value) || holdsTokenElementOrKey(value)) {
    Tokenization.resolve(value, { scope: stack, preparing: true, resolver: DEFAULT_TOKEN_RESOLVER });
  } else if (value !== null && typeof value === 'object') {
    for (const part of Object.values(value)) prepareTokens(stack, part);
  }
}

/** A list with a token element or a map with a token key: cdktf resolves those whole (list and map tokens). */
function holdsTokenElementOrKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsToken);
  return value !== null && typeof value === 'object' && Object.keys(value).some(holdsToken);
}

/**
 * A string with an encoded token (string, list or map marker, or a number token written as text:
 * those are huge negative doubles such as -1.888e+289), a number token, or a resolvable object.
 */
function holdsToken(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('TfToken[') || value.includes('e+');
  if (typeof value === 'number') return Token.isUnresolved(value);
  return value !== null && typeof value === 'object' && Tokenization.isResolvable(value);
}
