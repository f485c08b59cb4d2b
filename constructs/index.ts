// The public construct library: what an app team imports.
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
export * from './audit-device';
export * from './bootstrap-pki';
export * from './infra-secret-consumer';
export * from './transit-unseal-master';
export * from './vault-release';
export * from './vault-server-config';
