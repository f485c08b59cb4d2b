import { Policy } from '@cdktf/provider-vault/lib/policy';
import { IResolvable, Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { invalidProp, requireLiteral } from './private/errors';
import { Capability } from './policy/capabilities';
import { PolicyDocument, PolicyRule } from './policy/policy-document';
import { renderPolicyHcl } from './private/render-hcl';

/** Anything rules can be granted to: a `VaultPolicy`, or a bare `PolicyDocument`. */
export interface IPolicyGrantee {
  /**
   * Grants `capabilities` on `path` (a Vault policy path, with its `*` and `+` globs); with
   * `allowedParameters`, a create or update there may send only those parameters.
   */
  allow(path: string, capabilities: readonly Capability[], allowedParameters?: readonly string[]): unknown;
}

/**
 * A Vault ACL policy, created here (`VaultPolicy`) or already in Vault (`VaultPolicy.fromPolicyName`).
 * Roles and tokens attach it by name. Only a `VaultPolicy` takes grants: the rules of an imported
 * policy belong to whoever manages it.
 */
export interface IVaultPolicy extends IConstruct {
  /** Name of the policy in Vault: a literal, as roles' `token_policies` and the access report name it. */
  readonly policyName: string;
}

/** Properties of a {@link VaultPolicy}. */
export interface VaultPolicyProps {
  /** Name of the ACL policy in Vault (`vault policy read <name>`). */
  readonly policyName: string;
  /**
   * Rules to start with. More are added by grant methods (`kv.grantRead(policy, …)`).
   * @default - no rules; at least one must be granted before synthesis
   */
  readonly document?: PolicyDocument;
}

const POLICY_NAME = /^[a-z0-9][a-z0-9_\-.]*$/;

/**
 * A Vault ACL policy whose HCL is rendered at synthesis from the rules granted to it, so rules may
 * be added by any construct after this one is created.
 */
export class VaultPolicy extends Construct implements IVaultPolicy, IPolicyGrantee {
  /** A policy created elsewhere (another stack, or by hand), to attach to roles by name. */
  public static fromPolicyName(scope: Construct, id: string, policyName: string): IVaultPolicy {
    validatePolicyName('VaultPolicy.fromPolicyName', 'policyName', policyName);
    class Imported extends Construct implements IVaultPolicy {
      public readonly policyName = policyName;
    }
    return new Imported(scope, id);
  }

  public readonly policyName: string;
  /** The `vault_policy` resource. */
  public readonly resource: Policy;
  private readonly document: PolicyDocument;

  public constructor(scope: Construct, id: string, props: VaultPolicyProps) {
    super(scope, id);
    validatePolicyName('VaultPolicy', 'policyName', props.policyName);
    this.policyName = props.policyName;
    this.document = new PolicyDocument(props.document?.rules ?? []);
    this.resource = new Policy(this, 'Resource', {
      name: props.policyName,
      policy: Token.asString(new RenderedPolicy(this.document)),
    });
  }

  /** Grants `capabilities` on `path`, limited to `allowedParameters` when given; the rules are rendered to HCL at synthesis. */
  public allow(path: string, capabilities: readonly Capability[], allowedParameters?: readonly string[]): this {
    this.document.allow(path, capabilities, allowedParameters);
    return this;
  }

  /** A copy of the rules granted so far. */
  public get rules(): PolicyRule[] {
    return this.document.rules;
  }
}

function validatePolicyName(construct: string, prop: string, value: string): void {
  requireLiteral(construct, prop, value);
  if (!POLICY_NAME.test(value) || value === 'root' || value === 'default') {
    throw new Error(invalidProp(construct, prop, value, "must be lowercase letters, digits, '_', '-' or '.', and not 'root' or 'default'"));
  }
}

/**
 * The policy's HCL, rendered when Terraform JSON is produced. Unlike `Lazy.stringValue`, it records
 * no creation stack trace: capturing one per policy was most of the construction time of a large
 * fleet (see docs/performance.md), and a rendering error names the policy path anyway.
 */
class RenderedPolicy implements IResolvable {
  public readonly creationStack: string[] = [];

  public constructor(private readonly document: PolicyDocument) {}

  public resolve(): string {
    return renderPolicyHcl(this.document.rules);
  }

  public toString(): string {
    return Token.asString(this);
  }
}
