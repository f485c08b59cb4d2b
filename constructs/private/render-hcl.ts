import { PolicyRule } from '../policy/policy-document';

/**
 * The one place a Vault policy becomes HCL. Pure: the same rules give the same text, paths in the
 * order given (PolicyDocument sorts them), each value JSON-quoted, which is valid HCL string syntax.
 */
export function renderPolicyHcl(rules: readonly PolicyRule[]): string {
  if (rules.length === 0) {
    throw new Error('a Vault policy needs at least one rule: Vault rejects an empty policy');
  }
  return rules
    .map((r) => {
      const parameters = r.allowedParameters ? `  allowed_parameters = {\n${r.allowedParameters.map((p) => `    ${JSON.stringify(p)} = []\n`).join('')}  }\n` : '';
      return `path ${JSON.stringify(r.path)} {\n  capabilities = [${r.capabilities.map((c) => JSON.stringify(c)).join(', ')}]\n${parameters}}\n`;
    })
    .join('\n');
}
