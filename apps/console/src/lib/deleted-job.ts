/**
 * A deleted job as its 410 says it (when, why, by whom), and why a restore is refused
 * when it is: the console says these in words, the API's message kept beside them.
 */
import { ApiError } from './api';
import { formatTime } from './format';

export interface DeletedJob {
  deletedAt: string;
  reason: string;
  actor: string;
  message: string;
}

const REASONS: Record<string, string> = {
  purge: "an operator's purge",
  erase: "an operator's purge with erase (the content is gone for good)",
  ttl: 'its time to live ran out (TTL expiry)',
  external: 'something outside Crux removed it from Redis',
};

/** The 410's body as a deleted job; null for any other answer. */
export function deletedJobOf(error: unknown): DeletedJob | null {
  if (!(error instanceof ApiError) || error.status !== 410) return null;
  const body = error.body;
  const actor = body.actor as { kind?: string; id?: string } | undefined;
  return {
    deletedAt: typeof body.deleted_at === 'string' ? body.deleted_at : '',
    reason: typeof body.reason === 'string' ? body.reason : 'unknown',
    actor: actor?.id ? `${actor.id}${actor.kind && actor.kind !== 'user' ? ` (${actor.kind})` : ''}` : 'unknown',
    message: error.message,
  };
}

/** `Deleted 2026-11-28 12:10:04 UTC by ops: an operator's purge`. */
export function describeDeletion(job: DeletedJob): string {
  return `Deleted ${formatTime(job.deletedAt)} by ${job.actor}: ${REASONS[job.reason] ?? job.reason}`;
}

/** Why a restore was refused, from its answer (409 live, 410 erased, 404 beyond retention). */
export function explainRestoreRefusal(error: unknown): string {
  if (!(error instanceof ApiError)) return `the restore failed: ${String(error)}`;
  switch (error.status) {
    case 410:
      return `cannot be restored: the job was erased, its content no longer exists (${error.message})`;
    case 404:
      return `cannot be restored: no archived copy within the archive retention (${error.message})`;
    case 409:
      return `nothing to restore: the job is live (${error.message})`;
    default:
      return `the restore failed (${error.status}): ${error.message}`;
  }
}
