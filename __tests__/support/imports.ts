import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { typeScriptFiles } from '../../scripts/typescript-files';

/** The project's own TypeScript, relative to the project root: file → the files and packages it imports. */
export interface ImportGraph {
  readonly [file: string]: {
    /** Project files it imports (relative paths, with extension). */
    readonly files: readonly string[];
    /** Packages it imports, by package name (`cdktf`, `@cdktf/provider-vault`, `fs`). */
    readonly packages: readonly string[];
  };
}

export const PROJECT_ROOT = path.join(__dirname, '..', '..');

/**
 * Reads the imports of every `.ts` file under `folders` (and of the single files named) with the
 * TypeScript compiler's own pre-processor: `import`, `export … from`, `import x = require()`,
 * `require()` and `import()`, type-only imports included (a type-only cycle is a cycle in the design).
 */
export function readImportGraph(entries: readonly string[], root: string = PROJECT_ROOT): ImportGraph {
  const graph: Record<string, { files: string[]; packages: string[] }> = {};
  const options: ts.CompilerOptions = { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, resolveJsonModule: true };
  for (const file of entries.flatMap((entry) => typeScriptFiles(path.join(root, entry)))) {
    const source = fs.readFileSync(file, 'utf8');
    const node = { files: [] as string[], packages: [] as string[] };
    for (const { fileName: specifier } of ts.preProcessFile(source, true, true).importedFiles) {
      if (!specifier.startsWith('.')) {
        node.packages.push(packageName(specifier));
        continue;
      }
      const resolved = ts.resolveModuleName(specifier, file, options, ts.sys).resolvedModule?.resolvedFileName;
      if (!resolved) throw new Error(`${path.relative(root, file)}: cannot resolve the import '${specifier}'`);
      node.files.push(path.relative(root, resolved));
    }
    graph[path.relative(root, file)] = node;
  }
  return graph;
}

/**
 * The files `tsc -p tsconfig.build.json` is told to compile (its `include`), relative to the project root.
 * tsc also compiles whatever they import, so the package holds exactly these only while their imports stay among them.
 */
export function packageBuildFiles(root: string = PROJECT_ROOT): string[] {
  const diagnostics: string[] = [];
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.build.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => diagnostics.push(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
  });
  if (!parsed || diagnostics.length > 0) throw new Error(`tsconfig.build.json cannot be read: ${diagnostics.join('; ')}`);
  return parsed.fileNames.map((file) => path.relative(root, file));
}

/**
 * Throws, naming each, unless every file of `graph` imports only files of `graph` and the packages `installed`
 * lists: what the package build holds and what an app team's install brings.
 */
export function assertImportsWithinPackage(graph: ImportGraph, installed: ReadonlySet<string>): void {
  const problems = Object.entries(graph).flatMap(([file, { files, packages }]) => [
    ...files.filter((target) => !(target in graph)).map((target) => `${file} imports ${target}, which the package build (tsconfig.build.json) does not include`),
    ...packages.filter((p) => !installed.has(p)).map((p) => `${file} imports '${p}', which an app team's install does not bring`),
  ]);
  if (problems.length > 0) throw new Error(`the package imports outside itself:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

/** `@scope/name/lib/x` → `@scope/name`; `yaml` → `yaml`; `node:fs` → `fs`. */
function packageName(specifier: string): string {
  const parts = specifier.replace(/^node:/, '').split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The layer of a project file: its top folder (`constructs`, `stacks`, …), or the file itself at the root (`main.ts`). */
export function layerOf(file: string): string {
  return file.split(path.sep)[0];
}

/** Throws, naming each, unless every import stays in the layers `allowed` lists for the importing file's layer. */
export function assertLayerDirection(graph: ImportGraph, allowed: Readonly<Record<string, readonly string[]>>): void {
  const violations = Object.entries(graph).flatMap(([file, { files }]) => {
    const layer = layerOf(file);
    const may = allowed[layer];
    if (!may) return [`${file}: layer '${layer}' has no rule; add it to the layer table`];
    return files.filter((target) => !may.includes(layerOf(target))).map((target) => `${file} imports ${target} (${layer}/ may import only ${may.join(', ')})`);
  });
  if (violations.length > 0) throw new Error(`imports against the layer direction:\n${violations.map((v) => `  - ${v}`).join('\n')}`);
}

/** Throws with each cycle as a path unless no project file imports itself back through others. */
export function assertNoImportCycles(graph: ImportGraph): void {
  const cycles = importCycles(graph);
  if (cycles.length > 0) throw new Error(`import cycles:\n${cycles.map((c) => `  - ${c}`).join('\n')}`);
}

/**
 * The import cycles of `graph`, one per strongly connected set of files (Tarjan), each reported as a
 * path that returns to its start: `a.ts -> b.ts -> a.ts`.
 */
function importCycles(graph: ImportGraph): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph[file]?.files ?? []) {
      if (!(next in graph)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const members = new Set<string>();
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      members.add(member);
    } while (member !== file);
    if (members.size > 1 || graph[file].files.includes(file)) cycles.push(cyclePath(graph, file, members).join(' -> '));
  };
  for (const file of Object.keys(graph).sort()) if (!index.has(file)) visit(file);
  return cycles;
}

/** A shortest path from `start` back to itself inside one strongly connected set (breadth first). */
function cyclePath(graph: ImportGraph, start: string, members: ReadonlySet<string>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const next of graph[file].files) {
      if (!members.has(next)) continue;
      if (next === start) {
        const chain: string[] = [];
        for (let at = file; at !== start; at = previous.get(at)!) chain.unshift(at);
        return [start, ...chain, start];
      }
      if (!previous.has(next)) {
        previous.set(next, file);
        queue.push(next);
      }
    }
  }
  return [start, start];
}
