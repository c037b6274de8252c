import type { JobView } from '@crux/contracts';
import { expectPositionals, parseCommandArgs, parseWholeNumber } from '../args.js';
import { CliError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { formatResultSummary } from '../format/job.js';
import { isAbort } from '../http/send.js';
import { pollIntervalMs, sleep } from '../poll.js';
import { printJson, type Command, type CommandContext } from './command.js';
import { watchJob } from './watch.js';

const options = {
  iters: { type: 'string' },
  sync: { type: 'boolean' },
  watch: { type: 'boolean', short: 'w' },
} as const;

export interface ContinueArgs {
  jobId: string;
  iters: number;
  sync: boolean;
  watch: boolean;
}

const ENDED = new Set(['completed', 'failed', 'cancelled']);

export function parseContinueArgs(argv: string[]): ContinueArgs {
  const { values, positionals } = parseCommandArgs('continue', argv, options);
  const [jobId] = expectPositionals('continue', positionals, ['job id']);
  const iters = parseWholeNumber('continue', '--iters', values.iters);
  if (iters === undefined) throw new UsageError('missing --iters N: how many more iterations to run', 'continue');
  if (values.sync && values.watch)
    throw new UsageError('--sync and --watch do not go together: --sync already waits for the result', 'continue');
  return { jobId, iters, sync: values.sync === true, watch: values.watch === true };
}

export const continueCommand: Command = {
  name: 'continue',
  summary: 'continue a completed, unconverged basic job as a new job',
  usage: ['continue <job-id> --iters N [--sync | --watch] [--json]'],
  details: `Carries a completed basic job whose evaluator did not converge (stop_reason max_iters
or time_limit) further, as a new job: it keeps the question, context and model, starts from
the origin's evolution history and runs N more iterations; its result counts both. The new
job names the origin in continued_from. Submitters continue their own jobs; operators any.

  --iters N    iterations to add (additional_iterations, 1 to 50)
  --sync       wait until the new job ends, then show its result
  -w, --watch  follow the new job like \`crux watch\`
  --json       the gateway's answer as JSON (with --sync: the finished job)

Exit code 0 once accepted; with --sync or --watch, 0 if the new job completed and 1 if it
failed or was cancelled. A job that cannot be continued (still running, converged,
enhanced) exits 6 with the reason; an unknown or deleted one exits 5.

Example:
  crux continue 0c7e2b1a-1111-4222-8333-444455556666 --iters 2 --watch`,
  async run(context, argv) {
    const args = parseContinueArgs(argv);
    const accepted = await context.client('submitter').continueJob(args.jobId, args.iters);
    if (typeof accepted?.job_id !== 'string')
      throw new CliError('the gateway accepted the continuation but sent no job_id', ExitCode.GatewayError);
    if (args.sync) return waitForEnd(context, accepted.job_id);
    if (context.json) printJson(context, accepted, args.watch);
    else if (args.watch) context.io.stderr.write(`continued job ${args.jobId} as job ${accepted.job_id}\n`);
    else {
      context.io.stdout.write(
        `continued job ${args.jobId} as job ${accepted.job_id} (${args.iters} more iteration${args.iters === 1 ? '' : 's'}, ${accepted.status})\n` +
          `  follow it:  crux watch ${accepted.job_id}\n` +
          `  see it:     crux status ${accepted.job_id}\n`,
      );
    }
    return args.watch ? watchJob(context, accepted.job_id) : ExitCode.Ok;
  },
};

/** --sync: the continue route always answers at once, so the CLI waits by polling the new job (every CRUX_POLL_MS). */
async function waitForEnd(context: CommandContext, jobId: string): Promise<number> {
  const { io } = context;
  const client = context.client('submitter');
  const intervalMs = pollIntervalMs(io.env);
  const aborter = new AbortController();
  const stopListening = io.onInterrupt(() => aborter.abort());
  let job: JobView;
  try {
    for (job = await client.getJob(jobId); !ENDED.has(job.status); job = await client.getJob(jobId))
      await sleep(intervalMs, aborter.signal);
  } catch (error) {
    if (!isAbort(error)) throw error;
    io.stderr.write(`crux: stopped waiting; job ${jobId} carries on (crux watch ${jobId})\n`);
    return ExitCode.Interrupted;
  } finally {
    stopListening();
  }
  if (context.json) printJson(context, job);
  else if (job.status === 'completed' && job.result)
    io.stdout.write(`job ${jobId} (continued from ${job.continued_from ?? '?'})\n${formatResultSummary(job.result)}\n`);
  else io.stdout.write(`job ${jobId} ${job.status}${job.error ? `: ${job.error}` : ''}\n`);
  return job.status === 'completed' ? ExitCode.Ok : ExitCode.JobUnsuccessful;
}
