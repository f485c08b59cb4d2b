import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { ExitCode, processIo, runAsProcess, runScript, ScriptIo } from './cli';
import { typeScriptFiles } from './typescript-files';

const PROJECT_ROOT = path.join(__dirname, '..');
/**
 * The package's entry points, the sources of what package.json `exports` maps (`.` and `./rules`, each
 * `./dist/<file>.js` compiled from `<file>.ts`): what an app team imports from the package.
 */
export const API_ENTRIES: readonly string[] = Object.entries(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).exports as Record<string, unknown>)
  .filter(([subpath]) => subpath !== './package.json')
  .map(([, target]) => path.join(PROJECT_ROOT, String((target as { default: string }).default).replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts')));
/** The committed report; a test keeps it equal to what the entry point exports. */
export const API_REPORT = path.join(PROJECT_ROOT, 'api', 'vault-platform.api.md');

const spec = {
  name: 'api-report',
  description:
    'Rewrites the public API report (api/vault-platform.api.md): every declaration the package entry points\n' +
    '(constructs/index.ts, rules/index.ts) export, with its kind and signature. Run it when an API change is\n' +
    'intended; the diff shows it in review.',
  options: {},
  exits: { ok: 'the report was written' },
} as const;

export function main(argv: readonly string[], io: ScriptIo = processIo): Promise<number> {
  return runScript(spec, argv, io, () => {
    io.writeFile(API_REPORT, renderApiReport());
    io.stdout(`wrote ${path.relative(process.cwd(), API_REPORT)}\n`);
    return ExitCode.ok;
  });
}

/**
 * The API report of the entry points `entries`: per module, each exported declaration as a `.d.ts` would declare it
 * (members that are private, protected or marked `@internal` left out; bodies and initializers
 * dropped; inferred types written out by the checker). Throws when an entry point re-exports a whole
 * module (`export *`), exports something from a `private/` folder, or when a public signature names a
 * project type no entry point exports (an app team could not name it, and the report would not show it).
 */
export function renderApiReport(entries: string | readonly string[] = API_ENTRIES): string {
  const entryList = typeof entries === 'string' ? [entries] : entries;
  const files = [...new Set(entryList.flatMap((entry) => typeScriptFiles(path.dirname(entry))))];
  const program = ts.createProgram(files, COMPILER_OPTIONS, compilerHost);
  const checker = program.getTypeChecker();
  const exported = new Map<ts.Symbol, string>();
  for (const entry of entryList) {
    const entryFile = program.getSourceFile(entry)!;
    const wildcard = entryFile.statements.find((s) => ts.isExportDeclaration(s) && !s.exportClause);
    if (wildcard) throw new Error(`${rel(entry)}: '${wildcard.getText()}' exports a whole module; name each public declaration`);
    for (const symbol of checker.getExportsOfModule(checker.getSymbolAtLocation(entryFile)!)) exported.set(resolve(checker, symbol), symbol.name);
  }
  const entryNames = entryList.map(rel).join(', ');
  const library: Library = { checker, exported };
  const byModule = new Map<string, string[]>();
  const problems: string[] = [];
  // Sorted in one named locale: the default is the machine's (Czech sorts "ch" after "h"), and the committed report must not depend on it.
  for (const [symbol, name] of [...exported].sort(([, a], [, b]) => a.localeCompare(b, 'en'))) {
    for (const declaration of symbol.declarations ?? []) {
      const module = rel(declaration.getSourceFile().fileName);
      if (module.split('/').includes('private')) {
        problems.push(`${name} (${module}) is exported, but a private/ folder holds internals: move it out of private/ to make it public, or stop exporting it`);
      }
      const printed = printDeclaration(library, declaration, name, (reference, where) => {
        const target = checker.getSymbolAtLocation(reference);
        const resolved = target && resolve(checker, target);
        const declaredIn = resolved?.declarations?.[0]?.getSourceFile().fileName;
        if (resolved && declaredIn && files.includes(declaredIn) && !exported.has(resolved) && !isTypeParameter(resolved)) {
          problems.push(`${where} names ${resolved.name} (${rel(declaredIn)}), which ${entryNames} does not export: export it, or keep it out of the public signature`);
        }
      });
      if (printed) byModule.set(module, [...(byModule.get(module) ?? []), printed]);
    }
  }
  if (problems.length > 0) throw new Error(`the public API is not closed:\n${[...new Set(problems)].map((p) => `  - ${p}`).join('\n')}`);
  const sections = [...byModule].sort(([a], [b]) => a.localeCompare(b, 'en')).map(([module, declarations]) => `## ${module}\n\n\`\`\`ts\n${declarations.join('\n\n')}\n\`\`\`\n`);
  return [
    '# vault-platform: public API',
    '',
    `<!-- Generated by \`npm run api-report\` from ${entryNames}; do not edit by hand. -->`,
    '',
    'Every declaration an app team can import from the package, by the module that declares it. A change to',
    'this file is a change to the public API: review it as one (a removal or a narrowed type breaks app teams).',
    '',
    ...sections,
  ].join('\n');
}

/**
 * The library's own files only (noResolve): package types stay as the source writes them, and no
 * DOM or Node typings are read, which keeps a report to about a second.
 */
const COMPILER_OPTIONS: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], module: ts.ModuleKind.CommonJS, strict: true, noResolve: true, types: [], noEmit: true };

/** TypeScript's own lib files are parsed once per process, however many reports are made. */
const libFiles = new Map<string, ts.SourceFile | undefined>();
const defaultHost = ts.createCompilerHost(COMPILER_OPTIONS);
const compilerHost: ts.CompilerHost = {
  ...defaultHost,
  getSourceFile: (file, language, onError) => {
    if (!file.startsWith(path.dirname(defaultHost.getDefaultLibFileName(COMPILER_OPTIONS)))) return defaultHost.getSourceFile(file, language, onError);
    if (!libFiles.has(file)) libFiles.set(file, defaultHost.getSourceFile(file, language, onError));
    return libFiles.get(file);
  },
};

const rel = (file: string) => path.relative(PROJECT_ROOT, file).split(path.sep).join('/');

function resolve(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

function isTypeParameter(symbol: ts.Symbol): boolean {
  return (symbol.flags & ts.SymbolFlags.TypeParameter) !== 0;
}

function isHidden(node: ts.Node): boolean {
  const modifiers = ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : [];
  if (modifiers.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)) return true;
  if ((node as ts.NamedDeclaration).name && ts.isPrivateIdentifier((node as ts.NamedDeclaration).name!)) return true;
  return ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'internal');
}

const printer = ts.createPrinter({ removeComments: true });
const f = ts.factory;

interface Library {
  readonly checker: ts.TypeChecker;
  /** What the entry point exports (resolved symbols). */
  readonly exported: ReadonlyMap<ts.Symbol, string>;
}

/**
 * One declaration in `.d.ts` form, or undefined for what a `.d.ts` leaves out. `onReference` sees
 * every type its signature names in the source, with where it is named.
 */
function printDeclaration(library: Library, node: ts.Declaration, name: string, onReference: (reference: ts.Node, where: string) => void): string | undefined {
  if (isHidden(node)) return undefined;
  const { checker } = library;
  const source = node.getSourceFile();
  const declare = [f.createModifier(ts.SyntaxKind.DeclareKeyword)];
  const typeOf = (n: ts.Node & { type?: ts.TypeNode }) => n.type ?? checker.typeToTypeNode(checker.getTypeAtLocation(n), undefined, BUILDER_FLAGS);
  const visitTypes = (n: ts.Node | undefined, where: string): void => {
    if (!n) return;
    if (ts.isTypeReferenceNode(n)) onReference(n.typeName, where);
    else if (ts.isExpressionWithTypeArguments(n)) onReference(n.expression, where);
    else if (ts.isTypeQueryNode(n)) onReference(n.exprName, where);
    ts.forEachChild(n, (child) => visitTypes(child, where));
  };
  const visitSignature = (n: ts.SignatureDeclaration | ts.PropertyDeclaration | ts.VariableDeclaration | ts.TypeElement, where: string) => {
    if ('typeParameters' in n) n.typeParameters?.forEach((t) => visitTypes(t, where));
    if ('parameters' in n) n.parameters.forEach((p) => visitTypes(p.type, where));
    if ('type' in n) visitTypes(n.type, where);
  };
  const params = (list: ts.NodeArray<ts.ParameterDeclaration>) =>
    list.map((p) => f.createParameterDeclaration(keep(p.modifiers), p.dotDotDotToken, p.name, p.questionToken ?? (p.initializer ? f.createToken(ts.SyntaxKind.QuestionToken) : undefined), typeOf(p)));
  const print = (n: ts.Node) => printer.printNode(ts.EmitHint.Unspecified, n, source);
  const where = `${name} (${rel(source.fileName)})`;

  if (ts.isClassDeclaration(node)) {
    const shape = classShape(library, node);
    shape.heritage.forEach((h) => visitTypes(h, where));
    const members = shape.members.flatMap((m): ts.ClassElement[] => {
      const at = `${name}.${memberName(m)}`;
      if (ts.isConstructorDeclaration(m)) {
        visitSignature(m, at);
        return [f.createConstructorDeclaration(undefined, params(m.parameters), undefined)];
      }
      if (ts.isMethodDeclaration(m)) {
        visitSignature(m, at);
        return [f.createMethodDeclaration(keep(m.modifiers), undefined, m.name, m.questionToken, m.typeParameters, params(m.parameters), m.type ?? returnType(checker, m), undefined)];
      }
      if (ts.isPropertyDeclaration(m)) {
        visitSignature(m, at);
        return [f.createPropertyDeclaration(keep(m.modifiers), m.name, m.questionToken, typeOf(m), undefined)];
      }
      if (ts.isParameter(m)) {
        visitTypes(m.type, at);
        return [f.createPropertyDeclaration(keep(m.modifiers), m.name as ts.Identifier, m.questionToken, typeOf(m), undefined)];
      }
      if (ts.isGetAccessorDeclaration(m)) {
        visitSignature(m, at);
        return [f.createGetAccessorDeclaration(keep(m.modifiers), m.name, [], m.type ?? returnType(checker, m), undefined)];
      }
      if (ts.isSetAccessorDeclaration(m)) {
        visitSignature(m, at);
        return [f.createSetAccessorDeclaration(keep(m.modifiers), m.name, params(m.parameters), undefined)];
      }
      return [];
    });
    return print(f.createClassDeclaration([...declare, ...keep(node.modifiers)], node.name, node.typeParameters, shape.heritage, members));
  }
  if (ts.isInterfaceDeclaration(node)) {
    node.heritageClauses?.forEach((h) => visitTypes(h, where));
    const members = node.members.filter((m) => !isHidden(m));
    members.forEach((m) => visitSignature(m, `${name}.${memberName(m)}`));
    return print(f.createInterfaceDeclaration(undefined, node.name, node.typeParameters, node.heritageClauses, members));
  }
  if (ts.isTypeAliasDeclaration(node)) {
    visitTypes(node.type, where);
    return print(f.createTypeAliasDeclaration(undefined, node.name, node.typeParameters, node.type));
  }
  if (ts.isFunctionDeclaration(node)) {
    visitSignature(node, where);
    return print(f.createFunctionDeclaration(declare, undefined, node.name, node.typeParameters, params(node.parameters), node.type ?? returnType(checker, node), undefined));
  }
  if (ts.isVariableDeclaration(node)) {
    visitSignature(node, where);
    return print(f.createVariableStatement(declare, f.createVariableDeclarationList([f.createVariableDeclaration(node.name, undefined, typeOf(node))], ts.NodeFlags.Const)));
  }
  if (ts.isEnumDeclaration(node)) return print(f.createEnumDeclaration(declare, node.name, node.members));
  throw new Error(`${where}: the API report cannot print a ${ts.SyntaxKind[node.kind]}; extend scripts/api-report.ts`);
}

type ClassMember = ts.ClassElement | ts.ParameterPropertyDeclaration;

/**
 * A class's public members (constructor parameters declared `public`/`readonly` among them) and its
 * heritage. A base class of the same file the entry point does not export is folded in: its public members are the
 * class's API (aws-cdk's `BucketBase` pattern with the base kept private), and its heritage replaces it.
 */
function classShape(library: Library, node: ts.ClassDeclaration): { heritage: ts.HeritageClause[]; members: ClassMember[] } {
  const own: ClassMember[] = [
    ...node.members.filter((m) => !isHidden(m)),
    ...node.members.filter(ts.isConstructorDeclaration).flatMap((c) => c.parameters.filter((p): p is ts.ParameterPropertyDeclaration => ts.isParameterPropertyDeclaration(p, c) && !isHidden(p))),
  ];
  let extendsType: ts.ExpressionWithTypeArguments | undefined;
  const implementsTypes: ts.ExpressionWithTypeArguments[] = [];
  let inherited: ClassMember[] = [];
  for (const clause of node.heritageClauses ?? []) {
    if (clause.token === ts.SyntaxKind.ImplementsKeyword) {
      implementsTypes.push(...clause.types);
      continue;
    }
    const target = library.checker.getSymbolAtLocation(clause.types[0].expression);
    const symbol = target && resolve(library.checker, target);
    const base = symbol?.declarations?.find(ts.isClassDeclaration);
    // Only a base of the same file is folded: the printer reads literal text from the class's own file.
    if (!symbol || !base || base.getSourceFile() !== node.getSourceFile() || library.exported.has(symbol)) {
      extendsType = clause.types[0];
      continue;
    }
    const folded = classShape(library, base);
    inherited = folded.members;
    for (const h of folded.heritage) {
      if (h.token === ts.SyntaxKind.ExtendsKeyword) extendsType = h.types[0];
      else implementsTypes.push(...h.types);
    }
  }
  const ownNames = new Set(own.map(memberName));
  const heritage = [
    ...(extendsType ? [f.createHeritageClause(ts.SyntaxKind.ExtendsKeyword, [extendsType])] : []),
    ...(implementsTypes.length > 0 ? [f.createHeritageClause(ts.SyntaxKind.ImplementsKeyword, implementsTypes)] : []),
  ];
  return { heritage, members: [...inherited.filter((m) => !ownNames.has(memberName(m))), ...own] };
}

function memberName(member: ts.ClassElement | ts.TypeElement | ts.ParameterDeclaration): string {
  if (ts.isConstructorDeclaration(member)) return 'constructor';
  const name = member.name;
  return name && !ts.isComputedPropertyName(name) && !ts.isObjectBindingPattern(name) && !ts.isArrayBindingPattern(name) ? name.text : '[computed]';
}

function keep(modifiers: readonly ts.ModifierLike[] | undefined): ts.Modifier[] {
  return (modifiers ?? []).filter(
    (m): m is ts.Modifier => ts.isModifier(m) && m.kind !== ts.SyntaxKind.ExportKeyword && m.kind !== ts.SyntaxKind.DefaultKeyword && m.kind !== ts.SyntaxKind.PublicKeyword,
  );
}

const BUILDER_FLAGS = ts.NodeBuilderFlags.NoTruncation | ts.NodeBuilderFlags.IgnoreErrors;

function returnType(checker: ts.TypeChecker, node: ts.SignatureDeclaration): ts.TypeNode | undefined {
  const signature = checker.getSignatureFromDeclaration(node);
  return signature && checker.typeToTypeNode(checker.getReturnTypeOfSignature(signature), undefined, BUILDER_FLAGS);
}

if (require.main === module) runAsProcess(main);
