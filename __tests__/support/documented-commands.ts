import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ENGINE_BINARY_ENV } from '../../config/schema-engine';

/** One `cdktf` command as a user would paste it, and where it was found. */
export interface DocumentedCommand {
  /** `README.md:69`, `.gitea/workflows/vault-platform.yml (deploy-main)`. */
  readonly source: string;
  /** The file it came from, relative to the project root. */
  readonly file: string;
  /** The command line as written (comment removed). */
  readonly line: string;
  /** `VAR=value` assignments written before the command. */
  readonly env: Record<string, string>;
  /** The arguments after `cdktf`: `['deploy', 'main', '--auto-approve']`. */
  readonly args: string[];
}

/** Splits one shell command line into words: whitespace, single and double quotes, `\` escapes. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: "'" | '"' | undefined;
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unbalanced ${quote} in: ${line}`);
  if (inWord) words.push(word);
  return words;
}

/** Drops a trailing `# comment` that is outside quotes. */
function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

/**
 * The `cdktf` invocations of one shell line: each `&&`/`;`-separated part whose program is `cdktf`,
 * `npx cdktf` or `npm run synth` (this project's alias for `cdktf synth`), with its env assignments.
 */
function cdktfCommandsOfLine(line: string, source: string, file: string): DocumentedCommand[] {
  const found: DocumentedCommand[] = [];
  if (!/\bcdktf\b|\bnpm run synth\b/.test(line)) return found;
  for (const part of withoutComment(line).split(/\s*(?:&&|;)\s*/)) {
    const words = shellWords(part);
    const env: Record<string, string> = {};
    while (words.length > 0 && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
      const [name, ...value] = words.shift()!.split('=');
      env[name] = value.join('=');
    }
    if (words[0] === 'npx') words.shift();
    let args: string[] | undefined;
    if (words[0] === 'cdktf') args = words.slice(1);
    else if (words[0] === 'npm' && words[1] === 'run' && words[2] === 'synth') args = ['synth', ...words.slice(words[3] === '--' ? 4 : 3)];
    if (args) found.push({ source, file, line: part, env, args });
  }
  return found;
}

/**
 * The command lines of a Markdown file's shell blocks (```sh, ```bash, ```shell), in document order: a
 * line ending in `\` is joined with the next, as the shell reads it; `number` is its first line.
 */
export function shellLinesInMarkdown(root: string, file: string): { line: string; number: number }[] {
  const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
  const found: { line: string; number: number }[] = [];
  let inShell = false;
  let fenced = false;
  let pending: { line: string; number: number } | undefined;
  lines.forEach((line, index) => {
    const fence = /^\s*```(\S*)/.exec(line);
    if (fence) {
      if (!fenced) inShell = ['sh', 'bash', 'shell'].includes(fence[1]);
      fenced = !fenced;
      if (!fenced) inShell = false;
      return;
    }
    if (!inShell) return;
    const joined = pending ? { line: `${pending.line} ${line.trim()}`, number: pending.number } : { line, number: index + 1 };
    if (/\\\s*$/.test(line)) pending = { line: joined.line.replace(/\\\s*$/, ''), number: joined.number };
    else {
      pending = undefined;
      found.push(joined);
    }
  });
  return found;
}

/** Every `cdktf` command in the shell blocks of a Markdown file, in document order. */
export function commandsInMarkdown(root: string, file: string): DocumentedCommand[] {
  return shellLinesInMarkdown(root, file).flatMap(({ line, number }) => cdktfCommandsOfLine(line, `${file}:${number}`, file));
}

/**
 * Variables of a workflow's, job's or step's `env` that a command carries as if written before it:
 * the one that picks the program cdktf runs. The others hold secrets or only matter to synthesis.
 */
const WORKFLOW_ENV_CARRIED = [ENGINE_BINARY_ENV];

/** Every `cdktf` command in the `run` scripts of a workflow file, job by job. */
export function commandsInWorkflow(root: string, file: string): DocumentedCommand[] {
  const workflow = parse(fs.readFileSync(path.join(root, file), 'utf8'));
  const found: DocumentedCommand[] = [];
  for (const [jobId, job] of Object.entries<any>(workflow.jobs ?? {})) {
    for (const step of job.steps ?? []) {
      if (typeof step.run !== 'string') continue;
      const scope = { ...workflow.env, ...job.env, ...step.env };
      const carried = Object.fromEntries(WORKFLOW_ENV_CARRIED.filter((name) => name in scope).map((name) => [name, String(scope[name])]));
      for (const line of step.run.split('\n')) {
        found.push(...cdktfCommandsOfLine(line, `${file} (${jobId})`, file).map((c) => ({ ...c, env: { ...carried, ...c.env } })));
      }
    }
  }
  return found;
}

/** The Markdown files whose commands users paste: README.md and docs/*.md. */
export function documentationFiles(root: string): string[] {
  const docs = fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort();
  return ['README.md', ...docs.map((f) => `docs/${f}`)];
}

/** The workflow files CI runs: .gitea/workflows/*.yml and the template app teams copy. */
export function workflowFiles(root: string): string[] {
  const dir = path.join(root, '.gitea', 'workflows');
  const platform = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => `.gitea/workflows/${f}`);
  const templates = fs.readdirSync(path.join(root, 'docs', 'templates')).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => `docs/templates/${f}`);
  return [...platform, ...templates];
}

/** Positional stack selectors of a deploy/diff command (flags and their values dropped). */
export function stackSelectors(args: readonly string[]): string[] {
  const valued = new Set(['--app', '-a', '--output', '-o', '--outputs-file', '--parallelism', '--terraform-parallelism', '--var', '--var-file']);
  const selectors: string[] = [];
  for (let i = 1; i < args.length; i++) {
    if (valued.has(args[i])) i++;
    else if (!args[i].startsWith('-')) selectors.push(args[i]);
  }
  return selectors;
}

/** The stack names a selector matches, as the cdktf CLI matches them (`*` globs). */
export function matchStacks(selector: string, stacks: readonly string[]): string[] {
  const pattern = new RegExp(`^${selector.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return stacks.filter((s) => pattern.test(s));
}
