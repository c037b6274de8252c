/**
 * A count that fades with time (exponential decay, time constant `tauMs`): roughly how many
 * things happened in the last `tauMs`, without keeping a list of them.
 */
export class DecayingCount {
  private amount = 0;
  private at = 0;

  constructor(private readonly tauMs: number) {}

  add(n: number, now: number): void {
    this.amount = this.value(now) + n;
    this.at = now;
  }

  value(now: number): number {
    if (this.amount === 0) return 0;
    return this.amount * Math.exp(-Math.max(0, now - this.at) / this.tauMs);
  }
}
