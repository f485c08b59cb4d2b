/** A minimal Vault HTTP API client for the live suite (fetch; no Vault SDK). */
export interface VaultResponse {
  readonly status: number;
  readonly body: any;
}

export class VaultHttp {
  public constructor(
    private readonly address: string,
    private readonly token: string,
  ) {}

  public withToken(token: string): VaultHttp {
    return new VaultHttp(this.address, token);
  }

  public async request(method: string, apiPath: string, body?: unknown): Promise<VaultResponse> {
    const response = await fetch(`${this.address.replace(/\/+$/, '')}/v1/${apiPath}`, {
      method,
      headers: { 'X-Vault-Token': this.token, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  /** A token holding exactly `policies` (no default policy), short-lived. */
  public async tokenFor(policies: string[]): Promise<string> {
    const res = await this.request('POST', 'auth/token/create', { policies, no_default_policy: true, ttl: '10m' });
    if (res.status !== 200) throw new Error(`auth/token/create for ${policies.join(',')} answered ${res.status}: ${JSON.stringify(res.body?.errors)}`);
    return res.body.auth.client_token;
  }
}
