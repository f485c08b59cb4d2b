import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ExitCode, processIo, runAsProcess, runScript, ScriptIo } from './cli';

/*
 * The package's API reference: TypeDoc (typedoc.json) renders the package's entry points (constructs/index.ts,
 * rules/index.ts) into the git-ignored docs/api/, with its JSON model beside it; this script then requires a
 * summary comment on each entry point's module, on every export and on every public member of an exported class
 * or interface, which keeps the reference complete.
 * TypeDoc's own `notDocumented` would also demand one on each field of an inline object type (the Helm
 * values mirror the chart's), which the summary of the field holding it already explains.
 */

const spec = {
  name: 'docs:api',
  description:
    'Generates the API reference of the package (TypeDoc) into docs/api/ (git-ignored) and checks that each entry\n' +
    'point (constructs/index.ts, rules/index.ts), every export, and every public member of an exported class or\n' +
    'interface has a summary comment.',
  options: {},
  exits: { ok: 'docs/api/ was written and everything exported is documented', finding: 'TypeDoc failed, or declarations lack a summary (each is listed)' },
} as const;

const ROOT = path.join(__dirname, '..');
const TYPEDOC = path.join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');
/** Where typedoc.json's `json` option writes the model. */
const MODEL = path.join(ROOT, 'docs', 'api', 'api.json');
/** ReflectionKind.Constructor in TypeDoc's model (TypeStrong/typedoc src/lib/models/kind.ts): the class summary documents it. */
const CONSTRUCTOR_KIND = 512;
/** ReflectionKind.Module (same file): with more than one entry point, the project holds one module per entry point. */
const MODULE_KIND = 2;

interface CommentPart {
  readonly text: string;
}

/** The part of a reflection in TypeDoc's JSON model that this check reads. */
interface ModelReflection {
  readonly name: string;
  readonly kind: number;
  readonly comment?: { readonly summary: readonly CommentPart[] };
  readonly children?: readonly ModelReflection[];
  readonly signatures?: readonly ModelReflection[];
  readonly getSignature?: ModelReflection;
  readonly setSignature?: ModelReflection;
  /** Set on members declared by a base type, which is documented where it is declared. */
  readonly inheritedFrom?: unknown;
}

/** A function's or accessor's summary sits on its signature; anything else's on the reflection. */
function hasSummary(reflection: ModelReflection): boolean {
  const comments = [reflection.comment, ...(reflection.signatures ?? []).map((s) => s.comment), reflection.getSignature?.comment, reflection.setSignature?.comment];
  return comments.some((comment) => comment?.summary.some((part) => part.text.trim() !== ''));
}

/** The entry point modules, the exports, and the own members of exported classes and interfaces, that have no summary comment. */
function undocumented(project: ModelReflection): string[] {
  return (project.children ?? []).flatMap((declaration) =>
    declaration.kind === MODULE_KIND ? [...(hasSummary(declaration) ? [] : [`module ${declaration.name}`]), ...undocumented(declaration)] : undocumentedIn(declaration),
  );
}

/** `declaration` itself and its own members, when they have no summary comment. */
function undocumentedIn(declaration: ModelReflection): string[] {
  return [
    ...(hasSummary(declaration) ? [] : [declaration.name]),
    ...(declaration.children ?? [])
      .filter((member) => member.kind !== CONSTRUCTOR_KIND && !member.inheritedFrom && !hasSummary(member))
      .map((member) => `${declaration.name}.${member.name}`),
  ];
}

export function main(argv: readonly string[], io: ScriptIo = processIo): Promise<number> {
  return runScript(spec, argv, io, () => {
    fs.rmSync(MODEL, { force: true });
    const typedoc = spawnSync(process.execPath, [TYPEDOC], { cwd: ROOT, encoding: 'utf8' });
    if (typedoc.status !== 0) {
      io.stderr(`${typedoc.stdout}${typedoc.stderr}docs:api: TypeDoc failed (above); nothing was checked\n`);
      return ExitCode.finding;
    }
    const missing = undocumented(JSON.parse(fs.readFileSync(MODEL, 'utf8')) as ModelReflection);
    if (missing.length > 0) {
      io.stderr(`docs:api: ${missing.length} public declarations have no summary comment; add a /** … */ line above each:\n${missing.map((m) => `  - ${m}\n`).join('')}`);
      return ExitCode.finding;
    }
    io.stdout('docs:api: every export is documented; the reference is docs/api/index.html\n');
    return ExitCode.ok;
  });
}

if (require.main === module) runAsProcess(main);
