import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { EphemeralResource } from './ephemeral-resource';
import { invalidProp } from './private/errors';
import { TerraformExpression } from './terraform-expression';

/** The kinds of generated value (the hostk8s SecretContract's `generate`). */
export const GENERATOR_KINDS = ['password', 'token', 'hex', 'uuid'] as const;
/** A kind of generated value: `password`, `token`, `hex` or `uuid`. */
/** One kind of generated value: `password`, `token`, `hex` or `uuid`. */
export type GeneratorKind = (typeof GENERATOR_KINDS)[number];
/** The shortest password a contract or a GeneratedValue accepts. */
export const MIN_PASSWORD_LENGTH = 8;

/** The hostk8s character set of each generator kind, as the hashicorp/random provider's options. */
const PASSWORD_SPECIALS = '!@#$%^&*';
/** random_password draws "special" characters from `override_special` only: hex is 0-9 plus a-f. */
const HEX_LETTERS = 'abcdef';

/** Hex digits a UUID v4 needs from the generator: 30 random nibbles plus one that picks the variant. */
const UUID_RANDOM_HEX = 31;

function randomPasswordArguments(kind: GeneratorKind, length: number): Record<string, unknown> {
  switch (kind) {
    case 'password':
      return { length, upper: true, lower: true, numeric: true, special: true, override_special: PASSWORD_SPECIALS };
    case 'token':
      return { length, upper: true, lower: true, numeric: true, special: false };
    case 'hex':
      return { length, upper: false, lower: false, numeric: true, special: true, override_special: HEX_LETTERS };
    case 'uuid':
      return { length: UUID_RANDOM_HEX, upper: false, lower: false, numeric: true, special: true, override_special: HEX_LETTERS };
  }
}

/**
 * A UUID v4 (RFC 9562 / 4122 layout `xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx`, V one of 8, 9, a, b) as a
 * Terraform expression over 31 random hex digits. Terraform's own `uuid()` sets no version bits.
 */
export function uuidFromHex(hex: TerraformExpression): TerraformExpression {
  const call = TerraformExpression.call;
  const part = (offset: number, length: number) => call('substr', hex, offset, length);
  const variant = call('substr', '89ab', call('parseint', part(30, 1), 16).mod(4), 1);
  return call('format', '%s-%s-4%s-%s%s-%s', part(0, 8), part(8, 4), part(12, 3), variant, part(15, 3), part(18, 12));
}

/** Properties of a {@link GeneratedValue}. */
/** What a GeneratedValue draws: its kind and length. */
export interface GeneratedValueProps {
  /** Character set and shape: password, token, hex or uuid (see docs/secret-contracts.md). */
  readonly generate: GeneratorKind;
  /** Characters; ignored for uuid (always 36). */
  readonly length: number;
}

/**
 * A fresh random value of one contract kind, drawn by an `ephemeral "random_password"` on every
 * Terraform run and never stored: whatever writes it decides (by its `*_wo_version`) whether it is used.
 */
export class GeneratedValue extends Construct {
  /** The value, an ephemeral Terraform expression. */
  public readonly value: TerraformExpression;

  public constructor(scope: Construct, id: string, props: GeneratedValueProps) {
    super(scope, id);
    const minimum = props.generate === 'password' ? MIN_PASSWORD_LENGTH : 1;
    if (props.generate !== 'uuid' && !Token.isUnresolved(props.length) && (!Number.isInteger(props.length) || props.length < minimum)) {
      throw new Error(invalidProp('GeneratedValue', 'length', props.length, `must be a whole number >= ${minimum} for a ${props.generate}`));
    }
    const random = new EphemeralResource(this, 'Random', { type: 'random_password', config: randomPasswordArguments(props.generate, props.length) });
    const result = random.attribute('result');
    this.value = props.generate === 'uuid' ? uuidFromHex(result) : result;
  }
}
