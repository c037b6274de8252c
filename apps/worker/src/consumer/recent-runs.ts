/**
 * How long this worker's recent runs took, for deciding whether to take jobs ahead of free
 * children (JobConsumer): the median of the last few, not a moving average. On a busy
 * machine one run in a hundred waits a few hundred milliseconds for a CPU; a moving average
 * jumped past the threshold on each such run and stopped taking jobs ahead for the next
 * several, so every freed child waited a round trip to the queue. A median moves only when
 * most runs do: jobs that really run long still stop taking ahead within a few runs.
 */
export class RecentRuns {
  private readonly runs: number[] = [];
  private next = 0;

  constructor(private readonly keep = 9) {
    if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`keep must be a positive integer, got ${keep}`);
  }

  note(ms: number): void {
    if (this.runs.length < this.keep) this.runs.push(ms);
    else this.runs[this.next] = ms;
    this.next = (this.next + 1) % this.keep;
  }

  /** The median of the runs kept (the upper one of an even count); null before the first. */
  typicalMs(): number | null {
    if (this.runs.length === 0) return null;
    const sorted = [...this.runs].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }
}
