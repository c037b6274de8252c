/** How jobs and results read in a terminal. */
import type { JobView, SolveResult } from '@crux/contracts';
import { formatPercent, truncate } from '../render/progress-bar.js';
import { formatTable } from './table.js';
import { formatAge, formatDuration, formatTimestamp } from './time.js';

export function formatJobsTable(jobs: readonly JobView[], now: Date): string {
  return formatTable(
    [
      { header: 'id' },
      { header: 'status' },
      { header: 'progress', align: 'right' },
      { header: 'phase', maxWidth: 40 },
      { header: 'created' },
      { header: 'owner', maxWidth: 24 },
    ],
    jobs.map((job) => [
      job.job_id,
      job.status,
      formatPercent(job.progress ?? 0).trim(),
      job.current_phase ?? '-',
      formatAge(job.created_at, now),
      job.owner ?? '-',
    ]),
  );
}

/** The aligned `label  value` block of `crux status`. */
export function formatJobDetail(job: JobView, now: Date): string {
  const rows: [string, string][] = [
    ['job', job.job_id],
    ['status', describeStatus(job)],
    ['mode', job.mode],
    ['owner', job.owner ?? '-'],
  ];
  if (job.model_name) rows.push(['model', job.model_name]);
  const question = typeof job.request?.question === 'string' ? job.request.question : undefined;
  if (question) rows.push(['question', truncate(question.replace(/\s+/g, ' ').trim(), 100)]);
  if (job.continued_from) rows.push(['continues', job.continued_from]);
  rows.push(['created', formatTimestamp(job.created_at, now)]);
  if (job.started_at) rows.push(['started', formatTimestamp(job.started_at, now)]);
  if (job.completed_at) rows.push(['ended', formatTimestamp(job.completed_at, now)]);
  if (job.ttl_s !== undefined) rows.push(['expires', job.ttl_s === null ? 'never (no TTL)' : `in ${formatDuration(job.ttl_s)}`]);
  if (job.error) rows.push(['error', job.error]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
  if (job.result) lines.push('', formatResultSummary(job.result));
  return lines.join('\n');
}

function describeStatus(job: JobView): string {
  if (job.status !== 'running') return job.status;
  const percent = formatPercent(job.progress ?? 0).trim();
  return job.current_phase ? `running (${percent}, ${job.current_phase})` : `running (${percent})`;
}

/** `completed in 12.3s · 3 iterations · converged (evaluator_stop) · 1,234 tokens`, then the output. */
export function formatResultSummary(result: SolveResult): string {
  const facts = [
    `completed in ${formatDuration(result.processing_time)}`,
    `${result.iterations} iteration${result.iterations === 1 ? '' : 's'}`,
    result.converged ? `converged (${result.stop_reason})` : `not converged (${result.stop_reason})`,
  ];
  if (typeof result.total_tokens === 'number') facts.push(`${result.total_tokens.toLocaleString('en-US')} tokens`);
  return `${facts.join(' · ')}\n\n${(result.output ?? '').trimEnd()}`;
}

/** Reads a SolveResult out of an answer of unknown shape (a sync submit answers with the job or its result). */
export function findResult(value: unknown): SolveResult | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.output === 'string' && 'iterations' in record) return record as unknown as SolveResult;
  if (record.result && typeof record.result === 'object') return findResult(record.result);
  return undefined;
}
