import { exampleConfigError, exampleConfigWith } from './support/synth';

/*
 * The Vault UI's OIDC login sends window.location.origin plus its callback route as redirect_uri
 * (hashicorp/vault ui/app/adapters/role-jwt.js), and Vault compares it with the roles'
 * allowed_redirect_uris as an exact string (hashicorp/vault-plugin-auth-jwt path_oidc.go,
 * validRedirect). A browser's origin is lowercase and leaves out the default port, so an address
 * written otherwise would build a callback URL no browser sends.
 */
describe("the address of a Vault people log in to is a browser's origin", () => {
  test('fails when the address names the default port 443, which a browser leaves out', () => {
    // GIVEN main's people log in through the forge (the example), WHEN its address spells out :443
    const error = exampleConfigError((raw) => {
      raw.environments.main.vault.address = 'https://vault.lab.example.net:443';
    });
    // THEN
    expect(error.message).toMatch(/environments\.main\.vault\.address = "https:\/\/vault\.lab\.example\.net:443": is not written as a browser's origin.*; write https:\/\/vault\.lab\.example\.net\b/);
  });

  test('fails when the host has a capital letter, which a browser lowercases', () => {
    const error = exampleConfigError((raw) => {
      raw.environments.sandbox.vault.address = 'https://Vault.sandbox.lab.example.net:8200';
    });
    expect(error.message).toMatch(/environments\.sandbox\.vault\.address = "https:\/\/Vault\.sandbox\.lab\.example\.net:8200": is not written as a browser's origin.*; write https:\/\/vault\.sandbox\.lab\.example\.net:8200/);
  });

  test('accepts a trailing slash, which the callback URL does not repeat', () => {
    const config = exampleConfigWith((raw) => {
      raw.environments.main.vault.address = 'https://vault.lab.example.net:8200/';
    });
    expect(config.environments.main.vault.address).toBe('https://vault.lab.example.net:8200/');
  });
});
