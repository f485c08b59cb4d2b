import { TerraformStack } from 'cdktf';
import { synthStack } from './synth';

export interface Annotation {
  readonly path: string;
  readonly message: string;
}

function annotationsOf(stack: TerraformStack, type: string): Annotation[] {
  return stack.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === type).map((m) => ({ path: c.node.path, message: String(m.data) })));
}

/**
 * Synthesizes `stack` (aspects run) and returns its error annotations: what would make
 * `cdktf synth` fail, each with the construct path it names.
 */
export function synthErrors(stack: TerraformStack): Annotation[] {
  synthStack(stack);
  return annotationsOf(stack, '@cdktf/error');
}

/** The warning annotations after a synthesis (call `synthErrors` first). */
export function warningsOf(stack: TerraformStack): Annotation[] {
  return annotationsOf(stack, '@cdktf/warn');
}
