import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { closeNats, connectNats, type NatsConnection } from '@crux/messaging';
import type { JobRevokedData, JobStartedData, SolveResult } from '@crux/contracts';
import { ManagedProcess, startNats, waitFor, type TestServer } from '@crux/test-harness';
import { EventLog, provisionQueue, publishCancel, publishCreated, queueSettled } from './nats-helpers.js';
import { processExists } from './pool-helpers.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('the worker process (built dist/main.js)', () => {
  let nats: TestServer;
  let nc: NatsConnection;
  let log: EventLog;
  const workers: ManagedProcess[] = [];

  function startWorker(id: string, extraEnv: Record<string, string> = {}): ManagedProcess {
    const proc = new ManagedProcess(id, process.execPath, [MAIN], {
      ...process.env,
      NATS_URL: nats.url,
      CRUX_WORKER_ID: id,
      CRUX_WORKER_CONCURRENCY: '1',
      CRUX_SIMULATED_LATENCY_MS: '100',
      CRUX_ACK_WAIT_MS: '2000',
      CRUX_MAX_ATTEMPTS: '3',
      CRUX_REQUEST_TIMEOUT_MS: '1000',
      CRUX_REVOKE_GRACE_MS: '300',
      ...extraEnv,
    });
    proc.start();
    workers.push(proc);
    return proc;
  }

  async function ready(proc: ManagedProcess): Promise<void> {
    await waitFor(() => proc.log().includes('crux-worker ready'), { what: `${proc.label} to be ready`, timeoutMs: 30_000 }).catch(
      (error: Error) => {
        throw new Error(`${error.message}\n${proc.log()}`);
      },
    );
  }

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ url: nats.url, name: 'worker-process-spec' });
    await provisionQueue(nc, { ackWaitMs: 2000, maxAttempts: 3 });
    log = await EventLog.open(nc);
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill('SIGKILL')));
  });

  afterAll(async () => {
    log?.close();
    await closeNats(nc);
    await nats?.stop();
  });

  it('hands a job whose worker was killed with -9 to a second worker, which completes it', async () => {
    const first = startWorker('worker-one');
    await ready(first);
    const created = await publishCreated(nc, { question: 'Explain quicksort.', n_iters: 8 });
    const started = await waitFor(() => log.of(created.job_id).find((e) => e.type === 'progress') && log.of(created.job_id)[0], {
      what: 'the first worker to be under way',
      timeoutMs: 30_000,
    });
    const orphan = (started.data as JobStartedData).pid;

    await first.kill('SIGKILL');
    // Its child must not keep computing a job nobody will record.
    await waitFor(() => !processExists(orphan), { what: `the first worker's child ${orphan} to exit`, timeoutMs: 30_000 });

    const second = startWorker('worker-two');
    await ready(second);
    const events = await waitFor(() => log.until(created.job_id, 'completed'), {
      what: 'the second worker to complete the job',
      timeoutMs: 60_000,
    });
    const starts = events.filter((e) => e.type === 'started');
    expect(starts.map((e) => [e.actor.id, (e.data as JobStartedData).attempt])).toEqual([
      ['worker-one', 1],
      ['worker-two', 2],
    ]);
    const completed = events.at(-1)!;
    expect(completed.actor).toEqual({ kind: 'service', id: 'worker-two' });
    expect((completed.data as { result: SolveResult }).result.iterations).toBe(8);
  });

  it('on SIGTERM stops, hands its running job back at once, and leaves no child behind', async () => {
    const first = startWorker('worker-three');
    await ready(first);
    const created = await publishCreated(nc, { question: 'Explain quicksort.', n_iters: 30 });
    const started = await waitFor(() => log.of(created.job_id).find((e) => e.type === 'progress') && log.of(created.job_id)[0], {
      what: 'the worker to be under way',
      timeoutMs: 30_000,
    });
    const child = (started.data as JobStartedData).pid;

    await first.kill('SIGTERM');
    expect(first.log()).toContain('handed job');
    expect(processExists(child)).toBe(false);

    const second = startWorker('worker-four', { CRUX_SIMULATED_LATENCY_MS: '0' });
    await ready(second);
    const events = await waitFor(() => log.until(created.job_id, 'completed'), {
      what: 'the job to complete elsewhere',
      timeoutMs: 60_000,
    });
    expect(events.filter((e) => e.type === 'started').map((e) => e.actor.id)).toEqual(['worker-three', 'worker-four']);
  });

  it('with the test knob CRUX_TEST_CHILD_IGNORES_SIGTERM=1, its children ignore SIGTERM, so a cancel ends in SIGKILL after CRUX_REVOKE_GRACE_MS', async () => {
    const worker = startWorker('worker-stubborn', { CRUX_TEST_CHILD_IGNORES_SIGTERM: '1', CRUX_REVOKE_GRACE_MS: '300' });
    await ready(worker);
    expect(worker.log()).toContain('TEST KNOB CRUX_TEST_CHILD_IGNORES_SIGTERM=1');
    const created = await publishCreated(nc, { question: 'Explain quicksort.', n_iters: 30 });
    const started = await waitFor(() => log.of(created.job_id).find((e) => e.type === 'progress') && log.of(created.job_id)[0], {
      what: 'the worker to be under way',
      timeoutMs: 30_000,
    });
    const child = (started.data as JobStartedData).pid;

    const cancel = await publishCancel(nc, created.job_id);
    const events = await waitFor(() => log.until(created.job_id, 'revoked'), { what: 'job.revoked', timeoutMs: 30_000 });
    expect(processExists(child)).toBe(false);
    const revoked = events.filter((e) => e.type === 'revoked');
    expect(revoked).toHaveLength(1);
    expect(revoked[0].causation_id).toBe(cancel.id);
    expect(revoked[0].data).toMatchObject({
      terminated: true,
      outcome: 'killed',
      signal: 'SIGKILL',
      pid: child,
      worker_id: 'worker-stubborn',
    });
    expect((revoked[0].data as JobRevokedData).took_ms).toBeGreaterThanOrEqual(300);
    await waitFor(() => queueSettled(nc), { what: 'the message to be settled' });
  });
});
