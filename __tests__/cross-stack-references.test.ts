import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { App, Fn, Lazy, TerraformLocal, TerraformStack, Token } from 'cdktf';
import { CheckedStack } from '../rules/synthesized';
import { buildLab } from '../stacks/lab';
import { exampleConfig } from './support/synth';

/**
 * cdktf's preparing pass resolves every value of every stack so that a token of another stack adds
 * an output there and a remote-state read here. A CheckedStack resolves only the values that hold
 * a token. The result must be exactly what cdktf's own pass gives, wherever the token hides.
 */

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cross-stack-'));
}

function readStacks(outdir: string): Record<string, any> {
  const dir = path.join(outdir, 'stacks');
  return Object.fromEntries(fs.readdirSync(dir).map((name) => [name, JSON.parse(fs.readFileSync(path.join(dir, name, 'cdk.tf.json'), 'utf8'))]));
}

type StackClass = new (scope: App, id: string) => TerraformStack;

/** A consumer stack that uses values of a producer stack in every shape a token can take. */
function synthTwoStacks(Stack: StackClass, outdir: string): Record<string, any> {
  const app = new App({ outdir, skipValidation: false });
  const producer = new Stack(app, 'producer');
  new VaultProvider(producer, 'vault', {});
  const policy = new Policy(producer, 'Source', { name: 'source', policy: '# source' });
  const mount = new Mount(producer, 'SourceMount', { path: 'source', type: 'kv', defaultLeaseTtlSeconds: 60 });
  const consumer = new Stack(app, 'consumer');
  new VaultProvider(consumer, 'vault', {});
  new Policy(consumer, 'InString', { name: 'in-string', policy: `# after ${policy.name}` });
  // The token is taken before the Lazy: a fresh one made inside `produce` is not prepared (cdktf's own pass neither).
  const policyId = policy.id;
  new Policy(consumer, 'InLazy', { name: 'in-lazy', policy: Lazy.stringValue({ produce: () => `# lazy ${policyId}` }) });
  new Mount(consumer, 'InNumberAndList', {
    path: 'copy',
    type: 'kv',
    defaultLeaseTtlSeconds: mount.defaultLeaseTtlSeconds,
    allowedResponseHeaders: Token.asList(Fn.split(',', mount.path)),
    auditNonHmacRequestKeys: ['plain', mount.type],
  });
  new Policy(consumer, 'NumberInString', { name: 'number-in-string', policy: `# ttl ${mount.defaultLeaseTtlSeconds}` });
  new TerraformLocal(consumer, 'NumberList', Token.asNumberList(Fn.tolist([mount.defaultLeaseTtlSeconds])));
  new Policy(consumer, 'Local', { name: 'local', policy: '# no token of another stack' });
  app.synth();
  return readStacks(outdir);
}

describe('values of another stack', () => {
  const checkedDir = tempDir();
  const stockDir = tempDir();
  afterAll(() => {
    fs.rmSync(checkedDir, { recursive: true, force: true });
    fs.rmSync(stockDir, { recursive: true, force: true });
  });
  const checked = synthTwoStacks(CheckedStack, checkedDir);
  const stock = synthTwoStacks(TerraformStack, stockDir);

  test('each use becomes a remote-state read in the consumer and an output of the producer', () => {
    const read = /data\.terraform_remote_state\.cross-stack-reference-input-producer\.outputs\./;
    const { vault_policy: policies, vault_mount: mounts } = checked.consumer.resource;
    expect(policies.InString.policy).toMatch(read);
    expect(policies.InLazy.policy).toMatch(read);
    expect(policies.NumberInString.policy).toMatch(read);
    expect(String(mounts.InNumberAndList.default_lease_ttl_seconds)).toMatch(read);
    expect(String(mounts.InNumberAndList.allowed_response_headers)).toMatch(read);
    expect(mounts.InNumberAndList.audit_non_hmac_request_keys[0]).toBe('plain');
    expect(mounts.InNumberAndList.audit_non_hmac_request_keys[1]).toMatch(read);
    expect(checked.consumer.locals.NumberList).toMatch(read);
    expect(policies.Local.policy).toBe('# no token of another stack');
    expect(Object.keys(checked.producer.output ?? {}).length).toBeGreaterThanOrEqual(4);
  });

  test('the JSON is exactly what cdktf writes with its full preparing pass', () => {
    expect(checked).toEqual(stock);
  });
});

describe('the lab', () => {
  function synthLab(outdir: string): Record<string, any> {
    const app = new App({ outdir, skipValidation: false });
    buildLab(app, exampleConfig());
    app.synth();
    return readStacks(outdir);
  }

  test('preparing only the values with tokens writes exactly what cdktf\'s full pass writes, on every stack', () => {
    const checkedDir = tempDir();
    const stockDir = tempDir();
    const fullPass = jest.spyOn(CheckedStack.prototype, 'prepareStack').mockImplementation(function (this: CheckedStack) {
      TerraformStack.prototype.prepareStack.call(this);
    });
    try {
      const stock = synthLab(stockDir);
      fullPass.mockRestore();
      const checked = synthLab(checkedDir);
      // The seal token the QNAP stack issues is the lab's one value passed between stacks.
      expect(Object.keys(checked['main-cluster'].data.terraform_remote_state)).toEqual(['cross-stack-reference-input-qnap']);
      expect(checked).toEqual(stock);
    } finally {
      fullPass.mockRestore();
      fs.rmSync(checkedDir, { recursive: true, force: true });
      fs.rmSync(stockDir, { recursive: true, force: true });
    }
  });
});
