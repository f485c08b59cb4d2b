import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { invalidProp, requireLiteral } from './private/errors';
import { APP_NAME_RULE, isDns1123Label, isValidAppName, DNS1123_LABEL_RULE } from './names';
import { IKubernetesAuthBackend } from './kubernetes-auth-backend';
import { KubernetesAuthRole } from './kubernetes-auth-role';
import { IKvV2Mount } from './kv-v2-mount';
import { grantTokenSelfCalls, TERRAFORM_PROVIDER_SELF_CALLS } from './policy/token-self';
import { VaultPolicy } from './vault-policy';


/** Runtime tokens' renewal ceiling when neither a period nor a ceiling is given: one day. */
const DEFAULT_TOKEN_MAX_TTL_SECONDS = 86400;
/** A KV v2 secret of the app that is delivered to the app's namespace as a Kubernetes Secret. */
export interface DeliveredSecret {
  /** Path inside the KV v2 mount, e.g. `webapp/config`. */
  readonly kvPath: string;
  /** Name of the Kubernetes Secret the operator writes. */
  readonly secretName: string;
}

/** Properties of an {@link AppSecretsModule}. */
export interface AppSecretsModuleProps {
  /** The app's name: Vault role and runtime policy `<app>`, ops policy `<app>-ops`, KV prefix `<app>/`. */
  readonly appName: string;
  /** Kubernetes namespace of the app's pods. */
  readonly namespace: string;
  /** ServiceAccount the app's pods run as. @default - the app name */
  readonly serviceAccountName?: string;
  /** The KV v2 engine that holds `<app>/config`. */
  readonly kv: IKvV2Mount;
  /** The Kubernetes auth backend the app's pods log in through. */
  readonly kubernetesAuth: IKubernetesAuthBackend;
  /** Audience of the pods' ServiceAccount tokens. @default 'vault' */
  readonly audience?: string;
  /** Runtime token TTL in seconds. @default 3600 */
  readonly tokenTtl?: number;
  /**
   * Make runtime tokens periodic (seconds). Long-running clients (the Vault Secrets Operator)
   * renew them forever, so no max TTL forces every workload to restart at once.
   * @default - not periodic
   */
  readonly tokenPeriod?: number;
  /**
   * Ceiling on renewals of runtime tokens (seconds), for clients that log in afresh rather than renew
   * (External Secrets). Not with `tokenPeriod`.
   * @default - 86400 (one day, the rule pack's default ceiling) when `tokenPeriod` is not set; none with it
   */
  readonly tokenMaxTtl?: number;
}

/**
 * Everything one app needs in Vault: its KV v2 prefix `<app>/` with `<app>/config`, a runtime policy
 * `<app>` that reads its own config and nothing else, an ops policy `<app>-ops` for its CI (write,
 * never destroy; enough for the Terraform provider to run with), and a Kubernetes auth role `<app>`
 * bound to exactly its ServiceAccount.
 *
 * Other constructs widen the policies through grant methods, e.g.
 * `postgres.grantCredentials(app.runtimePolicy)`.
 */
export class AppSecretsModule extends Construct {
  /** The app's name: Vault role and runtime policy `<app>`, ops policy `<app>-ops`, KV prefix `<app>/`. */
  public readonly appName: string;
  /** Kubernetes namespace of the app's pods. */
  public readonly namespace: string;
  /** ServiceAccount the Kubernetes role is bound to. */
  public readonly serviceAccountName: string;
  /** The KV v2 engine holding the app's secrets under `<app>/`. */
  public readonly kv: IKvV2Mount;
  /** KV v2 path (inside the mount) of the app's static config. */
  public readonly configPath: string;
  /** Policy `<app>`, attached to the pods' tokens. */
  public readonly runtimePolicy: VaultPolicy;
  /** Policy `<app>-ops`, attached to the app's CI tokens. */
  public readonly opsPolicy: VaultPolicy;
  /** Kubernetes auth role `<app>`, bound to the app's ServiceAccount, with the runtime policy. */
  public readonly kubernetesRole: KubernetesAuthRole;
  private readonly delivered: DeliveredSecret[] = [];

  public constructor(scope: Construct, id: string, props: AppSecretsModuleProps) {
    super(scope, id);
    requireLiteral('AppSecretsModule', 'appName', props.appName);
    if (!isValidAppName(props.appName)) {
      throw new Error(invalidProp('AppSecretsModule', 'appName', props.appName, `must be ${APP_NAME_RULE}`));
    }
    if (!Token.isUnresolved(props.namespace) && !isDns1123Label(props.namespace)) {
      throw new Error(invalidProp('AppSecretsModule', 'namespace', props.namespace, `must be ${DNS1123_LABEL_RULE}`));
    }
    const serviceAccountName = props.serviceAccountName ?? props.appName;
    if (!Token.isUnresolved(serviceAccountName) && !isDns1123Label(serviceAccountName)) {
      throw new Error(invalidProp('AppSecretsModule', 'serviceAccountName', serviceAccountName, `must be ${DNS1123_LABEL_RULE}`));
    }

    this.appName = props.appName;
    this.namespace = props.namespace;
    this.serviceAccountName = serviceAccountName;
    this.kv = props.kv;
    this.configPath = `${props.appName}/config`;

    this.runtimePolicy = new VaultPolicy(this, 'RuntimePolicy', { policyName: props.appName });
    props.kv.grantRead(this.runtimePolicy, this.configPath);

    this.opsPolicy = new VaultPolicy(this, 'OpsPolicy', { policyName: `${props.appName}-ops` });
    props.kv.grantReadWrite(this.opsPolicy, `${props.appName}/*`);
    props.kv.grantList(this.opsPolicy, `${props.appName}/*`);
    // CI tokens carry no default policy (GiteaCicdRole), and a team's own stack runs the Terraform
    // provider with them (examples/app-team-stack.ts).
    grantTokenSelfCalls(this.opsPolicy, TERRAFORM_PROVIDER_SELF_CALLS);

    this.kubernetesRole = new KubernetesAuthRole(this, 'KubernetesRole', {
      backend: props.kubernetesAuth,
      roleName: props.appName,
      serviceAccountNames: [serviceAccountName],
      namespaces: [props.namespace],
      policies: [this.runtimePolicy],
      audience: props.audience,
      tokenTtl: props.tokenTtl,
      tokenPeriod: props.tokenPeriod,
      // Without a period or a ceiling, renewals would run to the mount's maximum (32 days by default).
      tokenMaxTtl: props.tokenMaxTtl ?? (props.tokenPeriod === undefined ? DEFAULT_TOKEN_MAX_TTL_SECONDS : undefined),
    });
    this.delivered.push({ kvPath: this.configPath, secretName: `${props.appName}-config` });
  }

  /**
   * Adds another secret under the app's prefix (`<app>/<name>`): the runtime policy may read it and
   * the delivery constructs write it to a Kubernetes Secret `secretName` in the app's namespace.
   */
  public addDeliveredSecret(name: string, secretName: string): DeliveredSecret {
    if (!isDns1123Label(name) || name === 'config') {
      throw new Error(invalidProp('AppSecretsModule.addDeliveredSecret', 'name', name, `must be ${DNS1123_LABEL_RULE}, and not 'config' (the app's own config)`));
    }
    if (!isDns1123Label(secretName) || this.delivered.some((d) => d.secretName === secretName)) {
      throw new Error(invalidProp('AppSecretsModule.addDeliveredSecret', 'secretName', secretName, `must be ${DNS1123_LABEL_RULE} and not already delivered by ${this.appName}`));
    }
    const secret = { kvPath: this.secretPath(name), secretName };
    this.kv.grantRead(this.runtimePolicy, secret.kvPath);
    this.delivered.push(secret);
    return secret;
  }

  /** The app's delivered secrets, its config first (a copy). */
  public get deliveredSecrets(): DeliveredSecret[] {
    return this.delivered.map((d) => ({ ...d }));
  }

  /** KV v2 path (inside the mount) of another secret under the app's prefix, e.g. `<app>/db-seed`. */
  public secretPath(name: string): string {
    return `${this.appName}/${name}`;
  }
}
