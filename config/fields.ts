import { isIP } from 'net';
import { z } from 'zod';
import { DNS1123_LABEL, DNS1123_LABEL_RULE, MOUNT_PATH } from '../constructs/names';

/**
 * The kinds of value the lab config may hold. Every string the schema (config/schema*.ts) accepts is
 * one of these, so each has an upper bound, no control characters, and the same rule in the
 * exported JSON Schema (config/lab.schema.json) as in the loader. Limits that come from the systems
 * the value ends up in cite where they are defined.
 */

const tooLong = (max: number, why: string) => ({ message: `must be at most ${max} characters (${why})` });

/**
 * Control characters (C0, DEL, C1), the Unicode line and paragraph separators, and the invisible
 * format characters a reviewer cannot see in a diff: soft hyphen, zero-width and joiner characters,
 * bidirectional marks, embeddings, overrides and isolates (the "Trojan Source" characters, Unicode
 * UAX #9), and the byte order mark.
 */
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2064\u2066-\u206f\ufeff]*$/;

/**
 * One line of free text (a description, a common name, a runner label): no newline or other
 * control character, `max` characters at most.
 */
export function singleLine(what: string, max: number, min = 1): z.ZodString {
  return z
    .string()
    .min(min, { message: min === 1 ? 'must not be empty' : `must be at least ${min} characters (${what})` })
    .max(max, tooLong(max, what))
    .regex(NO_CONTROL_CHARACTERS, { message: 'must be one line without control characters (no newline, tab or escape) or invisible ones (zero-width, bidirectional override)' });
}

/**
 * A DNS-1123 label: namespaces, ServiceAccounts, Secrets, workloads, cluster and shard names. 63 is
 * Kubernetes' DNS1123LabelMaxLength (kubernetes/apimachinery pkg/util/validation/validation.go).
 */
export const dnsLabel = z.string().max(63, { message: DNS1123_LABEL_RULE }).regex(DNS1123_LABEL, { message: DNS1123_LABEL_RULE });

/**
 * A workload or Secret name: Kubernetes allows a DNS-1123 subdomain of up to 253 characters
 * (DNS1123SubdomainMaxLength, same file); the lab writes them without dots.
 */
export const objectName = z.string().max(253, { message: DNS1123_LABEL_RULE }).regex(DNS1123_LABEL, { message: DNS1123_LABEL_RULE });

/** A Vault mount or auth path (`infra`, `pki-bootstrap`): segments without '/' at either end. */
export const mountPath = z
  .string()
  .max(128, tooLong(128, 'a Vault mount path'))
  .regex(MOUNT_PATH, { message: "must be path segments of [A-Za-z0-9_.-] without leading or trailing '/'" })
  .regex(/^(?!.*(^|\/)\.{1,2}(\/|$))/, { message: "must not contain '.' or '..' segments (Vault would resolve them to another path)" });

/**
 * Whether two mount paths collide as Vault sees them: equal, or one inside the other (hashicorp/vault
 * vault/router.go MountConflict refuses both).
 */
export function mountsOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/**
 * A path relative to the project root (where cdktf runs): never absolute, never through '..', so the
 * synthesized JSON neither ties itself to one machine nor reaches outside the project.
 */
export function projectRelativePath(example: string): z.ZodString {
  return singleLine('a file path', 255).regex(/^(?![\\/])(?![A-Za-z]:[\\/])(?!(.*[\\/])?\.\.([\\/]|$))/, {
    message: `must be a path relative to the project root, without '..', e.g. ${example}`,
  });
}

/**
 * An absolute http(s) URL with nothing but scheme, host, port and path: no `user:password@`, no
 * `?query` (where tokens hide), no `#fragment`. Credentials come from the environment, never the
 * config; whatever is written here is copied into the synthesized JSON.
 */
export function url(what: string, scheme: 'https' | 'http(s)', example: string): z.ZodString {
  const pattern = scheme === 'https' ? /^https:\/\/[^\s/?#@]+(\/[^\s?#@]*)?$/ : /^https?:\/\/[^\s/?#@]+(\/[^\s?#@]*)?$/;
  return z
    .string()
    .max(2048, tooLong(2048, 'a URL'))
    .regex(pattern, {
      message: `must be an absolute ${scheme} URL of ${what} without user:password@, ?query or #fragment (credentials come from the environment), e.g. ${example}`,
    })
    .refine((v) => !pattern.test(v) || URL.canParse(v), { message: `is not a parseable URL; write it like ${example}` })
    // A look-alike letter of another script (Cyrillic 'а' for Latin 'a') names another host, unseen in review.
    .regex(/^[\x21-\x7e]*$/, { message: "must be visible ASCII only: a look-alike letter of another script would name another host; write an international domain in its xn-- form" });
}

/**
 * A Gitea/Forgejo repository `owner/repo`. The repository part follows Gitea's rule (`[-.\w]+`,
 * never `.`, `..`, or a run of dots: go-gitea/gitea models/repo/repo.go IsUsableRepoName) and its
 * length limit (MaxSize(100), modules/structs/repo.go CreateRepoOption); owners are at most 40
 * characters (services/forms/user_form.go).
 */
export const repository = z
  .string()
  .max(141, tooLong(141, 'an owner of 40 and a repository name of 100 characters'))
  .regex(/^(?!.*\.\.)(?!\.{1,2}\/)(?!.*\/\.{1,2}$)[A-Za-z0-9_.\-]{1,40}\/[A-Za-z0-9_.\-]{1,100}$/, {
    message: "must be 'owner/repo' (letters, digits, '.', '_', '-'; no '..', no globs)",
  });

/**
 * A full branch or tag ref, as the forge puts it in the token's `ref` claim. Git's own rules
 * (git/git Documentation/git-check-ref-format.adoc: no component starting with '.', no '..', no
 * '.lock' ending, no '//', no trailing '/' or '.') on top of a character set without globs or
 * commas (the Vault provider splits bound claim values on commas).
 */
export const gitRef = z
  .string()
  .max(255, tooLong(255, 'a git ref'))
  .regex(/^(?!.*\.\.)(?!.*\.lock(\/|$))(?!.*\.$)refs\/(heads|tags)(\/[A-Za-z0-9_\-][A-Za-z0-9_.\-]*)+$/, {
    message: "must be a full ref such as 'refs/heads/main' or 'refs/tags/v1' (git's ref rules: no '..', no component starting with '.'; no globs, no commas)",
  });

/**
 * Vault's built-in ceiling on any lease or token TTL when the server sets no `max_lease_ttl`: 32 days
 * (hashicorp/vault vault/expiration.go maxLeaseTTL). The lab's Vault servers set none, so a longer
 * TTL would be silently cut to this.
 */
export const VAULT_MAX_LEASE_TTL_SECONDS = 32 * 24 * 3600;

/** A TTL in whole seconds, at least `min`, at most `max` (Vault's own ceiling unless lower). */
export function ttlSeconds(what: string, min: number, max: number = VAULT_MAX_LEASE_TTL_SECONDS): z.ZodNumber {
  return z
    .number()
    .int({ message: `${what} must be a whole number of seconds` })
    .min(min, { message: `${what} must be at least ${min} seconds` })
    .max(max, {
      message:
        max === VAULT_MAX_LEASE_TTL_SECONDS
          ? `${what} must be at most ${max} seconds (32 days, Vault's maximum lease TTL)`
          : `${what} must be at most ${max} seconds`,
    });
}

/**
 * A list without repeats: a repeated entry means nothing to Vault or the operators, but shows up
 * joined in the output (`refs/heads/main,refs/heads/main`). The repeat is named by its index.
 */
export function uniqueList<T extends z.ZodType>(item: T, maxItems: number) {
  return z
    .array(item)
    .max(maxItems, { message: `must list at most ${maxItems} entries` })
    .superRefine((list, ctx) => {
      list.forEach((entry, i) => {
        const first = list.findIndex((e) => JSON.stringify(e) === JSON.stringify(entry));
        if (first !== i) ctx.addIssue({ code: 'custom', path: [i], message: `repeats entry [${first}]; remove the duplicate` });
      });
    })
    .meta({ uniqueItems: true });
}

/**
 * Refuses values other parts of the platform already own (a name the platform gives one of its own
 * policies, roles or ServiceAccounts). The JSON Schema carries the list as `not: { enum }`.
 */
export function notReserved(schema: z.ZodString, reserved: ReadonlyMap<string, string>, fix: string): z.ZodString {
  return schema
    .refine((v) => !reserved.has(v), {
      // Lazy message: it names what owns the value.
      error: (issue) => `is reserved: ${reserved.get(String(issue.input))}; ${fix}`,
    })
    .meta({ not: { enum: [...reserved.keys()] } }) as unknown as z.ZodString;
}

/**
 * A Kubernetes label key and value (`release: prometheus`): an optional DNS subdomain prefix and a
 * name of at most 63 characters; values at most 63 characters, possibly empty
 * (kubernetes/apimachinery pkg/util/validation/validation.go, IsQualifiedName, IsValidLabelValue).
 */
export const labelKey = z
  .string()
  .max(317, tooLong(317, 'a label key: a 253-character prefix and a 63-character name'))
  .regex(/^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, {
    message: "must be a Kubernetes label key: an optional 'prefix/' (DNS subdomain) and a name of letters, digits, '-', '_' or '.', at most 63 characters",
  });
export const labelValue = z
  .string()
  .max(63, tooLong(63, 'a Kubernetes label value'))
  .regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/, { message: "must be a Kubernetes label value: letters, digits, '-', '_' or '.', starting and ending with a letter or digit" });

const IPV4_CIDR = /^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\/([0-9]|[12][0-9]|3[0-2])$/;
const IPV6_CIDR = /^[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}\/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8])$/;
const CIDR = new RegExp(`${IPV4_CIDR.source}|${IPV6_CIDR.source}`);
const CIDR_RULE = "must be a network in CIDR notation, e.g. '192.168.1.0/24' or 'fd00::/64'";
/**
 * A network in CIDR notation, as a NetworkPolicy `ipBlock.cidr` takes it: `192.168.1.0/24`, `fd00::/64`.
 * The API server parses the address (kubernetes/kubernetes pkg/apis/networking/validation/validation.go
 * ValidateIPBlock, netutils.ParseCIDRSloppy); the pattern only gives its shape, so `1::2::3/64` or
 * `:::::::/64` would fail only at apply: node's own parser decides here.
 */
export const cidr = z
  .string()
  .max(43, tooLong(43, 'an IPv6 CIDR'))
  .regex(CIDR, { message: CIDR_RULE })
  .refine((v) => !CIDR.test(v) || isIP(v.slice(0, v.lastIndexOf('/'))) !== 0, { message: `${CIDR_RULE}: the address does not parse` });

/**
 * The shortest prefix of a private network per IP version: the largest private ranges are 10.0.0.0/8
 * (RFC 1918) and fc00::/7 (RFC 4193, unique local), so a shorter prefix always takes in internet addresses.
 */
const SHORTEST_PRIVATE_PREFIX: Record<number, number> = { 4: 8, 6: 7 };

/**
 * A network in a list of admitted client networks: a LAN's size at most, never the internet. In such a
 * list `0.0.0.0/0` opens the door while the list still looks restrictive. `where` names what admits
 * the networks, `fix` how to admit every network on purpose.
 */
export function clientNetwork(where: string, fix: string): z.ZodString {
  return cidr.refine(
    (v) => {
      const slash = v.lastIndexOf('/');
      const family = isIP(v.slice(0, slash));
      // Not an address: the CIDR checks above already say so.
      return family === 0 || Number(v.slice(slash + 1)) >= SHORTEST_PRIVATE_PREFIX[family];
    },
    {
      message: `is wider than any private network (the widest are 10.0.0.0/8 and fc00::/7), so ${where} would admit addresses on the internet (0.0.0.0/0 and ::/0 admit all of it) while looking restrictive; list the LAN networks people and tools connect from, e.g. 192.168.1.0/24, or ${fix}`,
    },
  );
}
