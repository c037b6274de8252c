/**
 * What `crux rebuild-state` tells the operator before asking: what the rebuild does, what it
 * never does, and the one effect that may surprise (jobs whose TTL ran out meanwhile are
 * expired straight after). Pure, so the wording an operator confirms is tested.
 */
import type { RebuildProgress } from '@crux/contracts';
import { describeLatest } from './progress.js';

export const REBUILD_EXPLANATION = [
  "Rebuild job-state's live state in Redis from the JOBS event log (the source of truth):",
  '  - every event still in JOBS is replayed into Redis; only jobs Redis is missing, or holds',
  '    an older version of, are written back',
  '  - nothing live is deleted or overwritten; deleted jobs stay deleted (their tombstones come',
  '    back, GET answers 410), erased jobs do not come back',
  "  - each job's deadlines are counted from its own times, not from now: a job whose TTL ran",
  '    out meanwhile is expired by job-state straight after, and recorded with reason ttl',
  '  - while it runs, job-state holds new events back and answers 503 for jobs not restored yet',
].join('\n');

export function explainRebuild(options: { reason?: string; latest: RebuildProgress | null; now: Date }): string {
  const lines = [REBUILD_EXPLANATION];
  if (options.reason) lines.push(`  reason: ${options.reason}`);
  lines.push(
    options.latest
      ? `  last: ${describeLatest(options.latest, options.now)}`
      : '  last: no rebuild is recorded since Redis last lost its state',
  );
  return lines.join('\n');
}
