import { parse } from '@cdktf/hcl2json';
import { PolicyDocument } from '../constructs/policy/policy-document';
import { renderPolicyHcl } from '../constructs/private/render-hcl';
import { parsePolicyHcl } from './support/hcl';

describe('PolicyDocument and renderPolicyHcl', () => {
  test('the real HCL parser reads back exactly the granted paths and capabilities', async () => {
    // GIVEN
    const doc = new PolicyDocument().read('kvv2/data/webapp/config').readWrite('kvv2/data/webapp/*').list('kvv2/metadata/webapp/*');
    // WHEN
    const parsed = await parsePolicyHcl(renderPolicyHcl(doc.rules));
    // THEN
    expect(parsed).toEqual({
      'kvv2/data/webapp/config': ['read'],
      'kvv2/data/webapp/*': ['create', 'read', 'update', 'patch'],
      'kvv2/metadata/webapp/*': ['list'],
    });
  });

  test('allowed parameters reach the real HCL parser as allowed_parameters, each with any value', async () => {
    // GIVEN
    const doc = new PolicyDocument().allow('auth/userpass/users/alice', ['create', 'update'], ['password']).read('sys/health');
    // WHEN
    const parsed = (await parse('policy.hcl', renderPolicyHcl(doc.rules))) as { path: Record<string, unknown[]> };
    // THEN
    expect(parsed.path).toEqual({
      'auth/userpass/users/alice': [{ capabilities: ['create', 'update'], allowed_parameters: { password: [] } }],
      'sys/health': [{ capabilities: ['read'] }],
    });
  });

  test('fails when a path is granted once with allowed parameters and once without: one stanza holds one list', () => {
    const doc = new PolicyDocument().allow('auth/userpass/users/alice', ['create'], ['password']);
    expect(() => doc.allow('auth/userpass/users/alice', ['update'])).toThrow(/policy path "auth\/userpass\/users\/alice" is granted once with allowed parameters \["password"\] and once with any parameter/);
  });

  test("fails when allowed parameters are empty or '*', which Vault reads as any parameter", () => {
    expect(() => new PolicyDocument().allow('kv/a', ['update'], [])).toThrow(/policy path "kv\/a": allowed parameters \[\] must name at least one request parameter/);
    expect(() => new PolicyDocument().allow('kv/a', ['update'], ['*'])).toThrow(/allowed parameters \["\*"\] must name at least one request parameter, each of \[A-Za-z0-9_.-\] \(no '\*'\)/);
  });

  test('capabilities granted twice on one path are combined into one stanza', async () => {
    const doc = new PolicyDocument().read('kv/app').list('kv/app').read('kv/app');
    const hcl = renderPolicyHcl(doc.rules);
    expect(hcl.match(/^path /gm)).toHaveLength(1);
    expect(await parsePolicyHcl(hcl)).toEqual({ 'kv/app': ['read', 'list'] });
  });

  test('deny stays alone on its path, since Vault lets it override every other capability', async () => {
    const doc = new PolicyDocument().read('kvv2/data/x').allow('kvv2/data/x', ['deny']);
    expect(await parsePolicyHcl(renderPolicyHcl(doc.rules))).toEqual({ 'kvv2/data/x': ['deny'] });
  });

  test('rendering is deterministic: insertion order does not change the text', () => {
    const a = new PolicyDocument().read('b/x').read('a/x');
    const b = new PolicyDocument().read('a/x').read('b/x');
    expect(renderPolicyHcl(a.rules)).toBe(renderPolicyHcl(b.rules));
  });

  test('segment (+) and prefix (*) globs pass through to the parser unchanged', async () => {
    const doc = new PolicyDocument().read('secret/+/teamb').read('secret/foo*');
    expect(Object.keys(await parsePolicyHcl(renderPolicyHcl(doc.rules)))).toEqual(['secret/+/teamb', 'secret/foo*']);
  });

  test('rules returns a copy that callers cannot use to change the policy', () => {
    const doc = new PolicyDocument().read('a/b');
    const rules = doc.rules as any[];
    rules.push({ path: 'sys/*', capabilities: ['sudo'] });
    expect(doc.rules).toEqual([{ path: 'a/b', capabilities: ['read'] }]);
  });

  test.each([
    ['an HCL injection', 'a" {\n capabilities = ["sudo"]\n}\npath "x'],
    ['a leading slash', '/kvv2/data/x'],
    ['a glob in the middle', 'kvv2/*/config'],
    ['a double slash', 'kvv2//data'],
    ['an empty path', ''],
    ['an interpolation', 'kvv2/${var.x}'],
  ])('fails when the path has %s', (_what, path) => {
    expect(() => new PolicyDocument().read(path)).toThrow(/is not a valid Vault path/);
  });

  test('fails when a capability is not one Vault knows', () => {
    expect(() => new PolicyDocument().allow('a/b', ['write' as any])).toThrow(/unknown capability "write"/);
  });

  test('fails when asked to render a policy with no rules', () => {
    expect(() => renderPolicyHcl([])).toThrow(/at least one rule/);
  });
});
