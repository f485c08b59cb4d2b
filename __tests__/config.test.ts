import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { loadLabConfig, parseLabConfig } from '../config/load';
import { labConfigJsonSchema } from '../config/json-schema';
import { EXAMPLE_CONFIG_FILE, exampleConfigError } from './support/synth';

function exampleRaw(): any {
  return JSON.parse(JSON.stringify(loadLabConfig(EXAMPLE_CONFIG_FILE)));
}

describe('the lab config', () => {
  test('the example config is valid and exercises every variant', () => {
    const config = loadLabConfig(EXAMPLE_CONFIG_FILE);
    expect(config.apps.length).toBeGreaterThanOrEqual(3);
    expect(config.apps.some((a) => a.delivery === 'vso')).toBe(true);
    expect(config.apps.some((a) => a.delivery === 'eso')).toBe(true);
    expect(config.apps.some((a) => a.postgres)).toBe(true);
    expect(config.apps.some((a) => !a.postgres)).toBe(true);
  });

  test('LAB_CONFIG selects another file', () => {
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'lab-'));
    const file = path.join(dir, 'other.yaml');
    const raw = exampleRaw();
    raw.apps = [raw.apps[0]];
    fs.writeFileSync(file, stringify(raw));
    const before = process.env.LAB_CONFIG;
    process.env.LAB_CONFIG = file;
    try {
      expect(loadLabConfig().apps.map((a) => a.name)).toEqual([raw.apps[0].name]);
    } finally {
      if (before === undefined) delete process.env.LAB_CONFIG;
      else process.env.LAB_CONFIG = before;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the committed JSON Schema (config/lab.schema.json) is what the zod schema exports now', () => {
    const committed = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'config', 'lab.schema.json'), 'utf8'));
    // If this fails: npm run schema
    expect(committed).toEqual(labConfigJsonSchema());
  });

  test('the JSON Schema rejects unknown keys, so editors flag typos too', () => {
    const schema = labConfigJsonSchema() as any;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.apps.items.additionalProperties).toBe(false);
  });

  test('the example config contains no secret-looking values', () => {
    const text = fs.readFileSync(EXAMPLE_CONFIG_FILE, 'utf8');
    expect(text).not.toMatch(/hvs\.|password\s*:|token\s*:|secret_key|PRIVATE KEY|postgres(ql)?:\/\/[^@\s]+:[^@\s]+@/i);
  });

  // The corpus: each malformed config must be refused with the field's path, its value and the rule.
  const corpus: Array<[string, (raw: any) => void, string, RegExp]> = [
    ['app name with upper case', (c) => (c.apps[2].name = 'Billing'), 'apps[2].name = "Billing"', /lowercase letters/],
    ['app name with underscore', (c) => (c.apps[0].name = 'web_app'), 'apps[0].name = "web_app"', /DNS-1123|lowercase/],
    ['app name starting with a digit', (c) => (c.apps[0].name = '1app'), 'apps[0].name = "1app"', /starting with a letter/],
    ['app name ending with a dash', (c) => (c.apps[0].name = 'app-'), 'apps[0].name', /not ending with '-'/],
    ['app name taking a reserved suffix', (c) => (c.apps[1].name = 'webapp-ops'), 'apps[1].name = "webapp-ops"', /not ending with '-', '-ops' or '-ro'/],
    ['app name too long', (c) => (c.apps[0].name = 'a'.repeat(41)), 'apps[0].name', /at most 40/],
    ['app name with a quote (SQL injection)', (c) => (c.apps[0].name = 'x";drop'), 'apps[0].name', /lowercase/],
    ['duplicate app names', (c) => (c.apps[1].name = c.apps[0].name), 'apps[1].name = "webapp"', /duplicate app name: apps\[0\]/],
    ['two apps on one ServiceAccount', (c) => Object.assign(c.apps[1], { namespace: 'webapp', serviceAccount: 'webapp' }), 'apps[1].serviceAccount', /already bound to apps\[0\]/],
    ['repository without owner', (c) => (c.apps[0].repository = 'webapp'), 'apps[0].repository = "webapp"', /owner\/repo/],
    ['repository with a glob', (c) => (c.apps[0].repository = 'lab/*'), 'apps[0].repository = "lab/*"', /no globs/],
    ['repository with three parts', (c) => (c.apps[0].repository = 'a/b/c'), 'apps[0].repository', /owner\/repo/],
    ['unknown delivery', (c) => (c.apps[0].delivery = 'csi'), 'apps[0].delivery = "csi"', /one of "vso", "eso"/],
    ['missing namespace', (c) => delete c.apps[0].namespace, 'apps[0].namespace', /is required/],
    ['namespace with a wildcard', (c) => (c.apps[0].namespace = '*'), 'apps[0].namespace = "*"', /DNS-1123/],
    ['a typo in an app key', (c) => (c.apps[1].delivry = 'eso'), 'apps[1].delivry', /unknown key 'delivry'/],
    ['a typo at the top level', (c) => (c.app = []), 'app', /unknown key 'app'/],
    ['a typo in the postgres block', (c) => (c.apps[0].postgres.clutser = 'apps'), 'apps[0].postgres.clutser', /unknown key/],
    ['postgres cluster that does not exist', (c) => (c.apps[0].postgres.cluster = 'analytics'), 'apps[0].postgres.cluster = "analytics"', /no such cluster in environments\.main\.postgres\.clusters \(known: apps\)/],
    ['plain http for main', (c) => (c.environments.main.vault.address = 'http://vault.lab.example.net:8200'), 'environments.main.vault.address', /must be reached over https/],
    ['plain http for sandbox', (c) => (c.environments.sandbox.vault.address = 'http://vault.sandbox:8200'), 'environments.sandbox.vault.address', /https/],
    ['plain http for qnap without the opt-in', (c) => (c.environments.qnap.vault.address = 'http://qnap:8200'), 'environments.qnap.vault.address = "http://qnap:8200"', /allowInsecureHttp: true/],
    ['the http opt-in on main', (c) => (c.environments.main.vault.allowInsecureHttp = true), 'environments.main.vault.allowInsecureHttp', /only the bootstrap \(qnap\) Vault/],
    ['a Vault address that is not a URL', (c) => (c.environments.qnap.vault.address = 'qnap:8200'), 'environments.qnap.vault.address', /absolute http\(s\) URL/],
    ['missing sandbox environment', (c) => delete c.environments.sandbox, 'environments.sandbox', /is required/],
    ['an empty CI audience list', (c) => (c.environments.main.ci.oidc.audiences = []), 'environments.main.ci.oidc.audiences', /at least one audience/],
    ['an unknown state backend', (c) => (c.environments.main.state = { type: 'consul' }), 'environments.main.state', /type|Invalid/],
    ['an absolute local state directory', (c) => (c.environments.qnap.state = { type: 'local', directory: '/var/lib/state' }), 'environments.qnap.state.directory', /relative to the project root/],
    ['a state directory escaping the project', (c) => (c.environments.qnap.state = { type: 'local', directory: '../elsewhere' }), 'environments.qnap.state.directory', /without '\.\.'/],
    ['a postgres port out of range', (c) => (c.environments.main.postgres.clusters.apps.port = 70000), 'environments.main.postgres.clusters.apps.port = 70000', /65535/],
    ['apps not a list', (c) => (c.apps = { webapp: {} }), 'apps', /expected array/],
  ];

  test('the corpus of malformed configs has at least 20 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(20);
  });

  test.each(corpus)('fails when %s', (_name, change, expectedPath, rule) => {
    const error = exampleConfigError(change);
    const line = error.message.split('\n').find((l) => l.includes(`- ${expectedPath}`));
    expect(line).toBeDefined();
    expect(line).toMatch(rule);
    expect(error.message).toMatch(/^invalid lab config bad\.yaml:/);
  });

  test('fails with every problem at once, not only the first', () => {
    const error = exampleConfigError((c) => {
      c.apps[0].name = 'Bad';
      c.apps[1].delivery = 'nope';
    });
    expect(error.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['apps[0].name', 'apps[1].delivery']));
  });

  test('fails on YAML syntax errors and duplicate keys', () => {
    expect(() => parseLabConfig('apps: [\n', 'broken.yaml')).toThrow(/broken\.yaml[\s\S]*YAML syntax/);
    expect(() => parseLabConfig('apps: []\napps: []\n', 'dup.yaml')).toThrow(/YAML syntax/);
  });

  test('fails when the file does not exist, naming it and LAB_CONFIG', () => {
    expect(() => loadLabConfig('/nonexistent/lab.yaml')).toThrow(/\/nonexistent\/lab\.yaml[\s\S]*LAB_CONFIG/);
  });
});
