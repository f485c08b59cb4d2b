/**
 * Jest's module runtime with three costs removed; what the tests run and assert is unchanged.
 *
 * 1. Token creation stacks. cdktf records the creation stack of every token it makes, through
 *    `Error.captureStackTrace` on a plain object (cdktf lib/tokens/private/stack-trace.js, called by
 *    Intrinsic, Lazy and ComplexResolvable), thousands per synthesis, each the whole of Jest's deep stack.
 *    They only feed cdktf's error texts, so tests record none. Other stacks captured on plain objects
 *    (construct metadata) get V8's plain frames instead of source-mapped ones; the stack of a real error
 *    (a failing test, a thrown error) is still mapped to the .ts line.
 * 2. Compiling the same modules again. Every test file runs in a fresh context that compiles cdktf,
 *    constructs and the provider bindings again. The compiled code of each module is kept on disk, keyed
 *    by what it was compiled from (`codeIdentity`), and handed back to V8 (`vm.Script` `cachedData`); a
 *    changed file has another key, and V8 itself rejects data from another V8 version or flags
 *    (`cachedDataRejected`).
 * 3. Asking Terraform its version again (see `checkVersionsOncePerFile`).
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { types } = require('util');
const vm = require('vm');
const Runtime = require('jest-runtime').default;

/** The source-map-support module jest-runner installs into each test context (jest-runner/build/runTest.js). */
const SOURCE_MAP_SUPPORT = require.resolve('source-map-support', { paths: [path.dirname(require.resolve('jest-runner'))] });
const CDKTF_LIB = path.join(path.dirname(require.resolve('cdktf/package.json')), 'lib');
/** Where cdktf 0.21 records a token's creation stack, and checks a binary's version (__tests__/jest-runtime.test.ts fails if they move). */
const CDKTF_STACK_TRACE = path.join(CDKTF_LIB, 'tokens', 'private', 'stack-trace.js');
const CDKTF_BINARY_VERSION = path.join(CDKTF_LIB, 'validations', 'validate-binary-version.js');

/**
 * A passed version check is kept for the test file: cdktf checks the Terraform version once per import
 * block in every synthesis (cdktf lib/terraform-resource.js `importFrom`), a shell and a Terraform run
 * each time. A check that fails runs again.
 */
function checkVersionsOncePerFile(validation) {
  const validate = validation.validate;
  const passed = new Set();
  validation.validate = function () {
    const key = JSON.stringify([this.versionCommand, this.versionConstraint, process.env.PATH]);
    if (passed.has(key)) return [];
    const problems = validate.call(this);
    if (problems.length === 0) passed.add(key);
    return problems;
  };
}

class FastRuntime extends Runtime {
  constructor(config, ...rest) {
    super(config, ...rest);
    this.codeCacheDir = path.join(config.cacheDirectory, `v8-code-cache-${process.version}-${process.arch}`);
    /** Scripts compiled without usable cached data: their code is saved when the test file ends. */
    this.uncached = [];
  }

  requireInternalModule(from, to) {
    const module = super.requireInternalModule(from, to);
    if (from !== SOURCE_MAP_SUPPORT || to !== undefined) return module;
    const install = (options) => {
      module.install(options);
      const ContextError = this._environment.global.Error;
      const mapFrames = ContextError.prepareStackTrace;
      ContextError.prepareStackTrace = (target, frames) =>
        types.isNativeError(target) ? mapFrames(target, frames) : `Error\n    at ${frames.join('\n    at ')}`;
    };
    return { ...module, install };
  }

  _execModule(localModule, ...rest) {
    super._execModule(localModule, ...rest);
    if (localModule.filename === CDKTF_STACK_TRACE) localModule.exports.captureStackTrace = () => [];
    if (localModule.filename === CDKTF_BINARY_VERSION) checkVersionsOncePerFile(localModule.exports.ValidateBinaryVersion.prototype);
  }

  /**
   * What the compiled code depends on. A file Jest runs as it is on disk (all of node_modules, by its
   * default transformIgnorePatterns) is known by its size, modification time and inode, which spares
   * hashing the megabytes of cdktf and the providers in every test file; a file Jest transformed (ours)
   * by its transformed text.
   */
  codeIdentity(scriptSource, filename) {
    const transform = this._fileTransforms.get(filename);
    if (transform === undefined || transform.code !== transform.originalCode) return this.wrapCodeInModuleWrapper(scriptSource);
    const { size, mtimeMs, ino } = fs.statSync(filename);
    return JSON.stringify([size, mtimeMs, ino, scriptSource.length, this.constructModuleWrapperStart()]);
  }

  createScriptFromCode(scriptSource, filename) {
    const key = crypto.createHash('sha256').update(filename).update('\0').update(this.codeIdentity(scriptSource, filename)).digest('hex');
    const file = path.join(this.codeCacheDir, `${key}.bin`);
    let cachedData;
    try {
      cachedData = fs.readFileSync(file);
    } catch {
      // not cached yet
    }
    // Jest compiles with `new vm.Script(code, options)`: the cached data joins its options for this one call.
    const { Script } = vm;
    vm.Script = class extends Script {
      constructor(code, options) {
        super(code, { ...options, cachedData });
      }
    };
    let script;
    try {
      script = super.createScriptFromCode(scriptSource, filename);
    } finally {
      vm.Script = Script;
    }
    if (cachedData === undefined || script.cachedDataRejected) this.uncached.push({ script, file });
    return script;
  }

  teardown() {
    // Saved after the tests ran, the data holds every function they compiled, not only the top level.
    // A cache that cannot be written only costs the next run time.
    try {
      fs.mkdirSync(this.codeCacheDir, { recursive: true });
      for (const { script, file } of this.uncached) {
        const temporary = `${file}.${process.pid}`;
        fs.writeFileSync(temporary, script.createCachedData());
        fs.renameSync(temporary, file);
      }
    } catch {
      // see above
    }
    this.uncached = [];
    super.teardown();
  }
}

module.exports = FastRuntime;
