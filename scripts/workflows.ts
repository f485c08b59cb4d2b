import * as fs from 'fs';
import * as path from 'path';
import { loadLabConfig } from '../config/load';
import { generateWorkflows } from '../stacks/ci-workflows';

// Regenerates the forge workflows from the lab config (`npm run workflows`); commit the result.
const root = path.join(__dirname, '..');
for (const file of generateWorkflows(loadLabConfig())) {
  const target = path.join(root, file.path);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, file.content);
  process.stdout.write(`wrote ${file.path}\n`);
}
