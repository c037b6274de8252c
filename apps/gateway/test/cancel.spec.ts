import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { apiError, type EventEnvelope, type JobCancelled, type JobStatus, type JobView } from '@crux/contracts';
import { cancelEventId } from '../src/jobs/cancel-step.js';
import { errorBody, startTestGateway, startTestNats, type Gateway, type KeyName, type TestNats } from './support/gateway-fixture.js';
import { gone, jobView, notFound, StateResponder } from './support/state-responder.js';

/**
 * How the stand-in job-state reacts to a job's `job.cancel`: apply it (as the projector
 * does), keep an outcome that beat it to the stream, not apply anything yet, or fail every
 * read of the job from then on (a replica failing over).
 */
type Reaction = 'cancel' | 'completed-first' | 'stalled' | 'failing';

interface Job {
  view: JobView;
  reaction: Reaction;
  /** Set once a `failing` job's cancel is published: its reads answer 500. */
  failing?: boolean;
}

describe('cancelling a job (DELETE /api/v1/jobs/{id})', () => {
  let nats: TestNats;
  let gateway: Gateway;
  /** Gives up waiting for the projection quickly, for the stalled case. */
  let impatient: Gateway;
  let responder: StateResponder;
  const jobs = new Map<string, Job>();
  const deleted = new Set<string>();
  let cancelWatch: { unsubscribe(): void };

  const addJob = (owner: string, status: JobStatus = 'running', reaction: Reaction = 'cancel'): string => {
    const id = randomUUID();
    jobs.set(id, {
      view: jobView({ job_id: id, owner, status, started_at: status === 'pending' ? null : new Date().toISOString() }),
      reaction,
    });
    return id;
  };
  const cancelEvents = async (jobId: string) =>
    (await nats.jobEvents(jobId)).filter((e) => e.event.type === 'cancel') as { seq: number; subject: string; event: EventEnvelope }[];
  const cancel = (
    jobId: string,
    key: KeyName | null,
    options: { body?: unknown; raw?: string; contentType?: string; query?: string } = {},
  ) =>
    gateway.request(`/api/v1/jobs/${jobId}${options.query ?? ''}`, {
      method: 'DELETE',
      key,
      body: options.body,
      raw: options.raw,
      contentType: options.contentType,
    });

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url);
    impatient = await startTestGateway(nats.server.url, {}, undefined, { cancelWaitMs: 300 });
    responder = await StateResponder.start(nats.server.url, ({ job_id, owner }) => {
      if (deleted.has(job_id)) return gone(job_id);
      const job = jobs.get(job_id);
      if (!job || (owner !== undefined && owner !== job.view.owner)) return notFound(job_id);
      if (job.failing) return { ok: false, error: apiError(500, 'Internal Server Error', 'the state service failed to answer') };
      return { ok: true, value: job.view };
    });
    // The projector's part: a moment after the cancel is published, the job changes (or not).
    cancelWatch = nats.nc.subscribe('job.cancel.*', {
      callback: (_err, msg) => {
        const event = msg.json<JobCancelled>();
        const job = jobs.get(event.job_id);
        if (!job || job.reaction === 'stalled') return;
        if (job.reaction === 'failing') {
          job.failing = true;
          return;
        }
        setTimeout(() => {
          const status = job.reaction === 'cancel' ? 'cancelled' : 'completed';
          job.view = { ...job.view, status, completed_at: event.occurred_at, version: job.view.version + 1 };
        }, 150);
      },
    });
    await nats.nc.flush();
  });

  afterAll(async () => {
    cancelWatch?.unsubscribe();
    await responder?.stop();
    await gateway?.close();
    await impatient?.close();
    await nats?.close();
  });

  it('lets the owner cancel: 202 with the job cancelled, and a job.cancel event with the user as actor and the reason', async () => {
    const id = addJob('alice', 'running');
    const answer = await cancel(id, 'alice', { body: { reason: 'wrong question' } });
    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({ job_id: id, status: 'cancelled', owner: 'alice' });
    expect(answer.json.completed_at).toEqual(expect.any(String));
    expect(responder.gets.filter((g) => g.job_id === id).every((g) => g.owner === 'alice')).toBe(true);

    const [stored, ...more] = await cancelEvents(id);
    expect(more).toEqual([]);
    expect(stored.subject).toBe(`job.cancel.${id}`);
    expect(stored.event).toMatchObject({
      type: 'cancel',
      job_id: id,
      actor: { kind: 'user', id: 'alice' },
      correlation_id: id,
      causation_id: null,
      data: { reason: 'wrong question' },
    });
    expect(answer.json.completed_at).toBe(stored.event.occurred_at);
  });

  it('cancels a pending job too', async () => {
    const id = addJob('alice', 'pending');
    const answer = await cancel(id, 'alice');
    expect(answer.status).toBe(202);
    expect(answer.json.status).toBe('cancelled');
    expect((await cancelEvents(id))[0].event.data).toEqual({ reason: null });
  });

  it('takes the reason from ?reason= when there is no body', async () => {
    const id = addJob('alice');
    const answer = await cancel(id, 'alice', { query: '?reason=' + encodeURIComponent('duplicate of another job') });
    expect(answer.status).toBe(202);
    expect((await cancelEvents(id))[0].event.data).toEqual({ reason: 'duplicate of another job' });
  });

  it("lets an operator cancel anyone's job, as the operator", async () => {
    const id = addJob('bob');
    const answer = await cancel(id, 'ops', { body: { reason: 'runaway' } });
    expect(answer.status).toBe(202);
    expect(responder.gets.filter((g) => g.job_id === id).every((g) => g.owner === undefined)).toBe(true);
    expect((await cancelEvents(id))[0].event.actor).toEqual({ kind: 'user', id: 'ops' });
  });

  it("answers another submitter's job exactly like an unknown one, and records nothing", async () => {
    const id = addJob('alice');
    const other = await cancel(id, 'bob');
    const unknownId = randomUUID();
    const unknown = await cancel(unknownId, 'bob');
    expect([other.status, unknown.status]).toEqual([404, 404]);
    expect(errorBody(other).message).toBe(`job ${id} not found`);
    expect(errorBody(unknown).message).toBe(`job ${unknownId} not found`);
    expect(await cancelEvents(id)).toEqual([]);
    expect(jobs.get(id)?.view.status).toBe('running');
  });

  it.each(['completed', 'failed', 'cancelled'] as const)('answers 409 for a job already %s, and records nothing', async (status) => {
    const id = addJob('alice', status);
    const answer = await cancel(id, 'alice');
    expect(answer.status).toBe(409);
    expect(errorBody(answer).message).toBe(`job ${id} is already ${status}`);
    expect(await cancelEvents(id)).toEqual([]);
  });

  it('answers 409 naming the status when the job finished before the cancel reached it', async () => {
    const id = addJob('alice', 'running', 'completed-first');
    const answer = await cancel(id, 'alice');
    expect(answer.status).toBe(409);
    expect(errorBody(answer).message).toBe(`job ${id} is already completed`);
    // The request itself is on record.
    expect(await cancelEvents(id)).toHaveLength(1);
  });

  it('answers 202 with the job as last seen when job-state has not applied the cancel in time', async () => {
    const id = addJob('alice', 'running', 'stalled');
    const answer = await impatient.request(`/api/v1/jobs/${id}`, { method: 'DELETE', key: 'alice' });
    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({ job_id: id, status: 'running' });
    expect(await cancelEvents(id)).toHaveLength(1);
  });

  it('answers 409 naming the outcome JOBS stored before the cancel, even when job-state has applied neither in time', async () => {
    for (const type of ['completed', 'failed'] as const) {
      const id = addJob('alice', 'running', 'stalled');
      // The worker's outcome is in the log; the projection lags behind it (a failover).
      const at = new Date().toISOString();
      const data = type === 'completed' ? { result: { output: 'done' } } : { error: 'no', reason: 'error' };
      await nats.js.publish(
        `job.${type}.${id}`,
        JSON.stringify({ id: randomUUID(), type, job_id: id, occurred_at: at, actor: { kind: 'service', id: 'worker-1' }, data }),
      );
      const answer = await impatient.request(`/api/v1/jobs/${id}`, { method: 'DELETE', key: 'alice' });
      expect(answer.status).toBe(409);
      expect(errorBody(answer).message).toBe(`job ${id} is already ${type}`);
      // The request itself is on record, after the outcome: it changes nothing.
      expect(await cancelEvents(id)).toHaveLength(1);
    }
  });

  it('stores a cancel retried before job-state applied the first (the answer was lost) once: one job.cancel in JOBS', async () => {
    const id = addJob('alice', 'running', 'stalled');
    // The first try's answer never reached the client (gateway killed, a 5xx): it asks again.
    const first = await impatient.request(`/api/v1/jobs/${id}`, { method: 'DELETE', key: 'alice', body: { reason: 'stop' } });
    const retried = await impatient.request(`/api/v1/jobs/${id}`, { method: 'DELETE', key: 'alice', body: { reason: 'stop' } });
    expect([first.status, retried.status]).toEqual([202, 202]);
    const events = await cancelEvents(id);
    expect(events).toHaveLength(1);
    expect(events[0].event).toMatchObject({ id: cancelEventId(id, 0), actor: { kind: 'user', id: 'alice' }, data: { reason: 'stop' } });
  });

  it('stores two cancels racing each other once', async () => {
    const id = addJob('alice', 'running', 'cancel');
    const answers = await Promise.all([cancel(id, 'alice'), cancel(id, 'ops')]);
    // Both are told the job is cancelled: 202, or 409 naming it cancelled if one looked after the projection.
    for (const answer of answers) {
      if (answer.status === 409) expect(errorBody(answer).message).toBe(`job ${id} is already cancelled`);
      else expect(answer).toMatchObject({ status: 202, json: { status: 'cancelled' } });
    }
    expect(await cancelEvents(id)).toHaveLength(1);
  });

  it('answers 202 with the job as last seen, not a 5xx, when job-state fails while the stored cancel lands', async () => {
    const id = addJob('alice', 'running', 'failing');
    const answer = await impatient.request(`/api/v1/jobs/${id}`, { method: 'DELETE', key: 'alice' });
    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({ job_id: id, status: 'running' });
    expect(await cancelEvents(id)).toHaveLength(1);
  });

  it('records a new cancel of a job that became active again after its first cancel was applied (restored)', async () => {
    const id = addJob('alice', 'running', 'cancel');
    expect((await cancel(id, 'alice')).status).toBe(202);
    const [applied] = await cancelEvents(id);
    const job = jobs.get(id)!;
    // Restored from a snapshot taken before the cancel: active again, at a later version.
    job.view = { ...job.view, status: 'running', completed_at: null, version: applied.seq + 5 };
    const again = await cancel(id, 'ops', { body: { reason: 'again' } });
    expect(again.status).toBe(202);
    const events = await cancelEvents(id);
    expect(events.map((e) => e.event.id)).toEqual([cancelEventId(id, 0), cancelEventId(id, applied.seq)]);
    expect(events[1].event).toMatchObject({ actor: { kind: 'user', id: 'ops' }, data: { reason: 'again' } });
  });

  it('passes the 410 of a deleted job through with when, why and by whom', async () => {
    const id = randomUUID();
    deleted.add(id);
    const answer = await cancel(id, 'ops');
    expect(answer.status).toBe(410);
    expect(answer.json).toEqual({
      status_code: 410,
      error: 'Gone',
      message: `job ${id} was deleted (purge) at 2026-01-02T03:04:05.000Z by ops`,
      deleted_at: '2026-01-02T03:04:05.000Z',
      reason: 'purge',
      actor: { kind: 'user', id: 'ops' },
    });
    expect(await cancelEvents(id)).toEqual([]);
  });

  it.each([
    ['a job id that is not a UUID', 'not-a-job', {}, 'job id must be a UUID'],
    ['a reason over 500 characters in the body', null, { body: { reason: 'x'.repeat(501) } }, 'reason must be at most 500 characters'],
    ['a reason over 500 characters in the query', null, { query: `?reason=${'x'.repeat(501)}` }, 'reason must be at most 500 characters'],
    ['a reason that is not a string', null, { body: { reason: 42 } }, 'reason must be a string'],
    ['a reason in both the body and the query', null, { body: { reason: 'a' }, query: '?reason=b' }, 'give the reason once'],
    ['an unknown body field', null, { body: { reason: 'a', force: true } }, 'unknown field force (allowed: reason)'],
    ['an unknown query parameter', null, { query: '?force=true' }, 'unknown query parameter force (allowed: reason)'],
    [
      'a body that is not JSON',
      null,
      { raw: 'reason=because', contentType: 'application/x-www-form-urlencoded' },
      'request body must be a JSON object',
    ],
    ['a JSON body that is not an object', null, { raw: '"because"' }, 'request body must be a JSON object'],
    ['malformed JSON', null, { raw: '{"reason":' }, 'request body is not valid JSON'],
  ] as const)('answers 400 for %s, and records nothing', async (_name, badId, options, message) => {
    const id = addJob('alice');
    const answer = await cancel(badId ?? id, 'alice', options);
    expect(answer.status).toBe(400);
    expect(errorBody(answer).message).toContain(message);
    expect(await cancelEvents(id)).toEqual([]);
    expect(jobs.get(id)?.view.status).toBe('running');
  });
});
