import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@crux/test-harness';
import { ApiError } from '../src/errors.js';
import { CruxClient } from '../src/http/client.js';
import { followJobEvents, type JobStreamEvent, type ReconnectInfo } from '../src/sse/follow-job.js';
import { FakeGateway } from './support/fake-gateway.js';

async function collect(stream: AsyncIterable<JobStreamEvent>): Promise<JobStreamEvent[]> {
  const events: JobStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('following a job event stream over real HTTP', () => {
  const gateway = new FakeGateway();
  let client: CruxClient;

  beforeAll(async () => {
    await gateway.start();
    client = new CruxClient({ baseUrl: gateway.url, apiKey: 'sub-key' });
  });
  afterAll(() => gateway.close());

  it("replays a finished job's history and ends at its terminal event", async () => {
    const job = gateway.addJob();
    gateway.runJob(job.job_id);
    const events = await collect(followJobEvents(client, job.job_id));
    expect(events.map((event) => event.type)).toEqual(['created', 'started', 'progress', 'progress', 'completed']);
    expect(events.every((event) => event.envelope?.job_id === job.job_id)).toBe(true);
    expect(events[2].envelope?.data).toEqual({ progress: 0.25, current_phase: 'iteration 1/2: generating' });
    expect(new Set(events.map((event) => event.id)).size).toBe(5);
    expect(gateway.requests.at(-1)?.headers.accept).toBe('text/event-stream');
  });

  it('follows live events until the job ends', async () => {
    const job = gateway.addJob();
    const done = collect(followJobEvents(client, job.job_id));
    await waitFor(() => gateway.streamConnections.get(job.job_id) === 1, { what: 'the stream to open' });
    gateway.runJob(job.job_id, 'failed');
    const events = await done;
    expect(events.map((event) => event.type)).toEqual(['created', 'started', 'progress', 'progress', 'failed']);
  });

  it('reconnects with Last-Event-ID after the stream drops mid-way, losing and repeating nothing', async () => {
    const job = gateway.addJob();
    gateway.emit(job.job_id, 'started', { worker_id: 'w1', pid: 1, attempt: 1 });
    // The first connection drops after 2 events, the second after 1 more: both while the job runs.
    gateway.dropAfter.set(job.job_id, [2, 1]);
    const reconnects: ReconnectInfo[] = [];
    const done = collect(followJobEvents(client, job.job_id, { onReconnect: (info) => reconnects.push(info) }));
    await waitFor(() => gateway.streamConnections.get(job.job_id) === 1, { what: 'the stream to open' });
    gateway.runJob(job.job_id);
    const events = await done;

    expect(events.map((event) => event.type)).toEqual(['created', 'started', 'started', 'progress', 'progress', 'completed']);
    expect(events.map((event) => Number(event.id))).toEqual([...events.map((event) => Number(event.id))].sort((a, b) => a - b));
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    const streamRequests = gateway.requests.filter((request) => request.path === `/api/v1/jobs/${job.job_id}/events`);
    expect(streamRequests.map((request) => request.headers['last-event-id'])).toEqual([undefined, events[1].id, events[2].id]);
    expect(reconnects.map((info) => info.lastEventId)).toEqual([events[1].id, events[2].id]);
    // The delay the server asked for with `retry:`.
    expect(reconnects[0].delayMs).toBe(20);
  });

  it('retries a gateway that answers 503, then carries on', async () => {
    const job = gateway.addJob();
    gateway.runJob(job.job_id);
    gateway.refuseStreams = 2;
    const reconnects: ReconnectInfo[] = [];
    const events = await collect(followJobEvents(client, job.job_id, { retryMs: 5, onReconnect: (info) => reconnects.push(info) }));
    expect(events.at(-1)?.type).toBe('completed');
    expect(reconnects.map((info) => info.reason)).toEqual([
      '503 Service Unavailable — job-state did not answer',
      '503 Service Unavailable — job-state did not answer',
    ]);
    // Consecutive failures back off: 5 ms, then 10 ms.
    expect(reconnects.map((info) => info.delayMs)).toEqual([5, 10]);
  });

  it('gives up after too many failures in a row, with the last error', async () => {
    const job = gateway.addJob();
    gateway.refuseStreams = 10;
    const error = await collect(followJobEvents(client, job.job_id, { retryMs: 1, maxFailures: 3 })).catch((e: unknown) => e);
    gateway.refuseStreams = 0;
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    expect(gateway.streamConnections.get(job.job_id)).toBe(3);
  });

  it('does not retry an answer that retrying cannot change (404)', async () => {
    const unknown = randomUUID();
    const error = await collect(followJobEvents(client, unknown, { retryMs: 1 })).catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(404);
    expect(gateway.requests.filter((request) => request.path === `/api/v1/jobs/${unknown}/events`)).toHaveLength(1);
  });

  it('ends quietly on 204, when the job is over and there is nothing more to send', async () => {
    const job = gateway.addJob();
    gateway.runJob(job.job_id);
    const all = await collect(followJobEvents(client, job.job_id));
    // Resuming after the terminal event: the gateway has nothing more and says so with 204.
    expect(await collect(followJobEvents(client, job.job_id, { lastEventId: all.at(-1)?.id }))).toEqual([]);
    expect(gateway.streamConnections.get(job.job_id)).toBe(2);
  });

  it('stops at once when aborted', async () => {
    const job = gateway.addJob();
    const aborter = new AbortController();
    const done = collect(followJobEvents(client, job.job_id, { signal: aborter.signal }));
    await waitFor(() => gateway.streamConnections.get(job.job_id) === 1, { what: 'the stream to open' });
    aborter.abort();
    await expect(done).rejects.toMatchObject({ name: 'AbortError' });
  });
});
