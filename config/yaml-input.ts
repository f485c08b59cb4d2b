import * as fs from 'fs';
import type { Document } from 'yaml';

/**
 * How the YAML files the config consists of (the lab config, SecretContracts) become values: as
 * UTF-8 text only, and without letting aliases multiply a small file into a huge value.
 */

/** A file that is not UTF-8 text: read as UTF-8 anyway, its bad bytes would become U+FFFD in names and values. */
export class NotUtf8Error extends Error {
  public constructor(file: string, line: number) {
    super(`${file} is not UTF-8 text (an invalid byte on line ${line}); save it as UTF-8`);
    this.name = 'NotUtf8Error';
  }
}

/** The text of `file`, which must be UTF-8 (a leading byte order mark is dropped, as YAML allows). */
export function readUtf8File(file: string): string {
  const bytes = fs.readFileSync(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lossy = new TextDecoder('utf-8').decode(bytes);
    throw new NotUtf8Error(file, lossy.slice(0, lossy.indexOf('\ufffd')).split('\n').length);
  }
}

/**
 * The plain value of a parsed document, or why there is none. The yaml library refuses to expand
 * aliases past a limit (eemeli/yaml src/nodes/Alias.ts, maxAliasCount: "Excessive alias count
 * indicates a resource exhaustion attack") by throwing; that becomes a problem to report, not a crash.
 */
export function yamlValue(doc: Document): { readonly value: unknown } | { readonly problem: string } {
  try {
    return { value: doc.toJS() };
  } catch (e) {
    return { problem: `YAML: ${(e as Error).message}; write the values out instead of repeating aliases` };
  }
}
