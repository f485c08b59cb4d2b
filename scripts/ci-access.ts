import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { loadLabConfig } from '../config/load';
import { VaultPolicy } from '../constructs/vault-policy';
import { Claims, evaluateClaims } from '../stacks/ci-access';
import { buildLab } from '../stacks/lab';

// `npm run ci-access -- --claims token.json [--stack main] [--config lab.yaml]`: synthesizes the lab and
// prints which CI roles a token with these claims may log in to, and the policies it would get.
// The file holds the decoded claims (the JWT payload), never a signed token.

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const claimsFile = arg('claims');
if (!claimsFile) {
  process.stderr.write('usage: npm run ci-access -- --claims <claims.json> [--stack main|sandbox] [--config <lab.yaml>]\n');
  process.exit(2);
}
const claims = JSON.parse(fs.readFileSync(claimsFile, 'utf8')) as Claims;
if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
  process.stderr.write(`${claimsFile}: must hold a JSON object of claims (the decoded JWT payload)\n`);
  process.exit(2);
}
const stackName = arg('stack') ?? 'main';
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-access-'));
try {
  const app = new App({ outdir, skipValidation: true });
  const stacks = buildLab(app, loadLabConfig(arg('config')));
  const stack: TerraformStack | undefined = (Object.values(stacks) as TerraformStack[]).find((s) => s.node.id === stackName);
  if (!stack) throw new Error(`--stack ${stackName}: no such stack (${(Object.values(stacks) as TerraformStack[]).map((s) => s.node.id).join(', ')})`);
  app.synth();
  const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stackName, 'cdk.tf.json'), 'utf8'));
  const policies = new Map<string, VaultPolicy>(stack.node.findAll().filter((c): c is VaultPolicy => c instanceof VaultPolicy).map((p) => [p.policyName, p]));
  const decisions = evaluateClaims(json, claims);
  const granted = decisions.filter((d) => d.granted);
  process.stdout.write(`stack ${stackName}: ${granted.length} of ${decisions.length} CI roles accept these claims\n`);
  for (const d of granted) {
    process.stdout.write(`\nGRANTED auth/${d.role.backendPath}/role/${d.role.roleName} -> policies ${d.role.policies.join(', ')}\n`);
    for (const name of d.role.policies) {
      for (const rule of policies.get(name)?.rules ?? []) process.stdout.write(`  ${name}: ${rule.path} [${rule.capabilities.join(', ')}]\n`);
    }
  }
  if (process.argv.includes('--explain')) {
    for (const d of decisions.filter((x) => !x.granted)) {
      process.stdout.write(`\nrefused ${d.role.roleName}:\n${d.reasons.map((r) => `  - ${r}`).join('\n')}\n`);
    }
  }
} finally {
  fs.rmSync(outdir, { recursive: true, force: true });
}
