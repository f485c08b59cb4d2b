import * as fs from 'fs';
import { App } from 'cdktf';
import { loadLabConfig } from '../config/load';
import { buildLab } from './lab';
import { writePostgresGroupRoleScripts } from './postgres-group-roles';

/**
 * Synthesizes the lab into `outdir` all or nothing: stacks are written to a staging folder that
 * replaces `outdir` only when every stack has synthesized and validated, so a failure leaves no
 * partial output behind (and an earlier good `outdir` untouched).
 */
export function synthesizeLab(outdir: string, configFile?: string): void {
  const config = loadLabConfig(configFile);
  const staging = `${outdir}.staging`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    const app = new App({ outdir: staging, skipValidation: false });
    buildLab(app, config);
    app.synth();
    writePostgresGroupRoleScripts(staging, config);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.renameSync(staging, outdir);
}
