import type { Command } from './command.js';
import { reasonSuffix, runJobAction } from './job-action.js';

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'bring a deleted job back from the archive (operator)',
  usage: ['restore <job-id> [--reason TEXT] [--json]'],
  details: `Restores a deleted job from the archive (its history in the event log, or the snapshot its
deletion carried), within the archive retention. The job is live again, as it was; the restore is recorded in the audit trail.

  --reason TEXT   why, recorded in the audit trail
  --json          the restored job as the gateway answers

A job that is still live cannot be restored (exit 6); an erased job (purge --erase) or one
never seen cannot (exit 5). Uses the operator key.`,
  run: (context, argv) =>
    runJobAction(
      context,
      'restore',
      argv,
      'operator',
      (client, args) => client.restoreJob(args.jobId, args.reason),
      (job, args) => `restored job ${job.job_id} (${job.status})${reasonSuffix(args)}`,
    ),
};
