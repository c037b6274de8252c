import { describe, expect, it } from '@jest/globals';
import { sha256Hex, type JobView } from '@crux/contracts';
import {
  CONTENT_FIELDS,
  fromJobHash,
  JOB_HASH_FIELDS,
  jobContentHash,
  jobHashFromFields,
  snapshotOf,
  toJobHash,
  ttlFromDeadline,
  ttlFromRedis,
} from './job-hash.js';

const completed: JobView = {
  job_id: 'job-1',
  status: 'completed',
  created_at: '2030-01-01T00:00:00.000Z',
  started_at: '2030-01-01T00:00:01.000Z',
  completed_at: '2030-01-01T00:00:09.000Z',
  progress: 1,
  current_phase: 'completed',
  result: {
    output: 'x',
    iterations: 1,
    total_tokens: 3,
    processing_time: 0.1,
    converged: false,
    stop_reason: 'max_iters',
    metadata: {},
  },
  error: null,
  partial_results: [{ candidate: 'x', score: 0.4 }],
  request: { question: 'q' },
  mode: 'enhanced',
  owner: 'alice',
  model_name: null,
  continued_from: 'job-0',
  version: 41,
  held: false,
};

describe('job hash conversion', () => {
  it('given a view, when written and read back, then it is the same view', () => {
    const hash = toJobHash(completed);
    expect(Object.keys(hash).sort()).toEqual([...JOB_HASH_FIELDS].sort());
    expect(Object.values(hash).every((v) => typeof v === 'string')).toBe(true);
    expect(fromJobHash(hash)).toEqual(completed);
  });

  it('stores nulls as empty strings and reads empty strings back as null', () => {
    const hash = toJobHash({ ...completed, result: null, partial_results: null, current_phase: null });
    expect(hash).toMatchObject({ result: '', partial_results: '', current_phase: '', model_name: '', error: '' });
    expect(fromJobHash(hash)).toMatchObject({ result: null, partial_results: null, current_phase: null, model_name: null });
  });

  it('reads numbers and JSON fields as values, not strings', () => {
    const view = fromJobHash({ ...toJobHash(completed), progress: '0.75', version: '9' });
    expect(view?.progress).toBe(0.75);
    expect(view?.version).toBe(9);
    expect(view?.request).toEqual({ question: 'q' });
  });

  it('has no job for an empty hash (a missing key)', () => {
    expect(fromJobHash({})).toBeNull();
  });

  it('reads a corrupt JSON field as null rather than failing the whole job', () => {
    expect(fromJobHash({ ...toJobHash(completed), result: '{not json' })?.result).toBeNull();
  });

  it('adds the TTL when given one, and maps Redis TTL replies', () => {
    expect(fromJobHash(toJobHash(completed), 60)?.ttl_s).toBe(60);
    expect(fromJobHash(toJobHash(completed))).not.toHaveProperty('ttl_s');
    expect([ttlFromRedis(60), ttlFromRedis(-1), ttlFromRedis(-2)]).toEqual([60, null, null]);
  });

  it('stores a legal hold as 1 and reads anything else as not held', () => {
    expect(toJobHash({ ...completed, held: true }).held).toBe('1');
    expect(fromJobHash({ ...toJobHash(completed), held: '1' })?.held).toBe(true);
    expect(fromJobHash({ ...toJobHash(completed), held: '' })?.held).toBe(false);
    const { held: _held, ...withoutField } = toJobHash(completed);
    expect(fromJobHash(withoutField)?.held).toBe(false);
  });

  it('counts the TTL a client sees to the deadline in the expiry index, rounding up', () => {
    expect(ttlFromDeadline(10_500, 1_000)).toBe(10);
    expect(ttlFromDeadline(10_001, 1_000)).toBe(10);
    expect(ttlFromDeadline(10_000, 1_000)).toBe(9);
    expect(ttlFromDeadline(500, 1_000)).toBe(0);
    expect(ttlFromDeadline(null, 1_000)).toBeNull();
  });

  it('archives a job without its moving TTL', () => {
    expect(snapshotOf({ ...completed, ttl_s: 30 })).toEqual(completed);
  });
});

describe('the content hash a deletion names a job by', () => {
  it('is the same for the same job whatever its version or hold, and differs when its content does', () => {
    const hash = jobContentHash(toJobHash(completed));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(jobContentHash(toJobHash({ ...completed, version: 99, held: true }))).toBe(hash);
    expect(jobContentHash(toJobHash({ ...completed, result: { ...completed.result!, output: 'y' } }))).not.toBe(hash);
    expect(jobContentHash(toJobHash({ ...completed, owner: 'bob' }))).not.toBe(hash);
  });

  it('hashes the stored strings as they are, a missing field as empty', () => {
    const stored = toJobHash(completed);
    const framed = CONTENT_FIELDS.map((f) => `${Buffer.byteLength(stored[f])}:${stored[f]}`).join('');
    expect(jobContentHash(stored)).toBe(sha256Hex(framed));
    // Lengths frame the fields: moving text from one field to the next changes the hash.
    expect(jobContentHash({ ...stored, error: 'ab', partial_results: '' })).not.toBe(
      jobContentHash({ ...stored, error: 'a', partial_results: 'b' }),
    );
    const { error: _error, ...withoutError } = stored;
    expect(jobContentHash(withoutError)).toBe(jobContentHash(stored));
    expect(CONTENT_FIELDS).not.toContain('version');
    expect(CONTENT_FIELDS).not.toContain('held');
  });

  it('reads an HMGET reply of every field, and no job where the status is missing', () => {
    const stored = toJobHash(completed);
    expect(jobHashFromFields(JOB_HASH_FIELDS.map((f) => (f === 'error' ? null : stored[f])))).toEqual(stored);
    expect(jobHashFromFields(JOB_HASH_FIELDS.map(() => null))).toBeNull();
  });
});
