import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Lazy, Tokenization } from 'cdktf';

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

  test('cdktf tokens record no creation stack', () => {
    // GIVEN a token made the way the constructs make them
    const token = Lazy.stringValue({ produce: () => 'value' });
    // WHEN its creation stack is read  THEN there is none (cdktf still records one outside the tests)
    expect(Tokenization.reverseString(token).firstToken!.creationStack).toEqual([]);
  });

  describe("cdktf's Terraform version check (import blocks)", () => {
    let bin: string;
    beforeEach(() => (bin = fs.mkdtempSync(path.join(os.tmpdir(), 'version-check-'))));
    afterEach(() => fs.rmSync(bin, { recursive: true, force: true }));

    /**
     * Synthesizes a stack with three import blocks twice, with a Terraform that answers `version` and
     * counts its calls (cdktf reads TERRAFORM_BINARY_NAME when it loads): the number of calls.
     */
    function versionChecks(version: string, expectProblem?: RegExp): number {
      const terraform = path.join(bin, 'terraform');
      const calls = path.join(bin, 'calls');
      fs.writeFileSync(terraform, `#!/bin/sh\necho call >> '${calls}'\necho 'Terraform v${version}'\n`, { mode: 0o755 });
      const binaryName = process.env.TERRAFORM_BINARY_NAME;
      process.env.TERRAFORM_BINARY_NAME = terraform;
      try {
        jest.isolateModules(() => {
          const cdktf: typeof import('cdktf') = require('cdktf');
          for (let i = 0; i < 2; i++) {
            const stack = new cdktf.TerraformStack(cdktf.Testing.app(), 'adopting');
            for (const id of ['a', 'b', 'c']) new cdktf.TerraformResource(stack, id, { terraformResourceType: 'vault_mount' }).importFrom(id);
            const synth = () => cdktf.Testing.synth(stack, true);
            if (expectProblem) expect(synth).toThrow(expectProblem);
            else synth();
          }
        });
      } finally {
        if (binaryName === undefined) delete process.env.TERRAFORM_BINARY_NAME;
        else process.env.TERRAFORM_BINARY_NAME = binaryName;
      }
      return fs.readFileSync(calls, 'utf8').split('\n').filter(Boolean).length;
    }

    test('a passed check runs Terraform once for the test file', () => {
      expect(versionChecks('1.11.4')).toBe(1);
    });

    test('a failed check runs again, and fails synthesis each time', () => {
      expect(versionChecks('1.4.0', /version 1\.4\.0 is lower than the required version >=1\.5/)).toBe(6);
    });
  });
});

describe("the child processes' compile cache (scripts/jest-child-code-cache.js, preloaded by scripts/jest-global-setup.js)", () => {
  test('a large CommonJS module gets what plain Node gives it, and its compiled code is kept', () => {
    // GIVEN a module above the cache's size floor that reports what its wrapper received
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'child-code-cache-'));
    try {
      fs.writeFileSync(path.join(dir, 'other.js'), 'module.exports = 1;\n');
      const text = `#!/usr/bin/env node\nconst padding = ${JSON.stringify('x'.repeat(20000))};\nmodule.exports = { isThis: this === module.exports, filename: __filename, dirname: __dirname, other: require('./other'), resolved: require.resolve('./other'), main: require.main === module, cached: require.cache[__filename] === module, length: padding.length };\nprocess.stdout.write(JSON.stringify(module.exports));\n`;
      const big = path.join(dir, 'big.js');
      fs.writeFileSync(big, text);
      const report = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, [big], { env, encoding: 'utf8' });
      // WHEN it runs under plain Node and twice with the preload (compiled, then from the cache)
      const plain = report({ ...process.env, NODE_OPTIONS: '' });
      const first = report(process.env);
      const second = report(process.env);
      // THEN all three see the same, and the second run found the code the first one kept
      expect(process.env.NODE_OPTIONS).toMatch(/--require .*jest-child-code-cache\.js/);
      expect(JSON.parse(plain.stdout)).toEqual({ isThis: true, filename: big, dirname: dir, other: 1, resolved: path.join(dir, 'other.js'), main: true, cached: true, length: 20000 });
      expect([first.stdout, second.stdout, first.stderr, second.stderr]).toEqual([plain.stdout, plain.stdout, '', '']);
      const key = createHash('sha256').update(big).update('\0').update(fs.readFileSync(big, 'utf8')).digest('hex');
      expect(fs.readdirSync(path.join(process.env.JEST_CHILD_CODE_CACHE_DIR!, `${process.version}-${process.arch}`))).toContain(`${key}.bin`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the tests' environment (scripts/jest-global-setup.js)", () => {
  const { isCallerSteering, childNodeOptions } = require('../scripts/jest-global-setup') as {
    isCallerSteering: (name: string) => boolean;
    childNodeOptions: (callerOptions: string | undefined) => string;
  };

  test("the processes the tests start get cdktf-cli's own app heap, unless the caller's NODE_OPTIONS sets a heap size", () => {
    // cdktf-cli's value for the app it runs, which it sets only when NODE_OPTIONS is unset
    // (hashicorp/terraform-cdk packages/@cdktf/cli-core/src/lib/synth-stack.ts).
    expect(childNodeOptions(undefined)).toMatch(/^--require .*jest-child-code-cache\.js" --max-old-space-size=4096$/);
    expect(childNodeOptions('--max-old-space-size=3000')).toMatch(/^--max-old-space-size=3000 --require .*jest-child-code-cache\.js"$/);
  });

  test("drops the caller's variables that steer the app, cdktf, Terraform, OpenTofu, Vault or PostgreSQL clients, and keeps the rest", () => {
    // GIVEN what an operator's shell may hold (README, docs/runbook.md, docs/ci.md), and what the test setup itself needs
    const steering = [
      'LAB_CONFIG',
      'TERRAFORM_BINARY_NAME',
      'VAULT_AUTH_METHOD',
      'VAULT_TOKEN',
      'CDKTF_OUTDIR',
      'CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS',
      'SYNTH_HCL_OUTPUT',
      'TF_DATA_DIR',
      'TF_VAR_oidc_client_secret_main',
      'TOFU_CLI_CONFIG_FILE',
      'PGSSLMODE',
      'PG_CONN_STR',
    ];
    const kept = ['PATH', 'HOME', 'NODE_OPTIONS', 'CI', 'CHECKPOINT_DISABLE', 'SCHEMAS_DIR', 'POSTGRES_BIN', 'JEST_CHILD_CODE_CACHE_DIR', 'KUBE_CONFIG_PATH'];
    // WHEN each is judged  THEN exactly the steering ones are dropped
    expect([...steering, ...kept].filter(isCallerSteering)).toEqual(steering);
  });

  test("the tests and what they start write temporary files in the run's own folder, which the PostgreSQL server's user can enter", () => {
    const runTmpdir = process.env.VAULT_PLATFORM_TEST_TMPDIR!;
    expect(path.basename(runTmpdir)).toMatch(/^vp-tests-/);
    expect(os.tmpdir()).toBe(runTmpdir);
    expect(spawnSync(process.execPath, ['-p', 'require("os").tmpdir()'], { encoding: 'utf8' }).stdout.trim()).toBe(runTmpdir);
    expect(fs.statSync(runTmpdir).mode & 0o777).toBe(0o755);
  });

  test("tsx's compiled files outlive the run: its folder in the temporary folder leads out of the run's folder", () => {
    // GIVEN where tsx keeps its compiled files (privatenumber/tsx src/utils/temporary-directory.ts)
    const tsxFolder = path.join(os.tmpdir(), `tsx-${process.geteuid!()}`);
    // WHEN it is followed  THEN it ends outside the folder the teardown removes
    expect(path.relative(process.env.VAULT_PLATFORM_TEST_TMPDIR!, fs.realpathSync(tsxFolder))).toMatch(/^\.\.\//);
  });

  test("the teardown removes the run's folder and what is in it", () => {
    // GIVEN a run's folder holding what cdktf's Testing.app() leaves
    const runTmpdir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-'));
    fs.mkdirSync(path.join(runTmpdir, 'cdktf.outdir.abc', 'stacks'), { recursive: true });
    const teardown = require('../scripts/jest-global-teardown') as () => void;
    const own = process.env.VAULT_PLATFORM_TEST_TMPDIR;
    process.env.VAULT_PLATFORM_TEST_TMPDIR = runTmpdir;
    try {
      // WHEN the teardown runs  THEN the folder is gone
      teardown();
      expect(fs.existsSync(runTmpdir)).toBe(false);
    } finally {
      process.env.VAULT_PLATFORM_TEST_TMPDIR = own;
    }
  });

  test('no test makes a cdktf App in the project folder: each `new App(` of a test names its outdir', () => {
    // GIVEN cdktf's App, which creates its outdir (default cdktf.out, in the working folder) and a stacks/
    // folder in it when constructed (hashicorp/terraform-cdk packages/cdktf/lib/app.ts, manifest.ts): a later
    // `cdktf synth` refuses that folder, which holds something it did not write
    const files = fs.readdirSync(__dirname, { recursive: true }).map(String).filter((f) => f.endsWith('.ts'));
    // WHEN every construction of an App in the tests is read  THEN each one names an outdir
    const bare = files.flatMap((f) =>
      [...fs.readFileSync(path.join(__dirname, f), 'utf8').matchAll(/new App\((?![^)]*outdir)[^)]*\)/g)].map((m) => `${f}: ${m[0]}`),
    );
    expect(bare).toEqual([]);
  });
});
