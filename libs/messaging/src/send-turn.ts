/** Runs a callback once the current turn of the event loop has finished its I/O callbacks. */
export type Defer = (run: () => void) => void;

const nextCheckPhase: Defer = (run) => setImmediate(run);

/**
 * Holds NATS sends (event publishes, acks, pull requests) until the current turn of the
 * event loop has run its I/O callbacks, then makes them all in one synchronous pass
 * (`setImmediate`), so they share one socket write.
 *
 * Why: the NATS client writes what it has buffered in a microtask, and Node runs microtasks
 * after every callback, so sends made in the same turn each paid a write of their own: the
 * gateway's submits (one per HTTP socket's callback), and the worker's `started`, outcome,
 * ack and pull request of jobs that move together (a read of PubAcks, a child's result). That
 * was the largest item of the worker's CPU in a burst, a fifth of the gateway's per submit,
 * and as many reads on the server.
 */
export class SendTurn {
  private queue: Array<() => void> = [];
  private scheduled = false;

  constructor(private readonly defer: Defer = nextCheckPhase) {}

  /** Runs `send` at the end of this turn. It must handle its own errors: one that throws is ignored. */
  later(send: () => void): void {
    this.queue.push(send);
    if (!this.scheduled) {
      this.scheduled = true;
      this.defer(() => this.flush());
    }
  }

  /** Runs `send` at the end of this turn and settles with its result (or what it threw). */
  submit<R>(send: () => Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) =>
      this.later(() => {
        let result: Promise<R>;
        try {
          result = send();
        } catch (error) {
          reject(error);
          return;
        }
        result.then(resolve, reject);
      }),
    );
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    for (const send of batch) {
      try {
        send();
      } catch {
        // `later` callers handle their own errors; see above.
      }
    }
  }
}

/** Sends at once: for a publisher or recorder used on its own (tests, one-off tools). */
export const SEND_NOW: Pick<SendTurn, 'later' | 'submit'> = {
  later: (send) => {
    try {
      send();
    } catch {
      // as SendTurn.later
    }
  },
  submit: (send) => {
    try {
      return send();
    } catch (error) {
      return Promise.reject(error);
    }
  },
};

export type Sends = Pick<SendTurn, 'later' | 'submit'>;
