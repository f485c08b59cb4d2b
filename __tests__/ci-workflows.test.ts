import * as fs from 'fs';
import * as path from 'path';
import { execFile } from 'child_process';
import * as http from 'http';
import { AddressInfo } from 'net';
import { promisify } from 'util';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { APP_TEMPLATE_PATH, CI_ENGINE_VERSIONS, FORGEJO_JOB_EXTENSIONS, generateWorkflows, PLATFORM_WORKFLOW_PATH, platformWorkflow } from '../stacks/ci-workflows';
import { EngineName } from '../config/schema-engine';

const execFileAsync = promisify(execFile);
import { describeWithSchemas, schemaPath } from './support/schemas';
import { exampleConfig, exampleConfigWith, exampleStackJson } from './support/synth';

const ROOT = path.join(__dirname, '..');
const generated = () => new Map(generateWorkflows(exampleConfig()).map((f) => [f.path, f.content]));
const platform = () => parse(generated().get(PLATFORM_WORKFLOW_PATH)!);
const template = () => parse(generated().get(APP_TEMPLATE_PATH)!);

/** The workflow with Forgejo's own job keys removed (the GitHub schema does not know them). */
function withoutForgejoExtensions(workflow: any): any {
  const copy = JSON.parse(JSON.stringify(workflow));
  for (const job of Object.values<any>(copy.jobs)) for (const key of FORGEJO_JOB_EXTENSIONS) delete job[key];
  return copy;
}

describeWithSchemas('generated workflows against the Actions workflow schema', () => {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath('github-workflow.json'), 'utf8')));

  test.each([PLATFORM_WORKFLOW_PATH, APP_TEMPLATE_PATH])('%s validates (Forgejo job extensions aside)', (file) => {
    const ok = validate(withoutForgejoExtensions(parse(generated().get(file)!)));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('a Gitea profile workflow validates without stripping anything', () => {
    const config = exampleConfigWith((c) => {
      for (const env of ['main', 'sandbox']) {
        c.environments[env].ci.oidc.claims = { profile: 'gitea' };
        c.environments[env].ci.oidc.issuer = 'https://git.lab.example.net/api/actions/oidc';
      }
      // Gitea sends no ref_protected claim (docs/ci.md): the config may not ask for it.
      delete c.ci.platform.refProtected;
      delete c.apps[0].ci.refProtected;
    });
    for (const file of generateWorkflows(config)) {
      expect(validate(parse(file.content))).toBe(true);
    }
  });

  test('an OpenTofu workflow validates (Forgejo job extensions aside)', () => {
    const workflow = platformWorkflow(withEngine('opentofu'));
    expect(validate(withoutForgejoExtensions(workflow))).toBe(true);
  });

  test('the schema check can fail: an unknown job key is rejected', () => {
    const broken = withoutForgejoExtensions(platform());
    broken.jobs['deploy-main']['run-on'] = 'docker';
    expect(validate(broken)).toBe(false);
  });
});

const withEngine = (engine: EngineName) => exampleConfigWith((c) => (c.terraform = { engine }));

/**
 * The setup action of each engine and its inputs, as their action.yml files define them
 * (hashicorp/setup-terraform action.yml, opentofu/setup-opentofu action.yml). Each wraps the binary
 * by default; cdktf needs the real one.
 */
const SETUP_ACTIONS: Record<EngineName, { action: string; version: string; wrapper: string }> = {
  terraform: { action: 'hashicorp/setup-terraform', version: 'terraform_version', wrapper: 'terraform_wrapper' },
  opentofu: { action: 'opentofu/setup-opentofu', version: 'tofu_version', wrapper: 'tofu_wrapper' },
};

describe('the engine CI runs', () => {
  const cdktfJobs = (workflow: any) => Object.values<any>(workflow.jobs);
  const setupSteps = (job: any) => job.steps.filter((st: any) => /setup-(terraform|opentofu)@/.test(st.uses ?? ''));
  const cdktfStep = (job: any) => job.steps.find((st: any) => String(st.name).startsWith('cdktf'));

  test.each(['terraform', 'opentofu'] as const)('with engine %s every job installs that engine at one exact version, wrapper off, before cdktf runs', (engine) => {
    const jobs = cdktfJobs(platformWorkflow(withEngine(engine)));
    expect(jobs).toHaveLength(4);
    for (const job of jobs) {
      const [setup, ...more] = setupSteps(job);
      expect(more).toEqual([]);
      expect(setup.uses.split('@')[0]).toBe(SETUP_ACTIONS[engine].action);
      expect(setup.with[SETUP_ACTIONS[engine].version]).toBe(CI_ENGINE_VERSIONS[engine]);
      expect(CI_ENGINE_VERSIONS[engine]).toMatch(/^\d+\.\d+\.\d+$/);
      expect(setup.with[SETUP_ACTIONS[engine].wrapper]).toBe(false);
      expect(job.steps.indexOf(setup)).toBeLessThan(job.steps.indexOf(cdktfStep(job)));
    }
  });

  test('with OpenTofu the cdktf step tells cdktf to run tofu (TERRAFORM_BINARY_NAME, hashicorp/terraform-cdk packages/@cdktf/commons/src/terraform.ts)', () => {
    for (const job of cdktfJobs(platformWorkflow(withEngine('opentofu')))) expect(cdktfStep(job).env.TERRAFORM_BINARY_NAME).toBe('tofu');
  });

  test("with Terraform the cdktf step names no binary: cdktf's default is terraform", () => {
    for (const job of cdktfJobs(platformWorkflow(withEngine('terraform')))) expect(cdktfStep(job).env).not.toHaveProperty('TERRAFORM_BINARY_NAME');
  });

  test('without a terraform section the workflows run Terraform', () => {
    const config = exampleConfigWith((c) => delete c.terraform);
    for (const job of cdktfJobs(platformWorkflow(config))) expect(setupSteps(job)[0].uses).toMatch(/^hashicorp\/setup-terraform@/);
  });

  test('docs/ci.md names the versions CI pins, so a bump cannot leave the documentation behind', () => {
    const text = fs.readFileSync(path.join(ROOT, 'docs', 'ci.md'), 'utf8');
    expect(text).toContain(`Terraform ${CI_ENGINE_VERSIONS.terraform} `);
    expect(text).toContain(`OpenTofu ${CI_ENGINE_VERSIONS.opentofu} `);
  });

  test('fails when the engine is neither terraform nor opentofu, naming the field and the choices', () => {
    expect(() => exampleConfigWith((c) => (c.terraform = { engine: 'tofu' }))).toThrow(/terraform\.engine = "tofu": must be one of "terraform", "opentofu"/);
  });
});

describe('generated workflows', () => {
  test('each cdktf step gets its own kubeconfig (read-only identity for pull requests), never the whole job', () => {
    const workflow = platformWorkflow(exampleConfig()) as any;
    for (const [mode, stack] of [['diff', 'main'], ['diff', 'sandbox'], ['deploy', 'main'], ['deploy', 'sandbox']]) {
      const job = workflow.jobs[`${mode}-${stack}`];
      const step = job.steps.find((st: any) => String(st.name).startsWith('cdktf'));
      expect(step.env.KUBECONFIG_CONTENT).toBe(`\${{ secrets.KUBECONFIG_${stack.toUpperCase()}_${mode.toUpperCase()} }}`);
      expect(JSON.stringify(job.env)).not.toContain('KUBECONFIG');
      expect(step.run).toMatch(/umask 077[\s\S]*KUBE_CONFIG_PATH="\$\(mktemp\)"[\s\S]*trap 'rm -f "\$KUBE_CONFIG_PATH"' EXIT/);
    }
  });

  test('an environment delivered through GitOps files needs no cluster access in CI', () => {
    const config = exampleConfigWith((c) => {
      c.environments.sandbox.delivery = { ...c.environments.sandbox.delivery, mode: 'gitops' };
    });
    const workflow = platformWorkflow(config) as any;
    expect(JSON.stringify(workflow.jobs['diff-sandbox'])).not.toContain('KUBECONFIG');
    expect(JSON.stringify(workflow.jobs['diff-main'])).toContain('KUBECONFIG_MAIN_DIFF');
  });

  test('the committed files are what the generator produces from config/lab.yaml now', () => {
    for (const [file, content] of generated()) {
      expect(fs.readFileSync(path.join(ROOT, file), 'utf8')).toBe(content);
    }
  });

  test('pull requests run cdktf diff and pushes to main run cdktf deploy --auto-approve, for sandbox and main', () => {
    const wf = platform();
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push']);
    const runs = (job: string) => wf.jobs[job].steps.map((s: any) => s.run ?? '').join('\n');
    for (const stack of ['sandbox', 'main']) {
      expect(wf.jobs[`diff-${stack}`].if).toContain("github.event_name == 'pull_request'");
      expect(runs(`diff-${stack}`)).toContain(`npx cdktf diff ${stack}`);
      expect(wf.jobs[`deploy-${stack}`].if).toContain("github.ref == 'refs/heads/main'");
      expect(runs(`deploy-${stack}`)).toContain(`npx cdktf deploy ${stack} --auto-approve`);
      expect(runs(`deploy-${stack}`)).toContain('npm ci');
    }
    expect(wf.env.CHECKPOINT_DISABLE).toBe('1');
  });

  test('deploys of one stack never overlap: one concurrency group per stack, queued not cancelled', () => {
    const wf = platform();
    const groups = ['sandbox', 'main'].map((s) => wf.jobs[`deploy-${s}`].concurrency);
    expect(groups).toEqual([
      { group: 'deploy-sandbox', 'cancel-in-progress': false },
      { group: 'deploy-main', 'cancel-in-progress': false },
    ]);
    expect(wf.jobs['deploy-main'].needs).toBe('deploy-sandbox');
  });

  test('each job asks for an OIDC token with its own Vault audience and logs in with the matching role', () => {
    const wf = platform();
    expect(wf.permissions['id-token']).toBe('write');
    expect(wf.jobs['deploy-main'].env).toMatchObject({ VAULT_AUTH_METHOD: 'jwt', VAULT_AUTH_ROLE: 'gitea_cicd_platform', VAULT_AUDIENCE: 'https://vault.lab.example.net' });
    expect(wf.jobs['deploy-sandbox'].env.VAULT_AUDIENCE).toBe('https://vault.sandbox.lab.example.net');
    expect(wf.jobs['diff-main'].env.VAULT_AUTH_ROLE).toBe('gitea_cicd_platform-diff');
    expect(wf.jobs['deploy-main']['enable-openid-connect']).toBe(true);
  });

  test('no workflow stores, echoes or passes a token on a command line', () => {
    for (const [file, content] of generated()) {
      expect({ file, storedToken: /secrets\.VAULT_TOKEN|VAULT_TOKEN:/.test(content) }).toEqual({ file, storedToken: false });
      expect({ file, echo: /(echo|printf '%s\\n')[^\n]*\$\{?(TERRAFORM_VAULT_AUTH_JWT|jwt|vault_token)/i.test(content) }).toEqual({ file, echo: false });
      expect({ file, argvHeader: /-H "[^"]*\$/.test(content) }).toEqual({ file, argvHeader: false });
      expect(content).toContain('set +x');
    }
  });

  test('the app template writes kvv2/<app>/config with gitea_cicd_<app> against the main Vault', () => {
    const wf = template();
    const run = wf.jobs['write-config'].steps.map((s: any) => s.run ?? '').join('\n');
    expect(run).toContain('ROLE="gitea_cicd_${APP_NAME}"');
    expect(run).toContain('/v1/$VAULT_KV_MOUNT/data/$APP_NAME/config');
    expect(wf.env).toMatchObject({ VAULT_ADDR: 'https://vault.lab.example.net:8200', VAULT_AUTH_PATH: 'gitea-actions', VAULT_AUDIENCE: 'https://vault.lab.example.net', VAULT_KV_MOUNT: 'kvv2' });
  });

  test('without ci.platform only the app template is generated', () => {
    const config = exampleConfigWith((c) => {
      delete c.ci;
    });
    expect(generateWorkflows(config).map((f) => f.path)).toEqual([APP_TEMPLATE_PATH]);
  });

  test.each(['main', 'sandbox'])('fails when %s, which CI deploys, keeps its state in a local file', (env) => {
    const config = exampleConfigWith((c) => {
      c.environments[env].state = { type: 'local', directory: `state/${env}` };
    });
    expect(() => platformWorkflow(config)).toThrow(new RegExp(`environments\\.${env}\\.state\\.type = "local": .*use a remote backend \\(type: pg or s3`));
    expect(() => generateWorkflows(config)).toThrow(/a CI runner starts with no state files/);
  });

  test('fails when a CI environment has no state backend at all (the default is local)', () => {
    const config = exampleConfigWith((c) => {
      delete c.environments.main.state;
    });
    expect(() => platformWorkflow(config)).toThrow(/environments\.main\.state\.type = "local"/);
  });

  test("state credentials come from each environment's and job kind's own forge secrets and reach only the cdktf step", () => {
    const wf = platform();
    for (const [env, other] of [['main', 'sandbox'], ['sandbox', 'main']]) {
      for (const [mode, otherMode] of [['diff', 'deploy'], ['deploy', 'diff']]) {
        const job = wf.jobs[`${mode}-${env}`];
        const step = job.steps.find((st: any) => String(st.name).startsWith('cdktf'));
        expect(step.env.PG_CONN_STR).toBe(`\${{ secrets.STATE_PG_CONN_STR_${env.toUpperCase()}_${mode.toUpperCase()} }}`);
        // A pull request's diff never holds the deploy credentials, nor the other environment's.
        expect(JSON.stringify(job)).not.toContain(`STATE_PG_CONN_STR_${other.toUpperCase()}`);
        expect(JSON.stringify(job)).not.toContain(`STATE_PG_CONN_STR_${env.toUpperCase()}_${otherMode.toUpperCase()}`);
        expect(JSON.stringify(job.env)).not.toContain('PG_CONN_STR');
      }
    }
  });

  test("the stack's required OIDC client secret variable gets the forge secret in deploys and a placeholder in pull requests' diffs", () => {
    const wf = platform();
    for (const env of ['main', 'sandbox'] as const) {
      // GIVEN the variables the synthesized stack declares as ephemeral, without a default
      const variables = Object.entries(exampleStackJson(env).variable ?? {}).filter(([, v]: [string, any]) => v.ephemeral === true && !('default' in v));
      expect(variables).toHaveLength(1);
      const envName = `TF_VAR_${variables[0][0]}`;
      // THEN the deploy's cdktf step sets it from this environment's forge secret, the diff's never holds it
      const step = (mode: string) => wf.jobs[`${mode}-${env}`].steps.find((st: any) => String(st.name).startsWith('cdktf'));
      expect(step('deploy').env[envName]).toBe(`\${{ secrets.OIDC_CLIENT_SECRET_${env.toUpperCase()} }}`);
      expect(step('diff').env[envName]).toMatch(/^[a-z-]+$/);
      // docs/ci.md tells readers which value a diff gets
      expect(fs.readFileSync(path.join(ROOT, 'docs', 'ci.md'), 'utf8')).toContain(`\`${step('diff').env[envName]}\``);
      expect(JSON.stringify(wf.jobs[`diff-${env}`])).not.toContain('OIDC_CLIENT_SECRET');
      expect(JSON.stringify(wf.jobs[`deploy-${env}`].env)).not.toContain('OIDC_CLIENT_SECRET');
    }
  });

  test('an environment without people\'s login gets no OIDC client secret variable', () => {
    const config = exampleConfigWith((c) => {
      delete c.environments.sandbox.operators;
    });
    expect(JSON.stringify((platformWorkflow(config) as any).jobs['deploy-sandbox'])).not.toContain('TF_VAR_oidc_client_secret');
  });

  test('an s3 backend hands the job its access key pair by secret name, never a value', () => {
    const config = exampleConfigWith((c) => {
      c.environments.main.state = { type: 's3', bucket: 'lab-state', region: 'eu-west-1' };
    });
    const step = (platformWorkflow(config) as any).jobs['deploy-main'].steps.find((st: any) => String(st.name).startsWith('cdktf'));
    expect(step.env).toMatchObject({
      AWS_ACCESS_KEY_ID: '${{ secrets.STATE_S3_ACCESS_KEY_ID_MAIN_DEPLOY }}',
      AWS_SECRET_ACCESS_KEY: '${{ secrets.STATE_S3_SECRET_ACCESS_KEY_MAIN_DEPLOY }}',
    });
  });

  test('fails when the platform workflow is asked for without ci.platform', () => {
    const config = exampleConfigWith((c) => {
      delete c.ci;
    });
    expect(() => platformWorkflow(config)).toThrow(/ci.platform: not configured/);
  });

  test("the token request sends the runner's request token as a header and the audience, and prints only the token", async () => {
    const step = platform().jobs['deploy-main'].steps.find((s: any) => (s.run ?? '').includes('id_token()')).run as string;
    const fn = step.slice(step.indexOf('set +x'), step.indexOf('# The Vault provider'));
    const seen: { auth?: string; audience?: string | null } = {};
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      seen.auth = req.headers.authorization;
      seen.audience = url.searchParams.get('audience');
      res.end(JSON.stringify({ value: 'header.payload.signature' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const { stdout, stderr } = await execFileAsync('bash', ['-c', `set -euo pipefail\n${fn}\nid_token "$VAULT_AUDIENCE"`], {
        env: {
          PATH: process.env.PATH,
          VAULT_AUDIENCE: 'https://vault.lab.example.net',
          ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/api/actions/_apis/token?api-version=2.0`,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-request-token',
        },
      });
      expect(stdout).toBe('header.payload.signature');
      expect(stderr).not.toMatch(/header\.payload|runner-request-token/);
      expect(seen).toEqual({ auth: 'bearer runner-request-token', audience: 'https://vault.lab.example.net' });
    } finally {
      server.close();
    }
  });
});
