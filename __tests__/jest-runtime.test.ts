import * as fs from 'fs';

/** Types only: esbuild drops these lines, so the JavaScript lines below differ from the TypeScript ones. */
interface Dropped {
  readonly a: string;
  readonly b: string;
}
type AlsoDropped = Dropped;

/** The line of this file that holds `marker`. */
const lineOf = (marker: string) => fs.readFileSync(__filename, 'utf8').split('\n').findIndex((l) => l.includes(marker) && !l.includes('lineOf(')) + 1;
const frameAt = (line: number) => new RegExp(`jest-runtime\\.test\\.ts:${line}:\\d+`);

describe('the test runtime (scripts/jest-runtime.js)', () => {
  test('a real error still points at its TypeScript line', () => {
    // GIVEN an error made a few dropped lines below the file's start
    const error: Error & Partial<AlsoDropped> = new Error('real error');
    // WHEN its stack is read  THEN the frame is mapped to this file's line
    expect(error.stack).toMatch(frameAt(lineOf("new Error('real error')")));
  });

  test("a stack captured on a plain object (cdktf's token creation stack) is not source-mapped", () => {
    // GIVEN a capture the way cdktf records a token's creation stack
    const target = { stack: '' };
    Error.captureStackTrace(target);
    // WHEN its stack is read  THEN it names the transpiled line, not this file's line
    expect(target.stack).toMatch(/jest-runtime\.test\.ts:\d+:\d+/);
    expect(target.stack).not.toMatch(frameAt(lineOf('Error.captureStackTrace(target)')));
  });
});
