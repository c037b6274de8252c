/**
 * Limits how often progress is published: at most once per interval, counted from when the
 * throttle is made (the job's start), with the newest of any held back going out when the
 * interval ends, so the published phase is never stale for long and a burst never floods
 * the stream. A job that ends within its first interval publishes no progress at all:
 * `completed` or `failed` says everything it would have.
 */
export class ProgressThrottle<T> {
  private lastSent: number;
  private pending: { value: T } | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly send: (value: T) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.lastSent = now();
  }

  offer(value: T): void {
    const wait = this.lastSent + this.intervalMs - this.now();
    if (wait <= 0 && !this.timer) {
      this.emit(value);
      return;
    }
    this.pending = { value };
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, wait));
  }

  /** Sends the held-back update now, if any. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const pending = this.pending;
    this.pending = null;
    if (pending) this.emit(pending.value);
  }

  /** Drops the held-back update. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
  }

  private emit(value: T): void {
    this.lastSent = this.now();
    this.send(value);
  }
}
