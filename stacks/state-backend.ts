import { LocalBackend, PgBackend, S3Backend, TerraformStack } from 'cdktf';
import { StateBackendConfig } from '../config/schema';

/**
 * Gives a stack its own state in the environment's backend. No credential is written: the `pg`
 * backend reads `PG_CONN_STR`, the `s3` backend the usual `AWS_*` variables.
 */
export function addStateBackend(stack: TerraformStack, stackName: string, config: StateBackendConfig | undefined): void {
  const backend = config ?? { type: 'local' as const };
  switch (backend.type) {
    case 'local':
      // Terraform runs in cdktf.out/stacks/<stack>; the path climbs back to the project root so a
      // fresh synth never wipes the state and no machine-specific absolute path is written.
      new LocalBackend(stack, { path: `../../../${backend.directory ?? 'state'}/${stackName}.tfstate` });
      return;
    case 'pg': {
      const pg = new PgBackend(stack, { connStr: '', schemaName: `${backend.schemaPrefix ?? 'vault_platform'}_${stackName.replace(/-/g, '_')}` });
      pg.addOverride('conn_str', undefined);
      return;
    }
    case 's3': {
      const s3 = new S3Backend(stack, {
        bucket: backend.bucket,
        key: `${backend.keyPrefix ?? 'vault-platform'}/${stackName}.tfstate`,
        region: backend.region,
        endpoints: backend.endpoint ? { s3: backend.endpoint } : undefined,
        usePathStyle: backend.usePathStyle,
        encrypt: true,
        ...(backend.endpoint ? { skipCredentialsValidation: true, skipRegionValidation: true, skipRequestingAccountId: true, skipMetadataApiCheck: true } : {}),
      });
      // S3-native locking (Terraform >= 1.10): no DynamoDB table on an S3-compatible store.
      s3.addOverride('use_lockfile', true);
      return;
    }
  }
}
