import { Testing } from 'cdktf';
import { InvoicingSecretsStack } from '../examples/app-team-stack';
import { parsePolicyHcl } from './support/hcl';
import { findResource, synthStack } from './support/synth';

// The README's app-team example is real code: it must synthesize and mean what the README says.
describe('examples/app-team-stack.ts', () => {
  const json = synthStack(new InvoicingSecretsStack(Testing.app(), 'invoicing'));

  test('creates the app policies against the imported kvv2 mount, reading only its own secrets', async () => {
    expect(await parsePolicyHcl(findResource(json, 'vault_policy', { name: 'invoicing' }).policy)).toEqual({
      'kvv2/data/invoicing/config': ['read'],
      'kvv2/data/invoicing/smtp': ['read'],
    });
    expect(json.resource?.vault_mount).toBeUndefined();
  });

  test('binds the Kubernetes role to the imported backend and exactly one ServiceAccount', () => {
    const role = findResource(json, 'vault_kubernetes_auth_backend_role', { role_name: 'invoicing' });
    expect(role).toMatchObject({ backend: 'kubernetes', bound_service_account_names: ['invoicing'], bound_service_account_namespaces: ['invoicing'], token_period: 3600 });
  });

  test('lets only the protected main branch of lab/invoicing log in as gitea_cicd_invoicing with invoicing-ops', () => {
    const role = findResource(json, 'vault_jwt_auth_backend_role', { role_name: 'gitea_cicd_invoicing' });
    expect(role.token_policies).toEqual(['invoicing-ops']);
    expect(role.bound_claims).toMatchObject({ repository: 'lab/invoicing', ref: 'refs/heads/main', ref_protected: 'true' });
    expect(role.bound_audiences).toEqual(['https://vault.lab.example.net']);
  });

  test('writes no token into the provider block', () => {
    expect(Object.keys(json.provider?.vault[0] ?? {})).toEqual(['address']);
  });
});
