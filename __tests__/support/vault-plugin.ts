import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'crypto';
import { Client } from 'pg';

/**
 * Runs statements the way Vault's `postgresql-database-plugin` does: a statement containing the
 * keyword `END` (outside quotes) runs whole, any other is split on `;`; the pieces are trimmed, empty
 * ones skipped, `{{key}}` replaced by plain text substitution, and everything runs in one
 * transaction that is rolled back on the first error.
 */
export async function runLikeVault(client: Client, statements: readonly string[], values: Record<string, string>): Promise<void> {
  const queries: string[] = [];
  for (const statement of statements) {
    const pieces = isMultiline(statement) ? [statement] : statement.split(';');
    for (const piece of pieces) {
      const query = piece.trim();
      if (query.length === 0) continue;
      queries.push(Object.entries(values).reduce((q, [k, v]) => q.split(`{{${k}}}`).join(v), query));
    }
  }
  await client.query('BEGIN');
  try {
    for (const q of queries) await client.query(q);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  }
}

function isMultiline(statement: string): boolean {
  const withoutLiterals = statement.replace(/".*?"/g, '').replace(/'.*?'/g, '');
  return /\bEND\b/.test(withoutLiterals);
}

/**
 * A user name as Vault's default template makes it: `v-<display 8>-<role 8>-<random 20>-<unix>`,
 * truncated to 63; display names carry dots and dashes (`kubernetes-webapp-webapp` → `kubernet`,
 * `token.ci` …), the random part mixes upper and lower case.
 */
export function vaultUserName(displayName: string, roleName: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const random = [...randomBytes(20)].map((b) => alphabet[b % alphabet.length]).join('');
  const unixTime = Math.floor(Date.now() / 1000);
  return `v-${displayName.slice(0, 8)}-${roleName.slice(0, 8)}-${random}-${unixTime}`.slice(0, 63);
}

/** A password as Vault's default password policy makes it (letters, digits, '-'). */
export function vaultPassword(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-';
  return [...randomBytes(20)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Vault's expiration format `2006-01-02 15:04:05-0700`, in UTC. */
export function vaultExpiration(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}+0000`;
}

/**
 * What Vault puts in `{{password}}` when the connection sets `password_authentication =
 * scram-sha-256`: a SCRAM-SHA-256 verifier (RFC 5802/7677, PostgreSQL's storage format), so the
 * clear-text password never reaches the server. The client still logs in with the clear text.
 */
export function scramSha256Verifier(password: string, iterations = 4096): string {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
