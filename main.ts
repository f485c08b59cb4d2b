import { synthesizeLab } from './stacks/synth';

// cdktf records a stack trace for every token it creates, and tsx turns source maps on, which made
// mapping those traces a third of a large synthesis. Failures are reported by message (construct
// path, config field), never by stack trace, so the traces need no mapping.
process.setSourceMapsEnabled(false);

// The cdktf CLI passes the output folder in CDKTF_OUTDIR; `tsx main.ts` alone writes cdktf.out.
try {
  synthesizeLab(process.env.CDKTF_OUTDIR || 'cdktf.out');
} catch (e) {
  process.stderr.write(`synthesis failed: ${(e as Error).message}\n`);
  process.exit(1);
}
