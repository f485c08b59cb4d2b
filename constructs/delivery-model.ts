/**
 * The delivery model: for one app in one environment, the Kubernetes objects that bring its Vault
 * secrets into its namespace. Pure data, no constructs: Terraform (`kubernetes_manifest`) and the
 * GitOps YAML files are two renderings of the same list, so they cannot drift apart.
 *
 * Field semantics follow the operators' CRDs (Vault Secrets Operator 1.4.1, External Secrets
 * Operator 2.9.0, `external-secrets.io/v1`); tests validate every object against them.
 */
import { invalidDelivery } from './private/errors';
import { isDns1123Label } from './names';

/** A Kubernetes object as plain data (`apiVersion`, `kind`, `metadata`, `spec`). */
export interface KubernetesObject {
  /** API group and version, e.g. `secrets.hashicorp.com/v1beta1`. */
  readonly apiVersion: string;
  /** Object kind, e.g. `VaultStaticSecret`. */
  readonly kind: string;
  /** Name, namespace and labels of the object. */
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  /** The object's specification, as the kind's schema defines it. */
  readonly spec?: Record<string, unknown>;
}

export const VSO_API_VERSION = 'secrets.hashicorp.com/v1beta1';
export const ESO_API_VERSION = 'external-secrets.io/v1';
/** API groups of the operators' custom resources, by the chart that installs their CRDs. */
export const VSO_API_GROUP = 'secrets.hashicorp.com';
export const ESO_API_GROUP = 'external-secrets.io';

export const VSO_NAMESPACE = 'vault-secrets-operator-system';
export const ESO_NAMESPACE = 'external-secrets';

/** Workload kinds VSO can rollout-restart (the `rolloutRestartTargets[].kind` enum of its CRDs). */
export const RESTART_TARGET_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet', 'argo.Rollout'] as const;
/** A workload kind VSO can rollout-restart. */
export type RestartTargetKind = (typeof RESTART_TARGET_KINDS)[number];
/** Durations both operators accept: VSO's CRD pattern, a subset of Go durations (ESO). */
export const OPERATOR_DURATION = /^([0-9]+(\.[0-9]+)?(s|m|h))$/;
export const OPERATOR_DURATION_RULE = "must be a duration such as '30s', '10m' or '1h' (a number followed by s, m or h)";

export const DEFAULT_REFRESH_INTERVAL = '10m';
/** VSO renews a dynamic lease when two thirds of its TTL have passed: time to retry before expiry. */
export const DYNAMIC_RENEWAL_PERCENT = 67;
/** Key of the Vault CA in its Secret (both operators read `ca.crt`). */
export const CA_CERT_KEY = 'ca.crt';

/** A workload VSO restarts when the secret it reads changes. */
export interface RolloutRestartTarget {
  /** Kind of the workload. */
  readonly kind: RestartTargetKind;
  /** Name of the workload in the app's namespace. */
  readonly name: string;
}

/** One KV v2 secret delivered as one Kubernetes Secret. */
export interface DeliveredSecretModel {
  /** Path inside the KV v2 mount, e.g. `webapp/config`. */
  readonly kvPath: string;
  readonly secretName: string;
}

/** What both operators need to know about an app. */
export interface AppDeliveryModel {
  readonly appName: string;
  /** Namespace of the custom resources and of the Secrets they write. */
  readonly namespace: string;
  readonly serviceAccount: { readonly name: string; readonly namespace: string; readonly create: boolean };
  /** Vault's kubernetes auth: mount path, role and the audience the role requires. */
  readonly kubernetesAuth: { readonly mountPath: string; readonly role: string; readonly audience: string };
  readonly kvMountPath: string;
  /** The app config first; each becomes one VaultStaticSecret or ExternalSecret. */
  readonly secrets: readonly DeliveredSecretModel[];
  /** @default DEFAULT_REFRESH_INTERVAL */
  readonly refreshInterval?: string;
}

/**
 * VSO apps name no Vault address: their VaultAuth uses the operator's default VaultConnection,
 * which the environment's chart release points at the environment's Vault.
 */
export interface VsoDeliveryModel extends AppDeliveryModel {
  /** @default - none */
  readonly rolloutRestartTargets?: readonly RolloutRestartTarget[];
  /** Dynamic PostgreSQL credentials `<mount>/creds/<role>`. @default - none */
  readonly postgres?: { readonly mountPath: string; readonly role: string; readonly secretName: string };
}

export interface EsoDeliveryModel extends AppDeliveryModel {
  /** Address of the environment's Vault. */
  readonly vaultAddress: string;
  /** Secret in the app's namespace holding the Vault CA as `ca.crt`. @default - system CAs */
  readonly vaultCaSecret?: string;
}

function deliveryError(appName: string, field: string, value: unknown, expected: string): Error {
  return new Error(invalidDelivery(appName, field, value, expected));
}

function validateCommon(m: AppDeliveryModel): void {
  if (m.serviceAccount.namespace !== m.namespace) {
    throw deliveryError(
      m.appName,
      'namespace',
      m.namespace,
      `differs from the ServiceAccount's namespace '${m.serviceAccount.namespace}': VaultAuth and SecretStore can only use a ServiceAccount of their own namespace; deliver into '${m.serviceAccount.namespace}'`,
    );
  }
  if (!isDns1123Label(m.namespace)) throw deliveryError(m.appName, 'namespace', m.namespace, 'must be a DNS-1123 label');
  const refresh = m.refreshInterval ?? DEFAULT_REFRESH_INTERVAL;
  if (!OPERATOR_DURATION.test(refresh)) throw deliveryError(m.appName, 'refreshInterval', refresh, OPERATOR_DURATION_RULE);
  if (m.secrets.length === 0) throw deliveryError(m.appName, 'secrets', [], 'must list at least the app config');
}

function validateRestartTargets(appName: string, targets: readonly RolloutRestartTarget[]): void {
  targets.forEach((t, i) => {
    if (!(RESTART_TARGET_KINDS as readonly string[]).includes(t.kind)) {
      throw deliveryError(appName, `rolloutRestartTargets[${i}].kind`, t.kind, `is not a kind the Vault Secrets Operator can restart; use one of ${RESTART_TARGET_KINDS.join(', ')}`);
    }
  });
}

function labels(appName: string): Record<string, string> {
  return { 'app.kubernetes.io/part-of': appName, 'app.kubernetes.io/managed-by': 'vault-platform' };
}

/** Metadata of an object the platform creates for an app: in the app's namespace, labelled as the app's. */
function metadata(m: AppDeliveryModel, name: string): KubernetesObject['metadata'] {
  return { name, namespace: m.namespace, labels: labels(m.appName) };
}

function serviceAccountObjects(m: AppDeliveryModel): KubernetesObject[] {
  if (!m.serviceAccount.create) return [];
  return [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(m, m.serviceAccount.name) }];
}

/**
 * ServiceAccount, VaultAuth, one VaultStaticSecret per delivered secret, and a VaultDynamicSecret
 * for Postgres.
 *
 * The VaultAuth names no `vaultConnectionRef`: VSO then uses the VaultConnection `default` in the
 * operator's namespace (the CRD's documented fallback, resolved the same way in every release),
 * which the chart creates from `defaultVaultConnection` (stacks/secret-operators.ts). One connection
 * per environment, none per app, and no app object names another namespace's connection. The
 * connection carries only the address and the CA: logins still use the app's own ServiceAccount
 * and role, and the chart's default VaultAuth stays off.
 */
export function vsoObjects(m: VsoDeliveryModel): KubernetesObject[] {
  validateCommon(m);
  const restartTargets = m.rolloutRestartTargets ?? [];
  validateRestartTargets(m.appName, restartTargets);
  const restart = restartTargets.length > 0 ? { rolloutRestartTargets: restartTargets.map((t) => ({ kind: t.kind, name: t.name })) } : {};
  const objects: KubernetesObject[] = [
    ...serviceAccountObjects(m),
    {
      apiVersion: VSO_API_VERSION,
      kind: 'VaultAuth',
      metadata: metadata(m, m.appName),
      spec: {
        method: 'kubernetes',
        mount: m.kubernetesAuth.mountPath,
        kubernetes: { role: m.kubernetesAuth.role, serviceAccount: m.serviceAccount.name, audiences: [m.kubernetesAuth.audience] },
      },
    },
  ];
  for (const secret of m.secrets) {
    objects.push({
      apiVersion: VSO_API_VERSION,
      kind: 'VaultStaticSecret',
      metadata: metadata(m, secret.secretName),
      spec: {
        vaultAuthRef: m.appName,
        type: 'kv-v2',
        mount: m.kvMountPath,
        path: secret.kvPath,
        refreshAfter: m.refreshInterval ?? DEFAULT_REFRESH_INTERVAL,
        // Change detection compares HMACs, never plaintext; restarts depend on it.
        hmacSecretData: true,
        // create: VSO owns the Secret; overwrite false: never take over a Secret someone else made.
        destination: { name: secret.secretName, create: true, overwrite: false, labels: labels(m.appName) },
        ...restart,
      },
    });
  }
  if (m.postgres) {
    objects.push({
      apiVersion: VSO_API_VERSION,
      kind: 'VaultDynamicSecret',
      metadata: metadata(m, m.postgres.secretName),
      spec: {
        vaultAuthRef: m.appName,
        mount: m.postgres.mountPath,
        path: `creds/${m.postgres.role}`,
        renewalPercent: DYNAMIC_RENEWAL_PERCENT,
        // Deleting the resource revokes the lease, so the database login disappears with it.
        // Revoking needs sys/leases/revoke, which the app's policy must not have: Vault cannot limit it
        // to the app's own leases by path. The login expires at its TTL instead.
        revoke: false,
        destination: { name: m.postgres.secretName, create: true, overwrite: false, labels: labels(m.appName) },
        ...restart,
      },
    });
  }
  return objects;
}

/**
 * ServiceAccount, a namespaced SecretStore and one ExternalSecret per delivered secret.
 *
 * A SecretStore rather than a ClusterSecretStore: an ExternalSecret in any namespace may reference a
 * ClusterSecretStore, so one store logged in as app A would hand A's secrets to every namespace. A
 * SecretStore is usable only from its own namespace and logs in with that namespace's ServiceAccount,
 * which Vault binds to exactly one role.
 */
export function esoObjects(m: EsoDeliveryModel): KubernetesObject[] {
  validateCommon(m);
  const objects: KubernetesObject[] = [
    ...serviceAccountObjects(m),
    {
      apiVersion: ESO_API_VERSION,
      kind: 'SecretStore',
      metadata: metadata(m, m.appName),
      spec: {
        provider: {
          vault: {
            server: m.vaultAddress,
            path: m.kvMountPath,
            version: 'v2',
            ...(m.vaultCaSecret ? { caProvider: { type: 'Secret', name: m.vaultCaSecret, key: CA_CERT_KEY } } : {}),
            auth: {
              kubernetes: {
                mountPath: m.kubernetesAuth.mountPath,
                role: m.kubernetesAuth.role,
                serviceAccountRef: { name: m.serviceAccount.name, audiences: [m.kubernetesAuth.audience] },
              },
            },
          },
        },
      },
    },
  ];
  for (const secret of m.secrets) {
    objects.push({
      apiVersion: ESO_API_VERSION,
      kind: 'ExternalSecret',
      metadata: metadata(m, secret.secretName),
      spec: {
        refreshInterval: m.refreshInterval ?? DEFAULT_REFRESH_INTERVAL,
        secretStoreRef: { kind: 'SecretStore', name: m.appName },
        // Owner: the Secret is garbage-collected with the ExternalSecret that made it.
        target: { name: secret.secretName, creationPolicy: 'Owner' },
        dataFrom: [{ extract: { key: secret.kvPath } }],
      },
    });
  }
  return objects;
}
