import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@crux/test-harness';
import { OpenStreams } from '../src/events/open-streams.js';
import { errorBody, Keys, startTestGateway, startTestNats, type Gateway, type TestNats } from './support/gateway-fixture.js';
import { completedResult, publishAsWorker, watchCreated } from './support/worker-double.js';

describe('async_mode false', () => {
  let nats: TestNats;
  let gateway: Gateway;
  let impatient: Gateway;

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url);
    impatient = await startTestGateway(nats.server.url, { CRUX_SYNC_TIMEOUT_MS: '300' });
  });

  afterAll(async () => {
    await gateway?.close();
    await impatient?.close();
    await nats?.close();
  });

  it('waits for the job and answers 200 with its result', async () => {
    const created = await watchCreated(nats.nc);
    try {
      const pending = gateway.request('/api/v1/solve/basic', { key: 'alice', body: { question: 'What is 2+2?', async_mode: false } });
      // Acting as the worker, once the job exists.
      const event = await created.next();
      await publishAsWorker(nats.js, event, [
        ['started', { worker_id: 'w', pid: 42, attempt: 1 }],
        ['progress', { progress: 0.5, current_phase: 'evaluate' }],
        ['completed', completedResult],
      ]);
      const answer = await pending;
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({
        job_id: event.job_id,
        status: 'completed',
        mode: 'basic',
        owner: 'alice',
        created_at: event.occurred_at,
        started_at: expect.any(String),
        completed_at: expect.any(String),
        progress: 1,
        current_phase: 'evaluate',
        result: completedResult.result,
        error: null,
      });
      // The request recorded for the job does not carry async_mode.
      expect(event.data.request).toEqual({ question: 'What is 2+2?' });
    } finally {
      created.stop();
    }
  });

  it('sees an outcome published before it started following the job', async () => {
    const created = await watchCreated(nats.nc);
    try {
      const pending = gateway.request('/api/v1/solve/enhanced', { key: 'bob', body: { question: 'fast', async_mode: false } });
      const event = await created.next();
      // Published at once, racing the gateway's own start of following: nothing may be missed.
      await publishAsWorker(nats.js, event, [['failed', { error: 'the model refused', reason: 'provider_error' }]]);
      const answer = await pending;
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({
        job_id: event.job_id,
        status: 'failed',
        mode: 'enhanced',
        error: 'the model refused',
        result: null,
      });
    } finally {
      created.stop();
    }
  });

  it('ignores a late completion after a cancel', async () => {
    const created = await watchCreated(nats.nc);
    try {
      const pending = gateway.request('/api/v1/solve/basic', { key: 'alice', body: { question: 'q', async_mode: false } });
      const event = await created.next();
      await publishAsWorker(nats.js, event, [
        ['cancel', { reason: null }],
        ['completed', completedResult],
      ]);
      const answer = await pending;
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ status: 'cancelled', result: null });
    } finally {
      created.stop();
    }
  });

  it('answers 504 saying where to poll when the job outlasts CRUX_SYNC_TIMEOUT_MS', async () => {
    const answer = await impatient.request('/api/v1/solve/basic', { key: 'alice', body: { question: 'slow', async_mode: false } });
    expect(answer.status).toBe(504);
    const body = errorBody(answer);
    const { job_id } = body.details as { job_id: string };
    expect(body.message).toBe(
      `job ${job_id} is still pending after 300 ms (CRUX_SYNC_TIMEOUT_MS); it carries on: poll GET /api/v1/jobs/${job_id} or follow /api/v1/jobs/${job_id}/events`,
    );
    expect(body.details).toEqual({ job_id, status: 'pending', poll: `/api/v1/jobs/${job_id}`, events: `/api/v1/jobs/${job_id}/events` });
    // The job was still submitted.
    expect((await nats.jobEvents(job_id)).map((e) => e.event.type)).toEqual(['created']);
  });

  it('stops waiting when the client goes away', async () => {
    const streams = gateway.app.get(OpenStreams);
    const abort = new AbortController();
    const request = fetch(`${gateway.url}/api/v1/solve/basic`, {
      method: 'POST',
      headers: { authorization: `Bearer ${Keys.alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'never mind', async_mode: false }),
      signal: abort.signal,
    }).catch(() => 'aborted');
    await waitFor(() => streams.size === 1, { what: 'the gateway to be waiting for the job' });
    abort.abort();
    expect(await request).toBe('aborted');
    await waitFor(() => streams.size === 0, { what: 'the gateway to stop waiting' });
  });

  it('answers 503 when the gateway shuts down mid-wait; the job carries on', async () => {
    const other = await startTestGateway(nats.server.url);
    const created = await watchCreated(nats.nc);
    try {
      const pending = other.request('/api/v1/solve/basic', { key: 'alice', body: { question: 'q', async_mode: false } });
      const event = await created.next();
      // The gateway is following the job by now or will see the stream from its start.
      await other.close();
      const answer = await pending;
      expect(answer.status).toBe(503);
      expect(errorBody(answer).message).toContain(`the gateway is shutting down before job ${event.job_id} finished`);
    } finally {
      created.stop();
      await other.close();
    }
  });
});
