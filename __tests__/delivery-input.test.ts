import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { AppSecretsModule } from '../constructs/app-secrets-module';
import { RolloutRestartTarget } from '../constructs/delivery-model';
import { EsoDelivery } from '../constructs/eso-delivery';
import { KubernetesAuthBackend } from '../constructs/kubernetes-auth-backend';
import { KvV2Mount } from '../constructs/kv-v2-mount';
import { VsoDelivery } from '../constructs/vso-delivery';
import { TerraformStack } from 'cdktf';
import { exampleConfigWith, synthStack, vaultTestStack } from './support/synth';

function webapp(): AppSecretsModule {
  const stack = vaultTestStack();
  new KubernetesProvider(stack, 'kubernetes', {});
  const kv = new KvV2Mount(stack, 'Kv');
  const kubernetesAuth = new KubernetesAuthBackend(stack, 'Auth', { kubernetesHost: 'https://k8s.test:6443' });
  return new AppSecretsModule(stack, 'webapp', { appName: 'webapp', namespace: 'webapp', kv, kubernetesAuth });
}

describe('delivery settings in the lab config', () => {
  test('accepts restart targets of every kind VSO supports and a refresh interval', () => {
    const config = exampleConfigWith((c) => {
      c.apps[0].rolloutRestartTargets = [
        { kind: 'StatefulSet', name: 'db' },
        { kind: 'argo.Rollout', name: 'web' },
      ];
      c.apps[0].refreshInterval = '1.5h';
    });
    expect(config.apps[0].rolloutRestartTargets?.map((t) => t.kind)).toEqual(['StatefulSet', 'argo.Rollout']);
  });

  test('fails when a restart target is of a kind VSO cannot restart, naming the app entry and field', () => {
    expect(() => exampleConfigWith((c) => (c.apps[0].rolloutRestartTargets = [{ kind: 'CronJob', name: 'nightly' }]))).toThrow(
      /apps\[0\]\.rolloutRestartTargets\[0\]\.kind = "CronJob": must be one of .*Deployment.*argo\.Rollout/,
    );
  });

  test('fails when the refresh interval does not match the operators\' duration pattern', () => {
    expect(() => exampleConfigWith((c) => (c.apps[1].refreshInterval = '1d'))).toThrow(/apps\[1\]\.refreshInterval = "1d": must be a duration such as '30s', '10m' or '1h'/);
  });

  test('fails when the delivery mode is neither terraform nor gitops', () => {
    expect(() => exampleConfigWith((c) => (c.environments.main.delivery = { mode: 'argocd' }))).toThrow(/environments\.main\.delivery\.mode = "argocd": must be one of "terraform", "gitops"/);
  });

  test('fails when an ESO app names restart targets (ESO restarts nothing)', () => {
    expect(() => exampleConfigWith((c) => (c.apps[1].rolloutRestartTargets = [{ kind: 'Deployment', name: 'notifier' }]))).toThrow(
      /apps\[1\]\.rolloutRestartTargets.*app 'notifier' uses delivery: eso/,
    );
  });

  test('fails on an unknown key under an app\'s delivery settings', () => {
    expect(() => exampleConfigWith((c) => (c.apps[0].rolloutRestartTargets = [{ kind: 'Deployment', name: 'web', namespace: 'x' }]))).toThrow(
      /apps\[0\]\.rolloutRestartTargets\[0\]\.namespace.*unknown key/,
    );
  });
});

describe('delivery construct props', () => {
  test('fails when the delivery namespace differs from the ServiceAccount\'s, naming the app and field', () => {
    const app = webapp();
    expect(() => new VsoDelivery(app, 'Delivery', { app, namespace: 'other' })).toThrow(
      /delivery of app 'webapp': 'namespace' \("other"\) differs from the ServiceAccount's namespace 'webapp'/,
    );
  });

  test('fails when an ESO delivery namespace differs from the ServiceAccount\'s', () => {
    const app = webapp();
    expect(() => new EsoDelivery(app, 'Delivery', { app, namespace: 'other', vaultAddress: 'https://vault.test:8200' })).toThrow(/delivery of app 'webapp': 'namespace'/);
  });

  test('fails when a restart target kind is not one VSO supports (props bypassing the config)', () => {
    const app = webapp();
    const targets = [{ kind: 'Deployment', name: 'ok' }, { kind: 'Job', name: 'migrate' }] as unknown as RolloutRestartTarget[];
    expect(() => new VsoDelivery(app, 'Delivery', { app, rolloutRestartTargets: targets })).toThrow(
      /delivery of app 'webapp': 'rolloutRestartTargets\[1\]\.kind' \("Job"\) is not a kind the Vault Secrets Operator can restart/,
    );
  });

  test('fails when the refresh interval uses a unit the CRD pattern refuses', () => {
    const app = webapp();
    expect(() => new EsoDelivery(app, 'Delivery', { app, refreshInterval: '1h30m', vaultAddress: 'https://vault.test:8200' })).toThrow(
      /delivery of app 'webapp': 'refreshInterval' \("1h30m"\)/,
    );
  });

  test('fails at synth when a secret is added after the delivery was composed', () => {
    const app = webapp();
    new VsoDelivery(app, 'Delivery', { app });
    app.addDeliveredSecret('late', 'webapp-late');
    expect(() => synthStack(app.node.scope as TerraformStack)).toThrow(/webapp\/late was added to app 'webapp' after its delivery was composed/);
  });

  test('a secret added before the delivery is delivered', () => {
    const app = webapp();
    app.addDeliveredSecret('early', 'webapp-early');
    const delivery = new EsoDelivery(app, 'Delivery', { app, vaultAddress: 'https://vault.test:8200' });
    expect(delivery.objects.filter((o) => o.kind === 'ExternalSecret').map((o) => o.metadata.name)).toEqual(['webapp-config', 'webapp-early']);
    expect(() => synthStack(app.node.scope as TerraformStack)).not.toThrow();
  });
});
