import type { Command } from './command.js';
import { createHelpCommand } from './help.js';
import { jobsCommand } from './jobs.js';
import { statusCommand } from './status.js';
import { submitCommand } from './submit.js';
import { watchCommand } from './watch.js';

export type { Command, CommandContext } from './command.js';

/** Every command, in the order `crux help` lists them. */
export const COMMANDS: readonly Command[] = [
  submitCommand,
  watchCommand,
  statusCommand,
  jobsCommand,
  createHelpCommand(() => COMMANDS),
];
