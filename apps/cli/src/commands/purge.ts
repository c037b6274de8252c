import type { JobStatus, PurgeProgress } from '@crux/contracts';
import { parseCommandArgs, expectPositionals } from '../args.js';
import { parseDurationOption } from '../duration.js';
import { ApiError, CliError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { CruxClient, PurgePlanBody } from '../http/client.js';
import { isAbort } from '../http/send.js';
import { collectIds } from '../id-list.js';
import { isJobStatus, JOB_STATUSES } from '../job-types.js';
import { confirmPurge } from '../purge/confirmation.js';
import { describeFilter, formatCount, formatPurgePlan, type PurgeFilter } from '../purge/plan-display.js';
import { formatPurgeSummary, normaliseProgress, purgeLineState } from '../purge/progress.js';
import { followProgress } from '../render/follow-progress.js';
import { printJson, type Command, type CommandContext } from './command.js';

const options = {
  ids: { type: 'string', multiple: true },
  'ids-file': { type: 'string' },
  status: { type: 'string', multiple: true },
  'older-than': { type: 'string' },
  erase: { type: 'boolean' },
  reason: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
} as const;

export interface PurgeArgs {
  body: PurgePlanBody;
  filter: PurgeFilter;
  yes: boolean;
}

/** The command line of `purge` as the plan request it sends (reads --ids-file relative to `cwd`). */
export function parsePurgeArgs(argv: string[], cwd: string): PurgeArgs {
  const { values, positionals } = parseCommandArgs('purge', argv, options);
  expectPositionals('purge', positionals, []);
  const ids = collectIds('purge', { ids: values.ids, idsFile: values['ids-file'] }, cwd);
  const status = parseStatusList(values.status ?? []);
  const olderThanS = parseDurationOption('purge', '--older-than', values['older-than']);
  if (ids.length === 0 && status.length === 0 && olderThanS === undefined) {
    throw new UsageError('say what to purge: --ids, --ids-file, --status and/or --older-than (there is no "purge everything")', 'purge');
  }
  const reason = values.reason?.trim() || undefined;
  const erase = values.erase === true;
  const body: PurgePlanBody = {};
  if (ids.length > 0) body.job_ids = ids;
  if (status.length > 0) body.status = status;
  if (olderThanS !== undefined) body.older_than = olderThanS;
  if (erase) body.erase = true;
  if (reason !== undefined) body.reason = reason;
  return { body, filter: { ids, status, olderThanS, erase, reason }, yes: values.yes === true };
}

function parseStatusList(values: readonly string[]): JobStatus[] {
  const statuses = values
    .flatMap((value) => value.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const status of statuses) {
    if (!isJobStatus(status)) throw new UsageError(`--status must be one or more of ${JOB_STATUSES.join(', ')}, got '${status}'`, 'purge');
  }
  return [...new Set(statuses)] as JobStatus[];
}

export const purgeCommand: Command = {
  name: 'purge',
  summary: 'delete jobs in bulk, after showing the plan and a typed confirmation (operator)',
  usage: ['purge [--ids ID,ID… | --ids-file FILE] [--status S,S] [--older-than 7d] [--erase] [--reason TEXT] [--yes] [--json]'],
  details: `Asks the gateway for a purge plan: the exact jobs matching the filter, frozen now. Shows how
many, a sample of their ids, whether they are erased, and when the plan expires; then asks
you to type that number. Only then is the plan confirmed and run, with a progress bar,
ending with how many jobs were deleted, skipped (on hold, or already gone) and failed.
Each deleted job is archived first and can be restored (crux restore) until the archive
retention ends; --erase also removes its content from the event log, for good.

  --ids ID,ID…       these jobs (repeatable)
  --ids-file FILE    the jobs listed in FILE: one per line, or separated by spaces or commas; # comments
  --status S,S       jobs with one of these statuses: ${JOB_STATUSES.join(', ')}
  --older-than AGE   jobs created longer ago than AGE: 30m, 12h, 7d, 2w, 1d12h or seconds
  --erase            also erase the jobs' content from the event log: they cannot be restored
  --reason TEXT      why, recorded in the audit trail with each deletion
  -y, --yes          do not ask: confirm the plan as shown (for scripts)
  --json             one JSON document at the end: {"plan", "confirmed", "progress"}

Filters combine: a job must match all of them. With no terminal to type into (stdin is
a pipe or a file) purge refuses unless --yes is given. The plan expires unused if it is
not confirmed in time. Uses the operator key. CRUX_POLL_MS sets how often progress is
read (default 500).

Exit codes: 0 done (or nothing to purge), 8 not confirmed (nothing deleted), 10 some jobs
could not be deleted.

Examples:
  crux purge --status failed,cancelled --older-than 7d --reason "weekly cleanup"
  crux purge --ids-file stale.txt --erase --reason "GDPR request 1234" --yes`,
  async run(context, argv) {
    const args = parsePurgeArgs(argv, context.io.cwd);
    return runPurge(context, args);
  },
};

async function runPurge(context: CommandContext, args: PurgeArgs): Promise<number> {
  const { io } = context;
  if (!args.yes && !io.ask) {
    throw new CliError(
      'refusing to purge without a confirmation: standard input is not a terminal, so no one can type the count (run it in a terminal, or add --yes); nothing was deleted',
      ExitCode.NotConfirmed,
    );
  }
  const client = context.client('operator');
  const { confirm_token: token, ...plan } = await client.createPurgePlan(args.body);

  if (plan.count === 0) {
    if (context.json) printJson(context, { plan, confirmed: false, progress: null });
    else io.stdout.write(`nothing to purge: no job matches (${describeFilter(args.filter)})\n`);
    return ExitCode.Ok;
  }

  const shown = formatPurgePlan(plan, args.filter, io.now());
  // The person confirming must see the plan even when stdout is JSON for a script.
  if (!context.json) io.stdout.write(`${shown}\n\n`);
  else if (!args.yes) io.stderr.write(`${shown}\n\n`);

  let confirmation;
  try {
    confirmation = await confirmPurge(plan.count, { yes: args.yes, ask: io.ask });
  } catch (error) {
    if (!isAbort(error)) throw error;
    io.stderr.write('crux: interrupted: nothing was deleted\n');
    return ExitCode.Interrupted;
  }
  if (confirmation.kind !== 'confirmed') {
    const typed = confirmation.kind === 'declined' ? confirmation.typed.trim() : '';
    const what = typed === '' ? 'nothing was typed' : `'${typed}' is not ${plan.count}`;
    io.stderr.write(`crux: purge aborted (${what}): nothing was deleted; plan ${plan.plan_id} expires unused\n`);
    if (context.json) printJson(context, { plan, confirmed: false, progress: null });
    return ExitCode.NotConfirmed;
  }

  let progress: PurgeProgress;
  try {
    progress = normaliseProgress(await client.confirmPurge(plan.plan_id, token), plan);
  } catch (error) {
    if (error instanceof ApiError && error.status === 410) {
      throw new CliError(
        `plan ${plan.plan_id} expired before it was confirmed: nothing was deleted; run the purge again`,
        ExitCode.NotConfirmed,
        { cause: error },
      );
    }
    throw error;
  }
  const outcome = await followPurge(context, client, progress);
  if (outcome === 'interrupted') return ExitCode.Interrupted;
  progress = outcome;

  if (context.json) printJson(context, { plan, confirmed: true, progress });
  else io.stdout.write(`${formatPurgeSummary(progress)}\n`);
  if (progress.status === 'expired') {
    io.stderr.write(
      `crux: purge ${progress.plan_id} stopped before finishing (status expired); ${formatCount(progress.count - progress.deleted - progress.skipped)} jobs may remain\n`,
    );
    return ExitCode.PurgeIncomplete;
  }
  return progress.failed > 0 ? ExitCode.PurgeIncomplete : ExitCode.Ok;
}

/** Follows the plan until it completes, drawing the bar (text mode). */
function followPurge(context: CommandContext, client: CruxClient, first: PurgeProgress): Promise<PurgeProgress | 'interrupted'> {
  return followProgress<PurgeProgress>(
    { io: context.io, draw: !context.json },
    {
      kind: 'purge',
      read: async (last) => normaliseProgress(await client.getPurge(last.plan_id), last),
      finished: (p) => p.status === 'completed' || p.status === 'expired',
      line: purgeLineState,
      stillRunning: (p) => `${p.plan_id}; it keeps running on the server`,
    },
    first,
  );
}
