import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { DEFAULT_CONFIG_FILE } from '../config/load';
import { rotateGeneratedKey } from '../config/rotate';

// npm run rotate -- --app webapp --secret db-seed --key password [--config config/lab.yaml]
// Bumps one generated key's version in the lab config; commit the change, then apply.
try {
  const { values } = parseArgs({
    options: { app: { type: 'string' }, secret: { type: 'string' }, key: { type: 'string' }, config: { type: 'string' } },
    strict: true,
  });
  const missing = (['app', 'secret', 'key'] as const).filter((k) => !values[k]);
  if (missing.length > 0) throw new Error(`missing ${missing.map((k) => `--${k}`).join(', ')}; usage: npm run rotate -- --app <app> --secret <secret> --key <key> [--config <lab.yaml>]`);
  const file = values.config ?? (process.env.LAB_CONFIG || DEFAULT_CONFIG_FILE);
  const result = rotateGeneratedKey(fs.readFileSync(file, 'utf8'), { app: values.app!, secret: values.secret!, key: values.key! }, file);
  fs.writeFileSync(file, result.text);
  process.stdout.write(
    `${path.relative(process.cwd(), file)}: ${result.path} ${result.from} -> ${result.to}\n` +
      `Commit this change; the next apply writes a new value for ${values.secret}/${values.key} and leaves every other key as it is.\n`,
  );
} catch (e) {
  process.stderr.write(`rotate failed: ${(e as Error).message}\n`);
  process.exit(1);
}
