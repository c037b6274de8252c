import type { Command } from './command.js';
import { reasonSuffix, runJobAction } from './job-action.js';

export const cancelCommand: Command = {
  name: 'cancel',
  summary: 'cancel a pending or running job',
  usage: ['cancel <job-id> [--reason TEXT] [--json]'],
  details: `Cancels the job: its status becomes cancelled and the worker running it stops it
(SIGTERM, then SIGKILL after a grace period). The job itself is kept, not deleted.
Submitters cancel their own jobs; operators any job.

  --reason TEXT   why, recorded in the audit trail
  --json          the job as the gateway answers (status cancelled)

A job that has already ended cannot be cancelled (exit 6); an unknown or deleted job exits 5.`,
  run: (context, argv) =>
    runJobAction(
      context,
      'cancel',
      argv,
      'submitter',
      (client, args) => client.cancelJob(args.jobId, args.reason),
      (job, args) => `cancelled job ${job.job_id}${reasonSuffix(args)}; the worker running it, if any, is stopping it`,
    ),
};
