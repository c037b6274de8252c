import { describe, expect, it } from '@jest/globals';
import type { JobEvent, JobView } from '@crux/contracts';
import { jobEvents } from '../../test/support/job-events.js';
import { planUpdate } from '../domain/index.js';
import { countOutcome, deadlineOf, keyTtlS, tombstoneTtlS, trackApplied, type JobTrack } from './job-track.js';

const TTL = { ttlActiveS: 100, ttlCompletedS: 7 * 86400, ttlFailedS: 300, ttlCancelledS: 400 };
const S = { ...TTL, revokeConfirmMs: 5000, archiveRetentionS: 1000 };
const ID = '0b6c2a3e-6a51-4f0c-9a39-0f5b7f1f2e10';
const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000);

const snapshot = (over: Partial<JobView> = {}): JobView => ({
  job_id: ID,
  status: 'completed',
  created_at: at(0).toISOString(),
  started_at: null,
  completed_at: null,
  progress: 1,
  current_phase: null,
  result: null,
  error: null,
  partial_results: null,
  request: {},
  mode: 'basic',
  owner: 'alice',
  model_name: null,
  continued_from: null,
  version: 3,
  held: false,
  ...over,
});

const e = jobEvents(ID, 'alice', at(0));
const events = {
  created: (_s: number) => e.created(),
  started: (s: number) => e.started(s * 1000),
  progress: (s: number) => e.progress(0.5, s * 1000),
  completed: (s: number) => e.completed(s * 1000),
  cancel: (s: number) => e.cancel(s * 1000),
  revoked: (s: number) => e.revoked(s * 1000),
  deleted: (s: number, snap: JobView | null) => e.deleted(snap, snap ? 'purge' : 'erase', s * 1000),
  restored: (s: number, snap: JobView) => e.restored(snap, 'x', s * 1000),
  held: (s: number) => e.held(s * 1000),
  released: (s: number) => e.released(s * 1000),
};

/** Replays `history` as if every event applied, with the status each script would report before it. */
function replay(history: [JobEvent, string | null][]): JobTrack | undefined {
  let track: JobTrack | undefined;
  history.forEach(([event, previous], i) => {
    track = trackApplied(track, planUpdate(event, i + 1, TTL), Date.parse(event.occurred_at), previous as never, S);
  });
  return track;
}

describe('a rebuilt job’s deadlines, counted from its own times', () => {
  it('a job completed 6 days ago with a 7-day TTL has 1 day left, not 7', () => {
    const track = replay([
      [events.created(0), null],
      [events.started(10), 'pending'],
      [events.completed(20), 'running'],
    ]);
    const now = T0 + 20_000 + 6 * 86_400_000;
    expect(deadlineOf(track as JobTrack)).toBe(T0 + 20_000 + 7 * 86_400_000);
    expect(keyTtlS(deadlineOf(track as JobTrack) as number, now, 60)).toBe(86_400 + 60);
    expect(track).toMatchObject({ version: 3, revokeDeadlineMs: null, tombstone: null });
  });

  it('an active job counts its safety TTL from its last progress', () => {
    const track = replay([
      [events.created(0), null],
      [events.started(10), 'pending'],
      [events.progress(50), 'running'],
    ]);
    expect(deadlineOf(track as JobTrack)).toBe(T0 + 50_000 + 100_000);
  });

  it('a deadline already past keeps the key only for the grace, so the sweep records the expiry (ttl)', () => {
    expect(keyTtlS(T0, T0 + 86_400_000, 60)).toBe(60);
    expect(keyTtlS(T0, T0 + 86_400_000, 0)).toBe(1);
  });

  it('a cancelled running job waits for its revoke from the cancel; a revoke ends the wait but not the TTL', () => {
    const waiting = replay([
      [events.created(0), null],
      [events.started(10), 'pending'],
      [events.cancel(30), 'running'],
    ]);
    expect(waiting).toMatchObject({ revokeDeadlineMs: T0 + 30_000 + 5000, ttlFrom: { atMs: T0 + 30_000, ttlS: 400 } });
    const revoked = replay([
      [events.created(0), null],
      [events.started(10), 'pending'],
      [events.cancel(30), 'running'],
      [events.revoked(35), 'cancelled'],
    ]);
    expect(revoked).toMatchObject({ version: 4, revokeDeadlineMs: null, ttlFrom: { atMs: T0 + 30_000, ttlS: 400 } });
    const pendingCancel = replay([
      [events.created(0), null],
      [events.cancel(30), 'pending'],
    ]);
    expect(pendingCancel?.revokeDeadlineMs).toBeNull();
  });

  it('a deleted job ends with its tombstone, kept for the retention from its deletion', () => {
    const track = replay([
      [events.created(0), null],
      [events.deleted(100, snapshot()), 'pending'],
    ]) as JobTrack;
    expect(track).toEqual({
      version: null,
      ttlFrom: null,
      revokeDeadlineMs: null,
      tombstone: { seq: 2, expiresAtMs: T0 + 100_000 + 1_000_000 },
    });
    expect(deadlineOf(track)).toBeNull();
    expect(tombstoneTtlS(track.tombstone!.expiresAtMs, T0 + 1_000_000)).toBe(100);
    expect(tombstoneTtlS(track.tombstone!.expiresAtMs, T0 + 5_000_000)).toBe(1);
  });

  it('an erased job (only its tombstone event is left) comes back as a tombstone only', () => {
    const track = replay([[events.deleted(100, null), null]]) as JobTrack;
    expect(track.version).toBeNull();
    expect(track.tombstone?.seq).toBe(1);
    expect(countOutcome([track])).toEqual({ restored: 0, deleted: 1 });
  });

  it('a restored job lives again, its TTL counted from the restore; a held snapshot gets none', () => {
    const restored = replay([
      [events.deleted(100, null), null],
      [events.restored(200, snapshot()), null],
    ]) as JobTrack;
    expect(restored).toMatchObject({ version: 2, tombstone: null, ttlFrom: { atMs: T0 + 200_000, ttlS: 7 * 86400 } });
    const heldRestore = replay([[events.restored(200, snapshot({ held: true })), null]]) as JobTrack;
    expect(deadlineOf(heldRestore)).toBeNull();
    expect(countOutcome([restored, heldRestore])).toEqual({ restored: 2, deleted: 0 });
  });

  it('a release counts the TTL of the status it finds afresh from the release; a hold leaves the deadline to the script', () => {
    const held = replay([
      [events.created(0), null],
      [events.started(10), 'pending'],
      [events.completed(20), 'running'],
      [events.held(30), 'completed'],
    ]) as JobTrack;
    expect(held.version).toBe(4);
    const released = replay([
      [events.created(0), null],
      [events.started(10), 'pending'],
      [events.completed(20), 'running'],
      [events.held(30), 'completed'],
      [events.released(40), 'completed'],
    ]);
    expect(released?.ttlFrom).toEqual({ atMs: T0 + 40_000, ttlS: 7 * 86400 });
  });
});
