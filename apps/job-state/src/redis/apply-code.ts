/** What an apply script answered (apply-events, delete-jobs, restore-job, set-hold); each header lists its codes. */
export const ApplyCode = {
  Applied: 1,
  /** The hash's version is already at or past this event: a redelivery or duplicate. */
  Stale: 0,
  /** The job's status does not allow this event (e.g. a progress after completed, a restore of a live job). */
  Rejected: -1,
  /** The event needs an existing job and there is none (never projected, or deleted). */
  NoJob: -2,
  /** The job was deleted: only a restore brings it back (a replayed `created` does not). */
  Tombstoned: -3,
  /** A purge, erase or TTL expiry of a job on legal hold: nothing deleted. */
  Held: -5,
  /** A hold of a held job, or a release of one not held: nothing changed. */
  Unchanged: -6,
} as const;
export type ApplyCode = (typeof ApplyCode)[keyof typeof ApplyCode];

const CODES = new Set<number>(Object.values(ApplyCode));

export class ScriptReplyError extends Error {
  constructor(command: string, jobId: string, reply: unknown) {
    super(`${command} for job ${jobId} answered ${JSON.stringify(reply)}, which is not an ApplyCode`);
    this.name = 'ScriptReplyError';
  }
}

/** Turns the script's `{code, status before}` reply into typed values, or fails naming the job. */
export function toApplyCode(command: string, jobId: string, reply: unknown): { code: ApplyCode; previous: string | null } {
  if (!Array.isArray(reply) || !CODES.has(Number(reply[0]))) throw new ScriptReplyError(command, jobId, reply);
  const previous = reply[1] ? String(reply[1]) : null;
  return { code: Number(reply[0]) as ApplyCode, previous };
}
