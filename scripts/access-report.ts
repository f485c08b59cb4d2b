import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { z } from 'zod';
import { AccessReport, buildAccessReport, diffReports, renderDiff, renderMarkdown, renderTable, SynthesizedStackJson, toJson } from '../access/access-report';
import { formatPath } from '../config/issues';
import { synthesizeLab } from '../stacks/synth';
import { ExitCode, processIo, readJsonFile, runAsProcess, runScript, ScriptIo, UsageError } from './cli';

const spec = {
  name: 'access-report',
  description:
    'Synthesizes the lab (LAB_CONFIG, else config/lab.yaml) and prints who can do what in each Vault:\n' +
    'identity (ServiceAccount, CI repo@ref, forge group, userpass account) -> role -> policies -> paths ->\n' +
    'capabilities (docs/security.md). With --diff, prints only what changed against a report written\n' +
    'earlier with --json: growth (+) fails a CI gate, shrinking (-) does not.',
  options: {
    json: { type: 'boolean', description: 'print the report as JSON (the base for a later --diff)' },
    markdown: { type: 'boolean', description: 'print Markdown tables (for a pull request); with --diff, the diff as a table' },
    diff: { type: 'string', value: 'BASE.json', description: 'compare with a report written by --json' },
  },
  exits: {
    ok: 'report printed; with --diff: access is the same as the base, or only shrank (revoked grants are listed)',
    finding: 'with --diff: access grew (a new identity, path or capability vs the base)',
  },
} as const;

const BASE_FIX = 'write the base with `npm run -s access-report -- --json > base.json`';

/** The shape `toJson` writes; `--diff` reads nothing else. */
const reportJsonSchema = z.object({
  vaults: z.array(
    z.object({
      vault: z.string(),
      rows: z.array(
        z.object({
          identity: z.string(),
          role: z.string(),
          grants: z.array(z.object({ path: z.string(), capabilities: z.array(z.string()) })),
        }),
      ),
    }),
  ),
});

function readBase(file: string): Pick<AccessReport, 'vaults'> {
  const parsed = reportJsonSchema.safeParse(readJsonFile('--diff', file, BASE_FIX));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--diff ${file}: ${formatPath(issue.path) || '(root)'}: ${issue.message}; it is not a report written by --json; ${BASE_FIX}`);
  }
  return parsed.data as unknown as Pick<AccessReport, 'vaults'>;
}

/**
 * What `current` adds to `base`: the grants `diffReports` finds, and the logins (Vault, identity,
 * role) the base lacks that hold no grant here, which the grant diff cannot show. Such a login still
 * gets a token, with the `default` policy unless the role sets token_no_default_policy (Vault's
 * handleLoginRequest, hashicorp/vault vault/request_handling.go).
 */
export function accessGrowth(base: Pick<AccessReport, 'vaults'>, current: Pick<AccessReport, 'vaults'>) {
  const login = (vault: string, row: { identity: string; role: string }) => JSON.stringify([vault, row.identity, row.role]);
  const before = new Set(base.vaults.flatMap((v) => v.rows.map((r) => login(v.vault, r))));
  const bareLogins = current.vaults.flatMap((v) =>
    v.rows.filter((r) => r.grants.length === 0 && !before.has(login(v.vault, r))).map((r) => `${v.vault}  ${r.identity}  ${r.role}`),
  );
  const diff = diffReports(base, current);
  return { diff, bareLogins, grew: diff.granted.length + bareLogins.length > 0 };
}

export function main(argv: readonly string[], io: ScriptIo = processIo): Promise<number> {
  return runScript(spec, argv, io, async ({ values }) => {
    if (values.json && values.markdown) throw new UsageError('--json and --markdown exclude each other; give one');
    if (values.json && values.diff !== undefined) throw new UsageError('--json writes a base, --diff compares with one; give one');
    // The base is checked before the (slow) synthesis.
    const base = values.diff === undefined ? undefined : readBase(values.diff);
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
      if (!base) {
        io.stdout(`${values.json ? toJson(report) : values.markdown ? renderMarkdown(report) : renderTable(report)}\n`);
        return ExitCode.ok;
      }
      const { diff, bareLogins, grew } = accessGrowth(base, report);
      const grantsChanged = diff.granted.length + diff.revoked.length > 0;
      const lines = [
        ...(grantsChanged || bareLogins.length === 0 ? [renderDiff(diff, values.markdown)] : []),
        ...(bareLogins.length > 0 ? [`${bareLogins.length} new login(s) without grants:`, ...bareLogins.map((l) => `+ ${l}`)] : []),
      ];
      io.stdout(`${lines.join('\n')}\n`);
      return grew ? ExitCode.finding : ExitCode.ok;
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
}

if (require.main === module) runAsProcess(main);
