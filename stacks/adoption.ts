import { AuthBackend } from '@cdktf/provider-vault/lib/auth-backend';
import { JwtAuthBackend } from '@cdktf/provider-vault/lib/jwt-auth-backend';
import { KubernetesAuthBackendConfig } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-config';
import { KvSecretBackendV2 } from '@cdktf/provider-vault/lib/kv-secret-backend-v2';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { TerraformResource, TerraformStack, Token, Tokenization } from 'cdktf';
import { AdoptionConfig } from '../config/schema-adoption';
import { DEFAULT_TOKEN_RESOLVER } from '../rules/synthesized';

/**
 * Adoption of objects that already exist on a Vault (`environments.<env>.adopt`): each declared
 * object is matched to the resource the stacks declare for it, which gets an `import` block (cdktf's
 * `TerraformResource.importFrom`), so the first plan imports it and changes it in place instead of
 * creating it. Import IDs are those of hashicorp/terraform-provider-vault v5.7.0, the same as in v5.6.0
 * (website/docs/r/<type>.html.md, "Import"); an attribute that forces the provider to replace the object (ForceNew in
 * vault/resource_mount.go, resource_auth_backend.go, resource_jwt_auth_backend.go) must be the same
 * declared as existing and in the stack, or synthesis fails naming both.
 *
 * cdktf adds to each imported resource a validation that the Terraform binary is >= 1.5 (import
 * blocks), run at synthesis: synthesizing a stack that adopts anything needs `terraform` (or the
 * binary TERRAFORM_BINARY_NAME names) on PATH (hashicorp/terraform-cdk packages/cdktf/lib/terraform-resource.ts).
 */
export function adoptExistingObjects(stacks: readonly TerraformStack[], adopt: AdoptionConfig | undefined, field: string): void {
  if (!adopt) return;
  const resources = stacks.flatMap((s) => s.node.findAll().filter(TerraformResource.isTerraformResource) as TerraformResource[]);
  const where = stacks.map((s) => s.node.id).join(', ');
  (adopt.mounts ?? []).forEach((declared, i) => adoptMount(resources, declared, `${field}.mounts[${i}]`, where));
  (adopt.authMethods ?? []).forEach((declared, i) => adoptAuthMethod(resources, declared, `${field}.authMethods[${i}]`, where));
  const policies = resources.filter((r): r is Policy => r instanceof Policy);
  (adopt.policies ?? []).forEach((name, i) => {
    const policy = policies.find((p) => p.nameInput === name);
    if (!policy) throw notCreated(`${field}.policies[${i}]`, name, `policy named '${name}'`, where, policies.map((p) => p.nameInput));
    // ID: the policy name (website/docs/r/policy.html.md).
    policy.importFrom(name);
  });
}

type AdoptedMount = NonNullable<AdoptionConfig['mounts']>[number];
type AdoptedAuthMethod = NonNullable<AdoptionConfig['authMethods']>[number];
interface AuthMethodResource {
  readonly resource: TerraformResource;
  readonly path?: string;
  readonly type?: string;
  readonly local: unknown;
}

function adoptMount(resources: readonly TerraformResource[], declared: AdoptedMount, field: string, where: string): void {
  const mounts = resources.filter((r): r is Mount => r instanceof Mount);
  const mount = mounts.find((m) => m.pathInput === declared.path);
  if (!mount) throw notCreated(`${field}.path`, declared.path, `mount at '${declared.path}'`, where, mounts.map((m) => m.pathInput));
  // `kv-v2` (the provider's alias for kv version 2) is refused too: readMount keeps it only when the
  // state already says kv-v2, and an import starts from an empty state, so Vault's `kv` comes back and
  // the plan replaces the mount (resource_mount.go, readMount).
  const why = mount.typeInput === 'kv-v2' ? "an imported kv-v2 mount reads back as type 'kv' and the provider replaces it (ForceNew); declare the stack's mount as type kv with options.version 2" : 'the provider replaces a mount whose type changes (ForceNew), erasing its data';
  requireSame(field, 'type', declared.type, mount.typeInput, why);
  if (mount.typeInput === 'kv') {
    const version = mount.optionsInput?.version ?? '1';
    // options is not ForceNew: Vault would upgrade a v1 engine in place (unreadable until done) or refuse v2 -> v1.
    requireSame(field, 'version', String(declared.version), version, 'the provider would tune the engine to another KV version');
  }
  // local and external_entropy_access are ForceNew with false when unset; seal_wrap is ForceNew but
  // Computed, so an unset one keeps what Vault reports.
  requireSame(field, 'local', declared.local ?? false, flag(mount.localInput) ?? false, replaces('local'));
  requireSame(field, 'externalEntropyAccess', declared.externalEntropyAccess ?? false, flag(mount.externalEntropyAccessInput) ?? false, replaces('external_entropy_access'));
  const sealWrap = flag(mount.sealWrapInput);
  if (sealWrap !== undefined) requireSame(field, 'sealWrap', declared.sealWrap ?? false, sealWrap, replaces('seal_wrap'));
  // ID: the mount path (website/docs/r/mount.html.md).
  mount.importFrom(declared.path);
  for (const config of resources.filter((r): r is KvSecretBackendV2 => r instanceof KvSecretBackendV2 && refersTo(r, r.mountInput, mount))) {
    // The importer reads the mount back as strings.TrimRight(id, "/config"), a set of characters, not a
    // suffix (resource_kv_secret_backend_v2.go): a path ending in one of them would come back short and
    // force a replacement. Left to be created instead: creating it only writes `<mount>/config`.
    if (/[cfgino]$/.test(declared.path)) continue;
    // ID: `<mount>/config` (website/docs/r/kv_secret_backend_v2.html.md).
    config.importFrom(`${declared.path}/config`);
  }
}

function adoptAuthMethod(resources: readonly TerraformResource[], declared: AdoptedAuthMethod, field: string, where: string): void {
  // The provider's defaults: an auth backend's path is its type; a JWT backend's path and type are `jwt`.
  const methods = resources.flatMap((r): AuthMethodResource[] =>
    r instanceof AuthBackend
      ? [{ resource: r, path: r.pathInput ?? r.typeInput, type: r.typeInput, local: r.localInput }]
      : r instanceof JwtAuthBackend
        ? [{ resource: r, path: r.pathInput ?? 'jwt', type: r.typeInput ?? 'jwt', local: r.localInput }]
        : [],
  );
  const method = methods.find((m) => m.path === declared.path);
  if (!method) throw notCreated(`${field}.path`, declared.path, `auth method at '${declared.path}'`, where, methods.map((m) => m.path));
  requireSame(field, 'type', declared.type, method.type, 'the provider replaces an auth method whose type changes (ForceNew), deleting its roles');
  requireSame(field, 'local', declared.local ?? false, flag(method.local) ?? false, replaces('local'));
  // ID: the path, without `auth/` (website/docs/r/auth_backend.html.md, jwt_auth_backend.html.md).
  method.resource.importFrom(declared.path);
  for (const config of resources.filter((r): r is KubernetesAuthBackendConfig => r instanceof KubernetesAuthBackendConfig && refersTo(r, r.backendInput, method.resource))) {
    // ID: `auth/<path>/config` (website/docs/r/kubernetes_auth_backend_config.md).
    config.importFrom(`auth/${declared.path}/config`);
  }
}

/**
 * Whether `value` (an argument of `resource`) refers to `target`'s path, as the constructs pass it
 * (`mount: this.mount.path`), so only the configuration of the adopted object itself is imported.
 */
function refersTo(resource: TerraformResource, value: string | undefined, target: TerraformResource): boolean {
  const stack = TerraformStack.of(resource);
  if (value === undefined || !Token.isUnresolved(value) || TerraformStack.of(target) !== stack) return false;
  return Tokenization.resolve(value, { scope: stack, resolver: DEFAULT_TOKEN_RESOLVER }) === `\${${target.terraformResourceType}.${target.friendlyUniqueId}.path}`;
}

function flag(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

function replaces(attribute: string): string {
  return `the provider replaces the object when '${attribute}' changes (ForceNew)`;
}

function requireSame(field: string, key: string, declared: unknown, inStack: unknown, why: string): void {
  if (declared === inStack) return;
  throw new Error(
    `${field}.${key} (${JSON.stringify(declared)}) differs from the stack's ${JSON.stringify(inStack)}: ${why}; ` +
      `declare what exists on the Vault ('vault secrets list -format=json' / 'vault auth list -format=json'), and if it really differs, migrate it by hand first`,
  );
}

function notCreated(field: string, value: string, what: string, where: string, created: readonly (string | undefined)[]): Error {
  const known = created.filter((c): c is string => c !== undefined).sort();
  return new Error(
    `${field} (${JSON.stringify(value)}): the ${where} stack creates no ${what} (it creates: ${known.join(', ') || 'none'}); ` +
      'fix the entry, or remove it: only an object the stack manages can be adopted',
  );
}
