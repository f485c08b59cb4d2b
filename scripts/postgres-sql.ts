import { loadLabConfig } from '../config/load';
import { CLUSTER_ENVIRONMENTS, ClusterEnvironmentName } from '../config/schema';
import { postgresGroupRoleScript } from '../stacks/postgres-group-roles';

// Prints the DBA's group-role script: `npm run postgres-sql -- <main|sandbox> <cluster>` (LAB_CONFIG
// selects the config file, as for synth).
const [environment, cluster] = process.argv.slice(2);
if (!CLUSTER_ENVIRONMENTS.includes(environment as ClusterEnvironmentName) || !cluster) {
  process.stderr.write(`usage: npm run postgres-sql -- <${CLUSTER_ENVIRONMENTS.join('|')}> <cluster>\n`);
  process.exit(2);
}
try {
  process.stdout.write(postgresGroupRoleScript(loadLabConfig(), environment as ClusterEnvironmentName, cluster));
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
}
