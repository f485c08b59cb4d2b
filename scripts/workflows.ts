import * as path from 'path';
import { DEFAULT_CONFIG_FILE, loadLabConfig } from '../config/load';
import { generateWorkflows } from '../stacks/ci-workflows';
import { ExitCode, processIo, runAsProcess, runScript, ScriptIo } from './cli';

const spec = {
  name: 'workflows',
  description: 'Regenerates the forge workflows from the lab config (LAB_CONFIG, else config/lab.yaml); commit the result (docs/ci.md).',
  options: {},
  exits: { ok: 'the workflow files were written' },
} as const;

export function main(argv: readonly string[], io: ScriptIo = processIo): Promise<number> {
  return runScript(spec, argv, io, () => {
    const root = path.join(__dirname, '..');
    const configFile = process.env.LAB_CONFIG || DEFAULT_CONFIG_FILE;
    for (const file of generateWorkflows(loadLabConfig(configFile), process.env.LAB_CONFIG || 'config/lab.yaml')) {
      io.writeFile(path.join(root, file.path), file.content);
      io.stdout(`wrote ${file.path}\n`);
    }
    return ExitCode.ok;
  });
}

if (require.main === module) runAsProcess(main);
