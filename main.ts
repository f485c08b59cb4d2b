import { synthesizeLab } from './stacks/synth';

// The cdktf CLI passes the output folder in CDKTF_OUTDIR; `tsx main.ts` alone writes cdktf.out.
try {
  synthesizeLab(process.env.CDKTF_OUTDIR || 'cdktf.out');
} catch (e) {
  process.stderr.write(`synthesis failed: ${(e as Error).message}\n`);
  process.exit(1);
}
