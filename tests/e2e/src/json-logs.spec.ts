/**
 * JSON logs of a real run (CRUX_LOG_FORMAT=json): every line every service prints is one JSON
 * object with time, level, service and message, and a job's lines are found by their job_id
 * field, as an operator's log system would.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CruxSystem, TEST_KEYS, waitFor } from '@crux/test-harness';
import { jobEvents } from './support/job-events.js';
import { submit } from './support/jobs.js';

const { alice } = TEST_KEYS;
type Record_ = { time: string; level: string; service: string; message: string; job_id?: string; [key: string]: unknown };

function records(log: string): Record_[] {
  return log
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record_;
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
}

describe('JSON logs of a real run', () => {
  let system: CruxSystem;

  beforeAll(async () => {
    system = await CruxSystem.start({ env: { CRUX_LOG_FORMAT: 'json', CRUX_WORKER_CONCURRENCY: '1', CRUX_SIMULATED_LATENCY_MS: '200' } });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it("finds a cancelled job's lines by its job_id field, in the worker's log, each a JSON object", async () => {
    const { job_id } = await submit(system, alice, 'basic', { question: 'a long one', n_iters: 30 });
    await waitFor(async () => (await jobEvents(system.nats.url, job_id)).some((e) => e.type === 'started'), {
      what: `job ${job_id} to start`,
      timeoutMs: 30_000,
    });
    const cancel = await system.request(`/api/v1/jobs/${job_id}`, alice, { method: 'DELETE' });
    expect({ status: cancel.status, body: await cancel.json() }).toEqual({ status: 202, body: expect.anything() });
    await waitFor(async () => (await jobEvents(system.nats.url, job_id)).some((e) => e.type === 'revoked'), {
      what: 'job.revoked',
      timeoutMs: 30_000,
    });

    // The worker logs the cancel of the job it holds: found by the field, as a log system would.
    const lines = await waitFor(
      () => {
        const found = records(system.service('worker-1').log()).filter((r) => r.job_id === job_id);
        return found.length > 0 ? found : undefined;
      },
      { what: `a worker line with job_id ${job_id}:\n${system.service('worker-1').log()}` },
    );
    for (const line of lines)
      expect(line).toEqual(
        expect.objectContaining({ service: 'crux-worker', level: expect.any(String), message: expect.stringContaining(`job ${job_id}`) }),
      );
    for (const line of lines) expect(new Date(line.time).toISOString()).toBe(line.time);
  });

  it('prints nothing but JSON lines with time, level, service and message, in every service', () => {
    for (const [label, service] of [
      ['gateway-1', 'crux-gateway'],
      ['job-state-1', 'crux-job-state'],
      ['worker-1', 'crux-worker'],
      ['audit-1', 'crux-audit'],
    ]) {
      const all = records(system.service(label).log());
      expect(all.length).toBeGreaterThan(0);
      for (const record of all)
        expect({ label, record }).toEqual({
          label,
          record: expect.objectContaining({ time: expect.any(String), level: expect.any(String), service, message: expect.anything() }),
        });
      expect(all.some((r) => String(r.message).includes(`${service} ready`))).toBe(true);
    }
  });
});
