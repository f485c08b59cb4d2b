import { parse } from '@cdktf/hcl2json';

/** A Vault policy as the real HCL parser reads it: path → capabilities (stanzas of one path merged). */
export async function parsePolicyHcl(hcl: string): Promise<Record<string, string[]>> {
  const parsed = (await parse('policy.hcl', hcl)) as { path?: Record<string, Array<{ capabilities?: string[] }>> };
  const result: Record<string, string[]> = {};
  for (const [p, blocks] of Object.entries(parsed.path ?? {})) {
    result[p] = blocks.flatMap((b) => b.capabilities ?? []);
  }
  return result;
}
