// An app team's own cdktf stack. It runs as the app's CI identity: role `gitea_cicd_invoicing` with
// policy `invoicing-ops`, which the platform creates from the app's entry in config/lab.yaml. So it
// manages only what that policy allows, the app's own secrets under kvv2/invoicing/; policies, roles,
// mounts and auth methods stay in the platform's stacks.
//   npx tsx examples/app-team-stack.ts   (writes cdktf.out.example/)
import { KvSecretV2 } from '@cdktf/provider-vault/lib/kv-secret-v2';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { App, Aspects, LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { KvV2Mount } from '../constructs';
import { LeastPrivilegeRules } from '../rules';

/** Bump it in a reviewed commit when the config values change: only a new version writes them. */
const CONFIG_VERSION = 1;

export class InvoicingSecretsStack extends TerraformStack {
  /** `kvv2/invoicing/config`, which the operator delivers as the Secret `invoicing-config`. */
  public readonly config: KvSecretV2;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    // Logs in with the forge's OIDC token, which the provider reads from TERRAFORM_VAULT_AUTH_JWT
    // (hashicorp/terraform-provider-vault internal/provider/auth_jwt.go): no Vault token anywhere.
    // The role's token lives for one job already, so the provider uses it as it is instead of
    // minting a child token, which invoicing-ops does not allow (skip_child_token;
    // internal/provider/meta.go).
    new VaultProvider(this, 'vault', {
      address: 'https://vault.lab.example.net:8200',
      authLoginJwt: [{ mount: 'gitea-actions', role: 'gitea_cicd_invoicing' }],
      skipChildToken: true,
    });
    new LocalBackend(this, { path: `../../../state/${id}.tfstate` });
    // The platform's least-privilege rules (docs/security.md); the platform's stacks audit this Vault.
    Aspects.of(this).add(new LeastPrivilegeRules({ auditedVaults: ['https://vault.lab.example.net:8200'] }));

    const kv = KvV2Mount.fromMountPath(this, 'Kvv2', 'kvv2');

    // The values, as JSON, from a forge secret in TF_VAR_invoicing_config. `ephemeral` (Terraform
    // >= 1.10; cdktf 0.21 has no option for it) lets only write-only attributes take them, so they
    // reach neither the plan nor the state.
    const values = new TerraformVariable(this, 'invoicing_config', {
      type: 'string',
      sensitive: true,
      description: 'JSON object of the keys of kvv2/invoicing/config',
    });
    values.addOverride('ephemeral', true);

    // data_json_wo is write-only (provider 5.0.0, its CHANGELOG.md): Vault gets the values, Terraform
    // keeps only the version, and with disable_read no plan reads them back. invoicing-ops writes but
    // never deletes, so Terraform refuses a destroy at plan; to stop managing the secret, drop it
    // with a `removed` block (destroy = false).
    this.config = new KvSecretV2(this, 'Config', {
      mount: kv.mountPath,
      name: 'invoicing/config',
      dataJsonWo: values.stringValue,
      dataJsonWoVersion: CONFIG_VERSION,
      disableRead: true,
      lifecycle: { preventDestroy: true },
    });
  }
}

if (require.main === module) {
  const app = new App({ outdir: 'cdktf.out.example' });
  new InvoicingSecretsStack(app, 'invoicing');
  app.synth();
}
