/**
 * Before the workers start: every Node process the tests start (the cdktf CLI, `tsx main.ts`, the
 * scripts) preloads the compile cache of jest-child-code-cache.js; workers and tests inherit the
 * environment.
 */
const path = require('path');

/**
 * cdktf-cli gives the app it runs `--max-old-space-size=4096` only when NODE_OPTIONS is unset, and warns
 * when NODE_OPTIONS lacks it (hashicorp/terraform-cdk packages/@cdktf/cli-core/src/lib/synth-stack.ts): so it is set here
 * to that same value, and the app runs as it would without this file.
 */
const CDKTF_APP_HEAP = '--max-old-space-size=4096';

module.exports = (_globalConfig, projectConfig) => {
  process.env.JEST_CHILD_CODE_CACHE_DIR = path.join(projectConfig.cacheDirectory, 'child-code-cache');
  const options = [process.env.NODE_OPTIONS, `--require ${JSON.stringify(path.join(__dirname, 'jest-child-code-cache.js'))}`];
  if (!/--max-old-space-size/.test(process.env.NODE_OPTIONS ?? '')) options.push(CDKTF_APP_HEAP);
  process.env.NODE_OPTIONS = options.filter(Boolean).join(' ');
};
