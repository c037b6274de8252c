/** Runs a callback once the current turn of the event loop has finished its I/O callbacks. */
export type Defer = (run: () => void) => void;

const nextCheckPhase: Defer = (run) => setImmediate(run);

/**
 * Hands items to `send` in batches, one batch per turn of the event loop: every item submitted
 * while Node works through the sockets that were ready in one poll (each request's handler runs
 * there) is sent in one synchronous pass, right after them (`setImmediate`).
 *
 * Why: the NATS client writes what it has buffered to its socket in a microtask, and Node runs
 * the microtasks after each socket's callback, so concurrent submits each paid a socket write
 * of their own (a fifth of the gateway's CPU under load). Sent together, they share one write.
 * Each item still gets its own result: its own PubAck, or its own error.
 */
export class TurnBatch<T, R> {
  private queue: Array<{ item: T; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];
  private scheduled = false;

  constructor(
    private readonly send: (item: T) => Promise<R>,
    private readonly defer: Defer = nextCheckPhase,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        this.defer(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    for (const { item, resolve, reject } of batch) {
      let result: Promise<R>;
      try {
        result = this.send(item);
      } catch (error) {
        reject(error);
        continue;
      }
      result.then(resolve, reject);
    }
  }
}
