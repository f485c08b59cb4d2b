import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { ConfigError, loadLabConfig } from '../config/load';
import { LabConfig } from '../config/schema';

/*
 * What every script in scripts/ shares: one argument parser (node's `util.parseArgs`) that refuses
 * what it does not know, `--help`, and one top-level handler that turns any error into a message
 * and an exit status, never a stack trace. Scripts export `main(argv, io)`, so tests run them
 * in-process with captured output.
 */

/** The exit statuses of every script (README, "Useful commands"). */
export const ExitCode = {
  /** Done; nothing to report. */
  ok: 0,
  /** The finding or change the script exists to report, or the work failed (reason on stderr). */
  finding: 1,
  /** The command line is wrong: unknown flag, missing or bad value, unusable input file. */
  usage: 2,
} as const;

/** Where a script writes: tests pass their own and see exactly what a run printed and wrote. */
export interface ScriptIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Writes a file (creating its folder); the only way a script changes the working tree. */
  readonly writeFile: (file: string, text: string) => void;
}

export const processIo: ScriptIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  writeFile: (file, text) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  },
};

/** A wrong command line: reported with the synopsis, exit status 2. The message names the flag, the value and the fix. */
export class UsageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ScriptOption {
  readonly type: 'string' | 'boolean';
  /** What the value of a string option is, in the usage: `--diff BASE.json`. */
  readonly value?: string;
  readonly description: string;
  /** A string option the script cannot run without. @default false */
  readonly required?: boolean;
}

export interface ScriptSpec<O extends Record<string, ScriptOption>> {
  /** The npm script: `npm run <name> -- …`. */
  readonly name: string;
  readonly description: string;
  readonly options: O;
  /** Required positional arguments, in order, as shown in the usage (`<cluster>`). @default - none accepted */
  readonly positionals?: readonly string[];
  /** What exit status 0, and 1 when the script reports something, mean for this script. */
  readonly exits: { readonly ok: string; readonly finding?: string };
}

type ValueOf<T extends ScriptOption> = T['type'] extends 'boolean' ? boolean : string;

export type OptionValues<O extends Record<string, ScriptOption>> = {
  -readonly [K in keyof O as O[K] extends { required: true } ? K : never]: ValueOf<O[K]>;
} & {
  -readonly [K in keyof O as O[K] extends { required: true } ? never : K]?: ValueOf<O[K]>;
};

export interface ScriptArgs<O extends Record<string, ScriptOption>> {
  readonly values: OptionValues<O>;
  readonly positionals: readonly string[];
}

const flagOf = (name: string, option: ScriptOption) => `--${name}${option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : ''}`;

function synopsis(spec: ScriptSpec<Record<string, ScriptOption>>): string {
  const parts = [...(spec.positionals ?? []), ...Object.entries(spec.options).map(([name, o]) => (o.required ? flagOf(name, o) : `[${flagOf(name, o)}]`))];
  return `usage: npm run -s ${spec.name}${parts.length > 0 ? ` -- ${parts.join(' ')}` : ''}`;
}

/** The `--help` text: synopsis, description, flags and exit statuses. */
function usage(spec: ScriptSpec<Record<string, ScriptOption>>): string {
  const flags: [string, string][] = [
    ...Object.entries(spec.options).map(([name, o]): [string, string] => [flagOf(name, o), o.description]),
    ['--help, -h', 'print this help and exit'],
  ];
  const width = Math.max(...flags.map(([f]) => f.length));
  return [
    synopsis(spec),
    '',
    spec.description,
    '',
    'flags:',
    ...flags.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`),
    '',
    'exit status:',
    `  ${ExitCode.ok}  ${spec.exits.ok}`,
    `  ${ExitCode.finding}  ${spec.exits.finding ? `${spec.exits.finding}; or ` : ''}the work failed (the lab config is invalid, …): the reason on stderr`,
    `  ${ExitCode.usage}  usage: an unknown flag, a missing or bad value, or an input file that cannot be used; nothing was done`,
    '',
  ].join('\n');
}

/** Edit distance, for "did you mean" on a mistyped flag. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/**
 * Parses `argv` against the spec; undefined when `--help` was asked. Node's non-strict mode only
 * tokenizes: every refusal is decided here, so each message names the flag, the value and the fix.
 */
function parseScriptArgs<O extends Record<string, ScriptOption>>(spec: ScriptSpec<O>, argv: readonly string[]): ScriptArgs<O> | undefined {
  const options = Object.fromEntries(Object.entries(spec.options).map(([name, o]) => [name, { type: o.type }]));
  const { tokens } = parseArgs({
    args: [...argv],
    options: { ...options, help: { type: 'boolean', short: 'h' } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) return undefined;
  const known = Object.keys(spec.options).map((name) => `--${name}`);
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    // Own keys only: `--constructor` is no option.
    const option = Object.hasOwn(spec.options, token.name) ? spec.options[token.name] : undefined;
    if (!option) {
      const near = known.filter((k) => distance(k, token.rawName) <= 2);
      throw new UsageError(
        `unknown flag ${token.rawName}${near.length > 0 ? `; did you mean ${near.join(' or ')}?` : ''} (known: ${[...known, '--help'].join(', ')})`,
      );
    }
    if (Object.hasOwn(values, token.name)) throw new UsageError(`${token.rawName} is given twice; give it once`);
    if (option.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value, got ${JSON.stringify(token.value)}; write ${token.rawName} alone`);
      values[token.name] = true;
    } else {
      // `--diff --json`: tokenizing, a string option takes the next argument whatever it is (argsToTokens,
      // nodejs/node lib/internal/util/parse_args/parse_args.js); only strict mode would object.
      if (!token.value || (!token.inlineValue && token.value.startsWith('--'))) {
        throw new UsageError(`${token.rawName} needs a value${token.value ? `, got the flag ${token.value}` : ''}: ${flagOf(token.name, option)}`);
      }
      values[token.name] = token.value;
    }
  }
  const missing = Object.entries(spec.options).filter(([name, o]) => o.required && !Object.hasOwn(values, name));
  if (missing.length > 0) throw new UsageError(`missing ${missing.map(([name, o]) => `${flagOf(name, o)} (${o.description})`).join(', ')}`);
  const expected = spec.positionals ?? [];
  if (positionals.length !== expected.length) {
    throw new UsageError(
      positionals.length > expected.length
        ? `unexpected argument ${JSON.stringify(positionals[expected.length])}; ${expected.length > 0 ? `expected ${expected.join(' ')}` : 'it takes no positional argument'}`
        : `missing ${expected.slice(positionals.length).join(' ')}`,
    );
  }
  return { values: values as OptionValues<O>, positionals };
}

/**
 * Runs a script: parses `argv`, answers `--help`, and reports any error as one message with its exit
 * status (2 for a wrong command line, 1 otherwise). Every script's `main` is this call.
 */
export async function runScript<O extends Record<string, ScriptOption>>(
  spec: ScriptSpec<O>,
  argv: readonly string[],
  io: ScriptIo,
  body: (args: ScriptArgs<O>) => number | Promise<number>,
): Promise<number> {
  try {
    const args = parseScriptArgs(spec, argv);
    if (!args) {
      io.stdout(usage(spec));
      return ExitCode.ok;
    }
    return await body(args);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof UsageError) {
      io.stderr(`${spec.name}: ${message}\n${synopsis(spec)} (--help explains each flag)\n`);
      return ExitCode.usage;
    }
    io.stderr(`${spec.name} failed: ${message}\n`);
    return ExitCode.finding;
  }
}

/** The process entry point: `if (require.main === module) runAsProcess(main);`. */
export function runAsProcess(main: (argv: readonly string[], io: ScriptIo) => Promise<number>): void {
  void main(process.argv.slice(2), processIo).then((code) => {
    process.exitCode = code;
  });
}

/** The text of a file named by `flag`; a missing or unreadable file is a usage error. */
export function readInputFile(flag: string, file: string, fix: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${flag} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); ${fix}`);
  }
}

/** JSON from a file named by `flag`; not JSON is a usage error. */
export function readJsonFile(flag: string, file: string, fix: string): unknown {
  return parseJsonInput(flag, file, readInputFile(flag, file, fix), fix);
}

/**
 * The JSON `text` of a file named by `flag`. V8's parse errors quote the start of the text, which
 * may be a secret: only the position is reported.
 */
export function parseJsonInput(flag: string, file: string, text: string, fix: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const position = /at position (\d+)/.exec((e as Error).message)?.[1];
    throw new UsageError(`${flag} ${file}: not valid JSON${position ? ` (at character ${position})` : ''}; ${fix}`);
  }
}

/** A lab config named by `flag`: a missing or invalid file is a usage error naming the flag. */
export function loadConfigArg(flag: string, file: string): LabConfig {
  if (!fs.existsSync(file)) throw new UsageError(`${flag} ${file}: no such file; give the path of a lab config (e.g. config/lab.yaml)`);
  try {
    return loadLabConfig(file);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`${flag} ${file}: ${e.message}`);
    throw e;
  }
}
