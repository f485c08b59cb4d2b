/** `npm run test:live`: the acceptance suite against a disposable Vault (see docs/live-tests.md). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__/live'],
  testMatch: ['**/*.live.ts'],
  transform: {
    '^.+\\.ts$': '<rootDir>/scripts/jest-transform.js',
  },
  // Terraform applies and destroys real Vault objects.
  testTimeout: 900000,
};
