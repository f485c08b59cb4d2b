import * as path from 'path';
import { labConfigJsonSchema } from '../config/json-schema';
import { ExitCode, processIo, runAsProcess, runScript, ScriptIo } from './cli';

const spec = {
  name: 'schema',
  description: 'Writes config/lab.schema.json (the JSON Schema editors use for config/lab.yaml); a test fails when the committed file is out of date.',
  options: {},
  exits: { ok: 'the schema was written' },
} as const;

export function main(argv: readonly string[], io: ScriptIo = processIo): Promise<number> {
  return runScript(spec, argv, io, () => {
    const target = path.join(__dirname, '..', 'config', 'lab.schema.json');
    io.writeFile(target, `${JSON.stringify(labConfigJsonSchema(), null, 2)}\n`);
    io.stdout(`wrote ${path.relative(process.cwd(), target)}\n`);
    return ExitCode.ok;
  });
}

if (require.main === module) runAsProcess(main);
