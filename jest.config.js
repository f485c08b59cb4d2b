/** Type checking is `npm run typecheck`; tests only transpile (esbuild), which keeps them fast. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': '<rootDir>/scripts/jest-transform.js',
  },
  testTimeout: 60000,
  // Jest's default (cores - 1) runs one worker on this 2-core machine; the main process is idle.
  maxWorkers: 2,
  // Compiled code kept across test files, token creation stacks left unmapped (see the file).
  runtime: '<rootDir>/scripts/jest-runtime.js',
  // The Node processes tests start (cdktf CLI, tsx) keep their compiled code too (see the file).
  globalSetup: '<rootDir>/scripts/jest-global-setup.js',
  // One temporary folder per run, removed at the end (see the file).
  globalTeardown: '<rootDir>/scripts/jest-global-teardown.js',
  testSequencer: '<rootDir>/scripts/jest-sequencer.js',
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
};
