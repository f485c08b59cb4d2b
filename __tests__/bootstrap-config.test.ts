import { ConfigError } from '../config/load';
import { exampleConfig, exampleConfigWith } from './support/synth';

function rejection(change: (raw: any) => void): string {
  try {
    exampleConfigWith(change);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

describe('the bootstrap config', () => {
  test('the example lab unseals main by transit, the sandbox by Shamir, and lists bootstrap consumers', () => {
    const config = exampleConfig();
    expect(config.environments.main.vaultServer.unseal).toBe('transit');
    expect(config.environments.sandbox.vaultServer.unseal).toBe('shamir');
    expect(config.environments.qnap.bootstrap.transitUnseal.unsealed.map((u) => u.environment)).toEqual(['main']);
    expect(config.environments.qnap.bootstrap.consumers.length).toBeGreaterThan(0);
  });

  test('fails when the QNAP address equals the main Vault address', () => {
    expect(
      rejection((c) => {
        c.environments.qnap.vault.address = `${c.environments.main.vault.address}/`;
      }),
    ).toMatch(/environments\.qnap\.vault\.address = "https:\/\/vault\.lab\.example\.net:8200\/": is the address of the main Vault \(environments\.main\.vault\.address\)/);
  });

  test('fails when two unsealed Vaults share a transit key name', () => {
    expect(
      rejection((c) => {
        c.environments.qnap.bootstrap.transitUnseal.unsealed = [
          { environment: 'main', keyName: 'unseal' },
          { environment: 'sandbox', keyName: 'unseal' },
        ];
      }),
    ).toMatch(/environments\.qnap\.bootstrap\.transitUnseal\.unsealed\[1\]\.keyName = "unseal": transit key unseal is already used by environments\.qnap\.bootstrap\.transitUnseal\.unsealed\[0\]/);
  });

  test('fails when the QNAP Vault is asked to unseal the sandbox', () => {
    expect(
      rejection((c) => {
        c.environments.qnap.bootstrap.transitUnseal.unsealed.push({ environment: 'sandbox' });
      }),
    ).toMatch(/unsealed\[1\]\.environment = "sandbox": the sandbox must never be unsealed by the QNAP Vault/);
  });

  test('fails when the sandbox asks for transit unseal', () => {
    expect(
      rejection((c) => {
        c.environments.sandbox.vaultServer.unseal = 'transit';
      }),
    ).toMatch(/environments\.sandbox\.vaultServer\.unseal = "transit": the sandbox must never be unsealed by the QNAP Vault .*use 'shamir'/);
  });

  test('fails when the sandbox takes its certificate from the QNAP PKI', () => {
    expect(
      rejection((c) => {
        c.environments.sandbox.vaultServer.tls = { source: 'qnap-pki' };
      }),
    ).toMatch(/environments\.sandbox\.vaultServer\.tls\.source = "qnap-pki": the sandbox must never take its certificate from the QNAP Vault/);
  });

  test('fails when main asks for transit unseal but the QNAP Vault does not list it', () => {
    expect(
      rejection((c) => {
        c.environments.qnap.bootstrap.transitUnseal.unsealed = [];
      }),
    ).toMatch(/environments\.main\.vaultServer\.unseal = "transit": is 'transit' but environments\.qnap\.bootstrap\.transitUnseal\.unsealed has no entry for main/);
  });

  test('fails when two consumers share a name', () => {
    expect(
      rejection((c) => {
        c.environments.qnap.bootstrap.consumers.push({ ...c.environments.qnap.bootstrap.consumers[0], kvPath: 'other/path' });
      }),
    ).toMatch(/environments\.qnap\.bootstrap\.consumers\[4\]\.name = "cert-manager-dns": already used by consumers\[0\]/);
  });

  test('fails when two consumers share a secret path', () => {
    expect(
      rejection((c) => {
        c.environments.qnap.bootstrap.consumers.push({ name: 'external-dns', kvPath: 'dns/provider', namespace: 'external-dns' });
      }),
    ).toMatch(
      /environments\.qnap\.bootstrap\.consumers\[4\]\.kvPath = "dns\/provider": is already the secret of consumers\[0\] \(cert-manager-dns\); consumer external-dns needs a secret of its own: give it another kvPath/,
    );
  });

  test('fails when a consumer reads a path with a glob', () => {
    expect(
      rejection((c) => {
        c.environments.qnap.bootstrap.consumers[0].kvPath = 'dns/*';
      }),
    ).toMatch(/environments\.qnap\.bootstrap\.consumers\[0\]\.kvPath = "dns\/\*": must be lowercase path segments/);
  });
});
