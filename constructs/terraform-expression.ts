import { TerraformResource } from 'cdktf';

/**
 * A Terraform expression written as text, for values built once per generated contract key.
 * cdktf's `Fn.*` calls and attribute references are tokens, and creating a token records a full
 * stack trace: a large fleet made tens of thousands of them. Text `${…}` passes through synthesis
 * unchanged. Refer only to blocks of the same stack (text gets no cross-stack output).
 */
export class TerraformExpression {
  /**
   * Attribute `name` of a resource (`vault_kv_secret_v2.X.id`) or of a block that states its own
   * address, such as an `EphemeralResource` (`ephemeral.…`).
   */
  public static attribute(block: TerraformResource | { readonly terraformAddress: string }, name: string): TerraformExpression {
    if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$/.test(name)) {
      throw new Error(`TerraformExpression.attribute: 'name' (${JSON.stringify(name)}) must be an attribute path such as 'data.value'`);
    }
    const address = block instanceof TerraformResource ? TerraformExpression.address(block) : block.terraformAddress;
    return new TerraformExpression(`${address}.${name}`);
  }

  /** The address of a resource (`vault_mount.X`), as `depends_on` lists it. */
  public static address(resource: TerraformResource): string {
    return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
  }

  /** A string or number literal; template markers in a string stay text. */
  public static literal(value: string | number): TerraformExpression {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new Error(`TerraformExpression.literal: 'value' (${value}) must be a finite number`);
      return new TerraformExpression(String(value));
    }
    return new TerraformExpression(escapeTemplateMarkers(JSON.stringify(value)));
  }

  /** A call of Terraform's built-in function `name`. */
  public static call(name: string, ...args: ReadonlyArray<TerraformExpression | string | number>): TerraformExpression {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`TerraformExpression.call: 'name' (${JSON.stringify(name)}) must be a Terraform function name`);
    return new TerraformExpression(`${name}(${args.map((a) => TerraformExpression.of(a).text).join(', ')})`);
  }

  /** An object `{"key" = value, …}`. */
  public static object(entries: Readonly<Record<string, TerraformExpression | string | number>>): TerraformExpression {
    const members = Object.entries(entries).map(([key, value]) => `${TerraformExpression.literal(key).text} = ${TerraformExpression.of(value).text}`);
    return new TerraformExpression(`{${members.join(', ')}}`);
  }

  /**
   * An empty string known only at apply (`timestamp()` is unknown during every plan). Part of an
   * ephemeral resource's arguments, it defers opening the resource to apply, so no plan reads the
   * value (Terraform's ephemeral block reference, "Defer provisioning").
   */
  public static unknownUntilApply(): TerraformExpression {
    return TerraformExpression.call('substr', TerraformExpression.call('timestamp'), 0, 0);
  }

  private static of(value: TerraformExpression | string | number): TerraformExpression {
    return value instanceof TerraformExpression ? value : TerraformExpression.literal(value);
  }

  private constructor(
    /** The expression as Terraform reads it, without `${…}`. */
    public readonly text: string,
  ) {}

  /** `this % divisor`. */
  public mod(divisor: TerraformExpression | number): TerraformExpression {
    return new TerraformExpression(`(${this.text} % ${TerraformExpression.of(divisor).text})`);
  }

  /** The expression as an attribute value: `${…}`. */
  public interpolation(): string {
    return `\${${this.text}}`;
  }
}

/**
 * Escapes Terraform template markers so that `text` stays text: Terraform reads every JSON string
 * as a template, where `${` and `%{` start expressions and `$${`, `%%{` stand for them literally
 * (hashicorp/hcl hclsyntax/spec.md "Template Literals", json/spec.md "Strings"). The one escape for
 * literal text entering an attribute; never for backend blocks, which Terraform reads verbatim.
 */
export function escapeTemplateMarkers(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/**
 * A copy of plain data (a Kubernetes object, chart values) with every string and key escaped as
 * literal text (`escapeTemplateMarkers`). For data built from config text, never for data that holds
 * cdktf tokens or expressions on purpose.
 */
export function escapeTemplateMarkersIn<T>(data: T): T {
  if (typeof data === 'string') return escapeTemplateMarkers(data) as T;
  if (Array.isArray(data)) return data.map((item) => escapeTemplateMarkersIn(item)) as T;
  if (data !== null && typeof data === 'object') {
    return Object.fromEntries(Object.entries(data).map(([key, value]) => [escapeTemplateMarkers(key), escapeTemplateMarkersIn(value)])) as T;
  }
  return data;
}
