import { JwtAuthBackend } from '@cdktf/provider-vault/lib/jwt-auth-backend';
import { JwtAuthBackendRole } from '@cdktf/provider-vault/lib/jwt-auth-backend-role';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { floorAttributes } from '../scripts/bench';

/*
 * The bench's floor rebuilds the project's Terraform JSON with the provider classes; it must hand
 * each attribute over the way the class takes it, or the floor does other work than the project.
 * Blocks are written here as in cdk.tf.json: snake_case keys, sorted.
 */

describe('the bench floor sorts out the attributes of a type', () => {
  test('GIVEN a NetworkPolicy block whose nested blocks the class writes in another key order WHEN sorted out THEN no nested block is taken for a map', () => {
    const block = {
      metadata: { name: 'vault-server', namespace: 'vault' },
      spec: {
        ingress: [{ from: [{ pod_selector: { match_labels: { component: 'server' } } }], ports: [{ port: '8200', protocol: 'TCP' }] }],
        pod_selector: { match_labels: { component: 'server' } },
        policy_types: ['Ingress'],
      },
    };
    const attributes = floorAttributes('resource', 'kubernetes_network_policy_v1', NetworkPolicyV1, [block]);
    expect([...attributes.maps]).toEqual([]);
    expect([...attributes.overrides]).toEqual([]);
  });

  test('GIVEN JWT roles of which only the second sets claim_mappings WHEN sorted out THEN claim_mappings is a map (its keys are data)', () => {
    // The binding declares claim_mappings a string map (@cdktf/provider-vault lib/jwt-auth-backend-role, toHclTerraform type "map").
    const ci = { backend: 'jwt', role_name: 'ci', role_type: 'jwt', user_claim: 'sub' };
    const admin = { backend: 'oidc', claim_mappings: { preferred_username: 'username' }, role_name: 'admin', role_type: 'oidc', user_claim: 'sub' };
    expect([...floorAttributes('resource', 'vault_jwt_auth_backend_role', JwtAuthBackendRole, [ci, admin]).maps]).toEqual(['claim_mappings']);
  });

  test('GIVEN an attribute the provider class does not know WHEN sorted out THEN it is set as an override, as the project sets it', () => {
    // The binding predates the write-only oidc_client_secret_wo; constructs/oidc-auth-backend.ts sets it with addOverride.
    const block = { oidc_client_id: 'vault', oidc_client_secret_wo: '${var.oidc_client_secret_main}', oidc_client_secret_wo_version: 1, path: 'oidc', type: 'oidc' };
    expect([...floorAttributes('resource', 'vault_jwt_auth_backend', JwtAuthBackend, [block]).overrides].sort()).toEqual(['oidc_client_secret_wo', 'oidc_client_secret_wo_version']);
  });
});
