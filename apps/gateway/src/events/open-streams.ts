import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

export interface TrackedResponse {
  /** The response is over: shutdown need not wait for it any more. Safe to call twice. */
  done(): void;
}

interface Entry {
  stop: () => void;
  finished: Promise<void>;
}

/** How long shutdown waits for a stopped response to finish before closing the server anyway. */
const FINISH_GRACE_MS = 5000;

/**
 * Long-lived responses (SSE streams, sync-mode waits) register here so a shutdown can end
 * them first: the HTTP server only closes once they are gone, and NATS is drained after it.
 */
@Injectable()
export class OpenStreams implements BeforeApplicationShutdown {
  private readonly open = new Set<Entry>();
  private shuttingDown = false;

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  get size(): number {
    return this.open.size;
  }

  /** Registers a response; at shutdown `stop` is called and shutdown waits for `done()`. */
  track(stop: () => void): TrackedResponse {
    let resolve!: () => void;
    const entry: Entry = { stop, finished: new Promise<void>((r) => (resolve = r)) };
    this.open.add(entry);
    if (this.shuttingDown) stop();
    return {
      done: () => {
        this.open.delete(entry);
        resolve();
      },
    };
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    const entries = [...this.open];
    for (const entry of entries) entry.stop();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, FINISH_GRACE_MS)));
    await Promise.race([Promise.all(entries.map((entry) => entry.finished)), grace]);
    clearTimeout(timer);
  }
}
