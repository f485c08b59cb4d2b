import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { isDeepStrictEqual } from 'util';
import { App, DataTerraformRemoteStateLocal, LocalBackend, PgBackend, S3Backend, TerraformBackend, TerraformDataSource, TerraformElement, TerraformProvider, TerraformResource, TerraformStack } from 'cdktf';
import { loadLabConfig, validateLabConfig } from '../config/load';
import { buildLab } from '../stacks/lab';
import { appCosts } from '../stacks/resource-budget';
import { ExitCode, processIo, runAsProcess, runScript, ScriptIo, UsageError } from './cli';
import { generateFleetInput } from './fleet';

/*
 * For each size, one child process synthesizes a generated lab of that many apps (every feature
 * on) the way main.ts does, and a second child synthesizes the floor: the very same Terraform
 * blocks, read back from the first child's output and instantiated directly with the provider
 * classes (no constructs of ours, no config, no lazy policy rendering). Separate processes keep
 * memory figures clean; each child times one synthesis, and the two variants alternate for as many
 * iterations as asked. Timings are the best of the iterations; nothing here is a test.
 */

const ROOT = path.join(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const DOCS = path.join(ROOT, 'docs', 'performance.md');
const BEGIN = '<!-- bench:begin (npm run bench -- --write-docs rewrites this section) -->';
const END = '<!-- bench:end -->';
/** A child process gets its arguments (JSON) here, not on the command line the user types. */
const CHILD_ENV = 'VAULT_PLATFORM_BENCH_CHILD';
/**
 * Peak RSS grows by about 1.3 MB per app (1273 MB at 1000 apps, docs/performance.md): 2000 apps
 * keep a child well inside node 20's default heap limit (about 4 GB on this machine).
 */
const MAX_SIZE = 2000;
/** Rounds per size; a 1000-app round takes about a minute on the reference machine. */
const MAX_ITERATIONS = 20;

const spec = {
  name: 'bench',
  description:
    'Synthesis time and memory of generated labs (every feature on) against a floor: the same Terraform blocks\n' +
    'built directly with the provider classes (docs/performance.md). Nothing here is a test.',
  options: {
    sizes: { type: 'string', value: 'N,N,…', description: `app counts to measure, 1 to ${MAX_SIZE} each (default: 10,100,1000)` },
    iterations: { type: 'string', value: 'N', description: `rounds per size, 1 to ${MAX_ITERATIONS}; the best is kept (default: 5 below 100 apps, else 3)` },
    'write-docs': { type: 'boolean', description: 'also rewrite the results section of docs/performance.md' },
    'skip-cdktf': { type: 'boolean', description: 'skip timing `cdktf synth`, `tsx main.ts` and `tsc` on the example lab' },
  },
  exits: { ok: 'the results were printed (the target is reported, not enforced)' },
} as const;

/** `item` of the value of `flag` as a whole number from `min` to `max`, or a usage error naming both. */
function boundedInteger(flag: string, value: string, item: string, min: number, max: number): number {
  const n = /^\d+$/.test(item) ? Number(item) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${flag} ${value}: ${JSON.stringify(item)} is not a whole number from ${min} to ${max}`);
  return n;
}

interface ChildResult {
  readonly variant: 'project' | 'floor';
  readonly apps: number;
  readonly iterations: number;
  /** Best wall times in ms. */
  readonly configMs: number;
  readonly constructMs: number;
  readonly synthMs: number;
  readonly totalMs: number;
  /** Best CPU time (user + system) of this process in ms: less sensitive to other load than wall time. */
  readonly cpuMs: number;
  /** Best CPU time of `app.synth()` alone. */
  readonly synthCpuMs: number;
  /** Best CPU time before `app.synth()`: config and construct tree (the floor has no config). */
  readonly buildCpuMs: number;
  readonly resources: number;
  readonly dataSources: number;
  readonly resourcesPerApp: number;
  readonly dataSourcesPerApp: number;
  readonly jsonBytes: number;
  readonly peakRssMb: number;
  readonly baselineRssMb: number;
  /** Floor only: stacks whose JSON differs from the project's (should be 0). */
  readonly differingStacks?: number;
}

const now = () => performance.now();
/**
 * Apps of the untimed warm-up synthesis each child runs first, so that what is timed is code the
 * JIT has already optimized, as in a long-running process, at every size.
 */
const warmupApps = (size: number) => Math.min(size, 100);
const cpuSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
const rssMb = () => process.resourceUsage().maxRSS / 1024;

function stackJsons(outdir: string): Record<string, any> {
  const dir = path.join(outdir, 'stacks');
  return Object.fromEntries(fs.readdirSync(dir).map((name) => [name, JSON.parse(fs.readFileSync(path.join(dir, name, 'cdk.tf.json'), 'utf8'))]));
}

function jsonBytes(outdir: string): number {
  const dir = path.join(outdir, 'stacks');
  return fs.readdirSync(dir).reduce((n, name) => n + fs.statSync(path.join(dir, name, 'cdk.tf.json')).size, 0);
}

function countBlocks(jsons: Record<string, any>, kind: 'resource' | 'data'): number {
  return Object.values(jsons).reduce(
    (n, json) => n + Object.values(json[kind] ?? {}).reduce((m: number, byId: any) => m + Object.keys(byId).length, 0),
    0
  );
}

// ---------------------------------------------------------------- project child

function runProject(size: number, outdir: string): ChildResult {
  const example = loadLabConfig();
  const input = generateFleetInput(size, example);
  // Warm the JIT on a smaller fleet, as the floor child does on the same share of its blocks.
  const warmup = `${outdir}-warmup`;
  const warmApp = new App({ outdir: warmup, skipValidation: false });
  buildLab(warmApp, validateLabConfig(generateFleetInput(warmupApps(size), example)));
  warmApp.synth();
  fs.rmSync(warmup, { recursive: true, force: true });
  const baselineRssMb = rssMb();
  fs.rmSync(outdir, { recursive: true, force: true });
  const c0 = process.cpuUsage();
  const t0 = now();
  const config = validateLabConfig(JSON.parse(JSON.stringify(input)), '<bench>');
  const t1 = now();
  const app = new App({ outdir, skipValidation: false });
  buildLab(app, config);
  const t2 = now();
  const c2 = process.cpuUsage();
  app.synth();
  const synthCpuMs = cpuSince(c2);
  const t3 = now();
  const cpuMs = cpuSince(c0);
  const peakRssMb = rssMb();
  const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
  const jsons = stackJsons(outdir);
  const perApp = [...(appCosts(stacks).get('main')?.values() ?? [])];
  return {
    variant: 'project',
    apps: size,
    iterations: 1,
    configMs: t1 - t0,
    constructMs: t2 - t1,
    synthMs: t3 - t2,
    totalMs: t3 - t0,
    cpuMs,
    synthCpuMs,
    buildCpuMs: cpuMs - synthCpuMs,
    resources: countBlocks(jsons, 'resource'),
    dataSources: countBlocks(jsons, 'data'),
    resourcesPerApp: perApp.reduce((n, c) => n + c.resources, 0) / Math.max(perApp.length, 1),
    dataSourcesPerApp: perApp.reduce((n, c) => n + c.dataSources, 0) / Math.max(perApp.length, 1),
    jsonBytes: jsonBytes(outdir),
    peakRssMb,
    baselineRssMb,
  };
}

// ---------------------------------------------------------------- floor child

export type ElementClass = new (scope: TerraformStack, id: string, config: any) => TerraformElement;

/**
 * `data.terraform_remote_state` (cross-stack references, e.g. main-cluster reading the qnap state)
 * is Terraform's own data source, not a provider's: built with cdktf's class for its backend.
 */
function remoteStateFloor(stack: TerraformStack, id: string, config: any): TerraformElement {
  if (config.backend !== 'local') throw new Error(`floor: terraform_remote_state with backend '${config.backend}' is not supported`);
  return new DataTerraformRemoteStateLocal(stack, id, { ...config.config, workspace: config.workspace });
}

/** `vault_kubernetes_auth_backend_role` → the class of `@cdktf/provider-vault/lib/kubernetes-auth-backend-role`. */
function providerClass(type: string, kind: 'resource' | 'data' | 'provider'): ElementClass {
  if (kind === 'data' && type === 'terraform_remote_state') return remoteStateFloor as unknown as ElementClass;
  const provider = kind === 'provider' ? type : type.split('_')[0];
  const rest =
    kind === 'provider' ? 'provider' : kind === 'data' ? `data-${type.replace(/_/g, '-')}` : type.slice(provider.length + 1).replace(/_/g, '-');
  const mod = require(`@cdktf/provider-${provider}/lib/${rest}`);
  const found = Object.values(mod).find((c: any) => typeof c === 'function' && c.tfResourceType === type);
  if (!found) throw new Error(`no provider class for ${kind} ${type} in @cdktf/provider-${provider}/lib/${rest}`);
  return found as ElementClass;
}

const META_ARGUMENTS = new Set(['depends_on', 'lifecycle', 'provider', 'count', 'for_each', 'connection', 'provisioner']);

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A deep copy of `value` without cdktf's `//` metadata keys, every other key renamed by `rename`. */
function mapKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => mapKeys(v, rename));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== '//')
        .map(([k, v]) => [rename(k), mapKeys(v, rename)])
    );
  }
  return value;
}

/** Snake-case Terraform attributes back to the provider classes' camel-case config. */
const toConfig = (value: unknown) => mapKeys(value, camel);

const withoutMetadata = (value: unknown) => mapKeys(value, (key) => key);

/**
 * How the floor hands one type's attributes to its provider class. Attributes are camel-cased, and
 * so are the keys of nested blocks; the keys of a map attribute (`options = { file_path = … }`) are
 * data and stay as they are; an attribute the class does not know (one the project sets with
 * `addOverride`, e.g. a write-only argument newer than the binding) is set the same way.
 */
export interface FloorAttributes {
  readonly maps: ReadonlySet<string>;
  readonly overrides: ReadonlySet<string>;
}

function splitBlock(block: Record<string, unknown>, attributes: FloorAttributes): { config: unknown; meta: [string, unknown][] } {
  const passed = ([k]: [string, unknown]) => !META_ARGUMENTS.has(k) && !attributes.overrides.has(k) && k !== '//';
  const config = Object.fromEntries(
    Object.entries(block)
      .filter(passed)
      .map(([k, v]) => [camel(k), attributes.maps.has(k) ? v : toConfig(v)])
  );
  return { config, meta: Object.entries(block).filter(([k]) => META_ARGUMENTS.has(k) || attributes.overrides.has(k)) };
}

/**
 * Sorts out one type's attributes by rendering its blocks, every key camel-cased, with the provider
 * class: an attribute that comes back different is a map, one that does not come back is unknown to
 * the class. Each attribute is probed in the first block that has it (a map may be set on only some
 * blocks), and compared as data: the class writes keys in its own order, cdktf's output sorts them.
 * Found once per type, before the clock starts.
 */
export function floorAttributes(kind: 'resource' | 'data', type: string, Class: ElementClass, blocks: readonly Record<string, any>[]): FloorAttributes {
  const maps = new Set<string>();
  const overrides = new Set<string>();
  const probed = new Set<string>();
  const none: FloorAttributes = { maps: new Set(), overrides: new Set() };
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scratch-'));
  try {
    for (const block of blocks) {
      const keys = Object.keys(block).filter((k) => k !== '//' && !META_ARGUMENTS.has(k) && !probed.has(k));
      if (keys.length === 0) continue;
      const stack = new TerraformStack(new App({ outdir: scratch }), 'scratch');
      new Class(stack, 'probe', splitBlock(block, none).config);
      const rendered = Object.values<any>((stack.toTerraform() as any)[kind]?.[type] ?? {})[0] ?? {};
      for (const key of keys) {
        probed.add(key);
        if (rendered[key] === undefined) overrides.add(key);
        else if (!isDeepStrictEqual(withoutMetadata(rendered[key]), withoutMetadata(block[key]))) maps.add(key);
      }
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return { maps, overrides };
}

function runFloor(size: number, projectOutdir: string, outdir: string): ChildResult {
  const source = stackJsons(projectOutdir);
  // Load every provider class before the clock starts, as the project's imports are.
  const classes = new Map<string, ElementClass>();
  const blocksByType = new Map<string, Record<string, any>[]>();
  for (const json of Object.values(source)) {
    for (const type of Object.keys(json.provider ?? {})) classes.set(`provider:${type}`, providerClass(type, 'provider'));
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, byId] of Object.entries<Record<string, any>>(json[kind] ?? {})) {
        classes.set(`${kind}:${type}`, providerClass(type, kind));
        blocksByType.set(`${kind}:${type}`, [...(blocksByType.get(`${kind}:${type}`) ?? []), ...Object.values(byId)]);
      }
    }
  }
  const attributes = new Map<string, FloorAttributes>();
  for (const [key, blocks] of blocksByType) {
    const [kind, type] = key.split(':') as ['resource' | 'data', string];
    attributes.set(key, floorAttributes(kind, type, classes.get(key)!, blocks));
  }
  // Warm the JIT on a small slice, as the project child does with a small fleet.
  const warmup = path.join(path.dirname(outdir), `${path.basename(outdir)}-warmup`);
  synthFloor(planFloor(source, classes, attributes, warmupApps(size) / size), warmup);
  fs.rmSync(warmup, { recursive: true, force: true });
  const plan = planFloor(source, classes, attributes, 1);
  const baselineRssMb = rssMb();
  fs.rmSync(outdir, { recursive: true, force: true });
  const c0 = process.cpuUsage();
  const { construct, synth, synthCpu } = synthFloor(plan, outdir);
  const cpuMs = cpuSince(c0);
  const peakRssMb = rssMb();
  const jsons = stackJsons(outdir);
  const differingStacks = Object.keys(source).filter(
    (name) => JSON.stringify(withoutMetadata(jsons[name])) !== JSON.stringify(withoutMetadata(source[name]))
  ).length;
  const resources = countBlocks(jsons, 'resource');
  return {
    variant: 'floor',
    apps: size,
    iterations: 1,
    configMs: 0,
    constructMs: construct,
    synthMs: synth,
    totalMs: construct + synth,
    cpuMs,
    synthCpuMs: synthCpu,
    buildCpuMs: cpuMs - synthCpu,
    resources,
    dataSources: countBlocks(jsons, 'data'),
    resourcesPerApp: NaN,
    dataSourcesPerApp: NaN,
    jsonBytes: jsonBytes(outdir),
    peakRssMb,
    baselineRssMb,
    differingStacks,
  };
}

interface FloorStack {
  readonly name: string;
  readonly requiredVersion?: string;
  /** The project's block as written, version overrides included (e.g. the random provider's range). */
  readonly requiredProviders?: Record<string, any>;
  readonly backend?: Record<string, any>;
  readonly elements: { Class: ElementClass; id: string; config: unknown; meta: [string, unknown][]; isProvider: boolean }[];
  readonly overrides: [string, unknown][];
}

/** Everything the floor instantiates, converted to provider-class config before the clock starts. */
function planFloor(
  source: Record<string, any>,
  classes: ReadonlyMap<string, ElementClass>,
  attributes: ReadonlyMap<string, FloorAttributes>,
  /** The share of each type's blocks to take (1: all). */
  share: number
): FloorStack[] {
  return Object.entries(source).map(([name, json]) => {
    const elements: FloorStack['elements'] = [];
    for (const [type, blocks] of Object.entries<any[]>(json.provider ?? {})) {
      for (const block of blocks) {
        elements.push({ Class: classes.get(`provider:${type}`)!, id: block.alias ?? type, config: toConfig(block), meta: [], isProvider: true });
      }
    }
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, byId] of Object.entries<Record<string, any>>(json[kind] ?? {})) {
        const typeAttributes = attributes.get(`${kind}:${type}`)!;
        const blocks = Object.entries(byId);
        for (const [id, block] of blocks.slice(0, Math.ceil(blocks.length * share))) {
          elements.push({ Class: classes.get(`${kind}:${type}`)!, id, ...splitBlock(block, typeAttributes), isProvider: false });
        }
      }
    }
    const overrides = Object.keys(json)
      .filter((k) => !['//', 'terraform', 'provider', 'resource', 'data'].includes(k))
      .map((k): [string, unknown] => [k, json[k]]);
    return { name, requiredVersion: json.terraform?.required_version, requiredProviders: json.terraform?.required_providers, backend: json.terraform?.backend, elements, overrides };
  });
}

/** cdktf's classes for the state backends a lab can use (config/lab.yaml `state`). */
const BACKENDS: Record<string, new (stack: TerraformStack, config: any) => TerraformBackend> = { local: LocalBackend, pg: PgBackend, s3: S3Backend };

/** Instantiates a floor plan with the provider classes and synthesizes it. */
function synthFloor(plan: readonly FloorStack[], outdir: string): { construct: number; synth: number; synthCpu: number } {
  const t0 = now();
  const app = new App({ outdir, skipValidation: false });
  for (const planned of plan) {
    const stack = new TerraformStack(app, planned.name);
    if (planned.requiredVersion) stack.addOverride('terraform.required_version', planned.requiredVersion);
    if (planned.requiredProviders) stack.addOverride('terraform.required_providers', planned.requiredProviders);
    // A backend construct, as in the project: without one, cdktf adds a local backend to the stack.
    for (const [type, config] of Object.entries(planned.backend ?? {})) {
      const Backend = BACKENDS[type];
      if (!Backend) throw new Error(`floor: the '${type}' backend is not supported`);
      new Backend(stack, toConfig(config));
    }
    for (const { Class, id, config, meta, isProvider } of planned.elements) {
      const element = new Class(stack, id, config) as TerraformResource | TerraformDataSource | TerraformProvider;
      if (isProvider) continue;
      (element as TerraformResource).overrideLogicalId(id);
      for (const [key, value] of meta) element.addOverride(key, value);
    }
    for (const [key, value] of planned.overrides) stack.addOverride(key, value);
  }
  const t1 = now();
  const c1 = process.cpuUsage();
  app.synth();
  return { construct: t1 - t0, synth: now() - t1, synthCpu: cpuSince(c1) };
}

// ---------------------------------------------------------------- parent

function child(args: string[]): ChildResult {
  const result = spawnSync(TSX, [__filename], {
    cwd: ROOT,
    env: { ...process.env, [CHILD_ENV]: JSON.stringify(args) },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`bench child ${args.join(' ')} failed:\n${result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as ChildResult;
}

/** The best timings of several runs of one variant; counts from the first, peak memory the highest. */
function bestOf(runs: readonly ChildResult[]): ChildResult {
  const min = (field: keyof ChildResult) => Math.min(...runs.map((r) => r[field] as number));
  return {
    ...runs[0],
    iterations: runs.length,
    configMs: min('configMs'),
    constructMs: min('constructMs'),
    synthMs: min('synthMs'),
    totalMs: min('totalMs'),
    cpuMs: min('cpuMs'),
    synthCpuMs: min('synthCpuMs'),
    buildCpuMs: min('buildCpuMs'),
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
    differingStacks: runs[0].differingStacks === undefined ? undefined : Math.max(...runs.map((r) => r.differingStacks ?? 0)),
  };
}

interface CdktfSynthResult {
  readonly cdktfSynthSeconds: number;
  readonly cdktfSynthPeakRssMb: number;
  readonly mainTsSeconds: number;
  readonly typecheckSeconds: number;
}

/** Wall time and peak RSS of a command, from GNU time when present. */
function timed(command: string, args: string[], env: Record<string, string>): { seconds: number; peakRssMb: number } {
  const useGnuTime = fs.existsSync('/usr/bin/time');
  const start = now();
  const result = useGnuTime
    ? spawnSync('/usr/bin/time', ['-f', 'BENCH_TIME %e %M', command, ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' })
    : spawnSync(command, args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  const seconds = (now() - start) / 1000;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  const match = /BENCH_TIME (\S+) (\d+)/.exec(result.stderr ?? '');
  return { seconds: match ? Number(match[1]) : seconds, peakRssMb: match ? Number(match[2]) / 1024 : NaN };
}

function measureCdktfSynth(): CdktfSynthResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cdktf-'));
  try {
    const env = { CHECKPOINT_DISABLE: '1', LAB_CONFIG: path.join(ROOT, 'config', 'lab.yaml') };
    const cdktf = timed(path.join(ROOT, 'node_modules', '.bin', 'cdktf'), ['synth', '--output', path.join(dir, 'cdktf')], env);
    const mainTs = timed(TSX, ['main.ts'], { ...env, CDKTF_OUTDIR: path.join(dir, 'main') });
    const typecheck = timed(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', 'tsconfig.json'], {});
    return {
      cdktfSynthSeconds: cdktf.seconds,
      cdktfSynthPeakRssMb: cdktf.peakRssMb,
      mainTsSeconds: mainTs.seconds,
      typecheckSeconds: typecheck.seconds,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function machine(): string {
  const cpu =
    /model name\s*:\s*(.+)/.exec(fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '')?.[1] ??
    os.cpus()[0]?.model ??
    'unknown';
  return `${os.availableParallelism()} CPUs (nproc), ${cpu.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${
    process.version
  }, ${os.platform()} ${os.release()}`;
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

function report(pairs: { project: ChildResult; floor: ChildResult }[], cdktf: CdktfSynthResult | undefined): string {
  const lines: string[] = [];
  lines.push(`Machine: ${machine()}. Run at ${new Date().toISOString()}.`, '');
  lines.push(
    '| apps | iterations | wall ms (config + construct + synth) | CPU ms (synth) | CPU ms/app | CPU µs/resource | peak RSS MB | resources | data sources | resources/app | data sources/app | JSON KB | floor wall ms (construct + synth) | floor CPU ms (synth) | floor peak RSS MB | project/floor CPU | project/floor wall |',
    '|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|'
  );
  for (const { project: p, floor: f } of pairs) {
    const cells = [
      p.apps,
      p.iterations,
      `${fmt(p.totalMs, 0)} (${fmt(p.configMs, 0)} + ${fmt(p.constructMs, 0)} + ${fmt(p.synthMs, 0)})`,
      `${fmt(p.cpuMs, 0)} (${fmt(p.synthCpuMs, 0)})`,
      fmt(p.cpuMs / p.apps, 2),
      fmt((p.cpuMs * 1000) / p.resources, 0),
      fmt(p.peakRssMb, 0),
      p.resources,
      p.dataSources,
      fmt(p.resourcesPerApp, 1),
      fmt(p.dataSourcesPerApp, 1),
      fmt(p.jsonBytes / 1024, 0),
      `${fmt(f.totalMs, 0)} (${fmt(f.constructMs, 0)} + ${fmt(f.synthMs, 0)})`,
      `${fmt(f.cpuMs, 0)} (${fmt(f.synthCpuMs, 0)})`,
      fmt(f.peakRssMb, 0),
      fmt(p.cpuMs / f.cpuMs, 2),
      fmt(p.totalMs / f.totalMs, 2),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('');
  const fidelity = pairs.map((x) => x.floor.differingStacks ?? 0).reduce((a, b) => a + b, 0);
  lines.push(
    `Floor fidelity: ${
      fidelity === 0
        ? 'the floor wrote the same Terraform JSON as the project for every stack'
        : `${fidelity} stack(s) differ from the project's JSON (the floor is then not the same work)`
    }.`
  );
  const sorted = [...pairs].sort((a, b) => a.project.apps - b.project.apps);
  if (sorted.length >= 2) {
    const [small, large] = [sorted[sorted.length - 2], sorted[sorted.length - 1]];
    const perApp = (r: ChildResult) => r.cpuMs / r.apps;
    lines.push(
      `Linearity: CPU ms/app at ${large.project.apps} apps ÷ CPU ms/app at ${small.project.apps} apps = ${fmt(
        perApp(large.project) / perApp(small.project),
        2
      )}` + ` (floor: ${fmt(perApp(large.floor) / perApp(small.floor), 2)}); 1.0 is linear, clearly above 1 would be super-linear work.`
    );
  }
  const largest = sorted[sorted.length - 1];
  if (largest) {
    const ratio = largest.project.cpuMs / largest.floor.cpuMs;
    lines.push(
      `Target: project/floor CPU time ≤ 1.2 at the largest size (${largest.project.apps} apps): ${fmt(ratio, 2)} → ${
        ratio <= 1.2 ? 'met' : 'NOT met'
      }.`
    );
    // The ratio is end to end; say where the project costs more and where it saves.
    const { project: p, floor: f } = largest;
    lines.push(
      `Phases at ${p.apps} apps, project vs floor CPU (each the best round): building (project: config + construct tree; floor: construct tree) ${fmt(
        p.buildCpuMs,
        0
      )} vs ${fmt(f.buildCpuMs, 0)} ms (${fmt(p.buildCpuMs / f.buildCpuMs, 2)}); synthesis ${fmt(p.synthCpuMs, 0)} vs ${fmt(f.synthCpuMs, 0)} ms (${fmt(
        p.synthCpuMs / f.synthCpuMs,
        2
      )}).`
    );
  }
  if (cdktf) {
    lines.push(
      '',
      `\`npx cdktf synth\` on config/lab.yaml (CHECKPOINT_DISABLE=1): ${fmt(cdktf.cdktfSynthSeconds, 1)} s wall, peak RSS ${fmt(
        cdktf.cdktfSynthPeakRssMb,
        0
      )} MB;` +
        ` the app command alone (\`tsx main.ts\`): ${fmt(
          cdktf.mainTsSeconds,
          1
        )} s; a type check (\`tsc --noEmit\`), which the app command does not run: ${fmt(cdktf.typecheckSeconds, 1)} s.`
    );
  }
  return lines.join('\n');
}

function writeDocs(section: string, io: ScriptIo): void {
  const text = fs.readFileSync(DOCS, 'utf8');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`${DOCS} lacks the markers ${BEGIN} … ${END}`);
  io.writeFile(DOCS, `${text.slice(0, begin + BEGIN.length)}\n${section}\n${text.slice(end)}`);
  io.stdout(`wrote ${path.relative(process.cwd(), DOCS)}\n`);
}

/** One measurement in a child process: `[variant, size, outdir, projectOutdir]`, result as JSON on stdout. */
function runChild([variant, size, outdir, projectOutdir]: string[]): void {
  // As main.ts runs: no source-mapped stack traces (both variants, so the ratio compares like with like).
  process.setSourceMapsEnabled(false);
  const result = variant === 'project' ? runProject(Number(size), outdir) : runFloor(Number(size), projectOutdir, outdir);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export function main(argv: readonly string[], io: ScriptIo = processIo): Promise<number> {
  return runScript(spec, argv, io, ({ values }) => {
    // Every value is checked before the first child starts: a typo must not cost a full run.
    const { sizes = '10,100,1000', iterations: rounds } = values;
    const sizeList = sizes.split(',').map((n) => boundedInteger('--sizes', sizes, n, 1, MAX_SIZE));
    const iterations = rounds === undefined ? undefined : boundedInteger('--iterations', rounds, rounds, 1, MAX_ITERATIONS);
    bench(sizeList, (size) => iterations ?? (size >= 100 ? 3 : 5), !values['skip-cdktf'], !!values['write-docs'], io);
    return ExitCode.ok;
  });
}

function bench(sizes: readonly number[], iterationsFor: (size: number) => number, timeCdktf: boolean, writeToDocs: boolean, io: ScriptIo): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const pairs: { project: ChildResult; floor: ChildResult }[] = [];
  try {
    for (const size of sizes) {
      const projectOut = path.join(work, `project-${size}`);
      // Project and floor alternate, one iteration per child, so a machine that slows down or speeds
      // up during the run weighs on both alike.
      const projects: ChildResult[] = [];
      const floors: ChildResult[] = [];
      for (let round = 0; round < iterationsFor(size); round++) {
        projects.push(child(['project', String(size), projectOut]));
        floors.push(child(['floor', String(size), path.join(work, `floor-${size}`), projectOut]));
      }
      const project = bestOf(projects);
      const floor = bestOf(floors);
      pairs.push({ project, floor });
      io.stdout(
        `${size} apps: project ${fmt(project.totalMs, 0)} ms wall / ${fmt(project.cpuMs, 0)} ms CPU, floor ${fmt(floor.totalMs, 0)} ms wall / ${fmt(
          floor.cpuMs,
          0
        )} ms CPU, CPU ratio ${fmt(project.cpuMs / floor.cpuMs, 2)}\n`
      );
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const cdktf = timeCdktf ? measureCdktfSynth() : undefined;
  const section = report(pairs, cdktf);
  io.stdout(`\n${section}\n`);
  if (writeToDocs) writeDocs(section, io);
}

if (require.main === module) {
  const childArgs = process.env[CHILD_ENV];
  if (childArgs) runChild(JSON.parse(childArgs) as string[]);
  else runAsProcess(main);
}
