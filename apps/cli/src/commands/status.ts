import { expectPositionals, parseCommandArgs } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { formatJobDetail } from '../format/job.js';
import { printJson, type Command } from './command.js';

export const statusCommand: Command = {
  name: 'status',
  summary: 'show one job',
  usage: ['status <job-id> [--json]'],
  details: `Shows the job's status, progress, owner, times, and its result or error.

  --json   the job as the API returns it (GET /api/v1/jobs/{id})`,
  async run(context, argv) {
    const { positionals } = parseCommandArgs('status', argv, {});
    const [jobId] = expectPositionals('status', positionals, ['job id']);
    const job = await context.client().getJob(jobId);
    if (context.json) printJson(context, job);
    else context.io.stdout.write(`${formatJobDetail(job, context.io.now())}\n`);
    return ExitCode.Ok;
  },
};
