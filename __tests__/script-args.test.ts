import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { AccessReport } from '../access/access-report';
import { main as accessReport, accessGrowth } from '../scripts/access-report';
import { main as apiReport } from '../scripts/api-report';
import { main as bench } from '../scripts/bench';
import { main as ciAccess } from '../scripts/ci-access';
import { ScriptIo } from '../scripts/cli';
import { main as docsApi } from '../scripts/docs-api';
import { main as docsDiagrams } from '../scripts/docs-diagrams';
import { main as exportSchema } from '../scripts/export-schema';
import { main as pinAddresses } from '../scripts/pin-addresses';
import { main as postgresSql } from '../scripts/postgres-sql';
import { main as rotate } from '../scripts/rotate';
import { main as shards } from '../scripts/shards';
import { main as testPackage } from '../scripts/test-package';
import { main as workflows } from '../scripts/workflows';

/*
 * Every script refuses a command line it cannot use with exit status 2, a message naming the flag
 * (or field) and the value, no stack trace, and nothing written. The scripts run in-process through
 * their exported main(argv, io); a few cases spawn the real process.
 */

type Main = (argv: readonly string[], io: ScriptIo) => Promise<number>;

const root = path.join(__dirname, '..');
const EXAMPLE_CLAIMS = path.join(root, 'docs', 'examples', 'claims-main.json');
/** A compact JWS (RFC 7515 section 7.1): what a forge hands a job, which the claims file must never hold. */
const SIGNED_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmxhYi93ZWJhcHAifQ.c2lnbmF0dXJl';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'script-args-'));
const file = (name: string, text: string) => {
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};
const MISSING = path.join(dir, 'missing.json');
const NOT_JSON = file('not-json.json', '{"vaults": [');
const ARRAY = file('array.json', '[]');
const WRONG_SHAPE = file('wrong-shape.json', JSON.stringify({ vaults: [{ vault: 'https://v:8200', stacks: [], rows: [{ identity: 'a/b', role: 'r' }] }] }));
const TOKEN = file('token.jwt', `${SIGNED_TOKEN}\n`);
const BROKEN_YAML = file('broken.yaml', 'apps: [\n');
const INVALID_CONFIG = file('invalid.yaml', 'apps: []\n');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly written: string[];
}

async function run(main: Main, argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const written: string[] = [];
  const code = await main(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    writeFile: (target) => written.push(target),
  });
  return { code, stdout, stderr, written };
}

const STACK_TRACE_LINE = /^\s+at /m;

const refusals: [script: string, when: string, main: Main, argv: string[], message: RegExp][] = [
  ['access-report', 'a flag is unknown', accessReport, ['--bogus'], /unknown flag --bogus \(known: --json, --markdown, --diff, --help\)/],
  ['access-report', 'a flag is an inherited property name', accessReport, ['--constructor'], /unknown flag --constructor/],
  ['access-report', 'a flag is mistyped', accessReport, ['--jsn'], /unknown flag --jsn; did you mean --json\?/],
  ['access-report', 'a boolean flag gets a value', accessReport, ['--json=yes'], /--json takes no value, got "yes"/],
  ['access-report', 'a flag is given twice', accessReport, ['--json', '--json'], /--json is given twice/],
  ['access-report', 'two formats are asked', accessReport, ['--json', '--markdown'], /--json and --markdown exclude each other/],
  ['access-report', '--diff has no file', accessReport, ['--diff'], /--diff needs a value: --diff BASE\.json/],
  ['access-report', '--diff is followed by a flag', accessReport, ['--diff', '--markdown'], /--diff needs a value, got the flag --markdown/],
  ['access-report', 'the base file is missing', accessReport, ['--diff', MISSING], /--diff \S+missing\.json: cannot read it \(ENOENT\); write the base with/],
  ['access-report', 'the base file is not JSON', accessReport, ['--diff', NOT_JSON], /--diff \S+not-json\.json: not valid JSON/],
  ['access-report', 'the base file is an array', accessReport, ['--diff', ARRAY], /--diff \S+array\.json: \(root\): .*expected object.*not a report written by --json/],
  ['access-report', 'a row of the base file has no grants', accessReport, ['--diff', WRONG_SHAPE], /--diff \S+wrong-shape\.json: vaults\[0\]\.rows\[0\]\.grants: .*expected array/],
  ['ci-access', '--claims is missing', ciAccess, [], /missing --claims CLAIMS\.json/],
  ['ci-access', 'the claims file is missing', ciAccess, ['--claims', MISSING], /--claims \S+missing\.json: cannot read it \(ENOENT\)/],
  ['ci-access', 'the claims file is not JSON', ciAccess, ['--claims', NOT_JSON], /--claims \S+not-json\.json: not valid JSON/],
  ['ci-access', 'the claims file holds an array', ciAccess, ['--claims', ARRAY], /--claims \S+array\.json: holds an array, not an object of claims/],
  ['ci-access', 'the claims file holds a signed token', ciAccess, ['--claims', TOKEN], /--claims \S+token\.jwt: holds a signed JWT, not its claims; keep only its decoded payload/],
  ['ci-access', 'the config file is missing', ciAccess, ['--claims', EXAMPLE_CLAIMS, '--config', MISSING], /--config \S+missing\.json: no such file/],
  ['ci-access', 'the stack is unknown', ciAccess, ['--claims', EXAMPLE_CLAIMS, '--stack', 'prod'], /--stack prod: no such stack; use one of qnap, .*\bmain\b.*\bsandbox\b/],
  ['bench', 'a flag is mistyped (it would run the full bench)', bench, ['--size', '10'], /unknown flag --size; did you mean --sizes\?/],
  ['bench', 'a flag is unknown', bench, ['--help-me'], /unknown flag --help-me/],
  ['bench', 'a size is 0', bench, ['--sizes', '0'], /--sizes 0: "0" is not a whole number from 1 to 2000/],
  ['bench', 'a size is negative', bench, ['--sizes', '10,-5'], /--sizes 10,-5: "-5" is not a whole number from 1 to 2000/],
  ['bench', 'a size is not a number', bench, ['--sizes', 'abc'], /--sizes abc: "abc" is not a whole number/],
  ['bench', 'a size is empty', bench, ['--sizes', '10,,100'], /--sizes 10,,100: "" is not a whole number/],
  ['bench', 'a size is a fraction', bench, ['--sizes', '2.5'], /--sizes 2\.5: "2\.5" is not a whole number/],
  ['bench', 'a size is above the bound', bench, ['--sizes', '2001'], /--sizes 2001: "2001" is not a whole number from 1 to 2000/],
  ['bench', 'iterations are 0', bench, ['--iterations', '0'], /--iterations 0: "0" is not a whole number from 1 to 20/],
  ['bench', 'iterations are not a whole number', bench, ['--iterations', '1e3'], /--iterations 1e3: "1e3" is not a whole number/],
  ['bench', 'a size is given without its flag', bench, ['10'], /unexpected argument "10"/],
  ['shards', '--compare has no file', shards, ['--compare'], /--compare needs a value: --compare OTHER\.yaml/],
  ['shards', 'the other config is missing', shards, ['--compare', MISSING], /--compare \S+missing\.json: no such file/],
  ['shards', 'the other config is not YAML', shards, ['--compare', BROKEN_YAML], /--compare \S+broken\.yaml: invalid lab config .*\n\s+- \(root\): YAML syntax/],
  ['shards', 'the other config is invalid', shards, ['--compare', INVALID_CONFIG], /--compare \S+invalid\.yaml: invalid lab config .*\n\s+- environments/],
  ['shards', 'a flag is mistyped', shards, ['--compar', INVALID_CONFIG], /unknown flag --compar; did you mean --compare\?/],
  ['rotate', '--secret and --key are missing', rotate, ['--app', 'webapp'], /missing --secret SECRET \(.*\), --key KEY \(/],
  ['rotate', 'the app is unknown', rotate, ['--app', 'nope', '--secret', 'session', '--key', 'signing_key'], /--app nope: no app "nope" in \S+lab\.yaml \(apps: webapp, notifier, /],
  ['rotate', 'the app has no secret contract', rotate, ['--app', 'notifier', '--secret', 'session', '--key', 'signing_key'], /--app notifier: app notifier has no secretContract/],
  ['rotate', 'the secret is unknown', rotate, ['--app', 'webapp', '--secret', 'db', '--key', 'password'], /--secret db: no secret "db" in config\/contracts\/webapp\.secrets\.yaml \(secrets: db-seed, session\)/],
  ['rotate', 'the key is unknown', rotate, ['--app', 'webapp', '--secret', 'db-seed', '--key', 'pass'], /--key pass: no key "pass" .*\(generated keys: password\)/],
  ['rotate', 'the key is static', rotate, ['--app', 'webapp', '--secret', 'db-seed', '--key', 'username'], /--key username: .*key 'username' is a static value: change it in the contract/],
  ['rotate', 'the config file is missing', rotate, ['--app', 'webapp', '--secret', 'session', '--key', 'signing_key', '--config', MISSING], /--config \S+missing\.json: cannot read it \(ENOENT\)/],
  ['postgres-sql', 'the arguments are missing', postgresSql, [], /missing <main\|sandbox> <cluster>/],
  ['postgres-sql', 'the cluster is missing', postgresSql, ['main'], /missing <cluster>/],
  ['postgres-sql', 'the environment is unknown', postgresSql, ['prod', 'apps'], /"prod" is not an environment with PostgreSQL clusters; give one of main, sandbox/],
  ['postgres-sql', 'an argument is extra', postgresSql, ['main', 'apps', 'extra'], /unexpected argument "extra"; expected <main\|sandbox> <cluster>/],
  ['workflows', 'it gets a flag', workflows, ['--check'], /unknown flag --check \(known: --help\)/],
  ['pin-addresses', 'it gets a flag', pinAddresses, ['--force'], /unknown flag --force/],
  ['schema', 'it gets an argument', exportSchema, ['config/lab.schema.json'], /unexpected argument "config\/lab\.schema\.json"; it takes no positional argument/],
  ['docs:diagrams', 'it gets a flag', docsDiagrams, ['--bogus'], /unknown flag --bogus/],
  ['api-report', 'it gets a flag', apiReport, ['--check'], /unknown flag --check/],
  ['docs:api', 'it gets a flag', docsApi, ['--check'], /unknown flag --check \(known: --help\)/],
  ['test:package', 'it gets a flag', testPackage, ['--keep'], /unknown flag --keep \(known: --help\)/],
];

describe('a command line a script cannot use: exit status 2, the flag and value named, nothing done', () => {
  test.each(refusals)('%s fails when %s', async (script, _when, main, argv, message) => {
    // GIVEN a bad command line WHEN the script runs
    const result = await run(main, argv);
    // THEN it names the problem and the usage, exits 2, prints no stack trace and writes nothing
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(new RegExp(`^${script}: .*\\nusage: npm run -s ${script}`, 's'));
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.written).toEqual([]);
  });

  test('ci-access fails when the claims file holds a signed token, and never prints any of it', async () => {
    const result = await run(ciAccess, ['--claims', TOKEN]);
    expect(result.code).toBe(2);
    // Every JWT part starts with `eyJ`, base64url of `{"`.
    expect(result.stderr).not.toMatch(/eyJ/);
  });

  test("fails when an input file is not JSON, without quoting the file's text (it may be a secret)", async () => {
    const result = await run(ciAccess, ['--claims', file('secret.txt', 's3cr3t-value {')]);
    expect(result.stderr).toMatch(/--claims \S+secret\.txt: not valid JSON/);
    expect(result.stderr).not.toMatch(/s3cr3t/);
    expect(result.code).toBe(2);
  });
});

const scripts: [script: string, main: Main][] = [
  ['access-report', accessReport],
  ['ci-access', ciAccess],
  ['bench', bench],
  ['shards', shards],
  ['rotate', rotate],
  ['postgres-sql', postgresSql],
  ['workflows', workflows],
  ['pin-addresses', pinAddresses],
  ['schema', exportSchema],
  ['docs:diagrams', docsDiagrams],
  ['api-report', apiReport],
  ['docs:api', docsApi],
  ['test:package', testPackage],
];

describe('--help', () => {
  test.each(scripts)('%s prints its usage and the meaning of each exit status, and does nothing else', async (script, main) => {
    const result = await run(main, ['--help']);
    expect(result.stdout).toMatch(new RegExp(`^usage: npm run -s ${script}`));
    expect(result.stdout).toMatch(/\nexit status:\n {2}0 {2}\S.*\n {2}1 {2}\S.*\n {2}2 {2}usage: /);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.written).toEqual([]);
  });

  test('-h is --help, even after other flags', async () => {
    const result = await run(bench, ['--sizes', '10', '-h']);
    expect(result.stdout).toMatch(/^usage: npm run -s bench -- \[--sizes N,N,…\] \[--iterations N\]/);
    expect(result.code).toBe(0);
  });
});

describe('a failure of the work itself: exit status 1, the reason, no stack trace', () => {
  const localStateConfig = () => {
    const config = parse(fs.readFileSync(path.join(__dirname, '..', 'config', 'lab.yaml'), 'utf8'));
    config.environments.main.state = { type: 'local' };
    return file('local-state.yaml', stringify(config));
  };

  test.each([
    ['LAB_CONFIG is not YAML', () => BROKEN_YAML, /^workflows failed: invalid lab config \S+broken\.yaml:\n\s+- \(root\): YAML syntax/],
    [
      'an environment CI deploys keeps its state in a local file',
      localStateConfig,
      /^workflows failed: invalid lab config \S+local-state\.yaml:\n\s+- environments\.main\.state\.type = "local": CI diffs and deploys/,
    ],
  ])('workflows fails when %s, naming the file (and field), and writes no workflow', async (_when, configFile, message) => {
    const before = process.env.LAB_CONFIG;
    process.env.LAB_CONFIG = configFile();
    try {
      const result = await run(workflows, []);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
      expect(result.code).toBe(1);
      expect(result.written).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.LAB_CONFIG;
      else process.env.LAB_CONFIG = before;
    }
  });

  test('postgres-sql fails when the environment has no such cluster, naming the known ones', async () => {
    const result = await run(postgresSql, ['main', 'warehouse']);
    expect(result.stderr).toMatch(/^postgres-sql failed: no PostgreSQL cluster 'warehouse' in environments\.main\.postgres\.clusters \(known: apps\)/);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
  });

  test.each(['constructor', '__proto__'])('postgres-sql fails when the cluster is named like a property of every object (%s), printing no SQL', async (cluster) => {
    const result = await run(postgresSql, ['main', cluster]);
    expect(result.stderr).toMatch(new RegExp(`^postgres-sql failed: no PostgreSQL cluster '${cluster}' in environments\\.main\\.postgres\\.clusters \\(known: apps\\)`));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
  });
});

describe('access-report --diff: a CI gate on growth', () => {
  const VAULT = 'https://vault.test.example:8200';
  /** A report of one Vault; each row `[identity, role, {path: capabilities}]`. */
  const report = (...rows: [string, string, Record<string, string[]>][]): AccessReport => ({
    vaults: [
      {
        vault: VAULT,
        stacks: ['main'],
        policies: {},
        rows: rows.map(([identity, role, grants]) => ({
          identity,
          identityKind: 'kubernetes' as const,
          role,
          policies: [],
          grants: Object.entries(grants).map(([p, capabilities]) => ({ path: p, capabilities })),
        })),
      },
    ],
  });
  const base = report(['web/webapp', 'auth/kubernetes/role/webapp', { 'kvv2/data/webapp/config': ['read'] }]);

  test('the same access is no growth', () => {
    expect(accessGrowth(base, base).grew).toBe(false);
  });

  test('only shrinking is no growth, and the revoked grant is still listed', () => {
    const { grew, diff } = accessGrowth(base, report(['web/webapp', 'auth/kubernetes/role/webapp', {}]));
    expect(grew).toBe(false);
    expect(diff.revoked.map((c) => c.path)).toEqual(['kvv2/data/webapp/config']);
  });

  test('a new capability on a known path is growth', () => {
    expect(accessGrowth(base, report(['web/webapp', 'auth/kubernetes/role/webapp', { 'kvv2/data/webapp/config': ['read', 'update'] }])).grew).toBe(true);
  });

  test('a new path is growth', () => {
    const current = report(['web/webapp', 'auth/kubernetes/role/webapp', { 'kvv2/data/webapp/config': ['read'], 'kvv2/data/other/config': ['read'] }]);
    expect(accessGrowth(base, current).grew).toBe(true);
  });

  // A login whose role grants nothing still gets a token with `default` (hashicorp/vault vault/request_handling.go, handleLoginRequest).
  test('a new identity is growth, even one whose role grants nothing', () => {
    const current = report(['web/webapp', 'auth/kubernetes/role/webapp', { 'kvv2/data/webapp/config': ['read'] }], ['web/intruder', 'auth/kubernetes/role/webapp', {}]);
    const { grew, bareLogins } = accessGrowth(base, current);
    expect(grew).toBe(true);
    expect(bareLogins).toEqual([`${VAULT}  web/intruder  auth/kubernetes/role/webapp`]);
  });

  test('exits 1 when the lab grants what the base did not (an empty base)', async () => {
    // GIVEN a base report with no Vault at all WHEN the example lab is compared with it
    const result = await run(accessReport, ['--diff', file('empty-base.json', '{"vaults": []}')]);
    // THEN every grant is new, and the gate fails
    expect(result.stdout).toMatch(/^\d+ grant\(s\) added, 0 revoked\n/);
    expect(result.stdout).toMatch(/^\+ https:\/\/vault\.lab\.example\.net:8200 {2}webapp\/webapp {2}auth\/kubernetes\/role\/webapp {2}kvv2\/data\/webapp\/config {2}\[read\]$/m);
    expect(result.code).toBe(1);
  });
});

// Exit status 0 of a real process: access-report.test.ts and rotate.test.ts.
describe('the real process', () => {
  const tsx = (script: string, args: string[], env: Record<string, string> = {}) =>
    spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join('scripts', script), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });

  test('exits 2 on an unknown flag, with one message and no stack trace', () => {
    const result = tsx('export-schema.ts', ['--check']);
    expect(result.stderr).toMatch(/^schema: unknown flag --check/);
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(2);
  });

  test('exits 1 when the work fails, with the reason and no stack trace', () => {
    const result = tsx('postgres-sql.ts', ['main', 'warehouse']);
    expect(result.stderr).toMatch(/^postgres-sql failed: no PostgreSQL cluster 'warehouse'/);
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
    expect(result.status).toBe(1);
  });
});
