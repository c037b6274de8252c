import { isJobStatus, type JobStatus } from '@crux/contracts';
import { assertNever, type PlannedUpdate } from '../domain/index.js';

/**
 * What a rebuild must put right on one job after replaying its events through the scripts.
 * The scripts count TTLs and the revoke wait from the moment they run (Redis's clock); a
 * rebuild runs long after the events, so each job's deadlines are counted again from the
 * job's own times: the event that last set them.
 */
export interface JobTrack {
  /** The hash's version after the rebuild's last applied event; null when the job ends without a key. */
  version: number | null;
  /** The job's status TTL as its last TTL-setting event set it; null: leave the TTL as the scripts left it. */
  ttlFrom: { atMs: number; ttlS: number } | null;
  /** A cancelled running job still waiting for its worker's revoke: when the wait ends (ms). */
  revokeDeadlineMs: number | null;
  /** The job ends deleted: its tombstone's sequence and when the tombstone expires (ms). */
  tombstone: { seq: number; expiresAtMs: number } | null;
}

export interface TrackSettings {
  revokeConfirmMs: number;
  archiveRetentionS: number;
}

/** An applied event's effect on the job's deadlines; `previous` is the status the script reported before it. */
export function trackApplied(
  track: JobTrack | undefined,
  plan: PlannedUpdate,
  occurredAtMs: number,
  previous: JobStatus | null,
  s: TrackSettings,
): JobTrack {
  const current: JobTrack = track ?? { version: null, ttlFrom: null, revokeDeadlineMs: null, tombstone: null };
  switch (plan.kind) {
    case 'apply': {
      let revokeDeadlineMs = current.revokeDeadlineMs;
      if (plan.awaitsRevoke && previous === 'running') revokeDeadlineMs = occurredAtMs + s.revokeConfirmMs;
      if (plan.endsRevokeWait) revokeDeadlineMs = null;
      return {
        version: plan.seq,
        // A held job's script leaves its TTL alone whatever this says; the fix does too (it reads `held`).
        ttlFrom: plan.ttlS === null ? current.ttlFrom : { atMs: occurredAtMs, ttlS: plan.ttlS },
        revokeDeadlineMs,
        tombstone: null,
      };
    }
    case 'delete':
      return {
        version: null,
        ttlFrom: null,
        revokeDeadlineMs: null,
        tombstone: { seq: plan.seq, expiresAtMs: occurredAtMs + s.archiveRetentionS * 1000 },
      };
    case 'restore':
      return {
        version: plan.seq,
        ttlFrom: plan.held ? null : { atMs: occurredAtMs, ttlS: plan.ttlS },
        revokeDeadlineMs: null,
        tombstone: null,
      };
    case 'hold': {
      // A release counts the TTL of the job's status afresh from the release.
      const released = !plan.held && isJobStatus(previous);
      return {
        ...current,
        version: plan.seq,
        ttlFrom: released ? { atMs: occurredAtMs, ttlS: plan.ttlByStatus[previous] } : current.ttlFrom,
      };
    }
    case 'skip':
      return current;
    default:
      return assertNever(plan, 'planned update');
  }
}

/** The job's deadline in the expiry index (ms), counted from its own times; null: none to set. */
export function deadlineOf(track: JobTrack): number | null {
  return track.ttlFrom ? track.ttlFrom.atMs + track.ttlFrom.ttlS * 1000 : null;
}

/**
 * Seconds for Redis's own TTL on a key whose deadline is `deadlineMs`: the grace beyond it, as
 * the scripts give. A deadline already past keeps the key for the grace alone, so job-state's
 * sweep deletes it from its snapshot (reason ttl) before Redis would drop it unrecorded.
 */
export function keyTtlS(deadlineMs: number, nowMs: number, graceS: number): number {
  return Math.max(0, Math.ceil((deadlineMs - nowMs) / 1000)) + Math.max(1, graceS);
}

/** What the rebuild tells about its jobs: how many it wrote back live, how many it left deleted. */
export function countOutcome(tracks: Iterable<JobTrack>): { restored: number; deleted: number } {
  let restored = 0;
  let deleted = 0;
  for (const t of tracks) {
    if (t.version !== null) restored++;
    else if (t.tombstone !== null) deleted++;
  }
  return { restored, deleted };
}

/** Seconds left to a tombstone that expires at `expiresAtMs`; at least 1, so it is never dropped by the fix itself. */
export function tombstoneTtlS(expiresAtMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((expiresAtMs - nowMs) / 1000));
}
