/**
 * Starts the test files that run real CLIs and servers first, so neither of the two workers idles at
 * the end while one of them finishes a long file. Jest orders by earlier durations when it has them
 * (not in a fresh clone) and by file size otherwise.
 */
const Sequencer = require('@jest/test-sequencer').default;

const LONG_FIRST = ['journey.test.ts', 'main-cli.test.ts', 'postgres-real.test.ts'];

class LongFirstSequencer extends Sequencer {
  sort(tests) {
    const rank = (test) => {
      const i = LONG_FIRST.findIndex((name) => test.path.endsWith(`/${name}`));
      return i === -1 ? LONG_FIRST.length : i;
    };
    return [...super.sort(tests)].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongFirstSequencer;
