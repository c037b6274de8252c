/** Why a stream was refused: its key holds its share, or the gateway holds all it may. */
export type QuotaRefusal = 'key' | 'gateway';

export interface StreamSlot {
  /** Gives the slot back. Safe to call twice. */
  release(): void;
}

/**
 * Open event streams, counted per API key and in all, in this gateway's memory. A stream holds
 * a socket, a NATS subscription and a timer for as long as its job runs, so both counts are
 * capped (CRUX_SSE_MAX_STREAMS_PER_KEY, CRUX_SSE_MAX_STREAMS).
 */
export class StreamQuota {
  private readonly perKey = new Map<string, number>();
  private total = 0;

  constructor(
    readonly maxPerKey: number,
    readonly maxTotal: number,
  ) {}

  acquire(key: string): StreamSlot | QuotaRefusal {
    const held = this.perKey.get(key) ?? 0;
    if (held >= this.maxPerKey) return 'key';
    if (this.total >= this.maxTotal) return 'gateway';
    this.perKey.set(key, held + 1);
    this.total++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        const left = (this.perKey.get(key) ?? 1) - 1;
        if (left === 0) this.perKey.delete(key);
        else this.perKey.set(key, left);
      },
    };
  }

  held(key: string): number {
    return this.perKey.get(key) ?? 0;
  }

  get size(): number {
    return this.total;
  }
}
