import { createVerify } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { decideLiveRun, LiveProbe } from './support/live/gate';
import { generateSigningKey, matchingClaims, roleBinding, signJwt, withClaim } from './support/live/jwt';
import { liveLabConfig, resolveReference, synthesizeLiveLab } from './support/live/lab';
import { prepareForDisposableVault } from './support/live/prepare';

// The parts of the live acceptance suite that need no Vault (docs/live-tests.md).

describe('live suite gating', () => {
  const ready: LiveProbe = {
    vaultAddr: 'http://127.0.0.1:8200',
    vaultToken: 'root-token-of-a-dev-server',
    terraformInstalled: true,
    vaultHealth: { status: 200 },
    providerInitError: '',
  };

  test('runs when Vault is active and unsealed and Terraform can install providers', () => {
    expect(decideLiveRun(ready)).toEqual({ run: true, vaultAddr: ready.vaultAddr, vaultToken: ready.vaultToken });
  });

  const cases: Array<[string, Partial<LiveProbe>, RegExp]> = [
    ['VAULT_ADDR is unset', { vaultAddr: undefined }, /VAULT_ADDR is not set/],
    ['VAULT_TOKEN is unset', { vaultToken: undefined }, /VAULT_TOKEN is not set/],
    ['VAULT_ADDR is not a URL', { vaultAddr: '127.0.0.1:8200' }, /is not an http\(s\) URL/],
    ['terraform is missing', { terraformInstalled: false }, /no terraform binary/],
    ['Vault cannot be reached', { vaultHealth: { error: 'connect ECONNREFUSED' } }, /unreachable: connect ECONNREFUSED/],
    ['Vault is sealed', { vaultHealth: { status: 503 } }, /not an active, unsealed node \(sys\/health answered 503\)/],
    ['Vault is a standby', { vaultHealth: { status: 429 } }, /answered 429/],
    ['providers cannot be installed', { providerInitError: 'Failed to query available provider packages' }, /cannot install the providers: Failed to query/],
  ];
  test.each(cases)('skips, saying why, when %s', (_name, change, reason) => {
    const decision = decideLiveRun({ ...ready, ...change });
    expect(decision.run).toBe(false);
    expect((decision as { reason: string }).reason).toMatch(reason);
  });
});

describe('CI tokens signed with a local key', () => {
  const key = generateSigningKey();
  const role = {
    role_name: 'gitea_cicd_webapp',
    bound_audiences: ['https://vault.lab.example.net'],
    bound_claims: { repository: 'lab/webapp', ref: ['refs/heads/main', 'refs/heads/release'] },
    user_claim: 'repository',
  };
  const backend = { path: 'jwt-gitea', bound_issuer: 'https://git.lab.example.net/api/actions' };

  test('an RS256 JWT whose signature verifies with the public PEM Vault is given', () => {
    const jwt = signJwt({ sub: 'x' }, key);
    const [header, payload, signature] = jwt.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual({ sub: 'x' });
    expect(createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(key.publicKeyPem, Buffer.from(signature, 'base64url'))).toBe(true);
    expect(createVerify('RSA-SHA256').update(`${header}.${payload}x`).verify(key.publicKeyPem, Buffer.from(signature, 'base64url'))).toBe(false);
  });

  test("the matching claims carry the role's issuer, audience and bound claims, and are valid now", () => {
    const now = 1_700_000_000;
    const claims = matchingClaims(roleBinding(role, backend), now);
    expect(claims).toMatchObject({ iss: backend.bound_issuer, aud: 'https://vault.lab.example.net', repository: 'lab/webapp', ref: 'refs/heads/main' });
    expect(claims.nbf as number).toBeLessThanOrEqual(now);
    expect(claims.exp as number).toBeGreaterThan(now);
  });

  test('a glob binding is satisfied by a concrete value', () => {
    const binding = roleBinding({ ...role, bound_claims: { ref: 'refs/heads/*' } }, backend);
    expect(binding.boundClaims.ref).toBe('refs/heads/main');
  });

  test('a wrong-claim token differs from the right one in that claim only', () => {
    const good = matchingClaims(roleBinding(role, backend));
    const bad = withClaim(good, 'repository', 'lab/webapp-fork');
    expect(Object.keys(bad).filter((k) => JSON.stringify(bad[k]) !== JSON.stringify(good[k]))).toEqual(['repository']);
  });
});

describe('the temp lab the live suite applies', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-lab-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
  const stacks = synthesizeLiveLab(outdir, liveLabConfig());
  const prepare = (json: any) => prepareForDisposableVault(json, { stateDir: '/tmp/run/state', stackName: 'main', jwtPublicKeyPem: 'PEM' });

  test('is a small lab: one app with a SecretContract and one without (and the snapshot job), synthesized to disk', () => {
    const roles = Object.values<any>(stacks.main.resource.vault_kubernetes_auth_backend_role).map((r) => r.role_name).sort();
    expect(roles).toEqual(['notifier', 'vault-raft-snapshot', 'webapp']);
    expect(Object.keys(stacks.main.resource.vault_kv_secret_v2 ?? {}).length).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(outdir, 'stacks', 'qnap', 'cdk.tf.json'))).toBe(true);
  });

  test('the temp config carries the rotation versions the rotation check applies', () => {
    const versions = (config: ReturnType<typeof liveLabConfig>) => config.apps.find((a) => a.name === 'webapp')!.secretContract!.versions;
    expect(versions(liveLabConfig({ 'db-seed/password': 2 }))).toEqual({ 'db-seed/password': 2 });
  });

  test('prepared for a disposable Vault: the provider reads VAULT_ADDR, state stays in the run folder, audit goes to stdout', () => {
    const { json } = prepare(stacks.main);
    expect(json.provider.vault[0].address).toBeUndefined();
    expect(json.terraform.backend).toEqual({ local: { path: '/tmp/run/state/main.tfstate' } });
    for (const audit of Object.values<any>(json.resource.vault_audit)) expect(audit.options.file_path).toBe('stdout');
    expect(json.terraform.required_version).toBe('>= 1.11.0');
  });

  test('prepared: JWT backends trust the local key instead of OIDC discovery, and outside systems are left out with a note', () => {
    const input = {
      resource: {
        vault_jwt_auth_backend: { J: { path: 'jwt', oidc_discovery_url: 'https://git.lab.example.net/api/actions', bound_issuer: 'x' } },
        vault_database_secret_backend_connection: { P: { name: 'apps' } },
      },
    };
    const { json, notes } = prepare(input);
    expect(json.resource.vault_jwt_auth_backend.J).toEqual({ path: 'jwt', bound_issuer: 'x', jwt_validation_pubkeys: ['PEM'] });
    expect(json.resource.vault_database_secret_backend_connection).toBeUndefined();
    expect(notes).toEqual([expect.stringMatching(/left out vault_database_secret_backend_connection \(1\)/)]);
    expect(input.resource.vault_jwt_auth_backend.J.oidc_discovery_url).toBeDefined();
  });

  test('references in the synthesized JSON resolve to the attribute they name', () => {
    const mountId = Object.keys(stacks.main.resource.vault_mount).find((id) => stacks.main.resource.vault_mount[id].path === 'transit')!;
    expect(resolveReference(stacks.main, `\${vault_mount.${mountId}.path}`)).toBe('transit');
    expect(resolveReference(stacks.main, 'literal')).toBe('literal');
  });
});
