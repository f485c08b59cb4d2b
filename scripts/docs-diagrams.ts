import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { loadLabConfig } from '../config/load';
import { renderRestoreDiagram, renderRunbookDiagrams, replaceGeneratedBlock, RESTORE_BEGIN, RESTORE_END } from '../stacks/bootstrap-diagrams';
import { buildLab } from '../stacks/lab';
import { ExitCode, processIo, runAsProcess, runScript, ScriptIo } from './cli';

const spec = {
  name: 'docs:diagrams',
  description:
    'Rewrites the Mermaid diagrams in docs/runbook.md from the stack model of the example lab; a test fails\n' +
    'when the committed diagrams differ from what the model produces now.',
  options: {},
  exits: { ok: 'docs/runbook.md was written' },
} as const;

export function main(argv: readonly string[], io: ScriptIo = processIo): Promise<number> {
  return runScript(spec, argv, io, () => {
    const target = path.join(__dirname, '..', 'docs', 'runbook.md');
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'diagrams-'));
    try {
      const stacks = buildLab(new App({ outdir, skipValidation: true }), loadLabConfig(path.join(__dirname, '..', 'config', 'lab.yaml')));
      // Cross-stack references become stack dependencies only when the stacks are prepared.
      Object.values(stacks).forEach((stack) => stack.prepareStack());
      const withDiagrams = replaceGeneratedBlock(fs.readFileSync(target, 'utf8'), renderRunbookDiagrams(stacks));
      io.writeFile(target, replaceGeneratedBlock(withDiagrams, renderRestoreDiagram(stacks), RESTORE_BEGIN, RESTORE_END));
      io.stdout(`wrote ${path.relative(process.cwd(), target)}\n`);
      return ExitCode.ok;
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
}

if (require.main === module) runAsProcess(main);
