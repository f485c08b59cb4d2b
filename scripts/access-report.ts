import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildAccessReport, diffReports, renderDiff, renderMarkdown, renderTable, SynthesizedStackJson, toJson } from '../access/access-report';
import { synthesizeLab } from '../stacks/synth';

/**
 * `npm run access-report [-- --json | --markdown] [--diff BASE.json]`: synthesizes the lab
 * (LAB_CONFIG or the example) and prints who can do what in each Vault.
 */
async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  const markdown = argv.includes('--markdown');
  const diffIndex = argv.indexOf('--diff');
  const basePath = diffIndex >= 0 ? argv[diffIndex + 1] : undefined;
  if (diffIndex >= 0 && !basePath) throw new Error('--diff needs the path of a report written with --json, e.g. --diff base.json');
  const unknown = argv.filter((a, i) => !['--json', '--markdown', '--diff'].includes(a) && (diffIndex < 0 || i !== diffIndex + 1));
  if (unknown.length > 0) throw new Error(`unknown argument(s) ${unknown.join(' ')}; use --json, --markdown, --diff BASE.json`);

  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'access-report-'));
  try {
    synthesizeLab(outdir);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
      stacks: Record<string, { synthesizedStackPath: string }>;
    };
    const stacks: SynthesizedStackJson[] = Object.entries(manifest.stacks).map(([stack, s]) => ({
      stack,
      json: JSON.parse(fs.readFileSync(path.join(outdir, s.synthesizedStackPath), 'utf8')),
    }));
    const report = await buildAccessReport(stacks);
    if (basePath) {
      const base = JSON.parse(fs.readFileSync(basePath, 'utf8'));
      process.stdout.write(`${renderDiff(diffReports(base, report), markdown)}\n`);
    } else {
      process.stdout.write(`${json ? toJson(report) : markdown ? renderMarkdown(report) : renderTable(report)}\n`);
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((e: Error) => {
  process.stderr.write(`access-report: ${e.message}\n`);
  process.exit(1);
});
