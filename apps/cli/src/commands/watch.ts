import { expectPositionals, parseCommandArgs } from '../args.js';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { formatResultSummary } from '../format/job.js';
import { isAbort } from '../http/send.js';
import { LiveLine } from '../render/live-line.js';
import { renderProgressLine } from '../render/progress-bar.js';
import { followJobEvents } from '../sse/follow-job.js';
import { applyJobEvent, describeOutcome, INITIAL_WATCH_STATE, outcomeOfJob, type WatchOutcome } from '../watch-state.js';
import { printJson, type Command, type CommandContext } from './command.js';

export const watchCommand: Command = {
  name: 'watch',
  summary: "follow a job's progress until it ends",
  usage: ['watch <job-id> [--json]'],
  details: `Shows a progress bar and the current phase until the job ends, then the result.
On a terminal the line is redrawn in place; otherwise each change is one line.
If the connection drops, watch reconnects and resumes after the last event seen.
Ctrl-C stops watching; the job keeps running.

Exit code 0 when the job completed, 1 when it failed or was cancelled.

  --json   one JSON object per event instead: {"id": <seq>, "event": <type>, "data": <envelope>};
           for a finished job whose events are no longer kept, the job itself`,
  async run(context, argv) {
    const { positionals } = parseCommandArgs('watch', argv, {});
    const [jobId] = expectPositionals('watch', positionals, ['job id']);
    return watchJob(context, jobId);
  },
};

/** Follows `jobId` to its end; shared by `watch` and `submit --watch`. */
export async function watchJob(context: CommandContext, jobId: string): Promise<number> {
  const { io } = context;
  const client = context.client();
  const live = new LiveLine(io.stdout, io.stderr);
  const style = io.stdout.isTTY ? 'unicode' : 'ascii';
  let state = INITIAL_WATCH_STATE;
  let outcome: WatchOutcome | undefined;
  const draw = () => renderProgressLine(state, { columns: io.stdout.columns, style });
  const aborter = new AbortController();
  const stopListening = io.onInterrupt(() => aborter.abort());

  try {
    const events = followJobEvents(client, jobId, {
      signal: aborter.signal,
      onReconnect: (info) => {
        if (!info.afterFailure) return;
        const from = info.lastEventId ? ` after event ${info.lastEventId}` : '';
        live.notice(`crux: lost the event stream (${info.reason}); reconnecting in ${Math.ceil(info.delayMs / 100) / 10}s${from}`);
      },
    });
    for await (const event of events) {
      if (context.json) {
        printJson(context, { id: event.id, event: event.type, data: event.envelope ?? event.raw }, true);
      }
      const step = applyJobEvent(state, event);
      state = step.state;
      if (!context.json) {
        if (step.notice) live.notice(step.notice);
        live.update(draw());
      }
      if (step.outcome) outcome = step.outcome;
    }
  } catch (error) {
    if (aborter.signal.aborted || isAbort(error)) {
      live.finish();
      io.stderr.write(`crux: stopped watching job ${jobId}; it keeps running (crux watch ${jobId} to follow it again)\n`);
      return ExitCode.Interrupted;
    }
    live.finish();
    throw error;
  } finally {
    stopListening();
  }

  live.finish();
  if (!outcome) {
    const job = await client.getJob(jobId);
    outcome = outcomeOfJob(job);
    if (!outcome) throw new CliError(`the event stream of job ${jobId} ended while the job is still ${job.status}`, ExitCode.GatewayError);
    // As when the events are followed: a completed job's last phase says nothing, a failed job's says where.
    state = { status: job.status, progress: job.progress, phase: job.status === 'completed' ? null : job.current_phase };
    if (context.json) printJson(context, job, true);
    else live.update(draw());
    live.finish();
  }
  if (outcome.kind === 'completed') {
    if (!context.json) io.stdout.write(outcome.result ? `${formatResultSummary(outcome.result)}\n` : 'completed\n');
    return ExitCode.Ok;
  }
  if (!context.json) io.stdout.write(`${describeOutcome(outcome)}\n`);
  return ExitCode.JobUnsuccessful;
}
