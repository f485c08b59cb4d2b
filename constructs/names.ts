/**
 * Naming rules shared by the config schema and the constructs. An app name is used at once as a
 * Vault policy and role name, a Kubernetes DNS-1123 label and (quoted) in PostgreSQL role names such
 * as `<app>_role`, so it must satisfy all three.
 */
export const APP_NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Leaves room for the longest derived name (`gitea_cicd_<app>`, `<app>_ro_role`) under 63 bytes. */
export const APP_NAME_MAX_LENGTH = 40;
/**
 * Suffixes the platform derives names with (`<app>-ops` policy, `<app>-ro` database role). An app
 * named `webapp-ops` would take over the ops policy of `webapp`, so no app name may end in one.
 */
export const RESERVED_APP_NAME_SUFFIXES = ['-ops', '-ro'] as const;
export const APP_NAME_RULE = `lowercase letters, digits and '-', starting with a letter, not ending with '-', ${RESERVED_APP_NAME_SUFFIXES.map((s) => `'${s}'`).join(' or ')}, at most ${APP_NAME_MAX_LENGTH} characters (it becomes a Vault policy name, a DNS-1123 label and a PostgreSQL role name)`;

export function isValidAppName(name: string): boolean {
  return (
    name.length <= APP_NAME_MAX_LENGTH &&
    APP_NAME_PATTERN.test(name) &&
    !RESERVED_APP_NAME_SUFFIXES.some((suffix) => name.endsWith(suffix))
  );
}

/** Kubernetes DNS-1123 label: namespaces, ServiceAccount names are subdomains but labels suffice here. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_LABEL_RULE = "a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";

export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}

/** A Vault mount or auth path: segments without slashes at either end. */
export const MOUNT_PATH = /^[A-Za-z0-9_.\-]+(\/[A-Za-z0-9_.\-]+)*$/;
