/**
 * Before the workers start: every Node process the tests start (the cdktf CLI, `tsx main.ts`, the
 * scripts) preloads the compile cache of jest-child-code-cache.js; workers and tests inherit the
 * environment, cleared of what the caller's shell would otherwise steer them with.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

/**
 * cdktf-cli gives the app it runs `--max-old-space-size=4096` only when NODE_OPTIONS is unset, and warns
 * when NODE_OPTIONS lacks it (hashicorp/terraform-cdk packages/@cdktf/cli-core/src/lib/synth-stack.ts): so it is set here
 * to that same value, and the app runs as it would without this file.
 */
const CDKTF_APP_HEAP = '--max-old-space-size=4096';

/**
 * Variables an operator's shell holds (the README exports TERRAFORM_BINARY_NAME, VAULT_TOKEN, PG_CONN_STR)
 * that change what the tests run, so that `npm test` there would fail or test something else: the app's
 * own (LAB_CONFIG, VAULT_AUTH_METHOD), cdktf's (CDKTF_OUTDIR, CDKTF_TARGET_STACK_ID, CDKTF_CONTEXT_JSON,
 * SYNTH_HCL_OUTPUT, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: hashicorp/terraform-cdk packages/cdktf/lib/app.ts, terraform-stack.ts),
 * Terraform's and OpenTofu's (TF_DATA_DIR, TF_WORKSPACE, TF_CLI_ARGS…), Vault's, and those libpq, node-postgres
 * and the pg state backend read (PGSSLMODE=require fails every login to the throwaway server:
 * brianc/node-postgres packages/pg/lib/connection-parameters.js). A test sets what it needs itself.
 */
const CALLER_STEERING = /^(LAB_CONFIG|TERRAFORM_BINARY_NAME|SYNTH_HCL_OUTPUT|CDKTF_\w*|TF_\w*|TOFU_\w*|VAULT_\w*|PG\w*)$/;

/** Whether the tests drop the caller's variable `name` (see CALLER_STEERING). */
function isCallerSteering(name) {
  return CALLER_STEERING.test(name);
}

/** NODE_OPTIONS of the processes the tests start: the caller's, the compile cache, and cdktf's app heap unless the caller sets one. */
function childNodeOptions(callerOptions) {
  const options = [callerOptions, `--require ${JSON.stringify(path.join(__dirname, 'jest-child-code-cache.js'))}`];
  if (!/--max-old-space-size/.test(callerOptions ?? '')) options.push(CDKTF_APP_HEAP);
  return options.filter(Boolean).join(' ');
}

/** Set to the run's temporary folder, which scripts/jest-global-teardown.js removes. */
const RUN_TMPDIR = 'VAULT_PLATFORM_TEST_TMPDIR';

module.exports = (_globalConfig, projectConfig) => {
  for (const name of Object.keys(process.env).filter(isCallerSteering)) delete process.env[name];
  // Everything the tests and the processes they start put in the temporary folder goes in one folder
  // per run: cdktf's Testing.app() makes a folder per app and never removes it (thousands per run).
  // The PostgreSQL server runs as `postgres` when CI runs as root, so it must be able to enter it.
  const runTmpdir = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-tests-'));
  fs.chmodSync(runTmpdir, 0o755);
  process.env[RUN_TMPDIR] = process.env.TMPDIR = runTmpdir;
  // ...except tsx's compiled files, kept in <tmpdir>/tsx-<euid> (privatenumber/tsx
  // src/utils/temporary-directory.ts): that folder leads to Jest's cache, so they outlive the run.
  const tsxCache = path.join(projectConfig.cacheDirectory, 'tsx');
  fs.mkdirSync(tsxCache, { recursive: true });
  fs.symlinkSync(tsxCache, path.join(runTmpdir, `tsx-${process.geteuid()}`));
  // No call home: `terraform version` waits for HashiCorp's checkpoint answer (hashicorp/terraform
  // checkpoint.go commandVersionCheck), and the cdktf CLI sends its telemetry.
  process.env.CHECKPOINT_DISABLE = '1';
  process.env.JEST_CHILD_CODE_CACHE_DIR = path.join(projectConfig.cacheDirectory, 'child-code-cache');
  process.env.NODE_OPTIONS = childNodeOptions(process.env.NODE_OPTIONS);
};
module.exports.isCallerSteering = isCallerSteering;
module.exports.RUN_TMPDIR = RUN_TMPDIR;
module.exports.childNodeOptions = childNodeOptions;
