import { exampleConfigError, exampleConfigWith } from './support/synth';

/*
 * Vault refuses to enable an auth method at a path equal to, inside or above another's
 * (hashicorp/vault vault/router.go MountConflict): the apply would stop half-way. The example's main
 * and sandbox mount Kubernetes auth at 'kubernetes' and CI's JWT method at 'gitea-actions'.
 */
describe("people's auth methods keep clear of the Vault's other auth paths", () => {
  test("fails when the OIDC method takes CI's JWT path", () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.operators.oidc.authPath = 'gitea-actions';
    });
    expect(error.message).toMatch(/environments\.main\.operators\.oidc\.authPath = "gitea-actions": collides with CI's JWT auth method \(environments\.main\.ci\.oidc\.authPath\) at auth\/gitea-actions/);
  });

  test("fails when the break-glass method sits inside the Kubernetes auth method's path", () => {
    const error = exampleConfigError((raw) => {
      raw.environments.sandbox.operators.breakGlass = { role: raw.environments.sandbox.operators.roles[0].name, authPath: 'kubernetes/emergency' };
    });
    expect(error.message).toMatch(/environments\.sandbox\.operators\.breakGlass\.authPath = "kubernetes\/emergency": collides with the Kubernetes auth method at auth\/kubernetes/);
  });

  test("fails when the OIDC method takes Vault's token store path", () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.operators.oidc.authPath = 'token';
    });
    expect(error.message).toMatch(/environments\.main\.operators\.oidc\.authPath = "token": collides with Vault's token store at auth\/token/);
  });

  test("fails when the break-glass method sits inside the OIDC method's path", () => {
    const error = exampleConfigError((raw) => {
      raw.environments.main.operators.breakGlass = { role: 'admin', authPath: 'oidc/break-glass' };
    });
    expect(error.message).toMatch(/environments\.main\.operators\.breakGlass\.authPath = "oidc\/break-glass": is inside or above operators\.oidc\.authPath \(oidc\)/);
  });

  test('accepts a path that only shares a prefix of letters with another (kubernetes-people)', () => {
    const config = exampleConfigWith((raw) => {
      raw.environments.main.operators.oidc.authPath = 'kubernetes-people';
    });
    expect(config.environments.main.operators?.oidc.authPath).toBe('kubernetes-people');
  });
});
