import { z } from 'zod';
import { appDeliveryFields, environmentDeliverySchema } from './schema-delivery';
import { appCiSchema, checkCiOidc, ciOidcExtraShape, labCiSchema } from './schema-ci';
import { policyRulesSchema } from './schema-rules';
import { appPostgresSchema, postgresClusterSchema } from './schema-postgres';
import { APP_NAME_MAX_LENGTH, APP_NAME_PATTERN, APP_NAME_RULE, RESERVED_APP_NAME_SUFFIXES } from '../constructs/names';
import { dnsLabel, notReserved, projectRelativePath, repository, singleLine, uniqueList, url } from './fields';
import { OPERATOR_NAMESPACES, RESERVED_APP_NAMES } from './platform-names';
import { appSecretContractSchema } from './schema-secret-contract';
import { qnapBootstrapSchema, vaultServerSchema } from './schema-bootstrap';
import { shardingSchema } from './schema-shards';
import { qnapSnapshotsSchema } from './schema-snapshots';
import { adoptionSchema } from './schema-adoption';
import { terraformSettingsSchema } from './schema-engine';
import { operatorsSchema } from './schema-operators';
import { mainInfraSecretsSchema } from './schema-infra-migration';

/**
 * The lab configuration: one YAML file (`config/lab.yaml`, or the file `LAB_CONFIG` names).
 * Every object is strict, so a typo in a key is an error, not a silently ignored setting.
 * No secret value ever belongs here: tokens, passwords and connection strings come from the
 * environment of whoever runs Terraform.
 */

const stackKeyPrefix = z
  .string()
  .max(200, { message: 'must be at most 200 characters (S3 keys are at most 1024 bytes with the stack name)' })
  .regex(/^[a-z0-9][a-z0-9_\-/]*$/, { message: "must be lowercase letters, digits, '_', '-' or '/'" });

/**
 * Where Terraform keeps the state of an environment's stacks. Each stack of the environment gets its
 * own state (its own file, key or schema). Credentials never go here: the `pg` backend reads
 * `PG_CONN_STR`, the `s3` backend reads `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`.
 */
export const stateBackendSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('local'),
    /** Folder for the state files, relative to the project root. @default 'state' */
    directory: projectRelativePath('state').optional(),
  }),
  z.strictObject({
    type: z.literal('pg'),
    /** Schema name prefix; the stack name is appended. @default 'vault_platform' */
    schemaPrefix: z
      .string()
      .max(40, { message: 'must be at most 40 characters (the stack name is appended; PostgreSQL truncates identifiers at 63)' })
      .regex(/^[a-z_][a-z0-9_]*$/, { message: 'must be a lowercase SQL identifier' })
      .optional(),
  }),
  z.strictObject({
    type: z.literal('s3'),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$/, { message: 'must be a valid bucket name' }),
    /** Key prefix; `<prefix>/<stack>.tfstate`. @default 'vault-platform' */
    keyPrefix: stackKeyPrefix.optional(),
    region: singleLine('an S3 region', 64),
    /** S3-compatible endpoint (MinIO, Garage…). @default - AWS */
    endpoint: url('the S3 endpoint', 'http(s)', 'https://s3.lab.example.net:9000').optional(),
    /** @default false */
    usePathStyle: z.boolean().optional(),
  }),
]);

export const vaultEndpointSchema = z.strictObject({
  /** Address of the Vault API, e.g. https://vault.lab.example.net:8200. */
  address: url('the Vault API', 'http(s)', 'https://vault.lab.example.net:8200'),
  /**
   * Allows an `http://` address. Only the bootstrap (qnap) Vault may set it, and synthesis warns.
   * @default false
   */
  allowInsecureHttp: z.boolean().optional(),
  /**
   * The private CA this Vault's certificate chains to, as a PEM file inside the project (public: it
   * is copied into the output). The Vault provider, and for the QNAP Vault every VaultConnection and
   * the main Vault's transit seal, trust it (config/vault-ca.ts, docs/bootstrap.md).
   * @default - the system trust store (of the machine running Terraform, and of each pod)
   */
  caCert: z.strictObject({ file: projectRelativePath('config/qnap-ca.pem') }).optional(),
});

export const kubernetesSchema = z.strictObject({
  /** kubeconfig context the cluster stacks use (the kubeconfig file comes from KUBE_CONFIG_PATH). */
  context: singleLine('a kubeconfig context name', 253),
  /** Kubernetes API address as Vault's kubernetes auth reaches it (in-cluster for the main Vault). */
  apiHost: url('the Kubernetes API', 'https', 'https://kubernetes.default.svc:443'),
});

export const ciOidcSchema = z.strictObject({
  /** Issuer of the forge's Actions OIDC tokens, e.g. https://git.lab.example.net/api/actions. */
  issuer: url('the OIDC issuer', 'https', 'https://git.lab.example.net/api/actions'),
  /** Audiences a CI token must carry; Vault roles bind them. */
  audiences: uniqueList(singleLine('an audience', 255), 16).min(1, { message: 'must list at least one audience' }),
  ...ciOidcExtraShape,
}).superRefine(checkCiOidc);


export const clusterEnvironmentSchema = z.strictObject({
  vault: vaultEndpointSchema,
  kubernetes: kubernetesSchema,
  ci: z.strictObject({ oidc: ciOidcSchema }),
  /** PostgreSQL clusters by name; apps refer to them by that name in every environment. */
  postgres: z.strictObject({ clusters: z.record(dnsLabel, postgresClusterSchema) }).optional(),
  /** @default { type: local } */
  state: stateBackendSchema.optional(),
  /** How delivery objects reach the cluster (Terraform or GitOps files). @default { mode: terraform } */
  delivery: environmentDeliverySchema.optional(),
  /** The Vault helm release in this cluster (config/schema-bootstrap.ts). */
  vaultServer: vaultServerSchema,
  /** Objects that already exist on this Vault, imported instead of created (config/schema-adoption.ts). @default - none */
  adopt: adoptionSchema.optional(),
  /** How people log in through the forge's OIDC, and what they may do (config/schema-operators.ts). @default - no human login */
  operators: operatorsSchema.optional(),
  /** Main only: the KV v2 engine infrastructure secrets move to from the QNAP Vault (config/schema-infra-migration.ts). @default - none: they stay on the QNAP */
  infraSecrets: mainInfraSecretsSchema.optional(),
});

export const qnapEnvironmentSchema = z.strictObject({
  vault: vaultEndpointSchema,
  /** What the bootstrap Vault serves the main cluster (config/schema-bootstrap.ts). */
  bootstrap: qnapBootstrapSchema,
  /** The token role of the NAS's raft snapshot timer (config/schema-snapshots.ts). @default - none */
  snapshots: qnapSnapshotsSchema.optional(),
  /** Objects that already exist on this Vault, imported instead of created (config/schema-adoption.ts). @default - none */
  adopt: adoptionSchema.optional(),
  /** @default { type: local } */
  state: stateBackendSchema.optional(),
});

export const appSchema = z.strictObject({
  /** Vault role and policy name, Kubernetes label and PostgreSQL role stem. */
  name: notReserved(
    z
      .string()
      .max(APP_NAME_MAX_LENGTH, { message: APP_NAME_RULE })
      .regex(APP_NAME_PATTERN, { message: APP_NAME_RULE })
      .regex(new RegExp(`^(?!.*(${RESERVED_APP_NAME_SUFFIXES.join('|')})$)`), { message: APP_NAME_RULE }),
    RESERVED_APP_NAMES,
    'rename the app',
  ),
  /** Kubernetes namespace of the app's workloads (never a secret operator's). */
  namespace: notReserved(dnsLabel, OPERATOR_NAMESPACES, "run the app in a namespace of its own (the operators' ServiceAccounts live there)"),
  /** ServiceAccount the app's pods run as. @default - the app name */
  serviceAccount: dnsLabel.optional(),
  /** The Gitea/Forgejo repository (`owner/repo`) whose CI may manage the app's secrets. */
  repository,
  /** How secrets reach the pods: Vault Secrets Operator or External Secrets Operator. */
  delivery: z.enum(['vso', 'eso']),
  /** Dynamic PostgreSQL credentials at `postgres/creds/<app>`. @default - none */
  postgres: appPostgresSchema.optional(),
  ...appDeliveryFields,
  /** The app's CI role `gitea_cicd_<app>` (config/schema-ci.ts). @default - main branch of `repository` */
  ci: appCiSchema.optional(),
  /** Secrets from a hostk8s SecretContract, generated without passing through Terraform state. @default - none */
  secretContract: appSecretContractSchema.optional(),
});

export const labConfigSchema = z.strictObject({
  environments: z.strictObject({
    qnap: qnapEnvironmentSchema,
    main: clusterEnvironmentSchema,
    sandbox: clusterEnvironmentSchema,
  }),
  apps: z.array(appSchema),
  /** This project's own CI (config/schema-ci.ts). @default - no platform CI role, no workflows */
  ci: labCiSchema.optional(),
  /** Least-privilege rule pack settings (token TTL ceilings). @default - built-in ceilings */
  policy: policyRulesSchema.optional(),
  /** Split the apps over several stacks and states (docs/sharding.md). @default - all apps in the environment stack */
  sharding: shardingSchema.optional(),
  /** The CLI that plans and applies the stacks, Terraform or OpenTofu (config/schema-engine.ts). @default - terraform */
  terraform: terraformSettingsSchema.optional(),
});

export { appPostgresSchema, postgresClusterSchema };

export type LabConfig = z.infer<typeof labConfigSchema>;
export type AppConfig = z.infer<typeof appSchema>;
export type ClusterEnvironmentConfig = z.infer<typeof clusterEnvironmentSchema>;
export type QnapEnvironmentConfig = z.infer<typeof qnapEnvironmentSchema>;
export type StateBackendConfig = z.infer<typeof stateBackendSchema>;
export type VaultEndpointConfig = z.infer<typeof vaultEndpointSchema>;
export type PostgresClusterConfig = z.infer<typeof postgresClusterSchema>;
/** The environments that run a Kubernetes cluster with a Vault inside. */
export type ClusterEnvironmentName = 'main' | 'sandbox';
export const CLUSTER_ENVIRONMENTS: readonly ClusterEnvironmentName[] = ['main', 'sandbox'];
