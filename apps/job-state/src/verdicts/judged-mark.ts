interface Waiter {
  seq: number;
  resolve: (judged: boolean) => void;
}

/**
 * How far this replica's projector has judged JOBS, in memory: every event up to `seq` is
 * applied or refused, its refusal kept, its ack sent. A verdicts request that lands on the
 * projecting replica waits on this (woken by the batch that gets there) instead of polling
 * the consumer's ack floor. Only while it is known to be contiguous: a batch left partly
 * unacked (a stop, a lost lease) makes it unknown, and askers fall back to the ack floor. An
 * event Redis failed on holds its batch back until it applies or is set aside (a command set
 * aside is refused, its refusal kept first): either way judged once the batch advances this.
 */
export class JudgedMark {
  private seq = 0;
  private known = false;
  private readonly waiters = new Set<Waiter>();

  /** The projector starts after `seq`: everything up to it was judged (acked) before. */
  reset(seq: number): void {
    this.seq = seq;
    this.known = true;
    this.wake();
  }

  /** A batch up to `seq` was judged whole. */
  advance(seq: number): void {
    if (!this.known || seq <= this.seq) return;
    this.seq = seq;
    this.wake();
  }

  /** No longer known here (a batch left unacked, a stop, the lease lost): waiters fall back. */
  lose(): void {
    this.known = false;
    for (const w of this.waiters) w.resolve(false);
    this.waiters.clear();
  }

  /**
   * Resolves true once `seq` is judged, false after `timeoutMs` or when the mark is lost; null
   * at once when this replica does not know (it is not projecting).
   */
  wait(seq: number, timeoutMs: number): Promise<boolean> | null {
    if (!this.known) return null;
    if (seq <= this.seq) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        seq,
        resolve: (judged) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(judged);
        },
      };
      const timer = setTimeout(() => waiter.resolve(false), timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private wake(): void {
    for (const w of this.waiters) if (w.seq <= this.seq) w.resolve(true);
  }
}
