/** After the last test file: the run's temporary folder goes (see jest-global-setup.js). */
const fs = require('fs');
const { RUN_TMPDIR } = require('./jest-global-setup');

module.exports = () => {
  const runTmpdir = process.env[RUN_TMPDIR];
  if (runTmpdir) fs.rmSync(runTmpdir, { recursive: true, force: true });
};
