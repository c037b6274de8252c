import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JobCreated } from '@crux/contracts';
import { ensureJobsStream } from '@crux/messaging';
import { startTestGateway, startTestNats, UUID, type Gateway, type TestNats } from './support/gateway-fixture.js';

describe('submitting jobs', () => {
  let nats: TestNats;
  let gateway: Gateway;

  beforeAll(async () => {
    nats = await startTestNats();
    // The gateway is first up here: it creates the JOBS stream itself.
    gateway = await startTestGateway(nats.server.url);
  });

  afterAll(async () => {
    await gateway?.close();
    await nats?.close();
  });

  it('accepts a basic job with 202 and records job.created with envelope, owner and actor', async () => {
    const answer = await gateway.request('/api/v1/solve/basic', {
      key: 'alice',
      body: { question: 'What is 2+2?', n_iters: 2, async_mode: true },
    });
    expect(answer.status).toBe(202);
    const { job_id, status, created_at, message } = answer.json;
    expect(job_id).toMatch(UUID);
    expect(status).toBe('pending');
    expect(new Date(created_at).toISOString()).toBe(created_at);
    expect(message).toContain(`/api/v1/jobs/${job_id}`);
    expect(answer.headers.get('location')).toBe(`/api/v1/jobs/${job_id}`);

    const events = await nats.jobEvents(job_id);
    expect(events).toHaveLength(1);
    const [{ subject, event }] = events;
    expect(subject).toBe(`job.created.${job_id}`);
    const created = event as JobCreated;
    expect(created).toEqual({
      id: expect.stringMatching(UUID),
      type: 'created',
      job_id,
      occurred_at: created_at,
      actor: { kind: 'user', id: 'alice' },
      correlation_id: job_id,
      causation_id: null,
      data: {
        mode: 'basic',
        owner: 'alice',
        // As sent, minus the transport-only async_mode.
        request: { question: 'What is 2+2?', n_iters: 2 },
        model_name: null,
        llm_provider: 'simulated',
        continued_from: null,
      },
    });
  });

  it('accepts an enhanced job, keeping its own fields and the provider and model it asked for', async () => {
    const request = {
      question: 'Plan a bridge',
      num_specialists: 2,
      reasoning_effort: 'high',
      llm_provider: 'openai',
      model_name: 'gpt-test',
    };
    const answer = await gateway.request('/api/v1/solve/enhanced', { key: 'bob', body: request });
    expect(answer.status).toBe(202);
    const [{ event }] = await nats.jobEvents(answer.json.job_id);
    const created = event as JobCreated;
    expect(created.actor).toEqual({ kind: 'user', id: 'bob' });
    expect(created.data).toEqual({
      mode: 'enhanced',
      owner: 'bob',
      request,
      model_name: 'gpt-test',
      llm_provider: 'openai',
      continued_from: null,
    });
  });

  it('lets an operator submit, as the owner of the job', async () => {
    const answer = await gateway.request('/api/v1/solve/basic', { key: 'ops', body: { question: 'ops job' } });
    expect(answer.status).toBe(202);
    const [{ event }] = await nats.jobEvents(answer.json.job_id);
    expect((event as JobCreated).data.owner).toBe('ops');
  });

  it('gives every job its own id and event', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => gateway.request('/api/v1/solve/basic', { body: { question: `q${i}` } })),
    );
    const ids = new Set(answers.map((a) => a.json.job_id));
    expect(ids.size).toBe(10);
    for (const id of ids) expect(await nats.jobEvents(id)).toHaveLength(1);
  });

  it('answers 503 when the event log cannot record the job', async () => {
    const jsm = nats.jsm;
    await jsm.streams.delete('JOBS');
    try {
      const answer = await gateway.request('/api/v1/solve/basic', { body: { question: 'no stream' } });
      expect(answer.status).toBe(503);
      expect(answer.json.message).toMatch(/could not be recorded/);
    } finally {
      // Put the stream back as the gateway would at start.
      await ensureJobsStream(jsm, gateway.settings);
    }
  });
});
