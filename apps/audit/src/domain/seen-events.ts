/**
 * The source event ids of the trail's most recent records, bounded by `capacity` (oldest
 * forgotten first). `complete` says whether it holds every record of the trail: true when it
 * was loaded from the first record and nothing has been forgotten since, so a miss is proof
 * that an event was never recorded.
 */
export class SeenEvents {
  private readonly ids = new Set<string>();
  private whole: boolean;

  constructor(
    readonly capacity: number,
    complete = true,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.whole = complete;
  }

  get size(): number {
    return this.ids.size;
  }

  get complete(): boolean {
    return this.whole;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    if (this.ids.has(id)) return;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      // A Set iterates in insertion order: the first value is the oldest.
      const oldest = this.ids.values().next().value as string;
      this.ids.delete(oldest);
      this.whole = false;
    }
  }

  clear(complete: boolean): void {
    this.ids.clear();
    this.whole = complete;
  }
}
