import { describe, expect, it } from '@jest/globals';
import type { JobEvent } from '@crux/contracts';
import { jobEvents, purgePlannedEvent } from '../../test/support/job-events.js';
import { planUpdate } from './plan-update.js';
import { jobContentHash, toJobHash } from './job-hash.js';
import { referenceDeletionEvent } from './job-state-events.js';
import { evolve, NO_JOB, rebuildBeforeDeletion, replayHistory, type StoredEvent } from './replay.js';

const settings = { ttlActiveS: 100, ttlCompletedS: 700, ttlFailedS: 300, ttlCancelledS: 200 };
const JOB = 'job-replayed';
const events = jobEvents(JOB, 'carol');

/** Events numbered as if stored one after another from `first`. */
const stored = (list: JobEvent[], first = 10): StoredEvent[] => list.map((event, i) => ({ seq: first + i, event }));

describe('rebuilding a job from its events', () => {
  it('given a whole life, then the snapshot is what the projection held at the last event', () => {
    const history = stored([events.created(), events.started(), events.progress(0.5), events.completed(), events.revoked()]);
    const { snapshot, deleted, lastDeletion } = replayHistory(history, settings);
    expect(deleted).toBe(false);
    expect(lastDeletion).toBeNull();
    expect(snapshot).toMatchObject({
      job_id: JOB,
      status: 'completed',
      owner: 'carol',
      progress: 1,
      current_phase: 'completed',
      partial_results: { best: 'forty' },
      result: events.result,
      started_at: events.started().occurred_at,
      completed_at: events.completed().occurred_at,
      version: 14,
      held: false,
    });
    expect(snapshot).not.toHaveProperty('ttl_s');
  });

  it('follows the state machine as the scripts do: a completed after a cancel changes nothing', () => {
    const { snapshot } = replayHistory(stored([events.created(), events.started(), events.cancel(), events.completed(9000)]), settings);
    expect(snapshot).toMatchObject({ status: 'cancelled', result: null, version: 12 });
  });

  it('keeps the first started_at when a job is restarted, and a hold', () => {
    const first = events.started(1000);
    const { snapshot } = replayHistory(stored([events.created(), first, events.held(), events.started(9000)]), settings);
    expect(snapshot).toMatchObject({ status: 'running', started_at: first.occurred_at, held: true, version: 13 });
  });

  it('says when the history already ends in a deletion, and keeps the last live snapshot', () => {
    const history = stored([events.created(), events.started(), events.completed()]);
    const live = replayHistory(history, settings).snapshot!;
    const deletion = events.deleted(live, 'ttl');
    const after = replayHistory([...history, { seq: 20, event: deletion }], settings);
    expect(after.deleted).toBe(true);
    expect(after.lastDeletion).toEqual({ seq: 20, event: deletion });
    expect(after.snapshot).toEqual(live);
  });

  it('brings a restored job back at the restore, and a replayed created does not resurrect a deleted one', () => {
    const base = stored([events.created(), events.started(), events.completed()]);
    const live = replayHistory(base, settings).snapshot!;
    const restored = replayHistory(
      [...base, { seq: 20, event: events.deleted(live) }, { seq: 21, event: events.restored(live) }],
      settings,
    );
    expect(restored.deleted).toBe(false);
    expect(restored.snapshot).toEqual({ ...live, version: 21 });

    let state = NO_JOB;
    for (const { seq, event } of [...base, { seq: 20, event: events.deleted(live) }])
      state = evolve(state, planUpdate(event, seq, settings));
    expect(state).toEqual({ hash: null, tombstone: 20 });
    // The same created again (a replay, or a publish retried past the duplicate window).
    expect(evolve(state, planUpdate(events.created(), 30, settings))).toEqual(state);
  });

  it('skips a restore older than the latest deletion, and a restore over a live job', () => {
    const live = replayHistory(stored([events.created()]), settings).snapshot!;
    expect(evolve({ hash: null, tombstone: 50 }, planUpdate(events.restored(live), 40, settings))).toEqual({ hash: null, tombstone: 50 });
    const liveState = evolve(NO_JOB, planUpdate(events.created(), 10, settings));
    expect(evolve(liveState, planUpdate(events.restored(live), 41, settings))).toBe(liveState);
  });

  it('ignores what is stale or not about the job, and has no snapshot for a history without a live job', () => {
    const once = evolve(NO_JOB, planUpdate(events.created(), 10, settings));
    expect(evolve(once, planUpdate(events.started(), 10, settings))).toBe(once);
    expect(evolve(once, planUpdate(purgePlannedEvent('p'), 11, settings))).toBe(once);
    const erased = replayHistory([{ seq: 99, event: events.deleted(null, 'erase') }], settings);
    expect(erased).toMatchObject({ snapshot: null, deleted: true });
  });
});

describe('rebuilding a job purged by reference, for its restore', () => {
  const operator = { kind: 'user', id: 'olga' } as const;
  // A life with a refused second hold and a purge refused while held: both change nothing, as in Redis.
  const life = stored([
    events.created(),
    events.started(),
    events.held(),
    events.held(3550),
    { ...events.deleted(null), id: 'refused-purge' },
    events.released(),
    events.completed(),
  ]);
  const live = replayHistory(life, settings).snapshot!;
  const deletion = referenceDeletionEvent({
    jobId: JOB,
    reason: 'purge',
    job: { owner: live.owner, status: live.status, mode: live.mode, created_at: live.created_at, version: live.version },
    contentHash: jobContentHash(toJobHash(live)),
    actor: operator,
    planId: 'p',
    erase: false,
  });
  const at = { seq: 30, version: live.version, contentHash: deletion.data.content_hash };

  it('given its history up to the deletion, then it is exactly the job the deletion removed', () => {
    expect(live).toMatchObject({ status: 'completed', held: false, version: 16 });
    const after = [...life, { seq: 30, event: deletion }, { seq: 31, event: events.held(9000) }];
    expect(rebuildBeforeDeletion(after, at, settings)).toEqual({ ok: true, snapshot: live, contentHash: jobContentHash(toJobHash(live)) });
  });

  it('given a history that no longer reaches the creation, or another version or content, then it says why instead', () => {
    expect(rebuildBeforeDeletion(life.slice(1), at, settings)).toMatchObject({
      ok: false,
      why: expect.stringMatching(/no longer reaches its creation/),
    });
    expect(rebuildBeforeDeletion(life.slice(0, -1), at, settings)).toMatchObject({
      ok: false,
      why: expect.stringMatching(/version 15, not the deleted version 16/),
    });
    expect(rebuildBeforeDeletion(life, { ...at, contentHash: 'f'.repeat(64) }, settings)).toMatchObject({
      ok: false,
      why: expect.stringMatching(/content hash/),
    });
  });
});
