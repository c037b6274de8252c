/**
 * The shape shared by the one-job commands (cancel, restore, hold, release):
 * `<job-id> [--reason TEXT] [--json]`, one request, one line saying what happened.
 */
import type { JobView, Role } from '@crux/contracts';
import { expectPositionals, parseCommandArgs } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import type { CruxClient } from '../http/client.js';
import { printJson, type CommandContext } from './command.js';

const options = { reason: { type: 'string' } } as const;

export interface JobActionArgs {
  jobId: string;
  reason: string | undefined;
}

export function parseJobActionArgs(command: string, argv: string[]): JobActionArgs {
  const { values, positionals } = parseCommandArgs(command, argv, options);
  const [jobId] = expectPositionals(command, positionals, ['job id']);
  return { jobId, reason: values.reason?.trim() || undefined };
}

export async function runJobAction(
  context: CommandContext,
  command: string,
  argv: string[],
  role: Role,
  act: (client: CruxClient, args: JobActionArgs) => Promise<JobView>,
  describe: (job: JobView, args: JobActionArgs) => string,
): Promise<number> {
  const args = parseJobActionArgs(command, argv);
  const job = await act(context.client(role), args);
  if (context.json) printJson(context, job);
  else context.io.stdout.write(`${describe(job, args)}\n`);
  return ExitCode.Ok;
}

/** ` (reason: …)` when one was given. */
export function reasonSuffix(args: JobActionArgs): string {
  return args.reason ? ` (reason: ${args.reason})` : '';
}
