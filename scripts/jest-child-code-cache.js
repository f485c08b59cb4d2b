/**
 * Preloaded (`NODE_OPTIONS=--require`) into the Node processes the tests start: the real cdktf CLI,
 * `tsx main.ts` and the scripts. Each of them compiles the same few megabytes of cdktf, the providers and
 * the CLI bundle again; this keeps V8's compiled code of each CommonJS file on disk and hands it back
 * (`vm.Script` `cachedData`), as Node 22's module compile cache does (Node 20 has none). The key is a
 * hash of the exact text compiled, and V8 rejects data from another V8 version or flags
 * (`cachedDataRejected`). Nothing else changes: the module gets the same arguments Node gives it
 * (nodejs/node lib/internal/modules/cjs/loader.js `Module.prototype._compile`, lib/internal/modules/helpers.js
 * `makeRequireFunction`). It prints nothing and never fails the process: a cache it cannot use or write
 * only costs time.
 */
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const os = require('os');
const path = require('path');
const vm = require('vm');

/** Smaller files cost less to compile than to look up. */
const MIN_SIZE = 16 * 1024;
/** Set by jest-global-setup.js, inside Jest's cache folder (so `jest --clearCache` clears it too). */
const DIR = path.join(process.env.JEST_CHILD_CODE_CACHE_DIR ?? os.tmpdir(), `${process.version}-${process.arch}`);

const compile = Module.prototype._compile;
/** Scripts compiled without usable cached data: their code is saved when the process exits. */
const uncached = [];

Module.prototype._compile = function (content, filename) {
  if (content.length < MIN_SIZE || !/\.c?js$/.test(filename)) return compile.call(this, content, filename);
  const file = path.join(DIR, `${crypto.createHash('sha256').update(filename).update('\0').update(content).digest('hex')}.bin`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(file);
  } catch {
    // not cached yet
  }
  // A shebang line stays a line (a comment), so positions in stack traces do not move.
  const body = content.startsWith('#!') ? `//${content.slice(2)}` : content;
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) { ${body}\n})`, {
    filename,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (cachedData === undefined || script.cachedDataRejected) uncached.push({ script, file });
  const mod = this;
  const require = (id) => mod.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return script.runInThisContext({ displayErrors: true }).call(mod.exports, mod.exports, require, mod, filename, path.dirname(filename));
};

process.on('exit', () => {
  try {
    fs.mkdirSync(DIR, { recursive: true });
    for (const { script, file } of uncached) {
      const data = script.createCachedData();
      if (data.length === 0) continue;
      const temporary = `${file}.${process.pid}`;
      fs.writeFileSync(temporary, data);
      fs.renameSync(temporary, file);
    }
  } catch {
    // see the header
  }
});
