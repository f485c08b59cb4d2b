import * as fs from 'fs';
import * as path from 'path';
import { labConfigJsonSchema } from '../config/json-schema';

// Writes config/lab.schema.json; a test fails when the committed file is out of date.
const target = path.join(__dirname, '..', 'config', 'lab.schema.json');
fs.writeFileSync(target, `${JSON.stringify(labConfigJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
