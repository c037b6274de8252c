/**
 * Cancels this worker heard for jobs it did not hold. A job can be cancelled an instant
 * before a worker fetches it, while job-state has not yet recorded the cancel: remembering
 * the cancel stops the worker from starting a job it was told about, instead of killing it
 * at the next check. Bounded in size and age, so it costs little however many jobs pass.
 */
export class RecentCancels {
  private readonly heard = new Map<string, { eventId: string; at: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxAgeMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  remember(jobId: string, eventId: string): void {
    this.heard.delete(jobId);
    this.heard.set(jobId, { eventId, at: this.now() });
    // Maps iterate in insertion order: the first entries are the oldest.
    for (const oldest of this.heard.keys()) {
      if (this.heard.size <= this.maxEntries) break;
      this.heard.delete(oldest);
    }
  }

  /** The id of a cancel heard for `jobId` recently enough to trust, or null. */
  get(jobId: string): string | null {
    const entry = this.heard.get(jobId);
    if (!entry) return null;
    if (this.now() - entry.at > this.maxAgeMs) {
      this.heard.delete(jobId);
      return null;
    }
    return entry.eventId;
  }
}
