import { parse } from '@cdktf/hcl2json';
import { renderVaultServerHcl, VaultServerConfig } from '../constructs/vault-server-config';

const base: VaultServerConfig = {
  ui: true,
  listener: { address: '[::]:8200', clusterAddress: '[::]:8201', tlsCertFile: '/tls/tls.crt', tlsKeyFile: '/tls/tls.key', tlsMinVersion: 'tls12' },
  raft: {
    path: '/vault/data',
    retryJoin: [0, 1, 2].map((i) => ({ leaderApiAddr: `https://vault-${i}.vault-internal:8200`, leaderCaCertFile: '/tls/ca.crt', leaderTlsServername: `vault-${i}.vault-internal` })),
  },
  kubernetesServiceRegistration: true,
};

const read = async (config: VaultServerConfig) => (await parse('server.hcl', renderVaultServerHcl(config))) as any;

describe('renderVaultServerHcl, read back by the real HCL parser', () => {
  test('renders a TLS listener with the certificate files and no tls_disable', async () => {
    const hcl = await read(base);
    expect(hcl.ui).toBe(true);
    expect(hcl.listener.tcp).toEqual([
      { address: '[::]:8200', cluster_address: '[::]:8201', tls_cert_file: '/tls/tls.crt', tls_key_file: '/tls/tls.key', tls_min_version: 'tls12' },
    ]);
  });

  test('renders raft storage with one TLS retry_join per node', async () => {
    const raft = (await read(base)).storage.raft[0];
    expect(raft.path).toBe('/vault/data');
    expect(raft.retry_join).toEqual([0, 1, 2].map((i) => ({ leader_api_addr: `https://vault-${i}.vault-internal:8200`, leader_ca_cert_file: '/tls/ca.crt', leader_tls_servername: `vault-${i}.vault-internal` })));
  });

  test('renders Kubernetes service registration', async () => {
    expect((await read(base)).service_registration).toEqual({ kubernetes: [{}] });
  });

  test('without a transit seal there is no seal stanza (Shamir)', async () => {
    expect((await read(base)).seal).toBeUndefined();
  });

  test('the transit seal stanza has address, mount, key and TLS settings, verification on, and no token', async () => {
    const hcl = await read({ ...base, transitSeal: { address: 'https://qnap.lab.example.net:8200', mountPath: 'transit-unseal', keyName: 'unseal-main', tlsServerName: 'qnap.lab.example.net' } });
    expect(hcl.seal.transit).toEqual([
      { address: 'https://qnap.lab.example.net:8200', mount_path: 'transit-unseal', key_name: 'unseal-main', tls_server_name: 'qnap.lab.example.net', tls_skip_verify: false },
    ]);
  });

  test('quotes, newlines and backslashes in values stay inside their string', async () => {
    const tricky = 'x" }\nseal "shamir" { \\';
    const hcl = await read({ ...base, raft: { ...base.raft, path: tricky } });
    expect(hcl.storage.raft[0].path).toBe(tricky);
    expect(hcl.seal).toBeUndefined();
  });
});
