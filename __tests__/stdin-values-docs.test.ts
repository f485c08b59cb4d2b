import * as path from 'path';
import { documentationFiles, shellLinesInMarkdown, shellWords } from './support/documented-commands';

/**
 * The vault CLI reads a `key=-` value from stdin byte for byte, a final newline included
 * (hashicorp/go-secure-stdlib kv-builder/builder.go, `add`: `value = buf.String()`, untrimmed; the
 * CLI's `vault write` and `vault kv put` parse their arguments with it, hashicorp/vault
 * command/base_helpers.go parseArgsData). A value typed and ended with Enter is stored with that
 * newline: a pasted API token breaks its consumer, and a break-glass password can never log in, since
 * the userpass login prompt sends the password without it. So every documented command that reads a
 * value that way takes it from `printf '%s' "$VAR"`, which adds none.
 */

const ROOT = path.join(__dirname, '..');

/** What is wrong with one documented shell line, or nothing. */
function stdinValueProblem(line: string): string | undefined {
  const vault = /\bvault\s+(kv\s+(put|patch)|write)\b.*$/.exec(line);
  if (!vault) return undefined;
  const fromStdin = shellWords(vault[0].replace(/\s#.*$/, '')).filter((w) => /^[^=\s]+=-$/.test(w));
  if (fromStdin.length === 0) return undefined;
  return /\bprintf '%s' "\$\w+" \| vault\b/.test(line) ? undefined : `${fromStdin.join(' ')} reads stdin with its final newline: feed it with printf '%s' "$VAR" |`;
}

const lines = documentationFiles(ROOT).flatMap((file) =>
  shellLinesInMarkdown(ROOT, file).map(({ line, number }) => ({ source: `${file}:${number}`, line })),
);
const stdinLines = lines.filter(({ line }) => /\bvault\s+(kv\s+(put|patch)|write)\b.*\s[^=\s]+=-(\s|$)/.test(line));

describe('documented vault commands read a value from stdin without a final newline', () => {
  test('the docs write infrastructure secrets and the break-glass password from stdin (the extraction finds them)', () => {
    const text = stdinLines.map((l) => l.line).join('\n');
    expect(text).toMatch(/vault kv put -mount=secret dns\/provider api-token=-/);
    expect(text).toMatch(/vault write auth\/break-glass\/users\/emergency password=-/);
  });

  test.each(stdinLines.map((l) => [l.source, l.line] as const))('%s: the value is piped by printf', (source, line) => {
    expect({ source, problem: stdinValueProblem(line) }).toEqual({ source, problem: undefined });
  });

  test.each([
    ['vault write auth/break-glass/users/emergency password=-   # type the password, then Ctrl-D'],
    ['vault kv put -mount=secret dns/provider api-token=-'],
    ['echo "$VALUE" | vault kv put -mount=secret dns/provider api-token=-'],
  ])('fails when a command reads `%s`', (line) => {
    expect(stdinValueProblem(line)).toMatch(/reads stdin with its final newline/);
  });
});
