import * as fs from 'fs';
import * as path from 'path';

/**
 * Upstream schemas are read in place from ../shared/schemas (or $SCHEMAS_DIR), never copied into the
 * repository. Where they are absent, schema tests skip and say why.
 */
export const SCHEMAS_DIR = process.env.SCHEMAS_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'schemas');

export function schemasAvailable(): boolean {
  return fs.existsSync(path.join(SCHEMAS_DIR, 'SOURCES.md'));
}

export function schemaPath(...segments: string[]): string {
  return path.join(SCHEMAS_DIR, ...segments);
}

/** `describe` when the upstream schemas are present; otherwise a skipped block that prints why. */
export function describeWithSchemas(name: string, fn: () => void): void {
  if (schemasAvailable()) {
    describe(name, fn);
  } else {
    // Not `fn`: jest runs a skipped block's body to collect its tests, and bodies read the schemas.
    describe.skip(`${name} (skipped: no upstream schemas at ${SCHEMAS_DIR}; set SCHEMAS_DIR)`, () => test.skip('needs the upstream schemas', () => undefined));
    // eslint-disable-next-line no-console
    console.warn(`skipping "${name}": upstream schemas not found at ${SCHEMAS_DIR} (set SCHEMAS_DIR)`);
  }
}
