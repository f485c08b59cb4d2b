import { loadLabConfig } from '../config/load';
import { CLUSTER_ENVIRONMENTS, ClusterEnvironmentName } from '../config/schema';
import { postgresGroupRoleScript } from '../stacks/postgres-group-roles';
import { ExitCode, processIo, runAsProcess, runScript, ScriptIo, UsageError } from './cli';

const spec = {
  name: 'postgres-sql',
  description:
    "Prints the DBA's idempotent SQL for one PostgreSQL cluster: the group roles <app>_role and Vault's\n" +
    'login (docs/postgres.md). LAB_CONFIG selects the config file, as for synth.',
  options: {},
  positionals: [`<${CLUSTER_ENVIRONMENTS.join('|')}>`, '<cluster>'],
  exits: { ok: 'the script was printed', finding: 'the environment has no such cluster (the known ones are named)' },
} as const;

export function main(argv: readonly string[], io: ScriptIo = processIo): Promise<number> {
  return runScript(spec, argv, io, ({ positionals: [environment, cluster] }) => {
    if (!CLUSTER_ENVIRONMENTS.includes(environment as ClusterEnvironmentName)) {
      throw new UsageError(`${JSON.stringify(environment)} is not an environment with PostgreSQL clusters; give one of ${CLUSTER_ENVIRONMENTS.join(', ')} first`);
    }
    io.stdout(postgresGroupRoleScript(loadLabConfig(), environment as ClusterEnvironmentName, cluster));
    return ExitCode.ok;
  });
}

if (require.main === module) runAsProcess(main);
