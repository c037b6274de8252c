/**
 * job-state frozen (SIGSTOP) under a stream of new jobs for longer than the worker's attempts
 * would last if every "ask again later" used one up: jobs are delayed at most, and none ends
 * `failed` without ever having started.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { JobEventType, StreamName, makeEvent, type EventEnvelope, type JobCreatedData } from '@crux/contracts';
import { closeNats, connectNats, jetstream, publishEvent, type NatsConnection } from '@crux/messaging';
import { CruxSystem, waitFor } from '@crux/test-harness';

/** CRUX_MAX_ATTEMPTS here, and how long one "ask again later" took before the fix: the request timeout plus the 2 s redelivery delay. */
const MAX_ATTEMPTS = 2;
const REQUEST_TIMEOUT_MS = 500;
const RETRY_INTERVAL_MS = REQUEST_TIMEOUT_MS + 2000;
/** Well past MAX_ATTEMPTS × the retry interval. */
const FREEZE_MS = 3 * MAX_ATTEMPTS * RETRY_INTERVAL_MS;
const SUBMITS_PER_S = 10;

/** Every JOBS event, in stream order, from an ordered consumer. */
async function eventLog(nc: NatsConnection): Promise<{ events: EventEnvelope[]; close: () => void }> {
  const events: EventEnvelope[] = [];
  const messages = await (await jetstream(nc).consumers.get(StreamName.Jobs)).consume();
  void (async () => {
    for await (const m of messages) events.push(m.json<EventEnvelope>());
  })();
  return { events, close: () => void messages.close() };
}

/** Publishes `job.created` to JOBS as the gateway does after it accepted a submit. */
async function submit(nc: NatsConnection, i: number): Promise<string> {
  const jobId = crypto.randomUUID();
  await publishEvent(
    jetstream(nc),
    makeEvent<'created', JobCreatedData>(
      JobEventType.Created,
      jobId,
      { kind: 'user', id: 'alice' },
      {
        mode: 'basic',
        owner: 'alice',
        request: { question: `frozen job-state ${i}`, n_iters: 1 },
        model_name: null,
        llm_provider: 'simulated',
        continued_from: null,
      },
    ),
  );
  return jobId;
}

describe('job-state frozen under load', () => {
  let system: CruxSystem | undefined;
  let nc: NatsConnection | undefined;
  afterEach(async () => {
    system?.service('job-state-1').signal('SIGCONT');
    await closeNats(nc);
    await system?.stop();
    system = undefined;
  });

  it(`delays jobs and fails none that never ran, when job-state is stopped for ${FREEZE_MS} ms (attempts ${MAX_ATTEMPTS})`, async () => {
    system = await CruxSystem.start({
      services: { 'job-state': 1, worker: 1 },
      env: { CRUX_MAX_ATTEMPTS: String(MAX_ATTEMPTS), CRUX_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), CRUX_WORKER_CONCURRENCY: '2' },
    });
    const sys = system;
    nc = await connectNats({ url: sys.natsUrl, name: 'e2e-freeze' });
    const log = await eventLog(nc);
    const jobs: string[] = [];
    const submitFor = async (ms: number) => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        jobs.push(await submit(nc!, jobs.length));
        await sleep(1000 / SUBMITS_PER_S);
      }
    };
    try {
      await submitFor(1000);
      const jobState = sys.service('job-state-1');
      jobState.signal('SIGSTOP');
      try {
        await submitFor(FREEZE_MS);
      } finally {
        jobState.signal('SIGCONT');
      }
      await submitFor(1000);

      const ends = (type: string) => new Set(log.events.filter((e) => e.type === type).map((e) => e.job_id));
      await waitFor(
        () => {
          const ended = new Set([...ends(JobEventType.Completed), ...ends(JobEventType.Failed)]);
          return jobs.every((id) => ended.has(id));
        },
        { what: `all ${jobs.length} jobs to end`, timeoutMs: 90_000 },
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${sys.logs()}`);
      });

      const started = ends(JobEventType.Started);
      const failed = log.events.filter((e) => e.type === JobEventType.Failed);
      const failedNeverRan = failed.filter((e) => !started.has(e.job_id));
      expect(failedNeverRan.map((e) => ({ job: e.job_id, data: e.data }))).toEqual([]);
      expect(failed.map((e) => ({ job: e.job_id, data: e.data }))).toEqual([]);
      expect(ends(JobEventType.Completed).size).toBe(jobs.length);
    } finally {
      log.close();
    }
  });
});
