import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { effectiveCapabilities } from '../access/path-matcher';
import { LabConfig } from '../config/schema';
import { OidcAuthBackend } from '../constructs/oidc-auth-backend';
import { OidcLoginRole } from '../constructs/oidc-login-role';
import { VaultPolicy } from '../constructs/vault-policy';
import { humanPolicyName, oidcClientSecretVariableName } from '../stacks/operator-access';
import { Annotation, synthErrors } from './support/annotations';
import { parsePolicyHcl } from './support/hcl';
import { buildTestLab, exampleConfigError, exampleConfigWith, resourcesOf, synthStack, TerraformJson, vaultTestStack } from './support/synth';

/**
 * People's login to the cluster Vaults through the forge's OIDC (docs/operators.md): the example
 * lab's `oidc` auth method, its roles and their operator/admin policies as the real HCL parser reads
 * them. One synthesis of main and sandbox for the whole file.
 */

type Env = 'main' | 'sandbox';
const ENVS: Env[] = ['main', 'sandbox'];
const SECRET_SENTINEL = 'oidc-client-secret-sentinel-5d1f';
const FORGE_CA_FILE = 'config/qnap-ca.pem';
let config: LabConfig;
let json: Record<Env, TerraformJson>;
let errors: Record<Env, Annotation[]>;

beforeAll(() => {
  // Whatever name a careless change might read the client secret from, it must not reach the output.
  const saved = { ...process.env };
  for (const env of ENVS) process.env[`TF_VAR_oidc_client_secret_${env}`] = SECRET_SENTINEL;
  process.env.VAULT_OIDC_CLIENT_SECRET = SECRET_SENTINEL;
  try {
    // The example lab with one role reading an app's config (the example itself names no app, so
    // tests that replace its apps with a generated fleet keep a valid config).
    config = exampleConfigWith((raw) => {
      raw.environments.main.operators.roles.find((r: any) => r.name === 'operator').readAppConfig = ['webapp'];
      // A rotated secret on main; the sandbox keeps the default version.
      raw.environments.main.operators.oidc.clientSecretVersion = 2;
      // A forge behind a private CA on main; the sandbox's trusts the system store.
      raw.environments.main.operators.oidc.caCert = { file: FORGE_CA_FILE };
    });
    const { stacks } = buildTestLab(config);
    errors = { main: synthErrors(stacks.main), sandbox: synthErrors(stacks.sandbox) };
    json = { main: JSON.parse(Testing.synth(stacks.main)), sandbox: JSON.parse(Testing.synth(stacks.sandbox)) };
  } finally {
    process.env = saved;
  }
});

const oidcBackends = (env: Env) => Object.values(resourcesOf(json[env], 'vault_jwt_auth_backend')).filter((b: any) => b.type === 'oidc');
const oidcRoles = (env: Env) => Object.values(resourcesOf(json[env], 'vault_jwt_auth_backend_role')).filter((r: any) => r.role_type === 'oidc') as any[];
const roleNamed = (env: Env, name: string) => oidcRoles(env).find((r) => r.role_name === name);

const parsedPolicies = new Map<string, Promise<Array<{ path: string; capabilities: string[] }>>>();
/** A policy of the synthesized stack as the HCL parser reads it (parsed once per file). */
function policyRules(env: Env, policyName: string): Promise<Array<{ path: string; capabilities: string[] }>> {
  const key = `${env}/${policyName}`;
  if (!parsedPolicies.has(key)) parsedPolicies.set(key, parsePolicy(env, policyName));
  return parsedPolicies.get(key)!;
}

async function parsePolicy(env: Env, policyName: string): Promise<Array<{ path: string; capabilities: string[] }>> {
  const policy = Object.values(resourcesOf(json[env], 'vault_policy')).find((p: any) => p.name === policyName) as any;
  expect(policy).toBeDefined();
  return Object.entries(await parsePolicyHcl(policy.policy)).map(([p, capabilities]) => ({ path: p, capabilities }));
}

const WRITES = ['create', 'update', 'patch', 'delete', 'sudo'];

describe('the oidc auth method of the example lab', () => {
  test.each(ENVS)('%s mounts one oidc auth method at the configured path, listed on the UI login page', (env) => {
    const backends = oidcBackends(env) as any[];
    expect(backends).toHaveLength(1);
    expect(backends[0].path).toBe(config.environments[env].operators?.oidc.authPath ?? 'oidc');
    expect(backends[0].tune[0].listing_visibility).toBe('unauth');
  });

  test.each(ENVS)("%s configures the method: the forge's discovery URL and issuer, the client id, the first role as default", (env) => {
    const operators = config.environments[env].operators!;
    const [backend] = oidcBackends(env) as any[];
    expect(backend).toEqual(
      expect.objectContaining({ oidc_discovery_url: operators.oidc.discoveryUrl, bound_issuer: operators.oidc.discoveryUrl, oidc_client_id: operators.oidc.clientId, default_role: operators.roles[0].name }),
    );
  });

  test.each([['main', 2], ['sandbox', 1]] as const)('%s sends the client secret write-only, from its own required ephemeral variable, at version %d', (env, version) => {
    const [backend] = oidcBackends(env) as any[];
    const name = oidcClientSecretVariableName(env);
    expect(backend.oidc_client_secret_wo).toBe(`\${var.${name}}`);
    expect(backend.oidc_client_secret_wo_version).toBe(version);
    // No default and not nullable: Terraform refuses a plan without TF_VAR_<name>, naming it.
    expect(json[env].variable?.[name]).toEqual({ type: 'string', description: expect.any(String), sensitive: true, nullable: false, ephemeral: true });
  });

  test("main fetches the forge's discovery document trusting the forge CA of its config, and only that CA", () => {
    const [backend] = oidcBackends('main') as any[];
    const expected = new X509Certificate(fs.readFileSync(path.join(__dirname, '..', FORGE_CA_FILE)));
    expect(new X509Certificate(backend.oidc_discovery_ca_pem).fingerprint256).toBe(expected.fingerprint256);
    expect(backend.oidc_discovery_ca_pem.match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
  });

  test("the sandbox, without a forge CA in its config, leaves the forge's certificate to Vault's system trust store", () => {
    const [backend] = oidcBackends('sandbox') as any[];
    expect(backend).not.toHaveProperty('oidc_discovery_ca_pem');
  });

  test.each(ENVS)('%s mounts no vault_auth_backend of type oidc beside it', (env) => {
    expect(Object.values(resourcesOf(json[env], 'vault_auth_backend')).filter((b: any) => b.type === 'oidc')).toEqual([]);
  });

  test.each(ENVS)('%s has a role per configured role, bound to its forge groups and to the forge client id', (env) => {
    const operators = config.environments[env].operators!;
    expect(oidcRoles(env).map((r) => r.role_name).sort()).toEqual(operators.roles.map((r) => r.name).sort());
    for (const role of operators.roles) {
      const synthesized = roleNamed(env, role.name);
      expect(synthesized.bound_claims).toEqual({ groups: role.groups.join(',') });
      expect(synthesized.groups_claim).toBe('groups');
      expect(synthesized.bound_audiences).toEqual([operators.oidc.clientId]);
      expect(synthesized.token_policies).toEqual([humanPolicyName(role.name)]);
    }
  });

  test.each(ENVS)("%s roles request the forge's groups and profile scopes (Gitea/Forgejo send neither claim without them)", (env) => {
    for (const role of oidcRoles(env)) expect([...role.oidc_scopes].sort()).toEqual(['groups', 'profile']);
  });

  test.each(ENVS)("%s roles allow exactly the UI callback at the Vault's address and the CLI's localhost:8250 callback", (env) => {
    const address = config.environments[env].vault.address;
    for (const role of oidcRoles(env)) {
      expect([...role.allowed_redirect_uris].sort()).toEqual([`${address}/ui/vault/auth/oidc/oidc/callback`, 'http://localhost:8250/oidc/callback'].sort());
    }
  });

  test.each(ENVS)("%s tokens last at most an hour and renew to at most a working day, never periodically", (env) => {
    for (const role of oidcRoles(env)) {
      expect(role.token_ttl).toBeLessThanOrEqual(3600);
      expect(role.token_max_ttl).toBeLessThanOrEqual(8 * 3600);
      expect(role.token_period ?? 0).toBe(0);
    }
  });

  test('fails synthesis (VP-TTL-1) when the login tokens renew past policy.ceilings.tokenMaxTtl', () => {
    const over = exampleConfigWith((raw) => {
      raw.policy = { ...raw.policy, ceilings: { ...raw.policy?.ceilings, tokenMaxTtl: 7200 } };
      raw.environments.main.operators.tokenMaxTtl = 7201;
    });
    const found = synthErrors(buildTestLab(over).stacks.main).filter((e) => e.path.includes('/Operators/'));
    expect(found.map((e) => e.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^\[VP-TTL-1\] token_max_ttl \(7201s\) exceeds the ceiling/)]));
  });

  test('the sandbox shares neither the client id nor a forge group with main', () => {
    const groups = (env: Env) => new Set(oidcRoles(env).flatMap((r) => String(r.bound_claims.groups).split(',')));
    const audiences = (env: Env) => new Set(oidcRoles(env).flatMap((r) => r.bound_audiences));
    expect([...audiences('sandbox')].filter((a) => audiences('main').has(a))).toEqual([]);
    expect([...groups('sandbox')].filter((g) => groups('main').has(g))).toEqual([]);
  });

  test.each(ENVS)('%s passes the rule pack (least privilege, human access) with its login roles and policies', (env) => {
    expect(errors[env].filter((e) => e.path.includes('/Operators/'))).toEqual([]);
  });
});

describe('the OIDC client secret', () => {
  const strings = (value: unknown, at = ''): Array<{ at: string; value: string }> =>
    typeof value === 'string'
      ? [{ at, value }]
      : value && typeof value === 'object'
        ? Object.entries(value).flatMap(([k, v]) => [{ at: `${at}.${k}`, value: k }, ...strings(v, `${at}.${k}`)])
        : [];

  test.each(ENVS)('is in no key or value of the %s JSON, even when set in the environment of the synthesis', (env) => {
    expect(strings(json[env]).filter((s) => s.value.includes(SECRET_SENTINEL))).toEqual([]);
  });

  test.each(ENVS)('%s sets no oidc_client_secret, the attribute the provider keeps in state', (env) => {
    expect(strings(json[env]).filter((s) => /\.oidc_client_secret$/.test(s.at))).toEqual([]);
  });
});

describe('the operator policy, as the HCL parser reads it', () => {
  const requests = ['sys/mounts/kvv2', 'sys/mounts/kvv2/tune', 'sys/auth/oidc', 'sys/policies/acl/human_admin', 'auth/oidc/role/admin', 'auth/oidc/config', 'identity/group/id/x', 'kvv2/data/webapp/config', 'sys/leases/revoke', 'sys/seal'];

  test.each(requests)('cannot change %s', async (request) => {
    const rules = await policyRules('main', humanPolicyName('operator'));
    expect(effectiveCapabilities([rules], request).filter((c) => WRITES.includes(c))).toEqual([]);
  });

  test('reads the mounts, auth methods, policies, health and identity groups', async () => {
    const rules = await policyRules('main', humanPolicyName('operator'));
    for (const request of ['sys/mounts', 'sys/mounts/kvv2', 'sys/auth', 'sys/policies/acl/human_admin', 'sys/health', 'sys/seal-status', 'identity/group/id/abc']) {
      expect({ request, caps: effectiveCapabilities([rules], request) }).toEqual({ request, caps: expect.arrayContaining(['read']) });
    }
    expect(effectiveCapabilities([rules], 'sys/policies/acl')).toContain('list');
  });

  test('reads the config of the apps its readAppConfig names, and of no other app', async () => {
    const role = config.environments.main.operators!.roles.find((r) => r.name === 'operator')!;
    expect(role.readAppConfig?.length).toBeGreaterThan(0);
    const rules = await policyRules('main', humanPolicyName('operator'));
    for (const app of role.readAppConfig ?? []) expect(effectiveCapabilities([rules], `kvv2/data/${app}/config`)).toEqual(['read']);
    const others = config.apps.map((a) => a.name).filter((a) => !(role.readAppConfig ?? []).includes(a));
    expect(others.length).toBeGreaterThan(0);
    for (const app of others) expect(effectiveCapabilities([rules], `kvv2/data/${app}/config`)).toEqual([]);
  });
});

describe('the admin policy, as the HCL parser reads it', () => {
  test.each(ENVS)('%s grants sudo only on exact paths, never on a glob', async (env) => {
    const rules = await policyRules(env, humanPolicyName('admin'));
    expect(rules.filter((r) => r.capabilities.includes('sudo') && /[*+]/.test(r.path))).toEqual([]);
  });

  test("revokes a lease and a token by accessor, seals, and reads the oidc method's config", async () => {
    const rules = await policyRules('main', humanPolicyName('admin'));
    expect(effectiveCapabilities([rules], 'sys/leases/revoke')).toContain('update');
    expect(effectiveCapabilities([rules], 'auth/token/revoke-accessor')).toContain('update');
    expect(effectiveCapabilities([rules], 'sys/seal')).toEqual(expect.arrayContaining(['update', 'sudo']));
    expect(effectiveCapabilities([rules], 'auth/oidc/config')).toEqual(['read']);
  });

  test.each(['sys/policies/acl/human_admin', 'auth/oidc/role/admin', 'auth/oidc/config', 'identity/group/id/x', 'identity/entity/id/x', 'sys/auth/oidc', 'sys/mounts/kvv2', 'kvv2/data/webapp/config'])(
    'cannot change %s, which would widen its own access or is Terraform\'s',
    async (request) => {
      const rules = await policyRules('main', humanPolicyName('admin'));
      expect(effectiveCapabilities([rules], request).filter((c) => WRITES.includes(c))).toEqual([]);
    },
  );
});

describe('the operators config', () => {
  test('fails when a role reads the config of an app the lab does not have', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.operators.roles[0].readAppConfig = ['no-such-app'];
    });
    expect(error.message).toMatch(/environments\.main\.operators\.roles\[0\]\.readAppConfig\[0\] = "no-such-app": names no app of apps/);
  });

  test('fails when the discovery URL lacks the trailing slash the forge puts in iss', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.operators.oidc.discoveryUrl = 'https://git.lab.example.net';
    });
    expect(error.message).toMatch(/environments\.main\.operators\.oidc\.discoveryUrl = "https:\/\/git\.lab\.example\.net": must end with '\/'/);
  });

  test('fails when the client secret version is 0', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.operators.oidc.clientSecretVersion = 0;
    });
    expect(error.message).toMatch(/environments\.main\.operators\.oidc\.clientSecretVersion = 0: must be at least 1; raise it to send a new client secret/);
  });

  test('fails when the forge CA file holds a server certificate, not a CA', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.operators.oidc.caCert = { file: '__tests__/fixtures/server-cert-not-ca.pem' };
    });
    expect(error.message).toMatch(/environments\.main\.operators\.oidc\.caCert\.file = "__tests__\/fixtures\/server-cert-not-ca\.pem": .*is not a CA certificate/);
  });

  test('fails when a group names a team with a capital letter, which the groups claim never holds', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.sandbox.operators.roles[0].groups = ['lab:Vault-Operators'];
    });
    expect(error.message).toMatch(/environments\.sandbox\.operators\.roles\[0\]\.groups\[0\] = "lab:Vault-Operators": names a team with a capital letter/);
  });

  test('fails when a group holds a comma, which the provider would split into two groups', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.operators.roles[0].groups = ['lab:a,lab:b'];
    });
    expect(error.message).toMatch(/environments\.main\.operators\.roles\[0\]\.groups\[0\] = "lab:a,lab:b": must be a forge organization/);
  });

  test('fails when the client id holds a comma, naming the config field (not only the construct prop)', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.operators.oidc.clientId = 'vault-main,other';
    });
    expect(error.message).toMatch(/environments\.main\.operators\.oidc\.clientId = "vault-main,other": must not hold ',' or '\*'/);
  });

  test('fails when the client id holds a space, naming the config field', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.operators.oidc.clientId = 'vault main';
    });
    expect(error.message).toMatch(/environments\.main\.operators\.oidc\.clientId = "vault main": must be the forge application's client id: visible ASCII/);
  });

  test('fails when two roles share a name', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.operators.roles[1].name = raw.environments.main.operators.roles[0].name;
    });
    expect(error.message).toMatch(/environments\.main\.operators\.roles\[1\]\.name = "operator": repeats roles\[0\]\.name/);
  });

  test('fails when tokenTtl exceeds tokenMaxTtl', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.operators.tokenTtl = 7200;
      raw.environments.main.operators.tokenMaxTtl = 3600;
    });
    expect(error.message).toMatch(/environments\.main\.operators\.tokenMaxTtl = 3600: tokenMaxTtl \(3600\) must be at least tokenTtl \(7200\)/);
  });
});

describe('the constructs', () => {
  const backendProps = (stack: TerraformStack) => ({
    vaultAddress: 'https://vault.test.example:8200',
    discoveryUrl: 'https://git.test.example/',
    clientId: 'vault-test',
    clientSecret: new TerraformVariable(stack, 'oidc_client_secret', { type: 'string' }).stringValue,
  });

  test('fails when the OidcAuthBackend client secret is a literal, without printing it', () => {
    const stack = vaultTestStack();
    const create = () => new OidcAuthBackend(stack, 'Oidc', { ...backendProps(stack), clientSecret: 'literal-secret-9f2c' });
    expect(create).toThrow(/OidcAuthBackend: 'clientSecret' must be a reference to an ephemeral value/);
    expect(create).not.toThrow(/literal-secret-9f2c/);
  });

  test('fails when the OidcAuthBackend client secret version is below 1', () => {
    const stack = vaultTestStack();
    expect(() => new OidcAuthBackend(stack, 'Oidc', { ...backendProps(stack), clientSecretVersion: 0 })).toThrow(/OidcAuthBackend: 'clientSecretVersion' \(0\) must be a whole number of at least 1/);
  });

  test("pins its stack's hashicorp/vault provider to the version with oidc_client_secret_wo", () => {
    const stack = vaultTestStack();
    new OidcAuthBackend(stack, 'Oidc', backendProps(stack));
    expect(synthStack(stack).terraform?.required_providers?.vault?.version).toBe('5.7.0');
  });

  test('fails when an OidcLoginRole binds no forge group', () => {
    const stack = vaultTestStack();
    const backend = new OidcAuthBackend(stack, 'Oidc', backendProps(stack));
    const policy = VaultPolicy.fromPolicyName(stack, 'P', 'human_x');
    expect(() => new OidcLoginRole(stack, 'Role', { backend, roleName: 'x', groups: [], policies: [policy] })).toThrow(/OidcLoginRole: 'groups' \(\[\]\) must list at least one forge group/);
  });

  test('fails when an OidcLoginRole group is a glob', () => {
    const stack = vaultTestStack();
    const backend = new OidcAuthBackend(stack, 'Oidc', backendProps(stack));
    const policy = VaultPolicy.fromPolicyName(stack, 'P', 'human_x');
    expect(() => new OidcLoginRole(stack, 'Role', { backend, roleName: 'x', groups: ['lab:*'], policies: [policy] })).toThrow(/'groups' .* holds "lab:\*"/);
  });

  test('fails when the OidcAuthBackend discovery URL is not the forge ROOT_URL with its slash', () => {
    const stack = vaultTestStack();
    expect(() => new OidcAuthBackend(stack, 'Oidc', { ...backendProps(stack), discoveryUrl: 'https://git.test.example' })).toThrow(/OidcAuthBackend: 'discoveryUrl' \("https:\/\/git\.test\.example"\) must be the forge's https ROOT_URL ending with '\/'/);
  });

  test('a role on an imported oidc method names its mount path as a literal and redirects to that mount', () => {
    const stack = vaultTestStack();
    const backend = OidcAuthBackend.fromMountPath(stack, 'Oidc', { mountPath: 'people', clientId: 'vault-test', vaultAddress: 'https://vault.test.example:8200' });
    new OidcLoginRole(stack, 'Role', { backend, roleName: 'operator', groups: ['lab'], policies: [VaultPolicy.fromPolicyName(stack, 'P', 'human_operator')] });
    const role = Object.values(resourcesOf(synthStack(stack), 'vault_jwt_auth_backend_role'))[0] as any;
    expect(role.backend).toBe('people');
    expect(role.allowed_redirect_uris).toContain('https://vault.test.example:8200/ui/vault/auth/people/oidc/callback');
  });

  test("the UI callback is written as the browser's origin (Vault compares redirect URIs as exact strings), whatever the address's case or default port", () => {
    const stack = vaultTestStack();
    const backend = OidcAuthBackend.fromMountPath(stack, 'Oidc', { mountPath: 'oidc', clientId: 'vault-test', vaultAddress: 'https://Vault.Test.example:443/' });
    expect(backend.redirectUris).toContain('https://vault.test.example/ui/vault/auth/oidc/oidc/callback');
  });

  test('fails when the OidcAuthBackend Vault address has a path', () => {
    const stack = vaultTestStack();
    expect(() => new OidcAuthBackend(stack, 'Oidc', { ...backendProps(stack), vaultAddress: 'https://vault.test.example:8200/ui' })).toThrow(/'vaultAddress' .* must be the https address people open the Vault at, without a path/);
  });
});

describe('docs/operators.md', () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', 'docs', 'operators.md'), 'utf8');

  test.each(ENVS)('tells where the %s client secret comes from: the variable the stack reads', (env) => {
    const [backend] = oidcBackends(env) as any[];
    const variable = /^\$\{var\.([a-z0-9_]+)\}$/.exec(backend.oidc_client_secret_wo)![1];
    expect(doc).toContain(`TF_VAR_${variable}`);
  });

  test('no longer has people write the config by hand', () => {
    expect(doc).not.toMatch(/vault write auth\/\S+\/config/);
  });
});
