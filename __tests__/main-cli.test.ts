import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

function runMain(env: Record<string, string>) {
  return spawnSync(tsx, ['main.ts'], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
}

describe('main.ts (the cdktf app)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'main-cli-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('synthesizes every stack of the example config into CDKTF_OUTDIR', () => {
    const outdir = path.join(dir, 'out');
    const result = runMain({ CDKTF_OUTDIR: outdir, LAB_CONFIG: path.join(root, 'config', 'lab.yaml') });
    expect(result.status).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['main', 'main-bootstrap', 'main-cluster', 'qnap', 'sandbox', 'sandbox-cluster']);
    expect(fs.existsSync(`${outdir}.staging`)).toBe(false);
  });

  test('fails on a bad config: exits non-zero, names the field, writes no output', () => {
    const outdir = path.join(dir, 'out');
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, fs.readFileSync(path.join(root, 'config', 'lab.yaml'), 'utf8').replace('delivery: eso', 'delivery: helm'));
    const result = runMain({ CDKTF_OUTDIR: outdir, LAB_CONFIG: bad });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/apps\[1\]\.delivery = "helm": must be one of "vso", "eso"/);
    expect(fs.existsSync(outdir)).toBe(false);
    expect(fs.existsSync(`${outdir}.staging`)).toBe(false);
  });

  test('a failed synthesis leaves an earlier good output untouched', () => {
    const outdir = path.join(dir, 'out');
    expect(runMain({ CDKTF_OUTDIR: outdir }).status).toBe(0);
    const before = fs.readFileSync(path.join(outdir, 'stacks', 'main', 'cdk.tf.json'), 'utf8');
    const result = runMain({ CDKTF_OUTDIR: outdir, LAB_CONFIG: path.join(dir, 'missing.yaml') });
    expect(result.status).not.toBe(0);
    expect(fs.readFileSync(path.join(outdir, 'stacks', 'main', 'cdk.tf.json'), 'utf8')).toBe(before);
  });
});
