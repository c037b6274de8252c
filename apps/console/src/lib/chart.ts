/**
 * The System page's chart: jobs completed and jobs deleted per minute over the last
 * minutes, deletions split by reason. Counted from what the signed-in key may read.
 */
export const SERIES = ['completed', 'purge', 'erase', 'ttl', 'external'] as const;
export type Series = (typeof SERIES)[number];

export interface MinuteBucket {
  /** Start of the minute, ms since the epoch. */
  start: number;
  counts: Record<Series, number>;
}

function empty(): Record<Series, number> {
  return { completed: 0, purge: 0, erase: 0, ttl: 0, external: 0 };
}

/**
 * `minutes` buckets ending with the minute of `now`; `completedAt` are completion times,
 * `deletions` each deletion's time and reason (an unknown reason counts as external).
 */
export function perMinute(
  now: Date,
  minutes: number,
  completedAt: readonly string[],
  deletions: readonly { at: string; reason: string | null }[],
): MinuteBucket[] {
  const lastStart = Math.floor(now.getTime() / 60_000) * 60_000;
  const firstStart = lastStart - (minutes - 1) * 60_000;
  const buckets: MinuteBucket[] = Array.from({ length: minutes }, (_, i) => ({ start: firstStart + i * 60_000, counts: empty() }));
  const bucketOf = (iso: string) => {
    const t = new Date(iso).getTime();
    if (Number.isNaN(t) || t < firstStart || t >= lastStart + 60_000) return undefined;
    return buckets[Math.floor((t - firstStart) / 60_000)];
  };
  for (const at of completedAt) {
    const bucket = bucketOf(at);
    if (bucket) bucket.counts.completed++;
  }
  for (const { at, reason } of deletions) {
    const bucket = bucketOf(at);
    if (!bucket) continue;
    const series = (SERIES as readonly string[]).includes(reason ?? '') && reason !== 'completed' ? (reason as Series) : 'external';
    bucket.counts[series]++;
  }
  return buckets;
}

/** The tallest stack, at least 1, so the bars have a scale. */
export function chartMax(buckets: readonly MinuteBucket[]): number {
  return Math.max(
    1,
    ...buckets.map((b) => Math.max(b.counts.completed, b.counts.purge + b.counts.erase + b.counts.ttl + b.counts.external)),
  );
}

export function totals(buckets: readonly MinuteBucket[]): Record<Series, number> {
  const sum = empty();
  for (const bucket of buckets) for (const series of SERIES) sum[series] += bucket.counts[series];
  return sum;
}
