import { IdFilter } from './id-filter.js';

/** Ids the filter behind the exact set is sized for: a purge of a million jobs, about 1.2 MB. */
const FILTER_SIZED_FOR = 1_000_000;

/**
 * The source event ids of the trail's most recent records, bounded by `capacity` (oldest
 * forgotten first). `complete` says whether it holds every record of the trail: true when it
 * was loaded from the first record and nothing has been forgotten since, so a miss is proof
 * that an event was never recorded.
 *
 * Behind the exact set, a filter (IdFilter) keeps every id added since the set was last
 * loaded whole: after the set has forgotten some, an id the filter never saw is still proven
 * never recorded (`neverRecorded`), so a long run of new events (a purge of more records than
 * `capacity`) does not have to look each one up in the stream. Loaded from only the tail of
 * the trail, there is no such proof, and every miss is looked up as before.
 */
export class SeenEvents {
  private readonly ids = new Set<string>();
  private whole: boolean;
  /** Every id added since the set was loaded whole; null while there is no such start. */
  private filter: IdFilter | null;

  constructor(
    readonly capacity: number,
    complete = true,
    private readonly filterSizedFor = FILTER_SIZED_FOR,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.whole = complete;
    this.filter = complete ? new IdFilter(filterSizedFor) : null;
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

  /** True only when `id` was certainly never recorded: a miss in a complete set, or in the filter of a set that started whole. */
  neverRecorded(id: string): boolean {
    if (this.ids.has(id)) return false;
    if (this.whole) return true;
    return this.filter !== null && !this.filter.mightHave(id);
  }

  add(id: string): void {
    if (this.ids.has(id)) return;
    this.ids.add(id);
    this.filter?.add(id);
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
    if (!complete) this.filter = null;
    else if (this.filter) this.filter.clear();
    else this.filter = new IdFilter(this.filterSizedFor);
  }
}
