import { CheckedStack } from '../rules/synthesized';
import { Construct } from 'constructs';
import { ClusterEnvironmentName, LabConfig } from '../config/schema';
import { unshardedApps } from '../config/shards';
import { AppSecretsModule } from '../constructs/app-secrets-module';
import { AUDIT_STDOUT, AuditDevice } from '../constructs/audit-device';
import { CiJwtAuthBackend } from '../constructs/ci-jwt-auth-backend';
import { KubernetesAuthBackend } from '../constructs/kubernetes-auth-backend';
import { KvV1Mount } from '../constructs/kv-v1-mount';
import { KvV2Mount } from '../constructs/kv-v2-mount';
import { TransitMount } from '../constructs/transit-mount';
import { addCiJwtAuthBackend, addPlatformCi, platformCiLogin } from './ci-platform';
import { composeApp, VaultPlatformRefs } from './compose-app';
import { addDeliveryPlatform } from './compose-delivery';
import { addPostgresEngine, PostgresEngineRefs } from './postgres-engine';
import { addStateBackend } from './state-backend';
import { applyTerraformSettings } from './terraform-settings';
import { addVaultProvider } from './vault-provider';
import { addInfraMigration, InfraMigrationRefs } from './infra-migration';
import { addRaftSnapshotRole } from './vault-snapshots';
import { addOperatorAccess } from './operator-access';
import { addBreakGlass } from './break-glass';

export interface VaultEnvironmentStackProps {
  readonly config: LabConfig;
  /** Which Vault this stack configures: `main`, or its rehearsal copy `sandbox`. */
  readonly environment: ClusterEnvironmentName;
}

/**
 * The configuration of one in-cluster Vault (`main` or `sandbox`): its engines, its Kubernetes auth
 * backend, and one `AppSecretsModule` per app. Both environments build the same constructs, so the
 * sandbox has the same role and policy names as production.
 */
export class VaultEnvironmentStack extends CheckedStack {
  public readonly environment: ClusterEnvironmentName;
  public readonly kv: KvV2Mount;
  public readonly kvV1: KvV1Mount;
  public readonly transit: TransitMount;
  public readonly kubernetesAuth: KubernetesAuthBackend;
  /** The forge's Actions OIDC issuer: CI roles of the apps and of this project. */
  public readonly ciAuth: CiJwtAuthBackend;
  /** The `postgres` database engine; undefined when no app uses PostgreSQL. */
  public readonly postgres?: PostgresEngineRefs;
  /** Apps by name. */
  public readonly apps: ReadonlyMap<string, AppSecretsModule>;
  /** Infrastructure secrets moved off the QNAP Vault (main only, with `environments.main.infraSecrets`). */
  public readonly infraSecrets?: InfraMigrationRefs;

  public constructor(scope: Construct, id: string, props: VaultEnvironmentStackProps) {
    super(scope, id);
    applyTerraformSettings(this);
    this.environment = props.environment;
    const env = props.config.environments[props.environment];
    addVaultProvider(this, env.vault, { ciLogin: platformCiLogin(props.config, props.environment) });
    addStateBackend(this, id, env.state);

    this.kv = new KvV2Mount(this, 'Kvv2', { mountPath: 'kvv2' });
    this.kvV1 = new KvV1Mount(this, 'Kv', { mountPath: 'kv' });
    this.transit = new TransitMount(this, 'Transit', { mountPath: 'transit' });
    this.kubernetesAuth = new KubernetesAuthBackend(this, 'KubernetesAuth', { kubernetesHost: env.kubernetes.apiHost });
    new AuditDevice(this, 'Audit');
    // Vault refuses a request only when no audit device takes it (hashicorp/vault audit/broker.go,
    // LogRequest): with a second sink a full or broken audit volume no longer stops Vault.
    new AuditDevice(this, 'AuditStdout', { devicePath: AUDIT_STDOUT, filePath: AUDIT_STDOUT });
    addDeliveryPlatform(this, props.config, props.environment);
    this.ciAuth = addCiJwtAuthBackend(this, props.config, props.environment);
    addPlatformCi(this, props.config, this.ciAuth);
    this.postgres = addPostgresEngine(this, props.config, props.environment);
    addRaftSnapshotRole(this, props.config, props.environment, this.kubernetesAuth);
    // Production only: the sandbox never reads the QNAP Vault.
    this.infraSecrets = props.environment === 'main' ? addInfraMigration(this, props.config, this.kubernetesAuth) : undefined;
    addOperatorAccess(this, props.config, props.environment, this.kv);
    addBreakGlass(this, props.config, props.environment);

    const platform: VaultPlatformRefs = {
      environment: props.environment,
      config: props.config,
      kv: this.kv,
      kubernetesAuth: this.kubernetesAuth,
      ciAuth: this.ciAuth,
      postgres: this.postgres,
    };
    // A namespace construct keeps app ids (`Apps/<name>/…`) apart from the platform's own.
    const appsScope = new Construct(this, 'Apps');
    const apps = new Map<string, AppSecretsModule>();
    // Sharded apps live in their shard's stack (app-shard-stack.ts).
    for (const app of unshardedApps(props.config)) apps.set(app.name, composeApp(appsScope, app, platform));
    this.apps = apps;
  }
}
