import { z } from 'zod';
import { mountPath, singleLine, uniqueList } from './fields';

/**
 * Objects that already exist on a Vault the lab configures (`environments.<env>.adopt`): synthesis
 * emits a Terraform `import` block for the resource the stack declares for each one, so the first
 * plan imports it instead of creating it (which Vault refuses for a mount or an auth method whose
 * path is in use) and then manages it in place (stacks/adoption.ts, docs/bootstrap.md "Adopting a
 * Vault that already exists"). Each entry is what `vault secrets list`, `vault auth list` and
 * `vault policy list` show; the attributes that force the provider to replace an object are declared
 * so synthesis can refuse a stack that would replace it.
 */

const pluginType = singleLine('a Vault plugin type such as kv', 64).regex(/^[a-z0-9][a-z0-9_-]*$/, {
  message: "must be the type `vault secrets list` or `vault auth list` shows, e.g. 'kv' or 'kubernetes'",
});

/** A secrets engine as `vault secrets list -format=json` shows it (the key without its trailing '/'). */
export const adoptedMountSchema = z
  .strictObject({
    /** Where the engine is mounted, e.g. `secret`. */
    path: mountPath,
    /** The engine type (`type`), e.g. `kv`; the stack's mount must have the same one. */
    type: pluginType,
    /** For `kv` only, and required there: `options.version` (1 when Vault shows no options). */
    version: z.union([z.literal(1), z.literal(2)]).optional(),
    /** `local`: replicated to no other cluster. @default false */
    local: z.boolean().optional(),
    /** `seal_wrap`. @default false */
    sealWrap: z.boolean().optional(),
    /** `external_entropy_access`. @default false */
    externalEntropyAccess: z.boolean().optional(),
  })
  .superRefine((mount, ctx) => {
    if (mount.type === 'kv' && mount.version === undefined) {
      ctx.addIssue({ code: 'custom', path: ['version'], message: "must be given for a kv engine: 1 or 2, as options.version in 'vault secrets list -format=json' (1 when it shows no options)" });
    }
    if (mount.type !== 'kv' && mount.version !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['version'], message: `applies to a kv engine only; remove it for type '${mount.type}'` });
    }
  });

/** An auth method as `vault auth list -format=json` shows it (the key without its trailing '/'). */
export const adoptedAuthMethodSchema = z.strictObject({
  /** Where the method is enabled, e.g. `kubernetes-main` (the path after `auth/`). */
  path: mountPath,
  /** The method type (`type`), e.g. `kubernetes`; the stack's method must have the same one. */
  type: pluginType,
  /** `local`. @default false */
  local: z.boolean().optional(),
});

/** Adoption refuses a list naming one path twice: Vault has one object per path. */
function uniquePaths<T extends { path: string }>(entry: z.ZodType<T>) {
  return z.array(entry).max(100, { message: 'must list at most 100 entries' }).superRefine((list, ctx) => {
    list.forEach((e, i) => {
      const first = list.findIndex((o) => o.path === e.path);
      if (first !== i) ctx.addIssue({ code: 'custom', path: [i, 'path'], message: `repeats the path of entry [${first}]; Vault has one object per path, remove one` });
    });
  });
}

export const adoptionSchema = z.strictObject({
  /** Secrets engines that exist. @default - none */
  mounts: uniquePaths(adoptedMountSchema).optional(),
  /** Auth methods that exist (a kubernetes one is adopted with its `config`, which must exist too). @default - none */
  authMethods: uniquePaths(adoptedAuthMethodSchema).optional(),
  /** ACL policies that exist, by name (`vault policy list`). @default - none */
  policies: uniqueList(singleLine('a Vault policy name', 128), 1000).optional(),
  /**
   * KV secrets' metadata cannot be adopted: the provider cannot import `vault_generic_endpoint`
   * (hashicorp/terraform-provider-vault website/docs/r/generic_endpoint.html.md, "Import is not supported"),
   * and need not be: the first apply writes the declared metadata over the existing one, which
   * keeps every version of the value. Always empty; present to say so.
   */
  kvMetadata: z
    .array(z.unknown())
    .max(0, {
      message:
        'must be empty: the Vault provider cannot import KV metadata (vault_generic_endpoint), and the first apply writes it over the existing metadata without touching any version; remove the entries',
    })
    .optional(),
});

export type AdoptionConfig = z.infer<typeof adoptionSchema>;
