import type { RebuildProgress } from '@crux/contracts';
import { expectPositionals, parseCommandArgs } from '../args.js';
import { ApiError, CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { CruxClient } from '../http/client.js';
import { isAbort } from '../http/send.js';
import { confirmRebuild } from '../rebuild/confirmation.js';
import { explainRebuild } from '../rebuild/explain.js';
import { describeRebuild, formatRebuildSummary, isFinished, normaliseRebuildProgress, rebuildLineState } from '../rebuild/progress.js';
import { followProgress } from '../render/follow-progress.js';
import { printJson, type Command, type CommandContext } from './command.js';

const options = {
  reason: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
} as const;

export interface RebuildArgs {
  reason: string | undefined;
  yes: boolean;
}

export function parseRebuildArgs(argv: string[]): RebuildArgs {
  const { values, positionals } = parseCommandArgs('rebuild-state', argv, options);
  expectPositionals('rebuild-state', positionals, []);
  return { reason: values.reason?.trim() || undefined, yes: values.yes === true };
}

export const rebuildStateCommand: Command = {
  name: 'rebuild-state',
  summary: "rebuild job-state's live state in Redis from the JOBS event log (operator)",
  usage: ['rebuild-state [--reason TEXT] [--yes] [--json]'],
  details: `Asks job-state to replay the JOBS stream, the source of truth, into Redis: every event
still in the stream goes through the projection again, and only jobs Redis is missing, or
holds an older version of, are written back. Nothing live is deleted or overwritten;
deleted jobs stay deleted (GET answers 410) and erased jobs do not come back. Each job's
deadlines are counted from its own times, not from now, so a job whose TTL ran out
meanwhile is expired by job-state straight after and recorded with reason ttl.

job-state does this by itself when Redis loses its state (a restart without persistence,
a FLUSHALL); this command is for when you want it done now. It shows what it will do,
asks y/N, then follows the rebuild with a progress bar and ends with a summary: events
read, jobs restored, tombstones kept and how long it took. If a rebuild is already
running, it follows that one instead of starting another, and says so.

  --reason TEXT   why, recorded with the rebuild
  -y, --yes       do not ask (for scripts)
  --json          one JSON document at the end: {"started", "joined", "progress"}

With no terminal to answer in (stdin is a pipe or a file) it refuses unless --yes is
given. Ctrl-C stops following; the rebuild keeps running in job-state. Uses the operator
key. CRUX_POLL_MS sets how often progress is read (default 500).

Exit codes: 0 the rebuild completed, 8 not confirmed (nothing started), 7 the rebuild
failed in job-state (run it again).

Examples:
  crux rebuild-state
  crux rebuild-state --reason "redis restarted without its data" --yes`,
  async run(context, argv) {
    return runRebuild(context, parseRebuildArgs(argv));
  },
};

async function runRebuild(context: CommandContext, args: RebuildArgs): Promise<number> {
  const { io } = context;
  if (!args.yes && !io.ask) {
    throw new CliError(
      'refusing to rebuild without a confirmation: standard input is not a terminal, so no one can answer (run it in a terminal, or add --yes); nothing was started',
      ExitCode.NotConfirmed,
    );
  }
  const client = context.client('operator');
  const latest = await latestRebuild(client);
  if (latest?.status === 'running') {
    say(context, `a rebuild is already running: ${describeRebuild(latest, io.now())}; following it instead of starting another`);
    return follow(context, client, latest, { started: false, joined: true });
  }

  const shown = explainRebuild({ reason: args.reason, latest, now: io.now() });
  // The person confirming must see what it does even when stdout is JSON for a script.
  if (!context.json) io.stdout.write(`${shown}\n\n`);
  else if (!args.yes) io.stderr.write(`${shown}\n\n`);

  let confirmation;
  try {
    confirmation = await confirmRebuild({ yes: args.yes, ask: io.ask });
  } catch (error) {
    if (!isAbort(error)) throw error;
    io.stderr.write('crux: interrupted: no rebuild was started\n');
    return ExitCode.Interrupted;
  }
  if (confirmation.kind !== 'confirmed') {
    const typed = confirmation.kind === 'declined' ? confirmation.typed.trim() : '';
    io.stderr.write(`crux: rebuild not started (${typed === '' ? 'no answer' : `'${typed}' is not yes`}): nothing was changed\n`);
    if (context.json) printJson(context, { started: false, joined: false, progress: null });
    return ExitCode.NotConfirmed;
  }

  let started: RebuildProgress;
  try {
    started = normaliseRebuildProgress(await client.startRebuild(args.reason));
  } catch (error) {
    // Someone (or job-state itself, finding Redis empty) started one meanwhile.
    if (!(error instanceof ApiError) || error.status !== 409) throw error;
    const running = normaliseRebuildProgress(await client.getRebuild(), runningIdOf(error));
    say(context, `a rebuild is already running: ${describeRebuild(running, io.now())}; following it instead of starting another`);
    return follow(context, client, running, { started: false, joined: true });
  }
  return follow(context, client, started, { started: true, joined: false });
}

/** The latest rebuild job-state has on record; null when there is none (404). */
async function latestRebuild(client: CruxClient): Promise<RebuildProgress | null> {
  try {
    return normaliseRebuildProgress(await client.getRebuild());
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** The 409 answer names the running rebuild in `rebuild_id`. */
function runningIdOf(error: ApiError): string | undefined {
  const id = (error.body as { rebuild_id?: unknown } | null)?.rebuild_id;
  return typeof id === 'string' ? id : undefined;
}

/** A line for the person: on stdout in text mode, on stderr when stdout carries JSON. */
function say(context: CommandContext, text: string): void {
  (context.json ? context.io.stderr : context.io.stdout).write(`${text}\n`);
}

async function follow(
  context: CommandContext,
  client: CruxClient,
  first: RebuildProgress,
  how: { started: boolean; joined: boolean },
): Promise<number> {
  const { io } = context;
  const outcome = await pollToEnd(context, client, first);
  if (outcome === 'interrupted') return ExitCode.Interrupted;
  if (context.json) printJson(context, { ...how, progress: outcome });
  else io.stdout.write(`${formatRebuildSummary(outcome, io.now())}\n`);
  if (outcome.status === 'failed') {
    io.stderr.write(`crux: rebuild ${outcome.rebuild_id} failed in job-state: ${outcome.error ?? 'no reason given'}\n`);
    return ExitCode.GatewayError;
  }
  return ExitCode.Ok;
}

/** Follows the rebuild until it has completed or failed, drawing the bar (text mode). */
function pollToEnd(context: CommandContext, client: CruxClient, first: RebuildProgress): Promise<RebuildProgress | 'interrupted'> {
  return followProgress<RebuildProgress>(
    { io: context.io, draw: !context.json },
    {
      kind: 'rebuild',
      read: async (last) => normaliseRebuildProgress(await client.getRebuild(), last.rebuild_id),
      finished: isFinished,
      line: rebuildLineState,
      // 404: Redis lost the progress record for a moment (flushed again mid-rebuild); job-state rewrites it.
      retryable: (error) => error instanceof ApiError && error.status === 404,
      stillRunning: (p) => `${p.rebuild_id}; it keeps running in job-state (crux rebuild-state again shows it)`,
    },
    first,
  );
}
