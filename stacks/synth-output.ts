import * as fs from 'fs';
import * as path from 'path';
import { Manifest } from 'cdktf';

/** This project's folder: synthesis never writes to it, above it, or into one of its folders. */
const PROJECT_ROOT = fs.realpathSync(path.resolve(__dirname, '..'));

/**
 * The file in every output that lists the files synthesis wrote there. It marks a folder as an
 * earlier output; the next synthesis replaces exactly those files and keeps everything else
 * (Terraform's `.terraform` folder and lock file in a stack folder, a file someone added).
 */
export const OUTPUT_RECORD = '.vault-platform-output.json';

interface OutputRecord {
  readonly writtenBy: 'vault-platform';
  /** Paths relative to the output folder, `/`-separated. */
  readonly files: string[];
}

/**
 * The absolute path of `outdir` if synthesis may replace it: a folder that does not exist yet, an
 * empty one, or an earlier output (it holds `OUTPUT_RECORD`). Throws, naming the path and the fix,
 * for anything else: the project folder or one above it, a folder inside the project's own folders
 * (`docs/out`), a file, a symbolic link, a folder holding files synthesis did not write.
 */
export function checkOutputFolder(outdir: string): string {
  const target = path.resolve(outdir);
  const fix = 'set CDKTF_OUTDIR (or `cdktf synth --output`) to a new folder, such as cdktf.out';
  // Judged where the files really land: a symbolic link among the parents (`/tmp/link/out`, link to
  // the project's docs) must not lead around the checks below.
  const fromRoot = path.relative(PROJECT_ROOT, realParentPath(target));
  if (fromRoot === '' || fromRoot.split(path.sep).every((part) => part === '..')) {
    throw new Error(`output folder ${outdir} (${target}) is the project folder or holds it, and synthesis replaces its output folder; ${fix}`);
  }
  const insideProject = fromRoot !== '..' && !fromRoot.startsWith(`..${path.sep}`) && !path.isAbsolute(fromRoot);
  if (insideProject && fromRoot.includes(path.sep)) {
    const folder = fromRoot.split(path.sep)[0];
    throw new Error(`output folder ${outdir} is inside the project folder ${folder}/; an output inside the project is a top-level folder of its own: ${fix}`);
  }
  let stats: fs.Stats;
  try {
    stats = fs.lstatSync(target);
  } catch {
    return target;
  }
  if (stats.isSymbolicLink()) throw new Error(`output folder ${outdir} is a symbolic link; give the folder itself, or ${fix}`);
  if (!stats.isDirectory()) throw new Error(`output folder ${outdir} is a file, not a folder; ${fix}`);
  const entries = fs.readdirSync(target);
  if (entries.length > 0 && !entries.includes(OUTPUT_RECORD)) {
    // Only a hint: a cdktf manifest does not say which files synthesis wrote, so it marks nothing.
    const unrecorded = entries.includes(Manifest.fileName)
      ? ` If it is an output written before ${OUTPUT_RECORD} existed, move what you keep (a stack's .terraform folder, lock file) out and remove the folder once.`
      : '';
    throw new Error(
      `output folder ${outdir} is not an earlier output (it has no ${OUTPUT_RECORD}) and holds files synthesis did not write ` +
        `(${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}), which replacing it would delete; ${fix}.${unrecorded}`,
    );
  }
  if (entries.length > 0) readRecord(target);
  return target;
}

/** `target` with every symbolic link among its existing parent folders followed (not `target` itself). */
function realParentPath(target: string): string {
  let parent = path.dirname(target);
  const rest = [path.basename(target)];
  while (!fs.existsSync(parent)) {
    rest.unshift(path.basename(parent));
    parent = path.dirname(parent);
  }
  return path.join(fs.realpathSync(parent), ...rest);
}

/**
 * A fresh staging folder next to `target` (the same file system, so publishing is a rename), inside
 * a private temporary folder: `discardStaging` removes both.
 */
export function createStaging(target: string): string {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const container = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}.synthesizing-`));
  const staging = path.join(container, path.basename(target));
  fs.mkdirSync(staging);
  return staging;
}

export function discardStaging(staging: string): void {
  fs.rmSync(path.dirname(staging), { recursive: true, force: true });
}

/**
 * Makes the complete output in `staging` the output at `target`. What an earlier output holds that
 * synthesis did not write moves into the new one first; then the folders swap by two renames, and
 * only the files the earlier synthesis wrote are deleted with the old folder. On failure `target` is
 * as it was. The caller discards the staging folder afterwards, on success or failure.
 */
export function publishOutput(staging: string, target: string): void {
  writeRecord(staging);
  if (!fs.existsSync(target)) {
    fs.renameSync(staging, target);
    return;
  }
  const moved: Array<[from: string, to: string]> = [];
  const previous = path.join(path.dirname(staging), 'previous');
  let swapped = false;
  try {
    const written = readRecord(target)?.files ?? [];
    keepUnwritten(target, staging, { files: new Set(written), folders: foldersOf(written) }, '', moved);
    keepStackFolders(target, staging);
    fs.renameSync(target, previous);
    swapped = true;
    fs.renameSync(staging, target);
  } catch (e) {
    if (swapped) fs.renameSync(previous, target);
    for (const [from, to] of moved.reverse()) fs.renameSync(to, from);
    throw e;
  }
}

/**
 * Moves every entry below `old/rel` that synthesis did not write to the same place in `fresh`: a
 * folder holding a written file is entered, anything else that is not a written file moves whole.
 */
function keepUnwritten(
  old: string,
  fresh: string,
  written: { readonly files: ReadonlySet<string>; readonly folders: ReadonlySet<string> },
  rel: string,
  moved: Array<[string, string]>,
): void {
  for (const name of fs.readdirSync(path.join(old, rel))) {
    const entry = rel ? `${rel}/${name}` : name;
    const from = path.join(old, entry);
    const stats = fs.lstatSync(from);
    if (stats.isFile() && written.files.has(entry)) continue;
    if (stats.isDirectory() && written.folders.has(entry)) {
      keepUnwritten(old, fresh, written, entry, moved);
      continue;
    }
    const to = path.join(fresh, entry);
    if (fs.existsSync(to)) throw new Error(`cannot keep ${from}, which synthesis did not write: the new output writes the same path; move it away and synthesize again`);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.renameSync(from, to);
    moved.push([from, to]);
  }
}

/** Every folder that holds one of `files`, directly or further down (`a`, `a/b` for `a/b/c.json`). */
function foldersOf(files: readonly string[]): Set<string> {
  const folders = new Set<string>();
  for (const file of files) {
    for (let end = file.indexOf('/'); end !== -1; end = file.indexOf('/', end + 1)) folders.add(file.slice(0, end));
  }
  return folders;
}

/**
 * Keeps the earlier output's stack folders, empty when they held only synthesized files: after a
 * successful synthesis the cdktf CLI deletes the stack folders of the earlier output that the new
 * one lacks, and fails on one that is gone (@cdktf/cli-core src/lib/synth-stack.ts, `rmSync`
 * without `force`).
 */
function keepStackFolders(old: string, fresh: string): void {
  const stacks = path.join(old, Manifest.stacksFolder);
  if (!fs.existsSync(stacks)) return;
  for (const entry of fs.readdirSync(stacks, { withFileTypes: true })) {
    if (entry.isDirectory()) fs.mkdirSync(path.join(fresh, Manifest.stacksFolder, entry.name), { recursive: true });
  }
}

function writeRecord(outdir: string): void {
  const files = [OUTPUT_RECORD];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(outdir, rel), { withFileTypes: true })) {
      const entryPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(entryPath);
      else files.push(entryPath);
    }
  };
  walk('');
  const record: OutputRecord = { writtenBy: 'vault-platform', files: files.sort() };
  fs.writeFileSync(path.join(outdir, OUTPUT_RECORD), `${JSON.stringify(record, null, 2)}\n`);
}

function readRecord(outdir: string): OutputRecord | undefined {
  const file = path.join(outdir, OUTPUT_RECORD);
  if (!fs.existsSync(file)) return undefined;
  let record: Partial<OutputRecord> | undefined;
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    record = undefined;
  }
  if (record?.writtenBy !== 'vault-platform' || !Array.isArray(record.files) || !record.files.every((f) => typeof f === 'string')) {
    throw new Error(`${file} is not a record of this project's synthesis; empty ${outdir} yourself, or set CDKTF_OUTDIR to a new folder`);
  }
  return record as OutputRecord;
}
