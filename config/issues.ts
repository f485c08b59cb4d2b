/**
 * One problem in the lab config, as every check reports it. Its own module, below the loader: the
 * loader runs the checks, so the checks cannot import the loader.
 */
export interface ConfigIssue {
  /** Where in the file, e.g. `apps[2].name`. */
  readonly path: string;
  /** The offending value as found in the file (undefined when missing). */
  readonly value: unknown;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/** `['apps', 2, 'name']` → `apps[2].name`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  return segments
    .map((s, i) => (typeof s === 'number' ? `[${s}]` : `${i === 0 ? '' : '.'}${String(s)}`))
    .join('');
}
