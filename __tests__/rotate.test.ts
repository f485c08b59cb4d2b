import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseLabConfig } from '../config/load';
import { rotateGeneratedKey } from '../config/rotate';
import { EXAMPLE_CONFIG_FILE } from './support/synth';

const exampleText = () => fs.readFileSync(EXAMPLE_CONFIG_FILE, 'utf8');
const versionsOf = (text: string) => parseLabConfig(text).apps.find((a) => a.name === 'webapp')!.secretContract!.versions;

describe('rotate: bumping one generated key in the lab config', () => {
  test('a key not yet listed goes from version 1 to 2, the others stay', () => {
    const result = rotateGeneratedKey(exampleText(), { app: 'webapp', secret: 'db-seed', key: 'password' });
    expect([result.from, result.to]).toEqual([1, 2]);
    expect(result.path).toBe('apps[0].secretContract.versions.db-seed/password');
    expect(versionsOf(result.text)).toEqual({ ...versionsOf(exampleText()), 'db-seed/password': 2 });
  });

  test('a listed key is bumped from its current version', () => {
    const once = rotateGeneratedKey(exampleText(), { app: 'webapp', secret: 'session', key: 'signing_key' });
    const twice = rotateGeneratedKey(once.text, { app: 'webapp', secret: 'session', key: 'signing_key' });
    expect([twice.from, twice.to]).toEqual([2, 3]);
  });

  test('the rest of the file is untouched: every comment and line kept, one line changed', () => {
    const before = exampleText().split('\n');
    const after = rotateGeneratedKey(exampleText(), { app: 'webapp', secret: 'session', key: 'signing_key' }).text.split('\n');
    expect(after).toHaveLength(before.length);
    const changed = after.map((line, i) => [before[i], line]).filter(([a, b]) => a !== b);
    expect(changed).toEqual([['        session/signing_key: 1', '        session/signing_key: 2']]);
  });

  describe('fails when', () => {
    test('the app is unknown', () => {
      expect(() => rotateGeneratedKey(exampleText(), { app: 'nope', secret: 'db-seed', key: 'password' })).toThrow(/no app "nope".*apps: webapp, notifier/);
    });
    test('the app has no contract', () => {
      expect(() => rotateGeneratedKey(exampleText(), { app: 'notifier', secret: 'db-seed', key: 'password' })).toThrow(/app notifier has no secretContract/);
    });
    test('the secret is unknown', () => {
      expect(() => rotateGeneratedKey(exampleText(), { app: 'webapp', secret: 'db', key: 'password' })).toThrow(/no secret "db" in config\/contracts\/webapp\.secrets\.yaml \(secrets: db-seed, session\)/);
    });
    test('the key is unknown', () => {
      expect(() => rotateGeneratedKey(exampleText(), { app: 'webapp', secret: 'db-seed', key: 'pass' })).toThrow(/no key "pass".*generated keys: password/);
    });
    test('the key is static', () => {
      expect(() => rotateGeneratedKey(exampleText(), { app: 'webapp', secret: 'db-seed', key: 'username' })).toThrow(/key 'username' is a static value: change it in the contract/);
    });
  });

  test('the CLI writes the file, prints the change, and exits 2 (usage) with the reason on a static key', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rotate-'));
    const file = path.join(dir, 'lab.yaml');
    fs.writeFileSync(file, exampleText());
    try {
      const cli = (...args: string[]) => spawnSync(path.join('node_modules', '.bin', 'tsx'), ['scripts/rotate.ts', '--config', file, ...args], { encoding: 'utf8', timeout: 60000 });
      const ok = cli('--app', 'webapp', '--secret', 'db-seed', '--key', 'password');
      expect(ok.status).toBe(0);
      expect(ok.stdout).toMatch(/apps\[0\]\.secretContract\.versions\.db-seed\/password 1 -> 2/);
      expect(versionsOf(fs.readFileSync(file, 'utf8'))?.['db-seed/password']).toBe(2);
      const bad = cli('--app', 'webapp', '--secret', 'db-seed', '--key', 'port');
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/^rotate: --key port: .*'port' is a static value/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
