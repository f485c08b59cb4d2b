import { validateAgainstCrd } from './support/crd';
import { describeWithSchemas } from './support/schemas';

// The validator is itself tested, so a schema test cannot pass by validating nothing.
describeWithSchemas('validateAgainstCrd (upstream CRDs)', () => {
  const vaultAuth = {
    apiVersion: 'secrets.hashicorp.com/v1beta1',
    kind: 'VaultAuth',
    metadata: { name: 'webapp', namespace: 'webapp' },
    spec: { method: 'kubernetes', mount: 'kubernetes', kubernetes: { role: 'webapp', serviceAccount: 'webapp', audiences: ['vault'] } },
  };

  test('accepts a valid VaultAuth', () => {
    expect(validateAgainstCrd('vso/VaultAuth.yaml', vaultAuth)).toEqual([]);
  });

  test('fails on a field the CRD does not know', () => {
    const bad = { ...vaultAuth, spec: { ...vaultAuth.spec, kubernetes: { ...vaultAuth.spec.kubernetes, serviceAcount: 'x' } } };
    expect(validateAgainstCrd('vso/VaultAuth.yaml', bad).join('\n')).toMatch(/additional properties[\s\S]*serviceAcount/);
  });

  test('fails on a value outside an enum', () => {
    const bad = { ...vaultAuth, spec: { ...vaultAuth.spec, method: 'ldap' } };
    expect(validateAgainstCrd('vso/VaultAuth.yaml', bad).join('\n')).toMatch(/spec\/method/);
  });

  test('fails on a version the CRD does not serve and on the wrong kind', () => {
    expect(validateAgainstCrd('vso/VaultAuth.yaml', { ...vaultAuth, apiVersion: 'secrets.hashicorp.com/v1' }).join('\n')).toMatch(/not served/);
    expect(validateAgainstCrd('vso/VaultAuth.yaml', { ...vaultAuth, kind: 'VaultConnection' }).join('\n')).toMatch(/kind VaultConnection/);
  });

  test('ESO: only external-secrets.io/v1 is served for ExternalSecret', () => {
    const es = {
      apiVersion: 'external-secrets.io/v1beta1',
      kind: 'ExternalSecret',
      metadata: { name: 'x', namespace: 'x' },
      spec: {},
    };
    expect(validateAgainstCrd('eso/ExternalSecret.yaml', es).join('\n')).toMatch(/not served/);
  });
});
