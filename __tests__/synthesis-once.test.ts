import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { buildLab } from '../stacks/lab';
import { CheckedStack } from '../rules/synthesized';
import { exampleConfig } from './support/synth';

/**
 * The rule pack and the isolation checks run on the rendering synthesis writes: each stack is
 * rendered once per synthesis (a 1000-app stack costs seconds to render), and what is written is
 * what a fresh rendering after synthesis gives, so reusing the checked rendering hides no change.
 */
describe('one rendering per stack, checked and written', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-once-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  const app = new App({ outdir, skipValidation: false });
  const stacks = Object.values(buildLab(app, exampleConfig()));
  const renders = new Map<TerraformStack, number>();
  const original = CheckedStack.prototype.render;
  const spy = jest.spyOn(CheckedStack.prototype, 'render').mockImplementation(function (this: CheckedStack) {
    renders.set(this, (renders.get(this) ?? 0) + 1);
    return original.call(this);
  });
  app.synth();
  spy.mockRestore();

  test('every stack of the lab is a CheckedStack and was rendered exactly once, sandbox stacks included', () => {
    expect(stacks.length).toBeGreaterThan(3);
    for (const stack of stacks) {
      expect(stack).toBeInstanceOf(CheckedStack);
      expect({ stack: stack.node.id, renders: renders.get(stack) }).toEqual({ stack: stack.node.id, renders: 1 });
    }
  });

  test('the written JSON equals what cdktf itself renders from the finished tree', () => {
    for (const stack of stacks) {
      const written = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8'));
      expect(written).toEqual(JSON.parse(JSON.stringify(TerraformStack.prototype.toTerraform.call(stack))));
    }
  });
});
