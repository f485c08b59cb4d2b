import { TerraformBackend, TerraformDataSource, TerraformElement, TerraformProvider, TerraformResource, TerraformStack } from 'cdktf';
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
 * The resolved JSON of a stack, with the construct behind each block, so rules can check what
 * Terraform will really receive and still report the construct path a developer can act on.
 */
export class SynthesizedStack {
  /**
   * The rule pack's rendering of a stack, handed to the isolation checks that visit the same stack
   * node right after it (`applyLabRules` adds them in that order; aspects do not change the tree in
   * between). `toTerraform()` of a 1000-app stack costs seconds: rendering it once saves that per
   * sandbox stack.
   */
  private static readonly handedOver = new WeakMap<TerraformStack, SynthesizedStack>();

  /** Renders `stack` and keeps the result for the next `take(stack)`. */
  public static renderForAspects(stack: TerraformStack): SynthesizedStack {
    const synthesized = new SynthesizedStack(stack);
    SynthesizedStack.handedOver.set(stack, synthesized);
    return synthesized;
  }

  /** The rendering `renderForAspects` kept for `stack` (once), else a fresh one. */
  public static take(stack: TerraformStack): SynthesizedStack {
    const kept = SynthesizedStack.handedOver.get(stack);
    SynthesizedStack.handedOver.delete(stack);
    return kept ?? new SynthesizedStack(stack);
  }

  public readonly json: StackJson;
  private readonly owners = new Map<string, IConstruct>();

  public constructor(public readonly stack: TerraformStack) {
    this.json = stack.toTerraform() as StackJson;
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
