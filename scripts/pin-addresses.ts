import * as fs from 'fs';
import * as path from 'path';
import { loadLabConfig } from '../config/load';
import { resourceAddresses } from '../stacks/addresses';

// Rewrites the pinned resource addresses of the example lab. Run it only when a change of address
// is intended (new resources, or a move done with `moveTo`), and say so in the pull request.
const target = path.join(__dirname, '..', '__tests__', 'pinned-addresses.json');
fs.writeFileSync(target, `${JSON.stringify(resourceAddresses(loadLabConfig(path.join(__dirname, '..', 'config', 'lab.yaml'))), null, 2)}\n`);
process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
