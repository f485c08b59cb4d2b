import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { CheckedStack } from '../rules/synthesized';
import { Construct } from 'constructs';
import { LabConfig } from '../config/schema';
import { escapeTemplateMarkersIn } from '../constructs/terraform-expression';
import { BootstrapCustomResource, mainBootstrapResources } from './main-bootstrap-resources';
import { addStateBackend } from './state-backend';
import { applyTerraformSettings } from './terraform-settings';

export interface MainBootstrapStackProps {
  readonly config: LabConfig;
}

/**
 * The main cluster's custom resources that pull from the QNAP Vault (docs/bootstrap.md). A stack of
 * its own: `kubernetes_manifest` needs the CRDs at plan time, so these cannot live in `main-cluster`
 * (which installs VSO), and they must not wait for `main` (which needs the initialized main Vault).
 */
export class MainBootstrapStack extends CheckedStack {
  public readonly resources: readonly BootstrapCustomResource[];

  public constructor(scope: Construct, id: string, props: MainBootstrapStackProps) {
    super(scope, id);
    applyTerraformSettings(this);
    const env = props.config.environments.main;
    new KubernetesProvider(this, 'kubernetes', { configContext: env.kubernetes.context });
    addStateBackend(this, id, env.state);

    this.resources = mainBootstrapResources(props.config);
    // Ids are namespace/kind/name, never list positions: adding a consumer moves no other resource.
    const root = new Construct(this, 'Resources');
    for (const resource of this.resources) {
      const namespace = (root.node.tryFindChild(resource.metadata.namespace) as Construct | undefined) ?? new Construct(root, resource.metadata.namespace);
      // Built from config text (config/terraform-text.ts): every string literal, never a Terraform expression.
      new Manifest(namespace, `${resource.kind}-${resource.metadata.name}`, { manifest: escapeTemplateMarkersIn(resource) as unknown as Record<string, unknown> });
    }
  }
}
