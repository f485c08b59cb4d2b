import * as fs from 'fs';
import * as path from 'path';

/**
 * Files the config names are read only from inside the project: a path in a reviewed config (or a
 * committed symbolic link) must not make synthesis read, and echo in its errors, a file elsewhere on
 * the machine that runs it (a CI runner's credentials, for one).
 */

/** Where a file that escapes the project was refused; the message names the path as given, never the target. */
export class OutsideProjectError extends Error {
  public constructor(file: string, projectRoot: string) {
    super(`${file} leads outside the project root ${projectRoot} (through '..' or a symbolic link); keep the file inside the project, as a regular file or a link that stays inside`);
    this.name = 'OutsideProjectError';
  }
}

/**
 * The real location of `file` (relative to `projectRoot`) with every symbolic link followed; throws
 * an OutsideProjectError when that lies outside the project root, and fs's error when it does not exist.
 */
export function realPathInsideProject(file: string, projectRoot: string): string {
  const real = fs.realpathSync(path.resolve(projectRoot, file));
  if (!isInsideFolder(real, fs.realpathSync(projectRoot))) throw new OutsideProjectError(file, projectRoot);
  return real;
}

/** Whether `file` is `folder` itself or below it (both absolute). */
export function isInsideFolder(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
