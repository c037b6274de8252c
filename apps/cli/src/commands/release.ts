import { formatDuration } from '../format/time.js';
import type { Command } from './command.js';
import { reasonSuffix, runJobAction } from './job-action.js';

export const releaseCommand: Command = {
  name: 'release',
  summary: 'lift the legal hold of a job (operator)',
  usage: ['release <job-id> [--reason TEXT] [--json]'],
  details: `Lifts the legal hold set by crux hold: the job expires again as its status dictates, and
purges may include it. Recorded in the audit trail.

  --reason TEXT   why, recorded in the audit trail
  --json          the job as the gateway answers (held false)

Uses the operator key.`,
  run: (context, argv) =>
    runJobAction(
      context,
      'release',
      argv,
      'operator',
      (client, args) => client.setHold(args.jobId, false, args.reason),
      (job, args) => {
        const expiry = typeof job.ttl_s === 'number' ? `; it expires in ${formatDuration(job.ttl_s)}` : '';
        return `released job ${job.job_id} from hold${reasonSuffix(args)}${expiry}`;
      },
    ),
};
