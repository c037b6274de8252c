import { auditCommand } from './audit.js';
import { cancelCommand } from './cancel.js';
import type { Command } from './command.js';
import { continueCommand } from './continue.js';
import { createHelpCommand } from './help.js';
import { holdCommand } from './hold.js';
import { jobsCommand } from './jobs.js';
import { keysCommand } from './keys.js';
import { purgeCommand } from './purge.js';
import { rebuildStateCommand } from './rebuild-state.js';
import { releaseCommand } from './release.js';
import { restoreCommand } from './restore.js';
import { statusCommand } from './status.js';
import { submitCommand } from './submit.js';
import { verifyPurgeCommand } from './verify-purge.js';
import { watchCommand } from './watch.js';

export type { Command, CommandContext } from './command.js';

/** Every command, in the order `crux help` lists them. */
export const COMMANDS: readonly Command[] = [
  submitCommand,
  continueCommand,
  watchCommand,
  statusCommand,
  jobsCommand,
  cancelCommand,
  purgeCommand,
  verifyPurgeCommand,
  restoreCommand,
  holdCommand,
  releaseCommand,
  rebuildStateCommand,
  auditCommand,
  keysCommand,
  createHelpCommand(() => COMMANDS),
];
