/**
 * Puts the deliveries of several filtered consumers of one stream back into stream order.
 *
 * The audit service reads one durable consumer per event type it records (nats-server 2.9
 * allows one filter subject per consumer), so that the many events of a normal job never
 * reach it. Each consumer delivers its own events in stream order, but the consumers run
 * side by side: a restore may arrive before the deletion it undoes, when deletions are
 * backlogged behind a purge. The merge holds what arrives and releases an item only once
 * every other source is known to have nothing left below it ("covered" up to its sequence):
 * a source is covered up to the last sequence it delivered, and up to a higher one when the
 * server says it has nothing else there (the reader's probe, see `behind`).
 */
export class StreamOrderMerge<T> {
  /** Per source, the sequence up to which every one of its items has arrived here. */
  private readonly covered = new Map<string, number>();
  /** Items not yet released, ascending by sequence. */
  private held: { seq: number; source: string; item: T }[] = [];

  constructor(sources: readonly string[]) {
    if (sources.length === 0) throw new RangeError('a merge needs at least one source');
    for (const source of sources) this.covered.set(source, 0);
  }

  /** Items held, not yet released. */
  get size(): number {
    return this.held.length;
  }

  /** Items of `source` held, not yet released. */
  heldFrom(source: string): number {
    let n = 0;
    for (const h of this.held) if (h.source === source) n++;
    return n;
  }

  /** Takes an item as it arrives; a source delivers in stream order, so it is covered up to it. */
  add(source: string, seq: number, item: T): void {
    this.coverUpTo(source, seq);
    const entry = { seq, source, item };
    // Almost always the highest so far: append. A redelivery lands in its place.
    let at = this.held.length;
    while (at > 0 && this.held[at - 1].seq > seq) at--;
    this.held.splice(at, 0, entry);
  }

  /** Records that `source` holds nothing below or at `seq` that has not arrived. */
  coverUpTo(source: string, seq: number): void {
    const now = this.covered.get(source);
    if (now === undefined) throw new RangeError(`unknown source ${source}`);
    if (seq > now) this.covered.set(source, seq);
  }

  /** The items every source is covered for, in stream order; they leave the merge. */
  release(): T[] {
    if (this.held.length === 0) return [];
    let floor = Infinity;
    for (const seq of this.covered.values()) floor = Math.min(floor, seq);
    let n = 0;
    while (n < this.held.length && this.held[n].seq <= floor) n++;
    if (n === 0) return [];
    return this.held.splice(0, n).map((h) => h.item);
  }

  /**
   * What keeps the held items from release: the sources not yet covered up to the highest
   * held sequence, and that sequence. The reader asks the server about exactly these.
   */
  behind(): { sources: string[]; upTo: number } {
    if (this.held.length === 0) return { sources: [], upTo: 0 };
    const upTo = this.held[this.held.length - 1].seq;
    const sources = [...this.covered].filter(([, seq]) => seq < upTo).map(([source]) => source);
    return { sources, upTo };
  }

  /** Every item held, in stream order, left in the merge. */
  peek(): T[] {
    return this.held.map((h) => h.item);
  }

  /**
   * Empties the merge and forgets every coverage: the caller hands the items back to the
   * server, which redelivers them later, below sequences already covered.
   */
  takeAll(): T[] {
    for (const source of this.covered.keys()) this.covered.set(source, 0);
    return this.held.splice(0).map((h) => h.item);
  }
}

/**
 * What a probe of a consumer (a pull of at most one message and one byte, no waiting) says:
 * - `nothing-left`: the server answered 404 (no messages). It had nothing undelivered at all,
 *   redeliveries included, when it read the request, which came after everything the reader
 *   holds was stored; and the consumer sends that answer behind its earlier deliveries, so
 *   they have all arrived. The consumer is covered up to the highest sequence held.
 * - `message`: a message came all the same (a server that ignores max_bytes): it must be
 *   handed back (it comes again through the reader's pulls), and nothing is proven.
 * - `unknown`: any other status — 409 when the consumer has a message to deliver (it exceeds
 *   the one byte, and stays for the reader's pulls), 408, too many pulls waiting …; the
 *   consumer's own deliveries, or a later probe, settle it.
 */
export type ProbeVerdict = 'nothing-left' | 'message' | 'unknown';

export function probeVerdict(statusCode: number, hasAckSubject: boolean): ProbeVerdict {
  if (statusCode === 404) return 'nothing-left';
  if (statusCode === 0 && hasAckSubject) return 'message';
  return 'unknown';
}
