import { Release } from '@cdktf/provider-helm/lib/release';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { TerraformStack } from 'cdktf';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { VSO_CHART } from '../constructs/charts';
import { filesWrittenAtSynthesis } from '../constructs/kubernetes-objects';
import { Rule } from './rule-pack';

/**
 * Clients of a Vault verify its certificate. A VaultConnection with `skipTLSVerify: true` makes the
 * Vault Secrets Operator send its Kubernetes token to whoever answers at the address, and accept any
 * secret from it; a private CA belongs in `caCertSecretRef` instead (config `vault.caCert`).
 */

/** `skipTLSVerify` as VSO reads it: a boolean (hashicorp/vault-secrets-operator api/v1beta1/vaultconnection_types.go). */
const skipsVerification = (spec: unknown): boolean => {
  const value = spec && typeof spec === 'object' ? (spec as Record<string, unknown>).skipTLSVerify : undefined;
  return value === true || value === 'true';
};

const FIX = 'set skipTLSVerify: false and trust the Vault\'s CA through caCertSecretRef (a Secret with ca.crt in the same namespace; the lab config\'s vault.caCert)';

/** The VaultConnections among Kubernetes objects (a parsed manifest or YAML document) that skip verification. */
function skippingConnections(objects: readonly unknown[]): string[] {
  return objects.flatMap((o) => {
    if (!o || typeof o !== 'object') return [];
    const object = o as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown }; spec?: unknown };
    if (object.kind !== 'VaultConnection' || !skipsVerification(object.spec)) return [];
    return [`${String(object.metadata?.namespace ?? '')}/${String(object.metadata?.name ?? '')}`];
  });
}

export const vaultConnectionsVerifyTls: Rule = {
  id: 'VP-TLS-1',
  summary: 'no VaultConnection skips TLS verification (skipTLSVerify: true): in kubernetes_manifest, the VSO chart\'s defaultVaultConnection, or GitOps files',
  check(construct, { synthesized }) {
    if (construct instanceof Manifest) {
      const manifest = synthesized.blockOf(construct)?.manifest;
      return skippingConnections([manifest]).map((c) => `VaultConnection ${c} has skipTLSVerify: true; ${FIX}`);
    }
    if (construct instanceof Release) {
      const block = synthesized.blockOf(construct) ?? {};
      // The chart by name, by a local repository's `<repo>/<chart>` or by an OCI reference.
      if (typeof block.chart !== 'string' || block.chart.split('/').pop() !== VSO_CHART.chart) return [];
      // The chart renders its `defaultVaultConnection` values as the VaultConnection `default`
      // (hashicorp/vault-secrets-operator chart/templates/default-vault-connection.yaml).
      const documents = Array.isArray(block.values) ? block.values : [];
      // A `set` entry overrides the values documents (hashicorp/terraform-provider-helm v3.1.1 helm/resource_helm_release.go, getValues).
      const sets: unknown[] = Array.isArray(block.set) ? block.set : [];
      const skipping =
        documents.some((doc) => skipsVerification((parseYaml(String(doc)) ?? {})?.defaultVaultConnection)) ||
        sets.some((s) => (s as { name?: unknown }).name === 'defaultVaultConnection.skipTLSVerify' && String((s as { value?: unknown }).value) === 'true');
      return skipping ? [`the Vault Secrets Operator release sets defaultVaultConnection.skipTLSVerify: true; ${FIX.replace('caCertSecretRef', 'defaultVaultConnection.caCertSecret')}`] : [];
    }
    if (TerraformStack.isStack(construct)) {
      return [...filesWrittenAtSynthesis(construct)].flatMap(([file, text]) =>
        skippingConnections(parseAllDocuments(text).flatMap((d) => ('toJS' in d ? [d.toJS()] : []))).map((c) => `GitOps file ${file}: VaultConnection ${c} has skipTLSVerify: true; ${FIX}`),
      );
    }
    return [];
  },
};

export const TLS_VERIFICATION_RULES: readonly Rule[] = [vaultConnectionsVerifyTls];
