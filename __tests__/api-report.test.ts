import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { API_REPORT, renderApiReport } from '../scripts/api-report';

const libraries: string[] = [];
afterAll(() => libraries.forEach((folder) => fs.rmSync(folder, { recursive: true, force: true })));

/** A throwaway library folder holding `files` (removed after the file's tests); returns its entry point. */
function library(files: Record<string, string>): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'api-report-'));
  libraries.push(folder);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
    fs.writeFileSync(path.join(folder, name), text);
  }
  return path.join(folder, 'index.ts');
}

describe('API report: the public API is decided and reviewed', () => {
  test('the committed report (api/vault-platform.api.md) is what the entry points (constructs/index.ts, rules/index.ts) export; after an intended change run `npm run api-report`', () => {
    // GIVEN the committed report  WHEN the report of the package's entry points is generated
    const committed = fs.readFileSync(API_REPORT, 'utf8');
    // THEN they are equal: an export added, removed or changed shows up as a diff of the report in review
    expect(committed).toEqual(renderApiReport());
  });

  test('a class is reported as a .d.ts declares it: public members only, a private base class folded in', () => {
    // GIVEN a class with private, protected and @internal members, extending a base the entry point does not export
    const entry = library({
      'index.ts': "export { Mount, MountProps } from './mount';\n",
      'mount.ts': [
        'export interface MountProps { readonly path?: string }',
        'abstract class MountBase { public abstract readonly path: string; public grantRead(who: string): void { void who; } }',
        'export class Mount extends MountBase {',
        '  public readonly path: string;',
        '  /** @internal */ public readonly cache = new Map<string, number>();',
        '  protected readonly kind = 1;',
        '  private secret = 2;',
        '  public constructor(props: MountProps = {}) { super(); this.path = props.path ?? "kv"; void this.secret; }',
        '  public get description() { return `mount ${this.path}`; }',
        '}',
      ].join('\n'),
    });
    // WHEN reported
    const report = renderApiReport(entry);
    // THEN the public surface is there, inferred types written out, the base's members inherited, nothing hidden leaks
    expect(report).toContain('declare class Mount {');
    expect(report).toMatch(/grantRead\(who: string\): void;[\s\S]*readonly path: string;[\s\S]*constructor\(props\?: MountProps\);[\s\S]*get description\(\): string;/);
    expect(report).not.toMatch(/MountBase|cache|kind|secret/);
  });

  test('orders declarations the same on every machine, whatever its locale (Czech sorts "ch" after "h")', () => {
    // GIVEN exports whose order differs between English and Czech collation
    const entry = library({ 'index.ts': "export { ha, cha, ia } from './names';\n", 'names.ts': 'export const ha = 1;\nexport const cha = 2;\nexport const ia = 3;\n' });
    // WHEN reported on a machine whose default locale is Czech
    const compare = String.prototype.localeCompare;
    String.prototype.localeCompare = function (this: string, that: string, locales?: string | string[], options?: Intl.CollatorOptions) {
      return compare.call(this, that, locales ?? 'cs', options);
    };
    let report: string;
    try {
      report = renderApiReport(entry);
    } finally {
      String.prototype.localeCompare = compare;
    }
    // THEN the order is the committed report's, not Czech
    expect(report.match(/\b(cha|ha|ia)\b/g)).toEqual(['cha', 'ha', 'ia']);
  });

  test('fails when the entry point re-exports a whole module', () => {
    // GIVEN an entry point with `export *`  THEN the report refuses it, naming the line
    const entry = library({ 'index.ts': "export * from './a';\n", 'a.ts': 'export const A = 1;\n' });
    expect(() => renderApiReport(entry)).toThrow(/'export \* from '.\/a';' exports a whole module; name each public declaration/);
  });

  test('fails when the entry point exports from a private/ folder', () => {
    // GIVEN an entry point exporting a helper kept in private/
    const entry = library({ 'index.ts': "export { helper } from './private/helper';\n", 'private/helper.ts': 'export function helper(): number { return 1; }\n' });
    // THEN the report refuses it, naming the export and the fix
    expect(() => renderApiReport(entry)).toThrow(/helper \(.*private\/helper\.ts\) is exported, but a private\/ folder holds internals: move it out of private\/ to make it public/);
  });

  test("with two entry points, a signature of one may name a type the other exports (the rule pack's props naming a construct library type)", () => {
    // GIVEN a second entry point whose Props names a type the first entry point exports
    const first = library({ 'index.ts': "export { Profile } from './profile';\n", 'profile.ts': "export type Profile = 'gitea' | 'forgejo';\n", 'rules/index.ts': "export { Props } from './props';\n", 'rules/props.ts': "import { Profile } from '../profile';\nexport interface Props { readonly profile: Profile }\n" });
    // WHEN both are reported  THEN the API is closed, and both entry points' declarations are listed
    const report = renderApiReport([first, path.join(path.dirname(first), 'rules', 'index.ts')]);
    expect(report).toMatch(/## .*\/profile\.ts\n[\s\S]*type Profile = 'gitea' \| 'forgejo';[\s\S]*## .*\/rules\/props\.ts\n[\s\S]*readonly profile: Profile;/);
  });

  test('fails when a signature of the second entry point names a type of the first that neither exports', () => {
    // GIVEN the same two entry points, the first no longer exporting Profile
    const first = library({ 'index.ts': 'export const VERSION = 1;\n', 'profile.ts': "export type Profile = 'gitea' | 'forgejo';\n", 'rules/index.ts': "export { Props } from './props';\n", 'rules/props.ts': "import { Profile } from '../profile';\nexport interface Props { readonly profile: Profile }\n" });
    // THEN the report names the member, the type, both entry points and the fix
    expect(() => renderApiReport([first, path.join(path.dirname(first), 'rules', 'index.ts')])).toThrow(/Props\.profile names Profile \(.*profile\.ts\), which .*index\.ts, .*rules\/index\.ts does not export: export it/);
  });

  test('fails when a public signature names a type the entry point does not export', () => {
    // GIVEN Props exported whose field is typed by an unexported interface
    const entry = library({ 'index.ts': "export { Props } from './a';\n", 'a.ts': 'export interface Hidden { readonly x: number }\nexport interface Props { readonly hidden: Hidden }\n' });
    // THEN the report names the member, the type and the fix
    expect(() => renderApiReport(entry)).toThrow(/Props\.hidden names Hidden \(.*a\.ts\), which .*index\.ts does not export: export it, or keep it out of the public signature/);
  });
});
