import type { Role } from '@crux/contracts';
import type { CruxClient } from '../http/client.js';
import type { Io } from '../io.js';

export interface CommandContext {
  io: Io;
  /** `--json` was given: print machine-readable JSON on stdout instead of text. */
  json: boolean;
  /** The gateway client, created on first use with a key for `role` (resolving a development key prints a notice). */
  client(role?: Role): CruxClient;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Synopsis lines, without the leading `crux `. */
  usage: readonly string[];
  /** Options, notes and examples shown by `crux <name> --help`. */
  details: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(context: CommandContext, argv: string[]): Promise<number>;
}

/** Writes `value` as JSON on stdout: one document, or one line per value with `lines`. */
export function printJson(context: CommandContext, value: unknown, lines = false): void {
  context.io.stdout.write(`${lines ? JSON.stringify(value) : JSON.stringify(value, null, 2)}\n`);
}
