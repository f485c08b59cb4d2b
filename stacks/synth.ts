import { AnnotationMetadataEntryType, App } from 'cdktf';
import { IConstruct } from 'constructs';
import { ConfigError, DEFAULT_CONFIG_FILE, loadLabConfig } from '../config/load';
import { engineEnvironmentIssues } from '../config/engine-checks';
import { buildLab } from './lab';
import { writePostgresGroupRoleScripts } from './postgres-group-roles';
import { checkOutputFolder, createStaging, discardStaging, publishOutput } from './synth-output';

/**
 * Synthesizes the lab into `outdir` all or nothing: stacks are written to a staging folder that
 * replaces `outdir` only when every stack has synthesized and no construct carries an error (a rule
 * finding), so a failure leaves no partial output behind and an earlier good `outdir` untouched.
 * `outdir` must be new, empty, or an earlier output (`checkOutputFolder`); files in it that
 * synthesis did not write are kept.
 */
export function synthesizeLab(outdir: string, configFile?: string): void {
  const target = checkOutputFolder(outdir);
  const config = loadLabConfig(configFile);
  const engineIssues = engineEnvironmentIssues(config.terraform, process.env);
  if (engineIssues.length > 0) throw new ConfigError(configFile ?? (process.env.LAB_CONFIG || DEFAULT_CONFIG_FILE), engineIssues);
  const staging = createStaging(target);
  try {
    const app = new App({ outdir: staging, skipValidation: false });
    withCdktfErrorCheckDeferred(() => buildLab(app, config));
    app.synth();
    failOnErrors(app);
    writePostgresGroupRoleScripts(staging, config);
    publishOutput(staging, target);
  } finally {
    discardStaging(staging);
  }
}

const CONTINUE_ON_ERRORS = 'CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS';

/**
 * Builds stacks that leave the decision on error annotations to `failOnErrors`, whatever the
 * environment says. Each TerraformStack reads CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS once, when
 * constructed, and then writes every stack despite errors (cdktf lib/terraform-stack.ts,
 * lib/synthesize/synthesizer.ts); the cdktf CLI sets it to print the errors itself, with stack
 * traces, after a complete output is written (@cdktf/cli-core src/lib/synth-stack.ts, synth.ts).
 */
function withCdktfErrorCheckDeferred(build: () => void): void {
  const before = process.env[CONTINUE_ON_ERRORS];
  process.env[CONTINUE_ON_ERRORS] = 'true';
  try {
    build();
  } finally {
    if (before === undefined) delete process.env[CONTINUE_ON_ERRORS];
    else process.env[CONTINUE_ON_ERRORS] = before;
  }
}

/** Fails with every error annotation of every stack, each with its construct path. */
function failOnErrors(app: IConstruct): void {
  const errors = app.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.ERROR).map((m) => `  - [${c.node.path}] ${String(m.data)}`));
  if (errors.length > 0) {
    const count = errors.length === 1 ? 'an error' : `${errors.length} errors`;
    throw new Error(`the stacks carry ${count}, each with its construct path; fix them (rule ids, and suppressing one with a written reason: docs/security.md):\n${errors.join('\n')}`);
  }
}
