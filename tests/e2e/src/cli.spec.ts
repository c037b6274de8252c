/**
 * The `crux` command against the real system, as the README tells users to run it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CruxSystem, TEST_KEYS } from '@crux/test-harness';
import { crux as runCrux } from './support/crux-cli.js';

const crux = (system: CruxSystem, args: string[], key: string = TEST_KEYS.alice.secret) => runCrux(system, args, key);

describe('crux CLI against the running system', () => {
  let system: CruxSystem;
  beforeAll(async () => {
    system = await CruxSystem.start({ env: { CRUX_SIMULATED_LATENCY_MS: '20' } });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('submits a job, watches it to the end and shows it in status and jobs', async () => {
    const submitted = await crux(system, ['submit', 'How many legs has a spider?', '--iters', '3', '--watch']);
    expect({ code: submitted.code, stderr: submitted.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const id = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(submitted.stdout + submitted.stderr)?.[0];
    expect(id).toBeDefined();
    expect(submitted.stdout).toMatch(/completed/i);

    const status = await crux(system, ['status', id!, '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ job_id: id, status: 'completed', owner: 'alice' });

    const jobs = await crux(system, ['jobs', '--status', 'completed']);
    expect(jobs.code).toBe(0);
    expect(jobs.stdout).toContain(id!.slice(0, 8));
  });

  it('exits non-zero with a one-line message for an unknown job and a wrong key', async () => {
    const missing = await crux(system, ['status', '00000000-0000-4000-8000-000000000000']);
    expect(missing.code).toBe(5);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/not found/i);

    const wrongKey = await crux(system, ['jobs'], 'not-a-key');
    expect(wrongKey.code).toBe(4);
  });
});
