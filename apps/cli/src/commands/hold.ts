import type { Command } from './command.js';
import { reasonSuffix, runJobAction } from './job-action.js';

export const holdCommand: Command = {
  name: 'hold',
  summary: 'put a job under legal hold: no expiry, no purge (operator)',
  usage: ['hold <job-id> [--reason TEXT] [--json]'],
  details: `Puts the job under legal hold: it no longer expires, and no purge plan includes it, until
it is released (crux release). Recorded in the audit trail.

  --reason TEXT   why, recorded in the audit trail
  --json          the job as the gateway answers (held true)

Uses the operator key.`,
  run: (context, argv) =>
    runJobAction(
      context,
      'hold',
      argv,
      'operator',
      (client, args) => client.setHold(args.jobId, true, args.reason),
      (job, args) =>
        `job ${job.job_id} is on hold${reasonSuffix(args)}: it will not expire and no purge includes it (crux release ${job.job_id} to lift it)`,
    ),
};
