import type { JobView } from '@crux/contracts';
import { expectPositionals, parseCommandArgs, parseWholeNumber } from '../args.js';
import { CliError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { formatJobsTable } from '../format/job.js';
import type { ListJobsQuery } from '../http/client.js';
import { isJobStatus, JOB_STATUSES } from '../job-types.js';
import { printJson, type Command } from './command.js';

const options = {
  status: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  all: { type: 'boolean' },
} as const;

export interface JobsArgs {
  query: ListJobsQuery;
  all: boolean;
}

export function parseJobsArgs(argv: string[]): JobsArgs {
  const { values, positionals } = parseCommandArgs('jobs', argv, options);
  expectPositionals('jobs', positionals, []);
  if (values.status !== undefined && !isJobStatus(values.status)) {
    throw new UsageError(`--status must be one of ${JOB_STATUSES.join(', ')}, got '${values.status}'`, 'jobs');
  }
  return {
    query: {
      status: values.status,
      limit: parseWholeNumber('jobs', '--limit', values.limit),
      cursor: values.cursor,
    },
    all: values.all === true,
  };
}

export const jobsCommand: Command = {
  name: 'jobs',
  summary: 'list jobs, newest first',
  usage: ['jobs [--status S] [--limit N] [--cursor C] [--all] [--json]'],
  details: `Lists the jobs you may see (your own; every job with an operator key).

  --status S   only jobs with this status: ${JOB_STATUSES.join(', ')}
  --limit N    jobs per page (the gateway caps it)
  --cursor C   continue from the cursor a previous page ended with
  --all        fetch every page
  --json       {"jobs": [...], "next_cursor": ...} as the API returns it (all pages merged with --all)`,
  async run(context, argv) {
    const { query, all } = parseJobsArgs(argv);
    const client = context.client();
    const jobs: JobView[] = [];
    const seen = new Set<string>();
    let cursor = query.cursor;
    let nextCursor: string | null;
    for (;;) {
      const page = await client.listJobs({ ...query, cursor });
      jobs.push(...page.jobs);
      nextCursor = page.next_cursor ?? null;
      if (!all || !nextCursor) break;
      // A cursor that comes back again would page for ever.
      if (seen.has(nextCursor)) throw new CliError(`the gateway returned cursor '${nextCursor}' twice`, ExitCode.GatewayError);
      seen.add(nextCursor);
      cursor = nextCursor;
    }

    if (context.json) {
      printJson(context, { jobs, next_cursor: nextCursor });
      return ExitCode.Ok;
    }
    const { io } = context;
    if (jobs.length === 0) {
      io.stdout.write(query.status ? `no ${query.status} jobs\n` : 'no jobs\n');
    } else {
      io.stdout.write(`${formatJobsTable(jobs, io.now())}\n`);
    }
    if (nextCursor) io.stderr.write(`more jobs: ${nextPageCommand(query, nextCursor)}  (or --all)\n`);
    return ExitCode.Ok;
  },
};

function nextPageCommand(query: ListJobsQuery, cursor: string): string {
  const parts = ['crux jobs'];
  if (query.status) parts.push(`--status ${query.status}`);
  if (query.limit) parts.push(`--limit ${query.limit}`);
  parts.push(`--cursor ${shellQuote(cursor)}`);
  return parts.join(' ');
}

function shellQuote(text: string): string {
  return /^[\w.:=+/-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
