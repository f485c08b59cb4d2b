import { TerraformStack } from 'cdktf';
import { buildTestLab, synthStack, TerraformJson } from './support/synth';

describe('provider versions', () => {
  let synthesized: Array<{ stack: string; json: TerraformJson }>;
  beforeAll(() => {
    const stacks = buildTestLab().app.node.findAll().filter(TerraformStack.isStack);
    for (const stack of stacks) stack.prepareStack();
    synthesized = stacks.map((stack) => ({ stack: stack.node.id, json: synthStack(stack) }));
  });

  test('every required_providers entry of every stack of the example lab is one exact version', () => {
    const entries = synthesized.flatMap(({ stack, json }) =>
      Object.entries(json.terraform?.required_providers ?? {}).map(([provider, req]: [string, any]) => ({ stack, provider, version: req.version })),
    );
    expect(entries.map((e) => e.provider)).toEqual(expect.arrayContaining(['vault', 'kubernetes', 'helm', 'random']));
    expect(entries.filter((e) => !/^\d+\.\d+\.\d+$/.test(String(e.version)))).toEqual([]);
  });
});
