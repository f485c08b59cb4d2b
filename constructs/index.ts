// The public construct library: what an app team imports.
//
// One naming rule across the constructs:
// - A prop or attribute holding a literal Vault string is named for the thing and its kind:
//   `mountPath`, `devicePath`, `policyName`, `roleName`, `keyName`, `connectionName`, `appName`.
//   Policies, reports and workflow files are built from them.
// - A prop taking another construct is named for the object (`kv`, `mount`, `backend`, `connection`,
//   `kubernetesAuth`, `policies`) and typed by its interface (`IKvV2Mount`, `IVaultPolicy[]`), so an
//   owned construct and an import (`KvV2Mount.fromMountPath`, `VaultPolicy.fromPolicyName`, ...) are
//   interchangeable.
// - The string a child resource puts in its `backend` argument is a Terraform reference when the
//   stack owns the mount, so Terraform creates the mount first: `backend` on secrets engines,
//   `backendPath` on auth methods (whose `backend` is the resource). On an import it is the path.
// - `node.defaultChild` is a construct's main resource (for overrides and rule suppressions).
// - A renamed prop keeps its old name as a deprecated alias (`path` became `mountPath`).
export * from './app-secrets-module';
export * from './kubernetes-auth-backend';
export * from './kubernetes-auth-role';
export * from './kv-v1-mount';
export * from './kv-v2-mount';
export * from './transit-mount';
export * from './vault-policy';
export * from './policy/capabilities';
export * from './policy/policy-document';
export * from './policy/render-hcl';
export * from './policy/token-self';
export * from './audit-device';
export * from './delivery-model';
export * from './kubernetes-objects';
export * from './app-delivery';
export * from './vso-delivery';
export * from './eso-delivery';
export * from './ci-claim-profiles';
export * from './ci-jwt-auth-backend';
export * from './gitea-cicd-role';
export * from './database-secrets-mount';
export * from './postgres-connection';
export * from './postgres-dynamic-role';
export * from './postgres-sql';
export * from './ephemeral-resource';
export * from './secret-generator';
export * from './contract-secret';
export * from './bootstrap-pki';
export * from './infra-secret-consumer';
export * from './transit-unseal-master';
export * from './vault-release';
export * from './vault-server-config';
