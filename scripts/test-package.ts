import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExitCode, processIo, runAsProcess, runScript, ScriptIo } from './cli';

/*
 * The package as an app team gets it: `npm pack` (which builds dist/ through `prepack`), the tarball
 * installed into a scratch project next to the peers at our pinned versions (from the npm cache,
 * offline: CI's `npm ci` has filled it), and the documented example type-checked against the shipped
 * .d.ts, compiled, and run with plain `node`. Each check prints PASS or FAIL; any FAIL exits 1.
 */

const spec = {
  name: 'test:package',
  description:
    'Packs the construct library, installs the tarball with cdktf, constructs and the providers (offline, from\n' +
    'the npm cache) into a scratch project, type-checks and compiles the example of docs/app-teams.md against the\n' +
    'shipped declarations, runs it with plain node and checks what it synthesizes; runs a stack under the rule pack of\n' +
    'vault-platform/rules with a violation, then with it suppressed. One PASS/FAIL line per check.',
  options: {},
  exits: { ok: 'every check passed', finding: 'a check failed (its FAIL line says what)' },
} as const;

const ROOT = path.join(__dirname, '..');
const NPM = 'npm';
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** What a consumer needs, and all the tarball may hold (npm adds package.json, README and LICENSE itself). */
const SHIPPED = /^(package\.json|README\.md|CHANGELOG\.md|LICENSE)$|^dist\/.+\.js$|^dist\/.+\.d\.ts$/;

/** A check that failed; its message is the FAIL line. */
class CheckFailed extends Error {}

interface PackResult {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

interface Manifest {
  readonly private?: boolean;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

/** Runs a command; a non-zero exit fails the check with the command's last output lines. */
function run(command: string, args: readonly string[], cwd: string): string {
  // `npm run` passes its config down as npm_config_* (the cache among them, which must stay); only the
  // project folder it found is this project's, not the scratch project's.
  const { npm_config_local_prefix: _ourProject, ...env } = process.env;
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...env, CHECKPOINT_DISABLE: '1' }, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}`.trim().split('\n').slice(-15).join('\n  ');
    throw new CheckFailed(`\`${path.basename(command)} ${args.join(' ')}\` exited ${result.status}:\n  ${output}`);
  }
  return result.stdout;
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;

interface LockEntry extends Manifest {
  readonly version?: string;
  readonly optionalDependencies?: Record<string, string>;
  readonly [field: string]: unknown;
}

/**
 * The scratch project's package-lock.json: the tarball, plus this project's lock entries for the
 * peers and the package's dependencies with everything they need. `npm ci --offline` then takes each
 * package from the npm cache by its integrity, which `npm ci` here has filled; `npm install` would
 * also need the registry's metadata documents, which that does not cache.
 */
function consumerLock(dependencies: Record<string, string>, tarball: string, packed: Manifest): object {
  const ourLock = readJson<{ packages: Record<string, LockEntry> }>(path.join(ROOT, 'package-lock.json')).packages;
  /** Where node finds `name` from the package at `from` (its own node_modules, then each parent's). */
  const resolve = (from: string, name: string): string | undefined => {
    for (let base = from; ; base = base.slice(0, base.lastIndexOf('/node_modules/'))) {
      if (ourLock[`${base}/node_modules/${name}`]) return `${base}/node_modules/${name}`;
      if (!base.includes('/node_modules/')) return ourLock[`node_modules/${name}`] ? `node_modules/${name}` : undefined;
    }
  };
  const packages: Record<string, LockEntry> = {
    '': { name: 'consumer', version: '0.0.0', dependencies },
    'node_modules/vault-platform': {
      version: readJson<{ version: string }>(path.join(ROOT, 'package.json')).version,
      resolved: dependencies['vault-platform'],
      integrity: `sha512-${createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`,
      dependencies: packed.dependencies,
      peerDependencies: packed.peerDependencies,
    },
  };
  const queue: [from: string, name: string, optional: boolean][] = [...Object.keys(packed.dependencies ?? {}), ...Object.keys(packed.peerDependencies ?? {})].map(
    (name) => ['node_modules/vault-platform', name, false],
  );
  for (let next = queue.pop(); next; next = queue.pop()) {
    const [from, name, optional] = next;
    const location = resolve(from, name);
    if (!location) {
      if (optional) continue;
      throw new CheckFailed(`${name} (needed by ${from}) is not in package-lock.json: run npm install`);
    }
    if (packages[location]) continue;
    // This project's dev flags mean nothing to the consumer; npm recomputes them.
    const { dev, devOptional, peer, ...entry } = ourLock[location];
    packages[location] = entry;
    for (const dep of Object.keys(entry.dependencies ?? {})) queue.push([location, dep, false]);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) queue.push([location, dep, true]);
  }
  return { name: 'consumer', version: '0.0.0', lockfileVersion: 3, requires: true, packages };
}

/** The example of docs/app-teams.md that the check runs: the first TypeScript block after its marker comment. */
const EXAMPLE_DOC = path.join('docs', 'app-teams.md');
const EXAMPLE_MARKER = '<!-- npm run test:package';

function documentedExample(): string {
  const doc = fs.readFileSync(path.join(ROOT, EXAMPLE_DOC), 'utf8');
  const at = doc.indexOf(EXAMPLE_MARKER);
  const block = at < 0 ? null : /```ts\n([\s\S]*?)```/.exec(doc.slice(at));
  if (!block) throw new CheckFailed(`${EXAMPLE_DOC} has no \`${EXAMPLE_MARKER} …\` comment followed by a \`\`\`ts block`);
  return block[1];
}

/** A consumer the declarations must refuse: proves they type the props rather than give \`any\`. */
const WRONG_CONSUMER_TS = `
import { App, TerraformStack } from 'cdktf';
import { AppSecretsModule, KubernetesAuthBackend, KvV2Mount } from 'vault-platform';

const stack = new TerraformStack(new App(), 'invoicing');
new AppSecretsModule(stack, 'invoicing', {
  appName: 42,
  namespace: 'billing',
  kv: KvV2Mount.fromMountPath(stack, 'Kvv2', 'kvv2'),
  kubernetesAuth: KubernetesAuthBackend.fromMountPath(stack, 'KubernetesAuth', 'kubernetes'),
});

import { LeastPrivilegeRules } from 'vault-platform/rules';
new LeastPrivilegeRules({ ceilings: { tokenTtl: '1h' } });
`;

/**
 * A team's stack under the rule pack of \`vault-platform/rules\`: a Kubernetes auth role whose token_ttl
 * (7200 s) is over the default ceiling (3600 s), with or without a suppression of that finding.
 */
const rulesConsumer = (suppressed: boolean) => `
import { KubernetesAuthBackendRole } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-role';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { App, Aspects, TerraformStack } from 'cdktf';
import { LeastPrivilegeRules, RuleSuppressions } from 'vault-platform/rules';

const app = new App({ outdir: '${suppressed ? 'out-suppressed' : 'out-violation'}' });
const stack = new TerraformStack(app, 'reports');
new VaultProvider(stack, 'vault', { address: 'https://vault.team.example:8200' });
Aspects.of(stack).add(new LeastPrivilegeRules({ auditedVaults: ['https://vault.team.example:8200'] }));
const role = new KubernetesAuthBackendRole(stack, 'Role', {
  backend: 'kubernetes',
  roleName: 'reports',
  boundServiceAccountNames: ['reports'],
  boundServiceAccountNamespaces: ['reports'],
  tokenPolicies: ['reports'],
  tokenTtl: 7200,
  tokenMaxTtl: 7200,
});
${suppressed ? "RuleSuppressions.add(role, [{ id: 'VP-TTL-1', reason: 'reports runs two-hour batch jobs' }]);" : ''}
app.synth();
`;

// node16 resolution reads the package's `exports` map and its `types` condition, as current TypeScript projects do.
const CONSUMER_TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: true, types: [] },
};

interface Step {
  readonly name: string;
  readonly check: () => void;
}

export function main(argv: readonly string[], io: ScriptIo = processIo): Promise<number> {
  return runScript(spec, argv, io, () => {
    const started = Date.now();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-platform-package-'));
    const consumer = path.join(work, 'consumer');
    const ours = readJson<Manifest>(path.join(ROOT, 'package.json'));
    let tarball = '';
    let packed: Manifest = {};

    const steps: Step[] = [
      {
        name: 'npm pack builds the tarball, which holds only compiled JS, declarations, package.json, README, CHANGELOG, LICENSE',
        check: () => {
          const [result] = JSON.parse(run(NPM, ['pack', '--json', '--silent', '--pack-destination', work], ROOT)) as PackResult[];
          tarball = path.join(work, result.filename);
          const files = result.files.map((f) => f.path);
          const unexpected = files.filter((f) => !SHIPPED.test(f));
          if (unexpected.length > 0) throw new CheckFailed(`unexpected files in the tarball (fix "files" in package.json): ${unexpected.slice(0, 10).join(', ')}`);
          const missing = ['dist/constructs/index.js', 'dist/constructs/index.d.ts', 'dist/rules/index.js', 'dist/rules/index.d.ts', 'CHANGELOG.md'].filter((f) => !files.includes(f));
          if (missing.length > 0) throw new CheckFailed(`missing from the tarball: ${missing.join(', ')}`);
        },
      },
      {
        name: 'cdktf, constructs and the providers are peer dependencies, each pinned exactly for development',
        check: () => {
          run('tar', ['-xzf', tarball, '-C', work, 'package/package.json'], work);
          packed = readJson<Manifest>(path.join(work, 'package', 'package.json'));
          if (packed.private) throw new CheckFailed('package.json is "private": npm refuses to publish it');
          const framework = (name: string) => name === 'cdktf' || name === 'constructs' || name.startsWith('@cdktf/');
          const nested = Object.keys(packed.dependencies ?? {}).filter(framework);
          // A second copy of cdktf fails synthesis (`scope.node._scopes is not iterable`): these must be the consumer's.
          if (nested.length > 0) throw new CheckFailed(`${nested.join(', ')} in "dependencies": move them to "peerDependencies"`);
          const peers = Object.keys(packed.peerDependencies ?? {});
          const absent = ['cdktf', 'constructs'].filter((name) => !peers.includes(name));
          if (absent.length > 0) throw new CheckFailed(`${absent.join(', ')} missing from "peerDependencies"`);
          const unpinned = peers.filter((name) => !/^\d+\.\d+\.\d+$/.test(ours.devDependencies?.[name] ?? ''));
          if (unpinned.length > 0) throw new CheckFailed(`peers without an exact version in "devDependencies": ${unpinned.join(', ')}`);
        },
      },
      {
        name: 'the tarball installs offline (npm ci from the npm cache) beside the peers at their pinned versions',
        check: () => {
          fs.mkdirSync(consumer);
          const peers = Object.fromEntries(Object.keys(packed.peerDependencies ?? {}).map((name) => [name, ours.devDependencies?.[name] ?? '']));
          const dependencies = { 'vault-platform': `file:../${path.basename(tarball)}`, ...peers };
          fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '0.0.0', private: true, dependencies }));
          fs.writeFileSync(path.join(consumer, 'package-lock.json'), JSON.stringify(consumerLock(dependencies, tarball, packed)));
          try {
            // Its errors are the FAIL line's content, whatever log level `npm run -s` handed down.
            run(NPM, ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel', 'error'], consumer);
          } catch (e) {
            if (e instanceof CheckFailed && e.message.includes('ENOTCACHED')) throw new CheckFailed(`${e.message}\n  a package is not in the npm cache: run \`npm ci\` in this project first`);
            throw e;
          }
        },
      },
      {
        name: `the example of ${EXAMPLE_DOC} type-checks against the shipped declarations and compiles (tsc)`,
        check: () => {
          fs.writeFileSync(path.join(consumer, 'tsconfig.json'), JSON.stringify({ ...CONSUMER_TSCONFIG, files: ['main.ts'] }));
          fs.writeFileSync(path.join(consumer, 'main.ts'), documentedExample());
          run(process.execPath, [TSC, '-p', 'tsconfig.json'], consumer);
        },
      },
      {
        name: 'plain node runs the compiled example, LeastPrivilegeRules finding nothing: policies invoicing and invoicing-ops, role invoicing for namespace billing',
        check: () => {
          run(process.execPath, ['main.js'], consumer);
          const json = readJson<{ resource?: Record<string, Record<string, Record<string, unknown>>> }>(
            path.join(consumer, 'cdktf.out', 'stacks', 'invoicing', 'cdk.tf.json'),
          );
          const policies = Object.values(json.resource?.vault_policy ?? {});
          const names = policies.map((p) => p.name).sort();
          if (JSON.stringify(names) !== JSON.stringify(['invoicing', 'invoicing-ops'])) throw new CheckFailed(`vault_policy names are ${JSON.stringify(names)}`);
          // KV v2 serves secret data under `<mount>/data/<path>` (hashicorp/vault-plugin-secrets-kv path_data.go).
          const runtime = String(policies.find((p) => p.name === 'invoicing')?.policy);
          if (!runtime.includes('path "kvv2/data/invoicing/config"')) throw new CheckFailed(`policy invoicing does not grant kvv2/data/invoicing/config:\n${runtime}`);
          const roles = Object.values(json.resource?.vault_kubernetes_auth_backend_role ?? {});
          const role = roles.length === 1 ? roles[0] : undefined;
          if (role?.role_name !== 'invoicing' || role.backend !== 'kubernetes' || JSON.stringify(role.bound_service_account_namespaces) !== '["billing"]') {
            throw new CheckFailed(`expected one Kubernetes role invoicing on backend kubernetes for namespace billing, got ${JSON.stringify(roles)}`);
          }
          if (json.resource?.vault_mount) throw new CheckFailed('the imported kvv2 mount was created as a vault_mount');
        },
      },
      {
        name: 'plain node runs a stack under LeastPrivilegeRules from vault-platform/rules: a role with token_ttl 7200 s over the 3600 s ceiling fails synthesis with VP-TTL-1',
        check: () => {
          fs.writeFileSync(path.join(consumer, 'tsconfig.rules.json'), JSON.stringify({ ...CONSUMER_TSCONFIG, files: ['violation.ts', 'suppressed.ts'] }));
          fs.writeFileSync(path.join(consumer, 'violation.ts'), rulesConsumer(false));
          fs.writeFileSync(path.join(consumer, 'suppressed.ts'), rulesConsumer(true));
          run(process.execPath, [TSC, '-p', 'tsconfig.rules.json'], consumer);
          const result = spawnSync(process.execPath, ['violation.js'], { cwd: consumer, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
          const output = `${result.stdout}${result.stderr}`;
          if (result.status === 0 || !/\[reports\/Role\] \[VP-TTL-1\] token_ttl \(7200s\) exceeds the ceiling/.test(output)) {
            throw new CheckFailed(`expected synthesis to fail with [reports/Role] [VP-TTL-1], got exit ${result.status}:\n  ${output.trim().split('\n').slice(-10).join('\n  ')}`);
          }
        },
      },
      {
        name: 'RuleSuppressions.add from vault-platform/rules lets that stack synthesize and records the suppression in the role\'s // comment',
        check: () => {
          run(process.execPath, ['suppressed.js'], consumer);
          const json = readJson<{ resource?: Record<string, Record<string, { '//'?: { rule_suppressions?: unknown } }>> }>(
            path.join(consumer, 'out-suppressed', 'stacks', 'reports', 'cdk.tf.json'),
          );
          const recorded = Object.values(json.resource?.vault_kubernetes_auth_backend_role ?? {}).map((role) => role['//']?.rule_suppressions);
          if (JSON.stringify(recorded) !== JSON.stringify([[{ id: 'VP-TTL-1', reason: 'reports runs two-hour batch jobs' }]])) {
            throw new CheckFailed(`expected the role's // comment to record the VP-TTL-1 suppression, got ${JSON.stringify(recorded)}`);
          }
        },
      },
      {
        name: 'only the package root, vault-platform/rules and package.json are importable (the exports map hides dist/ files)',
        check: () => {
          const probe =
            "require('vault-platform/package.json'); require('vault-platform/rules');" +
            "try { require('vault-platform/dist/constructs/app-secrets-module'); } catch (e) { if (e.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') process.exit(0); throw e; }" +
            "console.error('vault-platform/dist/constructs/app-secrets-module could be required'); process.exit(1);";
          run(process.execPath, ['-e', probe], consumer);
        },
      },
      {
        name: "Node's ESM imports the constructs by name from the CommonJS build",
        check: () => {
          // Node finds the names of a CommonJS module's exports statically (cjs-module-lexer, nodejs/node
          // lib/internal/modules/esm/translators.js); a name it cannot see fails this import.
          const probe = "import { AppSecretsModule, KvV2Mount } from 'vault-platform'; if (typeof AppSecretsModule !== 'function' || typeof KvV2Mount !== 'function') process.exit(1);";
          run(process.execPath, ['--input-type=module', '-e', probe], consumer);
        },
      },
      {
        name: 'the declarations, found through "types" and "typesVersions" as older resolution finds them, refuse wrongly typed props (appName: 42, tokenTtl: \'1h\')',
        check: () => {
          // `moduleResolution: node` ignores `exports` and reads `types` (TypeScript's node10 resolution).
          const older = { ...CONSUMER_TSCONFIG.compilerOptions, module: 'commonjs', moduleResolution: 'node', noEmit: true };
          fs.writeFileSync(path.join(consumer, 'tsconfig.wrong.json'), JSON.stringify({ compilerOptions: older, files: ['wrong.ts'] }));
          fs.writeFileSync(path.join(consumer, 'wrong.ts'), WRONG_CONSUMER_TS);
          const result = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.wrong.json'], { cwd: consumer, encoding: 'utf8' });
          const refused = [/wrong\.ts\(7,3\): error TS2322: Type 'number' is not assignable to type 'string'/, /wrong\.ts\(14,39\): error TS2322: Type 'string' is not assignable to type 'number'/];
          if (!refused.every((error) => error.test(result.stdout))) {
            throw new CheckFailed(`tsc accepted appName: 42 or tokenTtl: '1h', or failed otherwise (exit ${result.status}): ${result.stdout.trim()}`);
          }
        },
      },
    ];

    let failed = false;
    for (const step of steps) {
      if (failed) {
        io.stdout(`SKIP ${step.name}\n`);
        continue;
      }
      const stepStarted = Date.now();
      try {
        step.check();
        io.stdout(`PASS ${step.name} (${((Date.now() - stepStarted) / 1000).toFixed(1)} s)\n`);
      } catch (e) {
        if (!(e instanceof CheckFailed)) throw e;
        failed = true;
        io.stdout(`FAIL ${step.name}\n  ${e.message}\n`);
      }
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (failed) {
      io.stdout(`test:package failed after ${seconds} s; the scratch project is kept in ${work}\n`);
      return ExitCode.finding;
    }
    fs.rmSync(work, { recursive: true, force: true });
    io.stdout(`test:package passed in ${seconds} s\n`);
    return ExitCode.ok;
  });
}

if (require.main === module) runAsProcess(main);
