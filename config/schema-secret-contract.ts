import { z } from 'zod';
import { projectRelativePath } from './fields';

/**
 * The lab config's pointer from an app to a SecretContract file (`apps[].secretContract`), and the
 * rotation version of each generated key. Versions live here, in the reviewed lab config, rather
 * than in the team's contract, so a rotation is a one-line commit that `npm run rotate` writes.
 */

/** `<secret>/<key>` as used under `versions`, e.g. `db-seed/password`. */
export const VERSION_KEY_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[-._a-zA-Z0-9]+$/;

export function versionKey(secretName: string, key: string): string {
  return `${secretName}/${key}`;
}

const projectRelativeYamlFile = projectRelativePath('config/contracts/webapp.secrets.yaml').regex(/\.ya?ml$/, { message: 'must name a .yaml or .yml file' });

export const appSecretContractSchema = z.strictObject({
  /** The app's SecretContract (`hostk8s.io/v1`), relative to the project root like `state.directory`. */
  file: projectRelativeYamlFile,
  /**
   * Rotation version per generated key, `<secret>/<key>: N`. A key not listed is at version 1.
   * Bumping a number (`npm run rotate`) writes a new value at the next apply; nothing else does.
   * @default {}
   */
  versions: z
    .record(
      z.string().max(127, { message: 'must be at most 127 characters' }).regex(VERSION_KEY_PATTERN, { message: "must be '<secret>/<key>', e.g. db-seed/password" }),
      z.number().int().min(1, { message: 'must be a whole number >= 1' }).max(1_000_000, { message: 'must be at most 1000000' }),
    )
    .optional(),
});

export type AppSecretContractConfig = z.infer<typeof appSecretContractSchema>;
