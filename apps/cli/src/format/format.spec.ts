import { describe, expect, it } from '@jest/globals';
import { jobView, RESULT } from '../../test/support/jobs.js';
import { findResult, formatJobDetail, formatJobsTable, formatResultSummary } from './job.js';
import { formatTable } from './table.js';
import { formatAge, formatDuration, formatTimestamp } from './time.js';

const NOW = new Date('2025-06-01T12:05:00.000Z');

describe('formatTable', () => {
  it('aligns columns two spaces apart, right-aligns where asked, and cuts long cells', () => {
    const table = formatTable(
      [{ header: 'id' }, { header: 'n', align: 'right' }, { header: 'note', maxWidth: 8 }],
      [
        ['a', '5', 'short'],
        ['bbbb', '100', 'a note that is too long\nand has a newline'],
      ],
    );
    expect(table.split('\n')).toEqual(['ID      N  NOTE', 'a       5  short', 'bbbb  100  a note…']);
  });
});

describe('times', () => {
  it('says how long ago', () => {
    expect(formatAge('2025-06-01T12:04:55Z', NOW)).toBe('5s ago');
    expect(formatAge('2025-06-01T11:55:00Z', NOW)).toBe('10m ago');
    expect(formatAge('2025-06-01T09:05:00Z', NOW)).toBe('3h ago');
    expect(formatAge('2025-05-29T12:05:00Z', NOW)).toBe('3d ago');
    expect(formatAge(null, NOW)).toBe('-');
    expect(formatAge('not a date', NOW)).toBe('not a date');
  });

  it('formats durations for people', () => {
    expect(formatDuration(0.85)).toBe('850ms');
    expect(formatDuration(12.34)).toBe('12.3s');
    expect(formatDuration(125)).toBe('2m 05s');
    expect(formatDuration(3720)).toBe('1h 02m');
    expect(formatDuration(86_400 * 3 + 3600 * 4)).toBe('3d 04h');
    expect(formatDuration(-1)).toBe('-');
  });

  it('shows a timestamp in UTC with its age', () => {
    expect(formatTimestamp('2025-06-01T12:00:00.000Z', NOW)).toBe('2025-06-01 12:00:00 UTC (5m ago)');
  });
});

describe('jobs', () => {
  it('lists jobs as a table with id, status, progress, phase, created, owner', () => {
    const table = formatJobsTable(
      [
        jobView({
          job_id: 'job-1',
          status: 'running',
          progress: 0.42,
          current_phase: 'iteration 2/3: evaluating',
          created_at: '2025-06-01T12:04:00Z',
        }),
        jobView({ job_id: 'job-2', status: 'completed', progress: 1, owner: 'alice', created_at: '2025-06-01T10:00:00Z' }),
      ],
      NOW,
    );
    expect(table.split('\n')).toEqual([
      'ID     STATUS     PROGRESS  PHASE                      CREATED  OWNER',
      'job-1  running         42%  iteration 2/3: evaluating  1m ago   dev-submitter',
      'job-2  completed      100%  -                          2h ago   alice',
    ]);
  });

  it('details a running job with its progress and phase', () => {
    const detail = formatJobDetail(
      jobView({ status: 'running', progress: 0.5, current_phase: 'refining', started_at: '2025-06-01T12:01:00Z', ttl_s: 86_400 }),
      NOW,
    );
    expect(detail).toContain('status    running (50%, refining)');
    expect(detail).toContain('question  What is the sum of the first 100 odd numbers?');
    expect(detail).toContain('started   2025-06-01 12:01:00 UTC (4m ago)');
    expect(detail).toContain('expires   in 1d 00h');
  });

  it('details a completed job with its result, and a held job as never expiring', () => {
    const detail = formatJobDetail(jobView({ status: 'completed', progress: 1, result: RESULT, ttl_s: null }), NOW);
    expect(detail).toContain('status    completed\n');
    expect(detail).toContain('expires   never (no TTL)');
    expect(detail).toContain('completed in 12.3s · 2 iterations · converged (evaluator_stop) · 1,234 tokens');
    expect(detail.endsWith(RESULT.output)).toBe(true);
  });

  it('summarises a result that did not converge', () => {
    expect(formatResultSummary({ ...RESULT, converged: false, stop_reason: 'max_iters', iterations: 1 })).toMatch(
      /^completed in 12.3s · 1 iteration · not converged \(max_iters\)/,
    );
  });

  it('finds the result in a job, in a bare result, and nowhere else', () => {
    expect(findResult(jobView({ result: RESULT }))).toEqual(RESULT);
    expect(findResult(RESULT)).toEqual(RESULT);
    expect(findResult({ job_id: 'x', status: 'failed', result: null })).toBeUndefined();
    expect(findResult('text')).toBeUndefined();
  });
});
