import { KubernetesAuthBackendRole } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-role';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { invalidProp, requireLiteral, ttlOrder } from './private/errors';
import { isDns1123Label } from './names';
import { IKubernetesAuthBackend } from './kubernetes-auth-backend';
import { IVaultPolicy } from './vault-policy';

/** Properties of a {@link KubernetesAuthRole}. */
export interface KubernetesAuthRoleProps {
  /** The auth backend the role lives in. */
  readonly backend: IKubernetesAuthBackend;
  /** Role name pods log in with. */
  readonly roleName: string;
  /** Exact ServiceAccount names allowed to log in; wildcards are refused. */
  readonly serviceAccountNames: readonly string[];
  /** Exact namespaces of those ServiceAccounts; wildcards are refused. */
  readonly namespaces: readonly string[];
  /** Policies attached to the issued token. */
  readonly policies: readonly IVaultPolicy[];
  /** Audience the ServiceAccount token must carry (Vault checks the `aud` claim). @default 'vault' */
  readonly audience?: string;
  /** Token TTL in seconds. @default 3600 */
  readonly tokenTtl?: number;
  /**
   * Periodic tokens: renewable forever by their holder, revoked as soon as the holder stops
   * renewing. Right for long-running clients such as the Vault Secrets Operator.
   * @default - not periodic
   */
  readonly tokenPeriod?: number;
  /** Hard ceiling on renewals, in seconds. @default - the mount's max TTL */
  readonly tokenMaxTtl?: number;
}

/** A Kubernetes auth role bound to exact ServiceAccounts in exact namespaces. */
export class KubernetesAuthRole extends Construct {
  /** Role name pods log in with. */
  public readonly roleName: string;
  /** Mount path of the Kubernetes auth method the role lives in. */
  public readonly backendPath: string;
  /** ServiceAccount names allowed to log in. */
  public readonly serviceAccountNames: readonly string[];
  /** Namespaces of those ServiceAccounts. */
  public readonly namespaces: readonly string[];
  /** Audience the ServiceAccount token must carry. */
  public readonly audience: string;
  /** The `vault_kubernetes_auth_backend_role` resource. */
  public readonly resource: KubernetesAuthBackendRole;

  public constructor(scope: Construct, id: string, props: KubernetesAuthRoleProps) {
    super(scope, id);
    const name = 'KubernetesAuthRole';
    requireLiteral(name, 'roleName', props.roleName);
    requireExactNames(name, 'serviceAccountNames', props.serviceAccountNames);
    requireExactNames(name, 'namespaces', props.namespaces);
    if (props.policies.length === 0) {
      throw new Error(invalidProp(name, 'policies', [], 'must name at least one policy; a token with only `default` is useless'));
    }
    const tokenTtl = props.tokenTtl ?? 3600;
    requirePositive(name, 'tokenTtl', tokenTtl);
    if (props.tokenPeriod !== undefined) requirePositive(name, 'tokenPeriod', props.tokenPeriod);
    if (props.tokenMaxTtl !== undefined) {
      requirePositive(name, 'tokenMaxTtl', props.tokenMaxTtl);
      if (!Token.isUnresolved(props.tokenMaxTtl) && !Token.isUnresolved(tokenTtl) && props.tokenMaxTtl < tokenTtl) throw new Error(ttlOrder(name, 'tokenMaxTtl', props.tokenMaxTtl, 'tokenTtl', tokenTtl));
    }
    const audience = props.audience ?? 'vault';
    if (!Token.isUnresolved(audience) && audience.trim() === '') throw new Error(invalidProp(name, 'audience', audience, 'must be a non-empty audience, e.g. "vault"'));

    this.roleName = props.roleName;
    this.backendPath = props.backend.mountPath;
    this.serviceAccountNames = [...props.serviceAccountNames];
    this.namespaces = [...props.namespaces];
    this.audience = audience;
    this.resource = new KubernetesAuthBackendRole(this, 'Resource', {
      backend: props.backend.backendPath,
      roleName: props.roleName,
      boundServiceAccountNames: this.serviceAccountNames.slice(),
      boundServiceAccountNamespaces: this.namespaces.slice(),
      audience,
      tokenPolicies: props.policies.map((p) => p.policyName),
      tokenTtl,
      tokenPeriod: props.tokenPeriod,
      tokenMaxTtl: props.tokenMaxTtl,
    });
  }
}

function requireExactNames(construct: string, prop: string, values: readonly string[]): void {
  if (Token.isUnresolved(values)) return;
  if (values.length === 0) throw new Error(invalidProp(construct, prop, values, 'must list at least one exact name'));
  for (const v of values) {
    if (!Token.isUnresolved(v) && !isDns1123Label(v)) {
      throw new Error(invalidProp(construct, prop, values, `has ${JSON.stringify(v)}: each entry must be an exact DNS-1123 name, no '*' or globs`));
    }
  }
}

function requirePositive(construct: string, prop: string, value: number): void {
  if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value <= 0)) throw new Error(invalidProp(construct, prop, value, 'must be a whole number of seconds > 0'));
}
