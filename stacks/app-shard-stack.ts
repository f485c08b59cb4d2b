import { App } from 'cdktf';
import { CheckedStack } from '../rules/synthesized';
import { Construct } from 'constructs';
import { AppConfig, ClusterEnvironmentName, LabConfig } from '../config/schema';
import { assignShards, shardStackName } from '../config/shards';
import { AppSecretsModule } from '../constructs/app-secrets-module';
import { KubernetesAuthBackend } from '../constructs/kubernetes-auth-backend';
import { KvV2Mount } from '../constructs/kv-v2-mount';
import { CiJwtAuthBackend } from '../constructs/ci-jwt-auth-backend';
import { DatabaseSecretsMount } from '../constructs/database-secrets-mount';
import { IPostgresConnection } from '../constructs/postgres-connection';
import { platformCiLogin } from './ci-platform';
import { addDeliveryPlatform } from './compose-delivery';
import { PostgresEngineRefs } from './postgres-engine';
import { composeApp, VaultPlatformRefs } from './compose-app';
import { addStateBackend } from './state-backend';
import { applyTerraformSettings } from './terraform-settings';
import { VaultEnvironmentStack } from './vault-environment-stack';
import { addVaultProvider } from './vault-provider';

export interface AppShardStackProps {
  readonly config: LabConfig;
  /** The environment stack that owns the engines and auth backends the apps live in. */
  readonly platform: VaultEnvironmentStack;
  /** Shard name, the last part of the stack name. */
  readonly shard: string;
  /** The apps of this shard. */
  readonly apps: readonly AppConfig[];
}

/**
 * One shard of an environment's apps (`main-apps-<shard>`): its own Vault provider and its own
 * state, deployed after the environment stack. The engines are imported by path rather than
 * referenced across stacks, so planning a shard reads no other state. Apps keep the construct path
 * `Apps/<name>/…` they have in the environment stack, hence the same resource addresses.
 */
export class AppShardStack extends CheckedStack {
  public readonly environment: ClusterEnvironmentName;
  public readonly shard: string;
  /** Apps by name. */
  public readonly apps: ReadonlyMap<string, AppSecretsModule>;

  public constructor(scope: Construct, id: string, props: AppShardStackProps) {
    super(scope, id);
    applyTerraformSettings(this);
    this.environment = props.platform.environment;
    this.shard = props.shard;
    const env = props.config.environments[this.environment];
    addVaultProvider(this, env.vault, { ciLogin: platformCiLogin(props.config, this.environment) });
    addDeliveryPlatform(this, props.config, this.environment);
    addStateBackend(this, id, env.state);
    this.addDependency(props.platform);

    // Every field of VaultPlatformRefs that names a platform object is imported here by path
    // (never a cross-stack reference, which would add a remote-state read to every plan).
    const imports = new Construct(this, 'Platform');
    const platform: VaultPlatformRefs = {
      environment: this.environment,
      config: props.config,
      kv: KvV2Mount.fromMountPath(imports, 'Kvv2', props.platform.kv.mountPath),
      kubernetesAuth: KubernetesAuthBackend.fromMountPath(imports, 'KubernetesAuth', props.platform.kubernetesAuth.mountPath),
      ciAuth: CiJwtAuthBackend.fromMountPath(imports, 'CiAuth', props.platform.ciAuth.mountPath, props.platform.ciAuth.audiences, props.platform.ciAuth.claims),
      postgres: props.platform.postgres && importPostgresEngine(imports, props.platform.postgres),
    };
    const appsScope = new Construct(this, 'Apps');
    const apps = new Map<string, AppSecretsModule>();
    for (const app of props.apps) apps.set(app.name, composeApp(appsScope, app, platform));
    this.apps = apps;
  }
}

/**
 * The environment's database engine as a shard stack sees it: mount and connections by name. A
 * shard's roles are still added to the real connection's `allowed_roles`, which lives (and is
 * applied) in the environment stack.
 */
function importPostgresEngine(scope: Construct, engine: PostgresEngineRefs): PostgresEngineRefs {
  const mount = DatabaseSecretsMount.fromMountPath(scope, 'Postgres', engine.mount.mountPath);
  const connections = new Map<string, IPostgresConnection>();
  for (const [cluster, connection] of engine.connections) {
    connections.set(cluster, { mount, connectionName: connection.connectionName, allowRole: (role) => connection.allowRole(role) });
  }
  return { mount, connections };
}

/** Adds the shard stacks of one environment (none unless the config shards). */
export function addAppShardStacks(scope: Construct, config: LabConfig, platform: VaultEnvironmentStack): AppShardStack[] {
  return [...assignShards(config.apps, config.sharding)].map(
    ([shard, apps]) => new AppShardStack(scope, shardStackName(platform.environment, shard), { config, platform, shard, apps }),
  );
}

/** The shard stacks of a lab app, in creation order. */
export function appShardStacks(app: App): AppShardStack[] {
  return app.node.children.filter((c): c is AppShardStack => c instanceof AppShardStack);
}
