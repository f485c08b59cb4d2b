import { TerraformStack } from 'cdktf';
import { parse as parseYaml } from 'yaml';
import { validateLabConfig } from '../config/load';
import { ESCAPED_TEXT_FIELDS } from '../config/terraform-text';
import { LabConfig } from '../config/schema';
import { helmValues } from '../constructs/charts';
import { foreignTemplateSequences, stringsOf } from './support/terraform-templates';
import { buildTestLab, exampleConfig, exampleConfigError, exampleConfigWith, resourcesOf, synthStack, TerraformJson } from './support/synth';
import { describeWithTerraform, evaluateTerraform } from './support/terraform';

/** Config text that would read a file and loop if Terraform evaluated it. */
const HOSTILE = 'CA ${file("/etc/passwd")} %{ if true }x%{ endif } $${kept}';
const HOSTILE_CONTRACT = '__tests__/fixtures/hostile-webapp.secrets.yaml';

/** Sets a dotted config path (objects only) in a raw config. */
function setPath(raw: any, path: string, value: unknown): void {
  const keys = path.split('.');
  const parent = keys.slice(0, -1).reduce((o, k) => (o[k] ??= {}), raw);
  parent[keys[keys.length - 1]] = value;
}

/** The example lab with template sequences in every free-text field that allows them, and a hostile contract. */
function hostileConfig(): LabConfig {
  return exampleConfigWith((raw) => {
    for (const field of ESCAPED_TEXT_FIELDS) setPath(raw, field, HOSTILE);
    raw.apps[0].secretContract = { file: HOSTILE_CONTRACT };
  });
}

/** Every stack of a lab, synthesized as cdktf does, by stack name. */
function synthesizeAll(config: LabConfig): Map<string, TerraformJson> {
  const { app } = buildTestLab(config);
  const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
  stacks.forEach((s) => s.prepareStack());
  return new Map(stacks.map((s) => [s.node.id, synthStack(s)]));
}

const synthesized = new Map<string, Map<string, TerraformJson>>();
function lab(name: 'example' | 'hostile'): Map<string, TerraformJson> {
  if (!synthesized.has(name)) synthesized.set(name, synthesizeAll(name === 'example' ? exampleConfig() : hostileConfig()));
  return synthesized.get(name)!;
}

/** The string leaves of the example config, by path (`apps[0].name`). */
function configStrings(): Array<{ path: string; value: string }> {
  const found: Array<{ path: string; value: string }> = [];
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'string') found.push({ path, value });
    else if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${path}[${i}]`));
    else if (value && typeof value === 'object') Object.entries(value).forEach(([k, v]) => visit(v, path ? `${path}.${k}` : k));
  };
  visit(JSON.parse(JSON.stringify(exampleConfig())), '');
  return found;
}

describe('the template checker', () => {
  test('flags an interpolation no construct wrote and directives, and passes escaped text', () => {
    // GIVEN a stack with a real resource, a reference to it, user text and escaped user text
    const json: TerraformJson = {
      resource: { vault_mount: { Kv: { path: 'kv' } }, vault_policy: { P: { a: '${vault_mount.Kv.path}', b: '${file("/etc/passwd")}', c: '%{ if true }x%{ endif }', d: '$${file("x")} %%{ if }' } } },
    };
    // WHEN it is checked
    const findings = foreignTemplateSequences(json);
    // THEN exactly the raw call and the two directives are reported
    expect(findings).toEqual([
      expect.stringMatching(/\.b: \$\{file\("\/etc\/passwd"\)\}: a call of file/),
      expect.stringMatching(/\.c: %\{ if true \}: a template directive/),
      expect.stringMatching(/\.c: %\{ endif \}: a template directive/),
    ]);
  });

  test('flags a reference to a block the stack does not declare', () => {
    expect(foreignTemplateSequences({ resource: { vault_policy: { P: { a: '${vault_mount.Elsewhere.path}' } } } })).toEqual([
      expect.stringMatching(/a reference to vault_mount\.Elsewhere\.path, which no construct writes here/),
    ]);
  });
});

describe('no config text becomes Terraform code', () => {
  test('every template sequence in the example lab is an expression a construct wrote', () => {
    for (const [name, json] of lab('example')) expect({ stack: name, findings: foreignTemplateSequences(json) }).toEqual({ stack: name, findings: [] });
  });

  test('template sequences in every free-text field and contract value stay text in every stack', () => {
    // GIVEN the hostile config WHEN every stack is synthesized
    const stacks = lab('hostile');
    // THEN nothing of it is evaluated ...
    for (const [name, json] of stacks) expect({ stack: name, findings: foreignTemplateSequences(json) }).toEqual({ stack: name, findings: [] });
    // ... and it did reach the output (as text), in the PKI, the manifests and the contract's secret
    const reached = (name: string) => stringsOf(stacks.get(name)).filter((s) => s.text.includes('file(\\"/etc/passwd\\")') || s.text.includes('file("/etc/passwd")'));
    expect(reached('qnap').length).toBeGreaterThan(0);
    expect(reached('main-bootstrap').length).toBeGreaterThan(0);
    expect(reached('main').length).toBeGreaterThan(0);
  });

  test('fails when any other config field holds a template sequence, naming the field', () => {
    const others = configStrings().filter((s) => !ESCAPED_TEXT_FIELDS.includes(s.path));
    expect(others.length).toBeGreaterThan(40);
    const example = JSON.stringify(exampleConfig());
    for (const { path, value } of others) {
      const raw = JSON.parse(example);
      setPathAt(raw, path, `${value}\${x}`);
      expect(refusalOf(raw, path)).toContain(`${path} = `);
    }
  });

  test('fails when the Vault address holds a template sequence, with the fix', () => {
    expect(exampleConfigError((raw) => (raw.environments.main.vault.address = 'https://vault.lab.example.net:8200/${file("x")}')).message).toMatch(
      /environments\.main\.vault\.address = .*must not hold '\$\{' or '%\{'.*remove it \(in a URL, write '\{' as %7B\)/,
    );
  });

  test('fails when a kube context holds a template directive', () => {
    expect(exampleConfigError((raw) => (raw.environments.sandbox.kubernetes.context = 'lab-%{ if true }x%{ endif }')).message).toMatch(
      /environments\.sandbox\.kubernetes\.context = .*must not hold '\$\{' or '%\{'/,
    );
  });

  test('fails when a state backend setting holds a template sequence (backend blocks are read verbatim, an escape would stay)', () => {
    expect(exampleConfigError((raw) => (raw.environments.main.state = { type: 's3', bucket: 'lab-state', region: 'eu-${var.x}' })).message).toMatch(
      /environments\.main\.state\.region = .*must not hold '\$\{' or '%\{'/,
    );
  });

  test("fails when a free-text field holds cdktf's token marker", () => {
    expect(exampleConfigError((raw) => setPath(raw, ESCAPED_TEXT_FIELDS[0], 'CA ${TfToken[TOKEN.1]}')).message).toMatch(
      new RegExp(`${ESCAPED_TEXT_FIELDS[0].replace(/\./g, '\\.')} = .*must not hold cdktf's token marker 'TfToken\\['`),
    );
  });
});

/** The error message a raw config is refused with, or `<path>: accepted`. */
function refusalOf(raw: unknown, path: string): string {
  try {
    validateLabConfig(raw);
    return `${path}: accepted`;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Sets a path as configStrings names it (`apps[0].ci.refs[0]`). */
function setPathAt(raw: any, path: string, value: unknown): void {
  const keys = path.split(/\.|(?=\[)/).map((k) => (k.startsWith('[') ? Number(k.slice(1, -1)) : k));
  const parent = keys.slice(0, -1).reduce((o, k) => o[k], raw);
  parent[keys[keys.length - 1]] = value;
}

describeWithTerraform("escaped config text under Terraform's own evaluation", () => {
  test('the CA common name and the VaultAuth audience evaluate to the config text as written', () => {
    // GIVEN the hostile config's PKI root and a VaultAuth manifest
    const root = Object.values(resourcesOf(lab('hostile').get('qnap')!, 'vault_pki_secret_backend_root_cert'))[0] as any;
    // (one that logs in to the QNAP Vault: the API server audience is the QNAP's; a consumer moved to main has none)
    const auth = (Object.values(resourcesOf(lab('hostile').get('main-bootstrap')!, 'kubernetes_manifest')) as any[]).find((m) => m.manifest.kind === 'VaultAuth' && m.manifest.spec.vaultConnectionRef !== undefined);
    // WHEN Terraform evaluates them
    const evaluated = evaluateTerraform({ value: [root.common_name, auth.manifest.spec.kubernetes.audiences[1]] }, 'local.value');
    // THEN both are the text of the config
    expect(evaluated).toEqual([HOSTILE, HOSTILE]);
  });

  test('chart values holding template sequences reach helm as written', () => {
    const values = { server: { annotations: { note: HOSTILE } } };
    expect(parseYaml(evaluateTerraform({ value: helmValues(values)[0] }, 'local.value') as string)).toEqual(values);
  });
});
