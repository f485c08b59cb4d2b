import * as fs from 'fs';
import * as path from 'path';

/** The TypeScript sources under `entry` (a folder, searched recursively, or one file); `.d.ts` files left out. */
export function typeScriptFiles(entry: string): string[] {
  if (!fs.statSync(entry).isDirectory()) return [entry];
  return fs
    .readdirSync(entry, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? typeScriptFiles(path.join(entry, e.name)) : /(?<!\.d)\.ts$/.test(e.name) ? [path.join(entry, e.name)] : []));
}
