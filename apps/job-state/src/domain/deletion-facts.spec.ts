import { describe, expect, it } from '@jest/globals';
import { deterministicId, makeEvent, type JobView } from '@crux/contracts';
import { jobEvents, operator } from '../../test/support/job-events.js';
import { checkJobCommand } from './command-validation.js';
import { classifyMissingJob, goneError, missingKeyReason, needsAckFloor, type JobStreamFacts } from './deletion-facts.js';
import { jobContentHash, snapshotOf, toJobHash } from './job-hash.js';
import {
  deletionEvent,
  EventIds,
  JOB_STATE_ACTOR,
  notStartedRevoke,
  purgeArchive,
  restoredEvent,
  revokeUnconfirmedEvent,
  referenceDeletionEvent,
} from './job-state-events.js';

const JOB = 'job-gone';
const events = jobEvents(JOB);
const snapshot = { job_id: JOB, status: 'completed', owner: 'alice', version: 12 } as JobView;
const created = { seq: 10, event: events.created() };
const deleted = { seq: 20, event: events.deleted(snapshot, 'purge') };
const restored = { seq: 30, event: events.restored(snapshot) };
const facts = (f: Partial<JobStreamFacts>): JobStreamFacts => ({ created: null, deleted: null, restored: null, ...f });

describe('a job without a key', () => {
  it('is gone when its history ends in a deletion', () => {
    expect(classifyMissingJob(facts({ created, deleted }), 100)).toEqual({ kind: 'gone', deletion: deleted });
    expect(classifyMissingJob(facts({ created, deleted, restored: { ...restored, seq: 15 } }), 100)).toEqual({
      kind: 'gone',
      deletion: deleted,
    });
  });

  it('is about to exist when its created or restore is past the projector', () => {
    expect(classifyMissingJob(facts({ created }), 9)).toEqual({ kind: 'unprojected', by: created });
    expect(classifyMissingJob(facts({ created, deleted, restored }), 29)).toEqual({ kind: 'unprojected', by: restored });
  });

  it('was applied when its created or restore is at or below the projector: its key is read again', () => {
    expect(classifyMissingJob(facts({ created }), 10)).toEqual({ kind: 'applied', by: created });
    expect(classifyMissingJob(facts({ created }), 11)).toEqual({ kind: 'applied', by: created });
    expect(classifyMissingJob(facts({ created, deleted, restored }), 30)).toEqual({ kind: 'applied', by: restored });
    expect(classifyMissingJob(facts({ restored }), 30)).toEqual({ kind: 'applied', by: restored });
  });

  it('is unknown only when JOBS holds nothing that created it', () => {
    expect(classifyMissingJob(facts({}), 0)).toEqual({ kind: 'unknown' });
    expect(classifyMissingJob(facts({}), 100)).toEqual({ kind: 'unknown' });
  });

  it('asks for the projector position only when it matters', () => {
    expect(needsAckFloor(facts({}))).toBe(false);
    expect(needsAckFloor(facts({ created, deleted }))).toBe(false);
    expect(needsAckFloor(facts({ created }))).toBe(true);
    expect(needsAckFloor(facts({ created, deleted, restored }))).toBe(true);
  });

  it('answers 410 saying when, why and by whom', () => {
    expect(goneError(JOB, deleted)).toEqual({
      status_code: 410,
      error: 'Gone',
      message: `job ${JOB} was deleted (purge) at ${deleted.event.occurred_at} by olga`,
      deleted_at: deleted.event.occurred_at,
      reason: 'purge',
      actor: operator,
    });
  });

  it('vanished by expiry once its deadline passed, from outside otherwise', () => {
    expect(missingKeyReason(1000, 1000)).toBe('ttl');
    expect(missingKeyReason(1001, 1000)).toBe('external');
    expect(missingKeyReason(null, 1000)).toBe('external');
  });
});

describe("job-state's own events", () => {
  it('gives a deletion an id from the job and version, so replicas detecting it publish one', () => {
    const input = { jobId: JOB, reason: 'ttl' as const, snapshot, actor: JOB_STATE_ACTOR, planId: null, erase: false };
    const a = deletionEvent(input, new Date(1));
    const b = deletionEvent(input, new Date(2));
    expect(a.id).toBe(b.id);
    expect(a.id).toBe(deterministicId('deleted', JOB, 12));
    expect(deletionEvent({ ...input, snapshot: { ...snapshot, version: 13 } }).id).not.toBe(a.id);
    expect(a).toMatchObject({
      type: 'deleted',
      job_id: JOB,
      actor: { kind: 'system', id: 'job-state' },
      data: { reason: 'ttl', snapshot, plan_id: null },
    });
  });

  it('erases the content from the event but keeps its hash', () => {
    const kept = deletionEvent({ jobId: JOB, reason: 'purge', snapshot, actor: operator, planId: 'p', erase: false });
    const erased = deletionEvent({ jobId: JOB, reason: 'erase', snapshot, actor: operator, planId: 'p', erase: true });
    expect(erased.data.snapshot).toBeNull();
    expect(erased.data.content_hash).toBe(kept.data.content_hash);
    expect(erased.data.plan_id).toBe('p');
  });

  it('archives a purged job by reference: the few facts the trail needs and the hash of its stored content, no snapshot', () => {
    const live: JobView = {
      ...snapshot,
      created_at: '2030-01-01T00:00:00.000Z',
      mode: 'basic',
      request: { question: 'q' },
      result: null,
      held: false,
    } as JobView;
    const job = { owner: 'alice', status: 'completed', mode: 'basic', created_at: '2030-01-01T00:00:00.000Z', version: 12 } as const;
    const hash = jobContentHash(toJobHash(live));
    const input = { jobId: JOB, reason: 'purge' as const, job, contentHash: hash, actor: operator, planId: 'p', erase: false };
    const event = referenceDeletionEvent(input, new Date(1));
    expect(event).toMatchObject({
      id: deterministicId('deleted', JOB, 12),
      type: 'deleted',
      actor: operator,
      data: { reason: 'purge', snapshot: null, archive: 'history', job, content_hash: hash, plan_id: 'p' },
    });
    // The same job deleted with its snapshot (an expiry) is named by the same hash, and so is its restore.
    expect(
      deletionEvent({ jobId: JOB, reason: 'ttl', snapshot: live, actor: JOB_STATE_ACTOR, planId: null, erase: false }).data.content_hash,
    ).toBe(hash);
    expect(restoredEvent(JOB, snapshotOf(live), { seq: 20, event }, operator, null).data.content_hash).toBe(hash);
    expect(JSON.stringify(event).length).toBeLessThan(600);

    // Under its derived id and the batch's preformatted time, the envelope is still makeEvent's, fields in order.
    const made = makeEvent('deleted', JOB, operator, event.data, { correlation_id: JOB, causation_id: null }, new Date(1));
    expect(Object.keys(event)).toEqual(Object.keys(made));
    expect({ ...event, id: made.id }).toEqual(made);
    expect(referenceDeletionEvent(input, new Date(1).toISOString())).toEqual(event);

    const erased = referenceDeletionEvent({ ...input, reason: 'erase', erase: true });
    expect(erased.data).toMatchObject({ archive: 'none', snapshot: null, job: null, content_hash: hash });
    expect(erased.id).toBe(event.id);
  });

  it('archives by reference only while the job history stays in JOBS at least half the retention', () => {
    const day = 86_400_000;
    const now = 100 * day;
    expect(purgeArchive(now - day, now, 30 * 86_400)).toBe('history');
    expect(purgeArchive(now - 14 * day, now, 30 * 86_400)).toBe('history');
    expect(purgeArchive(now - 16 * day, now, 30 * 86_400)).toBe('snapshot');
    expect(purgeArchive(Number.NaN, now, 30 * 86_400)).toBe('snapshot');
  });

  it('revokes a pending job that was cancelled, once whoever says it', () => {
    const cancel = events.cancel();
    const revoke = notStartedRevoke(cancel);
    expect(revoke).toMatchObject({
      id: EventIds.revoked(JOB),
      type: 'revoked',
      causation_id: cancel.id,
      data: { terminated: false, outcome: 'not-started', signal: null, pid: null, worker_id: 'job-state', took_ms: 0 },
    });
    expect(revoke.id).toBe(deterministicId('revoked', JOB));
  });

  it('records an unconfirmed revoke once per job, naming the worker', () => {
    const event = revokeUnconfirmedEvent(JOB, 'worker-1', 5200);
    expect(event).toMatchObject({ id: deterministicId('revoke_unconfirmed', JOB), data: { worker_id: 'worker-1', waited_ms: 5200 } });
    expect(event.data.detail).toMatch(/worker worker-1 did not confirm/);
    expect(revokeUnconfirmedEvent(JOB, null, 10).data.detail).toMatch(/no worker confirmed/);
  });
});

describe('checking a job command', () => {
  it('needs an actor and a job id that is one subject token', () => {
    expect(checkJobCommand({ actor: operator, job_id: 'j-1', reason: 'why' })).toEqual({
      ok: true,
      value: { actor: operator, jobId: 'j-1', reason: 'why' },
    });
    expect(checkJobCommand({ actor: operator, job_id: 'j.1' })).toMatchObject({ ok: false, error: { status_code: 400 } });
    expect(checkJobCommand({ job_id: 'j-1' })).toMatchObject({ ok: false, error: { status_code: 400 } });
    expect(checkJobCommand({ actor: operator, job_id: 'j', reason: 5 })).toMatchObject({ ok: false, error: { status_code: 400 } });
  });
});
