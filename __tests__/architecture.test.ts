import { builtinModules } from 'module';
import * as fs from 'fs';
import * as path from 'path';
import { assertImportsWithinPackage, assertLayerDirection, assertNoImportCycles, ImportGraph, packageBuildFiles, PROJECT_ROOT, readImportGraph } from './support/imports';

/**
 * Dependencies point one way: constructs/ (the library app teams install) <- config/ <- stacks/ <-
 * scripts/ and main.ts. rules/ and access/ read synthesized output: they may use constructs/ and
 * config/ (rules/ also access/'s path matcher), and stacks/ apply them. Nothing imports scripts/ or
 * main.ts; examples/ use the library and the rule pack as an app team does, through the package's
 * entry points constructs/index.ts and rules/index.ts.
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  constructs: ['constructs'],
  config: ['constructs', 'config'],
  access: ['constructs', 'config', 'access'],
  rules: ['constructs', 'config', 'access', 'rules'],
  stacks: ['constructs', 'config', 'access', 'rules', 'stacks'],
  scripts: ['constructs', 'config', 'access', 'rules', 'stacks', 'scripts'],
  'main.ts': ['constructs', 'config', 'access', 'rules', 'stacks'],
  examples: ['constructs', 'rules'],
};

const graph = readImportGraph(['constructs', 'config', 'access', 'rules', 'stacks', 'scripts', 'main.ts', 'examples']);

const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
/** What an app team's install of the package has: node built-ins, its dependencies and peer dependencies. */
const installedWithPackage = new Set<string>([...builtinModules, ...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);

describe('architecture: the project imports in one direction', () => {
  test('the import reader sees the project: main.ts imports stacks/synth.ts, constructs/index.ts its modules', () => {
    // GIVEN the project's import graph  THEN it holds imports known to exist (an empty reading passes nothing)
    expect(graph['main.ts'].files).toContain('stacks/synth.ts');
    expect(graph['constructs/index.ts'].files).toContain('constructs/kv-v2-mount.ts');
  });

  test.each(Object.keys(MAY_IMPORT))('%s imports only the layers below it', (layer) => {
    // GIVEN the files of one layer  WHEN their imports are checked against the layer table
    const ofLayer = Object.fromEntries(Object.entries(graph).filter(([file]) => file.split('/')[0] === layer));
    // THEN none reaches a layer above (the message names the file, the import and what is allowed)
    expect(Object.keys(ofLayer).length).toBeGreaterThan(0);
    expect(() => assertLayerDirection(ofLayer, MAY_IMPORT)).not.toThrow();
  });

  test('examples import the library and the rule pack only through constructs/index.ts and rules/index.ts, as an installed package is imported', () => {
    // GIVEN the example stacks  WHEN their imports of the library are listed
    const entries = ['constructs/index.ts', 'rules/index.ts'];
    const deep = Object.entries(graph)
      .filter(([file]) => file.startsWith('examples/'))
      .flatMap(([file, { files }]) => files.filter((target) => /^(constructs|rules)\//.test(target) && !entries.includes(target)).map((target) => `${file} imports ${target}`));
    // THEN each goes through a package entry point
    expect(deep).toEqual([]);
  });

  test('the app (config/, stacks/, scripts/, main.ts, examples/) does not reach into constructs/private/', () => {
    // GIVEN the layers that use the library as a consumer does  WHEN their imports of the library's internals are listed
    const app = ['config', 'stacks', 'scripts', 'main.ts', 'examples'];
    const internal = Object.entries(graph)
      .filter(([file]) => app.includes(file.split('/')[0]))
      .flatMap(([file, { files }]) => files.filter((target) => target.startsWith('constructs/private/')).map((target) => `${file} imports ${target}`));
    // THEN there are none: private/ may change with any release (constructs/index.ts)
    expect(internal).toEqual([]);
  });

  test('no project file imports itself back through other files (no import cycles)', () => {
    // GIVEN every project file's imports, type-only ones included  THEN no cycle (reported as a path)
    expect(() => assertNoImportCycles(graph)).not.toThrow();
  });

  test('the package build (constructs/, the rule pack in rules/, access/path-matcher.ts) imports only its own files, node built-ins, dependencies and peer dependencies', () => {
    // GIVEN the files tsconfig.build.json compiles, which include both entry points
    const shipped = packageBuildFiles();
    expect(shipped).toEqual(expect.arrayContaining(['constructs/index.ts', 'rules/index.ts']));
    // WHEN their imports are read  THEN none reaches config/, stacks/, scripts/ or a file tsc would pull in
    // unlisted, and every package is one an app team's `npm install` brings (devDependencies are not installed)
    expect(() => assertImportsWithinPackage(readImportGraph(shipped), installedWithPackage)).not.toThrow();
  });
});

describe('architecture: the checks find what they exist to find', () => {
  const file = (files: string[]) => ({ files, packages: [] });

  test('fails when a construct imports config/ (an upward import is named with the rule it breaks)', () => {
    // GIVEN a construct that imports the config schema
    const upward: ImportGraph = { 'constructs/x.ts': file(['config/schema.ts']), 'config/schema.ts': file([]) };
    // WHEN checked  THEN the import is reported
    expect(() => assertLayerDirection(upward, MAY_IMPORT)).toThrow(/constructs\/x\.ts imports config\/schema\.ts \(constructs\/ may import only constructs\)/);
  });

  test('fails when a file sits in a folder the layer table does not know', () => {
    // GIVEN a new top-level folder  THEN it must get a rule before it can import anything
    expect(() => assertLayerDirection({ 'tools/x.ts': file([]) }, MAY_IMPORT)).toThrow(/layer 'tools' has no rule/);
  });

  test('fails when a file of the package build imports one the build does not include (the rule pack importing config/)', () => {
    // GIVEN a shipped rule importing the lab's config helpers, which stay out of the package
    const leaking: ImportGraph = { 'rules/x.ts': file(['config/isolation.ts']) };
    // WHEN checked  THEN the import is named with the reason
    expect(() => assertImportsWithinPackage(leaking, installedWithPackage)).toThrow(/rules\/x\.ts imports config\/isolation\.ts, which the package build \(tsconfig\.build\.json\) does not include/);
  });

  test('fails when a file of the package build imports a package an app team does not install (a devDependency)', () => {
    // GIVEN a shipped file importing zod, a devDependency
    const leaking: ImportGraph = { 'constructs/x.ts': { files: [], packages: ['zod'] } };
    // WHEN checked  THEN the package is named
    expect(() => assertImportsWithinPackage(leaking, installedWithPackage)).toThrow(/constructs\/x\.ts imports 'zod', which an app team's install does not bring/);
  });

  test('fails when files import each other in a ring, reporting the ring as a path', () => {
    // GIVEN a -> b -> c -> a, and d outside the ring
    const ring: ImportGraph = { 'a.ts': file(['b.ts']), 'b.ts': file(['c.ts']), 'c.ts': file(['a.ts']), 'd.ts': file(['a.ts']) };
    // WHEN the cycles are listed  THEN the ring is one path back to its start
    expect(() => assertNoImportCycles(ring)).toThrow(/a\.ts -> b\.ts -> c\.ts -> a\.ts/);
  });
});
