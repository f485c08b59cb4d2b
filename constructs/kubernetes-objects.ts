import * as fs from 'fs';
import * as path from 'path';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { ISynthesisSession, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { AppSecretsModule } from './app-secrets-module';
import { KubernetesObject } from './delivery-model';

/**
 * Where delivery objects go: Terraform applies them (`kubernetes_manifest`, needs a kubernetes
 * provider in the stack), or synthesis writes them to a YAML file for a GitOps controller.
 */
export type DeliveryOutput =
  | { readonly mode: 'terraform' }
  /** `file` is relative to the synthesis output folder, e.g. `manifests/main/webapp.yaml`. */
  | { readonly mode: 'gitops'; readonly file: string };

/** The objects as one multi-document YAML file, in order. */
export function toMultiDocumentYaml(objects: readonly KubernetesObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

/**
 * Renders `objects` under `scope` according to `output`. `scope` must be a construct of its own (a
 * namespace for the ids `<Kind>-<name>`, unique within one app's namespace).
 */
export function renderKubernetesObjects(scope: Construct, objects: readonly KubernetesObject[], output: DeliveryOutput): void {
  if (output.mode === 'terraform') {
    for (const object of objects) {
      new Manifest(scope, `${object.kind}-${object.metadata.name}`, { manifest: JSON.parse(JSON.stringify(object)) });
    }
    return;
  }
  if (path.isAbsolute(output.file) || output.file.split(/[\\/]/).includes('..')) {
    throw new Error(`${scope.node.path}: GitOps file ${JSON.stringify(output.file)} must be relative to the output folder, without '..'`);
  }
  writeAtSynthesis(TerraformStack.of(scope), output.file, toMultiDocumentYaml(objects));
}

/** The files each stack writes into the output folder when it is synthesized. */
const filesByStack = new WeakMap<TerraformStack, Map<string, string>>();

/** The GitOps files `stack` writes when synthesized, by path relative to the output folder (for the rule pack). */
export function filesWrittenAtSynthesis(stack: TerraformStack): ReadonlyMap<string, string> {
  return filesByStack.get(stack) ?? new Map();
}

/**
 * Writes `text` to `file` (relative to the output folder) when `stack` is synthesized, after its
 * Terraform JSON.
 */
function writeAtSynthesis(stack: TerraformStack, file: string, text: string): void {
  const files = filesByStack.get(stack) ?? writeFilesAfter(stack);
  files.set(file, text);
}

/**
 * Wraps the stack's synthesizer, a public property (hashicorp/terraform-cdk
 * packages/cdktf/lib/terraform-stack.ts), so that it also writes the returned files; cdktf's own hook
 * for extra files is not exported from the package root.
 */
function writeFilesAfter(stack: TerraformStack): Map<string, string> {
  const files = new Map<string, string>();
  const synthesizeStack = stack.synthesizer;
  stack.synthesizer = {
    synthesize(session: ISynthesisSession) {
      synthesizeStack.synthesize(session);
      for (const [file, text] of files) {
        const target = path.join(session.outdir, file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, text);
      }
    },
  };
  filesByStack.set(stack, files);
  return files;
}

/**
 * Fails synthesis when a secret was added to `app` after its delivery was built: the operator would
 * silently never deliver it. Compose delivery after every `addDeliveredSecret`.
 */
export function requireAllSecretsDelivered(delivery: Construct, app: AppSecretsModule, deliveredCount: number): void {
  delivery.node.addValidation({
    validate: () => {
      const late = app.deliveredSecrets.slice(deliveredCount).map((s) => s.kvPath);
      return late.length === 0
        ? []
        : [`${delivery.node.path}: ${late.join(', ')} was added to app '${app.appName}' after its delivery was composed and would never reach the cluster; call addDeliveredSecret before creating the delivery`];
    },
  });
}
