import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { loadLabConfig } from '../config/load';
import { VaultPolicy } from '../constructs/vault-policy';
import { Claims, evaluateClaims } from '../stacks/ci-access';
import { buildLab } from '../stacks/lab';
import { ExitCode, loadConfigArg, parseJsonInput, processIo, readInputFile, runAsProcess, runScript, ScriptIo, UsageError } from './cli';

const spec = {
  name: 'ci-access',
  description:
    'Synthesizes the lab and prints which CI roles a token with these claims may log in to, and the\n' +
    'policies it would get (docs/ci.md). The file holds the decoded claims (the JWT payload), never a signed token.',
  options: {
    claims: { type: 'string', value: 'CLAIMS.json', description: 'the decoded claims of a CI token, e.g. docs/examples/claims-main.json', required: true },
    stack: { type: 'string', value: 'STACK', description: 'the stack whose CI roles are checked (default: main)' },
    config: { type: 'string', value: 'LAB.yaml', description: 'the lab config (default: LAB_CONFIG, else config/lab.yaml)' },
    explain: { type: 'boolean', description: 'also list each refused role with the binding that failed' },
  },
  exits: { ok: 'the decision for every CI role of the stack was printed (granted or not)' },
} as const;

const CLAIMS_FIX = 'give a JSON object of claims, like docs/examples/claims-main.json';

/**
 * A JWS in compact serialization: three base64url parts joined by dots (RFC 7515 section 7.1,
 * which RFC 7519 section 7.2 uses for a JWT).
 */
const COMPACT_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** The claims file; a signed token is refused without being printed. */
function readClaims(file: string): Claims {
  const text = readInputFile('--claims', file, CLAIMS_FIX);
  if (COMPACT_JWT.test(text.trim())) {
    throw new UsageError(
      `--claims ${file}: holds a signed JWT, not its claims; keep only its decoded payload (the second of its dot-separated parts, base64url-decoded; docs/ci.md) and delete the token file`,
    );
  }
  const claims = parseJsonInput('--claims', file, text, CLAIMS_FIX);
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
    throw new UsageError(`--claims ${file}: holds ${Array.isArray(claims) ? 'an array' : claims === null ? 'null' : `a ${typeof claims}`}, not an object of claims; ${CLAIMS_FIX}`);
  }
  return claims as Claims;
}

export function main(argv: readonly string[], io: ScriptIo = processIo): Promise<number> {
  return runScript(spec, argv, io, ({ values }) => {
    const claims = readClaims(values.claims);
    const config = values.config === undefined ? loadLabConfig() : loadConfigArg('--config', values.config);
    const stackName = values.stack ?? 'main';
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-access-'));
    try {
      const app = new App({ outdir, skipValidation: true });
      buildLab(app, config);
      const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
      const stack = stacks.find((s) => s.node.id === stackName);
      if (!stack) throw new UsageError(`--stack ${stackName}: no such stack; use one of ${stacks.map((s) => s.node.id).join(', ')}`);
      app.synth();
      const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stackName, 'cdk.tf.json'), 'utf8'));
      const policies = new Map<string, VaultPolicy>(stack.node.findAll().filter((c): c is VaultPolicy => c instanceof VaultPolicy).map((p) => [p.policyName, p]));
      const decisions = evaluateClaims(json, claims);
      const granted = decisions.filter((d) => d.granted);
      io.stdout(`stack ${stackName}: ${granted.length} of ${decisions.length} CI roles accept these claims\n`);
      for (const d of granted) {
        io.stdout(`\nGRANTED auth/${d.role.backendPath}/role/${d.role.roleName} -> policies ${d.role.policies.join(', ')}\n`);
        for (const name of d.role.policies) {
          for (const rule of policies.get(name)?.rules ?? []) io.stdout(`  ${name}: ${rule.path} [${rule.capabilities.join(', ')}]\n`);
        }
      }
      if (values.explain) {
        for (const d of decisions.filter((x) => !x.granted)) {
          io.stdout(`\nrefused ${d.role.roleName}:\n${d.reasons.map((r) => `  - ${r}`).join('\n')}\n`);
        }
      }
      return ExitCode.ok;
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
}

if (require.main === module) runAsProcess(main);
