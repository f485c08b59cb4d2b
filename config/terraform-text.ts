import { ConfigIssue, formatPath } from './issues';
import type { LabConfig } from './schema';

/**
 * No config text becomes Terraform code. Terraform reads every string of the synthesized JSON as a
 * template, where `${…}` and `%{…}` run expressions (hashicorp/hcl json/spec.md "Strings",
 * hclsyntax/spec.md "Template Literals"). So a template sequence is refused in every config string
 * except the free-text fields below, which the stacks escape where they enter an attribute.
 * Elsewhere an escaped value would be wrong or make no sense: addresses and contexts go to provider
 * blocks and also to files that are no templates (workflows, GitOps manifests); state settings go to
 * backend blocks, which Terraform reads verbatim, without unescaping (hcl json/structure.go: no
 * evaluation context); a URL never holds a raw `{` (RFC 3986 section 2: it is written %7B).
 */
export const ESCAPED_TEXT_FIELDS: readonly string[] = [
  // stacks/qnap-stack.ts: the root CA's common name (vault_pki_secret_backend_root_cert.common_name)
  'environments.qnap.bootstrap.pki.caCommonName',
  // stacks/main-bootstrap-stack.ts: an audience of the VaultAuth manifests (kubernetes_manifest)
  'environments.qnap.bootstrap.mainCluster.apiServerAudience',
];

/** Terraform's template introductions. */
const TEMPLATE_SEQUENCE = /\$\{|%\{/;
/** cdktf's token markers (`${TfToken[`, `#{TfToken[`, `&{TfToken[`): cdktf would read them back as references. */
const TOKEN_MARKER = 'TfToken[';

const TEMPLATE_MESSAGE =
  "must not hold '${' or '%{': Terraform would run what follows as an expression where this value is written; remove it (in a URL, write '{' as %7B)";
const TOKEN_MESSAGE = `must not hold cdktf's token marker '${TOKEN_MARKER}': synthesis would replace it with a reference; remove it`;

/** Every string of the config that holds a template sequence or token marker where none may be. */
export function templateTextIssues(config: LabConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const check = (text: string, path: string, escaped: boolean): void => {
    if (text.includes(TOKEN_MARKER)) issues.push({ path, value: text, message: TOKEN_MESSAGE });
    else if (!escaped && TEMPLATE_SEQUENCE.test(text)) issues.push({ path, value: text, message: TEMPLATE_MESSAGE });
  };
  const visit = (value: unknown, segments: PropertyKey[]): void => {
    if (typeof value === 'string') {
      const path = formatPath(segments);
      check(value, path, ESCAPED_TEXT_FIELDS.includes(path));
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, [...segments, i]));
    } else if (value !== null && typeof value === 'object') {
      // Keys need no check: every record key of the schema is a name with a pattern.
      for (const [key, item] of Object.entries(value)) visit(item, [...segments, key]);
    }
  };
  visit(config, []);
  return issues;
}
