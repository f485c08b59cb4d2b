import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Client, ClientConfig } from 'pg';

/** Where Debian/Ubuntu install PostgreSQL 15; tests never depend on a server started by hand. */
export const POSTGRES_BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

/** The bootstrap superuser of the throwaway cluster; reached only over the unix socket (trust). */
export const SUPERUSER = 'postgres';

/** A PostgreSQL server of its own for one test file, on loopback, in a temporary folder. */
export interface ThrowawayPostgres {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Folder of the unix socket (superuser access). */
  readonly socketDir: string;
  /** Superuser connection over the unix socket to `database`. */
  superuser(database?: string): Promise<Client>;
  /** Password login over TCP, as an application would do it. */
  login(user: string, password: string, database: string): Promise<Client>;
  /** Runs a script with the real `psql` as the superuser (meta-commands such as `\connect` included). */
  psql(script: string): void;
  stop(): Promise<void>;
}

export function postgresAvailable(): boolean {
  return ['initdb', 'pg_ctl', 'psql'].every((tool) => fs.existsSync(path.join(POSTGRES_BIN, tool)));
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * initdb refuses to run as root, and CI runs as root: there the server runs as the `postgres` OS
 * user, which then must own the folder.
 */
function runAsServerUser(command: string, args: string[]): void {
  const bin = path.join(POSTGRES_BIN, command);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function startPostgres(): Promise<ThrowawayPostgres> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-test-'));
  if (typeof process.getuid === 'function' && process.getuid() === 0) {
    execFileSync('chown', ['postgres:', root]);
  }
  const dataDir = path.join(root, 'data');
  const port = await freeLoopbackPort();
  // Local (socket) logins trust the OS user; TCP logins need a SCRAM password, as in production.
  const initdbArgs = ['-D', dataDir, '-U', SUPERUSER, '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync', '-E', 'UTF8', '--locale=C'];
  const options = [
    `-c listen_addresses=127.0.0.1`,
    `-c port=${port}`,
    `-c unix_socket_directories=${root}`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=100',
  ].join(' ');
  try {
    runAsServerUser('initdb', initdbArgs);
    runAsServerUser('pg_ctl', ['start', '-w', '-t', '30', '-D', dataDir, '-l', path.join(root, 'server.log'), '-o', options]);
  } catch (e) {
    const log = fs.existsSync(path.join(root, 'server.log')) ? fs.readFileSync(path.join(root, 'server.log'), 'utf8') : '';
    fs.rmSync(root, { recursive: true, force: true });
    throw new Error(`could not start a throwaway PostgreSQL from ${POSTGRES_BIN}: ${(e as Error).message}\n${log}`);
  }

  const clients = new Set<Client>();
  const connect = async (config: ClientConfig): Promise<Client> => {
    const client = new Client(config);
    await client.connect();
    clients.add(client);
    client.on('end', () => clients.delete(client));
    // A backend terminated by a test must not crash the test process.
    client.on('error', () => undefined);
    return client;
  };
  return {
    host: '127.0.0.1',
    port,
    socketDir: root,
    superuser: (database = 'postgres') => connect({ host: root, port, user: SUPERUSER, database }),
    login: (user, password, database) => connect({ host: '127.0.0.1', port, user, password, database }),
    psql: (script) => {
      execFileSync(path.join(POSTGRES_BIN, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', root, '-p', String(port), '-U', SUPERUSER, '-d', 'postgres', '-f', '-'], {
        input: script,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, PGOPTIONS: '', PGPASSWORD: '' },
      });
    },
    stop: async () => {
      await Promise.all([...clients].map((c) => c.end().catch(() => undefined)));
      try {
        runAsServerUser('pg_ctl', ['stop', '-m', 'immediate', '-w', '-D', dataDir]);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
