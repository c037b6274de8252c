import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { followEvent, type EventEnvelope } from '@crux/contracts';
import { publishEvent } from '@crux/messaging';
import { OpenStreams } from '../src/events/open-streams.js';
import { errorBody, Keys, startTestGateway, startTestNats, type Gateway, type KeyName, type TestNats } from './support/gateway-fixture.js';
import { isEvent, openSse, type SseFrame } from './support/sse-reader.js';
import { gone, jobView, notFound, StateResponder } from './support/state-responder.js';
import { completedResult, publishAsWorker } from './support/worker-double.js';

const auth = (key: KeyName) => ({ authorization: `Bearer ${Keys[key]}` });
const envelope = (frame: SseFrame) => JSON.parse(frame.data ?? 'null') as EventEnvelope;

describe('following a job with Server-Sent Events', () => {
  let nats: TestNats;
  let gateway: Gateway;
  let responder: StateResponder;
  /** What the stand-in job-state knows: job id → owner and status. */
  const known = new Map<string, { owner: string; status: 'pending' | 'completed'; deleted?: boolean }>();

  const submit = async (key: KeyName = 'alice'): Promise<EventEnvelope> => {
    const answer = await gateway.request('/api/v1/solve/basic', { key, body: { question: 'follow me' } });
    expect(answer.status).toBe(202);
    const [{ event }] = await nats.jobEvents(answer.json.job_id);
    return event;
  };
  const eventsUrl = (jobId: string) => `${gateway.url}/api/v1/jobs/${jobId}/events`;

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url, {}, 100);
    responder = await StateResponder.start(nats.server.url, ({ job_id, owner }) => {
      const job = known.get(job_id);
      if (!job || (owner !== undefined && owner !== job.owner)) return notFound(job_id);
      if (job.deleted) return gone(job_id, 'purge', 'ops');
      return { ok: true, value: jobView({ job_id, owner: job.owner, status: job.status }) };
    });
  });

  afterAll(async () => {
    await responder?.stop();
    await gateway?.close();
    await nats?.close();
  });

  it('sends the history, then live events, and ends after the terminal event', async () => {
    const created = await submit();
    const [startedSeq] = await publishAsWorker(nats.js, created, [
      ['started', { worker_id: 'w', pid: 1, attempt: 1 }],
      ['progress', { progress: 0.5, current_phase: 'evaluate' }],
    ]);
    const sse = await openSse(eventsUrl(created.job_id), auth('alice'));
    try {
      expect(sse.status).toBe(200);
      expect(sse.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(sse.headers.get('cache-control')).toBe('no-cache');
      expect(sse.headers.get('x-accel-buffering')).toBe('no');
      const history = await sse.waitFor(isEvent, 3);
      expect(history.map((f) => f.event)).toEqual(['created', 'started', 'progress']);
      expect(envelope(history[0])).toEqual(created);
      expect(history[1].id).toBe(String(startedSeq));
      expect(history.map((f) => envelope(f).type)).toEqual(['created', 'started', 'progress']);
      // Ids are the JOBS stream sequences, in order.
      const ids = history.map((f) => Number(f.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect((await nats.jobEvents(created.job_id)).map((e) => e.seq)).toEqual(ids);

      // Live: published after the client has the history.
      await publishAsWorker(nats.js, created, [
        ['progress', { progress: 0.9, current_phase: 'refine' }],
        ['completed', completedResult],
      ]);
      await sse.ended;
      const events = sse.frames.filter(isEvent);
      expect(events.map((f) => f.event)).toEqual(['created', 'started', 'progress', 'progress', 'completed']);
      expect(envelope(events[4]).data).toEqual(completedResult);
      expect(sse.frames.some((f) => f.retry !== undefined)).toBe(true);
    } finally {
      sse.close();
    }
  });

  it('resumes after Last-Event-ID, and says 204 once the client has seen the end', async () => {
    const created = await submit();
    const seqs = await publishAsWorker(nats.js, created, [
      ['started', { worker_id: 'w', pid: 1, attempt: 1 }],
      ['progress', { progress: 0.5, current_phase: 'evaluate' }],
      ['completed', completedResult],
    ]);
    const resumed = await openSse(eventsUrl(created.job_id), { ...auth('alice'), 'last-event-id': String(seqs[0]) });
    await resumed.ended;
    expect(resumed.frames.filter(isEvent).map((f) => [f.event, f.id])).toEqual([
      ['progress', String(seqs[1])],
      ['completed', String(seqs[2])],
    ]);

    const done = await openSse(eventsUrl(created.job_id), { ...auth('alice'), 'last-event-id': String(seqs[2]) });
    expect(done.status).toBe(204);
  });

  it('resumes into live events when the job is still running', async () => {
    const created = await submit();
    const [startedSeq] = await publishAsWorker(nats.js, created, [['started', { worker_id: 'w', pid: 1, attempt: 1 }]]);
    const sse = await openSse(eventsUrl(created.job_id), { ...auth('alice'), 'last-event-id': String(startedSeq) });
    try {
      expect(sse.status).toBe(200);
      await publishAsWorker(nats.js, created, [['failed', { error: 'model unreachable', reason: 'provider_error' }]]);
      await sse.ended;
      expect(sse.frames.filter(isEvent).map((f) => f.event)).toEqual(['failed']);
    } finally {
      sse.close();
    }
  });

  it('sends what was stored after a cancel (the revoke) before ending', async () => {
    const created = await submit();
    await publishAsWorker(nats.js, created, [
      ['cancel', { reason: 'changed my mind' }],
      ['revoked', { terminated: false, outcome: 'not-started', signal: null, pid: null, worker_id: 'w', took_ms: 0 }],
    ]);
    const sse = await openSse(eventsUrl(created.job_id), auth('alice'));
    await sse.ended;
    expect(sse.frames.filter(isEvent).map((f) => f.event)).toEqual(['created', 'cancel', 'revoked']);
  });

  it("answers another submitter's job with 404, as job-state answers an unknown one", async () => {
    const created = await submit('alice');
    known.set(created.job_id, { owner: 'alice', status: 'pending' });
    const bob = await openSse(eventsUrl(created.job_id), auth('bob'));
    expect(bob.status).toBe(404);
    expect(JSON.parse(await bob.text())).toEqual({ status_code: 404, error: 'Not Found', message: `job ${created.job_id} not found` });
    const unknown = await gateway.request('/api/v1/jobs/66666666-6666-4666-8666-666666666666/events', { key: 'bob' });
    expect(unknown.status).toBe(404);
    expect(errorBody(unknown).message).toBe('job 66666666-6666-4666-8666-666666666666 not found');
  });

  it("lets an operator follow anyone's job", async () => {
    const created = await submit('bob');
    await publishAsWorker(nats.js, created, [['completed', completedResult]]);
    const sse = await openSse(eventsUrl(created.job_id), auth('ops'));
    await sse.ended;
    expect(sse.frames.filter(isEvent).map((f) => f.event)).toEqual(['created', 'completed']);
  });

  it('answers 204 for a finished job whose history has left the stream', async () => {
    const jobId = '77777777-7777-4777-8777-777777777777';
    known.set(jobId, { owner: 'alice', status: 'completed' });
    const sse = await openSse(eventsUrl(jobId), auth('alice'));
    expect(sse.status).toBe(204);
  });

  describe('a deleted job', () => {
    /** A finished job of alice's, purged by ops: its history stays in the stream as the archive. */
    const purgedJob = async () => {
      const created = await submit('alice');
      await publishAsWorker(nats.js, created, [['completed', completedResult]]);
      const deleted = followEvent(
        created,
        'deleted',
        { kind: 'user', id: 'ops' },
        {
          reason: 'purge',
          snapshot: jobView({ job_id: created.job_id, status: 'completed' }),
          content_hash: 'c'.repeat(64),
          plan_id: '5a1e2b3c-4d5e-4f60-8a1b-2c3d4e5f6071',
        },
      );
      await publishEvent(nats.js, deleted);
      return { created, deleted };
    };

    it('answers 410 with when, why and by whom, as job-state says', async () => {
      const { created } = await purgedJob();
      known.set(created.job_id, { owner: 'alice', status: 'completed', deleted: true });
      const sse = await openSse(eventsUrl(created.job_id), auth('alice'));
      expect(sse.status).toBe(410);
      expect(JSON.parse(await sse.text())).toEqual((gone(created.job_id, 'purge', 'ops') as { error: unknown }).error);
    });

    it('answers 410 from the deleted event itself while job-state does not show the deletion yet', async () => {
      const { created, deleted } = await purgedJob();
      known.set(created.job_id, { owner: 'alice', status: 'completed' });
      const sse = await openSse(eventsUrl(created.job_id), auth('ops'));
      expect(sse.status).toBe(410);
      expect(JSON.parse(await sse.text())).toEqual({
        status_code: 410,
        error: 'Gone',
        message: `job ${created.job_id} was deleted (purge) at ${deleted.occurred_at} by ops`,
        deleted_at: deleted.occurred_at,
        reason: 'purge',
        actor: { kind: 'user', id: 'ops' },
      });
    });

    it('is followed again once restored', async () => {
      const { created, deleted } = await purgedJob();
      known.set(created.job_id, { owner: 'alice', status: 'completed' });
      await publishEvent(
        nats.js,
        followEvent(
          deleted,
          'restored',
          { kind: 'user', id: 'ops' },
          { snapshot: jobView({ job_id: created.job_id }), from_event_id: deleted.id, reason: null },
        ),
      );
      const sse = await openSse(eventsUrl(created.job_id), auth('alice'));
      expect(sse.status).toBe(200);
      await sse.ended;
      expect(sse.frames.filter(isEvent).map((f) => f.event)).toEqual(['created', 'completed', 'deleted', 'restored']);
    });
  });

  it('keeps an idle stream open with comment heartbeats', async () => {
    const created = await submit();
    const sse = await openSse(eventsUrl(created.job_id), auth('alice'));
    try {
      await sse.waitFor((f) => f.comment === 'heartbeat', 2);
    } finally {
      sse.close();
    }
  });

  it('stops following when the client goes away', async () => {
    const streams = gateway.app.get(OpenStreams);
    const created = await submit();
    const sse = await openSse(eventsUrl(created.job_id), auth('alice'));
    await sse.waitFor(isEvent, 1);
    expect(streams.size).toBe(1);
    sse.close();
    await waitUntil(() => streams.size === 0);
  });
});

describe('shutting down with streams open', () => {
  it('ends open event streams so the gateway can close', async () => {
    const nats = await startTestNats();
    const gateway = await startTestGateway(nats.server.url);
    try {
      const answer = await gateway.request('/api/v1/solve/basic', { body: { question: 'long one' } });
      const sse = await openSse(`${gateway.url}/api/v1/jobs/${answer.json.job_id}/events`, auth('alice'));
      await sse.waitFor(isEvent, 1);
      await gateway.close();
      await sse.ended;
      expect(sse.frames.filter(isEvent).map((f) => f.event)).toEqual(['created']);
    } finally {
      await gateway.close();
      await nats.close();
    }
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
