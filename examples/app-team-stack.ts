// An app team's own cdktf stack for a new app, against a Vault the platform already configured:
// the engines and auth backends are imported by path, the app's Vault objects are created here.
//   npx tsx examples/app-team-stack.ts   (writes cdktf.out.example/)
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { App, Aspects, LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AppSecretsModule, CiJwtAuthBackend, GiteaCicdRole, KubernetesAuthBackend, KvV2Mount } from '../constructs';
import { LeastPrivilegeRules } from '../rules/least-privilege-pack';

export class InvoicingSecretsStack extends TerraformStack {
  public readonly app: AppSecretsModule;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    // No token here: the provider reads VAULT_TOKEN (or CI's JWT login) from the environment.
    new VaultProvider(this, 'vault', { address: 'https://vault.lab.example.net:8200' });
    new LocalBackend(this, { path: `../../../state/${id}.tfstate` });
    // The platform's least-privilege rules (docs/security.md); the platform's stacks audit this Vault.
    Aspects.of(this).add(new LeastPrivilegeRules({ auditedVaults: ['https://vault.lab.example.net:8200'] }));

    const kv = KvV2Mount.fromMountPath(this, 'Kvv2', 'kvv2');
    const kubernetesAuth = KubernetesAuthBackend.fromPath(this, 'KubernetesAuth', 'kubernetes');
    const ciAuth = CiJwtAuthBackend.fromPath(this, 'CiAuth', 'gitea-actions', ['https://vault.lab.example.net']);

    // Policies `invoicing` (read kvv2/invoicing/config) and `invoicing-ops`, role `invoicing`
    // bound to ServiceAccount invoicing/invoicing.
    this.app = new AppSecretsModule(this, 'invoicing', {
      appName: 'invoicing',
      namespace: 'invoicing',
      kv,
      kubernetesAuth,
      tokenPeriod: 3600,
    });
    // A second secret the pods read and the operator delivers as Secret `invoicing-smtp`.
    this.app.addDeliveredSecret('smtp', 'invoicing-smtp');

    // CI of lab/invoicing on its protected main branch may write the app's secrets.
    new GiteaCicdRole(this.app, 'GiteaCicdRole', {
      appName: 'invoicing',
      backend: ciAuth,
      policies: [this.app.opsPolicy],
      repository: 'lab/invoicing',
      refProtected: true,
    });
  }
}

if (require.main === module) {
  const app = new App({ outdir: 'cdktf.out.example' });
  new InvoicingSecretsStack(app, 'invoicing');
  app.synth();
}
