import * as path from 'path';
import { loadLabConfig } from '../config/load';
import { resourceAddresses } from '../stacks/addresses';
import { ExitCode, processIo, runAsProcess, runScript, ScriptIo } from './cli';

const spec = {
  name: 'pin-addresses',
  description:
    'Rewrites the pinned resource addresses of the example lab (__tests__/pinned-addresses.json). Run it only\n' +
    'when a change of address is intended (new resources, or a move done with `moveTo`), and say so in the pull request.',
  options: {},
  exits: { ok: 'the pinned addresses were written' },
} as const;

export function main(argv: readonly string[], io: ScriptIo = processIo): Promise<number> {
  return runScript(spec, argv, io, () => {
    const target = path.join(__dirname, '..', '__tests__', 'pinned-addresses.json');
    io.writeFile(target, `${JSON.stringify(resourceAddresses(loadLabConfig(path.join(__dirname, '..', 'config', 'lab.yaml'))), null, 2)}\n`);
    io.stdout(`wrote ${path.relative(process.cwd(), target)}\n`);
    return ExitCode.ok;
  });
}

if (require.main === module) runAsProcess(main);
