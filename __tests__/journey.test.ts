import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import {
  commandsInMarkdown,
  commandsInWorkflow,
  DocumentedCommand,
  documentationFiles,
  matchStacks,
  stackSelectors,
  workflowFiles,
} from './support/documented-commands';
import { validateLabConfig } from '../config/load';
import { ENGINE_BINARY_ENV, ENGINES, EngineName } from '../config/schema-engine';
import { generateWorkflows, PLATFORM_WORKFLOW_PATH } from '../stacks/ci-workflows';
import { postgresAvailable, startPostgres, ThrowawayPostgres } from './support/postgres';
import { terraformAvailable } from './support/terraform';

/**
 * The user's journey: every `cdktf` command that README.md, docs/*.md and the generated workflows show
 * is read from those files and run as written through the real cdktf CLI and the real Terraform CLI.
 * The one thing this machine cannot do is download providers, so Terraform gets a provider mirror that
 * is empty: each command must get through the CLI (stack selection, dependency checks, synthesis) and
 * Terraform's backend initialization, and stop exactly at the provider installation. State backends are
 * real: the `pg` backend initializes against a throwaway PostgreSQL.
 *
 * Each engine whose program is installed gets a pass (cdktf runs the program TERRAFORM_BINARY_NAME
 * names): a command that names an engine runs in that engine's pass only, every other command in each
 * pass. An engine that is not installed is reported as skipped, with the commands it would have run.
 */

const ROOT = path.join(__dirname, '..');
const CDKTF = path.join(ROOT, 'node_modules', '.bin', 'cdktf');
/** Commands in this file run against a sharded config (they name shard stacks). */
const SHARDED_DOCS = new Set(['docs/sharding.md']);
/** One shard named as docs/sharding.md names it (`main-apps-2`), holding the app its recipe moves. */
const SHARDING = { groups: { '2': ['webapp'] } };

interface Run {
  readonly status: number | null;
  readonly output: string;
}

interface Manifest {
  readonly stacks: Record<string, { readonly dependencies: string[]; readonly synthesizedStackPath: string }>;
}

const plain = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

/**
 * The cdktf processes still running. A setup that timed out goes on after the teardown (Jest does not
 * stop it): the teardown kills what runs and no command starts after it.
 */
const running = new Set<ChildProcess>();
let tornDown = false;

function run(args: string[], env: Record<string, string>): Promise<Run> {
  if (tornDown) return Promise.resolve({ status: null, output: 'not run: the test file was torn down' });
  return new Promise((resolve) => {
    const child = spawn(CDKTF, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (status) => {
      running.delete(child);
      resolve({ status, output: plain(output) });
    });
  });
}

interface Task<T> {
  /** What the task must hold alone while it runs (two runs on one stack race on its `.terraform` lock and its state schema). */
  readonly holds: readonly string[];
  readonly run: () => Promise<T>;
}

/** Runs `tasks` with at most `limit` at a time (each cdktf process keeps a core busy), never two holding one thing. */
async function pool<T>(tasks: Task<T>[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  const pending = tasks.map((_, i) => i);
  const held = new Set<string>();
  const waiting: (() => void)[] = [];
  const worker = async () => {
    while (pending.length > 0) {
      const at = pending.findIndex((i) => tasks[i].holds.every((h) => !held.has(h)));
      if (at < 0) {
        await new Promise<void>((resolve) => waiting.push(resolve));
        continue;
      }
      const [i] = pending.splice(at, 1);
      tasks[i].holds.forEach((h) => held.add(h));
      try {
        results[i] = await tasks[i].run();
      } finally {
        tasks[i].holds.forEach((h) => held.delete(h));
        waiting.splice(0).forEach((resume) => resume());
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

const shardedConfig = parse(fs.readFileSync(path.join(ROOT, 'config', 'lab.yaml'), 'utf8'));
shardedConfig.sharding = SHARDING;
/** The platform workflow the generator writes for a sharded lab (its main jobs; sandbox's are alike). */
const SHARDED_WORKFLOW = 'vault-platform (sharded).yml';
/** The platform workflow the generator writes for the example lab on OpenTofu: the same stacks, run with tofu. */
const OPENTOFU_WORKFLOW = 'vault-platform (opentofu).yml';
const opentofuConfig = { ...parse(fs.readFileSync(path.join(ROOT, 'config', 'lab.yaml'), 'utf8')), terraform: { engine: 'opentofu' } };
const shardedWorkflowDir = fs.mkdtempSync(path.join(os.tmpdir(), 'journey-workflow-'));
const platformWorkflowOf = (raw: unknown, name: string) => generateWorkflows(validateLabConfig(raw, name)).find((f) => f.path === PLATFORM_WORKFLOW_PATH)!.content;
fs.writeFileSync(path.join(shardedWorkflowDir, SHARDED_WORKFLOW), platformWorkflowOf(shardedConfig, 'sharded'));
fs.writeFileSync(path.join(shardedWorkflowDir, OPENTOFU_WORKFLOW), platformWorkflowOf(opentofuConfig, 'opentofu'));

const documented: DocumentedCommand[] = [
  ...documentationFiles(ROOT).flatMap((file) => commandsInMarkdown(ROOT, file)),
  ...workflowFiles(ROOT).flatMap((file) => commandsInWorkflow(ROOT, file)),
  ...commandsInWorkflow(shardedWorkflowDir, SHARDED_WORKFLOW).filter((c) => /\((deploy|diff)-main\)$/.test(c.source)),
  ...commandsInWorkflow(shardedWorkflowDir, OPENTOFU_WORKFLOW),
];
fs.rmSync(shardedWorkflowDir, { recursive: true, force: true });
const stackCommands = documented.filter((c) => c.args[0] === 'deploy' || c.args[0] === 'diff');
const configOf = (c: DocumentedCommand) => (SHARDED_DOCS.has(c.file) || c.file === SHARDED_WORKFLOW ? 'sharded' : 'example');
/**
 * Commands that behave the same up to the provider download run once: same config, arguments (the
 * test adds `--skip-synth` to every one; `--auto-approve` acts only after the plan) and environment
 * (the test sets CHECKPOINT_DISABLE=1 for every one).
 */
const NO_EFFECT_BEFORE_PLAN = new Set(['--skip-synth', '--auto-approve']);

const ENGINE_NAMES = Object.keys(ENGINES) as EngineName[];
/** The engine a command names with TERRAFORM_BINARY_NAME, if it names one. */
function engineNamed(c: DocumentedCommand): EngineName | undefined {
  const binary = c.env[ENGINE_BINARY_ENV];
  if (binary === undefined) return undefined;
  const engine = ENGINE_NAMES.find((e) => ENGINES[e].binary === binary);
  if (!engine) throw new Error(`${c.source}: ${ENGINE_BINARY_ENV}=${binary} is no engine's program (${ENGINE_NAMES.map((e) => ENGINES[e].binary).join(', ')})`);
  return engine;
}

interface EngineRun {
  readonly engine: EngineName;
  readonly command: DocumentedCommand;
}
const engineRuns: EngineRun[] = stackCommands.flatMap((command) => (engineNamed(command) ? [engineNamed(command)!] : ENGINE_NAMES).map((engine) => ({ engine, command })));
const installed = new Set(ENGINE_NAMES.filter((e) => terraformAvailable(ENGINES[e].binary)));
const runnable = engineRuns.filter((r) => installed.has(r.engine));
const keyOf = ({ engine, command: c }: EngineRun) =>
  JSON.stringify([
    engine,
    configOf(c),
    c.args.filter((a) => !NO_EFFECT_BEFORE_PLAN.has(a)),
    Object.entries(c.env).filter(([k, v]) => !(k === 'CHECKPOINT_DISABLE' && v === '1') && k !== ENGINE_BINARY_ENV),
  ]);

const ready = installed.has('terraform') && postgresAvailable();
const describeJourney = ready ? describe : describe.skip;
if (!ready) {
  // eslint-disable-next-line no-console
  console.warn('skipping the journey test: it needs the terraform binary on PATH and PostgreSQL 15 server binaries');
}
for (const engine of ENGINE_NAMES.filter((e) => !installed.has(e))) {
  const named = [...new Set(engineRuns.filter((r) => r.engine === engine && engineNamed(r.command) === engine).map((r) => r.command.source))];
  // eslint-disable-next-line no-console
  console.warn(
    `skipping the journey's ${ENGINES[engine].product} pass: no \`${ENGINES[engine].binary}\` on PATH, so ${engineRuns.filter((r) => r.engine === engine).length} command runs ` +
      `were not made with it${named.length > 0 ? `, among them the commands that name it: ${named.join(', ')}` : ''}`,
  );
}

describe('which engine runs each documented command', () => {
  test("the OpenTofu workflow's commands run with tofu: the cdktf step's TERRAFORM_BINARY_NAME is carried to each", () => {
    const commands = documented.filter((c) => c.file === OPENTOFU_WORKFLOW);
    expect(commands.map((c) => c.args[0]).sort()).toEqual(['deploy', 'deploy', 'diff', 'diff']);
    for (const c of commands) expect({ command: c.source, engine: engineNamed(c) }).toEqual({ command: c.source, engine: 'opentofu' });
  });

  test("the committed workflow's commands name no engine, so they run with every installed engine", () => {
    const commands = engineRuns.filter((r) => r.command.file === '.gitea/workflows/vault-platform.yml');
    expect(commands.filter((r) => r.engine === 'terraform')).toHaveLength(4);
    expect(commands.filter((r) => r.engine === 'opentofu')).toHaveLength(4);
  });

  test('fails when a command names a program that is no engine', () => {
    const command: DocumentedCommand = { source: 'x.md:1', file: 'x.md', line: 'TERRAFORM_BINARY_NAME=terraform1.11 cdktf diff main', env: { TERRAFORM_BINARY_NAME: 'terraform1.11' }, args: ['diff', 'main'] };
    expect(() => engineNamed(command)).toThrow(/x\.md:1: TERRAFORM_BINARY_NAME=terraform1\.11 is no engine's program \(terraform, tofu\)/);
  });
});

describeJourney('every documented cdktf command reaches Terraform', () => {
  let dir: string;
  let pg: ThrowawayPostgres;
  let env: Record<string, string>;
  const outdirs: Record<string, string> = {};
  const manifests: Record<string, Manifest> = {};
  const synths: Record<string, Run> = {};
  const results = new Map<string, Run>();
  /** When each command ran, and on which stacks. */
  const spans: { command: string; stacks: readonly string[]; start: number; end: number }[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journey-'));
    pg = await startPostgres();
    // Every pg backend init runs `CREATE SEQUENCE IF NOT EXISTS public.global_states_id_seq`, one
    // sequence for all state schemas (hashicorp/terraform internal/backend/remote-state/pg/backend.go):
    // two first inits at once on a new database race on it ("duplicate key value violates unique
    // constraint"). The database is made as it is after the operator's first init, by the same role.
    pg.psql(
      "CREATE ROLE terraform LOGIN PASSWORD 'journey-only';\nCREATE DATABASE tfstate OWNER terraform;\n" +
        '\\connect tfstate\nSET ROLE terraform;\nCREATE SEQUENCE public.global_states_id_seq AS bigint;\n',
    );
    // An empty filesystem mirror is the only provider source: Terraform stops where it would download.
    const mirror = path.join(dir, 'providers');
    fs.mkdirSync(mirror);
    fs.writeFileSync(path.join(dir, 'cli.tfrc'), `provider_installation {\n  filesystem_mirror {\n    path    = "${mirror}"\n    include = ["*/*/*"]\n  }\n}\n`);
    env = {
      CHECKPOINT_DISABLE: '1',
      TF_CLI_CONFIG_FILE: path.join(dir, 'cli.tfrc'),
      PG_CONN_STR: `postgres://terraform:journey-only@127.0.0.1:${pg.port}/tfstate?sslmode=disable`,
    };
    fs.writeFileSync(path.join(dir, 'sharded.yaml'), stringify(shardedConfig));
    const configs: Record<string, Record<string, string>> = { example: {}, sharded: { LAB_CONFIG: path.join(dir, 'sharded.yaml') } };

    // One real `cdktf synth` per config (the README's first command); every deploy and diff reuses it.
    await pool(
      Object.entries(configs).map(([name, configEnv]) => ({
        holds: [],
        run: async () => {
          outdirs[name] = path.join(dir, `out-${name}`);
          synths[name] = await run(['synth', '--output', outdirs[name]], { ...env, ...configEnv });
          if (synths[name].status === 0) manifests[name] = JSON.parse(fs.readFileSync(path.join(outdirs[name], 'manifest.json'), 'utf8'));
        },
      })),
      2,
    );
    const unique = new Map(runnable.map((r) => [keyOf(r), r]));
    await pool(
      [...unique.entries()].map(([key, { engine, command: c }]) => {
        const config = configOf(c);
        // By stack name across configs and engines: the sharded and example labs share state schemas.
        const stacks = Object.keys(manifests[config]?.stacks ?? {});
        const holds = stackSelectors(c.args).flatMap((s) => matchStacks(s, stacks));
        return {
          holds,
          run: async () => {
            const args = c.args.includes('--skip-synth') ? c.args : [...c.args, '--skip-synth'];
            const engineEnv = { [ENGINE_BINARY_ENV]: ENGINES[engine].binary };
            const start = performance.now();
            results.set(key, await run([...args, '--output', outdirs[config]], { ...env, ...configs[config], ...c.env, ...engineEnv }));
            spans.push({ command: `${config}: ${c.line}`, stacks: holds, start, end: performance.now() });
          },
        };
      }),
      4,
    );
  }, 240000);

  afterAll(async () => {
    tornDown = true;
    running.forEach((child) => child.kill('SIGKILL'));
    await pg?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('no two commands ran on one stack at the same time (they would race on its .terraform lock and state schema)', () => {
    expect(spans.length).toBe(results.size);
    const overlapping = spans.flatMap((a, i) =>
      spans.slice(i + 1).filter((b) => a.start < b.end && b.start < a.end && a.stacks.some((s) => b.stacks.includes(s))).map((b) => `${a.command} | ${b.command}`),
    );
    expect(overlapping).toEqual([]);
  });

  test('the documents and workflows show deploy and diff commands (the extraction finds them)', () => {
    const sources = new Set(stackCommands.map((c) => c.file));
    for (const file of ['README.md', 'docs/runbook.md', 'docs/sharding.md', '.gitea/workflows/vault-platform.yml']) expect(sources).toContain(file);
    expect(stackCommands.filter((c) => c.file === '.gitea/workflows/vault-platform.yml').map((c) => c.args[0]).sort()).toEqual(['deploy', 'deploy', 'diff', 'diff']);
  });

  test.each(['example', 'sharded'])('`cdktf synth` of the %s config succeeds through the real CLI', (config) => {
    expect(synths[config].output).not.toMatch(/Error/);
    expect(synths[config].status).toBe(0);
  });

  test.each(runnable.map((r) => [ENGINES[r.engine].product, r.command.source, r.command.line, r] as const))('%s: %s: `%s` stops only at the provider download', (_product, _source, _line, r) => {
    const c = r.command;
    const result = results.get(keyOf(r))!;
    const manifest = manifests[configOf(c)];
    const stacks = Object.keys(manifest.stacks);
    const selectors = stackSelectors(c.args);
    // `cdktf diff [stack]` plans one stack; a second name would be ignored without a word.
    if (c.args[0] === 'diff') expect(selectors).toHaveLength(1);
    const selected = [...new Set(selectors.flatMap((s) => matchStacks(s, stacks)))];
    expect(selected.length).toBeGreaterThan(0);
    // Not stopped by the CLI: no usage error, no dependency refusal.
    expect(result.output).not.toMatch(/Usage Error|dependencies are not included|Could not find stack/);
    // The stacks that start first (no dependency inside the selection) ran Terraform: the backend
    // initialized and Terraform read each provider requirement from the synthesized JSON. OpenTofu
    // prints the same lines and error summary (opentofu/opentofu internal/command/views/backend.go,
    // views/init.go, command/init.go), and reads the empty mirror from TF_CLI_CONFIG_FILE
    // (internal/command/cliconfig/cliconfig.go); the last error is cdktf's own.
    const first = selected.filter((s) => !manifest.stacks[s].dependencies.some((d) => selected.includes(d)));
    expect(first.length).toBeGreaterThan(0);
    for (const stack of first) {
      expect(result.output).toMatch(new RegExp(`^${stack}\\s+Initializing the backend\\.\\.\\.`, 'm'));
      const json = JSON.parse(fs.readFileSync(path.join(outdirs[configOf(c)], manifest.stacks[stack].synthesizedStackPath), 'utf8'));
      for (const provider of Object.values<any>(json.terraform.required_providers)) {
        const source = provider.source.includes('/') ? provider.source : `hashicorp/${provider.source}`;
        expect(result.output).toContain(`Finding ${source} versions matching "${provider.version}"`);
      }
    }
    // ...and the only errors are the missing providers and cdktf's report of that init failure.
    const errors = result.output.split('\n').filter((line) => /\bError:/.test(line)).map((line) => line.replace(/^[\s│]*/, ''));
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error).toMatch(/^Error: (Failed to query available provider packages|terraform init failed with exit code 1)$/);
    expect(result.status).not.toBe(0);
  });

  test('the pg backend really initialized: each environment stack CI runs has its schema in the state database', async () => {
    const client = await pg.superuser('tfstate');
    const { rows } = await client.query("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'vault%'");
    const schemas = rows.map((r) => r.schema_name);
    expect(schemas).toEqual(expect.arrayContaining(['vault_platform_main', 'vault_sandbox_sandbox']));
  });

  /**
   * Documents that give an order (README's operator section, the runbook) deploy every stack after, or
   * together with, the stacks it depends on; what CI deploys depends only on stacks the runbook deploys.
   */
  test.each(['README.md', 'docs/runbook.md'])('%s deploys each stack after the stacks it depends on', (file) => {
    const manifest = manifests.example;
    const deployed = new Set<string>();
    for (const c of stackCommands.filter((x) => x.file === file && x.args[0] === 'deploy')) {
      const selected = stackSelectors(c.args).flatMap((s) => matchStacks(s, Object.keys(manifest.stacks)));
      for (const stack of selected) {
        const missing = manifest.stacks[stack].dependencies.filter((d) => !deployed.has(d) && !selected.includes(d));
        expect({ command: c.source, stack, missing }).toEqual({ command: c.source, stack, missing: [] });
      }
      selected.forEach((s) => deployed.add(s));
    }
    expect(deployed.size).toBeGreaterThan(0);
  });

  test("CI deploys only stacks whose dependencies the runbook's operator deploys first", () => {
    const ciDeploys = stackCommands.filter((x) => (x.file.startsWith('.gitea/') || x.file === SHARDED_WORKFLOW) && x.args[0] === 'deploy');
    expect(ciDeploys.length).toBeGreaterThan(2);
    for (const c of ciDeploys) {
      const manifest = manifests[configOf(c)];
      const select = (x: DocumentedCommand) => stackSelectors(x.args).flatMap((s) => matchStacks(s, Object.keys(manifest.stacks)));
      const byOperator = new Set(stackCommands.filter((x) => x.file === 'docs/runbook.md' && x.args[0] === 'deploy').flatMap(select));
      const selected = select(c);
      for (const stack of selected) {
        const unmet = manifest.stacks[stack].dependencies.filter((d) => !selected.includes(d) && !byOperator.has(d));
        expect({ command: c.source, stack, unmet }).toEqual({ command: c.source, stack, unmet: [] });
      }
    }
  });

  /** Terraform commands in the docs name resources by address: each must exist in what synthesis writes. */
  test('every address the runbook replaces exists in the stack it is run in', () => {
    const text = fs.readFileSync(path.join(ROOT, 'docs', 'runbook.md'), 'utf8');
    const replaces = [...text.matchAll(/cd cdktf\.out\/stacks\/(\S+) && terraform apply -replace=(\S+)/g)];
    expect(replaces.length).toBeGreaterThan(0);
    for (const [, stack, address] of replaces) {
      const json = JSON.parse(fs.readFileSync(path.join(outdirs.example, manifests.example.stacks[stack].synthesizedStackPath), 'utf8'));
      const [type, name] = address.split('.');
      expect({ stack, address, exists: Boolean(json.resource?.[type]?.[name]) }).toEqual({ stack, address, exists: true });
    }
  });

  test("the state-move recipe's address filter selects exactly the moved app's resources in both stacks", () => {
    const text = fs.readFileSync(path.join(ROOT, 'docs', 'sharding.md'), 'utf8');
    const [, pattern, app] = /grep '(\\\.Apps_([a-z0-9-]+)_)'/.exec(text)!;
    const filter = new RegExp(pattern);
    const addresses = (stack: string) => {
      const json = JSON.parse(fs.readFileSync(path.join(outdirs.sharded, manifests.sharded.stacks[stack].synthesizedStackPath), 'utf8'));
      return Object.entries<Record<string, unknown>>(json.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`));
    };
    const shardOfApp = Object.keys(manifests.sharded.stacks).filter((s) => s.startsWith('main-apps-')).find((s) => addresses(s).some((a) => filter.test(a)))!;
    expect(shardOfApp).toBeDefined();
    const moved = addresses(shardOfApp).filter((a) => filter.test(a));
    // Every resource of the app matches, and nothing of another app does.
    expect(moved.every((a) => a.includes(`.Apps_${app}_`))).toBe(true);
    expect(addresses(shardOfApp).filter((a) => a.includes(`Apps_${app}_`) && !filter.test(a))).toEqual([]);
    expect(addresses('main').filter((a) => filter.test(a))).toEqual([]);
  });
});
