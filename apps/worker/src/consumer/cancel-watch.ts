/**
 * The backstop for cancels the core subscription misses: a cancel published while this
 * worker was disconnected from NATS is never delivered to it. So the held jobs are checked
 * with job-state right after every reconnect, and every few seconds while any runs (one
 * request per held job per interval, never per progress event). `epoch` counts
 * disconnects, so a job's result can be checked once more before it is recorded only when
 * the connection dropped since its last check.
 */
import type { NatsConnection } from '@crux/messaging';
import type { PoolLogger } from '../pool/pool-types.js';

export class CancelWatch {
  private disconnects = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopStatus: () => void = () => undefined;
  private sweeping: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly intervalMs: number,
    private readonly sweep: () => Promise<void>,
    private readonly logger: PoolLogger,
  ) {}

  /** Disconnects seen so far. */
  get epoch(): number {
    return this.disconnects;
  }

  start(): void {
    this.timer = setInterval(() => this.trigger(), this.intervalMs);
    const status = this.nc.status();
    // The client's status iterator can be stopped; the interface only promises iteration.
    this.stopStatus = () => (status as Partial<{ stop(): void }>).stop?.();
    void (async () => {
      for await (const s of status) {
        if (s.type === 'disconnect') {
          this.disconnects++;
          this.logger.warn(`disconnected from NATS (${s.server}): cancels sent meanwhile will be looked up with job-state on reconnect`);
        } else if (s.type === 'reconnect') {
          this.logger.log(`reconnected to NATS (${s.server}); checking held jobs for cancels missed meanwhile`);
          this.trigger();
        }
      }
    })().catch((error: unknown) => this.logger.warn(`NATS status watch ended: ${(error as Error).message}`));
  }

  /** Runs a sweep now, or right after the one under way. */
  trigger(): void {
    if (this.stopped) return;
    if (this.sweeping) {
      this.again = true;
      return;
    }
    this.sweeping = this.sweep()
      .catch((error: unknown) => this.logger.warn(`checking held jobs for cancels failed: ${(error as Error).message}`))
      .finally(() => {
        this.sweeping = null;
        if (this.again) {
          this.again = false;
          this.trigger();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.stopStatus();
    await this.sweeping;
  }
}
