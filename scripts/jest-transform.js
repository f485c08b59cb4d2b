/**
 * Jest transform: TypeScript to CommonJS with esbuild (the compiler tsx already uses). Tests only
 * transpile; `npm run typecheck` type-checks. esbuild compiles each file on its own, which the
 * tsconfig's `isolatedModules` guarantees is safe.
 */
const { createHash } = require('crypto');
const { transformSync, version } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code } = transformSync(source, { loader: 'ts', format: 'cjs', target: 'node20', sourcemap: 'inline', sourcefile: filename });
    return { code };
  },
  getCacheKey(source, filename) {
    return createHash('sha256').update(version).update('\0').update(filename).update('\0').update(source).digest('hex');
  },
};
