import { TerraformJson } from './synth';

/**
 * Reads synthesized strings the way Terraform does: as templates, where `${…}` is an interpolation,
 * `%{…}` a directive, and `$${`, `%%{` their literal spellings (hashicorp/hcl hclsyntax/spec.md
 * "Template Literals"; json/spec.md "Strings": every JSON string is such a template).
 */

/** An unescaped `${…}` or `%{…}` and the text between its braces. */
export interface TemplateSequence {
  readonly introducer: '${' | '%{';
  readonly body: string;
}

/** Every interpolation and directive Terraform would evaluate in `text`. */
export function templateSequences(text: string): TemplateSequence[] {
  const found: TemplateSequence[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i) || text.startsWith('%%{', i)) {
      i += 3;
    } else if (text.startsWith('${', i) || text.startsWith('%{', i)) {
      const end = closingBrace(text, i + 2);
      found.push({ introducer: text.slice(i, i + 2) as '${' | '%{', body: text.slice(i + 2, end) });
      i = end + 1;
    } else {
      i += 1;
    }
  }
  return found;
}

/** Index of the `}` that closes an expression starting at `start` (quoted strings skipped); text length if none. */
function closingBrace(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{') {
      depth++;
    } else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return text.length;
}

/** The Terraform functions our constructs and stacks call (TerraformExpression.call, Fn.coalesce); user text would bring others (`file`). */
const CONSTRUCT_FUNCTIONS = new Set(['jsonencode', 'substr', 'timestamp', 'format', 'parseint', 'coalesce']);

const STRING_LITERAL = /"((?:[^"\\]|\\.)*)"/g;
const TRAVERSAL = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])*/;
const PUNCTUATION_OR_NUMBER = /^(?:\s+|\d+|[(){}[\],=%:])/;

/**
 * Why `body` (of an interpolation in `stack`) is not an expression a construct wrote, or undefined
 * when it is one: only references to blocks the stack declares (`vault_mount.X.path`,
 * `data.…`, `ephemeral.…`, `var.…`, `terraform.workspace`), calls of the functions above, numbers,
 * operators, and string literals that are themselves plain text.
 */
export function notConstructExpression(body: string, stack: TerraformJson): string | undefined {
  let problem: string | undefined;
  const rest = body.replace(STRING_LITERAL, (_, content: string) => {
    const nested = templateSequences(JSON.parse(`"${content}"`));
    if (nested.length > 0) problem ??= `a string literal holds a template sequence: ${JSON.stringify(content)}`;
    return '0';
  });
  if (problem) return problem;
  for (let i = 0; i < rest.length; ) {
    const token = PUNCTUATION_OR_NUMBER.exec(rest.slice(i))?.[0] ?? TRAVERSAL.exec(rest.slice(i))?.[0];
    if (!token) return `unexpected text at ${JSON.stringify(rest.slice(i))}`;
    if (/^[A-Za-z_]/.test(token)) {
      const isCall = rest.slice(i + token.length).trimStart().startsWith('(');
      if (isCall ? !CONSTRUCT_FUNCTIONS.has(token) : !declares(stack, token.split(/[.[]/))) {
        return `${isCall ? 'a call of' : 'a reference to'} ${token}, which no construct writes here`;
      }
    }
    i += token.length;
  }
  return undefined;
}

/** Whether the stack declares the block a traversal starts at. */
function declares(stack: TerraformJson, [root, type, name]: string[]): boolean {
  const blocks = stack as Record<string, any>;
  switch (root) {
    case 'terraform':
      return type === 'workspace';
    case 'var':
      return blocks.variable?.[type] !== undefined;
    case 'local':
      return blocks.locals?.[type] !== undefined;
    case 'data':
    case 'ephemeral':
      return name !== undefined && blocks[root]?.[type]?.[name] !== undefined;
    default:
      return type !== undefined && blocks.resource?.[root]?.[type] !== undefined;
  }
}

/** Every string of `json` (values and keys) with its location. */
export function stringsOf(json: unknown, at = ''): Array<{ at: string; text: string }> {
  if (typeof json === 'string') return [{ at, text: json }];
  if (Array.isArray(json)) return json.flatMap((item, i) => stringsOf(item, `${at}[${i}]`));
  if (json !== null && typeof json === 'object') {
    return Object.entries(json).flatMap(([key, value]) => [{ at: `${at}.${key} (key)`, text: key }, ...stringsOf(value, `${at}.${key}`)]);
  }
  return [];
}

/** Each interpolation or directive in `json` that no construct wrote, located: empty when there is none. */
export function foreignTemplateSequences(json: TerraformJson): string[] {
  return stringsOf(json).flatMap(({ at, text }) =>
    templateSequences(text).flatMap((s) => {
      const problem = s.introducer === '%{' ? 'a template directive, which no construct writes' : notConstructExpression(s.body, json);
      return problem ? [`${at}: ${s.introducer}${s.body}}: ${problem}`] : [];
    }),
  );
}
