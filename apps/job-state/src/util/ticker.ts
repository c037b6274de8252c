/**
 * Runs `work` every `everyMs`, never two at once (the next run is scheduled when one ends),
 * and stops cleanly: stop() waits for the run in progress. A failed run is reported and the
 * next one goes ahead.
 */
export class Ticker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly everyMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(runNow = false): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(runNow ? 0 : this.everyMs);
  }

  /** Runs now (unless a run is in progress, which is then awaited). */
  async runNow(): Promise<void> {
    if (this.running) return this.running;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.run(), ms);
    this.timer.unref?.();
  }

  private async run(): Promise<void> {
    this.timer = null;
    this.running = this.work().catch(this.onError);
    try {
      await this.running;
    } finally {
      this.running = null;
      if (!this.timer) this.schedule(this.everyMs);
    }
  }
}
