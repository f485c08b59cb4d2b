/**
 * The construct library, imported from `vault-platform`: L2 constructs for Vault mounts, policies, auth
 * roles, app secrets and their delivery, with their props and interfaces.
 *
 * @module vault-platform
 */

// The public construct library: what an app team imports.
//
// One naming rule across the constructs:
// - A prop or attribute holding a literal Vault string is named for the thing and its kind:
//   `mountPath`, `devicePath`, `policyName`, `roleName`, `keyName`, `connectionName`, `appName`.
//   Policies, reports and delivery files are built from them at synthesis, so they refuse a Terraform
//   reference; every other prop check skips one (`Token.isUnresolved`) and leaves it to Terraform.
// - A prop taking another construct is named for the object (`kv`, `mount`, `backend`, `connection`,
//   `kubernetesAuth`, `policies`) and typed by its interface (`IKvV2Mount`, `IVaultPolicy[]`), so an
//   owned construct and an import (`KvV2Mount.fromMountPath`, `VaultPolicy.fromPolicyName`, ...) are
//   interchangeable.
// - The string a child resource puts in its `backend` argument is a Terraform reference when the
//   stack owns the mount, so Terraform creates the mount first: `backend` on secrets engines,
//   `backendPath` on auth methods (whose `backend` is the resource). On an import it is the path.
// - `node.defaultChild` is an L2 construct's main resource (for overrides and rule suppressions);
//   modules that compose several (AppSecretsModule, InfraSecretConsumer, the deliveries) have none.
//   A child with id `Resource` is found without setting it (aws/constructs src/construct.ts,
//   `Node.defaultChild`); constructs whose main resource has another id (`Mount`, `Key`, ...) set it.
// - A renamed prop keeps its old name as a deprecated alias (`path` became `mountPath`).
//
// The public API is what this file names: one line per module, sorted by module path. Anything else
// (helpers such as quoteIdent, and everything in private/) is internal and may change in any release.
// api/vault-platform.api.md lists every export with its signature; after an intended API change run
// `npm run api-report` (a test fails while the report and this file disagree).
export { AppDelivery, type AppDeliveryProps } from './app-delivery';
export { AppSecretsModule, type AppSecretsModuleProps, type DeliveredSecret } from './app-secrets-module';
export { AuditDevice, type AuditDeviceProps, type IAuditDevice } from './audit-device';
export { BootstrapPki, type BootstrapPkiProps, type IBootstrapPki } from './bootstrap-pki';
export { BreakGlassLogin, type BreakGlassLoginProps } from './break-glass-login';
export { type ChartPin, ESO_CHART, VAULT_CHART, VSO_CHART } from './charts';
export { CI_CLAIM_PROFILES, type CiClaimNames, type CiClaimProfile, type CiClaimProfileName } from './ci-claim-profiles';
export { CiJwtAuthBackend, type CiJwtAuthBackendProps, type ICiJwtAuthBackend } from './ci-jwt-auth-backend';
export { ContractSecret, type ContractSecretGeneratedKey, type ContractSecretProps, type ContractSecretStaticKey } from './contract-secret';
export { DatabaseSecretsMount, type DatabaseSecretsMountProps, type IDatabaseSecretsMount } from './database-secrets-mount';
export { type KubernetesObject, RESTART_TARGET_KINDS, type RestartTargetKind, type RolloutRestartTarget } from './delivery-model';
export { EphemeralResource, type EphemeralResourceProps } from './ephemeral-resource';
export { EsoDelivery, type EsoDeliveryProps } from './eso-delivery';
export { GiteaCicdRole, type GiteaCicdRoleProps, type GiteaCicdRoleRiskAcceptance, type GiteaCicdTrigger } from './gitea-cicd-role';
export { HUMAN_LOGIN_PROFILES, type HumanLoginProfile, type HumanLoginProfileName } from './human-login-profiles';
export { InfraSecretConsumer, type InfraSecretConsumerProps } from './infra-secret-consumer';
export { type IKubernetesAuthBackend, KubernetesAuthBackend, type KubernetesAuthBackendProps } from './kubernetes-auth-backend';
export { KubernetesAuthRole, type KubernetesAuthRoleProps } from './kubernetes-auth-role';
export { type DeliveryOutput } from './kubernetes-objects';
export { type IKvV1Mount, KvV1Mount, type KvV1MountProps } from './kv-v1-mount';
export { type IKvV2Mount, KvV2Mount, type KvV2MountProps } from './kv-v2-mount';
export { pinVaultProviderVersion, VAULT_PROVIDER_VERSION } from './vault-provider-version';
export { type IOidcAuthBackend, OIDC_CLI_REDIRECT_URI, OIDC_DEFAULT_MOUNT_PATH, OidcAuthBackend, type OidcAuthBackendProps } from './oidc-auth-backend';
export { OIDC_LOGIN_ROLE_DEFAULTS, OidcLoginRole, type OidcLoginRoleProps } from './oidc-login-role';
export { CAPABILITIES, type Capability, DENY, LIST, READ, READ_LIST, READ_WRITE, UPDATE } from './policy/capabilities';
export { adminRules, grantAdminAccess, grantOperatorAccess, OPERATOR_RULES } from './policy/operator-grants';
export { PolicyDocument, type PolicyRule } from './policy/policy-document';
export { grantTokenSelfCalls, LOOKUP_SELF, RENEW_SELF, REVOKE_SELF, TOKEN_SELF_CALLS } from './policy/token-self';
export { type IPostgresConnection, PostgresConnection, type PostgresConnectionProps, type PostgresSslMode } from './postgres-connection';
export { PostgresDynamicRole, type PostgresDynamicRoleProps } from './postgres-dynamic-role';
export { type PostgresAccess } from './postgres-sql';
export { RaftSnapshotCronJob, type RaftSnapshotCronJobProps, type RaftSnapshotStorage } from './raft-snapshot';
export { GENERATOR_KINDS, GeneratedValue, type GeneratedValueProps, type GeneratorKind } from './secret-generator';
export { TerraformExpression } from './terraform-expression';
export { type ITransitMount, TransitMount, type TransitMountProps } from './transit-mount';
export { TransitUnsealMaster, type TransitUnsealMasterProps } from './transit-unseal-master';
export { type PrometheusAlertRule } from './vault-alert-rules';
export { type IPolicyGrantee, type IVaultPolicy, VaultPolicy, type VaultPolicyProps } from './vault-policy';
export { type VaultExposure, type VaultHelmValues, type VaultIngressExposure, type VaultLoadBalancerExposure, VaultRelease, type VaultReleaseMonitoring, type VaultReleaseProps, type VaultTlsSecret, type VaultTransitSeal } from './vault-release';
export { type RaftRetryJoin, type TelemetryStanza, type TransitSealStanza, type VaultServerConfig } from './vault-server-config';
export { VsoDelivery, type VsoDeliveryProps } from './vso-delivery';
