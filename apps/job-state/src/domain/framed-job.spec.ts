import { describe, expect, it } from '@jest/globals';
import type { JobView } from '@crux/contracts';
import { frameFields, storedJobFromFrame, unframe } from './framed-job.js';
import { JOB_HASH_FIELDS, jobContentHash, toJobHash } from './job-hash.js';

const view: JobView = {
  job_id: 'job-1',
  status: 'completed',
  created_at: '2030-01-01T00:00:00.000Z',
  started_at: '2030-01-01T00:00:01.000Z',
  completed_at: '2030-01-01T00:00:09.000Z',
  progress: 1,
  current_phase: 'completed',
  result: null,
  error: null,
  partial_results: null,
  request: { question: 'déjà vu ✓ 12:34' },
  mode: 'enhanced',
  owner: 'alice',
  model_name: null,
  continued_from: null,
  version: 41,
  held: true,
};

describe('a job framed as read-jobs.lua reads it', () => {
  it('gives its facts, hold and content hash (the same as from its fields), the rest on demand', () => {
    const stored = toJobHash(view);
    // A field Redis does not have (error) frames as empty, as HMGET's nil does in the script.
    const job = storedJobFromFrame(frameFields(JOB_HASH_FIELDS.map((f) => (f === 'error' ? null : stored[f]))))!;
    expect(job.job).toEqual({ owner: 'alice', status: 'completed', mode: 'enhanced', created_at: view.created_at, version: 41 });
    expect(job.held).toBe(true);
    expect(job.contentHash).toBe(jobContentHash(stored));
    expect(job.decode()).toEqual(stored);
    // Version and hold are bookkeeping, outside the content.
    const unheld = storedJobFromFrame(frameFields(JOB_HASH_FIELDS.map((f) => toJobHash({ ...view, held: false, version: 2 })[f])))!;
    expect(unheld.held).toBe(false);
    expect(unheld.contentHash).toBe(job.contentHash);
  });

  it('reads no job where the status is missing or not a status', () => {
    expect(storedJobFromFrame(frameFields(JOB_HASH_FIELDS.map(() => null)))).toBeNull();
    const stored = toJobHash(view);
    expect(storedJobFromFrame(frameFields(JOB_HASH_FIELDS.map((f) => (f === 'status' ? 'gone' : stored[f]))))).toBeNull();
  });

  it('splits frames by byte length, so a field may hold digits and colons', () => {
    const record = frameFields(['12:3', '', 'é']);
    expect(record.toString()).toBe('4:12:30:2:é');
    expect(unframe(record, 3)).toEqual({ starts: [2, 8, 10], ends: [6, 8, 12] });
  });

  it('refuses a record that is not exactly the frames asked for', () => {
    expect(unframe(Buffer.from('3:ab'), 1)).toBeNull();
    expect(unframe(Buffer.from('2:ab1:c'), 1)).toBeNull();
    expect(unframe(Buffer.from(':ab'), 1)).toBeNull();
    expect(unframe(Buffer.from('x:ab'), 1)).toBeNull();
    expect(() => storedJobFromFrame(Buffer.from('2:ab'))).toThrow(/unframed/);
  });
});
