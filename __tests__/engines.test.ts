import { engineEnvironmentIssues } from '../config/engine-checks';
import { ENGINES, EngineName } from '../config/schema-engine';
import { CI_ENGINE_VERSIONS } from '../stacks/ci-workflows';
import { buildTestLab, synthStack, TerraformJson } from './support/synth';

/**
 * Both engines run the same synthesized JSON, so every language feature the stacks use must exist in
 * the oldest version of each engine the JSON admits, and in the version CI pins.
 *
 * How each engine reads `terraform.required_version`: Terraform against its own version; OpenTofu up
 * to 1.11 against OpenTofu's own version (opentofu/opentofu v1.11.5 internal/configs/module.go
 * CheckCoreVersionRequirements), and from 1.12 on not at all in a `.tf.json` file, which it takes as
 * meant for Terraform (v1.12.6 internal/configs/diagnostics.go checkVersionRequirements). So the
 * one floor gates OpenTofu releases before 1.12 too, and every later release passes.
 */

/** First release of each engine with a feature, and how to see that a stack uses it. */
const FEATURES: readonly { name: string; since: Record<EngineName, string>; usedBy: (json: TerraformJson) => boolean }[] = [
  {
    // hashicorp/terraform CHANGELOG.md 1.5.0; OpenTofu's first release, 1.6.0, has them (v1.6.0 internal/configs/import.go).
    name: 'import blocks',
    since: { terraform: '1.5.0', opentofu: '1.6.0' },
    usedBy: (json) => json.import !== undefined,
  },
  {
    // hashicorp/terraform CHANGELOG.md 1.7.0; opentofu/opentofu CHANGELOG.md 1.7.0 (#1158).
    name: 'removed blocks',
    since: { terraform: '1.7.0', opentofu: '1.7.0' },
    usedBy: (json) => json.removed !== undefined,
  },
  {
    // Terraform's removed block has had `lifecycle { destroy = false }` since 1.7.0; OpenTofu's since
    // 1.10.0 (opentofu/opentofu CHANGELOG.md 1.10.0, #2556; internal/configs/removed.go).
    name: 'lifecycle in removed blocks',
    since: { terraform: '1.7.0', opentofu: '1.10.0' },
    usedBy: (json) => [json.removed ?? []].flat().some((block: any) => block.lifecycle !== undefined),
  },
  {
    // hashicorp/terraform CHANGELOG.md 1.10.0; opentofu/opentofu CHANGELOG.md 1.11.0 (#2834).
    name: 'ephemeral resources',
    since: { terraform: '1.10.0', opentofu: '1.11.0' },
    usedBy: (json) => json.ephemeral !== undefined,
  },
  {
    name: 'ephemeral variables',
    since: { terraform: '1.10.0', opentofu: '1.11.0' },
    usedBy: (json) => Object.values<any>(json.variable ?? {}).some((v) => v.ephemeral === true),
  },
  {
    // hashicorp/terraform CHANGELOG.md 1.11.0; opentofu/opentofu CHANGELOG.md 1.11.0 (#2834).
    name: 'write-only attributes',
    since: { terraform: '1.11.0', opentofu: '1.11.0' },
    usedBy: (json) => Object.values(json.resource ?? {}).some((byName) => Object.values(byName).some((body) => hasWriteOnlyAttribute(body))),
  },
];

function hasWriteOnlyAttribute(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasWriteOnlyAttribute);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, inner]) => key.endsWith('_wo') || hasWriteOnlyAttribute(inner));
}

const parts = (version: string) => version.split('.').map(Number);
/** Whether release `a` is at or after release `b` (x.y.z). */
function atLeast(a: string, b: string): boolean {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return true;
}

/** The floor of a `>= x.y.z` constraint; any other shape is refused, so this test must learn it. */
function floorOf(constraint: string): string {
  const match = /^>= (\d+\.\d+\.\d+)$/.exec(constraint);
  if (!match) throw new Error(`required_version ${JSON.stringify(constraint)} is not of the form '>= x.y.z'`);
  return match[1];
}

/** The features `json` uses that an engine at `version` does not have. */
function missingIn(json: TerraformJson, engine: EngineName, version: string): string[] {
  return FEATURES.filter((f) => f.usedBy(json) && !atLeast(version, f.since[engine])).map((f) => `${f.name} (${ENGINES[engine].product} ${f.since[engine]})`);
}

const engines = Object.keys(ENGINES) as EngineName[];
let stacks: Record<string, TerraformJson>;

beforeAll(() => {
  const lab = buildTestLab().stacks;
  stacks = Object.fromEntries(Object.values(lab).map((stack) => [stack.node.id, synthStack(stack)]));
});

describe('the engines run every feature the stacks use', () => {
  test("the example lab's stacks use ephemeral values and write-only attributes (the check below sees them)", () => {
    const used = new Set(Object.values(stacks).flatMap((json) => FEATURES.filter((f) => f.usedBy(json)).map((f) => f.name)));
    expect([...used]).toEqual(expect.arrayContaining(['ephemeral variables', 'write-only attributes']));
  });

  test.each(engines)("every stack's required_version floor admits only %s releases that have each feature the stack uses", (engine) => {
    for (const [name, json] of Object.entries(stacks)) {
      const floor = floorOf(json.terraform!.required_version);
      expect({ stack: name, missing: missingIn(json, engine, floor) }).toEqual({ stack: name, missing: [] });
    }
  });

  test.each(engines)('the %s version CI pins is within every stack\'s required_version and has every feature', (engine) => {
    const pinned = CI_ENGINE_VERSIONS[engine];
    for (const [name, json] of Object.entries(stacks)) {
      expect({ stack: name, pinned, admitted: atLeast(pinned, floorOf(json.terraform!.required_version)) }).toEqual({ stack: name, pinned, admitted: true });
      expect({ stack: name, missing: missingIn(json, engine, pinned) }).toEqual({ stack: name, missing: [] });
    }
  });

  test('the check can fail: OpenTofu 1.10 lacks the write-only attributes a stack uses', () => {
    const json: TerraformJson = { resource: { vault_kv_secret_v2: { Config: { data_json_wo: '{}' } } } };
    expect(missingIn(json, 'opentofu', '1.10.0')).toEqual(['write-only attributes (OpenTofu 1.11.0)']);
    expect(missingIn(json, 'terraform', '1.11.0')).toEqual([]);
  });

  test('the check can fail: OpenTofu 1.9 has removed blocks but not their lifecycle', () => {
    const json: TerraformJson = { removed: [{ from: 'vault_kv_secret_v2.Writer', lifecycle: { destroy: false } }] };
    expect(missingIn(json, 'opentofu', '1.9.0')).toEqual(['lifecycle in removed blocks (OpenTofu 1.10.0)']);
  });

  test('fails when required_version has a shape this check does not read', () => {
    expect(() => floorOf('~> 1.11')).toThrow(/required_version "~> 1.11" is not of the form '>= x.y.z'/);
  });
});

describe('synthesis refuses to hand the stacks to another engine than the config names', () => {
  test.each([
    [undefined, {}],
    ['terraform', { TERRAFORM_BINARY_NAME: '' }],
    ['opentofu', { TERRAFORM_BINARY_NAME: 'tofu' }],
    ['opentofu', { TERRAFORM_BINARY_NAME: '/opt/opentofu/bin/tofu' }],
    ['terraform', { TERRAFORM_BINARY_NAME: 'terraform-wrapper.sh' }],
  ] as const)('engine %s with %j: cdktf runs that engine (or a program of unknown kind), no issue', (engine, env) => {
    expect(engineEnvironmentIssues(engine ? { engine } : undefined, env)).toEqual([]);
  });

  test('fails when the config names OpenTofu and TERRAFORM_BINARY_NAME is unset: cdktf would run terraform', () => {
    const [issue] = engineEnvironmentIssues({ engine: 'opentofu' }, {});
    expect(issue.path).toBe('terraform.engine');
    expect(issue.message).toMatch(/cdktf would run Terraform \(TERRAFORM_BINARY_NAME unset\), not OpenTofu; set TERRAFORM_BINARY_NAME=tofu, or change terraform.engine/);
  });

  test('fails when the config names Terraform and TERRAFORM_BINARY_NAME runs tofu', () => {
    const [issue] = engineEnvironmentIssues(undefined, { TERRAFORM_BINARY_NAME: 'tofu' });
    expect(issue.message).toMatch(/cdktf would run OpenTofu \(TERRAFORM_BINARY_NAME=tofu\), not Terraform; unset TERRAFORM_BINARY_NAME, or change terraform.engine/);
  });
});
