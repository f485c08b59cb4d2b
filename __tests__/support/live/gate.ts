import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { VAULT_PROVIDER_VERSION } from '../../../constructs/vault-provider-version';

/** What the live suite found about its surroundings. */
export interface LiveProbe {
  readonly vaultAddr?: string;
  readonly vaultToken?: string;
  /** `terraform version` worked. */
  readonly terraformInstalled: boolean;
  /** Vault's `sys/health` answer: HTTP status, or the error text when it could not be reached. */
  readonly vaultHealth?: { status: number } | { error: string };
  /** `terraform init` of the providers the stacks need: undefined if not probed, else the error or ''. */
  readonly providerInitError?: string;
}

export type LiveDecision = { run: true; vaultAddr: string; vaultToken: string } | { run: false; reason: string };

/**
 * Whether the live suite may run, and if not, why. It needs a Vault the caller owns (VAULT_ADDR and
 * VAULT_TOKEN, unsealed and active) and a Terraform that can install the providers.
 */
export function decideLiveRun(probe: LiveProbe): LiveDecision {
  if (!probe.vaultAddr) return { run: false, reason: 'VAULT_ADDR is not set; point it at a disposable Vault (e.g. `vault server -dev`)' };
  if (!probe.vaultToken) return { run: false, reason: 'VAULT_TOKEN is not set; give a root token of the disposable Vault' };
  if (!/^https?:\/\//.test(probe.vaultAddr)) return { run: false, reason: `VAULT_ADDR (${probe.vaultAddr}) is not an http(s) URL` };
  if (!probe.terraformInstalled) return { run: false, reason: 'no terraform binary on PATH (Terraform >= 1.11 is needed)' };
  const health = probe.vaultHealth;
  if (!health) return { run: false, reason: `Vault at ${probe.vaultAddr} was not probed` };
  if ('error' in health) return { run: false, reason: `Vault at ${probe.vaultAddr} is unreachable: ${health.error}` };
  // sys/health: 200 active; 429 standby; 472/473 DR/perf secondary; 501 not initialised; 503 sealed.
  if (health.status !== 200) return { run: false, reason: `Vault at ${probe.vaultAddr} is not an active, unsealed node (sys/health answered ${health.status})` };
  if (probe.providerInitError === undefined) return { run: false, reason: 'terraform provider installation was not probed' };
  if (probe.providerInitError !== '') return { run: false, reason: `terraform cannot install the providers: ${probe.providerInitError}` };
  return { run: true, vaultAddr: probe.vaultAddr, vaultToken: probe.vaultToken };
}

/** The providers the applied stacks use, as `required_providers` for the init probe. */
export const PROBED_PROVIDERS = {
  vault: { source: 'hashicorp/vault', version: VAULT_PROVIDER_VERSION },
  random: { source: 'hashicorp/random', version: '3.7.2' },
};

/** Runs the probes synchronously (jest needs the decision before it registers tests). */
export function probeLiveEnvironment(env: NodeJS.ProcessEnv = process.env): LiveProbe {
  const vaultAddr = env.VAULT_ADDR;
  const vaultToken = env.VAULT_TOKEN;
  const terraformInstalled = spawnSync('terraform', ['version'], { timeout: 20000 }).status === 0;
  if (!vaultAddr || !vaultToken || !terraformInstalled) return { vaultAddr, vaultToken, terraformInstalled };
  return { vaultAddr, vaultToken, terraformInstalled, vaultHealth: probeHealth(vaultAddr), providerInitError: probeProviderInit() };
}

function probeHealth(vaultAddr: string): { status: number } | { error: string } {
  const script = `fetch(process.argv[1] + '/v1/sys/health', { signal: AbortSignal.timeout(5000) }).then((r) => console.log(r.status), (e) => { console.log('error ' + (e.cause?.message ?? e.message)); })`;
  const run = spawnSync(process.execPath, ['-e', script, vaultAddr.replace(/\/+$/, '')], { encoding: 'utf8', timeout: 15000 });
  const out = (run.stdout ?? '').trim();
  return /^\d+$/.test(out) ? { status: Number(out) } : { error: out.replace(/^error /, '') || run.stderr || 'no answer' };
}

function probeProviderInit(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-probe-'));
  try {
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ terraform: { required_providers: PROBED_PROVIDERS } }));
    const run = spawnSync('terraform', ['init', '-input=false', '-no-color', '-backend=false'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120000,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
    });
    if (run.status === 0) return '';
    const error = (run.stderr || run.stdout || `exit ${run.status ?? 'timeout'}`).split('\n').map((l) => l.trim()).find((l) => /error|failed|could not/i.test(l));
    return error ?? (run.error ? run.error.message : `terraform init exited ${run.status}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
