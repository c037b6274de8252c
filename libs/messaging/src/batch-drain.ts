/** The most messages handed over at once: what one Redis transaction or trail append takes well. */
export const MAX_BATCH = 500;

export interface BatchDrainOptions {
  /** @defaultValue MAX_BATCH */
  maxBatch?: number;
  /** Checked before each batch: false leaves the rest buffered (stopping, fenced). @defaultValue always true */
  shouldContinue?: () => boolean;
  /** Where an error of `handle` goes; without it, the drain's promise rejects (see settled()). */
  onError?: (error: unknown) => void;
}

/**
 * The batching reader of a JetStream consumer: messages are buffered as they arrive and
 * handed to `handle` in arrival order, at most `maxBatch` at a time and one batch at a time.
 * While a batch is being handled the next gathers, so batches grow with load while an idle
 * stream still sees each message at once.
 */
export class BatchDrain<T> {
  private buffer: T[] = [];
  private draining: Promise<void> | null = null;
  private readonly maxBatch: number;

  constructor(
    private readonly handle: (batch: T[]) => Promise<void>,
    private readonly options: BatchDrainOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? MAX_BATCH;
  }

  /** Messages buffered and not yet handed over. */
  get size(): number {
    return this.buffer.length;
  }

  push(item: T): void {
    this.buffer.push(item);
    // Started on a microtask so every message of the same socket read joins the first batch.
    if (!this.draining) this.draining = Promise.resolve().then(() => this.drain());
  }

  /** Removes and answers everything buffered and not yet handed over (to hand back, or to drop). */
  takeAll(): T[] {
    return this.buffer.splice(0);
  }

  /** Resolves once the batch being handled, and any handed over after it, are done. */
  settled(): Promise<void> {
    return this.draining ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    const { shouldContinue, onError } = this.options;
    try {
      while (this.buffer.length > 0 && (shouldContinue?.() ?? true)) {
        await this.handle(this.buffer.splice(0, this.maxBatch));
      }
    } catch (error) {
      if (!onError) throw error;
      onError(error);
    } finally {
      this.draining = null;
    }
  }
}
