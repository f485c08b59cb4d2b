import { TerraformStack, Testing } from 'cdktf';
import { ContractSecret, ContractSecretProps } from '../constructs/contract-secret';
import { EphemeralResource } from '../constructs/ephemeral-resource';
import { KvV2Mount } from '../constructs/kv-v2-mount';
import { GeneratedValue } from '../constructs/secret-generator';
import { parsePolicyHcl } from './support/hcl';
import { buildTestLab, exampleConfigWith, exampleStackJson, findResource, resourcesOf, synthStack, vaultTestStack } from './support/synth';
import { describeWithTerraform, evaluateTerraform, parseWithTerraform } from './support/terraform';

type Json = ReturnType<typeof synthStack>;

function contractStack(props: Omit<ContractSecretProps, 'kv' | 'secretPath' | 'generatedPath'>): Json {
  const stack = vaultTestStack();
  const kv = new KvV2Mount(stack, 'Kvv2');
  new ContractSecret(stack, 'DbSeed', { kv, secretPath: 'webapp/db-seed', generatedPath: 'webapp/_generated/db-seed', ...props });
  return synthStack(stack);
}

const delivered = (json: Json) => findResource(json, 'vault_kv_secret_v2', { name: 'webapp/db-seed' });
const generatedWrite = (json: Json, key: string) => findResource(json, 'vault_kv_secret_v2', { name: `webapp/_generated/db-seed/${key}` });
const ephemeralOf = (json: Json, type: string): Record<string, any> => (json.ephemeral as any)?.[type] ?? {};

const baseProps = {
  staticKeys: [{ key: 'username', value: 'webapp_admin' }],
  generatedKeys: [
    { key: 'password', generate: 'password' as const, length: 32, version: 1 },
    { key: 'pin', generate: 'token' as const, length: 8, version: 1 },
  ],
};

describe('EphemeralResource', () => {
  test('synthesizes a top-level ephemeral block, not a resource, and references resolve to ephemeral.<type>.<id>', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const random = new EphemeralResource(stack, 'Pw', { type: 'random_password', config: { length: 12 } });
    new EphemeralResource(stack, 'Uses', { type: 'random_password', config: { length: 12, override_special: random.attribute('result').interpolation() } });
    const json = synthStack(stack);
    expect(ephemeralOf(json, 'random_password').Pw).toEqual({ length: 12 });
    expect(ephemeralOf(json, 'random_password').Uses.override_special).toBe('${ephemeral.random_password.Pw.result}');
    expect(json.resource).toBeUndefined();
  });

  test('fails when the type is not a Terraform resource type', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    expect(() => new EphemeralResource(stack, 'X', { type: 'random-password', config: {} })).toThrow(/'type' \("random-password"\) must be a Terraform resource type/);
  });
});

describe('ContractSecret', () => {
  test('each generated key is written from an ephemeral random value through data_json_wo, never data_json', () => {
    const json = contractStack(baseProps);
    const randoms = ephemeralOf(json, 'random_password');
    for (const key of ['password', 'pin']) {
      const write = generatedWrite(json, key);
      expect(write.data_json).toBeUndefined();
      const refs = [...write.data_json_wo.matchAll(/ephemeral\.random_password\.([A-Za-z0-9_-]+)\.result/g)].map((m) => m[1]);
      expect(refs).toHaveLength(1);
      expect(Object.keys(randoms)).toContain(refs[0]);
    }
    expect(resourcesOf(json, 'random_password')).toEqual({});
  });

  test('no write reads its value back into state (disable_read), and every write waits for the KV mount', () => {
    const json = contractStack(baseProps);
    for (const write of Object.values(resourcesOf(json, 'vault_kv_secret_v2'))) {
      expect(write.disable_read).toBe(true);
      expect(write.depends_on).toEqual([expect.stringMatching(/^vault_mount\./)]);
    }
  });

  test('the delivered secret holds the static values as JSON and reads each generated value back ephemerally', () => {
    const json = contractStack(baseProps);
    const template: string = delivered(json).data_json_wo;
    const reads = ephemeralOf(json, 'vault_kv_secret_v2');
    const placeholders = template.replace(/\$\{jsonencode\(ephemeral\.vault_kv_secret_v2\.([A-Za-z0-9_-]+)\.data\.value\)\}/g, (_m, id) => JSON.stringify(`<${reads[id].name}>`));
    expect(JSON.parse(placeholders)).toEqual({
      username: 'webapp_admin',
      password: `<\${vault_kv_secret_v2.${Object.entries(resourcesOf(json, 'vault_kv_secret_v2')).find(([, r]) => r.name === 'webapp/_generated/db-seed/password')![0]}.name}>`,
      pin: expect.stringMatching(/^<\$\{vault_kv_secret_v2\.\S+\.name\}>$/),
    });
  });

  test('the ephemeral read of a generated value is deferred to apply: after the write, and never during a plan', () => {
    const json = contractStack(baseProps);
    const writeId = Object.entries(resourcesOf(json, 'vault_kv_secret_v2')).find(([, r]) => r.name === 'webapp/_generated/db-seed/password')![0];
    const read = Object.values(ephemeralOf(json, 'vault_kv_secret_v2')).find((r: any) => r.name.includes(writeId)) as any;
    // The write's id orders the read after the write; timestamp() is unknown in every plan, so a
    // plan (a pull request's identity) never opens the read.
    expect(read.mount_id).toBe(`\${vault_kv_secret_v2.${writeId}.id}\${substr(timestamp(), 0, 0)}`);
  });

  test('changing a static value rewrites the delivered secret but leaves every generated value untouched', () => {
    const before = contractStack(baseProps);
    const after = contractStack({ ...baseProps, staticKeys: [{ key: 'username', value: 'webapp_owner' }] });
    expect(delivered(after).data_json_wo_version).not.toBe(delivered(before).data_json_wo_version);
    for (const key of ['password', 'pin']) expect(generatedWrite(after, key)).toEqual(generatedWrite(before, key));
    expect(after.ephemeral).toEqual(before.ephemeral);
  });

  test('bumping one key rotates that key alone and rewrites the delivered secret', () => {
    const before = contractStack(baseProps);
    const after = contractStack({ ...baseProps, generatedKeys: [{ ...baseProps.generatedKeys[0], version: 2 }, baseProps.generatedKeys[1]] });
    expect(generatedWrite(after, 'password').data_json_wo_version).toBe(2);
    expect(generatedWrite(after, 'pin')).toEqual(generatedWrite(before, 'pin'));
    expect(delivered(after).data_json_wo_version).not.toBe(delivered(before).data_json_wo_version);
  });

  test('an unchanged contract synthesizes the same versions, so a re-apply writes nothing', () => {
    expect(delivered(contractStack(baseProps)).data_json_wo_version).toBe(delivered(contractStack(baseProps)).data_json_wo_version);
  });

  test('fails when a key is both static and generated', () => {
    expect(() => contractStack({ staticKeys: [{ key: 'password', value: 'x' }], generatedKeys: baseProps.generatedKeys })).toThrow(/'staticKeys\/generatedKeys' \("password"\) is declared twice/);
  });

  test('fails when the secret path is not a KV path', () => {
    const stack = vaultTestStack();
    const kv = new KvV2Mount(stack, 'Kvv2');
    expect(() => new ContractSecret(stack, 'S', { kv, secretPath: '/webapp/db-seed', generatedPath: 'webapp/_generated/db-seed', ...baseProps })).toThrow(/'secretPath' \("\/webapp\/db-seed"\) must be KV path segments/);
  });

  test('fails when a version is not a whole number >= 1', () => {
    expect(() => contractStack({ generatedKeys: [{ ...baseProps.generatedKeys[0], version: 0 }] })).toThrow(/'generatedKeys\[password\]\.version' \(0\) must be a whole number >= 1/);
  });
});

describe('GeneratedValue: the hostk8s character sets as random_password arguments', () => {
  const argsFor = (generate: 'password' | 'token' | 'hex' | 'uuid', length = 32) => {
    const stack = new TerraformStack(Testing.app(), 'test');
    new GeneratedValue(stack, 'V', { generate, length });
    return Object.values(ephemeralOf(synthStack(stack), 'random_password'))[0];
  };

  test('password: letters, digits and !@#$%^&*', () => {
    expect(argsFor('password')).toEqual({ length: 32, upper: true, lower: true, numeric: true, special: true, override_special: '!@#$%^&*' });
  });

  test('token: letters and digits only', () => {
    expect(argsFor('token', 64)).toEqual({ length: 64, upper: true, lower: true, numeric: true, special: false });
  });

  test('fails when a password is shorter than 8 characters', () => {
    expect(() => argsFor('password', 7)).toThrow(/'length' \(7\) must be a whole number >= 8 for a password/);
  });

  test('hex: digits plus a-f (the only "special" characters allowed), no letters beyond f', () => {
    expect(argsFor('hex')).toEqual({ length: 32, upper: false, lower: false, numeric: true, special: true, override_special: 'abcdef' });
  });
});

describe('the lab with the example contract (webapp)', () => {
  test('the runtime policy reads the delivered secrets, not the generated values kept for Terraform', async () => {
    const json = exampleStackJson('main');
    const policy = await parsePolicyHcl(findResource(json, 'vault_policy', { name: 'webapp' }).policy);
    expect(policy['kvv2/data/webapp/db-seed']).toEqual(['read']);
    expect(policy['kvv2/data/webapp/session']).toEqual(['read']);
    expect(Object.keys(policy).filter((p) => p.includes('_generated'))).toEqual([]);
  });

  test('each contract secret is delivered as a Kubernetes Secret of its name', () => {
    const webapp = buildTestLab().stacks.main.apps.get('webapp')!;
    expect(webapp.deliveredSecrets).toEqual(
      expect.arrayContaining([
        { kvPath: 'webapp/db-seed', secretName: 'db-seed' },
        { kvPath: 'webapp/session', secretName: 'session' },
      ]),
    );
  });

  test('the stack requires Terraform >= 1.11 (write-only attributes) and one exact random 3.x release >= 3.7 (ephemeral random_password)', () => {
    const json = exampleStackJson('main');
    expect(json.terraform?.required_version).toBe('>= 1.11.0');
    const random = json.terraform?.required_providers.random;
    expect(random.source).toBe('hashicorp/random');
    // hashicorp/terraform-provider-random CHANGELOG.md: ephemeral random_password is new in 3.7.0.
    const [major, minor] = (/^(\d+)\.(\d+)\.\d+$/.exec(random.version) ?? []).slice(1).map(Number);
    expect({ major, atLeast37: minor >= 7 }).toEqual({ major: 3, atLeast37: true });
    expect(json.provider?.random).toEqual([{}]);
  });

  test('no generated value is written into the synthesized JSON: every generated key comes from an ephemeral reference', () => {
    const json = exampleStackJson('main');
    // The apps' engine: main's other write (infra) is a copy from the QNAP Vault (infra-migration.test.ts).
    const writes = Object.values(resourcesOf(json, 'vault_kv_secret_v2')).filter((w) => w.mount === 'kvv2');
    expect(writes).toHaveLength(6);
    for (const write of writes.filter((w) => w.name.includes('/_generated/'))) {
      // The whole write-only payload is one expression over an ephemeral random value.
      expect(write.data_json_wo).toMatch(/^\$\{jsonencode\(\{"value" = .*ephemeral\.random_password\.[^.]+\.result.*\}\)\}$/);
    }
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/"(result|bcrypt_hash)":/);
    expect(Object.keys(json.data ?? {})).not.toContain('vault_kv_secret_v2');
  });

  test('an app without a contract adds neither KV writes nor the random provider', () => {
    const config = exampleConfigWith((c) => {
      c.apps.forEach((a: any) => delete a.secretContract);
      // A consumer being copied off the QNAP Vault writes through an ephemeral read too (infra-migration.test.ts).
      c.environments.qnap.bootstrap.consumers.forEach((x: any) => delete x.migration);
    });
    const json = synthStack(buildTestLab(config).stacks.main);
    expect(resourcesOf(json, 'vault_kv_secret_v2')).toEqual({});
    expect(json.provider?.random).toBeUndefined();
    expect(json.ephemeral).toBeUndefined();
  });
});

describeWithTerraform("Terraform's own evaluation of the synthesized expressions", () => {
  test('Terraform reads the main stack with its ephemeral blocks as configuration, up to provider installation', () => {
    const json = exampleStackJson('main');
    const { parsed, output } = parseWithTerraform(json);
    expect({ parsed, output }).toEqual({ parsed: true, output });
    // The control: a block type Terraform does not know is refused at that stage.
    const broken = JSON.parse(JSON.stringify(json).replace('"ephemeral":', '"ephemerall":'));
    expect(parseWithTerraform(broken).parsed).toBe(false);
  });

  test('the delivered JSON template keeps quotes, backslashes, newlines and ${ / %{ in static values literal', () => {
    const tricky = 'a "quoted" \\ value\nwith ${var.x} and %{if true}';
    const json = contractStack({ staticKeys: [{ key: 'odd', value: tricky }], generatedKeys: [baseProps.generatedKeys[0]] });
    const template: string = delivered(json).data_json_wo;
    const withLocal = template.replace(/ephemeral\.vault_kv_secret_v2\.[A-Za-z0-9_-]+\.data\.value/g, 'local.generated');
    const rendered = evaluateTerraform({ generated: 's3cr"et', payload: withLocal }, 'local.payload');
    expect(JSON.parse(rendered as string)).toEqual({ odd: tricky, password: 's3cr"et' });
  });

  test('a uuid is rendered as a version 4, variant 1 UUID built from the random hex digits', () => {
    const stack = vaultTestStack();
    const kv = new KvV2Mount(stack, 'Kvv2');
    new ContractSecret(stack, 'S', { kv, secretPath: 'a/s', generatedPath: 'a/_generated/s', generatedKeys: [{ key: 'id', generate: 'uuid', length: 36, version: 1 }] });
    const json = synthStack(stack);
    const write = findResource(json, 'vault_kv_secret_v2', { name: 'a/_generated/s/id' });
    const withLocal = (write.data_json_wo as string).replace(/ephemeral\.random_password\.[A-Za-z0-9_-]+\.result/g, 'local.hex');
    for (const [hex, variant] of [['0123456789abcdef0123456789abcd0', '8'], ['fedcba9876543210fedcba98765432f', 'b'], [`${'0'.repeat(30)}6`, 'a']]) {
      const payload = JSON.parse(evaluateTerraform({ hex, payload: withLocal }, 'local.payload') as string);
      expect(payload.value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(payload.value.replace(/-/g, '')).toBe(`${hex.slice(0, 12)}4${hex.slice(12, 15)}${variant}${hex.slice(15, 30)}`);
    }
  });
});
