import * as fs from 'fs';
import * as path from 'path';
import { Node } from 'constructs';
import { PROJECT_ROOT } from './support/imports';

/**
 * cdktf is frozen and its fork (cdktn) promises nothing about what the package root does not export:
 * modules under `cdktf/lib/…` (its `private` folders above all) and fields its typings mark private
 * may change shape or go. Our code, tests included, uses the package root only.
 */

/** Every `.ts` file of ours, relative to the project root, with its text. This file is left out: it names what it looks for. */
function ourSources(): Array<[string, string]> {
  const skipped = new Set(['node_modules', 'cdktf.out', '.gen', '.git', path.relative(PROJECT_ROOT, __filename)]);
  const walk = (relative: string): string[] =>
    fs
      .readdirSync(path.join(PROJECT_ROOT, relative), { withFileTypes: true })
      .filter((entry) => !skipped.has(path.join(relative, entry.name)) && !entry.name.startsWith('.'))
      .flatMap((entry) => {
        const file = path.join(relative, entry.name);
        if (entry.isDirectory()) return walk(file);
        return /(?<!\.d)\.ts$/.test(entry.name) ? [file] : [];
      });
  return walk('').map((file) => [file, fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8')]);
}

const SOURCES = ourSources();

/** The cdktf module each file names in quotes (import, require, jest.mock …), package root excepted. */
function deepCdktfModules(): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const [file, text] of SOURCES) {
    const modules = [...text.matchAll(/['"`](cdktf\/[^'"`\s]+)['"`]/g)].map((m) => m[1]);
    if (modules.length > 0) found[file] = modules;
  }
  return found;
}

/**
 * The fields cdktf's typings mark private on the classes we extend or render (`TerraformStack`,
 * `TerraformElement`), read from the installed typings, less the names constructs' `Node` makes
 * public (`findAll`).
 */
function cdktfPrivateFields(): string[] {
  const publicOnNode = new Set(Object.getOwnPropertyNames(Node.prototype));
  const typings = ['terraform-stack.d.ts', 'terraform-element.d.ts'].map((file) => fs.readFileSync(require.resolve(`cdktf/lib/${file}`), 'utf8'));
  const names = typings.flatMap((text) => [...text.matchAll(/^\s*private (?:readonly )?([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]));
  return [...new Set(names)].filter((name) => !publicOnNode.has(name));
}

describe('cdktf: the package root only', () => {
  test('the scan sees our sources: the rendering, the constructs, the tests', () => {
    // GIVEN our sources  THEN they hold files known to exist (an empty scan passes nothing)
    expect(SOURCES.map(([file]) => file)).toEqual(expect.arrayContaining(['rules/synthesized.ts', 'constructs/index.ts', '__tests__/rendering.test.ts', 'main.ts']));
  });

  test('no file uses a cdktf module below the package root (cdktf/lib/**, its private folders included)', () => {
    // GIVEN the cdktf modules our files name, package root excepted  THEN there are none
    expect(deepCdktfModules()).toEqual({});
  });

  test('no file reads a field cdktf\'s typings mark private on TerraformStack or TerraformElement', () => {
    // GIVEN the private fields of the installed typings, still holding what the rendering once read
    const fields = cdktfPrivateFields();
    expect(fields).toEqual(expect.arrayContaining(['rawOverrides', 'cdktfVersion']));
    // WHEN our sources are searched for `.name`, `['name']`, `name:` (a cast's type or a renaming
    // destructuring) and `{ name } =`
    const reads = SOURCES.flatMap(([file, text]) =>
      fields
        .filter((name) => new RegExp(`\\.${name}\\b|\\[\\s*['"\`]${name}['"\`]\\s*\\]|\\b${name}\\??\\s*:|\\{[^}]*\\b${name}\\b[^}]*\\}\\s*=`).test(text))
        .map((name) => `${file}: ${name}`),
    );
    // THEN none is found
    expect(reads).toEqual([]);
  });
});
