import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parsePolicyHcl } from '../support/hcl';
import { decideLiveRun, probeLiveEnvironment } from '../support/live/gate';
import { generateSigningKey, matchingClaims, roleBinding, signJwt, withClaim } from '../support/live/jwt';
import { liveLabConfig, resolveReference, synthesizeLiveLab, terraform } from '../support/live/lab';
import { prepareForDisposableVault } from '../support/live/prepare';
import { VaultHttp } from '../support/live/vault';

/*
 * The acceptance suite: applies the qnap-style and the main-style stack of a small lab to a
 * disposable Vault (VAULT_ADDR/VAULT_TOKEN), one after the other, checks what Vault really does
 * through its HTTP API, and destroys everything. Without such a Vault it says why and runs nothing.
 */
const APPLIED_STACKS = ['qnap', 'main'] as const;
const decision = decideLiveRun(probeLiveEnvironment());
if (decision.run) {
  registerLiveSuite(decision.vaultAddr, decision.vaultToken);
} else {
  // eslint-disable-next-line no-console
  console.warn(`live acceptance suite skipped: ${decision.reason}`);
  describe.skip(`live acceptance (skipped: ${decision.reason})`, () => {
    test('applies the lab to a disposable Vault', () => undefined);
  });
}

function registerLiveSuite(vaultAddr: string, vaultToken: string): void {
  describe('live acceptance', () => {
    const root = new VaultHttp(vaultAddr, vaultToken);
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-platform-live-'));
    const stateDir = path.join(workDir, 'state');
    fs.mkdirSync(stateDir);
    const signingKey = generateSigningKey();
    const synthesized = synthesizeLiveLab(path.join(workDir, 'cdktf.out'), liveLabConfig());

    afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

    /** Writes the prepared stack into its own folder and applies it. */
    function apply(stackName: string, json: any): string {
      const dir = path.join(workDir, 'apply', stackName);
      fs.mkdirSync(dir, { recursive: true });
      const prepared = prepareForDisposableVault(json, { stateDir, stackName, jwtPublicKeyPem: signingKey.publicKeyPem });
      // eslint-disable-next-line no-console
      for (const note of prepared.notes) console.warn(`${stackName}: ${note}`);
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(prepared.json, null, 2));
      terraform(dir, 'init');
      terraform(dir, 'apply', '-auto-approve');
      return dir;
    }

    for (const stackName of APPLIED_STACKS) {
      // One stack at a time: both would mount audit devices and engines at the same paths.
      describe(`the ${stackName} stack`, () => {
        const json = synthesized[stackName];
        const has = (type: string) => Object.keys(json.resource?.[type] ?? {}).length > 0;
        const checkIf = (type: string, name: string, fn: () => Promise<void>) => {
          if (has(type)) return test(name, fn);
          // eslint-disable-next-line no-console
          console.warn(`${stackName}: skipping "${name}": no ${type} in the synthesized stack`);
          return test.skip(`${name} (skipped: no ${type} in the ${stackName} stack)`, fn);
        };
        let dir: string;
        beforeAll(() => {
          dir = apply(stackName, json);
        });
        afterAll(() => {
          if (dir) terraform(dir, 'destroy', '-auto-approve');
        });

        checkIf('vault_policy', 'every policy reads back from Vault exactly as the code rendered it', async () => {
          for (const policy of Object.values<any>(json.resource.vault_policy)) {
            const res = await root.request('GET', `sys/policies/acl/${policy.name}`);
            expect({ name: policy.name, status: res.status, policy: res.body?.data?.policy }).toEqual({ name: policy.name, status: 200, policy: policy.policy });
          }
        });

        checkIf('vault_kubernetes_auth_backend_role', 'KV v2: each app reads its own config only; its CI writes its own prefix only and never deletes', async () => {
          const apps = Object.values<any>(json.resource.vault_kubernetes_auth_backend_role).map((r) => r.role_name as string);
          for (const app of apps) {
            expect((await root.request('POST', `kvv2/data/${app}/config`, { data: { probe: app } })).status).toBe(200);
          }
          for (const app of apps) {
            const runtime = root.withToken(await root.tokenFor([app]));
            const ops = root.withToken(await root.tokenFor([`${app}-ops`]));
            expect((await runtime.request('GET', `kvv2/data/${app}/config`)).body?.data?.data).toEqual({ probe: app });
            expect((await runtime.request('POST', `kvv2/data/${app}/config`, { data: { probe: 'overwrite' } })).status).toBe(403);
            expect((await ops.request('POST', `kvv2/data/${app}/ci-probe`, { data: { probe: 'ci' } })).status).toBe(200);
            expect((await ops.request('DELETE', `kvv2/metadata/${app}/ci-probe`)).status).toBe(403);
            for (const other of apps.filter((a) => a !== app)) {
              expect((await runtime.request('GET', `kvv2/data/${other}/config`)).status).toBe(403);
              expect((await ops.request('GET', `kvv2/data/${other}/config`)).status).toBe(403);
            }
          }
        });

        if (stackName === 'main') {
          checkIf('vault_kv_secret_v2', 'SecretContract: the app reads generated values of the declared shape, not the copies Terraform keeps', async () => {
            const webapp = root.withToken(await root.tokenFor(['webapp']));
            const dbSeed = (await webapp.request('GET', 'kvv2/data/webapp/db-seed')).body?.data?.data;
            expect(dbSeed).toEqual({ username: 'webapp_admin', port: '5432', password: expect.stringMatching(/^[A-Za-z0-9!@#$%^&*]{32}$/) });
            const session = (await webapp.request('GET', 'kvv2/data/webapp/session')).body?.data?.data;
            expect(session).toEqual({
              signing_key: expect.stringMatching(/^[0-9a-f]{64}$/),
              api_token: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
              instance_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
            });
            expect((await webapp.request('GET', 'kvv2/data/webapp/_generated/db-seed/password')).status).toBe(403);
            // Nothing generated is in Terraform's state.
            const state = fs.readFileSync(path.join(stateDir, 'main.tfstate'), 'utf8');
            for (const value of [dbSeed.password, ...Object.values<string>(session)]) expect(state).not.toContain(value);
          });

          checkIf('vault_kv_secret_v2', 'SecretContract: a re-apply writes nothing; a bumped version rotates that key alone', async () => {
            const read = async (p: string) => (await root.request('GET', `kvv2/data/webapp/${p}`)).body?.data;
            const before = { dbSeed: await read('db-seed'), session: await read('session') };
            terraform(dir, 'apply', '-auto-approve');
            expect((await read('db-seed')).metadata.version).toBe(before.dbSeed.metadata.version);

            const bumped = synthesizeLiveLab(path.join(workDir, 'cdktf.out.rotated'), liveLabConfig({ 'db-seed/password': 2 })).main;
            const prepared = prepareForDisposableVault(bumped, { stateDir, stackName: 'main', jwtPublicKeyPem: signingKey.publicKeyPem });
            fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(prepared.json, null, 2));
            terraform(dir, 'apply', '-auto-approve');
            const after = { dbSeed: await read('db-seed'), session: await read('session') };
            expect(after.dbSeed.data.password).not.toBe(before.dbSeed.data.password);
            expect(after.dbSeed.data.username).toBe(before.dbSeed.data.username);
            expect(after.session.data).toEqual(before.session.data);
          });
        }

        checkIf('vault_jwt_auth_backend_role', 'CI JWT roles accept the right repository, branch and audience and refuse each wrong one', async () => {
          for (const role of Object.values<any>(json.resource.vault_jwt_auth_backend_role)) {
            const backendPath = resolveReference(json, role.backend) as string;
            const backend = Object.values<any>(json.resource.vault_jwt_auth_backend ?? {}).find((b) => b.path === backendPath);
            const binding = roleBinding(role, backend);
            const login = (claims: Record<string, unknown>) => root.request('POST', `auth/${backendPath}/login`, { role: role.role_name, jwt: signJwt(claims, signingKey) });
            const good = matchingClaims(binding);
            const ok = await login(good);
            expect(ok.status).toBe(200);
            expect(ok.body.auth.policies).toEqual(expect.arrayContaining(role.token_policies ?? []));
            const wrong: Array<[string, unknown]> = [['aud', 'https://elsewhere.example']];
            if ('repository' in binding.boundClaims) wrong.push(['repository', `${binding.boundClaims.repository}-fork`]);
            if ('ref' in binding.boundClaims) wrong.push(['ref', 'refs/heads/not-the-branch']);
            for (const [claim, value] of wrong) {
              const refused = await login(withClaim(good, claim, value));
              expect({ claim, refused: refused.status >= 400 && !refused.body?.auth }).toEqual({ claim, refused: true });
            }
          }
        });

        checkIf('vault_transit_secret_backend_key', 'the transit key encrypts and decrypts with the unseal policy and nothing else', async () => {
          const policies = Object.values<any>(json.resource.vault_policy ?? {});
          for (const key of Object.values<any>(json.resource.vault_transit_secret_backend_key)) {
            const mount = resolveReference(json, key.backend) as string;
            const name = resolveReference(json, key.name) as string;
            const grants = await Promise.all(policies.map(async (p) => ({ name: p.name as string, rules: await parsePolicyHcl(p.policy) })));
            const unseal = grants.filter((g) => (g.rules[`${mount}/encrypt/${name}`] ?? []).includes('update') && (g.rules[`${mount}/decrypt/${name}`] ?? []).includes('update'));
            expect(unseal.map((g) => g.name)).not.toEqual([]);
            for (const g of grants) {
              const client = root.withToken(await root.tokenFor([g.name]));
              const encrypted = await client.request('POST', `${mount}/encrypt/${name}`, { plaintext: Buffer.from('live-probe').toString('base64') });
              if (unseal.includes(g)) {
                expect(encrypted.status).toBe(200);
                const decrypted = await client.request('POST', `${mount}/decrypt/${name}`, { ciphertext: encrypted.body.data.ciphertext });
                expect(Buffer.from(decrypted.body.data.plaintext, 'base64').toString()).toBe('live-probe');
              } else {
                expect({ policy: g.name, status: encrypted.status }).toEqual({ policy: g.name, status: 403 });
              }
            }
          }
        });
      });
    }
  });
}
