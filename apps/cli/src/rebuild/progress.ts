/**
 * A rebuild of the live state as `crux rebuild-state` shows it: the progress line while it
 * runs, one phrase naming a rebuild (who started it, when), and the closing summary. Pure,
 * so exactly what an operator reads is tested.
 */
import type { RebuildProgress } from '@crux/contracts';
import { formatCount } from '../purge/plan-display.js';
import type { ProgressLineState } from '../render/progress-bar.js';
import { formatDuration, formatTimestamp } from '../format/time.js';

/** The progress as answered, with counters a terse answer left out taken as zero. */
export function normaliseRebuildProgress(answer: Partial<RebuildProgress> | null, fallbackId = 'unknown'): RebuildProgress {
  const value = answer ?? {};
  const count = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : 0);
  return {
    rebuild_id: value.rebuild_id || fallbackId,
    status: value.status ?? 'running',
    trigger: value.trigger ?? 'operator',
    events_read: count(value.events_read),
    events_total: count(value.events_total),
    jobs_restored: count(value.jobs_restored),
    jobs_deleted: count(value.jobs_deleted),
    started_at: value.started_at ?? '',
    finished_at: value.finished_at ?? null,
    actor: value.actor ?? '',
    reason: value.reason ?? null,
    error: value.error ?? null,
  };
}

export function isFinished(progress: Pick<RebuildProgress, 'status'>): boolean {
  return progress.status === 'completed' || progress.status === 'failed';
}

/** `1,234 of 5,000 events`, the read count padded to the total's width so the line keeps its length. */
function eventsPhase(progress: RebuildProgress): string {
  const total = formatCount(Math.max(progress.events_total, progress.events_read));
  return `${formatCount(progress.events_read).padStart(total.length)} of ${total} events`;
}

/**
 * `[████░░░░]  40%  running  2,000 of 5,000 events`; once completed, the jobs restored and the
 * tombstones kept join it. Job counts are only known at the end, so they are not shown before.
 */
export function rebuildLineState(progress: RebuildProgress): ProgressLineState {
  if (progress.status === 'completed') {
    return {
      status: progress.status,
      progress: 1,
      phase: `${eventsPhase(progress)} · ${formatCount(progress.jobs_restored)} restored · ${formatCount(progress.jobs_deleted)} tombstones`,
    };
  }
  // Just started: job-state has not looked at the stream's size yet.
  if (progress.events_total === 0 && progress.status === 'running')
    return { status: progress.status, progress: 0, phase: 'reading the JOBS stream' };
  const fraction = progress.events_total > 0 ? progress.events_read / progress.events_total : 0;
  return { status: progress.status, progress: Math.min(fraction, 0.999), phase: eventsPhase(progress) };
}

/** Who set it off: an operator's key name, or job-state itself when it found Redis empty. */
export function startedBy(progress: Pick<RebuildProgress, 'trigger' | 'actor'>): string {
  return progress.trigger === 'redis_empty'
    ? 'automatically by job-state (Redis had lost the live state)'
    : `by ${progress.actor || 'an unknown operator'}`;
}

/** `rebuild <id>, started 2030-01-01 00:00:00 UTC (5s ago) by ops`. */
export function describeRebuild(progress: RebuildProgress, now: Date): string {
  return `rebuild ${progress.rebuild_id}, started ${formatTimestamp(progress.started_at, now)} ${startedBy(progress)}`;
}

/** The latest rebuild job-state knows of, in one line, for the explanation shown before asking. */
export function describeLatest(progress: RebuildProgress, now: Date): string {
  if (progress.status === 'running') return `${describeRebuild(progress, now)}, is running: ${eventsPhase(progress)} read`;
  return `${describeRebuild(progress, now)}, ${progress.status} ${formatTimestamp(progress.finished_at, now)}`;
}

/** Seconds from start to finish (to `now` while it runs); undefined when a time is unreadable. */
export function rebuildSeconds(progress: Pick<RebuildProgress, 'started_at' | 'finished_at'>, now: Date): number | undefined {
  const start = Date.parse(progress.started_at);
  const end = progress.finished_at ? Date.parse(progress.finished_at) : now.getTime();
  if (!Number.isFinite(start) || !Number.isFinite(end)) return undefined;
  return Math.max(0, (end - start) / 1000);
}

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

export function formatRebuildSummary(progress: RebuildProgress, now: Date): string {
  const seconds = rebuildSeconds(progress, now);
  const took = seconds === undefined ? '' : ` in ${formatDuration(seconds)}`;
  if (progress.status === 'failed') {
    return [
      `rebuild ${progress.rebuild_id} failed${took}, after ${eventsPhase(progress)} read: ${progress.error ?? 'no reason given'}`,
      'the live state may still be incomplete: run crux rebuild-state again',
    ].join('\n');
  }
  const lines = [
    `rebuild ${progress.rebuild_id} ${progress.status}${took}: ${plural(progress.events_read, 'event', 'events')} read, ` +
      `${plural(progress.jobs_restored, 'job', 'jobs')} restored, ${plural(progress.jobs_deleted, 'tombstone', 'tombstones')} kept (deleted jobs stay deleted)`,
  ];
  if (progress.jobs_restored > 0) {
    lines.push(
      'restored jobs count their TTLs from their own times: any whose TTL ran out meanwhile is expired by job-state now and recorded with reason ttl',
    );
  } else if (progress.status === 'completed') {
    lines.push('Redis already held every job at its latest version: nothing needed writing back');
  }
  return lines.join('\n');
}
