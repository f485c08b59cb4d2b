import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { checkOutputFolder } from '../stacks/synth-output';

const root = path.join(__dirname, '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const cdktf = path.join(root, 'node_modules', '.bin', 'cdktf');
const exampleConfigFile = path.join(root, 'config', 'lab.yaml');

function runMain(env: Record<string, string>) {
  return spawnSync(tsx, ['main.ts'], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
}

/** The README's command, run by the real cdktf CLI (it runs main.ts with its own environment). */
function runCdktfSynth(outdir: string, env: Record<string, string> = {}) {
  return spawnSync(cdktf, ['synth', '--output', outdir], { cwd: root, env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env }, encoding: 'utf8' });
}

/** Every file below `dir` with its content: equal snapshots mean nothing was written or deleted. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile()) files[path.relative(dir, file)] = fs.readFileSync(file, 'utf8');
  }
  return files;
}

/** A JavaScript stack frame as Node prints it (`    at f (file.ts:1:2)`), or as cdktf prints a recorded trace (`f (file.js:1:2)`). */
const STACK_FRAME = /^\s+at |\.[cm]?[jt]s:\d+:\d+\)?$/m;

/** The example config with a change, written to `file` (LAB_CONFIG reads it). */
function writeConfig(file: string, change: (raw: any) => void): string {
  const raw = parse(fs.readFileSync(exampleConfigFile, 'utf8'));
  change(raw);
  fs.writeFileSync(file, stringify(raw));
  return file;
}

let fixtures: string;
/** A complete output of the example config, written once; tests copy it as "the earlier good output". */
let good: string;
let goodRun: ReturnType<typeof runMain>;
beforeAll(() => {
  fixtures = fs.mkdtempSync(path.join(os.tmpdir(), 'main-cli-fixtures-'));
  good = path.join(fs.mkdtempSync(path.join(fixtures, 'good-')), 'out');
  goodRun = runMain({ CDKTF_OUTDIR: good, LAB_CONFIG: exampleConfigFile });
});
afterAll(() => fs.rmSync(fixtures, { recursive: true, force: true }));

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'main-cli-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A copy of the good output at `<dir>/out`. */
function earlierOutput(): string {
  const outdir = path.join(dir, 'out');
  fs.cpSync(good, outdir, { recursive: true });
  return outdir;
}

describe('main.ts (the cdktf app)', () => {
  test('synthesizes every stack of the example config into CDKTF_OUTDIR, leaving nothing beside it', () => {
    expect(goodRun.status).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(good, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['main', 'main-bootstrap', 'main-cluster', 'qnap', 'sandbox', 'sandbox-cluster']);
    expect(fs.readdirSync(path.dirname(good))).toEqual(['out']);
  });

  test('fails on a bad config: exits non-zero, names the field, writes no output', () => {
    const outdir = path.join(dir, 'out');
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, fs.readFileSync(exampleConfigFile, 'utf8').replace('delivery: eso', 'delivery: helm'));
    const result = runMain({ CDKTF_OUTDIR: outdir, LAB_CONFIG: bad });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/apps\[1\]\.delivery = "helm": must be one of "vso", "eso"/);
    expect(fs.readdirSync(dir)).toEqual(['bad.yaml']);
  });

  test('fails when cdktf would run another engine than terraform.engine names: the field, the variable, the fix, no output', () => {
    const outdir = path.join(dir, 'out');
    const result = runMain({ CDKTF_OUTDIR: outdir, TERRAFORM_BINARY_NAME: 'tofu' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^synthesis failed: invalid lab config .*lab\.yaml:\n {2}- terraform\.engine = "terraform": cdktf would run OpenTofu \(TERRAFORM_BINARY_NAME=tofu\)/);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(fs.existsSync(outdir)).toBe(false);
  });
});

describe('the output folder: synthesis never deletes what it did not write', () => {
  test('fails when the output folder is the project folder: exit 1, the path and the fix, nothing written', () => {
    const result = runMain({ CDKTF_OUTDIR: '.' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^synthesis failed: output folder \. \(.+\) is the project folder or holds it, .*set CDKTF_OUTDIR \(or `cdktf synth --output`\) to a new folder/);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(fs.readdirSync(root).filter((name) => /synthesizing|vault-platform-output|^manifest\.json$/.test(name))).toEqual([]);
  });

  test('fails when the output folder holds the project folder', () => {
    expect(() => checkOutputFolder(path.dirname(root))).toThrow(/output folder .* is the project folder or holds it/);
  });

  test('fails when the output folder is one of the project folders (docs)', () => {
    expect(() => checkOutputFolder(path.join(root, 'docs'))).toThrow(/output folder .*docs is not an earlier output \(it has no \.vault-platform-output\.json\) and holds files synthesis did not write \(.*\.md.*\), which replacing it would delete/);
  });

  test('fails when the output folder is inside a project folder (config/out)', () => {
    expect(() => checkOutputFolder(path.join(root, 'config', 'out'))).toThrow(/output folder .*config\/out is inside the project folder config\/; an output inside the project is a top-level folder of its own/);
  });

  test('fails when the output folder holds a file synthesis did not write', () => {
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'keep me');
    expect(() => checkOutputFolder(dir)).toThrow(`output folder ${dir} is not an earlier output (it has no .vault-platform-output.json) and holds files synthesis did not write (notes.txt)`);
  });

  test('fails when the output folder is a cdktf output without the record, saying how to move on', () => {
    const outdir = earlierOutput();
    fs.rmSync(path.join(outdir, '.vault-platform-output.json'));
    expect(() => checkOutputFolder(outdir)).toThrow(/If it is an output written before \.vault-platform-output\.json existed, move what you keep .* and remove the folder once/);
  });

  test('fails when the output folder is a file or a symbolic link', () => {
    fs.writeFileSync(path.join(dir, 'file'), '');
    fs.symlinkSync(fixtures, path.join(dir, 'link'));
    expect(() => checkOutputFolder(path.join(dir, 'file'))).toThrow(/output folder .*file is a file, not a folder/);
    expect(() => checkOutputFolder(path.join(dir, 'link'))).toThrow(/output folder .*link is a symbolic link/);
  });

  test('fails when a parent of the output folder is a symbolic link into a project folder (docs)', () => {
    // GIVEN a link outside the project that leads to docs/
    fs.symlinkSync(path.join(root, 'docs'), path.join(dir, 'docs-link'));
    // WHEN an output folder below the link is checked  THEN it is refused as inside docs/
    expect(() => checkOutputFolder(path.join(dir, 'docs-link', 'out'))).toThrow(/output folder .*docs-link\/out is inside the project folder docs\//);
  });

  test('fails when a parent of the output folder is a symbolic link to the project folder', () => {
    fs.symlinkSync(root, path.join(dir, 'project-link'));
    expect(() => checkOutputFolder(path.join(dir, 'project-link', 'config', 'out'))).toThrow(/is inside the project folder config\//);
  });

  test('accepts a new folder, an empty one and an earlier output', () => {
    expect(checkOutputFolder(path.join(dir, 'new'))).toBe(path.join(dir, 'new'));
    expect(checkOutputFolder(dir)).toBe(dir);
    expect(checkOutputFolder(good)).toBe(good);
  });
});

describe('rule findings fail synthesis whatever the environment says', () => {
  // The example roles' token_ttl (900 s and more) exceeds this ceiling: VP-TTL-1 findings in several stacks.
  const lowCeiling = (raw: any) => (raw.policy.ceilings.tokenTtl = 60);
  const finding = /\[qnap\/VaultServerTlsRole\/Resource\] \[VP-TTL-1\] token_ttl \(\d+s\) exceeds the ceiling policy\.ceilings\.tokenTtl \(60s\)/;
  let runs: Record<'continueOnErrors' | 'cli', { result: { status: number | null; stdout: string; stderr: string }; outdir: string; siblings: string[] }>;

  beforeAll(() => {
    const work = fs.mkdtempSync(path.join(fixtures, 'findings-'));
    const config = writeConfig(path.join(fixtures, 'low-ceiling.yaml'), lowCeiling);
    const run = (name: string, synth: (outdir: string) => ReturnType<typeof runMain>) => {
      const outdir = path.join(work, name, 'out');
      fs.mkdirSync(path.dirname(outdir));
      fs.cpSync(good, outdir, { recursive: true });
      const result = synth(outdir);
      return { result, outdir, siblings: fs.readdirSync(path.dirname(outdir)) };
    };
    // The app sets the variable itself while it builds the stacks (stacks/synth.ts), so a run without
    // it takes this same path.
    runs = {
      continueOnErrors: run('continue', (outdir) => runMain({ CDKTF_OUTDIR: outdir, LAB_CONFIG: config, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true' })),
      // cdktf-cli runs the app with CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS=true and prints the
      // error annotations of a written output itself, with traces (@cdktf/cli-core src/lib/synth-stack.ts, synth.ts).
      cli: run('cli', (outdir) => runCdktfSynth(outdir, { LAB_CONFIG: config })),
    };
  });

  test('fails with every finding and its construct path, without a stack trace, even with CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS=true (which cdktf suggests to skip them)', () => {
    const { result } = runs.continueOnErrors;
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^synthesis failed: the stacks carry \d+ errors, each with its construct path/);
    expect(result.stderr).toMatch(finding);
    expect(result.stderr).toMatch(/\[sandbox\/PlatformDeployRole\/Resource\] \[VP-TTL-1\]/);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  test('fails under `npx cdktf synth` with the same message and no stack trace', () => {
    const { result } = runs.cli;
    expect(result.status).not.toBe(0);
    const output = result.stdout + result.stderr;
    for (const line of runs.continueOnErrors.result.stderr.trim().split('\n')) expect(output).toContain(line.trim());
    expect(output).not.toMatch(STACK_FRAME);
  });

  test.each(['continueOnErrors', 'cli'] as const)('leaves the earlier good output untouched and nothing beside it (%s)', (name) => {
    expect(snapshot(runs[name].outdir)).toEqual(snapshot(good));
    expect(runs[name].siblings).toEqual(['out']);
  });
});

describe('`npx cdktf synth` over an earlier output', () => {
  let result: ReturnType<typeof runCdktfSynth>;
  let outdir: string;

  // GIVEN an output of a sharded config (stacks main-apps-0, sandbox-apps-0) in which Terraform and a
  // person left files, and whose main stack file was edited by hand
  beforeAll(() => {
    const sharded = writeConfig(path.join(fixtures, 'sharded.yaml'), (raw) => (raw.sharding = { shards: 1 }));
    outdir = path.join(fs.mkdtempSync(path.join(fixtures, 'earlier-')), 'out');
    expect(runMain({ CDKTF_OUTDIR: outdir, LAB_CONFIG: sharded }).status).toBe(0);
    fs.mkdirSync(path.join(outdir, 'stacks', 'main', '.terraform'));
    fs.writeFileSync(path.join(outdir, 'stacks', 'main', '.terraform', 'terraform.tfstate'), 'backend cache');
    fs.writeFileSync(path.join(outdir, 'stacks', 'main', '.terraform.lock.hcl'), 'provider lock');
    fs.writeFileSync(path.join(outdir, 'notes.txt'), 'keep me');
    fs.writeFileSync(path.join(outdir, 'stacks', 'main', 'cdk.tf.json'), '{}');
    // WHEN the README's command synthesizes the example config (no shards) into it
    result = runCdktfSynth(outdir, { LAB_CONFIG: exampleConfigFile });
  });

  test('succeeds, replacing the files synthesis wrote', () => {
    expect(result.status).toBe(0);
    expect(fs.readFileSync(path.join(outdir, 'stacks', 'main', 'cdk.tf.json'), 'utf8')).toBe(fs.readFileSync(path.join(good, 'stacks', 'main', 'cdk.tf.json'), 'utf8'));
  });

  test("keeps what synthesis did not write: Terraform's working files, a person's file", () => {
    expect(fs.readFileSync(path.join(outdir, 'stacks', 'main', '.terraform', 'terraform.tfstate'), 'utf8')).toBe('backend cache');
    expect(fs.readFileSync(path.join(outdir, 'stacks', 'main', '.terraform.lock.hcl'), 'utf8')).toBe('provider lock');
    expect(fs.readFileSync(path.join(outdir, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  test('the stack folders of the retired shards are gone (the CLI removes those the new manifest lacks)', () => {
    expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(['main', 'main-bootstrap', 'main-cluster', 'qnap', 'sandbox', 'sandbox-cluster']);
    expect(fs.readdirSync(path.dirname(outdir))).toEqual(['out']);
  });
});
