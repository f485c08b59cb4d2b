import * as path from 'path';
import { DEFAULT_CONFIG_FILE } from '../config/load';
import { rotateGeneratedKey, RotateRequest, RotateRequestError, RotateResult } from '../config/rotate';
import { ExitCode, processIo, readInputFile, runAsProcess, runScript, ScriptIo, UsageError } from './cli';

const spec = {
  name: 'rotate',
  description:
    "Bumps one generated key's version in the lab config (docs/secret-contracts.md); commit the change,\n" +
    'then apply: the next apply writes a new value for that key and leaves every other key as it is.',
  options: {
    app: { type: 'string', value: 'APP', description: 'the app whose secret contract holds the key', required: true },
    secret: { type: 'string', value: 'SECRET', description: 'the secret of the contract', required: true },
    key: { type: 'string', value: 'KEY', description: 'the generated key to rotate', required: true },
    config: { type: 'string', value: 'LAB.yaml', description: 'the lab config to edit (default: LAB_CONFIG, else config/lab.yaml)' },
  },
  exits: { ok: 'the version was bumped in the config' },
} as const;

export function main(argv: readonly string[], io: ScriptIo = processIo): Promise<number> {
  return runScript(spec, argv, io, ({ values }) => {
    const { app, secret, key } = values;
    const file = values.config ?? (process.env.LAB_CONFIG || DEFAULT_CONFIG_FILE);
    const text = readInputFile(values.config === undefined ? 'LAB_CONFIG' : '--config', file, 'give the path of the lab config to edit');
    const result = rotate(text, { app, secret, key }, file);
    io.writeFile(file, result.text);
    io.stdout(
      `${path.relative(process.cwd(), file)}: ${result.path} ${result.from} -> ${result.to}\n` +
        `Commit this change; the next apply writes a new value for ${secret}/${key} and leaves every other key as it is.\n`,
    );
    return ExitCode.ok;
  });
}

/** A request naming no generated key (unknown app, secret or key, a static key) is a wrong command line. */
function rotate(text: string, request: RotateRequest, file: string): RotateResult {
  try {
    return rotateGeneratedKey(text, request, file);
  } catch (e) {
    if (e instanceof RotateRequestError) throw new UsageError(`--${e.field} ${request[e.field]}: ${e.message}`);
    throw e;
  }
}

if (require.main === module) runAsProcess(main);
