import { Mount } from '@cdktf/provider-vault/lib/mount';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { App, CloudBackend, Fn, Lazy, NamedCloudWorkspace, TerraformIterator, TerraformLocal, TerraformOutput, TerraformStack, TerraformVariable, Testing, Token } from 'cdktf';
import { Construct } from 'constructs';
import { generateFleetConfig } from '../scripts/fleet';
import { CheckedStack } from '../rules/synthesized';
import { buildLab } from '../stacks/lab';
import { exampleConfig } from './support/synth';

/**
 * A CheckedStack renders with one resolution where cdktf resolves every block and then the whole
 * merged document again. What it returns must be exactly what cdktf's own `toTerraform` returns
 * for the same stack: same values, same keys in the same order, nothing left undefined.
 */

/** cdktf's own rendering of `stack`, bypassing CheckedStack's. */
function cdktfRendering(stack: TerraformStack): unknown {
  return TerraformStack.prototype.toTerraform.call(stack);
}

/** The message cdktf fails with when running `step`; fails the test if cdktf does not fail. */
function cdktfError(step: () => unknown): string {
  try {
    step();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('cdktf did not fail');
}

function expectSameRendering(stack: CheckedStack): void {
  const ours = stack.render();
  const theirs = cdktfRendering(stack);
  expect(ours).toStrictEqual(theirs);
  // Key order too: the written file and the checks see the document in this order.
  expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
}

function labStacks(app: App): CheckedStack[] {
  return app.node.children.filter((c): c is CheckedStack => c instanceof CheckedStack);
}

describe('the lab', () => {
  test.each([
    ['the example config', () => exampleConfig()],
    ['a generated fleet with every feature', () => generateFleetConfig(6, exampleConfig())],
  ])('renders every stack of %s exactly as cdktf does', (_name, config) => {
    const app = Testing.app();
    buildLab(app, config());
    // Synthesized first: the platform CI policy aspect adds its rules then, as in `cdktf synth`.
    app.synth();
    const stacks = labStacks(app);
    expect(stacks.map((s) => s.node.id)).toEqual(expect.arrayContaining(['qnap', 'main', 'sandbox']));
    for (const stack of stacks) expectSameRendering(stack);
  });
});

/** A stack with a value of every shape cdktf resolves: tokens, overrides, outputs, iterators. */
function edgeCaseStack(): CheckedStack {
  const app = Testing.app();
  const stack = new CheckedStack(app, 'edges');
  new VaultProvider(stack, 'vault', {});
  const source = new Mount(stack, 'Source', { path: 'source', type: 'kv', defaultLeaseTtlSeconds: 60 });
  const scope = new Construct(stack, 'Nested');
  const policy = new Policy(scope, 'Policy', {
    name: 'plain ${not a token} and 1e+5 written as text',
    policy: Lazy.stringValue({ produce: () => `# after ${source.path}` }),
  });
  // A cloud backend fills the `cloud` metadata cdktf reserves a place for, before the overrides.
  new CloudBackend(stack, { organization: 'lab', workspaces: new NamedCloudWorkspace('edges') });
  new Policy(stack, 'NumberAsText', { name: 'number-as-text', policy: `# ttl ${source.defaultLeaseTtlSeconds}` });
  new Policy(stack, 'NumberAsTextWithoutPlus', { name: 'number-as-text-2', policy: `# ttl ${String(source.defaultLeaseTtlSeconds).replace('e+', 'e')}` });
  const mount = new Mount(stack, 'Copy', {
    path: Fn.join('-', [source.path, 'copy']),
    type: 'kv',
    description: 'dropped by a deletion override',
    defaultLeaseTtlSeconds: source.defaultLeaseTtlSeconds,
    allowedResponseHeaders: Token.asList(Fn.split(',', source.path)),
    auditNonHmacRequestKeys: ['plain', source.type],
    passthroughRequestHeaders: ['plain', undefined as unknown as string, 'after an undefined'],
    options: { [policy.name]: 'token key', plain: 'plain key' },
  });
  mount.addOverride('max_lease_ttl_seconds', source.defaultLeaseTtlSeconds);
  mount.addOverride('seal_wrap', null);
  const regions = new TerraformVariable(stack, 'regions', { type: 'list(string)' });
  const each = TerraformIterator.fromList(regions.listValue);
  new Mount(stack, 'PerRegion', { forEach: each, path: Token.asString(each.value), type: 'kv' });
  new TerraformLocal(stack, 'joined', Fn.join(',', regions.listValue));
  new TerraformLocal(stack, 'numbers', Token.asNumberList(Fn.tolist([source.defaultLeaseTtlSeconds])));
  new TerraformOutput(scope, 'policy_name', { value: policy.name });
  new TerraformOutput(stack, 'options', { value: Token.asStringMap(mount.options) });
  stack.addOverride('terraform.required_version', '>= 1.10');
  stack.addOverride('locals.from_token', source.path);
  stack.addOverride('locals.nested', { plain: 'x', token: source.id, list: ['a', source.type] });
  stack.addOverride('locals.token_keys', { [source.path]: 'value' });
  stack.addOverride(`resource.vault_mount.${mount.friendlyUniqueId}.description`, undefined);
  // Deleting a key that is also an Object.prototype name deletes nothing, and resolves nothing.
  stack.addOverride('locals.constructor', undefined);
  // A list written by a construct and extended by index: the gap is left out, not written as null.
  new TerraformLocal(stack, 'letters', ['a', 'b']);
  stack.addOverride('locals.letters.5', 'z');
  new TerraformLocal(stack, 'plain_list', ['x', 'y']);
  stack.addOverride('locals.plain_override_list', ['p']);
  stack.addOverride('locals.produces_nothing', Lazy.anyValue({ produce: () => undefined }));
  stack.addOverride('locals.resolvable_literal', { resolve: () => 'resolved by its own resolve()', creationStack: [] });
  // Overrides of overrides: a later path through an earlier scalar, list or null replaces it.
  stack.addOverride('locals.scalar_then_object', 'scalar');
  stack.addOverride('locals.scalar_then_object.inner', 'x');
  stack.addOverride('locals.list_then_object', ['a']);
  stack.addOverride('locals.list_then_object.0', 'b');
  stack.addOverride('locals.null_then_object', null);
  stack.addOverride('locals.null_then_object.inner', 'x');
  // A list override of a construct's list is appended to it.
  new TerraformLocal(stack, 'appended_list', ['x', 'y']);
  stack.addOverride('locals.appended_list', ['p']);
  // A nested stack's elements are its own, not this stack's.
  new TerraformLocal(new TerraformStack(stack, 'Inner'), 'inner_only', 'x');
  return stack;
}

describe('a stack with every shape of value', () => {
  test('renders exactly as cdktf does', () => {
    const stack = edgeCaseStack();
    stack.prepareStack();
    expectSameRendering(stack);
  });

  test('resolves what the overrides put in, and applies their deletions', () => {
    const stack = edgeCaseStack();
    const json = stack.render();
    expect(json.locals.from_token).toBe('${vault_mount.Source.path}');
    expect(json.locals.nested).toEqual({ plain: 'x', token: '${vault_mount.Source.id}', list: ['a', '${vault_mount.Source.type}'] });
    expect(json.locals.token_keys).toEqual({ '${vault_mount.Source.path}': 'value' });
    const copy = json.resource.vault_mount.Copy;
    expect(copy).not.toHaveProperty('description');
    expect(copy.audit_non_hmac_request_keys).toEqual(['plain', '${vault_mount.Source.type}']);
    expect(copy.passthrough_request_headers).toEqual(['plain', 'after an undefined']);
    const policy = stack.node.findChild('Nested').node.findChild('Policy') as Policy;
    expect(copy.options).toEqual({ [`\${vault_policy.${policy.friendlyUniqueId}.name}`]: 'token key', plain: 'plain key' });
    expect(json.resource.vault_policy[policy.friendlyUniqueId].name).toBe('plain ${not a token} and 1e+5 written as text');
    expect(json.resource.vault_policy.NumberAsTextWithoutPlus.policy).toBe('# ttl ${vault_mount.Source.default_lease_ttl_seconds}');
    expect(json.locals.numbers).toBe('${tolist([vault_mount.Source.default_lease_ttl_seconds])}');
    expect(Object.keys(json['//'].metadata)).toEqual(['version', 'stackName', 'backend', 'cloud', 'overrides']);
    expect(json.locals.letters).toEqual(['a', 'b', 'z']);
    expect(json.locals).not.toHaveProperty('produces_nothing');
    expect(json.locals.resolvable_literal).toBe('resolved by its own resolve()');
    expect(json.locals).not.toHaveProperty('inner_only');
  });

  test('applies overrides of overrides and list overrides as cdktf does', () => {
    // cdktf's addOverride replaces a non-object on the way, and its merge appends lists to lists
    // (hashicorp/terraform-cdk packages/cdktf/lib/terraform-stack.ts, lib/util.ts deepMerge).
    const json = edgeCaseStack().render();
    expect(json.locals.scalar_then_object).toEqual({ inner: 'x' });
    expect(json.locals.list_then_object).toEqual({ 0: 'b' });
    expect(json.locals.null_then_object).toEqual({ inner: 'x' });
    expect(json.locals.appended_list).toEqual(['x', 'y', 'p']);
  });

  test('shares no object with the constructs it renders, so checks cannot change them', () => {
    const stack = edgeCaseStack();
    const before = JSON.stringify(cdktfRendering(stack));
    const ours = stack.render();
    // Lists that reach the rendering without a token or a gap: a local's value, a stack override.
    ours.locals.plain_list.push('changed');
    ours.locals.plain_override_list.push('changed');
    ours.locals.nested.list.push('changed');
    expect(JSON.stringify(cdktfRendering(stack))).toBe(before);
  });

  const nested = (depth: number, leaf: unknown = 'leaf'): unknown => (depth === 0 ? leaf : { n: nested(depth - 1, leaf) });
  const spoilers: Array<[string, (stack: CheckedStack) => void]> = [
    ['a function', (stack) => stack.addOverride('locals.not_data', () => 'a function')],
    ['a function a token produces', (stack) => new TerraformLocal(stack, 'lazy_function', Lazy.anyValue({ produce: () => ({ inner: () => 1 }) }))],
    ['an object shaped like a construct', (stack) => stack.addOverride('locals.like_a_construct', { _children: 'a', _metadata: 'b' })],
    ['number text in the range of number tokens', (stack) => stack.addOverride('locals.big', 'big -8.2e298')],
    ['the text cdktf puts in a string map token', (stack) => stack.addOverride('locals.sentinel', Token.STRING_MAP_TOKEN_VALUE)],
    ['the number cdktf puts in a number map token', (stack) => stack.addOverride('locals.sentinel', Token.NUMBER_MAP_TOKEN_VALUE)],
    ['a tree deeper than cdktf resolves', (stack) => stack.addOverride('locals.deep', nested(210))],
    [
      'an override into a null a construct wrote',
      (stack) => {
        new TerraformLocal(stack, 'null_value', null);
        stack.addOverride('locals.null_value.inner', 'x');
      },
    ],
    ['a token that resolves deeper than cdktf resolves', (stack) => stack.addOverride('locals.deep', nested(50, Lazy.anyValue({ produce: () => nested(160) })))],
    [
      'two faults, the first in document order reported',
      (stack) => {
        // Overridden in this order; in the document, resources come before locals.
        stack.addOverride('locals.not_data', () => 'a function');
        stack.addOverride('resource.vault_mount.Source.like_a_construct', { _children: 'a', _metadata: 'b' });
      },
    ],
  ];
  test.each(spoilers)('fails with cdktf\'s own error, naming the same field, on %s', (_name, spoil) => {
    const stack = edgeCaseStack();
    spoil(stack);
    expect(() => stack.render()).toThrow(cdktfError(() => cdktfRendering(stack)));
  });

  test.each([
    ['a function a token produces', (stack: CheckedStack) => new TerraformLocal(stack, 'lazy_function', Lazy.anyValue({ produce: () => ({ inner: () => 1 }) }))],
    ['a tree deeper than cdktf resolves', (stack: CheckedStack) => new TerraformLocal(stack, 'deep', nested(210))],
  ])('fails in the preparing pass with cdktf\'s own error on %s', (_name, spoil) => {
    const stack = edgeCaseStack();
    spoil(stack);
    const expected = cdktfError(() => TerraformStack.prototype.prepareStack.call(stack));
    expect(expected).toMatch(/at '\/locals\//);
    expect(() => stack.prepareStack()).toThrow(expected);
  });

  test('renders a very wide value a token produces', () => {
    const stack = edgeCaseStack();
    new TerraformLocal(stack, 'wide', Lazy.anyValue({ produce: () => Array.from({ length: 130_000 }, (_, i) => i) }));
    expectSameRendering(stack);
  });

  test('renders a tree as deep as cdktf allows', () => {
    const stack = edgeCaseStack();
    stack.addOverride('locals.deep', nested(150));
    expectSameRendering(stack);
  });
});
