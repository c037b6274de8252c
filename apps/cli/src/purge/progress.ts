/** A running purge as a progress line, and its closing summary. */
import type { PurgeProgress } from '@crux/contracts';
import type { ProgressLineState } from '../render/progress-bar.js';
import { formatCount } from './plan-display.js';

export function purgeDone(progress: Pick<PurgeProgress, 'deleted' | 'skipped' | 'failed'>): number {
  return (progress.deleted ?? 0) + (progress.skipped ?? 0) + (progress.failed ?? 0);
}

/**
 * `[████░░░░]  40%  running    400 of 1,000 ·   390 deleted ·    10 skipped ·     0 failed`:
 * counts padded to the width of the total, so the line keeps its length and the bar its
 * size while the numbers grow.
 */
export function purgeLineState(progress: PurgeProgress): ProgressLineState {
  const done = purgeDone(progress);
  const fraction = progress.count > 0 ? done / progress.count : 1;
  const total = formatCount(progress.count);
  const n = (value: number) => formatCount(value).padStart(total.length);
  return {
    status: progress.status,
    progress: progress.status === 'completed' ? 1 : Math.min(fraction, 0.999),
    phase: `${n(done)} of ${total} · ${n(progress.deleted)} deleted · ${n(progress.skipped)} skipped · ${n(progress.failed)} failed`,
  };
}

export function formatPurgeSummary(progress: PurgeProgress): string {
  const verb = progress.erase ? 'erased' : 'deleted';
  const lines = [
    `purge ${progress.plan_id} ${progress.status}: ${formatCount(progress.deleted)} ${verb}, ${formatCount(progress.skipped)} skipped (on hold or already gone), ${formatCount(progress.failed)} failed`,
  ];
  if (progress.failed > 0) {
    lines.push(
      `${formatCount(progress.failed)} job${progress.failed === 1 ? '' : 's'} could not be deleted and ${progress.failed === 1 ? 'is' : 'are'} still there: run the same purge again to retry`,
    );
  }
  if (progress.deleted > 0 && !progress.erase) lines.push('deleted jobs stay restorable from the archive: crux restore <job-id>');
  return lines.join('\n');
}

/** The progress as answered, with counters a terse answer left out taken as zero and plan fields from the plan. */
export function normaliseProgress(
  answer: Partial<PurgeProgress> | null,
  plan: Pick<PurgeProgress, 'plan_id' | 'count' | 'erase'>,
): PurgeProgress {
  const value = answer ?? {};
  return {
    sample: [],
    expires_at: '',
    created_by: '',
    confirmed_by: null,
    ...value,
    plan_id: value.plan_id ?? plan.plan_id,
    count: typeof value.count === 'number' ? value.count : plan.count,
    erase: typeof value.erase === 'boolean' ? value.erase : plan.erase,
    status: value.status ?? 'running',
    deleted: value.deleted ?? 0,
    skipped: value.skipped ?? 0,
    failed: value.failed ?? 0,
  };
}
