import * as path from 'path';
import * as os from 'os';
import * as fs from 'fs';
import { stringify } from 'yaml';
import { ConfigError } from '../config/load';
import { appContractIssues, loadAppSecretContract, loadSecretContract, parseSecretContract, SecretContract, SecretContractError } from '../config/secret-contract';
import { exampleConfig, exampleConfigWith } from './support/synth';

const FILE = 'contracts/demo.secrets.yaml';

function contractText(secrets: unknown[], name = 'webapp'): string {
  return stringify({ apiVersion: 'hostk8s.io/v1', kind: 'SecretContract', metadata: { name }, spec: { secrets } });
}

function parseOne(data: unknown[]): SecretContract {
  return parseSecretContract(contractText([{ name: 'db-seed', namespace: 'webapp', data }]), FILE);
}

function errorOf(fn: () => unknown): SecretContractError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SecretContractError) return e;
    throw e;
  }
  throw new Error('expected a SecretContractError');
}

describe('SecretContract files', () => {
  test('the example contract parses: static keys keep their values, generated keys get the format defaults', () => {
    const contract = loadSecretContract('config/contracts/webapp.secrets.yaml');
    const dbSeed = contract.secrets.find((s) => s.name === 'db-seed')!;
    expect(dbSeed.staticData).toContainEqual({ key: 'port', value: '5432' });
    expect(dbSeed.generated).toEqual([{ key: 'password', generate: 'password', length: 32 }]);
    const session = contract.secrets.find((s) => s.name === 'session')!;
    expect(session.generated).toContainEqual({ key: 'instance_id', generate: 'uuid', length: 36 });
    expect(session.generated).toContainEqual({ key: 'signing_key', generate: 'hex', length: 64 });
  });

  test('an app config is built from the contract it was checked with; a new load of the config reads the file again', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'contract-'));
    try {
      const example = fs.readFileSync('config/contracts/webapp.secrets.yaml', 'utf8');
      fs.writeFileSync(path.join(root, 'c.yaml'), example);
      const app = { ...exampleConfig().apps.find((a) => a.name === 'webapp')!, secretContract: { file: 'c.yaml' } };
      const port = (c: SecretContract | undefined) => c!.secrets.find((s) => s.name === 'db-seed')!.staticData.find((d) => d.key === 'port')!.value;
      expect(port(loadAppSecretContract(app, root))).toBe('5432');
      fs.writeFileSync(path.join(root, 'c.yaml'), example.replace('value: "5432"', 'value: "6432"'));
      expect(port(loadAppSecretContract(app, root))).toBe('5432');
      expect(port(loadAppSecretContract({ ...app }, root))).toBe('6432');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('token and hex default to 32 characters like passwords', () => {
    const contract = parseOne([
      { key: 'a', generate: 'token' },
      { key: 'b', generate: 'hex' },
    ]);
    expect(contract.secrets[0].generated.map((g) => g.length)).toEqual([32, 32]);
  });

  test('a password of exactly 8 characters is accepted', () => {
    expect(parseOne([{ key: 'pw', generate: 'password', length: 8 }]).secrets[0].generated[0].length).toBe(8);
  });

  describe('fails when', () => {
    const cases: Array<[string, unknown[], RegExp]> = [
      ['a key sets both value and generate', [{ key: 'pw', value: 'x', generate: 'password' }], /secret 'db-seed' key 'pw'.*either 'value' \(static\) or 'generate', not both/],
      ['a key sets neither value nor generate', [{ key: 'pw' }], /secret 'db-seed' key 'pw'.*set 'value'.*or 'generate'/],
      ['a password is shorter than 8', [{ key: 'pw', generate: 'password', length: 7 }], /key 'pw'.*\(7\) a password needs at least 8 characters/],
      ['a uuid has a length', [{ key: 'id', generate: 'uuid', length: 36 }], /key 'id'.*uuid is always 36 characters; remove length/],
      ['a static value has a length', [{ key: 'user', value: 'app', length: 5 }], /key 'user'.*'length' applies to generated values only/],
      ['the generator is unknown', [{ key: 'pw', generate: 'base64' }], /key 'pw'.*generate\): \("base64"\) must be one of password, token, hex, uuid/],
      ['a key has a character a Kubernetes Secret key cannot hold', [{ key: 'db/pass', generate: 'token' }], /secret 'db-seed' key 'db\/pass'.*Kubernetes Secret key/],
      ['a key is ..', [{ key: '..', generate: 'token' }], /key '\.\.'.*not '\.' or '\.\.'/],
      ['a static value is a number', [{ key: 'port', value: 5432 }], /key 'port'.*quote numbers and booleans/],
      ['a key is declared twice', [{ key: 'pw', generate: 'token' }, { key: 'pw', value: 'x' }], /key 'pw'.*duplicate key/],
      ['an entry has an unknown field', [{ key: 'pw', generate: 'token', lenght: 12 }], /key 'pw'.*unknown field\(s\) lenght/],
      ['a secret has no keys', [], /secret 'db-seed'.*at least one key/],
    ];
    test.each(cases)('%s', (_name, data, message) => {
      const error = errorOf(() => parseOne(data));
      expect(error.message).toContain(FILE);
      expect(error.message).toMatch(message);
    });

    test('a secret name is not a DNS-1123 label', () => {
      const text = contractText([{ name: 'DB_Seed', namespace: 'webapp', data: [{ key: 'pw', generate: 'token' }] }]);
      expect(() => parseSecretContract(text, FILE)).toThrow(/spec\.secrets\[0\]\.name\): \("DB_Seed"\) must be a DNS-1123 label/);
    });

    test('two secrets share a name', () => {
      const secret = { name: 'db-seed', namespace: 'webapp', data: [{ key: 'pw', generate: 'token' }] };
      expect(() => parseSecretContract(contractText([secret, secret]), FILE)).toThrow(/secret 'db-seed'.*duplicate secret name/);
    });

    test('the kind is not SecretContract', () => {
      const text = contractText([]).replace('kind: SecretContract', 'kind: Secret');
      expect(() => parseSecretContract(text, FILE)).toThrow(/\(kind\): \("Secret"\) must be 'SecretContract'/);
    });

    test('the file does not exist, naming the path and where it is resolved from', () => {
      expect(() => loadSecretContract('config/contracts/missing.yaml')).toThrow(/config\/contracts\/missing\.yaml.*cannot read it.*relative to the project root/);
    });

    test('a static value is never echoed in an error', () => {
      const error = errorOf(() => parseOne([{ key: 'pw', value: 'not-for-logs', generate: 'token' }]));
      expect(error.message).not.toContain('not-for-logs');
    });
  });
});

describe('a SecretContract against its app', () => {
  const webapp = () => exampleConfig().apps.find((a) => a.name === 'webapp')!;

  test('fails when a secret targets another namespace, naming the file, the secret and the fix', () => {
    const contract = parseSecretContract(contractText([{ name: 'db-seed', namespace: 'billing', data: [{ key: 'pw', generate: 'token' }] }]), FILE);
    expect(appContractIssues(webapp(), contract).map((i) => i.message).join('\n')).toMatch(/\("billing"\) must be the app's namespace "webapp".*move the secret/);
  });

  test("fails when a secret takes the app's own config path or Secret name", () => {
    for (const name of ['config', 'webapp-config']) {
      const contract = parseSecretContract(contractText([{ name, namespace: 'webapp', data: [{ key: 'pw', generate: 'token' }] }]), FILE);
      const issues = appContractIssues({ ...webapp(), secretContract: undefined }, contract);
      expect(issues).toEqual([expect.objectContaining({ secret: name, message: expect.stringMatching(/collides with the app's own config/) })]);
    }
  });

  test('fails when metadata.name is not the app', () => {
    const contract = parseSecretContract(contractText([{ name: 'db-seed', namespace: 'webapp', data: [{ key: 'pw', generate: 'token' }] }], 'other'), FILE);
    expect(appContractIssues(webapp(), contract)[0].message).toMatch(/\("other"\) must be the app name "webapp"/);
  });

  test('fails in the lab config when a version names a static key', () => {
    const load = () =>
      exampleConfigWith((c) => {
        c.apps.find((a: any) => a.name === 'webapp').secretContract.versions = { 'db-seed/username': 2 };
      });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/apps\[0\]\.secretContract\.versions\.db-seed\/username = 2: .*webapp\.secrets\.yaml secret 'db-seed' key 'username'.*is a static value/);
  });

  test('fails in the lab config when a version names an unknown secret or key', () => {
    const withVersion = (vk: string) => () =>
      exampleConfigWith((c) => {
        c.apps.find((a: any) => a.name === 'webapp').secretContract.versions = { [vk]: 2 };
      });
    expect(withVersion('nope/password')).toThrow(/secret 'nope'.*no such secret in the contract \(secrets: db-seed, session\)/);
    expect(withVersion('db-seed/passwd')).toThrow(/key 'passwd'.*no such key in the secret \(generated keys: password\)/);
  });

  test('fails in the lab config when the contract file is absolute', () => {
    const load = () =>
      exampleConfigWith((c) => {
        c.apps.find((a: any) => a.name === 'webapp').secretContract.file = '/etc/secrets.yaml';
      });
    expect(load).toThrow(/apps\[0\]\.secretContract\.file = "\/etc\/secrets\.yaml": must be a path relative to the project root/);
  });
});
