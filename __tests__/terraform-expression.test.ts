import { Mount } from '@cdktf/provider-vault/lib/mount';
import { EphemeralResource } from '../constructs/ephemeral-resource';
import { TerraformExpression } from '../constructs/terraform-expression';
import { synthStack, vaultTestStack } from './support/synth';
import { describeWithTerraform, evaluateTerraform } from './support/terraform';

const { attribute, call, literal, object } = TerraformExpression;

describe('TerraformExpression: expressions as text', () => {
  test('addresses and attributes name the blocks synthesis writes', () => {
    const stack = vaultTestStack();
    const mount = new Mount(stack, 'Kv', { path: 'kvv2', type: 'kv', options: { version: '2' } });
    const random = new EphemeralResource(stack, 'Pw', { type: 'random_password', config: { length: 12 } });
    new EphemeralResource(stack, 'Uses', {
      type: 'random_password',
      config: { length: 12, override_special: attribute(random, 'result').interpolation(), keepers: TerraformExpression.address(mount) },
    });
    const json = synthStack(stack);
    const [mountId] = Object.keys(json.resource!.vault_mount);
    const [pwId, usesId] = ['Pw', 'Uses'].map((id) => Object.keys((json as any).ephemeral.random_password).find((k) => k.startsWith(id))!);
    const uses = (json as any).ephemeral.random_password[usesId];
    expect(uses.override_special).toBe(`\${ephemeral.random_password.${pwId}.result}`);
    expect(uses.keepers).toBe(`vault_mount.${mountId}`);
    expect(attribute(mount, 'path').interpolation()).toBe(`\${vault_mount.${mountId}.path}`);
  });

  test('renders calls, literals, objects and the modulo operator in Terraform syntax', () => {
    expect(call('substr', literal('89ab'), call('parseint', 'f', 16).mod(4), 1).text).toBe('substr("89ab", (parseint("f", 16) % 4), 1)');
    expect(object({ value: call('timestamp') }).text).toBe('{"value" = timestamp()}');
    expect(literal('${x} %{ if y }').text).toBe('"$${x} %%{ if y }"');
  });

  test('refuses names that are not attribute paths or function names, naming the argument', () => {
    const stack = vaultTestStack();
    const random = new EphemeralResource(stack, 'Pw', { type: 'random_password', config: { length: 12 } });
    expect(() => attribute(random, 'result}${file("/etc/passwd")')).toThrow(/'name' \(.*\) must be an attribute path/);
    expect(() => call('file("x") + upper')).toThrow(/'name' \(.*\) must be a Terraform function name/);
    expect(() => literal(Number.NaN)).toThrow(/'value' \(NaN\) must be a finite number/);
  });
});

describeWithTerraform("TerraformExpression under Terraform's own evaluation", () => {
  test('a literal keeps template markers as text, an object goes through jsonencode as JSON', () => {
    const text = call('format', '%s|%s', literal('${not.a.reference} %{ if true }x%{ endif }'), call('jsonencode', object({ 'a b': 1, value: 'x"y' })));
    expect(evaluateTerraform({ value: text.interpolation() }, 'local.value')).toBe('${not.a.reference} %{ if true }x%{ endif }|{"a b":1,"value":"x\\"y"}');
  });

  test('mod binds as a whole: (a % b), not a % b inside a larger expression', () => {
    expect(evaluateTerraform({ value: call('substr', '89ab', call('parseint', 'f', 16).mod(4), 1).interpolation() }, 'local.value')).toBe('b');
  });
});
