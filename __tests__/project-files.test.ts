import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, loadLabConfig } from '../config/load';
import { loadSecretContract, SecretContractError } from '../config/secret-contract';
import { EXAMPLE_CONFIG_FILE } from './support/synth';

/** What an outside file holds; an error message must never show it. */
const OUTSIDE_CONTENT = 'leaked-credential-7f3a';

/** The error `load` fails with; fails the test if it succeeds. */
function errorOf(load: () => unknown): Error {
  try {
    load();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the load to fail');
}

describe('files named by the config stay inside the project', () => {
  let project: string;
  let outside: string;
  beforeEach(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'project-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'outside-'));
    fs.mkdirSync(path.join(project, 'config', 'contracts'), { recursive: true });
    // Shaped so that, if it were read, the contract and config errors would quote the value.
    fs.writeFileSync(path.join(outside, 'secret.yaml'), `apiVersion: ${OUTSIDE_CONTENT}\nenvironments: ${OUTSIDE_CONTENT}\n`);
  });
  afterEach(() => {
    fs.rmSync(project, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  test('fails when a contract path is a symbolic link leaving the project, without showing the target content', () => {
    // GIVEN a contract path inside the project that links to a file outside it
    fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(project, 'config', 'contracts', 'app.secrets.yaml'));
    // WHEN the contract is loaded
    const error = errorOf(() => loadSecretContract('config/contracts/app.secrets.yaml', project));
    // THEN it is refused by name, and nothing of the target is shown
    expect(error).toBeInstanceOf(SecretContractError);
    expect(error.message).toMatch(/config\/contracts\/app\.secrets\.yaml.*leads outside the project root/);
    expect(error.message).not.toContain(OUTSIDE_CONTENT);
  });

  test('fails when a folder on the contract path is a symbolic link leaving the project', () => {
    // GIVEN the contracts folder itself links outside
    fs.rmSync(path.join(project, 'config', 'contracts'), { recursive: true });
    fs.symlinkSync(outside, path.join(project, 'config', 'contracts'));
    // WHEN a contract in it is loaded
    const error = errorOf(() => loadSecretContract('config/contracts/secret.yaml', project));
    // THEN it is refused
    expect(error.message).toMatch(/leads outside the project root/);
    expect(error.message).not.toContain(OUTSIDE_CONTENT);
  });

  test('a symbolic link that stays inside the project is followed', () => {
    // GIVEN a contract reached through a link to another file of the project
    const contract = 'apiVersion: hostk8s.io/v1\nkind: SecretContract\nmetadata: {name: app}\nspec:\n  secrets:\n    - {name: s, namespace: app, data: [{key: k, value: v}]}\n';
    fs.writeFileSync(path.join(project, 'shared.secrets.yaml'), contract);
    fs.symlinkSync(path.join(project, 'shared.secrets.yaml'), path.join(project, 'config', 'contracts', 'app.secrets.yaml'));
    // WHEN it is loaded
    const loaded = loadSecretContract('config/contracts/app.secrets.yaml', project);
    // THEN the linked file is read
    expect(loaded.secrets[0].staticData).toEqual([{ key: 'k', value: 'v' }]);
  });

  test('fails when the lab config inside the project is a symbolic link leaving it, without showing the target content', () => {
    // GIVEN config/lab.yaml committed as a link to a file outside the project
    fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(project, 'config', 'lab.yaml'));
    // WHEN the config is loaded
    const error = errorOf(() => loadLabConfig('config/lab.yaml', project));
    // THEN it is refused before anything is read
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/config\/lab\.yaml.*leads outside the project root/);
    expect(error.message).not.toContain(OUTSIDE_CONTENT);
  });

  test('a lab config named outside the project is read as named (the operator chose it)', () => {
    // GIVEN the example config copied outside the project
    const file = path.join(outside, 'lab.yaml');
    fs.copyFileSync(EXAMPLE_CONFIG_FILE, file);
    // WHEN it is loaded by its absolute path
    const config = loadLabConfig(file, project);
    // THEN it is the example lab
    expect(config.environments.qnap.vault.address).toBe('https://qnap.lab.example.net:8200');
  });
});
