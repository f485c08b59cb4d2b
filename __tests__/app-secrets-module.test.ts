import { AppSecretsModule } from '../constructs/app-secrets-module';
import { KubernetesAuthBackend } from '../constructs/kubernetes-auth-backend';
import { KvV2Mount } from '../constructs/kv-v2-mount';
import { parsePolicyHcl } from './support/hcl';
import { findResource, resourcesOf, synthStack, vaultTestStack } from './support/synth';

function stackWithApps(...apps: Array<{ name: string; namespace?: string; serviceAccountName?: string }>) {
  const stack = vaultTestStack();
  const kv = new KvV2Mount(stack, 'Kvv2');
  const kubernetesAuth = new KubernetesAuthBackend(stack, 'KubernetesAuth', { kubernetesHost: 'https://kubernetes.default.svc:443' });
  for (const a of apps) {
    new AppSecretsModule(stack, a.name, {
      appName: a.name,
      namespace: a.namespace ?? a.name,
      serviceAccountName: a.serviceAccountName,
      kv,
      kubernetesAuth,
    });
  }
  return synthStack(stack);
}

async function policy(json: ReturnType<typeof stackWithApps>, name: string) {
  return parsePolicyHcl(findResource(json, 'vault_policy', { name }).policy);
}

describe('AppSecretsModule', () => {
  test('the runtime policy <app> reads kvv2/data/<app>/config and nothing else', async () => {
    const json = stackWithApps({ name: 'webapp' });
    expect(await policy(json, 'webapp')).toEqual({ 'kvv2/data/webapp/config': ['read'] });
  });

  test('the ops policy <app>-ops writes its own data, lists its metadata, looks up its own token (as the Terraform provider does), never deletes or destroys', async () => {
    const json = stackWithApps({ name: 'webapp' });
    const ops = await policy(json, 'webapp-ops');
    expect(ops).toEqual({
      'kvv2/data/webapp/*': ['create', 'read', 'update', 'patch'],
      'kvv2/metadata/webapp/*': ['read', 'list'],
      // hashicorp/terraform-provider-vault internal/provider/meta.go: every run starts with a lookup-self.
      'auth/token/lookup-self': ['read'],
    });
    const all = Object.entries(ops);
    expect(all.filter(([p]) => /\/(destroy|delete|undelete)\//.test(p))).toEqual([]);
    expect(all.flatMap(([, caps]) => caps)).not.toContain('delete');
    expect(all.flatMap(([, caps]) => caps)).not.toContain('sudo');
  });

  test("no path of one app's policies reaches another app's prefix, even a name that extends it", async () => {
    // `web` and `webapp`: a glob like kvv2/data/web* would leak webapp's secrets to web.
    const json = stackWithApps({ name: 'web' }, { name: 'webapp' });
    for (const name of ['web', 'web-ops']) {
      for (const p of Object.keys(await policy(json, name))) {
        expect(p).toMatch(/^kvv2\/(data|metadata)\/web\/|^auth\/token\/lookup-self$/);
      }
    }
  });

  test('the Kubernetes role binds exactly the app ServiceAccount and namespace, with an audience and a short TTL', () => {
    const json = stackWithApps({ name: 'billing-worker', namespace: 'billing' });
    const role = findResource(json, 'vault_kubernetes_auth_backend_role', { role_name: 'billing-worker' });
    expect(role.bound_service_account_names).toEqual(['billing-worker']);
    expect(role.bound_service_account_namespaces).toEqual(['billing']);
    expect(role.token_policies).toEqual(['billing-worker']);
    expect(role.audience).toBe('vault');
    expect(role.token_ttl).toBeLessThanOrEqual(3600);
    expect(role.backend).toBe('${vault_auth_backend.KubernetesAuth_Backend_7B26C5CB.path}');
  });

  test('a custom ServiceAccount name is bound instead of the app name', () => {
    const json = stackWithApps({ name: 'billing-worker', namespace: 'billing', serviceAccountName: 'billing-sa' });
    const role = findResource(json, 'vault_kubernetes_auth_backend_role', { role_name: 'billing-worker' });
    expect(role.bound_service_account_names).toEqual(['billing-sa']);
  });

  test('construct ids are pinned: a rename would replace Vault objects', () => {
    const json = stackWithApps({ name: 'webapp' });
    expect(Object.keys(resourcesOf(json, 'vault_policy')).sort()).toEqual(['webapp_OpsPolicy_0D796851', 'webapp_RuntimePolicy_90B5EA5C'].sort());
    expect(Object.keys(resourcesOf(json, 'vault_kubernetes_auth_backend_role'))).toEqual(['webapp_KubernetesRole_EC37F28D']);
  });

  describe('fails when props are invalid', () => {
    const stack = () => {
      const s = vaultTestStack('bad');
      return {
        s,
        kv: new KvV2Mount(s, 'Kvv2'),
        auth: new KubernetesAuthBackend(s, 'Auth', { kubernetesHost: 'https://k8s:6443' }),
      };
    };
    test.each([
      ['appName', { appName: 'Web_App' }, /'appName' \("Web_App"\) must be lowercase/],
      ['appName too long', { appName: 'a'.repeat(41) }, /'appName' \("a{41}"\)/],
      ['namespace', { namespace: '*' }, /'namespace' \("\*"\) must be a DNS-1123 label/],
      ['serviceAccountName', { serviceAccountName: 'sa-*' }, /'serviceAccountName' \("sa-\*"\)/],
      ['tokenTtl', { tokenTtl: 0 }, /'tokenTtl' \(0\) must be a whole number of seconds > 0/],
    ])('fails when %s is invalid', (_name, override, message) => {
      const { s, kv, auth } = stack();
      expect(
        () => new AppSecretsModule(s, 'x', { appName: 'webapp', namespace: 'webapp', kv, kubernetesAuth: auth, ...override }),
      ).toThrow(message);
    });
  });
});

describe('AppSecretsModule delivered secrets', () => {
  function module() {
    const stack = vaultTestStack();
    const kv = new KvV2Mount(stack, 'Kvv2');
    const kubernetesAuth = new KubernetesAuthBackend(stack, 'Auth', { kubernetesHost: 'https://k8s:6443' });
    return { stack, app: new AppSecretsModule(stack, 'webapp', { appName: 'webapp', namespace: 'webapp', kv, kubernetesAuth }) };
  }

  test('the config is delivered first, as <app>-config', () => {
    expect(module().app.deliveredSecrets).toEqual([{ kvPath: 'webapp/config', secretName: 'webapp-config' }]);
  });

  test('another delivered secret becomes readable by the runtime policy, and only that path', async () => {
    const { stack, app } = module();
    app.addDeliveredSecret('smtp', 'webapp-smtp');
    const json = synthStack(stack);
    expect(await policy(json, 'webapp')).toEqual({ 'kvv2/data/webapp/config': ['read'], 'kvv2/data/webapp/smtp': ['read'] });
    expect(app.deliveredSecrets.map((d) => d.secretName)).toEqual(['webapp-config', 'webapp-smtp']);
  });

  test('fails when a delivered secret reuses the config name or a Secret name', () => {
    const { app } = module();
    expect(() => app.addDeliveredSecret('config', 'x')).toThrow(/'name' \("config"\)/);
    expect(() => app.addDeliveredSecret('smtp', 'webapp-config')).toThrow(/'secretName' \("webapp-config"\)[\s\S]*already delivered/);
  });
});
