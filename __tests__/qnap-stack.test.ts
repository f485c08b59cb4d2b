import { AnnotationMetadataEntryType } from 'cdktf';
import { buildTestLab, exampleConfigWith } from './support/synth';

function warningsOf(stack: { node: { metadata: Array<{ type: string; data: unknown }> } }): string[] {
  return stack.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data));
}

describe('the qnap stack', () => {
  test('warns at synthesis when the bootstrap Vault is reached over opted-in plain http', () => {
    const config = exampleConfigWith((c) => {
      c.environments.qnap.vault = { address: 'http://qnap.lab.example.net:8200', allowInsecureHttp: true };
    });
    const { stacks } = buildTestLab(config);
    expect(warningsOf(stacks.qnap as any).join('\n')).toMatch(/plain http \(http:\/\/qnap\.lab\.example\.net:8200/);
  });

  test('does not warn over https', () => {
    const { stacks } = buildTestLab();
    expect(warningsOf(stacks.qnap as any)).toEqual([]);
  });
});
