import * as fs from 'fs';
import * as path from 'path';
import { documentationFiles, shellLinesInMarkdown, shellWords } from './support/documented-commands';

/**
 * Every Vault of the lab has one key share with threshold one (docs/runbook.md#one-key-threshold-one).
 * `vault operator init` needs a Vault to run against, which this repository's tests have none of, so
 * the documented commands are checked as text: each one in README.md and docs/*.md, in a shell block
 * or in inline code with flags, names one share and threshold one, of one kind: `-key-shares` and
 * `-key-threshold` for a Shamir seal, `-recovery-shares` and `-recovery-threshold` for an auto-unsealed
 * Vault; Vault refuses the other kind's (hashicorp/vault http/sys_init.go), and left out they default
 * to 5 shares, threshold 3 (command/operator_init.go). A new key comes from `vault operator rekey
 * -init`, which has only `-key-shares` and `-key-threshold` (for `-target=recovery` too) with the same
 * defaults (command/operator_rekey.go), so each such command names those, set to one.
 */

const ROOT = path.join(__dirname, '..');

interface InitCommand {
  readonly source: string;
  /** `init`, or `rekey` for a `vault operator rekey -init`. */
  readonly verb: 'init' | 'rekey';
  readonly words: string[];
}

/** The `vault operator init` and `vault operator rekey -init` commands of one document, from the first word after the verb. */
function initCommandsIn(file: string): InitCommand[] {
  const fromShell = shellLinesInMarkdown(ROOT, file).map(({ line, number }) => ({ source: `${file}:${number}`, line }));
  // Inline code outside the shell blocks, where a command is quoted in prose (`vault operator init -key-shares=1 ...`).
  const inline = fs
    .readFileSync(path.join(ROOT, file), 'utf8')
    .replace(/^\s*```[\s\S]*?^\s*```/gm, '')
    .split('\n')
    .flatMap((text) => [...text.matchAll(/`([^`]*vault operator (?:init|rekey)[^`]*)`/g)].map((m) => ({ source: `${file} (inline)`, line: m[1] })));
  return [...fromShell, ...inline]
    .flatMap(({ source, line }) => {
      const verb = /\bvault operator (init|rekey)\b/.exec(line)?.[1] as InitCommand['verb'] | undefined;
      if (!verb) return [];
      const words = shellWords(line.replace(/^.*?\bvault operator (init|rekey)\b/, '').replace(/\s#.*$/, ''));
      return verb === 'init' || words.includes('-init') ? [{ source, verb, words }] : [];
    })
    .filter((c) => c.source.endsWith('(inline)') === false || c.words.some((w) => w.startsWith('-')));
}

/** What is wrong with one init (or rekey -init) command's share flags, or nothing. */
function shareProblems(words: readonly string[], verb: InitCommand['verb'] = 'init'): string[] {
  const flag = (name: string) => words.find((w) => w.startsWith(`-${name}=`) || w.startsWith(`--${name}=`))?.split('=')[1];
  const kinds = [
    ['key-shares', 'key-threshold'],
    ...(verb === 'init' ? [['recovery-shares', 'recovery-threshold']] : []),
  ].filter(([shares, threshold]) => flag(shares) !== undefined || flag(threshold) !== undefined);
  if (kinds.length !== 1) return [`names ${kinds.length === 0 ? 'no share count (Vault then makes 5 shares, threshold 3)' : 'both unseal and recovery shares'}`];
  return kinds[0].filter((name) => flag(name) !== '1').map((name) => `-${name}=${flag(name) ?? '(missing)'}, not 1`);
}

const commands = documentationFiles(ROOT).flatMap(initCommandsIn);

describe('one key, threshold one, wherever the docs initialize a Vault', () => {
  test('the docs initialize the QNAP, main and sandbox Vaults (the extraction finds them)', () => {
    const text = commands.map((c) => `${c.source} ${c.words.join(' ')}`).join('\n');
    expect(text).toMatch(/-recovery-shares=1/);
    expect(text).toMatch(/-key-shares=1/);
    expect(commands.filter((c) => c.verb === 'rekey').map((c) => c.words.includes('-target=recovery'))).toEqual(expect.arrayContaining([true, false]));
    expect(new Set(commands.map((c) => c.source.split(/[: ]/)[0]))).toEqual(new Set(['README.md', 'docs/runbook.md']));
  });

  test.each(commands.map((c) => [c.source, c] as const))('%s: one share, threshold one', (_source, c) => {
    expect({ command: c.source, problems: shareProblems(c.words, c.verb) }).toEqual({ command: c.source, problems: [] });
  });

  test.each([
    ['-recovery-shares=5 -recovery-threshold=3', ['-recovery-shares=5, not 1', '-recovery-threshold=3, not 1']],
    ['-ca-cert=/vault/userconfig/tls/ca.crt', ['names no share count (Vault then makes 5 shares, threshold 3)']],
    ['-key-shares=1 -key-threshold=1 -recovery-shares=1', ['names both unseal and recovery shares']],
    ['-key-shares=1', ['-key-threshold=(missing), not 1']],
  ])('fails when an init command reads `%s`', (flags, problems) => {
    expect(shareProblems(shellWords(flags))).toEqual(problems);
  });

  test.each([
    ['-init', ['names no share count (Vault then makes 5 shares, threshold 3)']],
    ['-target=recovery -init -recovery-shares=1 -recovery-threshold=1', ['names no share count (Vault then makes 5 shares, threshold 3)']],
    ['-init -key-shares=1 -key-threshold=3', ['-key-threshold=3, not 1']],
  ])('fails when a rekey command reads `%s`', (flags, problems) => {
    expect(shareProblems(shellWords(flags), 'rekey')).toEqual(problems);
  });
});
